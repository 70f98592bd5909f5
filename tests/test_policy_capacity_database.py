"""Capacity of the database (policies/rules/capacity/database.py): at peak, the connections the apps' pools open fit
what the database accepts, directly or through RDS Proxy's share, for RDS instances and Aurora clusters alike."""

from __future__ import annotations

from policies.rules.capacity.database import DATABASE_CONNECTION_BUDGET, max_connections
from tests.policy_builders import GraphBuilder, messages, violations
from tests.policy_builders_aws import AURORA_ZONES, aurora, aurora_proxy, parameter_group, rds_primary, rds_proxy
from tests.policy_builders_kubernetes import APPS, config_map, container, deployment, hpa


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
