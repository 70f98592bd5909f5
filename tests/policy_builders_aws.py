"""AWS resources for the policy tests that pass every policy unless a test changes them: the provider, the node
group, the network and its security groups, buckets, and the databases with their proxies
(tests/policy_builders.py builds the graph)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from offline.graph import Resource
from tests.policy_builders import REQUIRED_TAGS, GraphBuilder, merged, ref


def aws_provider(builder: GraphBuilder, tags: Mapping[str, str] = REQUIRED_TAGS) -> Resource:
    """The explicit AWS provider; like the engine, it receives its nested settings as JSON text."""
    return builder.add(
        "pulumi:providers:aws",
        "aws",
        {"region": "us-east-1", "defaultTags": json.dumps({"tags": dict(tags)})},
    )


def node_group(
    builder: GraphBuilder, *, max_size: int = 20, instance_types: Sequence[str] = ("c6i.large",)
) -> Resource:
    return builder.add(
        "aws:eks/nodeGroup:NodeGroup",
        "nodes",
        {
            "clusterName": "sentinel",
            "subnetIds": ["subnet-a", "subnet-b", "subnet-c"],
            "scalingConfig": {"minSize": 2, "maxSize": max_size, "desiredSize": 2},
            "instanceTypes": list(instance_types),
        },
    )


def launch_template(builder: GraphBuilder, instance_type: str = "c6i.large") -> Resource:
    """A node launch template: encrypted gp3 root volume, IMDSv2 only with one hop."""
    return builder.add(
        "aws:ec2/launchTemplate:LaunchTemplate",
        "nodes",
        {
            "instanceType": instance_type,
            "blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"encrypted": "true", "volumeType": "gp3"}}],
            "metadataOptions": {"httpEndpoint": "enabled", "httpTokens": "required", "httpPutResponseHopLimit": 1},
        },
    )


# --- Network ----------------------------------------------------------------------------------------------------


def security_group(builder: GraphBuilder, role: str) -> Resource:
    return builder.add(
        "aws:ec2/securityGroup:SecurityGroup", role, {"name": f"sentinel-{role}", "tags": {"Role": role}}
    )


def prefix_list(builder: GraphBuilder, name: str, cidrs: Sequence[str]) -> Resource:
    return builder.add(
        "aws:ec2/managedPrefixList:ManagedPrefixList",
        name,
        {"name": name, "addressFamily": "IPv4", "maxEntries": len(cidrs), "entries": [{"cidr": c} for c in cidrs]},
    )


def ingress(
    builder: GraphBuilder,
    group: Resource,
    port: int | None,
    *,
    cidr: str | None = None,
    prefix_list: Resource | None = None,
    peer: Resource | None = None,
) -> Resource:
    """A standalone ingress rule from one peer; `port` None admits every protocol and port."""
    source = next(label for label in (cidr, prefix_list and prefix_list.name, peer and peer.name, "none") if label)
    return builder.add(
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        f"{group.name}-from-{source}-{port or 'all'}",
        {
            "securityGroupId": ref(group),
            "ipProtocol": "-1" if port is None else "tcp",
            "fromPort": port,
            "toPort": port,
            "cidrIpv6" if cidr and ":" in cidr else "cidrIpv4": cidr,
            "prefixListId": ref(prefix_list) if prefix_list else None,
            "referencedSecurityGroupId": ref(peer) if peer else None,
        },
    )


@dataclass(frozen=True)
class Network:
    public_subnet: Resource
    private_subnet: Resource


def network(builder: GraphBuilder) -> Network:
    """A public subnet (routed to an internet gateway) and a private one (routed to nothing outside)."""
    gateway = builder.add("aws:ec2/internetGateway:InternetGateway", "igw", {"vpcId": "vpc-1"})
    public_routes = builder.add(
        "aws:ec2/routeTable:RouteTable",
        "public",
        {"vpcId": "vpc-1", "routes": [{"cidrBlock": "0.0.0.0/0", "gatewayId": ref(gateway)}]},
    )
    private_routes = builder.add("aws:ec2/routeTable:RouteTable", "private", {"vpcId": "vpc-1", "routes": []})
    subnets = []
    for name, routes in (("public-a", public_routes), ("private-a", private_routes)):
        subnet = builder.add("aws:ec2/subnet:Subnet", name, {"vpcId": "vpc-1", "cidrBlock": "10.0.0.0/24"})
        builder.add(
            "aws:ec2/routeTableAssociation:RouteTableAssociation",
            name,
            {"subnetId": ref(subnet), "routeTableId": ref(routes)},
        )
        subnets.append(subnet)
    return Network(public_subnet=subnets[0], private_subnet=subnets[1])


# --- Storage ----------------------------------------------------------------------------------------------------


def tls_only_statement(service: str, *, secure_transport: str = "false", **changes: Any) -> dict[str, Any]:
    """A statement denying every action of `service` on every resource over plain HTTP; `changes` merge into it
    (None removes a key)."""
    statement = {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": f"{service}:*",
        "Resource": "*",
        "Condition": {"Bool": {"aws:SecureTransport": secure_transport}},
    }
    return merged(statement, changes)


def tls_only_policy(service: str, *, secure_transport: str = "false", **changes: Any) -> str:
    """A resource policy document (JSON text) whose one statement is `tls_only_statement`."""
    statement = tls_only_statement(service, secure_transport=secure_transport, **changes)
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def bucket(
    builder: GraphBuilder,
    name: str = "uploads",
    *,
    encryption: Mapping[str, Any] | None = None,
    public_access_block: Mapping[str, Any] | None = None,
    policy: Any = None,
) -> Resource:
    """A bucket with its encryption configuration, public access block and TLS-only policy; pass a value to
    change one of them, or `{}`/"" to leave it out. The policy may be JSON text or a structured document."""
    bucket = builder.add(
        "aws:s3/bucket:Bucket",
        name,
        {"bucket": f"sentinel-{name}", "arn": f"arn:aws:s3:::sentinel-{name}"},  # outputs are the inputs here
        protect=True,
    )
    sse_rules = [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": "key"}}]
    encryption = {"rules": sse_rules} if encryption is None else encryption
    if encryption:
        builder.add(
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            f"{name}-encryption",
            {"bucket": ref(bucket), **encryption},
        )
    flags = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    public_access_block = dict.fromkeys(flags, True) if public_access_block is None else public_access_block
    if public_access_block:
        builder.add(
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
            f"{name}-public-access",
            {"bucket": ref(bucket), **public_access_block},
        )
    policy = tls_only_policy("s3") if policy is None else policy
    if policy:
        builder.add("aws:s3/bucketPolicy:BucketPolicy", f"{name}-policy", {"bucket": ref(bucket), "policy": policy})
    return bucket


# --- Data tier --------------------------------------------------------------------------------------------------


def parameter_group(builder: GraphBuilder, parameters: Mapping[str, str] | None = None) -> Resource:
    settings = {"rds.force_ssl": "1"} if parameters is None else parameters
    return builder.add(
        "aws:rds/parameterGroup:ParameterGroup",
        "db-parameters",
        {
            "name": "sentinel-postgres16",
            "family": "postgres16",
            "parameters": [{"name": name, "value": value} for name, value in settings.items()],
        },
    )


def rds_primary(
    builder: GraphBuilder, name: str = "db", *, parameters: Resource | None = None, **changes: Any
) -> Resource:
    """A Multi-AZ PostgreSQL primary that passes every rule on its own inputs; `changes` merge into them. It
    names no availabilityZone: AWS rejects one on a Multi-AZ instance and places the primary and its standby
    itself (a single-AZ primary, multiAz=False, may name one)."""
    compliant = {
        "identifier": name,
        "engine": "postgres",
        "engineVersion": "16.4",
        "instanceClass": "db.r6g.large",
        "storageEncrypted": True,
        "kmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/db",
        "multiAz": True,
        "backupRetentionPeriod": 30,
        "deletionProtection": True,
        "skipFinalSnapshot": False,
        "finalSnapshotIdentifier": f"{name}-final",
        "publiclyAccessible": False,
    }
    if parameters is not None:
        compliant["parameterGroupName"] = ref(parameters, "name")
    return builder.add("aws:rds/instance:Instance", name, merged(compliant, changes), protect=True)


def rds_replica(
    builder: GraphBuilder,
    primary: Resource,
    zone: str | None,
    *,
    number: int = 1,
    parameters: Resource | None = None,
    **changes: Any,
) -> Resource:
    name = f"{primary.name}-replica-{number}"
    inputs = {
        "identifier": name,
        "replicateSourceDb": ref(primary, "identifier"),
        "instanceClass": "db.r6g.large",
        "storageEncrypted": True,
        "availabilityZone": zone,
        "parameterGroupName": ref(parameters, "name") if parameters else None,
    }
    return builder.add("aws:rds/instance:Instance", name, merged(inputs, changes), protect=True)


def rds_proxy(builder: GraphBuilder, primary: Resource, *, max_connections_percent: int | None = 90) -> Resource:
    """An RDS Proxy in front of `primary`; None leaves maxConnectionsPercent at its default."""
    proxy = builder.add("aws:rds/proxy:Proxy", "db-proxy", {"name": "sentinel-db", "engineFamily": "POSTGRESQL"})
    pool = {"maxConnectionsPercent": max_connections_percent} if max_connections_percent is not None else None
    builder.add(
        "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup",
        "db-proxy",
        {"dbProxyName": ref(proxy, "name"), "connectionPoolConfig": pool},
    )
    builder.add(
        "aws:rds/proxyTarget:ProxyTarget",
        "db-proxy",
        {"dbProxyName": ref(proxy, "name"), "targetGroupName": "default", "dbInstanceIdentifier": ref(primary)},
    )
    return proxy


AURORA_ZONES = ("us-east-1a", "us-east-1b", "us-east-1c")


def aurora(
    builder: GraphBuilder,
    zones: tuple[str | None, ...] = AURORA_ZONES,
    *,
    instance_class: str = "db.r7g.large",
    force_ssl: str | None = "1",
    log_group: bool = True,
    **changes: Any,
) -> Resource:
    """An Aurora PostgreSQL cluster with its cluster parameter group, its postgresql log group (created first) and
    one instance per zone, the first the preferred writer."""
    parameters = builder.add(
        "aws:rds/clusterParameterGroup:ClusterParameterGroup",
        "cluster-parameters",
        {
            "name": "sentinel-database-1",
            "family": "aurora-postgresql16",
            "parameters": [] if force_ssl is None else [{"name": "rds.force_ssl", "value": force_ssl}],
        },
    )
    logs = (
        builder.add(
            "aws:cloudwatch/logGroup:LogGroup", "postgresql", {"name": "/aws/rds/cluster/sentinel-database/postgresql"}
        )
        if log_group
        else None
    )
    inputs = {
        "clusterIdentifier": "sentinel-database",
        "engine": "aurora-postgresql",
        "dbClusterParameterGroupName": ref(parameters, "name"),
        "enabledCloudwatchLogsExports": ["postgresql"],
    }
    cluster = builder.add(
        "aws:rds/cluster:Cluster", "database", merged(inputs, changes), depends_on=[logs] if logs else []
    )
    for index, zone in enumerate(zones):
        builder.add(
            "aws:rds/clusterInstance:ClusterInstance",
            f"database-{index + 1}",
            {
                "identifier": f"database-{index + 1}",
                "clusterIdentifier": ref(cluster, "clusterIdentifier"),
                "instanceClass": instance_class,
                "availabilityZone": zone,
                "promotionTier": 0 if index == 0 else 1,
            },
        )
    return cluster


def aurora_proxy(builder: GraphBuilder, cluster: Resource, *, max_connections_percent: int = 90) -> Resource:
    proxy = builder.add("aws:rds/proxy:Proxy", "proxy", {"name": "sentinel-database-proxy", "requireTls": True})
    builder.add(
        "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup",
        "proxy",
        {"dbProxyName": ref(proxy, "name"), "connectionPoolConfig": {"maxConnectionsPercent": max_connections_percent}},
    )
    builder.add(
        "aws:rds/proxyTarget:ProxyTarget",
        "proxy",
        {"dbProxyName": ref(proxy, "name"), "dbClusterIdentifier": ref(cluster, "clusterIdentifier")},
    )
    return proxy
