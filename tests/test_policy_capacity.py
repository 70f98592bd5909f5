"""At peak, the pods fit the nodes and the connections fit the database."""

from __future__ import annotations

import pytest

from facts.instance_classes import NODE_INSTANCE_TYPES
from policies.rules.capacity.cluster import EKS_NODE_GROUP_MAXIMUM, NODE_GROUP_FITS_HPA_MAXIMUM, allocatable
from policies.rules.capacity.database import DATABASE_CONNECTION_BUDGET, max_connections
from policies.support.aws import LAUNCH_TEMPLATE
from policies.support.kubernetes import DAEMON_SET
from tests.policy_builders import (
    AURORA_ZONES,
    GraphBuilder,
    aurora,
    aurora_proxy,
    config_map,
    container,
    deployment,
    hpa,
    merged,
    messages,
    node_group,
    parameter_group,
    pod_template,
    rds_primary,
    rds_proxy,
    ref,
    violations,
)

APPS = ("web", "api", "admin")


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


def _apps_with_pools(builder: GraphBuilder, pool_size: str = "20") -> None:
    """Three apps of 20 pods at most, each opening a pool of `pool_size` (api reads it from a ConfigMap)."""
    config_map(builder, "api-env", {"DATABASE_POOL_SIZE": pool_size})
    for app in APPS:
        if app == "api":
            app_container = container(app, envFrom=[{"configMapRef": {"name": "api-env"}}])
        else:
            app_container = container(app, env=[{"name": "DATABASE_POOL_SIZE", "value": pool_size}])
        hpa(builder, deployment(builder, app, [app_container]), max_replicas=20)


def test_max_connections_follows_rds_formula() -> None:
    assert max_connections("db.m6i.large", None) == 901  # 8 GiB / 9531392 bytes
    assert max_connections("db.r6g.4xlarge", None) == 5000  # capped
    assert max_connections("db.m6i.large", 300.0) == 300  # the parameter group's own value
    assert max_connections("db.x9.large", None) is None


def test_pools_within_the_proxys_share_pass() -> None:
    builder = GraphBuilder()
    _apps_with_pools(builder)  # 3 x 20 x 20 = 1200 connections
    rds_proxy(builder, rds_primary(builder, instanceClass="db.r6g.large"))  # 90 % of 1802 = 1621
    assert messages(DATABASE_CONNECTION_BUDGET, builder.build()) == []


def test_pools_beyond_the_proxys_share_fail() -> None:
    builder = GraphBuilder()
    _apps_with_pools(builder)
    rds_proxy(builder, rds_primary(builder, instanceClass="db.m6i.large"))  # 90 % of 901 = 810
    assert messages(DATABASE_CONNECTION_BUDGET, builder.build()) == [
        "at peak the apps' pools open 1200 connections (admin 20 x 20; api 20 x 20; web 20 x 20) but db "
        "(db.m6i.large, max_connections 901) accepts 810 through RDS Proxy at 90 %"
    ]


def test_without_proxy_the_instance_limit_applies() -> None:
    builder = GraphBuilder()
    _apps_with_pools(builder, pool_size="10")  # 600
    rds_primary(builder, instanceClass="db.t4g.medium")  # 450
    assert len(messages(DATABASE_CONNECTION_BUDGET, builder.build())) == 1


def test_parameter_group_max_connections_overrides_the_formula() -> None:
    builder = GraphBuilder()
    _apps_with_pools(builder)
    rds_primary(builder, parameters=parameter_group(builder, {"rds.force_ssl": "1", "max_connections": "5000"}))
    assert messages(DATABASE_CONNECTION_BUDGET, builder.build()) == []


def test_unknown_instance_class_is_reported() -> None:
    builder = GraphBuilder()
    _apps_with_pools(builder)
    rds_primary(builder, instanceClass="db.x9.large")
    assert messages(DATABASE_CONNECTION_BUDGET, builder.build()) == [
        'instance class "db.x9.large" of db is missing from DATABASE_INSTANCE_CLASSES in '
        "facts/instance_classes.py: add its row"
    ]


def test_several_primaries_are_judged_on_their_combined_budget() -> None:
    builder = GraphBuilder()
    _apps_with_pools(builder)  # 1200 connections, whichever database each app uses
    rds_primary(builder, "orders", instanceClass="db.m6i.large")  # 901
    rds_primary(builder, "reports", instanceClass="db.t4g.medium")  # 450
    assert messages(DATABASE_CONNECTION_BUDGET, builder.build()) == []
    builder = GraphBuilder()
    _apps_with_pools(builder, pool_size="40")  # 2400
    rds_primary(builder, "orders", instanceClass="db.m6i.large")
    rds_primary(builder, "reports", instanceClass="db.t4g.medium")
    (found,) = violations(DATABASE_CONNECTION_BUDGET, builder.build())
    assert found.urn is None
    assert found.message.endswith(
        "but orders (db.m6i.large, max_connections 901) accepts 901 directly; "
        "reports (db.t4g.medium, max_connections 450) accepts 450 directly"
    )


def test_a_long_breakdown_names_the_largest_parts_only() -> None:
    builder = GraphBuilder()
    for index in range(8):
        app = f"app{index}"
        hpa(builder, deployment(builder, app, [_sized(app, f"{index + 1}", "64Mi")]), max_replicas=20)
    node_group(builder)
    (found,) = messages(NODE_GROUP_FITS_HPA_MAXIMUM, builder.build())
    assert "(app7 20 x 8.00 CPU / 0.06 GiB; app6 20 x 7.00 CPU / 0.06 GiB;" in found
    assert "app3 20 x 4.00 CPU / 0.06 GiB; 3 more)" in found


# Tier 9 (cluster)


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


# --- The connection budget of an Aurora cluster ---------------------------------------------------------------


def test_pools_within_the_proxys_share_of_the_smallest_instance_pass() -> None:
    builder = GraphBuilder()
    _apps_with_pools(builder)
    aurora_proxy(builder, aurora(builder, instance_class="db.r7g.large"))  # 90 % of 1802 = 1621 >= 1200
    assert messages(DATABASE_CONNECTION_BUDGET, builder.build()) == []


def test_pools_beyond_the_proxys_share_of_an_aurora_cluster_fail() -> None:
    builder = GraphBuilder()
    _apps_with_pools(builder)
    aurora_proxy(builder, aurora(builder, instance_class="db.r7g.large"), max_connections_percent=50)
    assert messages(DATABASE_CONNECTION_BUDGET, builder.build()) == [
        "at peak the apps' pools open 1200 connections (admin 20 x 20; api 20 x 20; web 20 x 20) but database "
        "(db.r7g.large, max_connections 1802) accepts 901 through RDS Proxy at 50 %"
    ]


def test_a_serverless_cluster_is_sized_by_its_maximum_capacity() -> None:
    builder = GraphBuilder()
    _apps_with_pools(builder)
    serverless = aurora(
        builder,
        AURORA_ZONES[:1],
        instance_class="db.serverless",
        serverlessv2ScalingConfiguration={"minCapacity": 0, "maxCapacity": 4},
    )
    aurora_proxy(builder, serverless)
    assert messages(DATABASE_CONNECTION_BUDGET, builder.build()) == [
        "at peak the apps' pools open 1200 connections (admin 20 x 20; api 20 x 20; web 20 x 20) but database "
        "(db.serverless, max_connections 901) accepts 810 through RDS Proxy at 90 %"
    ]
