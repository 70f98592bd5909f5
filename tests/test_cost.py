"""The monthly cost estimate (offline/cost/) and its price tables (offline/price_table.py): the arithmetic on
hand-made graphs priced from a tiny table of round figures, so that each expected amount can be worked out by hand;
then what must hold of the real stacks and tables (every resource type priced or known to be free, every class the
config allows priced, every figure dated and sourced)."""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from components.config.bastion import BASTION_INSTANCE_TYPES
from components.config.cache import ENGINE_VERSIONS
from facts.instance_classes import CACHE_NODE_TYPES, DATABASE_INSTANCE_CLASSES, NODE_INSTANCE_TYPES
from offline import price_table
from offline.cost.backup import backup_interval_days, backup_stored_gb
from offline.cost.compute import CONTAINER_INSIGHTS_METRICS, node_bounds
from offline.cost.data import bucket_storage
from offline.cost.delta import compare, render_cost_delta
from offline.cost.estimate import estimate
from offline.cost.model import CostEstimate
from offline.cost.render import render
from offline.cost.usage import DAYS_PER_MONTH, DEFAULT_USAGE, Usage
from offline.graph import Graph, Resource
from offline.price_table import PriceError, PriceTable
from tests.helpers import STACKS, graph_of

REGION, OTHER_REGION = "test-1", "test-2"
PROVIDER = f"urn:pulumi:test::sentinel::pulumi:providers:aws::{REGION}"
HOURS = 10.0
USAGE = dataclasses.replace(DEFAULT_USAGE, hours_per_month=HOURS)

# Round figures, not AWS's: each expected amount below can be worked out by hand from these.
PRICES: dict[str, dict[str, float]] = {
    "ec2_instance_hour": {"c7i.large": 1.0, "t4g.micro": 0.1},
    "ebs_gb_month": {"gp3": 0.1},
    "eks": {"standard_support_hour": 2.0},
    "aurora_postgresql_instance_hour": {"db.r7g.large": 3.0},
    "aurora": {
        "serverless_v2_acu_hour": 0.5,
        "serverless_v2_acu_hour_io_optimized": 0.7,
        "storage_gb_month": 0.1,
        "storage_gb_month_io_optimized": 0.2,
        "io_million_requests": 0.2,
        "io_optimized_instance_factor": 1.5,
    },
    "rds_proxy": {"vcpu_hour": 0.01, "acu_hour": 0.01, "minimum_vcpus": 2, "minimum_acus": 8},
    "nat_gateway": {"hour": 0.05, "gb_processed": 0.05},
    "public_ipv4_hour": {"address": 0.01},
    "cloudwatch": {
        "alarm_metric_month": 0.1,
        "alarm_metric_month_high_resolution": 0.3,
        "logs_ingested_gb": 0.5,
        "logs_stored_gb_month": 0.03,
        "custom_metric_month": 0.3,
    },
    "backup_gb_month": {"aurora:warm": 0.02},
    "data_transfer": {"inter_region_gb": 0.02},
    "kms": {"key_month": 1.0},
    "cloudflare_plan_month": {"pro": 20.0},
}


def write_table(directory: Path, region: str, sections: dict[str, dict[str, float]]) -> None:
    document = {
        "region": region,
        "currency": "USD",
        "sections": {
            name: {"unit": "test units", "source": "https://example.com/prices", "asOf": "2026-01-01", "prices": prices}
            for name, prices in sections.items()
        },
    }
    (directory / f"{region}.json").write_text(json.dumps(document))


@pytest.fixture
def prices(tmp_path: Path) -> Callable[[str], PriceTable]:
    write_table(tmp_path, REGION, PRICES)
    write_table(tmp_path, OTHER_REGION, {"backup_gb_month": {"aurora:warm": 0.04}, "kms": {"key_month": 5.0}})
    return functools.partial(price_table.load, directory=tmp_path)


def resource(type_: str, name: str, /, parent: str | None = None, id_: str | None = None, **inputs: Any) -> Resource:
    outputs = {"arn": inputs.pop("arn")} if "arn" in inputs else {}
    return Resource(
        urn=f"urn:pulumi:test::sentinel::{type_}::{name}",
        type=type_,
        name=name,
        custom=not type_.startswith("sentinel:components:"),
        id=id_ or f"{name}-id",
        inputs=inputs,
        outputs={**inputs, **outputs},
        parent=f"urn:pulumi:test::sentinel::sentinel:components:Thing::{parent}" if parent else None,
        dependencies=frozenset(),
        property_dependencies={},
        provider=None if type_.startswith(("pulumi:", "sentinel:", "cloudflare:")) else PROVIDER,
    )


def component(name: str) -> Resource:
    return resource("sentinel:components:Thing", name)


def graph(*resources: Resource) -> Graph:
    provider = Resource(
        urn=PROVIDER,
        type="pulumi:providers:aws",
        name=REGION,
        custom=True,
        id="provider",
        inputs={"region": REGION},
        outputs={},
        parent=None,
        dependencies=frozenset(),
        property_dependencies={},
        provider=None,
    )
    return Graph("test", {r.urn: r for r in (provider, *resources)}, {})


def estimate_of(prices: Callable[[str], PriceTable], *resources: Resource, usage: Usage = USAGE) -> CostEstimate:
    return estimate(graph(*resources), usage, cloudflare_plan="pro", prices=prices)


def costs(result: CostEstimate) -> dict[str, tuple[float, float]]:
    return {c.name: (round(c.at_min, 6), round(c.at_max, 6)) for c in result.components}


def node_group(name: str = "nodes", low: int = 2, high: int = 5, parent: str = "cluster") -> list[Resource]:
    template = resource(
        "aws:ec2/launchTemplate:LaunchTemplate",
        f"{name}-template",
        parent,
        id_=f"lt-{name}",
        blockDeviceMappings=[{"ebs": {"volumeType": "gp3", "volumeSize": 50}}],
    )
    group = resource(
        "aws:eks/nodeGroup:NodeGroup",
        name,
        parent,
        instanceTypes=["c7i.large", "c6i.large"],
        scalingConfig={"minSize": low, "maxSize": high, "desiredSize": low},
        launchTemplate={"id": f"lt-{name}", "version": "1"},
    )
    return [component(parent), template, group]


def test_a_node_group_costs_its_first_listed_type_and_root_volumes_at_its_minimum_and_its_maximum(prices) -> None:
    result = estimate_of(prices, *node_group(low=2, high=5))
    # Nodes: 2 and 5 x 10 h x $1; volumes: 2 and 5 x 50 GB x $0.1.
    assert costs(result) == {"cluster": (2 * 10 + 2 * 5, 5 * 10 + 5 * 5)}
    assert (result.at_min, result.at_max) == (30, 75)
    assert [(b.resource, b.minimum, b.maximum) for b in result.scale] == [("nodes", 2, 5)]


def test_hourly_resources_scale_with_the_hours_assumed_in_a_month(prices) -> None:
    cluster = resource("aws:eks/cluster:Cluster", "control-plane")
    for hours in (10, 730):
        result = estimate_of(prices, cluster, usage=dataclasses.replace(USAGE, hours_per_month=hours))
        assert result.at_min == result.at_max == 2.0 * hours


def aurora(instance_class: str, *, readers: int = 0, storage_type: str | None = None) -> list[Resource]:
    scaling = {"minCapacity": 0.0, "maxCapacity": 4.0} if instance_class == "db.serverless" else None
    cluster = resource(
        "aws:rds/cluster:Cluster",
        "database",
        "database",
        clusterIdentifier="db",
        storageType=storage_type,
        serverlessv2ScalingConfiguration=scaling,
        arn="arn:aws:rds:test-1:1:cluster:db",
    )
    instances = [
        resource(
            "aws:rds/clusterInstance:ClusterInstance",
            f"database-{n}",
            "database",
            clusterIdentifier="db",
            instanceClass=instance_class,
            engine="aurora-postgresql",
        )
        for n in range(1 + readers)
    ]
    return [component("database"), cluster, *instances]


def test_aurora_standard_bills_instance_hours_storage_and_io(prices) -> None:
    usage = dataclasses.replace(USAGE, database_storage_gb=100, database_io_millions=10)
    result = estimate_of(prices, *aurora("db.r7g.large", readers=2), usage=usage)
    # 3 instances x 10 h x $3, 100 GB x $0.1, 10 million I/O x $0.2.
    assert costs(result) == {"database": (90 + 10 + 2,) * 2}


def test_aurora_io_optimized_raises_instance_and_storage_prices_and_drops_io(prices) -> None:
    usage = dataclasses.replace(USAGE, database_storage_gb=100, database_io_millions=10)
    result = estimate_of(prices, *aurora("db.r7g.large", storage_type="aurora-iopt1"), usage=usage)
    # 10 h x $3 x 1.5, 100 GB x $0.2, no I/O charge.
    assert costs(result) == {"database": (45 + 20,) * 2}


def test_aurora_serverless_costs_its_capacity_range_and_a_paused_writer_nothing(prices) -> None:
    usage = dataclasses.replace(USAGE, database_storage_gb=0, database_io_millions=0)
    result = estimate_of(prices, *aurora("db.serverless"), usage=usage)
    # 0 and 4 ACUs x 10 h x $0.5.
    assert costs(result) == {"database": (0, 20)}
    assert [(b.minimum, b.maximum) for b in result.scale] == [(0, 4)]


def proxy() -> list[Resource]:
    return [
        resource("aws:rds/proxy:Proxy", "proxy", "database", name="db-proxy"),
        resource(
            "aws:rds/proxyTarget:ProxyTarget", "target", "database", dbProxyName="db-proxy", dbClusterIdentifier="db"
        ),
    ]


def test_rds_proxy_bills_the_vcpus_of_every_instance_behind_it(prices) -> None:
    usage = dataclasses.replace(USAGE, database_storage_gb=0, database_io_millions=0)
    result = estimate_of(prices, *aurora("db.r7g.large", readers=1), *proxy(), usage=usage)
    # Instances 2 x 10 h x $3; the proxy 2 x 2 vCPUs x 10 h x $0.01.
    assert costs(result) == {"database": (60 + 0.4,) * 2}


def test_rds_proxy_on_serverless_bills_at_least_its_floor_of_capacity(prices) -> None:
    usage = dataclasses.replace(USAGE, database_storage_gb=0, database_io_millions=0)
    result = estimate_of(prices, *aurora("db.serverless"), *proxy(), usage=usage)
    # The writer 0 and 4 ACUs x 10 h x $0.5; the proxy its floor of 8 ACUs x 10 h x $0.01 at both ends.
    assert costs(result) == {"database": (0.8, 20 + 0.8)}


def test_nat_processing_is_the_assumed_volume_whatever_the_number_of_gateways(prices) -> None:
    usage = dataclasses.replace(USAGE, nat_processed_gb=100)
    for count in (1, 3):
        gateways = [resource("aws:ec2/natGateway:NatGateway", f"nat-{n}", "network") for n in range(count)]
        result = estimate_of(prices, component("network"), *gateways, usage=usage)
        # count x 10 h x $0.05, and 100 GB x $0.05 shared among them.
        assert costs(result) == {"network": (round(count * 0.5 + 5, 6),) * 2}


def test_lifecycle_rules_spread_a_bucket_over_its_storage_classes_by_age() -> None:
    rule = {"transitions": [{"days": 30, "storageClass": "STANDARD_IA"}], "expiration": {"days": 180}}
    stored = bucket_storage(writes_gb=10, months=12, rule=rule)
    assert stored == pytest.approx({"STANDARD": 10 * 30 / DAYS_PER_MONTH, "STANDARD_IA": 10 * 150 / DAYS_PER_MONTH})
    # Younger than the first transition, all of it is still in STANDARD; without rules, everything written stays.
    assert bucket_storage(10, 0.5, rule) == pytest.approx({"STANDARD": 5})
    assert bucket_storage(10, 12, None) == pytest.approx({"STANDARD": 120})


def test_backup_schedules_are_read_as_daily_or_monthly_and_nothing_else() -> None:
    assert backup_interval_days("cron(0 5 ? * * *)") == 1
    assert backup_interval_days("cron(0 5 1 * ? *)") == DAYS_PER_MONTH
    with pytest.raises(PriceError, match="neither daily nor monthly"):
        backup_interval_days("cron(0 5 ? * MON *)")


def test_a_backup_chain_is_one_full_copy_and_the_changes_between_its_points() -> None:
    # 30 daily points of 100 GB changing 2 % a day: 100 + 29 x 2 GB.
    assert backup_stored_gb(100, 30, 1, 0.02) == pytest.approx(158)
    # Points further apart than the data takes to change entirely are full copies.
    assert backup_stored_gb(100, 365, DAYS_PER_MONTH, 0.5) == pytest.approx(1200)


def test_backup_copies_are_stored_at_the_destination_prices_and_pay_the_transfer(prices) -> None:
    plan = resource(
        "aws:backup/plan:Plan",
        "plan",
        "backup",
        id_="plan-1",
        rules=[
            {
                "schedule": "cron(0 5 ? * * *)",
                "lifecycle": {"deleteAfter": 1},
                "copyActions": [
                    {
                        "destinationVaultArn": f"arn:aws:backup:{OTHER_REGION}:1:backup-vault:dr",
                        "lifecycle": {"deleteAfter": 1},
                    }
                ],
            }
        ],
    )
    selection = resource(
        "aws:backup/selection:Selection",
        "select",
        "backup",
        planId="plan-1",
        resources=["arn:aws:rds:test-1:1:cluster:db"],
    )
    usage = dataclasses.replace(USAGE, database_storage_gb=100, database_io_millions=0, backup_daily_change=0.1)
    result = estimate_of(prices, *aurora("db.r7g.large"), component("backup"), plan, selection, usage=usage)
    items = {(i.what, i.region): round(i.at_min, 6) for c in result.components if c.name == "backup" for i in c.items}
    # One point of 100 GB here at $0.02 and there at $0.04; 10 GB a day copied (x 365 / 12 days) at $0.02.
    assert items == {
        ("AWS Backup aurora warm", REGION): 2.0,
        ("AWS Backup aurora warm", OTHER_REGION): 4.0,
        (f"AWS Backup copies to {OTHER_REGION}", REGION): round(10 * DAYS_PER_MONTH * 0.02, 6),
    }


def test_a_resource_in_another_region_is_priced_from_that_region_s_table(prices) -> None:
    keys = [
        resource("aws:kms/key:Key", "key", "keys"),
        resource("aws:kms/key:Key", "dr-key", "keys", region=OTHER_REGION),
    ]
    result = estimate_of(prices, component("keys"), *keys)
    assert costs(result) == {"keys": (1 + 5, 1 + 5)}
    assert [table.region for table in result.price_tables] == [REGION, OTHER_REGION]


def test_alarms_pay_per_metric_and_more_for_high_resolution(prices) -> None:
    metric = {"namespace": "AWS/X", "metricName": "M", "stat": "Sum", "period": 60}
    alarms = [
        resource("aws:cloudwatch/metricAlarm:MetricAlarm", "plain", "monitoring", metricName="M", period=300),
        resource("aws:cloudwatch/metricAlarm:MetricAlarm", "fast", "monitoring", metricName="M", period=10),
        resource(
            "aws:cloudwatch/metricAlarm:MetricAlarm",
            "math",
            "monitoring",
            metricQueries=[
                {"id": "e", "expression": "a + b"},
                {"id": "a", "metric": metric},
                {"id": "b", "metric": metric},
            ],
        ),
        resource(
            "aws:cloudwatch/metricAlarm:MetricAlarm",
            "insights",
            "monitoring",
            metricQueries=[{"id": "q", "expression": 'SELECT SUM(X) FROM "AWS/X"', "period": 300}],
        ),
    ]
    usage = dataclasses.replace(USAGE, insights_alarm_metrics=4)
    result = estimate_of(prices, component("monitoring"), *alarms, usage=usage)
    # plain 1, math 2 and insights 4 metrics at $0.1; fast 1 at $0.3.
    assert costs(result) == {"monitoring": (round(0.7 + 0.3, 6),) * 2}


def test_logs_are_stored_for_the_shorter_of_their_retention_and_the_data_s_age(prices) -> None:
    usage = dataclasses.replace(USAGE, log_ingestion_gb={"/aws/test/": 10, "other": 0}, months_of_data=12)
    kept = resource("aws:cloudwatch/logGroup:LogGroup", "kept", "logs", name="/aws/test/a", retentionInDays=60)
    forever = resource("aws:cloudwatch/logGroup:LogGroup", "forever", "logs", name="/aws/test/b")
    result = estimate_of(prices, component("logs"), kept, forever, usage=usage)
    # Each ingests 10 GB at $0.5; stored 10 GB x 60 days' worth, and x 12 months, at $0.03.
    expected = 2 * 5 + 10 * 60 / DAYS_PER_MONTH * 0.03 + 10 * 12 * 0.03
    assert result.at_min == pytest.approx(expected)


def test_container_insights_adds_the_per_node_metrics_and_logs_of_the_nodes_between_min_and_max(prices) -> None:
    configuration = {
        "agent": {"config": {"logs": {"metrics_collected": {"kubernetes": {"enhanced_container_insights": False}}}}},
        "containerLogs": {"enabled": False},
    }
    addon = resource(
        "aws:eks/addon:Addon",
        "observability",
        "cluster",
        addonName="amazon-cloudwatch-observability",
        configurationValues=json.dumps(configuration),
    )
    bare = estimate_of(prices, *node_group(low=2, high=5))
    observed = estimate_of(prices, *node_group(low=2, high=5), addon)
    per_node = CONTAINER_INSIGHTS_METRICS["node"] * 0.3 + USAGE.container_insights_log_gb_per_node * 0.5
    extra_min, extra_max = observed.at_min - bare.at_min, observed.at_max - bare.at_max
    assert extra_max - extra_min == pytest.approx(3 * per_node)


def test_the_zone_s_plan_is_paid_once_by_the_stack_that_configures_the_zone(prices) -> None:
    records = [resource("cloudflare:index/dnsRecord:DnsRecord", f"record-{n}", "edge") for n in range(3)]
    settings = [resource("cloudflare:index/zoneSetting:ZoneSetting", f"setting-{n}", "edge") for n in range(3)]
    assert estimate_of(prices, component("edge"), *records).components == ()
    assert costs(estimate_of(prices, component("edge"), *records, *settings)) == {"edge": (20, 20)}


def test_a_region_without_a_table_is_an_error_that_names_it(tmp_path: Path) -> None:
    with pytest.raises(PriceError, match=r"no price table for region 'test-1'.*tables exist for \[\]"):
        estimate_of(functools.partial(price_table.load, directory=tmp_path), resource("aws:kms/key:Key", "key"))


def test_a_price_the_table_lacks_is_an_error_that_names_it(prices) -> None:
    nodes = node_group()
    nodes[2] = dataclasses.replace(nodes[2], inputs={**nodes[2].inputs, "instanceTypes": ["m7i.large"]})
    with pytest.raises(PriceError, match=r"test-1 price table .* no price for ec2_instance_hour\['m7i.large'\]"):
        estimate_of(prices, *nodes)


def test_a_type_neither_priced_nor_known_free_is_named_not_counted_as_zero(prices) -> None:
    result = estimate_of(prices, resource("aws:sqs/queue:Queue", "queue"), resource("aws:iam/role:Role", "role"))
    assert result.unpriced_types == ("aws:sqs/queue:Queue",)
    assert "not priced (neither in the tables nor known to be free): aws:sqs/queue:Queue" in render(result)


def test_a_change_shows_what_it_costs_in_the_components_it_moves(prices) -> None:
    keys = [component("keys"), resource("aws:kms/key:Key", "key", "keys")]
    old = estimate(graph(*node_group(high=5), *keys), USAGE, prices=prices)
    new = estimate(graph(*node_group(high=8), *keys), USAGE, prices=prices)
    delta = compare(old, new)
    # 3 more nodes at most: 3 x (10 h x $1 + 50 GB x $0.1).
    assert [(d.name, d.new_min - d.old_min, d.new_max - d.old_max) for d in delta.components] == [("cluster", 0, 45)]
    assert delta.total.new_max - delta.total.old_max == 45
    assert "cluster: $30.00 .. $75.00 -> $30.00 .. $120.00 (+$0.00 at min scale, +$45.00 at max)" in (
        render_cost_delta(delta)
    )
    assert render_cost_delta(compare(old, old)).endswith("unchanged, $31.00 .. $76.00")


def test_the_result_renders_and_serializes_with_its_totals_and_assumptions(prices) -> None:
    result = estimate_of(prices, *node_group(), *aurora("db.serverless"))
    document = json.loads(json.dumps(result.as_json()))
    assert document["total"] == {"atMin": round(result.at_min, 2), "atMax": round(result.at_max, 2)}
    assert sum(c["atMax"] for c in document["components"]) == pytest.approx(document["total"]["atMax"])
    assert {a["name"] for a in document["assumptions"]} == {f.name for f in dataclasses.fields(Usage)}
    text = render(result)
    assert re.search(rf"^  total +\${result.at_min:,.2f} +\${result.at_max:,.2f}$", text, re.MULTILINE)
    assert "hours_per_month = 10 hours" in text
    assert "database: 0 .. 4 Aurora capacity units" in text


# --- The real stacks and price tables ---------------------------------------------------------------------------


@pytest.mark.parametrize("stack", STACKS)
def test_every_resource_type_of_the_stack_is_priced_or_known_to_be_free(stack: str) -> None:
    result = estimate(graph_of(stack))
    assert result.unpriced_types == ()
    assert result.at_min > 0


def test_prod_costs_more_at_max_scale_only_in_its_cluster() -> None:
    result = estimate(graph_of("prod"))
    moving = [c.name for c in result.components if round(c.at_max - c.at_min, 2)]
    assert moving == ["cluster"]
    low, high = node_bounds(graph_of("prod"))
    assert (low, high) == (2, 20)


def test_only_the_stack_that_configures_the_zone_pays_for_its_plan() -> None:
    def plans(stack: str) -> list[str]:
        items = (item for c in estimate(graph_of(stack)).components for item in c.items)
        return [item.what for item in items if item.what.startswith("Cloudflare")]

    assert plans("prod") == ["Cloudflare pro plan"]
    assert plans("dev") == []


def test_the_stack_s_table_prices_every_class_the_config_allows() -> None:
    table = price_table.load("us-east-1")
    wanted = [
        *(("ec2_instance_hour", name) for name in [*NODE_INSTANCE_TYPES, *BASTION_INSTANCE_TYPES]),
        *(("aurora_postgresql_instance_hour", name) for name, row in DATABASE_INSTANCE_CLASSES.items() if row.aurora),
        *(("elasticache_node_hour", f"{engine}:{name}") for engine in ENGINE_VERSIONS for name in CACHE_NODE_TYPES),
    ]
    missing = [f"{section}[{key}]" for section, key in wanted if key not in table.sections[section].prices]
    assert missing == []


@pytest.mark.parametrize("region", price_table.regions())
def test_every_section_of_every_table_is_dated_and_sourced(region: str) -> None:
    table = price_table.load(region)
    for name, section in table.sections.items():
        assert re.fullmatch(r"https://\S+", section.source), name
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", section.as_of), name
        assert section.prices and all(price >= 0 for price in section.prices.values()), name
