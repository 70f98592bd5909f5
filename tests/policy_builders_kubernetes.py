"""Kubernetes objects for the policy tests that pass every policy unless a test changes them: containers, pod
templates, Deployments with their HPAs and PodDisruptionBudgets, ConfigMaps (tests/policy_builders.py builds the
graph)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from offline.graph import Resource
from tests.policy_builders import GraphBuilder, merged

APPS = ("web", "api", "admin")
"""The seed's apps, by the names their Deployments get here."""


def container(name: str = "web", **changes: Any) -> dict[str, Any]:
    """A container that passes every hygiene rule; `changes` are merged into it (None removes a key)."""
    compliant = {
        "name": name,
        "image": f"123456789012.dkr.ecr.us-east-1.amazonaws.com/{name}:1.4.2",
        "resources": {"requests": {"cpu": "250m", "memory": "512Mi"}, "limits": {"cpu": "1", "memory": "1Gi"}},
        "readinessProbe": {"httpGet": {"path": "/health", "port": 3000}},
        "livenessProbe": {"httpGet": {"path": "/health", "port": 3000}},
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
        },
    }
    return merged(compliant, changes)


def pod_template(app: str, containers: Sequence[Mapping[str, Any]], **spec: Any) -> dict[str, Any]:
    return {
        "metadata": {"labels": {"app": app}},
        "spec": {"securityContext": {"runAsNonRoot": True}, "containers": list(containers), **spec},
    }


def deployment(
    builder: GraphBuilder,
    app: str,
    containers: Sequence[Mapping[str, Any]] | None = None,
    *,
    namespace: str = "apps",
    **spec: Any,
) -> Resource:
    """A Deployment of `app` (compliant containers by default); `spec` adds fields such as replicas."""
    return builder.add(
        "kubernetes:apps/v1:Deployment",
        app,
        {
            "metadata": {"name": app, "namespace": namespace},
            "spec": {
                "selector": {"matchLabels": {"app": app}},
                "template": pod_template(app, containers or [container(app)]),
                **spec,
            },
        },
    )


def hpa(builder: GraphBuilder, target: Resource, *, min_replicas: int = 3, max_replicas: int = 20) -> Resource:
    return builder.add(
        "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
        f"{target.name}-hpa",
        {
            "metadata": {"namespace": target.inputs["metadata"]["namespace"]},
            "spec": {
                "scaleTargetRef": {
                    "apiVersion": "apps/v1",
                    "kind": "Deployment",
                    "name": target.inputs["metadata"]["name"],
                },
                "minReplicas": min_replicas,
                "maxReplicas": max_replicas,
            },
        },
    )


def pdb(builder: GraphBuilder, app: str, *, namespace: str = "apps") -> Resource:
    return builder.add(
        "kubernetes:policy/v1:PodDisruptionBudget",
        f"{app}-pdb",
        {
            "metadata": {"namespace": namespace},
            "spec": {"maxUnavailable": 1, "selector": {"matchLabels": {"app": app}}},
        },
    )


def config_map(builder: GraphBuilder, name: str, data: Mapping[str, str], *, namespace: str = "apps") -> Resource:
    return builder.add(
        "kubernetes:core/v1:ConfigMap", name, {"metadata": {"name": name, "namespace": namespace}, "data": dict(data)}
    )
