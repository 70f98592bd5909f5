"""What a change to a resource's inputs does to it: the vocabulary of the replacement table.

A provider decides, per property, whether a changed value is applied in place or forces a new resource. For the
Terraform-bridged providers (AWS, Cloudflare, random) that is the attribute's `ForceNew` (SDKv2) or its
`RequiresReplace` plan modifier (plugin framework), plus the resource's `CustomizeDiff` for changes that replace
only sometimes; for Kubernetes it is the provider's own table of immutable fields. Each `Rule` transcribes that
for one resource type and names the provider source it was read from.

Paths are the program's input names (camelCase, as `Resource.inputs` holds them), dotted into nested blocks:
`vpcConfig.subnetIds`. List items are transparent, so `ingress.fromPort` covers the `fromPort` of every item of
`ingress`. A rule path covers its own value and everything inside it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

TERRAFORM_AWS = "https://github.com/hashicorp/terraform-provider-aws/blob/main/"
TERRAFORM_CLOUDFLARE = "https://github.com/cloudflare/terraform-provider-cloudflare/blob/main/"
TERRAFORM_RANDOM = "https://github.com/hashicorp/terraform-provider-random/blob/main/"
PULUMI_KUBERNETES = "https://github.com/pulumi/pulumi-kubernetes/blob/master/"


class Outcome(Enum):
    """What a change does, from least to most disruptive (the order a diff reports the worst of)."""

    UPDATE = "update"
    REPLACE = "replace"
    FAIL = "fail"
    """The provider accepts the plan but the cloud rejects the update: `pulumi up` stops halfway."""


Inputs = Mapping[str, Any]
Condition = Callable[[Inputs, Inputs], str | None]
"""Given the old and the new inputs of one resource, why the change has its outcome, or None when it has not."""


@dataclass(frozen=True)
class Conditional:
    """A change to `path` whose outcome depends on the values: the provider's `CustomizeDiff` (ForceNewIf), or an
    update the cloud refuses."""

    path: str
    outcome: Outcome
    applies: Condition


@dataclass(frozen=True)
class Rule:
    type: str
    """The Pulumi type token, `aws:rds/cluster:Cluster`."""
    source: str
    """The provider source file that declares the resource's schema (and its CustomizeDiff), as a URL."""
    replace_on: tuple[str, ...] = ()
    """Input paths whose every change replaces the resource."""
    conditional: tuple[Conditional, ...] = ()
    holds_data: bool = False
    """Replacing or deleting the resource destroys data nothing else holds (a database, bucket, file system, key,
    secret value, vault or log), so a diff that does either is a finding whether or not the stack protects it."""
    replaces_managed_on: tuple[str, ...] = ()
    """For a provider: its inputs whose change replaces every resource it manages."""
    note: str = ""
    """Why an entry is what it is, where the source alone does not say (a computed default, a deliberate gap)."""


def block(inputs: Inputs, key: str) -> Mapping[str, Any] | None:
    """A MaxItems=1 block as the inputs hold it (an object, or a list of one), or None when it is not set."""
    value = inputs.get(key)
    if isinstance(value, Sequence) and not isinstance(value, str):
        value = value[0] if value else None
    return value if isinstance(value, Mapping) else None


def paths(names: str) -> tuple[str, ...]:
    """The input paths written as one space-separated string, for the long lists of the table."""
    return tuple(names.split())


def covers(rule_path: str, changed_path: str) -> bool:
    """Whether a change at `changed_path` (list indexes already dropped) is at or inside `rule_path`, or is a
    whole block that contains it."""
    return (
        changed_path == rule_path
        or changed_path.startswith(rule_path + ".")
        or rule_path.startswith(changed_path + ".")
    )


def major_version(version: Any) -> str:
    """`15` of `15.10`, `8` of `8.0.1`; the text itself when it has no dot."""
    return str(version).split(".", 1)[0]


def version_tuple(version: Any) -> tuple[int, ...]:
    """`7.1` as (7, 1), for ordering engine versions; non-numeric parts order first."""
    return tuple(int(part) if part.isdigit() else -1 for part in str(version).split("."))
