"""Builders for the policy tests: small graphs of resources that pass every policy unless a test changes the
one thing the policy exists for. Graphs go through `offline.policy.evaluate`, so each rule meets its inputs
the way CrossGuard sends them (numbers as floats, unknowns behind the engine's proxy)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from pulumi_policy import Policy

from offline.graph import Graph, Resource, ResourceOptions
from offline.policy import Violation, evaluate
from offline.sdk_internals import UNKNOWN_STRING_VALUE

UNKNOWN = UNKNOWN_STRING_VALUE
"""How the engine sends a value that is not known during a preview."""

STACK = "test"
REQUIRED_TAGS = {
    "Project": "sentinel",
    "Environment": "test",
    "Stack": "test",
    "Owner": "platform-team",
    "CostCenter": "sentinel-test",
    "ManagedBy": "pulumi",
}


@dataclass(frozen=True)
class Ref:
    """An input computed from another resource's output (its id by default), as an Output would be: the
    builder writes the output's value (or UNKNOWN, as in a preview before the target exists) and records
    the property dependency."""

    target: Resource
    output: str
    known: bool


def ref(target: Resource, output: str = "id", *, known: bool = True) -> Ref:
    return Ref(target, output, known)


def _resolve(value: Any, found: set[str]) -> Any:
    if isinstance(value, Ref):
        found.add(value.target.urn)
        if not value.known:
            return UNKNOWN
        return value.target.id if value.output == "id" else value.target.outputs[value.output]
    if isinstance(value, Mapping):
        return {key: _resolve(item, found) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_resolve(item, found) for item in value]
    return value


class GraphBuilder:
    """Registers resources like the offline engine records them; `build()` returns the `Graph`."""

    def __init__(self) -> None:
        self.prefix = ""
        """Put before every name, so that one builder can hold several copies of the same resources."""
        self.aws_provider: Resource | None = None
        """The provider of `aws:` resources added without one (like a component's providers option)."""
        self._resources: dict[str, Resource] = {}

    def add(
        self,
        type_: str,
        name: str,
        inputs: Mapping[str, Any] | None = None,
        *,
        provider: Resource | None = None,
        parent: Resource | None = None,
        protect: bool = False,
        depends_on: Sequence[Resource] = (),
    ) -> Resource:
        resolved: dict[str, Any] = {}
        property_dependencies: dict[str, frozenset[str]] = {}
        for key, value in (inputs or {}).items():
            if value is None:  # the engine sends no value for an unset input
                continue
            found: set[str] = set()
            resolved[key] = _resolve(value, found)
            property_dependencies[key] = frozenset(found)
        name = f"{self.prefix}{name}"
        if provider is None and type_.startswith("aws:"):
            provider = self.aws_provider
        urn = f"urn:pulumi:{STACK}::sentinel::{type_}::{name}"
        resource = Resource(
            urn=urn,
            type=type_,
            name=name,
            custom=not type_.startswith("sentinel:components:"),
            id=f"{name}-id",
            inputs=resolved,
            outputs=resolved,
            parent=parent.urn if parent else None,
            dependencies=frozenset(other.urn for other in depends_on).union(*property_dependencies.values()),
            property_dependencies=property_dependencies,
            provider=provider.urn if provider else None,
            options=ResourceOptions(protect=protect),
        )
        self._resources[urn] = resource
        return resource

    def __len__(self) -> int:
        return len(self._resources)

    def build(self) -> Graph:
        return Graph(STACK, self._resources, {})


def violations(policy: Policy, graph: Graph, config: Mapping[str, Any] | None = None) -> list[Violation]:
    """What `policy` reports on `graph`, under an optional config entry of the policy."""
    return evaluate(graph, {policy.name: dict(config)} if config else None, policies=[policy])


def messages(policy: Policy, graph: Graph, config: Mapping[str, Any] | None = None) -> list[str]:
    return [violation.message for violation in violations(policy, graph, config)]


def single(type_: str, inputs: Mapping[str, Any], *, protect: bool = False) -> Graph:
    """A graph of one resource."""
    builder = GraphBuilder()
    builder.add(type_, "subject", inputs, protect=protect)
    return builder.build()


PropertyRuleTest = Callable[[Policy, str, dict[str, Any], dict[str, Any], str], None]


def property_rule_tests(cases: Sequence[Any]) -> tuple[PropertyRuleTest, PropertyRuleTest]:
    """The two tests of a table of single-property rules, each case `(policy, type_, compliant inputs, change
    that breaks the property, start of the expected message)`: the compliant resource passes, and the changed
    one fails with exactly that message. A test module binds them to `test_*` names for pytest to collect."""
    parameters = pytest.mark.parametrize(("policy", "type_", "compliant", "change", "expected"), cases)

    @parameters
    def passes_compliant_resource(
        policy: Policy, type_: str, compliant: dict[str, Any], change: dict[str, Any], expected: str
    ) -> None:
        assert messages(policy, single(type_, compliant)) == []

    @parameters
    def reports_the_broken_property(
        policy: Policy, type_: str, compliant: dict[str, Any], change: dict[str, Any], expected: str
    ) -> None:
        found = messages(policy, single(type_, merged(compliant, change)))
        assert len(found) == 1
        assert found[0].startswith(expected)

    return passes_compliant_resource, reports_the_broken_property


def merged(base: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """`base` with `changes` applied; nested mappings merge, and a None value removes the key."""
    result = dict(base)
    for key, value in changes.items():
        if value is None:
            result.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(result.get(key), Mapping):
            result[key] = merged(result[key], value)
        else:
            result[key] = value
    return result


# --- Kubernetes ----------------------------------------------------------------------------------------------


def container(name: str = "web", **changes: Any) -> dict[str, Any]:
    """A container that passes every hygiene rule; `changes` are merged into it (None removes a key)."""
    compliant = {
        "name": name,
        "image": f"123456789012.dkr.ecr.us-east-1.amazonaws.com/{name}:1.4.2",
        "resources": {"requests": {"cpu": "250m", "memory": "512Mi"}, "limits": {"cpu": "1", "memory": "1Gi"}},
        "readinessProbe": {"httpGet": {"path": "/health", "port": 3000}},
        "livenessProbe": {"httpGet": {"path": "/health", "port": 3000}},
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
        },
    }
    return merged(compliant, changes)


def pod_template(app: str, containers: Sequence[Mapping[str, Any]], **spec: Any) -> dict[str, Any]:
    return {
        "metadata": {"labels": {"app": app}},
        "spec": {"securityContext": {"runAsNonRoot": True}, "containers": list(containers), **spec},
    }


def deployment(
    builder: GraphBuilder,
    app: str,
    containers: Sequence[Mapping[str, Any]] | None = None,
    *,
    namespace: str = "apps",
    **spec: Any,
) -> Resource:
    """A Deployment of `app` (compliant containers by default); `spec` adds fields such as replicas."""
    return builder.add(
        "kubernetes:apps/v1:Deployment",
        app,
        {
            "metadata": {"name": app, "namespace": namespace},
            "spec": {
                "selector": {"matchLabels": {"app": app}},
                "template": pod_template(app, containers or [container(app)]),
                **spec,
            },
        },
    )


def hpa(builder: GraphBuilder, target: Resource, *, min_replicas: int = 3, max_replicas: int = 20) -> Resource:
    return builder.add(
        "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
        f"{target.name}-hpa",
        {
            "metadata": {"namespace": target.inputs["metadata"]["namespace"]},
            "spec": {
                "scaleTargetRef": {
                    "apiVersion": "apps/v1",
                    "kind": "Deployment",
                    "name": target.inputs["metadata"]["name"],
                },
                "minReplicas": min_replicas,
                "maxReplicas": max_replicas,
            },
        },
    )


def pdb(builder: GraphBuilder, app: str, *, namespace: str = "apps") -> Resource:
    return builder.add(
        "kubernetes:policy/v1:PodDisruptionBudget",
        f"{app}-pdb",
        {
            "metadata": {"namespace": namespace},
            "spec": {"maxUnavailable": 1, "selector": {"matchLabels": {"app": app}}},
        },
    )


def config_map(builder: GraphBuilder, name: str, data: Mapping[str, str], *, namespace: str = "apps") -> Resource:
    return builder.add(
        "kubernetes:core/v1:ConfigMap", name, {"metadata": {"name": name, "namespace": namespace}, "data": dict(data)}
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


# --- AWS ---------------------------------------------------------------------------------------------------


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


def aws_provider(builder: GraphBuilder, tags: Mapping[str, str] = REQUIRED_TAGS) -> Resource:
    """The explicit AWS provider; like the engine, it receives its nested settings as JSON text."""
    return builder.add(
        "pulumi:providers:aws",
        "aws",
        {"region": "us-east-1", "defaultTags": json.dumps({"tags": dict(tags)})},
    )


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


def cloudflare_zone(
    builder: GraphBuilder, zone_id: str = "zone-1", *, settings: Mapping[str, Any] | None = None
) -> list[Resource]:
    """The ZoneSettings, WAF and rate-limiting rulesets and a record of a compliant zone; `settings` replaces
    setting values by id (None leaves a setting out)."""
    values: dict[str, Any] = {
        "ssl": "strict",
        "min_tls_version": "1.2",
        "tls_1_3": "on",
        "always_use_https": "on",
        "security_header": {
            "strictTransportSecurity": {"enabled": True, "maxAge": 31536000, "includeSubdomains": True, "nosniff": True}
        },
        **(settings or {}),
    }
    resources = [
        builder.add(
            "cloudflare:index/zoneSetting:ZoneSetting",
            f"{zone_id}-{setting_id}",
            {"zoneId": zone_id, "settingId": setting_id, "value": value},
        )
        for setting_id, value in values.items()
        if value is not None
    ]
    resources.append(
        builder.add(
            "cloudflare:index/dnsRecord:DnsRecord",
            f"{zone_id}-app",
            {"zoneId": zone_id, "name": "app", "type": "CNAME", "content": "alb.example.com", "proxied": True},
        )
    )
    return resources


def ruleset(builder: GraphBuilder, phase: str, rules: Sequence[Mapping[str, Any]], zone_id: str = "zone-1") -> Resource:
    return builder.add(
        "cloudflare:index/ruleset:Ruleset",
        f"{zone_id}-{phase}",
        {"zoneId": zone_id, "kind": "zone", "name": phase, "phase": phase, "rules": list(rules)},
    )


MANAGED_WAF_RULE = {
    "action": "execute",
    "expression": "true",
    "actionParameters": {
        "id": "4814384a9e5d4991b9815dcfc25d2f1f",
        "overrides": {"rules": [{"id": "6179ae15870a4bb7b2d480d4843b323c", "action": "block", "scoreThreshold": 40}]},
    },
}
RATE_LIMIT_RULE = {
    "action": "block",
    "expression": "true",
    "ratelimit": {"characteristics": ["ip.src", "cf.colo.id"], "period": 60, "requestsPerPeriod": 100},
}


# --- Data tier ---------------------------------------------------------------------------------------------

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
