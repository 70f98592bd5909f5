"""Where the Python SDK class of a Pulumi type token lives: `aws:rds/cluster:Cluster` is `pulumi_aws.rds.Cluster`."""

from __future__ import annotations

import importlib


def sdk_module(package: str, module_token: str) -> str:
    """The SDK submodule of a type token's module part: `ec2/vpc` is pulumi_aws.ec2; Kubernetes tokens name an
    API group and version, `apps/v1` (pulumi_kubernetes.apps.v1) or `helm.sh/v3` (pulumi_kubernetes.helm.v3)."""
    group, _, version = module_token.partition("/")
    if package == "kubernetes":
        return f"{group.split('.')[0]}.{version}" if version else group
    return group


def sdk_class(type_token: str) -> tuple[str, str] | None:
    """The module and class name of the SDK class that registers `type_token` (a provider's `Provider`), or None for
    a type no SDK package defines (a component; a Kubernetes custom resource, registered through the generic
    `CustomResource`)."""
    package, _, rest = type_token.partition(":")
    if package == "pulumi":
        if not rest.startswith("providers:"):
            return None
        return f"pulumi_{rest.removeprefix('providers:')}", "Provider"
    module_token, _, name = rest.rpartition(":")
    submodule = sdk_module(package, module_token)
    module = f"pulumi_{package}" + ("" if submodule == "index" else f".{submodule}")
    try:
        return (module, name) if hasattr(importlib.import_module(module), name) else None
    except ImportError:
        return None
