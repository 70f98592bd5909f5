"""`sentinel:protection`: how the stack's data survives a bad diff or a deletion, decided once per stack.

Written explicitly in the prod and staging stack files, so that it does not follow an edit of
`sentinel:environment`; a stack that omits it (an ephemeral `pr-123`) gets its environment's defaults.
"""

from __future__ import annotations

from typing import Annotated

from components.config.types import Section, by_environment


class ProtectionConfig(Section):
    protect_state: Annotated[bool, by_environment(dev=False, staging=False, prod=True)]
    """Pulumi's `protect` on every resource that holds data or guards it (databases, cache, buckets, file system,
    keys, secrets, vaults, the EKS cluster and the audit log groups), and AWS deletion protection on the EKS
    cluster and load balancer: no diff can delete or replace them until someone unprotects them on purpose.
    Required in prod."""
    keep_data_on_delete: Annotated[bool, by_environment(dev=False, staging=True, prod=True)]
    """When the database or cache is deleted anyway, AWS keeps its data: the Aurora cluster has deletion
    protection, takes a final snapshot and keeps its automated backups, and the cache takes a final snapshot.
    Off, the data tier is torn down with nothing left behind (dev). Required in prod."""
