"""The plan tree of `python -m offline`: every resource under the component that registered it (a component within
a component as a branch of its branch), each line a resource's type and name with the few inputs a reviewer reads for
that type (`SHOWN`), protected resources marked, and how many resources each component holds, in all and per provider.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from offline.graph import Graph, Resource, is_secret

# The inputs shown for each type: label -> path into the resource's inputs (camelCase, as the engine receives them).
# A path is keys joined by dots; `[]` after a key takes every item of the list under it; a key that holds dots itself
# is written in double quotes. A type not listed shows nothing but `ALWAYS_SHOWN`. Chosen 2026-12-04 against the
# schemas of pulumi-aws 7.51, pulumi-kubernetes 4.34, pulumi-cloudflare 6.23 and pulumi-random 4.21: sizes, counts and
# scaling bounds, versions, network ranges and zones, ports and hosts, retention, and what faces the internet. Never
# a path to a credential: a value the program marked secret shows as `SECRET` wherever it is met.
SHOWN: Mapping[str, Mapping[str, str]] = {
    # Network
    "aws:ec2/vpc:Vpc": {"cidr": "cidrBlock"},
    "aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation": {"cidr": "cidrBlock"},
    "aws:ec2/subnet:Subnet": {"cidr": "cidrBlock", "zone": "availabilityZone", "publicIps": "mapPublicIpOnLaunch"},
    "aws:ec2/natGateway:NatGateway": {"connectivity": "connectivityType"},
    "aws:ec2/route:Route": {"destination": "destinationCidrBlock"},
    "aws:ec2/vpcEndpoint:VpcEndpoint": {"service": "serviceName", "type": "vpcEndpointType"},
    "aws:ec2/flowLog:FlowLog": {"traffic": "trafficType", "intervalSeconds": "maxAggregationInterval"},
    "aws:ec2/managedPrefixList:ManagedPrefixList": {"family": "addressFamily", "maxEntries": "maxEntries"},
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {
        "protocol": "ipProtocol",
        "fromPort": "fromPort",
        "toPort": "toPort",
        "cidr": "cidrIpv4",
        "cidrIpv6": "cidrIpv6",
    },
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": {
        "protocol": "ipProtocol",
        "fromPort": "fromPort",
        "toPort": "toPort",
        "cidr": "cidrIpv4",
        "cidrIpv6": "cidrIpv6",
    },
    "aws:ec2/launchTemplate:LaunchTemplate": {
        "instanceType": "instanceType",
        "volumeGiB": "blockDeviceMappings[].ebs.volumeSize",
        "imdsTokens": "metadataOptions.httpTokens",
    },
    "aws:ec2/instance:Instance": {"instanceType": "instanceType"},
    # Edge and load balancing
    "aws:acm/certificate:Certificate": {"domain": "domainName", "alternativeNames": "subjectAlternativeNames"},
    "aws:lb/loadBalancer:LoadBalancer": {
        "type": "loadBalancerType",
        "internal": "internal",
        "idleTimeout": "idleTimeout",
        "deletionProtection": "enableDeletionProtection",
    },
    "aws:lb/listener:Listener": {"port": "port", "protocol": "protocol", "sslPolicy": "sslPolicy"},
    "aws:lb/listenerRule:ListenerRule": {"priority": "priority", "hosts": "conditions[].hostHeader.values[]"},
    "aws:lb/targetGroup:TargetGroup": {"port": "port", "protocol": "protocol", "healthCheck": "healthCheck.path"},
    "cloudflare:index/dnsRecord:DnsRecord": {"host": "name", "type": "type", "proxied": "proxied"},
    "cloudflare:index/ruleset:Ruleset": {"phase": "phase", "actions": "rules[].action"},
    "cloudflare:index/zoneSetting:ZoneSetting": {"setting": "settingId", "value": "value"},
    "cloudflare:index/botManagement:BotManagement": {
        "definitelyAutomated": "sbfmDefinitelyAutomated",
        "likelyAutomated": "sbfmLikelyAutomated",
        "fightMode": "fightMode",
    },
    # Cluster
    "aws:eks/cluster:Cluster": {
        "version": "version",
        "support": "upgradePolicy.supportType",
        "publicEndpoint": "vpcConfig.endpointPublicAccess",
        "authentication": "accessConfig.authenticationMode",
    },
    "aws:eks/nodeGroup:NodeGroup": {
        "instanceTypes": "instanceTypes",
        "capacity": "capacityType",
        "ami": "amiType",
        "min": "scalingConfig.minSize",
        "desired": "scalingConfig.desiredSize",
        "max": "scalingConfig.maxSize",
    },
    "aws:eks/addon:Addon": {"addon": "addonName", "version": "addonVersion"},
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": {
        "namespace": "namespace",
        "serviceAccount": "serviceAccount",
    },
    "aws:eks/accessEntry:AccessEntry": {"principal": "principalArn", "type": "type"},
    "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": {"policy": "policyArn", "scope": "accessScope.type"},
    "kubernetes:helm.sh/v3:Release": {
        "chart": "chart",
        "version": "version",
        "namespace": "namespace",
        "image": "values.image.tag",
    },
    "kubernetes:crd.k8s.amazonaws.com/v1alpha1:ENIConfig": {"zone": "metadata.name"},
    # Apps on the cluster
    "kubernetes:core/v1:Namespace": {
        "namespace": "metadata.name",
        "podSecurity": 'metadata.labels."pod-security.kubernetes.io/enforce"',
    },
    "kubernetes:apps/v1:Deployment": {
        "replicas": "spec.replicas",
        "image": "spec.template.spec.containers[].image",
        "cpu": "spec.template.spec.containers[].resources.requests.cpu",
        "memory": "spec.template.spec.containers[].resources.requests.memory",
    },
    "kubernetes:autoscaling/v2:HorizontalPodAutoscaler": {
        "min": "spec.minReplicas",
        "max": "spec.maxReplicas",
        "targetUtilization": "spec.metrics[].resource.target.averageUtilization",
    },
    "kubernetes:core/v1:Service": {
        "type": "spec.type",
        "ports": "spec.ports[].port",
        "nodePorts": "spec.ports[].nodePort",
    },
    "kubernetes:policy/v1:PodDisruptionBudget": {
        "minAvailable": "spec.minAvailable",
        "maxUnavailable": "spec.maxUnavailable",
    },
    "kubernetes:batch/v1:CronJob": {
        "schedule": "spec.schedule",
        "image": "spec.jobTemplate.spec.template.spec.containers[].image",
    },
    "kubernetes:batch/v1:Job": {"image": "spec.template.spec.containers[].image"},
    "kubernetes:networking.k8s.io/v1:NetworkPolicy": {
        "types": "spec.policyTypes",
        "ingressPorts": "spec.ingress[].ports[].port",
        "egressPorts": "spec.egress[].ports[].port",
    },
    "kubernetes:core/v1:PersistentVolume": {"capacity": "spec.capacity.storage", "driver": "spec.csi.driver"},
    "kubernetes:core/v1:PersistentVolumeClaim": {
        "storage": "spec.resources.requests.storage",
        "access": "spec.accessModes",
    },
    # Data
    "aws:rds/cluster:Cluster": {
        "engine": "engine",
        "version": "engineVersion",
        "serverlessMin": "serverlessv2ScalingConfiguration.minCapacity",
        "serverlessMax": "serverlessv2ScalingConfiguration.maxCapacity",
        "storage": "storageType",
        "backupRetentionDays": "backupRetentionPeriod",
        "deletionProtection": "deletionProtection",
    },
    "aws:rds/clusterInstance:ClusterInstance": {
        "instanceClass": "instanceClass",
        "zone": "availabilityZone",
        "promotionTier": "promotionTier",
    },
    "aws:rds/clusterParameterGroup:ClusterParameterGroup": {"family": "family"},
    "aws:rds/parameterGroup:ParameterGroup": {"family": "family"},
    "aws:rds/proxy:Proxy": {
        "engineFamily": "engineFamily",
        "auth": "defaultAuthScheme",
        "requireTls": "requireTls",
        "idleClientTimeout": "idleClientTimeout",
    },
    "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup": {
        "maxConnectionsPercent": "connectionPoolConfig.maxConnectionsPercent",
    },
    "aws:rds/proxyEndpoint:ProxyEndpoint": {"role": "targetRole"},
    "aws:rds/eventSubscription:EventSubscription": {"source": "sourceType", "events": "eventCategories"},
    "aws:elasticache/replicationGroup:ReplicationGroup": {
        "engine": "engine",
        "version": "engineVersion",
        "nodeType": "nodeType",
        "nodes": "numCacheClusters",
        "shards": "numNodeGroups",
        "replicasPerShard": "replicasPerNodeGroup",
        "zones": "preferredCacheClusterAzs",
        "port": "port",
        "snapshotRetentionDays": "snapshotRetentionLimit",
    },
    "aws:elasticache/parameterGroup:ParameterGroup": {"family": "family"},
    "aws:elasticache/user:User": {"user": "userName", "authentication": "authenticationMode.type"},
    "aws:efs/fileSystem:FileSystem": {
        "performance": "performanceMode",
        "throughput": "throughputMode",
        "encrypted": "encrypted",
    },
    "aws:efs/accessPoint:AccessPoint": {"path": "rootDirectory.path", "uid": "posixUser.uid"},
    "aws:efs/backupPolicy:BackupPolicy": {"status": "backupPolicy.status"},
    "aws:s3/bucket:Bucket": {"bucket": "bucket", "objectLock": "objectLockEnabled"},
    "aws:s3/bucketVersioning:BucketVersioning": {"status": "versioningConfiguration.status"},
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": {
        "transitionDays": "rules[].transitions[].days",
        "transitionClasses": "rules[].transitions[].storageClass",
        "expirationDays": "rules[].expiration.days",
    },
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration": {
        "mode": "rule.defaultRetention.mode",
        "days": "rule.defaultRetention.days",
    },
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": {
        "algorithm": "rules[].applyServerSideEncryptionByDefault.sseAlgorithm",
    },
    "aws:s3/bucketLogging:BucketLogging": {"prefix": "targetPrefix"},
    "aws:ecr/repository:Repository": {
        "repository": "name",
        "tags": "imageTagMutability",
        "scanOnPush": "imageScanningConfiguration.scanOnPush",
    },
    # Backups
    "aws:backup/plan:Plan": {
        "rules": "rules[].ruleName",
        "schedules": "rules[].schedule",
        "deleteAfterDays": "rules[].lifecycle.deleteAfter",
        "copiesDeleteAfterDays": "rules[].copyActions[].lifecycle.deleteAfter",
    },
    "aws:backup/vaultLockConfiguration:VaultLockConfiguration": {
        "minRetentionDays": "minRetentionDays",
        "maxRetentionDays": "maxRetentionDays",
        "changeableForDays": "changeableForDays",
    },
    "aws:backup/restoreTestingPlan:RestoreTestingPlan": {"schedule": "scheduleExpression"},
    "aws:backup/restoreTestingSelection:RestoreTestingSelection": {"resourceType": "protectedResourceType"},
    # Observability, keys, secrets, identity, names
    "aws:cloudwatch/logGroup:LogGroup": {"logGroup": "name", "retentionDays": "retentionInDays"},
    "aws:cloudwatch/metricAlarm:MetricAlarm": {
        "metric": "metricName",
        "expression": "metricQueries[].expression",
        "statistic": "statistic",
        "percentile": "extendedStatistic",
        "comparison": "comparisonOperator",
        "threshold": "threshold",
        "periodSeconds": "period",
        "periods": "evaluationPeriods",
    },
    "aws:cloudwatch/dashboard:Dashboard": {"dashboard": "dashboardName"},
    "aws:sns/topicSubscription:TopicSubscription": {"protocol": "protocol", "endpoint": "endpoint"},
    "aws:kms/key:Key": {"rotation": "enableKeyRotation", "deletionWindowDays": "deletionWindowInDays"},
    "aws:kms/alias:Alias": {"alias": "name"},
    "aws:secretsmanager/secret:Secret": {
        "replicaRegions": "replicas[].region",
        "recoveryWindowDays": "recoveryWindowInDays",
    },
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": {"policy": "policyArn"},
    "aws:codebuild/project:Project": {
        "compute": "environment.computeType",
        "image": "environment.image",
        "timeoutMinutes": "buildTimeout",
    },
    "aws:route53/zone:Zone": {"zone": "name"},
    "aws:route53/record:Record": {"record": "name", "type": "type", "ttl": "ttl"},
    "random:index/randomPassword:RandomPassword": {"length": "length"},
}

# Shown for every type that sets it: a region of its own places a resource apart from its provider's region.
ALWAYS_SHOWN: Mapping[str, str] = {"region": "region"}

SECRET = "[secret]"
"""What a secret value shows as."""

# Pulumi's wire marker of a secret value (`pulumi.runtime.rpc`).
_EACH = object()
_PATH_STEP = re.compile(r'(?:"([^"]+)"|([^".\[\]]+))(\[\])?(?:\.|$)')


@dataclass(frozen=True)
class Counts:
    """How many custom resources a branch holds: in all, protected, and per provider (the package of their type)."""

    resources: int
    protected: int
    by_provider: Mapping[str, int]

    @staticmethod
    def of(resource: Resource) -> Counts:
        """The resource alone: one if it is custom, none if it is a component."""
        if not resource.custom:
            return Counts(resources=0, protected=0, by_provider={})
        return Counts(resources=1, protected=int(resource.options.protect), by_provider={provider_of(resource): 1})

    @staticmethod
    def total(parts: Iterable[Counts]) -> Counts:
        parts = list(parts)
        by_provider: Counter[str] = Counter()
        for part in parts:
            by_provider.update(part.by_provider)
        return Counts(
            resources=sum(part.resources for part in parts),
            protected=sum(part.protected for part in parts),
            by_provider=dict(sorted(by_provider.items())),
        )

    def as_json(self) -> dict[str, Any]:
        return {"resources": self.resources, "protected": self.protected, "providers": dict(self.by_provider)}


@dataclass(frozen=True)
class Branch:
    """One resource of the tree with what hangs under it: a component's resources and components, sorted."""

    resource: Resource
    properties: Mapping[str, Any]
    """The shown inputs, label -> value (a list where the path takes every item); empty for a component."""
    children: tuple[Branch, ...]
    counts: Counts
    """The custom resources of this branch, the resource itself included."""

    def as_json(self) -> dict[str, Any]:
        resource = self.resource
        document: dict[str, Any] = {
            "name": resource.name,
            "type": resource.type,
            "urn": resource.urn,
            "protected": resource.options.protect,
        }
        if resource.custom:
            document["properties"] = dict(self.properties)
        else:
            document["counts"] = self.counts.as_json()
        if self.children or not resource.custom:
            document |= _members_json(self.children)
        return document


@dataclass(frozen=True)
class PlanTree:
    """A stack's resources as a tree under their components, and the stack's counts."""

    stack: str
    branches: tuple[Branch, ...]
    """What the stack registered at its top: resources (its providers) first, then its components."""
    counts: Counts

    def as_json(self) -> dict[str, Any]:
        return {"stack": self.stack, "counts": self.counts.as_json()} | _members_json(self.branches)


def provider_of(resource: Resource) -> str:
    """The provider package that manages a resource: `aws` for `aws:ec2/vpc:Vpc` and `pulumi:providers:aws`."""
    package, _, rest = resource.type.partition(":")
    return rest.partition(":")[2] if resource.is_provider else package


def plan_tree(graph: Graph) -> PlanTree:
    """The graph as a tree: each resource under its parent (a parent the graph lacks counts as the stack)."""
    children: dict[str | None, list[Resource]] = defaultdict(list)
    for resource in graph:
        children[resource.parent if resource.parent in graph.resources else None].append(resource)

    def branch(resource: Resource) -> Branch:
        below = _branches(children.get(resource.urn, []), branch)
        return Branch(
            resource=resource,
            properties=shown_properties(resource) if resource.custom else {},
            children=below,
            counts=Counts.total([Counts.of(resource), *(child.counts for child in below)]),
        )

    branches = _branches(children.get(None, []), branch)
    return PlanTree(graph.stack, branches, Counts.total(child.counts for child in branches))


def _branches(resources: list[Resource], branch: Callable[[Resource], Branch]) -> tuple[Branch, ...]:
    """Resources before components; resources by type then name, components by name then type."""
    ordered = sorted(resources, key=lambda r: (0, r.type, r.name) if r.custom else (1, r.name, r.type))
    return tuple(branch(resource) for resource in ordered)


def shown_properties(resource: Resource) -> dict[str, Any]:
    """The inputs `SHOWN` lists for the resource's type (and `ALWAYS_SHOWN`) that it sets, label -> value."""
    shown: dict[str, Any] = {}
    for label, path in {**SHOWN.get(resource.type, {}), **ALWAYS_SHOWN}.items():
        steps = _steps(path)
        found = [_plain(value) for value in _values_at(resource.inputs, steps) if value is not None]
        if _EACH in steps:
            if found:
                shown[label] = found
        elif found:
            shown[label] = found[0]
    return shown


@cache
def _steps(path: str) -> tuple[Any, ...]:
    steps: list[Any] = []
    position = 0
    while position < len(path):
        match = _PATH_STEP.match(path, position)
        if match is None:
            raise ValueError(f"cannot read the input path {path!r} at {path[position:]!r}")
        quoted, plain, each = match.groups()
        steps.append(quoted or plain)
        if each:
            steps.append(_EACH)
        position = match.end()
    return tuple(steps)


def _values_at(value: Any, steps: tuple[Any, ...]) -> Iterator[Any]:
    if is_secret(value):
        yield SECRET
    elif not steps:
        yield value
    elif steps[0] is _EACH:
        if isinstance(value, list):
            for item in value:
                yield from _values_at(item, steps[1:])
    elif isinstance(value, Mapping) and steps[0] in value:
        yield from _values_at(value[steps[0]], steps[1:])


def _plain(value: Any) -> Any:
    """The value for reading: a whole float as an int (the wire carries every number as a float), secrets hidden."""
    if is_secret(value):
        return SECRET
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _members_json(branches: Iterable[Branch]) -> dict[str, list[dict[str, Any]]]:
    branches = list(branches)
    return {
        "resources": [branch.as_json() for branch in branches if branch.resource.custom],
        "components": [branch.as_json() for branch in branches if not branch.resource.custom],
    }


def _counted(counts: Counts) -> str:
    """'39 resources, 4 protected (aws 34, kubernetes 5)'."""
    text = f"{counts.resources} resource{'' if counts.resources == 1 else 's'}"
    if counts.protected:
        text += f", {counts.protected} protected"
    if counts.by_provider:
        text += " (" + ", ".join(f"{provider} {count}" for provider, count in counts.by_provider.items()) + ")"
    return text


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(_text(item) for item in value)
    if isinstance(value, Mapping):
        return json.dumps(value, separators=(",", ":"), sort_keys=True)
    text = str(value)
    # Quoted only where the bare text would blur into the next property.
    return json.dumps(text) if not text or re.search(r"[\s,=\"]", text) else text


def _line(branch: Branch) -> str:
    resource = branch.resource
    mark = " [protected]" if resource.options.protect else ""
    if not resource.custom:
        return f"{resource.name} ({resource.type}){mark}: {_counted(branch.counts)}"
    shown = "".join(f"  {label}={_text(value)}" for label, value in branch.properties.items())
    return f"{resource.type} {resource.name}{mark}{shown}"


def _tree_lines(branches: tuple[Branch, ...], indent: str) -> Iterator[str]:
    for position, branch in enumerate(branches):
        last = position == len(branches) - 1
        yield indent + ("└── " if last else "├── ") + _line(branch)
        yield from _tree_lines(branch.children, indent + ("    " if last else "│   "))


def render(tree: PlanTree) -> str:
    """The tree for a terminal: a heading with the stack's counts, then one line per resource."""
    heading = f"Offline preview of stack {tree.stack!r}: {_counted(tree.counts)}"
    return "\n".join([heading, *_tree_lines(tree.branches, "")])
