"""The apps' secrets in Secrets Manager (design D6): one secret per variable (NEXTAUTH_SECRET, JWT_SECRET,
ENCRYPTION_KEY and each third-party key that is set), encrypted with the data key, with a replica in the
disaster-recovery region under that region's key, protected. The Secrets Store CSI driver mounts them into the pods
(components/secrets_store.py), each read with the pod's own role.

One secret per variable, not per app: a value several apps share (NEXTAUTH_SECRET) is kept once, so it cannot
drift between copies and is rotated in one place; an app's role names exactly the secrets of the variables it
declares, so what IAM lets it read and what it declares are the same list; and each has its own versions and
rotation.

The program writes each value as a new version: a generated one from its protected generated value (so the stacks
made before keep theirs), a third-party key from its config setting. A new value (a rotation, README "Secrets and
their rotation") is a new version, which the pods that read it pick up as they roll.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.base import Component, Platform
from components.config.apps import SecretVariable


@dataclass(frozen=True)
class DisasterRecoveryKey:
    """The region every secret is replicated to, and the key of that region the replica is encrypted with."""

    region: str
    key_arn: pulumi.Input[str]


@dataclass(frozen=True, kw_only=True)
class AppSecretsArgs:
    values: Mapping[SecretVariable, pulumi.Input[str]]
    """Each secret variable's value (secret Outputs)."""
    key_arn: pulumi.Input[str]
    """The data key, which encrypts each secret in the stack's region."""
    disaster_recovery: DisasterRecoveryKey | None
    """Where each secret has a replica; None keeps them in the stack's region only."""


class AppSecrets(Component):
    arns: dict[SecretVariable, pulumi.Output[str]]
    """By variable."""
    version_ids: dict[SecretVariable, pulumi.Output[str]]
    """By variable: the version the program last wrote, which a pod reading it changes with."""

    def __init__(
        self, name: str, platform: Platform, args: AppSecretsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, platform, opts)
        dr = args.disaster_recovery
        if dr is None:
            pulumi.log.warn(
                f"{platform.name_prefix}: no sentinel:backup.drRegion, so the apps' secrets have no replica in another "
                "region: losing the region loses ENCRYPTION_KEY and what it encrypted",
                self,
            )
        self.arns, self.version_ids = {}, {}
        for variable, value in sorted(args.values.items()):
            label = variable.lower().replace("_", "-")
            secret = aws.secretsmanager.Secret(
                f"{name}-{label}",
                name_prefix=platform.name(f"apps-{label}-"),
                description=f"{variable} of the {platform.name_prefix} apps",
                kms_key_id=args.key_arn,
                replicas=[aws.secretsmanager.SecretReplicaArgs(region=dr.region, kms_key_id=dr.key_arn)]
                if dr
                else None,
                tags={"Name": platform.name(f"apps-{label}"), "Variable": variable},
                opts=self.stateful(),
            )
            version = aws.secretsmanager.SecretVersion(
                f"{name}-{label}",
                secret_id=secret.id,
                secret_string=pulumi.Output.secret(value),
                opts=self.child(),
            )
            self.arns[variable] = secret.arn
            self.version_ids[variable] = version.version_id
        self.register_outputs({"arns": self.arns})
