"""What every pod of the platform has: the labels that select it, the metadata of the objects in its namespace, and
the security context that Pod Security Admission `restricted` requires of a pod and its containers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

APP_USER = 1001
"""The uid and gid of the unprivileged user the apps' images run as (the Next.js Dockerfile's `nextjs`/`nodejs`)."""
NOBODY = 65534
"""The uid and gid the platform's own jobs run as (the official images' `nobody`): they need no user of their own."""


def labels_of(workload: str) -> dict[str, str]:
    return {"app.kubernetes.io/name": workload, "app.kubernetes.io/part-of": "sentinel"}


def namespaced(
    namespace: str, name: str | None = None, labels: Mapping[str, str] | None = None
) -> k8s.meta.v1.ObjectMetaArgs:
    """The metadata of an object in `namespace`: named `name`, or auto-named by Pulumi without one."""
    return k8s.meta.v1.ObjectMetaArgs(name=name, namespace=namespace, labels=dict(labels or {}))


def restricted_container(**settings: Any) -> k8s.core.v1.ContainerArgs:
    """A container as Pod Security Admission `restricted` wants it: no privilege, no capabilities, read-only root."""
    return k8s.core.v1.ContainerArgs(
        security_context=k8s.core.v1.SecurityContextArgs(
            allow_privilege_escalation=False,
            read_only_root_filesystem=True,
            run_as_non_root=True,
            capabilities=k8s.core.v1.CapabilitiesArgs(drop=["ALL"]),
        ),
        **settings,
    )


def restricted_pod(user: int) -> k8s.core.v1.PodSecurityContextArgs:
    return k8s.core.v1.PodSecurityContextArgs(
        run_as_non_root=True,
        run_as_user=user,
        run_as_group=user,
        fs_group=user,
        seccomp_profile=k8s.core.v1.SeccompProfileArgs(type="RuntimeDefault"),
    )


def job_pod(
    labels: Mapping[str, str],
    service_account: pulumi.Input[str],
    *,
    volumes: Sequence[k8s.core.v1.VolumeArgs],
    containers: Sequence[k8s.core.v1.ContainerArgs],
    init_containers: Sequence[k8s.core.v1.ContainerArgs] | None = None,
) -> k8s.core.v1.PodTemplateSpecArgs:
    """The pod of one of the platform's jobs: it runs once, as nobody, under its own service account (whose role Pod
    Identity gives it), and holds no Kubernetes API token, which no job here needs."""
    return k8s.core.v1.PodTemplateSpecArgs(
        metadata=k8s.meta.v1.ObjectMetaArgs(labels=dict(labels)),
        spec=k8s.core.v1.PodSpecArgs(
            service_account_name=service_account,
            automount_service_account_token=False,
            restart_policy="Never",
            security_context=restricted_pod(NOBODY),
            volumes=list(volumes),
            init_containers=list(init_containers) if init_containers is not None else None,
            containers=list(containers),
        ),
    )
