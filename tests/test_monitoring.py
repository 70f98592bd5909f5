"""Observability on every stack's graph: the seed's alarms with the seed's numbers, alarms that scale with the readers
and cache nodes, thresholds from what the watched components say of themselves (the database's class and connection
budget), every alarm notifying the encrypted topic, units as CloudWatch publishes them, every metric read with the
statistic and period of the metric table, and a dashboard of exactly the alarms' metrics, statistics and periods.

The stacks differ where it matters: prod and staging run 2 readers behind the proxy and 3 cache nodes, dev a
Serverless v2 writer alone and 1 cache node."""

from __future__ import annotations

import ast
import dataclasses
import json
import math
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from components.alarm_topic import PUBLISHERS
from components.alarms import metric
from facts.metrics import METRICS, Reading, cloudwatch_metric
from offline.graph import Graph, Resource
from offline.stackfiles import PROJECT_DIR
from policies.rules.observability import ALARM_METRIC_STATISTIC
from tests import programs
from tests.helpers import SECRET_SIGNATURE, graph_of
from tests.policy_builders import messages

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC = "aws:sns/topic:Topic"
DASHBOARD = "aws:cloudwatch/dashboard:Dashboard"
KEY = "aws:kms/key:Key"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
# The modules that define the alarms and the dashboard.
MONITORING_MODULES = ("alarms", "alarm_catalogue", "dashboard", "monitoring")


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
def test_each_seed_alarm_has_exactly_the_seeds_numbers(prod: Graph, seed: str) -> None:
    namespace, metric, dimensions, threshold, period, periods, description = SEED_NUMBERS[seed]
    inputs = alarm(prod, seed)
    assert inputs["name"] == f"sentinel-prod-{seed}"
    assert (inputs["namespace"], inputs["metricName"], inputs["statistic"]) == (namespace, metric, "Average")
    assert (inputs["threshold"], inputs["period"], inputs["evaluationPeriods"]) == (threshold, period, periods)
    assert inputs["comparisonOperator"] == "GreaterThanThreshold"
    assert sorted(inputs.get("dimensions", {})) == dimensions
    assert inputs["alarmDescription"].startswith(f"{seed} (seed): {description}")


def test_every_stack_watches_its_own_cluster_with_the_seed_alarms(stack_graph: Graph) -> None:
    [cluster] = stack_graph.of_type("aws:eks/cluster:Cluster")
    [node_group] = stack_graph.of_type("aws:eks/nodeGroup:NodeGroup")
    [[autoscaling_group]] = [
        [group["name"] for group in resource["autoscalingGroups"]] for resource in node_group.outputs["resources"]
    ]
    assert alarm(stack_graph, "HighCPUUtilization")["dimensions"] == {"AutoScalingGroupName": autoscaling_group}
    assert alarm(stack_graph, "HighMemoryUtilization")["dimensions"] == {"ClusterName": cluster.inputs["name"]}
    assert "dimensions" not in alarm(stack_graph, "HighResponseTime")


def test_a_stack_overrides_one_seed_number_and_keeps_the_others() -> None:
    graph = programs.run(
        programs.monitoring, "staging", {"sentinel:monitoring.alarms.HighCPUUtilization.threshold": 85}
    )
    inputs = alarm(graph, "HighCPUUtilization")
    assert (inputs["threshold"], inputs["period"], inputs["evaluationPeriods"]) == (85, 300, 2)


@pytest.mark.parametrize(("stack", "readers", "nodes"), [("prod", 2, 3), ("dev", 0, 1)])
def test_replica_lag_alarms_scale_with_the_readers_and_cache_alarms_with_the_nodes(
    stack: str, readers: int, nodes: int
) -> None:
    graph = graph_of(stack)
    instances = {instance.name: instance for instance in graph.of_type("aws:rds/clusterInstance:ClusterInstance")}
    lag = [inputs for name, inputs in _alarm_inputs(graph) if "AuroraReplicaLag" in name]
    assert len(lag) == readers
    # The writer is the first instance; every other is a reader.
    assert {inputs["dimensions"]["DBInstanceIdentifier"] for inputs in lag} == {
        instances[f"database-{n}"].outputs["identifier"] for n in range(2, readers + 2)
    }
    [group] = graph.of_type("aws:elasticache/replicationGroup:ReplicationGroup")
    assert group.inputs["numCacheClusters"] == nodes
    for metric_name in ("EngineCPUUtilization", "DatabaseMemoryUsagePercentage", "Evictions", "ReplicationLag"):
        per_node = [inputs for _, inputs in _alarm_inputs(graph) if inputs.get("metricName") == metric_name]
        # ElastiCache names a replication group's member clusters `<group id>-001`, `-002`, ...
        assert sorted(inputs["dimensions"]["CacheClusterId"] for inputs in per_node) == [
            f"{group.id}-{n:03d}" for n in range(1, nodes + 1)
        ]
    reader_roles = [
        inputs for _, inputs in _alarm_inputs(graph) if inputs.get("dimensions", {}).get("Role") == "READER"
    ]
    assert len(reader_roles) == (4 if readers else 0)


def _alarm_inputs(graph: Graph) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, resource in alarms(graph).items():
        yield name, dict(resource.inputs)


def test_every_alarm_notifies_the_topic_and_treats_missing_data_deliberately(stack_graph: Graph) -> None:
    [topic] = stack_graph.of_type(TOPIC)
    assert alarms(stack_graph)
    for name, inputs in _alarm_inputs(stack_graph):
        assert inputs["alarmActions"] == inputs["okActions"] == [topic.outputs["arn"]], name
        assert inputs["treatMissingData"] in ("breaching", "notBreaching"), name
        assert " Look first at " in inputs["alarmDescription"], name
        assert " Missing data: " in inputs["alarmDescription"], name


def test_thresholds_are_in_the_units_cloudwatch_publishes(prod: Graph) -> None:
    # The ALB's TargetResponseTime and RDS's ReadLatency are in seconds; AuroraReplicaLag in milliseconds.
    assert alarm(prod, "EdgeResponseTimeP95")["threshold"] == 2.0
    assert alarm(prod, "EdgeResponseTimeP95Warning")["threshold"] == 0.5
    assert alarm(prod, "EdgeResponseTimeP95")["extendedStatistic"] == "p95"
    assert "statistic" not in alarm(prod, "EdgeResponseTimeP95")
    assert alarm(prod, "DatabaseWriterReadLatency")["threshold"] == 0.02
    assert alarm(prod, "AuroraReplicaLag-reader-1")["threshold"] == 1000
    assert alarm(prod, "CacheReplicationLag-node-2")["threshold"] == 1.0
    assert alarm(prod, "HighResponseTime")["threshold"] == 2000


def test_the_proxy_alarm_adds_up_the_client_connections_of_every_proxy_instance(prod: Graph) -> None:
    # RDS Proxy publishes ClientConnections every minute from each instance serving it: the Sum over one minute
    # is the connections across the proxy; over five it would count each instance five times.
    inputs = alarm(prod, "DatabaseProxyClientConnections")
    [proxy] = prod.of_type("aws:rds/proxy:Proxy")
    assert (inputs["metricName"], inputs["statistic"], inputs["period"]) == ("ClientConnections", "Sum", 60)
    assert inputs["dimensions"] == {"ProxyName": proxy.outputs["name"]}
    assert (inputs["threshold"], inputs["evaluationPeriods"]) == (2594, 10)
    assert (
        "added up over every instance serving the proxy each minute, have exceeded 80 % of the proxy's share"
        in (inputs["alarmDescription"])
    )


@pytest.mark.parametrize(
    ("stack", "memory_gib", "writer_connections", "proxy_connections"),
    [
        # prod's db.r7g.xlarge: 32 GiB, so max_connections = 32 GiB / 9531392 = 3604; 80 % of it, and of the proxy's
        # 90 % (3243.6).
        ("prod", 32, 2883, 2594),
        # staging's db.r7g.large: 16 GiB, 1802 connections.
        ("staging", 16, 1441, 1297),
        # dev's db.serverless at its maximum of 4 ACUs: 8 GiB, 901 connections.
        ("dev", 8, 720, 648),
    ],
)
def test_connection_and_memory_alarms_come_from_the_databases_class(
    stack: str, memory_gib: int, writer_connections: int, proxy_connections: int
) -> None:
    graph = graph_of(stack)
    assert alarm(graph, "DatabaseWriterConnections")["threshold"] == writer_connections
    assert alarm(graph, "DatabaseProxyClientConnections")["threshold"] == proxy_connections
    assert alarm(graph, "DatabaseWriterFreeableMemory")["threshold"] == math.floor(memory_gib * 2**30 / 10)


def test_the_edge_alarms_cover_every_target_group_with_both_dimensions(prod: Graph) -> None:
    healthy = [inputs for _, inputs in _alarm_inputs(prod) if inputs.get("metricName") == "HealthyHostCount"]
    target_groups = prod.of_type("aws:lb/targetGroup:TargetGroup")
    assert len(target_groups) == 3
    assert sorted(inputs["dimensions"]["TargetGroup"] for inputs in healthy) == sorted(
        group.outputs["arnSuffix"] for group in target_groups
    )
    [load_balancer] = prod.of_type("aws:lb/loadBalancer:LoadBalancer")
    assert all(inputs["dimensions"]["LoadBalancer"] == load_balancer.outputs["arnSuffix"] for inputs in healthy)
    assert all((inputs["comparisonOperator"], inputs["threshold"]) == ("LessThanThreshold", 1) for inputs in healthy)
    rate = alarm(prod, "Edge5xxRate")
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


def test_the_dashboard_shows_exactly_the_alarms_metrics_statistics_and_periods_by_tier(stack_graph: Graph) -> None:
    _, metrics, expressions = _dashboard_series(stack_graph)
    assert (metrics, expressions) == _alarm_series(stack_graph)
    assert _dashboard_series(stack_graph)[0] == [
        f"## {tier}" for tier in ("Edge", "Apps", "Cluster", "Database", "Cache", "Backups")
    ]


def test_the_topic_is_encrypted_with_its_own_key_that_the_publishers_may_use(prod: Graph) -> None:
    [topic] = prod.of_type(TOPIC)
    key = prod.named(KEY, "alarms")
    assert topic.inputs["kmsMasterKeyId"] == key.outputs["arn"]
    assert topic.inputs["namePrefix"] == "sentinel-prod-alarms-"
    statements = json.loads(key.inputs["policy"])["Statement"]
    granted = {s["Principal"]["Service"]: s["Action"] for s in statements if "Service" in s["Principal"]}
    assert granted == {service: ["kms:Decrypt", "kms:GenerateDataKey*"] for service in PUBLISHERS}
    assert key.options.protect is True


def test_the_topic_admits_only_this_accounts_services(prod: Graph) -> None:
    [policy] = prod.of_type("aws:sns/topicPolicy:TopicPolicy")
    admin, *publishers = json.loads(policy.inputs["policy"])["Statement"]
    assert "sns:Publish" not in admin["Action"]
    assert {statement["Principal"]["Service"] for statement in publishers} == set(PUBLISHERS)
    sources = {
        "cloudwatch.amazonaws.com": ["arn:aws:cloudwatch:us-east-1:111111111111:alarm:sentinel-prod-*"],
        "events.rds.amazonaws.com": [
            "arn:aws:rds:us-east-1:111111111111:cluster:sentinel-prod-*",
            "arn:aws:rds:us-east-1:111111111111:db:*",
        ],
        "backup.amazonaws.com": ["arn:aws:backup:us-east-1:111111111111:backup-vault:*"],
    }
    for statement in publishers:
        assert statement["Action"] == "sns:Publish"
        assert statement["Condition"] == {
            "StringEquals": {"aws:SourceAccount": "111111111111"},
            "ArnLike": {"aws:SourceArn": sources[statement["Principal"]["Service"]]},
        }


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
    graph = programs.run(programs.alarm_topic, "prod", stack_path=tmp_path / "Pulumi.prod.yaml")
    [incidents] = [s for s in graph.of_type(SUBSCRIPTION) if s.inputs["protocol"] == "https"]
    assert {key: incidents.inputs["endpoint"].get(key) for key in SECRET_SIGNATURE} == SECRET_SIGNATURE
    assert incidents.inputs["endpointAutoConfirms"] is True


def test_the_topic_arn_is_exported_for_the_data_tier_and_backups(stack_graph: Graph) -> None:
    [topic] = stack_graph.of_type(TOPIC)
    assert stack_graph.exports["alarmTopicArn"] == topic.outputs["arn"]


def test_every_alarm_reads_its_metrics_as_the_metric_table_says(stack_graph: Graph, prod: Graph) -> None:
    assert messages(ALARM_METRIC_STATISTIC, stack_graph) == []
    # Every row is used by an alarm of prod: the table holds no stale metric.
    metrics, expressions = _alarm_series(prod)
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
    """Statistics come from facts/metrics.py by what the alarm reads; a literal in the monitoring modules would
    bypass the table (the policy would still catch a wrong one, but only in the stacks that build that alarm)."""
    for module in MONITORING_MODULES:
        assert _statistic_literals((PROJECT_DIR / "components" / f"{module}.py").read_text()) == set(), module
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
