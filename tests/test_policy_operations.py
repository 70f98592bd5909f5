"""Tags through the provider, alarms that notify, logs that expire."""

from __future__ import annotations

import pytest

from facts.eks_control_plane import CONTROL_PLANE_LOG_TYPES
from policies.rules.operations import (
    AWS_PROVIDER_DEFAULT_TAGS,
    CLOUDWATCH_ALARM_ACTIONS,
    EKS_CONTROL_PLANE_LOGS,
    LOG_GROUP_RETENTION,
    RDS_LOG_GROUPS_CREATED_FIRST,
    VPC_FLOW_LOGS,
)
from policies.support.aws import EKS_CLUSTER, FLOW_LOG, LOG_GROUP, METRIC_ALARM, RDS_PROXY, RDS_PROXY_TARGET, VPC
from tests.policy_builders import REQUIRED_TAGS, UNKNOWN, GraphBuilder, messages, ref, single, violations
from tests.policy_builders_aws import aurora, aws_provider


def _tagged_stack(tags: dict[str, str] | str = REQUIRED_TAGS) -> GraphBuilder:
    builder = GraphBuilder()
    provider = (
        builder.add("pulumi:providers:aws", "aws", {"defaultTags": tags})
        if isinstance(tags, str)
        else aws_provider(builder, tags)
    )
    builder.add("aws:ec2/vpc:Vpc", "vpc", {"cidrBlock": "10.0.0.0/16"}, provider=provider)
    builder.add("aws:ec2/subnet:Subnet", "subnet", {"cidrBlock": "10.0.0.0/24"}, provider=provider)
    return builder


def test_resources_of_a_tagged_provider_pass() -> None:
    assert messages(AWS_PROVIDER_DEFAULT_TAGS, _tagged_stack().build()) == []


def test_provider_missing_tags_fails_once() -> None:
    tags = {key: value for key, value in REQUIRED_TAGS.items() if key not in ("Owner", "CostCenter")}
    assert messages(AWS_PROVIDER_DEFAULT_TAGS, _tagged_stack(tags).build()) == [
        "provider aws, used by 2 AWS resources, has no default tags Owner, CostCenter"
    ]


def test_resource_without_provider_fails() -> None:
    builder = _tagged_stack()
    builder.add("aws:s3/bucket:Bucket", "stray", {"bucket": "stray"})
    builder.add("kubernetes:core/v1:Namespace", "apps", {"metadata": {"name": "apps"}})
    assert messages(AWS_PROVIDER_DEFAULT_TAGS, builder.build()) == [
        "stray names no provider: pass the stack's AWS provider"
    ]


def test_required_tags_are_configurable() -> None:
    graph = _tagged_stack({"Project": "sentinel"}).build()
    assert messages(AWS_PROVIDER_DEFAULT_TAGS, graph, {"requiredTags": ["Project"]}) == []


def test_tags_unknown_during_preview_are_not_judged() -> None:
    assert violations(AWS_PROVIDER_DEFAULT_TAGS, _tagged_stack(UNKNOWN).build()) == []


ALARM = {"metricName": "CPUUtilization", "namespace": "AWS/EC2", "alarmActions": ["arn:aws:sns:us-east-1:1:alerts"]}


def test_alarm_that_notifies_passes() -> None:
    assert messages(CLOUDWATCH_ALARM_ACTIONS, single(METRIC_ALARM, ALARM)) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"alarmActions": []}, "alarmActions is a list of 0: list the alerts SNS topic"),
        ({"actionsEnabled": False}, "actionsEnabled is false: set actionsEnabled=true"),
    ],
)
def test_alarm_that_notifies_nobody_fails(change: dict[str, object], expected: str) -> None:
    assert messages(CLOUDWATCH_ALARM_ACTIONS, single(METRIC_ALARM, {**ALARM, **change})) == [expected]


def test_log_group_retention() -> None:
    assert messages(LOG_GROUP_RETENTION, single(LOG_GROUP, {"retentionInDays": 365})) == []
    assert messages(LOG_GROUP_RETENTION, single(LOG_GROUP, {"retentionInDays": 0})) == [
        "retentionInDays is 0: set a retention such as 30, 90 or 365 days"
    ]
    assert len(messages(LOG_GROUP_RETENTION, single(LOG_GROUP, {"name": "/aws/vpc/flow-logs"}))) == 1


# Tier 9 (cluster)


def test_a_cluster_logging_every_control_plane_log_type_passes() -> None:
    graph = single(EKS_CLUSTER, {"enabledClusterLogTypes": list(CONTROL_PLANE_LOG_TYPES)})
    assert messages(EKS_CONTROL_PLANE_LOGS, graph) == []


def test_a_cluster_leaving_out_log_types_names_them() -> None:
    graph = single(EKS_CLUSTER, {"enabledClusterLogTypes": ["api", "authenticator", "scheduler"]})
    assert messages(EKS_CONTROL_PLANE_LOGS, graph) == [
        'enabledClusterLogTypes leaves out "audit", "controllerManager": enable all five log types'
    ]


def test_a_cluster_without_log_types_fails_and_unknown_ones_wait() -> None:
    assert len(messages(EKS_CONTROL_PLANE_LOGS, single(EKS_CLUSTER, {}))) == 1
    assert messages(EKS_CONTROL_PLANE_LOGS, single(EKS_CLUSTER, {"enabledClusterLogTypes": UNKNOWN})) == []


def _logged_cluster(*, log_group: str | None = "/aws/eks/sentinel-prod/cluster", first: bool = True) -> GraphBuilder:
    builder = GraphBuilder()
    groups = [builder.add(LOG_GROUP, "control-plane", {"name": log_group})] if log_group else []
    builder.add(
        EKS_CLUSTER,
        "cluster",
        {"name": "sentinel-prod", "enabledClusterLogTypes": list(CONTROL_PLANE_LOG_TYPES)},
        depends_on=groups if first else [],
    )
    return builder


def test_a_cluster_writing_its_audit_log_into_a_group_made_first_passes() -> None:
    assert messages(EKS_CONTROL_PLANE_LOGS, _logged_cluster().build()) == []


def test_a_cluster_whose_audit_log_group_is_missing_or_made_beside_it_fails() -> None:
    assert messages(EKS_CONTROL_PLANE_LOGS, _logged_cluster(log_group=None).build()) == [
        "cluster writes its audit log to /aws/eks/sentinel-prod/cluster, which the stack does not create: create it "
        "(kmsKeyId, retentionInDays) and make the cluster depend on it"
    ]
    assert messages(EKS_CONTROL_PLANE_LOGS, _logged_cluster(log_group="/aws/eks/other/cluster").build()) == [
        "cluster writes its audit log to /aws/eks/sentinel-prod/cluster, which the stack does not create: create it "
        "(kmsKeyId, retentionInDays) and make the cluster depend on it"
    ]
    assert messages(EKS_CONTROL_PLANE_LOGS, _logged_cluster(first=False).build()) == [
        "cluster does not depend on log group control-plane: pass it in depends_on, or EKS may create the group "
        "first, unencrypted and never expiring"
    ]


# --- Flow logs --------------------------------------------------------------------------------------------------


def _vpc_with_flow_log(**flow_log: object) -> GraphBuilder:
    builder = GraphBuilder()
    vpc = builder.add(VPC, "vpc", {"cidrBlock": "10.0.0.0/16"})
    arn = "arn:aws:logs:us-east-1:111111111111:log-group:/sentinel/flow-logs"
    group = builder.add(LOG_GROUP, "flow-logs", {"name": "/sentinel/flow-logs", "retentionInDays": 365, "arn": arn})
    inputs = {
        "vpcId": ref(vpc),
        "trafficType": "ALL",
        "logDestinationType": "cloud-watch-logs",
        "logDestination": ref(group, "arn"),
        **flow_log,
    }
    builder.add(FLOW_LOG, "flow-log", inputs)
    return builder


def test_a_vpc_logging_all_its_traffic_into_a_group_of_the_stack_passes() -> None:
    graph = _vpc_with_flow_log().build()
    assert messages(VPC_FLOW_LOGS, graph) == []


def test_a_vpc_without_a_flow_log_of_all_its_traffic_fails() -> None:
    builder = GraphBuilder()
    builder.add(VPC, "vpc", {"cidrBlock": "10.0.0.0/16"})
    assert messages(VPC_FLOW_LOGS, builder.build()) == [
        "VPC vpc has no flow log of ALL its traffic: add an aws.ec2.FlowLog with trafficType ALL into a log group of "
        "the stack"
    ]
    assert messages(VPC_FLOW_LOGS, _vpc_with_flow_log(trafficType="REJECT").build()) == [
        'VPC vpc has no flow log of ALL its traffic (only "REJECT"): add an aws.ec2.FlowLog with trafficType ALL '
        "into a log group of the stack"
    ]


def test_a_flow_log_into_a_log_group_the_stack_does_not_make_fails_and_unknowns_wait() -> None:
    elsewhere = "arn:aws:logs:us-east-1:111111111111:log-group:someone-elses"
    assert messages(VPC_FLOW_LOGS, _vpc_with_flow_log(logDestination=elsewhere).build()) == [
        f'flow log flow-log writes to "{elsewhere}", a log group the stack does not create: deliver it into one of '
        "the stack's log groups (with its key and retention)"
    ]
    assert messages(VPC_FLOW_LOGS, _vpc_with_flow_log(logDestination=UNKNOWN, trafficType=UNKNOWN).build()) == []


# --- Log groups created first ---------------------------------------------------------------------------------


def test_a_cluster_and_proxy_whose_log_groups_come_first_pass() -> None:
    builder = GraphBuilder()
    cluster = aurora(builder)
    logs = builder.add(LOG_GROUP, "proxy-logs", {"name": "/aws/rds/proxy/sentinel-database-proxy"})
    builder.add(RDS_PROXY, "proxy", {"name": "sentinel-database-proxy"}, depends_on=[logs])
    builder.add(RDS_PROXY_TARGET, "target", {"dbClusterIdentifier": ref(cluster, "clusterIdentifier")})
    assert messages(RDS_LOG_GROUPS_CREATED_FIRST, builder.build()) == []


def test_a_cluster_exporting_to_a_log_group_the_stack_lacks_fails() -> None:
    builder = GraphBuilder()
    aurora(builder, log_group=False)
    assert messages(RDS_LOG_GROUPS_CREATED_FIRST, builder.build()) == [
        'database writes to log group "/aws/rds/cluster/sentinel-database/postgresql", which the stack does not '
        "create: create it (kmsKeyId, retentionInDays) and make the writer depend on it"
    ]


def test_a_proxy_created_beside_its_log_group_rather_than_after_it_fails() -> None:
    builder = GraphBuilder()
    builder.add(LOG_GROUP, "proxy-logs", {"name": "/aws/rds/proxy/sentinel-database-proxy"})
    builder.add(RDS_PROXY, "proxy", {"name": "sentinel-database-proxy"})
    assert messages(RDS_LOG_GROUPS_CREATED_FIRST, builder.build()) == [
        "proxy does not depend on log group proxy-logs: pass it in depends_on, or RDS may create the group first, "
        "unencrypted and never expiring"
    ]


def test_a_generated_identifier_leaves_no_log_group_to_create_first_and_fails() -> None:
    builder = GraphBuilder()
    builder.add(RDS_PROXY, "proxy", {"engineFamily": "POSTGRESQL"})
    assert messages(RDS_LOG_GROUPS_CREATED_FIRST, builder.build()) == [
        "proxy writes logs under a generated identifier: give it a fixed one, so that its log group can be created "
        "first"
    ]


def test_an_identifier_unknown_during_preview_is_not_judged() -> None:
    builder = GraphBuilder()
    aurora(builder, clusterIdentifier=UNKNOWN)
    assert messages(RDS_LOG_GROUPS_CREATED_FIRST, builder.build()) == []
