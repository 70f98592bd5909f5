"""Observability on the graph: the seed's alarms with the seed's numbers, alarms that scale with the readers and
cache nodes, every alarm notifying the encrypted topic, units as CloudWatch publishes them, every metric read with
the statistic and period of the metric table, and a dashboard of exactly the alarms' metrics, statistics and
periods.

The tiers the alarms watch are built elsewhere; `MONITORED_PROGRAM` passes their identifiers as those tiers will
(prod-shaped: 2 readers behind a proxy, 3 cache nodes; dev: a Serverless v2 writer alone, 1 cache node)."""

from __future__ import annotations

import ast
import dataclasses
import functools
import json
import math
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import offline
from components.alarm_topic import PUBLISHERS
from components.monitoring import metric
from facts.metrics import METRICS, Reading, cloudwatch_metric
from offline.graph import Graph, Resource
from offline.policy import any_mandatory, evaluate
from offline.policy_config import load_policy_config
from offline.stackfiles import PROJECT_DIR
from policies.rules.deploy_constraints import AWS_DEPLOY_CONSTRAINTS, DEPLOY_CONSTRAINTS
from policies.rules.observability import ALARM_METRIC_STATISTIC
from tests.conftest import graph_of
from tests.policy_builders import messages
from tests.test_config_secrets import SECRET_SIGNATURE

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC = "aws:sns/topic:Topic"
DASHBOARD = "aws:cloudwatch/dashboard:Dashboard"
KEY = "aws:kms/key:Key"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"

MONITORED_PROGRAM = """
import pulumi
from components import config
from components.alarm_topic import AlarmTopic, AlarmTopicArgs
from components.base import Platform, aws_provider
from components.monitoring import (
    CacheMetrics, ClusterMetrics, DatabaseMetrics, LoadBalancerMetrics, LogicalBackupMetrics, Monitoring,
    MonitoringArgs,
)

stack_config = config.load()
platform = Platform.of(stack_config)
prod_shaped = stack_config.environment != "dev"
on_aws = pulumi.ResourceOptions(providers=[aws_provider(stack_config, pulumi.get_stack())])
alarm_topic = AlarmTopic("alarms", platform, AlarmTopicArgs(stack_config.monitoring), opts=on_aws)
monitoring = Monitoring(
    "monitoring",
    platform,
    MonitoringArgs(
        stack_config.monitoring,
        alarm_topic.arn,
        cluster=ClusterMetrics(platform.cluster_name, "eks-nodes-0123"),
        load_balancer=LoadBalancerMetrics(
            "app/sentinel/50dc6c495c0c9188",
            {app: f"targetgroup/{app}/6d0ecf831eec9f09" for app in stack_config.apps},
        ),
        database=DatabaseMetrics(
            "sentinel-db",
            [f"sentinel-db-reader-{n}" for n in (1, 2)] if prod_shaped else [],
            "db.r6g.large" if prod_shaped else "db.serverless",
            serverless_max_capacity=None if prod_shaped else 4,
            proxy_name="sentinel-db-proxy",
            proxy_max_connections_percent=90,
        ),
        cache=CacheMetrics("sentinel-cache", 3 if prod_shaped else 1),
        logical_backup=LogicalBackupMetrics("logical-backup"),
    ),
    opts=on_aws,
)
pulumi.export("alarmTopicArn", alarm_topic.arn)
"""


@functools.cache
def monitored(stack: str, program_dir: str) -> Graph:
    program = Path(program_dir) / "__main__.py"
    program.write_text(MONITORED_PROGRAM)
    return offline.run(stack, program=program)


@pytest.fixture(scope="session")
def program_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("monitored"))


@pytest.fixture(scope="session")
def full_prod(program_dir: str) -> Graph:
    return monitored("prod", program_dir)


@pytest.fixture(scope="session")
def full_dev(program_dir: str) -> Graph:
    return monitored("dev", program_dir)


def alarms(graph: Graph) -> dict[str, Resource]:
    return {alarm.inputs["name"]: alarm for alarm in graph.of_type(ALARM)}


def alarm(graph: Graph, name: str) -> dict[str, Any]:
    return dict(alarms(graph)[f"sentinel-{graph.stack}-{name}"].inputs)


SEED_NUMBERS = {
    # The seed's cloudwatch-alarms.yml; HighMemoryUtilization reads Container Insights (design D8).
    "HighCPUUtilization": ("AWS/EC2", "CPUUtilization", ["AutoScalingGroupName"], 80, 300, 2, "CPU utilization is"),
    "HighMemoryUtilization": ("ContainerInsights", "node_memory_utilization", ["ClusterName"], 90, 300, 2, "Memory"),
    "HighResponseTime": ("ProjectSentinel", "ResponseTime", [], 2000, 60, 5, "Application response time is too high"),
}


@pytest.mark.parametrize("seed", SEED_NUMBERS)
def test_each_seed_alarm_has_exactly_the_seeds_numbers(full_prod: Graph, seed: str) -> None:
    namespace, metric, dimensions, threshold, period, periods, description = SEED_NUMBERS[seed]
    inputs = alarm(full_prod, seed)
    assert inputs["name"] == f"sentinel-prod-{seed}"
    assert (inputs["namespace"], inputs["metricName"], inputs["statistic"]) == (namespace, metric, "Average")
    assert (inputs["threshold"], inputs["period"], inputs["evaluationPeriods"]) == (threshold, period, periods)
    assert inputs["comparisonOperator"] == "GreaterThanThreshold"
    assert sorted(inputs.get("dimensions", {})) == dimensions
    assert inputs["alarmDescription"].startswith(f"{seed} (seed): {description}")


def test_seed_alarms_watch_the_node_groups_autoscaling_group_and_the_cluster(full_prod: Graph) -> None:
    assert alarm(full_prod, "HighCPUUtilization")["dimensions"] == {"AutoScalingGroupName": "eks-nodes-0123"}
    assert alarm(full_prod, "HighMemoryUtilization")["dimensions"] == {"ClusterName": "sentinel-prod"}


def test_every_stack_watches_its_own_cluster_with_the_seed_alarms(stack_graph: Graph) -> None:
    [cluster] = stack_graph.of_type("aws:eks/cluster:Cluster")
    [node_group] = stack_graph.of_type("aws:eks/nodeGroup:NodeGroup")
    [[autoscaling_group]] = [
        [group["name"] for group in resource["autoscalingGroups"]] for resource in node_group.outputs["resources"]
    ]
    assert alarm(stack_graph, "HighCPUUtilization")["dimensions"] == {"AutoScalingGroupName": autoscaling_group}
    assert alarm(stack_graph, "HighMemoryUtilization")["dimensions"] == {"ClusterName": cluster.inputs["name"]}
    assert "dimensions" not in alarm(stack_graph, "HighResponseTime")


def test_a_stack_overrides_one_seed_number_and_keeps_the_others(program_dir: str) -> None:
    override = {"sentinel:monitoring.alarms.HighCPUUtilization.threshold": 85}
    program = Path(program_dir) / "__main__.py"
    graph = offline.run("staging", override, program=program)
    inputs = alarm(graph, "HighCPUUtilization")
    assert (inputs["threshold"], inputs["period"], inputs["evaluationPeriods"]) == (85, 300, 2)


@pytest.mark.parametrize(("stack", "readers", "nodes"), [("prod", 2, 3), ("dev", 0, 1)])
def test_replica_lag_alarms_scale_with_the_readers_and_cache_alarms_with_the_nodes(
    program_dir: str, stack: str, readers: int, nodes: int
) -> None:
    graph = monitored(stack, program_dir)
    lag = [inputs for name, inputs in _alarm_inputs(graph) if "AuroraReplicaLag" in name]
    assert len(lag) == readers
    assert {inputs["dimensions"]["DBInstanceIdentifier"] for inputs in lag} == {
        f"sentinel-db-reader-{n}" for n in range(1, readers + 1)
    }
    for metric_name in ("EngineCPUUtilization", "DatabaseMemoryUsagePercentage", "Evictions", "ReplicationLag"):
        per_node = [inputs for _, inputs in _alarm_inputs(graph) if inputs.get("metricName") == metric_name]
        assert sorted(inputs["dimensions"]["CacheClusterId"] for inputs in per_node) == [
            f"sentinel-cache-{n:03d}" for n in range(1, nodes + 1)
        ]
    reader_roles = [
        inputs for _, inputs in _alarm_inputs(graph) if inputs.get("dimensions", {}).get("Role") == "READER"
    ]
    assert len(reader_roles) == (4 if readers else 0)


def _alarm_inputs(graph: Graph) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, resource in alarms(graph).items():
        yield name, dict(resource.inputs)


def test_every_alarm_notifies_the_topic_and_treats_missing_data_deliberately(
    full_prod: Graph, stack_graph: Graph
) -> None:
    for graph in (full_prod, stack_graph):
        [topic] = graph.of_type(TOPIC)
        assert alarms(graph)
        for name, inputs in _alarm_inputs(graph):
            assert inputs["alarmActions"] == inputs["okActions"] == [topic.outputs["arn"]], name
            assert inputs["treatMissingData"] in ("breaching", "notBreaching"), name
            assert " Look first at " in inputs["alarmDescription"], name
            assert " Missing data: " in inputs["alarmDescription"], name


def test_thresholds_are_in_the_units_cloudwatch_publishes(full_prod: Graph) -> None:
    # The ALB's TargetResponseTime and RDS's ReadLatency are in seconds; AuroraReplicaLag in milliseconds.
    assert alarm(full_prod, "EdgeResponseTimeP95")["threshold"] == 2.0
    assert alarm(full_prod, "EdgeResponseTimeP95Warning")["threshold"] == 0.5
    assert alarm(full_prod, "EdgeResponseTimeP95")["extendedStatistic"] == "p95"
    assert "statistic" not in alarm(full_prod, "EdgeResponseTimeP95")
    assert alarm(full_prod, "DatabaseWriterReadLatency")["threshold"] == 0.02
    assert alarm(full_prod, "AuroraReplicaLag-reader-1")["threshold"] == 1000
    assert alarm(full_prod, "CacheReplicationLag-node-2")["threshold"] == 1.0
    assert alarm(full_prod, "HighResponseTime")["threshold"] == 2000


def test_the_proxy_alarm_adds_up_the_client_connections_of_every_proxy_instance(full_prod: Graph) -> None:
    # RDS Proxy publishes ClientConnections every minute from each instance serving it: the Sum over one minute
    # is the connections across the proxy; over five it would count each instance five times.
    inputs = alarm(full_prod, "DatabaseProxyClientConnections")
    assert (inputs["metricName"], inputs["statistic"], inputs["period"]) == ("ClientConnections", "Sum", 60)
    assert inputs["dimensions"] == {"ProxyName": "sentinel-db-proxy"}
    assert (inputs["threshold"], inputs["evaluationPeriods"]) == (1297, 10)
    assert (
        "added up over every instance serving the proxy each minute, have exceeded 80 % of the proxy's share"
        in (inputs["alarmDescription"])
    )


def test_connection_alarms_come_from_the_class_table(full_prod: Graph, full_dev: Graph) -> None:
    # db.r6g.large: 16 GiB, so max_connections = 16 GiB / 9531392 = 1802; 80 % of it, and of the proxy's 90 %.
    assert alarm(full_prod, "DatabaseWriterConnections")["threshold"] == 1441
    assert alarm(full_prod, "DatabaseProxyClientConnections")["threshold"] == 1297
    assert alarm(full_prod, "DatabaseWriterFreeableMemory")["threshold"] == math.floor(16 * 2**30 / 10)
    # db.serverless at 4 ACUs: about 8 GiB, so 901 connections.
    assert alarm(full_dev, "DatabaseWriterConnections")["threshold"] == 720


def test_the_edge_alarms_cover_every_target_group_with_both_dimensions(full_prod: Graph) -> None:
    healthy = [inputs for _, inputs in _alarm_inputs(full_prod) if inputs.get("metricName") == "HealthyHostCount"]
    assert sorted(inputs["dimensions"]["TargetGroup"] for inputs in healthy) == [
        f"targetgroup/{app}/6d0ecf831eec9f09" for app in ("admin", "api", "web")
    ]
    assert all(inputs["dimensions"]["LoadBalancer"] == "app/sentinel/50dc6c495c0c9188" for inputs in healthy)
    assert all((inputs["comparisonOperator"], inputs["threshold"]) == ("LessThanThreshold", 1) for inputs in healthy)
    rate = alarm(full_prod, "Edge5xxRate")
    [result] = [query for query in rate["metricQueries"] if query.get("returnData")]
    assert result["expression"] == "100 * (FILL(target5xx, 0) + FILL(alb5xx, 0)) / requests"
    assert rate["threshold"] == 5


def _dashboard_series(graph: Graph) -> tuple[list[str], set[tuple[Any, ...]], set[tuple[str, int]]]:
    """The dashboard's tier headings, its metrics as (namespace, name, dimensions, statistic, period) and its
    expressions with their period."""
    [dashboard] = graph.of_type(DASHBOARD)
    widgets = json.loads(dashboard.inputs["dashboardBody"])["widgets"]
    headings = [widget["properties"]["markdown"] for widget in widgets if widget["type"] == "text"]
    metrics, expressions = set(), set()
    for widget in widgets:
        period = widget["properties"].get("period")
        for entry in widget["properties"].get("metrics", []):
            if isinstance(entry, dict):
                expressions.add((entry["expression"], period))
            else:
                namespace, name, *pairs, options = entry
                dimensions = frozenset(zip(pairs[::2], pairs[1::2], strict=True))
                metrics.add((namespace, name, dimensions, options["stat"], period))
    return headings, metrics, expressions


def _alarm_series(graph: Graph) -> tuple[set[tuple[Any, ...]], set[tuple[str, int]]]:
    metrics, expressions = set(), set()
    for _, inputs in _alarm_inputs(graph):
        if "metricName" in inputs:
            dimensions = frozenset(inputs.get("dimensions", {}).items())
            statistic = inputs.get("statistic") or inputs["extendedStatistic"]
            metrics.add((inputs["namespace"], inputs["metricName"], dimensions, statistic, inputs["period"]))
        queries = inputs.get("metricQueries", [])
        periods = {query.get("period", query.get("metric", {}).get("period")) for query in queries} - {None}
        for query in queries:
            if "expression" in query:
                [period] = periods  # an expression is evaluated at its inputs' period, or carries its own
                expressions.add((query["expression"], period))
            else:
                metric = query["metric"]
                dimensions = frozenset(metric.get("dimensions", {}).items())
                metrics.add((metric["namespace"], metric["metricName"], dimensions, metric["stat"], metric["period"]))
    return metrics, expressions


def test_the_dashboard_shows_exactly_the_alarms_metrics_statistics_and_periods_by_tier(
    full_prod: Graph, stack_graph: Graph
) -> None:
    for graph in (full_prod, stack_graph):
        _, metrics, expressions = _dashboard_series(graph)
        assert (metrics, expressions) == _alarm_series(graph)
    assert _dashboard_series(full_prod)[0] == [
        f"## {tier}" for tier in ("Edge", "Apps", "Cluster", "Database", "Cache", "Backups")
    ]


def test_the_topic_is_encrypted_with_its_own_key_that_the_publishers_may_use(prod: Graph) -> None:
    [topic] = prod.of_type(TOPIC)
    key = prod.named(KEY, "alarms")
    assert topic.inputs["kmsMasterKeyId"] == key.outputs["arn"]
    assert topic.inputs["namePrefix"] == "sentinel-prod-alarms-"
    statements = json.loads(key.inputs["policy"])["Statement"]
    granted = {statement["Principal"].get("Service"): statement["Action"] for statement in statements[1:]}
    assert granted == {service: ["kms:Decrypt", "kms:GenerateDataKey*"] for service in PUBLISHERS}
    assert key.options.protect is True


def test_the_topic_admits_only_this_accounts_services(prod: Graph) -> None:
    [policy] = prod.of_type("aws:sns/topicPolicy:TopicPolicy")
    admin, *publishers = json.loads(policy.inputs["policy"])["Statement"]
    assert "sns:Publish" not in admin["Action"]
    assert {statement["Principal"]["Service"] for statement in publishers} == set(PUBLISHERS)
    for statement in publishers:
        assert statement["Action"] == "sns:Publish"
        assert statement["Condition"] == {"StringEquals": {"aws:SourceAccount": "111111111111"}}


@pytest.mark.parametrize(("stack", "emails"), [("prod", ["platform-oncall@projectsentinel.ai"]), ("dev", [])])
def test_email_subscriptions_come_from_config(stack: str, emails: list[str]) -> None:
    subscriptions = graph_of(stack).of_type(SUBSCRIPTION)
    assert [(s.inputs["protocol"], s.inputs["endpoint"]) for s in subscriptions] == [("email", e) for e in emails]


def test_the_incident_endpoint_subscribes_as_a_secret(tmp_path: Path) -> None:
    stack_file = (
        (PROJECT_DIR / "Pulumi.prod.yaml")
        .read_text()
        .replace(
            "  sentinel:monitoring:\n",
            "  sentinel:monitoring:\n    incidentEndpoint:\n      secure: AAABAGNpcGhlcnRleHQ=\n",
        )
    )
    shutil.copy(PROJECT_DIR / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    (tmp_path / "Pulumi.prod.yaml").write_text(stack_file)
    graph = offline.run("prod", stack_path=tmp_path / "Pulumi.prod.yaml")
    [incidents] = [s for s in graph.of_type(SUBSCRIPTION) if s.inputs["protocol"] == "https"]
    assert {key: incidents.inputs["endpoint"].get(key) for key in SECRET_SIGNATURE} == SECRET_SIGNATURE
    assert incidents.inputs["endpointAutoConfirms"] is True


def test_the_topic_arn_is_exported_for_the_data_tier_and_backups(stack_graph: Graph) -> None:
    [topic] = stack_graph.of_type(TOPIC)
    assert stack_graph.exports["alarmTopicArn"] == topic.outputs["arn"]


def test_the_fully_monitored_stack_meets_every_deploy_constraint_and_mandatory_policy(full_prod: Graph) -> None:
    assert {resource.type for resource in full_prod if resource.custom} <= set(DEPLOY_CONSTRAINTS)
    assert messages(AWS_DEPLOY_CONSTRAINTS, full_prod) == []
    found = evaluate(full_prod, load_policy_config("prod"))
    assert not any_mandatory(found), "\n".join(map(str, found))


def test_every_alarm_reads_its_metrics_as_the_metric_table_says(full_prod: Graph, stack_graph: Graph) -> None:
    for graph in (full_prod, stack_graph):
        assert messages(ALARM_METRIC_STATISTIC, graph) == []
    # Every row is used by an alarm of the fully monitored stack: the table holds no stale metric.
    metrics, expressions = _alarm_series(full_prod)
    queried = {
        (namespace, name)
        for expression, _ in expressions
        for name, namespace in re.findall(r'SELECT \w+\((\w+)\) FROM "([^"]+)"', expression)
    }
    assert {(namespace, name) for namespace, name, *_ in metrics} | queried == set(METRICS)


def _planted(graph: Graph, name: str, **changes: Any) -> Graph:
    """`graph` with `changes` made to the inputs (and outputs) of the alarm `name`."""
    target = alarms(graph)[f"sentinel-{graph.stack}-{name}"]
    changed = dataclasses.replace(target, inputs={**target.inputs, **changes}, outputs={**target.outputs, **changes})
    return Graph(graph.stack, {**graph.resources, target.urn: changed}, graph.exports)


def test_maximum_on_the_proxys_client_connections_is_reported_in_a_real_stack(prod: Graph) -> None:
    found = messages(ALARM_METRIC_STATISTIC, _planted(prod, "DatabaseProxyClientConnections", statistic="Maximum"))
    assert len(found) == 1
    assert found[0].startswith("AWS/RDS ClientConnections read with Maximum, a statistic that means nothing useful")
    found = messages(ALARM_METRIC_STATISTIC, _planted(prod, "DatabaseProxyClientConnections", period=300))
    assert len(found) == 1
    assert found[0].startswith("AWS/RDS ClientConnections summed over 300 s")


STATISTICS = {"Average", "Maximum", "Minimum", "Sum", "SampleCount"}


def _statistic_literals(source: str) -> set[str]:
    literals = {
        node.value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    return {literal for literal in literals if literal in STATISTICS or re.fullmatch(r"p\d+(\.\d+)?", literal)}


def test_no_alarm_definition_names_a_statistic_of_its_own() -> None:
    """Statistics come from facts/metrics.py by what the alarm reads; a literal in monitoring.py would bypass
    the table (the policy would still catch a wrong one, but only in the stacks that build that alarm)."""
    assert _statistic_literals((PROJECT_DIR / "components" / "monitoring.py").read_text()) == set()
    planted = 'watches=Metric("AWS/RDS", "ClientConnections", "Maximum", {}), tail=alb("TargetResponseTime", "p95")'
    assert _statistic_literals(f"AlarmDefinition({planted})") == {"Maximum", "p95"}


def test_every_row_cites_its_documentation_and_names_its_useful_statistics() -> None:
    readme = (PROJECT_DIR / "README.md").read_text()
    for row in METRICS.values():
        assert row.statistics, row.label
        assert row.period % 60 == 0, row.label
        if row.source.startswith("README.md#"):
            assert "## Alarms and notifications" in readme and "What the apps and jobs must send" in readme
        else:
            assert re.fullmatch(r"https://docs\.aws\.amazon\.com/\S+\.html", row.source), row.label


def test_a_metric_or_reading_outside_the_table_fails_where_the_alarm_is_defined() -> None:
    with pytest.raises(ValueError, match=r"AWS/RDS DiskQueueDepth has no row in facts/metrics\.py"):
        cloudwatch_metric("AWS/RDS", "DiskQueueDepth")
    with pytest.raises(ValueError, match=r"AWS/RDS ClientConnections has no worst statistic .* it reads total \(Sum\)"):
        metric("AWS/RDS", "ClientConnections", Reading.WORST)
