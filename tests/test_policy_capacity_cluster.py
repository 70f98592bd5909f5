"""Capacity of the cluster (policies/rules/capacity/cluster.py): at peak, every app at its HPA's maximum fits the
node groups at their maximum size, and the node group grows to the seed's 20 nodes."""

from __future__ import annotations

import pytest

from facts.instance_classes import NODE_INSTANCE_TYPES
from policies.rules.capacity.cluster import EKS_NODE_GROUP_MAXIMUM, NODE_GROUP_FITS_HPA_MAXIMUM, allocatable
from policies.support.aws import LAUNCH_TEMPLATE
from policies.support.kubernetes import DAEMON_SET
from tests.policy_builders import GraphBuilder, merged, messages, ref
from tests.policy_builders_aws import node_group
from tests.policy_builders_kubernetes import APPS, container, deployment, hpa, pod_template


def _sized(app: str, cpu: str, memory: str, **changes: object) -> dict[str, object]:
    return container(app, resources={"requests": {"cpu": cpu, "memory": memory}}, **changes)


def _cluster(
    cpu: str = "250m", memory: str = "512Mi", *, max_replicas: int = 20, **node_changes: object
) -> GraphBuilder:
    """Three apps with an HPA each on one node group (20 x c6i.large by default)."""
    builder = GraphBuilder()
    for app in APPS:
        hpa(builder, deployment(builder, app, [_sized(app, cpu, memory)]), max_replicas=max_replicas)
    node_group(builder, **node_changes)  # type: ignore[arg-type]
    return builder


def test_a_two_vcpu_four_gib_node_offers_what_the_kubelet_leaves() -> None:
    offered = allocatable(NODE_INSTANCE_TYPES["c6i.large"])
    assert offered.cpu == pytest.approx(1.93)
    # 4096 MiB x 92.5 % - (255 + 11 x 29) MiB kube-reserved - 100 MiB eviction threshold
    assert offered.memory / 2**20 == pytest.approx(3114.8)


def test_apps_at_their_maximum_that_fit_the_node_groups_pass() -> None:
    assert messages(NODE_GROUP_FITS_HPA_MAXIMUM, _cluster().build()) == []


def test_apps_at_their_maximum_needing_more_cpu_than_the_nodes_fail() -> None:
    found = messages(NODE_GROUP_FITS_HPA_MAXIMUM, _cluster(cpu="600m").build())
    assert len(found) == 1
    assert found[0].startswith("not enough CPU: at peak the workloads request 36.00 CPU / 30.00 GiB")
    assert "node groups at maximum size offer 28.60 CPU" in found[0]


def test_apps_at_their_maximum_needing_more_memory_than_the_nodes_fail() -> None:
    found = messages(NODE_GROUP_FITS_HPA_MAXIMUM, _cluster(memory="1Gi").build())
    assert [message.split(":")[0] for message in found] == ["not enough memory"]


def test_daemon_sets_take_their_share_of_every_node() -> None:
    builder = _cluster(cpu="450m")  # 27 CPU at peak: fits 28.6 CPU, not 28.6 - 20 x 0.1
    agent = pod_template("agent", [_sized("agent", "100m", "64Mi")])
    builder.add(DAEMON_SET, "agent", {"metadata": {"namespace": "kube-system"}, "spec": {"template": agent}})
    assert len(messages(NODE_GROUP_FITS_HPA_MAXIMUM, builder.build())) == 1


def test_instance_type_comes_from_the_launch_template() -> None:
    builder = GraphBuilder()
    for app in APPS:
        hpa(builder, deployment(builder, app, [_sized(app, "250m", "512Mi")]))
    template = builder.add(LAUNCH_TEMPLATE, "nodes", {"instanceType": "t3.small"})
    group = node_group(builder)
    builder.add(
        group.type, group.name, merged(group.inputs, {"instanceTypes": None, "launchTemplate": {"id": ref(template)}})
    )
    assert messages(NODE_GROUP_FITS_HPA_MAXIMUM, builder.build()) == [
        "node group nodes launches t3.small: name its instance types and add them to NODE_INSTANCE_TYPES in "
        "facts/instance_classes.py"
    ]


def test_a_long_breakdown_names_the_largest_parts_only() -> None:
    builder = GraphBuilder()
    for index in range(8):
        app = f"app{index}"
        hpa(builder, deployment(builder, app, [_sized(app, f"{index + 1}", "64Mi")]), max_replicas=20)
    node_group(builder)
    (found,) = messages(NODE_GROUP_FITS_HPA_MAXIMUM, builder.build())
    assert "(app7 20 x 8.00 CPU / 0.06 GiB; app6 20 x 7.00 CPU / 0.06 GiB;" in found
    assert "app3 20 x 4.00 CPU / 0.06 GiB; 3 more)" in found


def test_a_node_group_that_grows_to_the_seeds_20_nodes_passes() -> None:
    builder = GraphBuilder()
    node_group(builder, max_size=20)
    assert messages(EKS_NODE_GROUP_MAXIMUM, builder.build()) == []


def test_a_node_group_capped_below_20_nodes_fails_unless_configured_lower() -> None:
    builder = GraphBuilder()
    node_group(builder, max_size=6)
    graph = builder.build()
    assert messages(EKS_NODE_GROUP_MAXIMUM, graph) == ["scalingConfig.maxSize is 6: set it to at least 20"]
    assert messages(EKS_NODE_GROUP_MAXIMUM, graph, {"minimumMaxSize": 6}) == []
