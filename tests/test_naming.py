"""The naming rule (design D14), across every stack's graph: nothing AWS replaces on change has a fixed
physical name, the few fixed names are listed with their reason, and every taggable resource carries its
readable name in the `Name` tag."""

from __future__ import annotations

import importlib

from offline.graph import Graph, Resource

# The types that may carry a fixed physical name, each with the reason something must know the name.
FIXED_NAMES = {
    "aws:cloudwatch/logGroup:LogGroup": "AWS services write to log groups named by convention, and a key policy "
    "names its log group before either exists",
    "aws:kms/alias:Alias": "the alias is how operators and key policies find a key",
    "aws:ec2/managedPrefixList:ManagedPrefixList": "the API requires a name, changes it in place and does not "
    "require it to be unique, so a replacement never waits for the old list",
    # tier: observability
    "aws:cloudwatch/metricAlarm:MetricAlarm": "the name is what a notification and an operator read; CloudWatch "
    "changes every other setting in place, and a new name is a new alarm created before the old one is deleted",
    # Tier 9 (cluster)
    "aws:eks/cluster:Cluster": "the subnets' discovery tags, the control-plane log group and the autoscaler's tag "
    "conditions name the cluster before it exists",
    "aws:ecr/repository:Repository": "the build pipeline pushes to it and the Deployments pull from it by name",
    # Storage and backup tier.
    "aws:s3/bucket:Bucket": "log delivery, the apps (AWS_S3_BUCKET, BACKUP_S3_BUCKET) and operators name a bucket, and "
    "S3 names are global: the stack prefix, account and region make it unique and predictable",
    "aws:backup/restoreTestingPlan:RestoreTestingPlan": "AWS Backup allows only letters, digits and _, which the "
    "provider's hyphenated auto-name breaks",
    "aws:backup/restoreTestingSelection:RestoreTestingSelection": "AWS Backup allows only letters, digits and _, "
    "which the provider's hyphenated auto-name breaks",
    # Data tier
    "aws:rds/cluster:Cluster": "Aurora exports its logs to a log group named after the cluster, which must exist "
    "(encrypted, with retention) before the cluster does",
    "aws:rds/proxy:Proxy": "RDS Proxy logs to a log group named after the proxy, which must exist first",
    "aws:rds/proxyEndpoint:ProxyEndpoint": "the API requires a name; it is part of the endpoint's host name",
    "aws:route53/zone:Zone": "a zone's name is the domain it answers for",
    "aws:route53/record:Record": "a record's name is what operators type (the seed's primary-db, read-replica, ...)",
    # The deploy path (design D16)
    "aws:codebuild/project:Project": "every job that runs on the deploy runner names the project in its runs-on label",
}

# The input holding the physical name, where it is not `name`.
NAME_INPUTS = {
    "aws:s3/bucket:Bucket": "bucket",
    "aws:rds/cluster:Cluster": "clusterIdentifier",
    "aws:rds/clusterInstance:ClusterInstance": "identifier",
    "aws:elasticache/replicationGroup:ReplicationGroup": "replicationGroupId",
    "aws:rds/proxyEndpoint:ProxyEndpoint": "dbProxyEndpointName",
}

# Types that AWS replaces when their description or another fixed setting changes: a fixed name would force
# delete-before-replace, which hangs while the old resource is in use.
# Each with the input that holds its prefix.
PREFIX_NAMED = {
    "aws:ec2/securityGroup:SecurityGroup": "namePrefix",
    "aws:iam/role:Role": "namePrefix",
    # tier: observability: subscriptions move to a replacement topic without a gap
    "aws:sns/topic:Topic": "namePrefix",
    # Tier 9 (cluster)
    "aws:ec2/launchTemplate:LaunchTemplate": "namePrefix",
    "aws:eks/nodeGroup:NodeGroup": "nodeGroupNamePrefix",
    "aws:iam/instanceProfile:InstanceProfile": "namePrefix",
    # Data tier: groups a replacement must exist beside, and secrets, whose names stay taken while deleted.
    "aws:rds/subnetGroup:SubnetGroup": "namePrefix",
    "aws:rds/parameterGroup:ParameterGroup": "namePrefix",
    "aws:rds/clusterParameterGroup:ClusterParameterGroup": "namePrefix",
    "aws:secretsmanager/secret:Secret": "namePrefix",
}
# What a stack may leave out: dev runs no bastion.
OPTIONAL_IN_DEV = {"aws:iam/instanceProfile:InstanceProfile"}


def aws_resources(graph: Graph) -> list[Resource]:
    return [resource for resource in graph if resource.type.startswith("aws:") and resource.custom]


def sdk_class(type_token: str) -> type:
    """The pulumi_aws class of a type token such as aws:ec2/subnet:Subnet."""
    module, _, class_name = type_token.removeprefix("aws:").partition(":")
    return getattr(importlib.import_module(f"pulumi_aws.{module.split('/')[0]}"), class_name)


def test_fixed_names_only_where_something_must_know_the_name(stack_graph: Graph) -> None:
    fixed = {
        resource.type
        for resource in aws_resources(stack_graph)
        if NAME_INPUTS.get(resource.type, "name") in resource.inputs
    }
    assert "aws:s3/bucket:Bucket" in fixed
    assert fixed <= set(FIXED_NAMES), f"fixed names on {sorted(fixed - set(FIXED_NAMES))}: use name_prefix"


def test_replaceable_resources_are_named_by_prefix_under_the_stack_prefix(stack_graph: Graph) -> None:
    prefix = f"sentinel-{stack_graph.stack}-"
    named = [resource for resource in aws_resources(stack_graph) if resource.type in PREFIX_NAMED]
    absent = OPTIONAL_IN_DEV if stack_graph.stack == "dev" else set()
    assert {resource.type for resource in named} == set(PREFIX_NAMED) - absent
    for resource in named:
        assert "name" not in resource.inputs, resource.urn
        assert resource.inputs[PREFIX_NAMED[resource.type]].startswith(prefix), resource.urn
        assert resource.inputs[PREFIX_NAMED[resource.type]].endswith("-"), resource.urn


def test_every_taggable_resource_carries_its_readable_name(stack_graph: Graph) -> None:
    untagged = [
        resource.urn
        for resource in aws_resources(stack_graph)
        if hasattr(sdk_class(resource.type), "tags")
        and not str(resource.inputs.get("tags", {}).get("Name", "")).startswith(f"sentinel-{stack_graph.stack}")
    ]
    assert untagged == []
