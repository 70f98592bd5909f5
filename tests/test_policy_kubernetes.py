"""Kubernetes hygiene on every workload's pod template."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi_policy import Policy

from components.config.apps import AutoscalingConfig
from facts.seed_autoscaling import SEED_CPU_TARGET_PERCENT
from policies.rules.kubernetes import (
    HPA_CPU_TARGET,
    K8S_CONTAINER_PROBES,
    K8S_CONTAINER_RESOURCES,
    K8S_NO_PRIVILEGE_ESCALATION,
    K8S_PINNED_IMAGES,
    K8S_READ_ONLY_ROOT_FILESYSTEM,
    K8S_REPLICAS_LEFT_TO_HPA,
    K8S_RUN_AS_NON_ROOT,
)
from policies.rules.kubernetes import POLICIES as KUBERNETES_POLICIES
from policies.support.kubernetes import CRON_JOB
from tests.policy_builders import UNKNOWN, GraphBuilder, messages
from tests.policy_builders_kubernetes import container, deployment, pod_template


def _deployment(*containers: dict[str, Any], **spec: Any) -> GraphBuilder:
    builder = GraphBuilder()
    deployment(builder, "web", list(containers) or None, **spec)
    return builder


@pytest.mark.parametrize("policy", KUBERNETES_POLICIES, ids=lambda policy: policy.name)
def test_compliant_deployment_passes(policy: Policy) -> None:
    assert messages(policy, _deployment().build()) == []


@pytest.mark.parametrize(
    ("policy", "change", "expected"),
    [
        (
            K8S_CONTAINER_RESOURCES,
            {"resources": {"limits": None}},
            "container web: set resources.limits.cpu, resources.limits.memory",
        ),
        (K8S_CONTAINER_PROBES, {"livenessProbe": None}, "container web: define livenessProbe"),
        (
            K8S_RUN_AS_NON_ROOT,
            {"securityContext": {"runAsNonRoot": False}},
            "container web: runAsNonRoot is false: set securityContext.runAsNonRoot=true",
        ),
        (
            K8S_RUN_AS_NON_ROOT,
            {"securityContext": {"runAsUser": 0}},
            "container web: runAsUser is 0 (root): run as the image's unprivileged user",
        ),
        (
            K8S_NO_PRIVILEGE_ESCALATION,
            {"securityContext": {"privileged": True}},
            "container web: securityContext.privileged is true: remove it",
        ),
        (
            K8S_NO_PRIVILEGE_ESCALATION,
            {"securityContext": {"allowPrivilegeEscalation": None}},
            "container web: allowPrivilegeEscalation is not set: set securityContext.allowPrivilegeEscalation=false",
        ),
        (
            K8S_READ_ONLY_ROOT_FILESYSTEM,
            {"securityContext": {"readOnlyRootFilesystem": False}},
            "container web: readOnlyRootFilesystem is false: set securityContext.readOnlyRootFilesystem=true",
        ),
        (
            K8S_PINNED_IMAGES,
            {"image": "ghcr.io/sentinel/web:latest"},
            'container web: image "ghcr.io/sentinel/web:latest" is untagged or :latest: pin a version tag or a digest',
        ),
    ],
    ids=lambda value: value.name if isinstance(value, Policy) else "",
)
def test_container_breaking_a_rule_fails(policy: Policy, change: dict[str, Any], expected: str) -> None:
    assert messages(policy, _deployment(container("web", **change)).build()) == [expected]


@pytest.mark.parametrize(
    ("image", "pinned"),
    [
        ("registry.example.com:5000/web", False),
        ("web", False),
        ("web:1.4.2", True),
        ("registry.example.com:5000/web:1.4.2", True),
        ("web@sha256:" + "a" * 64, True),
    ],
)
def test_a_registry_port_is_not_a_tag(image: str, pinned: bool) -> None:
    assert (messages(K8S_PINNED_IMAGES, _deployment(container("web", image=image)).build()) == []) is pinned


def test_init_containers_are_sized_but_not_probed() -> None:
    migrate = container("migrate", resources=None, readinessProbe=None, livenessProbe=None)
    builder = GraphBuilder()
    builder.add(
        "kubernetes:apps/v1:Deployment",
        "web",
        {"spec": {"template": pod_template("web", [container("web")], initContainers=[migrate])}},
    )
    graph = builder.build()
    assert messages(K8S_CONTAINER_PROBES, graph) == []
    assert messages(K8S_CONTAINER_RESOURCES, graph) == [
        "init container migrate: set resources.requests.cpu, resources.requests.memory, "
        "resources.limits.cpu, resources.limits.memory"
    ]


def test_cron_jobs_keep_their_pod_template_deeper() -> None:
    builder = GraphBuilder()
    template = pod_template("report", [container("report", image="report:latest")])
    builder.add(CRON_JOB, "report", {"spec": {"schedule": "@daily", "jobTemplate": {"spec": {"template": template}}}})
    assert len(messages(K8S_PINNED_IMAGES, builder.build())) == 1


@pytest.mark.parametrize("replicas", [3, UNKNOWN], ids=["known", "unknown during preview"])
def test_deployment_setting_replicas_fails(replicas: Any) -> None:
    assert messages(K8S_REPLICAS_LEFT_TO_HPA, _deployment(replicas=replicas).build()) == [
        "spec.replicas is set: remove it and let the HorizontalPodAutoscaler own the replica count"
    ]


CPU_AT_70 = {
    "type": "Resource",
    "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}},
}


def _autoscaler(spec: dict[str, Any], version: str = "v2") -> list[str]:
    builder = GraphBuilder()
    builder.add(f"kubernetes:autoscaling/{version}:HorizontalPodAutoscaler", "web", {"spec": spec})
    return messages(HPA_CPU_TARGET, builder.build())


def test_an_hpa_holding_cpu_at_the_seeds_70_percent_passes() -> None:
    assert _autoscaler({"minReplicas": 3, "maxReplicas": 20, "metrics": [CPU_AT_70]}) == []
    assert _autoscaler({"targetCPUUtilizationPercentage": 70}, "v1") == []


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (
            {
                "metrics": [
                    {
                        **CPU_AT_70,
                        "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}},
                    }
                ]
            },
            ["the cpu metric's averageUtilization is 80: set it to 70"],
        ),
        ({}, ["spec.metrics has no cpu Resource metric of type Utilization: target 70 % average CPU"]),
        (
            {
                "metrics": [
                    {
                        **CPU_AT_70,
                        "resource": {"name": "cpu", "target": {"type": "AverageValue", "averageValue": "500m"}},
                    }
                ]
            },
            ["spec.metrics has no cpu Resource metric of type Utilization: target 70 % average CPU"],
        ),
        (
            {
                "metrics": [
                    CPU_AT_70,
                    {"type": "Resource", "resource": {"name": "memory", "target": {"type": "Utilization"}}},
                ]
            },
            ["spec.metrics scales on 1 other metric(s) as well: the seed scales on CPU alone"],
        ),
    ],
    ids=["another target", "no metric", "an absolute target", "memory too"],
)
def test_an_hpa_off_the_seeds_cpu_target_fails(spec: dict[str, Any], expected: list[str]) -> None:
    assert _autoscaler(spec) == expected


def test_a_v1_hpa_off_the_target_fails_and_unknowns_wait() -> None:
    assert _autoscaler({"targetCPUUtilizationPercentage": 50}, "v1") == [
        "spec.targetCPUUtilizationPercentage is 50: set it to 70"
    ]
    assert _autoscaler({"metrics": UNKNOWN}) == []
    assert (
        _autoscaler(
            {
                "metrics": [
                    {
                        **CPU_AT_70,
                        "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": UNKNOWN}},
                    }
                ]
            }
        )
        == []
    )


def test_a_stack_may_set_another_target_in_its_policy_config() -> None:
    builder = GraphBuilder()
    builder.add("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "web", {"spec": {"metrics": [CPU_AT_70]}})
    assert messages(HPA_CPU_TARGET, builder.build(), {"targetPercent": 60}) == [
        "the cpu metric's averageUtilization is 70: set it to 60"
    ]


def test_the_seeds_target_is_the_config_default_the_pack_holds_stacks_to() -> None:
    assert AutoscalingConfig.model_fields["cpu_percent"].default == SEED_CPU_TARGET_PERCENT == 70
