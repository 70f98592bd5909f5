"""Log groups that services write to by name: each exists before the resource whose service writes to it, and its
key lets CloudWatch Logs encrypt that group (tests/service_grant_checks.py says how)."""

from __future__ import annotations

from offline.graph import Graph, Resource
from tests.iam_evaluation import Principal, Request, resource_policy_decision
from tests.service_grant_checks import (
    EKS_CLUSTER,
    FLOW_LOG,
    KEY,
    LOG_GROUP,
    RDS_CLUSTER,
    RDS_PROXY,
    REPLICATION_GROUP,
    Report,
    account_of,
    edited_document,
    find,
    findings_of,
    holds_on_every_stack,
    log_group_arn,
    planted,
    policy_of,
    statement,
    with_inputs,
    without_dependency,
)

# What CloudWatch Logs does with a log group's key (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).
LOGS_KEY_ACTIONS = ("kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey")


def service_log_groups(graph: Graph) -> list[tuple[Resource, str]]:
    """(writer, log group name) for every resource whose creation makes a service write to a log group of a name
    the service chooses: created first, the group keeps its encryption and retention; else the service creates it."""
    writers: list[tuple[Resource, str]] = []
    for cluster in graph.of_type(RDS_CLUSTER):
        identifier = cluster.inputs["clusterIdentifier"]
        writers += [
            (cluster, f"/aws/rds/cluster/{identifier}/{kind}")
            for kind in cluster.inputs.get("enabledCloudwatchLogsExports", [])
        ]
    writers += [(proxy, f"/aws/rds/proxy/{proxy.inputs['name']}") for proxy in graph.of_type(RDS_PROXY)]
    writers += [
        (cluster, f"/aws/eks/{cluster.inputs['name']}/cluster")
        for cluster in graph.of_type(EKS_CLUSTER)
        if cluster.inputs.get("enabledClusterLogTypes")
    ]
    for group in graph.of_type(REPLICATION_GROUP):
        writers += [
            (group, delivery["destination"])
            for delivery in group.inputs.get("logDeliveryConfigurations", [])
            if delivery["destinationType"] == "cloudwatch-logs"
        ]
    for flow_log in graph.of_type(FLOW_LOG):
        if flow_log.inputs.get("logDestinationType") == "cloud-watch-logs":
            writers.append((flow_log, flow_log.inputs["logDestination"].split(":log-group:", 1)[1].removesuffix(":*")))
    return writers


def log_group_writers(graph: Graph) -> Report:
    report = Report()
    for writer, name in service_log_groups(graph):
        report.checked.append(f"{writer.name} -> {name}")
        group = find(graph, LOG_GROUP, name=name)
        if group is None:
            report.findings.append(f"{writer.name} writes to {name}, which the stack does not create")
        else:
            report.waits_for(graph, writer, group, "else the service creates the group, unencrypted and kept forever")
    return report


def log_group_keys(graph: Graph) -> Report:
    """CloudWatch Logs uses a log group's key for that group alone (its ARN is the encryption context), from the
    moment the group is created with it."""
    report, account = Report(), account_of(graph)
    for group in graph.of_type(LOG_GROUP):
        key_arn = group.inputs.get("kmsKeyId")
        if key_arn is None:
            continue
        report.checked.append(group.name)
        key = find(graph, KEY, arn=key_arn)
        if key is None:
            report.findings.append(f"{group.name} is encrypted with {key_arn}, which the stack does not make")
            continue
        report.waits_for(graph, group, key, "CloudWatch Logs checks the key when the group is created")
        context = {"kms:EncryptionContext:aws:logs:arn": log_group_arn(account, group.inputs["name"])}
        logs = Principal.of_service(f"logs.{account.region}.amazonaws.com")
        for action in LOGS_KEY_ACTIONS:
            report.expect(
                resource_policy_decision(policy_of(key), Request(logs, action, key_arn, context)),
                {"allow"},
                f"{group.name}: the policy of {key.name} for {logs.service} {action}",
            )
    return report


test_every_service_log_group_is_made_first_and_its_key_admits_logs = holds_on_every_stack(
    log_group_writers, log_group_keys
)


def test_the_databases_the_proxys_and_the_flow_logs_groups_are_checked(prod: Graph) -> None:
    writers = {(writer.type, name.rsplit("/", 1)[-1]) for writer, name in service_log_groups(prod)}
    assert {
        (RDS_CLUSTER, "postgresql"),
        (RDS_PROXY, "sentinel-prod-database-proxy"),
        (FLOW_LOG, "flow-logs"),
    } <= writers


def test_a_service_log_group_missing_or_not_waited_for_is_found(prod: Graph) -> None:
    cluster = prod.named(RDS_CLUSTER, "database")
    group = prod.named(LOG_GROUP, "database-postgresql")
    [finding] = findings_of(log_group_writers, without_dependency(prod, cluster, group))
    assert finding.startswith("database (aws:rds/cluster:Cluster) does not wait for database-postgresql")
    exporting = planted(
        prod, cluster, **with_inputs(cluster, enabledCloudwatchLogsExports=["postgresql", "iam-db-auth-error"])
    )
    [finding] = findings_of(log_group_writers, exporting)
    assert finding.startswith("database writes to /aws/rds/cluster/sentinel-prod-database/iam-db-auth-error,")


def test_a_log_group_key_that_names_another_group_is_found(prod: Graph) -> None:
    key = prod.named(KEY, "network-flow-logs")
    other = "arn:aws:logs:us-east-1:111111111111:log-group:/aws/vpc/flow-logs"
    edited = edited_document(
        key,
        lambda d: statement(d, "ServiceLogsUsEast1AmazonawsCom")["Condition"]["ArnEquals"].update(
            {"kms:EncryptionContext:aws:logs:arn": [other]}
        ),
    )
    findings = findings_of(log_group_keys, planted(prod, key, **edited))
    assert findings == [
        f"network-flow-logs: the policy of network-flow-logs for logs.us-east-1.amazonaws.com {action}: implicit deny"
        for action in LOGS_KEY_ACTIONS
    ]
