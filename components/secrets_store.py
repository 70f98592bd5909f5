"""Secrets Manager secrets in pods, through the Secrets Store CSI driver and its AWS provider (the EKS add-on
`aws-secrets-store-csi-driver-provider`): a SecretProviderClass names the secrets a pod mounts, and the provider reads
them as the mounting pod's own Pod Identity role, so a pod gets only what its role may read.
https://docs.aws.amazon.com/secretsmanager/latest/userguide/integrate_eks.html
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from components.base import Component
from components.interfaces import SecretsStoreCluster
from components.pods import namespaced

DRIVER = "secrets-store.csi.k8s.io"
API_VERSION = "secrets-store.csi.x-k8s.io/v1"
KIND = "SecretProviderClass"


@dataclass(frozen=True)
class MountedSecret:
    """A secret to mount: its ARN, and the file (and, synced, the Kubernetes Secret's key) it appears as; with
    `json_key`, only that key of a JSON secret."""

    arn: pulumi.Input[str]
    alias: str
    json_key: str | None = None


def secret_provider_class(
    component: Component,
    resource_name: str,
    *,
    name: str,
    namespace: str,
    cluster: SecretsStoreCluster,
    region: str,
    secrets: Sequence[MountedSecret],
    synced_secret: str | None = None,
) -> k8s.apiextensions.CustomResource:
    """The SecretProviderClass `name` of `secrets`, read with the mounting pod's Pod Identity role in `region`; with
    `synced_secret`, the driver also keeps a Kubernetes Secret of that name holding each of them under its alias, while
    a pod mounts them (what `envFrom` reads). `component`'s child named `resource_name`, after the driver. A pod names
    it (`secrets_volume`) and must wait for it."""

    def objects(arns: list[str]) -> str:
        return json.dumps(
            [
                {"objectName": arn, "objectType": "secretsmanager"}
                | (
                    {"jmesPath": [{"path": secret.json_key, "objectAlias": secret.alias}]}
                    if secret.json_key
                    else {"objectAlias": secret.alias}
                )
                for arn, secret in zip(arns, secrets, strict=True)
            ]
        )

    spec: dict[str, object] = {
        "provider": "aws",
        "parameters": {
            # YAML, which JSON is.
            "objects": pulumi.Output.all(*(secret.arn for secret in secrets)).apply(objects),
            "region": region,
            "usePodIdentity": "true",
        },
    }
    if synced_secret is not None:
        spec["secretObjects"] = [
            {
                "secretName": synced_secret,
                "type": "Opaque",
                "data": [{"objectName": secret.alias, "key": secret.alias} for secret in secrets],
            }
        ]
    return k8s.apiextensions.CustomResource(
        resource_name,
        api_version=API_VERSION,
        kind=KIND,
        # Fixed name: a pod's volume names it.
        metadata=namespaced(namespace, name),
        spec=spec,
        opts=component.child(provider=cluster.provider, depends_on=[cluster.secrets_store]),
    )


def secrets_volume(name: str, provider_class: str) -> k8s.core.v1.VolumeArgs:
    """A pod's read-only volume of the secrets the SecretProviderClass `provider_class` names (in memory, on the
    node's tmpfs)."""
    return k8s.core.v1.VolumeArgs(
        name=name,
        csi=k8s.core.v1.CSIVolumeSourceArgs(
            driver=DRIVER, read_only=True, volume_attributes={"secretProviderClass": provider_class}
        ),
    )
