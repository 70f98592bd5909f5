"""The architecture diagram of a stack: a Mermaid flowchart drawn from its offline graph, in tiers (edge, public,
private, data, backup and DR), each tier's nodes boxed by the component they belong to, and the paths data takes
between them.

What is drawn, and in which tier, follows from each resource's type (`KINDS`); what a node says (instance classes,
counts, scaling bounds, hosts) from its inputs; and the arrows from the graph:

- a resource's inputs: a consumer points at what it takes an address or a name from (an ALB at the bucket of its
  access logs, a backup plan at its vaults), through the Kubernetes objects a pod reads its connections from
  (`CONDUITS`: the apps reach the proxy, the cache and the buckets through their ConfigMap, the file system through
  their volume);
- the joins AWS and Kubernetes make by value: an ALB forwards to the pods whose Service's node port its target
  group's port is, RDS Proxy sends read/write traffic to the writer and its read-only endpoint to the readers, a
  backup selection copies what it names into its plan's vaults;
- a resource in another region than its provider's, or a replica a resource keeps in one, sits in that region's
  box of the backup and DR tier.

A stack without readers or a DR region draws neither: nothing here is written for one stack.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from offline.graph import Graph, Resource

TIERS = {
    "edge": "Edge",
    "public": "Public",
    "private": "Private: apps and operators",
    "data": "Data",
    "backup": "Backup and DR",
}

DNS_RECORD = "cloudflare:index/dnsRecord:DnsRecord"
DB_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
PROXY_TARGET = "aws:rds/proxyTarget:ProxyTarget"
PROXY_ENDPOINT = "aws:rds/proxyEndpoint:ProxyEndpoint"
BACKUP_SELECTION = "aws:backup/selection:Selection"
SECRET = "aws:secretsmanager/secret:Secret"
LISTENER = "aws:lb/listener:Listener"
LISTENER_RULE = "aws:lb/listenerRule:ListenerRule"
TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"
SERVICE = "kubernetes:core/v1:Service"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"
AUTOSCALER = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler"

# Inputs whose arrows a join below draws the way AWS routes them, rather than towards the resource they name: a
# read-only proxy endpoint leads to the readers, not to its proxy; a secret's replica is a node of its own, not the
# vault whose key it is encrypted with.
JOINED_INPUTS = {PROXY_ENDPOINT: frozenset({"dbProxyName"}), SECRET: frozenset({"replicas"})}

# What a pod reads its connections and credentials from: a pod that takes one of these takes what it names.
CONDUITS = frozenset(
    {
        "kubernetes:core/v1:ConfigMap",
        "kubernetes:core/v1:Secret",
        "kubernetes:core/v1:PersistentVolumeClaim",
        "kubernetes:core/v1:PersistentVolume",
        "kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass",
        "aws:secretsmanager/secretVersion:SecretVersion",
    }
)


@dataclass(frozen=True)
class Kind:
    """What a drawn resource is: its tier, the first line of its node, and how its resources make nodes."""

    tier: str
    title: str
    grouped: bool = False
    """One node for all of a component's resources of this kind, rather than one per resource."""
    store: bool = False
    """Holds data: drawn as a cylinder."""
    unit: str = ""
    """What a grouped node counts its resources as ("3 gateways"); nothing for a node that does not count them."""
    details: Callable[[Node], list[str]] | None = None
    """What its node says under its title and count."""


@dataclass
class Node:
    """A box of the diagram: the resources drawn as one."""

    id: str
    identity: tuple[str, str, str, str]
    """Its kind, component URN, own name (the component's for a grouped kind) and region apart: what makes it one."""
    kind: str
    tier: str
    region: str | None
    """The region, when it is not the region of the resources' provider (a DR region)."""
    component: Resource
    graph: Graph
    """The graph its members come from, which its details may look further into."""
    members: list[Resource] = field(default_factory=list)


@dataclass(frozen=True)
class Edge:
    """An arrow, from where a request or a copy starts to where it goes."""

    source: str
    target: str
    label: str = ""
    """Plain text; the edges between the same two nodes are drawn as one arrow with their labels on lines."""


# What each kind of node says under its title, from its members' inputs.
def _cloudflare(node: Node) -> list[str]:
    hosts = sorted(r.inputs.get("name", r.name) for r in node.members if r.type == DNS_RECORD)
    others = [r for r in node.members if r.type != DNS_RECORD]
    return [f"{len(hosts)} proxied hosts", *hosts, _type_counts(others)]


def _load_balancer(node: Node) -> list[str]:
    [balancer] = node.members
    ports = sorted(
        (int(listener.inputs.get("port", 0)), listener.inputs.get("protocol", ""))
        for listener in node.graph.of_type(LISTENER)
        if balancer.urn in listener.property_dependencies.get("loadBalancerArn", ())
    )
    scheme = "internal" if balancer.inputs.get("internal") else "internet-facing"
    return [scheme, *(f"{protocol} :{port}" for port, protocol in ports)]


def _node_group(node: Node) -> list[str]:
    [group] = node.members
    scaling = group.inputs.get("scalingConfig", {})
    return [
        _range(scaling.get("minSize"), scaling.get("maxSize"), "nodes"),
        ", ".join(group.inputs.get("instanceTypes", [])),
    ]


def _apps(node: Node) -> list[str]:
    """The apps by namespace, each with its pods: its autoscaler's bounds, or its Deployment's replicas."""
    bounds = {
        (hpa.inputs.get("metadata", {}).get("namespace"), spec.get("scaleTargetRef", {}).get("name")): _range(
            spec.get("minReplicas", 1), spec.get("maxReplicas"), "pods"
        )
        for hpa in node.graph.of_type(AUTOSCALER)
        if (spec := hpa.inputs.get("spec", {}))
    }
    pods: dict[str, list[str]] = defaultdict(list)
    for deployment in node.members:
        namespace, name = (deployment.inputs.get("metadata", {}).get(key) for key in ("namespace", "name"))
        replicas = deployment.inputs.get("spec", {}).get("replicas", 1)
        pods[f"namespace {namespace}"].append(f"{name}: {bounds.get((namespace, name), _count(replicas, 'pods'))}")
    return [line for namespace in sorted(pods) for line in (namespace, *sorted(pods[namespace]))]


def _cron_job(node: Node) -> list[str]:
    [job] = node.members
    return [job.inputs.get("metadata", {}).get("name", job.name), job.inputs.get("spec", {}).get("schedule", "")]


def _named(node: Node) -> list[str]:
    return [member.name for member in node.members]


def _aurora(node: Node) -> list[str]:
    clusters = [
        node.graph[urn]
        for urn in sorted(
            {urn for member in node.members for urn in member.property_dependencies.get("clusterIdentifier", ())}
        )
    ]
    engines = [f"{cluster.inputs.get('engine')} {cluster.inputs.get('engineVersion')}" for cluster in clusters]
    capacity = [
        _range(scaling["minCapacity"], scaling["maxCapacity"], "ACU")
        for cluster in clusters
        if (scaling := cluster.inputs.get("serverlessv2ScalingConfiguration"))
    ]
    classes = sorted({member.inputs.get("instanceClass", "") for member in node.members})
    zones = sorted(member.inputs.get("availabilityZone", "") for member in node.members)
    return [*engines, ", ".join(classes), *capacity, ", ".join(zones)]


def _cache(node: Node) -> list[str]:
    [group] = node.members
    replicas = int(group.inputs.get("numCacheClusters", 1)) - 1
    engine = f"{group.inputs.get('engine', '')} {group.inputs.get('engineVersion', '')}"
    return [
        engine,
        f"{group.inputs.get('nodeType')}: primary" + (f" + {_count(replicas, 'replicas')}" if replicas else ""),
    ]


def _file_system(node: Node) -> list[str]:
    [file_system] = node.members
    return [f"{file_system.inputs.get('throughputMode', 'bursting')} throughput"]


def _backup_plan(node: Node) -> list[str]:
    [plan] = node.members
    return ["rules: " + ", ".join(rule.get("ruleName", "") for rule in plan.inputs.get("rules", []))]


KINDS = {
    "cloudflare": Kind("edge", "Cloudflare", grouped=True, details=_cloudflare),
    "load balancer": Kind("public", "Application Load Balancer", details=_load_balancer),
    "nat": Kind("public", "NAT gateways", grouped=True, unit="gateways"),
    "nodes": Kind("private", "EKS managed nodes", details=_node_group),
    "apps": Kind("private", "Apps on EKS", grouped=True, details=_apps),
    "cron job": Kind("private", "CronJob on EKS", details=_cron_job),
    "instance": Kind("private", "EC2 instance", details=_named),
    "build": Kind("private", "CodeBuild project", details=_named),
    "proxy": Kind("data", "RDS Proxy", details=_named),
    "proxy endpoint": Kind("data", "RDS Proxy endpoint", details=_named),
    "writer": Kind("data", "Aurora writer", store=True, details=_aurora),
    "readers": Kind("data", "Aurora readers", grouped=True, store=True, unit="instances", details=_aurora),
    "cache": Kind("data", "ElastiCache", store=True, details=_cache),
    "bucket": Kind("data", "S3 bucket", store=True, details=_named),
    "file system": Kind("data", "EFS file system", store=True, details=_file_system),
    "secrets": Kind("data", "Secrets Manager", grouped=True, store=True, unit="secrets"),
    "backup plan": Kind("backup", "AWS Backup plan", details=_backup_plan),
    "vault": Kind("backup", "Backup vault", store=True, details=_named),
    "replicas": Kind("backup", "Secrets Manager replicas", grouped=True, store=True, unit="secrets"),
}


# The types drawn whatever their inputs; DNS records and Aurora instances are sorted by `_kind_of`.
TYPE_KINDS = {
    "cloudflare:index/ruleset:Ruleset": "cloudflare",
    "cloudflare:index/zoneSetting:ZoneSetting": "cloudflare",
    "cloudflare:index/botManagement:BotManagement": "cloudflare",
    "aws:lb/loadBalancer:LoadBalancer": "load balancer",
    "aws:ec2/natGateway:NatGateway": "nat",
    "aws:eks/nodeGroup:NodeGroup": "nodes",
    DEPLOYMENT: "apps",
    "kubernetes:batch/v1:CronJob": "cron job",
    "aws:ec2/instance:Instance": "instance",
    "aws:codebuild/project:Project": "build",
    "aws:rds/proxy:Proxy": "proxy",
    PROXY_ENDPOINT: "proxy endpoint",
    "aws:elasticache/replicationGroup:ReplicationGroup": "cache",
    "aws:s3/bucket:Bucket": "bucket",
    "aws:efs/fileSystem:FileSystem": "file system",
    SECRET: "secrets",
    "aws:backup/plan:Plan": "backup plan",
    "aws:backup/vault:Vault": "vault",
}


def diagram(graph: Graph) -> str:
    """The stack's architecture as a Mermaid flowchart (the text inside a ```mermaid block)."""
    writers = _aurora_writers(graph)
    nodes: dict[str, Node] = {}
    node_of: dict[str, str] = {}
    for resource in graph:
        kind = _kind_of(resource, writers)
        if kind is not None:
            node = _node_for(graph, resource, kind, _region_apart(graph, resource), nodes)
            node_of[resource.urn] = node.id
    edges = [
        *_place_replicas(graph, nodes, node_of),
        *_input_edges(graph, node_of),
        *_load_balancer_routes(graph, node_of),
        *_proxy_routes(graph, node_of, writers, nodes),
        *_backup_selections(graph, node_of, writers),
    ]
    return "\n".join(["flowchart LR", *_tier_boxes(nodes.values()), *_edge_lines(edges)]) + "\n"


def _kind_of(resource: Resource, writers: dict[str, str]) -> str | None:
    if resource.type == DNS_RECORD:
        # Only a proxied record sends the app's traffic through Cloudflare; the others are plain DNS (validation).
        return "cloudflare" if resource.inputs.get("proxied") else None
    if resource.type == DB_INSTANCE:
        return "writer" if resource.urn in writers.values() else "readers"
    return TYPE_KINDS.get(resource.type)


def _aurora_writers(graph: Graph) -> dict[str, str]:
    """Each Aurora cluster's writer: its instance of the lowest promotion tier (the first by name among equals),
    the one Aurora keeps or makes the writer; every other instance of the cluster is a reader."""
    instances: dict[str, list[Resource]] = defaultdict(list)
    for instance in graph.of_type(DB_INSTANCE):
        for cluster in instance.property_dependencies.get("clusterIdentifier", ()):
            instances[cluster].append(instance)
    return {
        cluster: min(members, key=lambda r: (r.inputs.get("promotionTier", 1), r.name)).urn
        for cluster, members in instances.items()
    }


def _region_apart(graph: Graph, resource: Resource) -> str | None:
    """The resource's region when it differs from its provider's: the program placed it in another region."""
    region = resource.inputs.get("region")
    return region if region and region != _provider_region(graph, resource) else None


def _provider_region(graph: Graph, resource: Resource) -> str | None:
    provider = graph.resources.get(resource.provider or "")
    return provider.inputs.get("region") if provider else None


def _node_for(graph: Graph, resource: Resource, kind: str, region: str | None, nodes: dict[str, Node]) -> Node:
    """The node `resource` is drawn in, added to `nodes` (by id) if it is the first of its node."""
    component = graph.top_level_ancestor(resource)
    own = component.name if KINDS[kind].grouped else resource.name
    identity = (kind, component.urn, own, region or "")
    node_id, suffix = _identifier(kind, own, region or ""), 1
    # Two components may name their resources alike: each node keeps an id of its own.
    while node_id in nodes and nodes[node_id].identity != identity:
        suffix += 1
        node_id = _identifier(kind, own, region or "", str(suffix))
    if node_id not in nodes:
        tier = "backup" if region else KINDS[kind].tier
        nodes[node_id] = Node(node_id, identity, kind, tier, region, component, graph)
    nodes[node_id].members.append(resource)
    return nodes[node_id]


def _identifier(*parts: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", "_".join(part for part in parts if part)).strip("_")


def _dependencies(resource: Resource, ignoring: frozenset[str] = frozenset()) -> set[str]:
    """What the resource's inputs (but those `ignoring`) came from: the dependencies that carry a value, not an
    ordering."""
    return set().union(*(urns for name, urns in resource.property_dependencies.items() if name not in ignoring))


def _reached(graph: Graph, resource: Resource) -> set[str]:
    """The URNs the resource takes inputs from, through the conduits it takes."""
    reached: set[str] = set()
    frontier = _dependencies(resource, JOINED_INPUTS.get(resource.type, frozenset()))
    while frontier:
        reached |= frontier
        conduits = [graph[urn] for urn in frontier if urn in graph.resources and graph[urn].type in CONDUITS]
        frontier = set().union(*(_dependencies(conduit) for conduit in conduits)) - reached
    return reached


def _input_edges(graph: Graph, node_of: dict[str, str]) -> Iterator[Edge]:
    for urn, source in node_of.items():
        for reached in _reached(graph, graph[urn]):
            target = node_of.get(reached)
            if target is not None and target != source:
                yield Edge(source, target)


def _load_balancer_routes(graph: Graph, node_of: dict[str, str]) -> Iterator[Edge]:
    """ALB -> pods: a listener (or its rule) forwards to a target group, whose port is the node port of a Service,
    which selects the pods of a Deployment; the label is the host the rule matches."""
    listeners = {listener.urn: listener for listener in graph.of_type(LISTENER)}
    services = {
        int(port["nodePort"]): service
        for service in graph.of_type(SERVICE)
        for port in service.inputs.get("spec", {}).get("ports", [])
        if "nodePort" in port
    }
    for forwarder in [*listeners.values(), *graph.of_type(LISTENER_RULE)]:
        listener = next((listeners[urn] for urn in _dependencies(forwarder) if urn in listeners), forwarder)
        balancers = [
            node_of[urn] for urn in listener.property_dependencies.get("loadBalancerArn", ()) if urn in node_of
        ]
        groups = [
            graph[urn] for urn in _dependencies(forwarder) & graph.resources.keys() if graph[urn].type == TARGET_GROUP
        ]
        hosts = "\n".join(sorted(_hosts(forwarder)))
        for group in groups:
            service = services.get(int(group.inputs.get("port", 0)))
            for deployment in _selected(graph, service) if service else ():
                if deployment.urn in node_of:
                    yield from (Edge(balancer, node_of[deployment.urn], hosts) for balancer in balancers)


def _hosts(rule: Resource) -> Iterator[str]:
    for condition in rule.inputs.get("conditions", []):
        yield from condition.get("hostHeader", {}).get("values", [])


def _selected(graph: Graph, service: Resource) -> Iterator[Resource]:
    """The Deployments in the Service's namespace whose pods carry every label the Service selects."""
    namespace = service.inputs.get("metadata", {}).get("namespace")
    selector = service.inputs.get("spec", {}).get("selector", {}).items()
    for deployment in graph.of_type(DEPLOYMENT):
        pod_labels = deployment.inputs.get("spec", {}).get("template", {}).get("metadata", {}).get("labels", {})
        if deployment.inputs.get("metadata", {}).get("namespace") == namespace and selector <= pod_labels.items():
            yield deployment


def _proxy_routes(
    graph: Graph, node_of: dict[str, str], writers: dict[str, str], nodes: dict[str, Node]
) -> Iterator[Edge]:
    """RDS Proxy -> Aurora: the proxy's own endpoint reads and writes on the writer, a read-only endpoint reads on
    the readers (the writer when there are none).
    https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy-endpoints.html"""
    readers = {
        cluster: node.id
        for node in nodes.values()
        if node.kind == "readers"
        for member in node.members
        for cluster in member.property_dependencies.get("clusterIdentifier", ())
    }
    for target in graph.of_type(PROXY_TARGET):
        for proxy in target.property_dependencies.get("dbProxyName", ()):
            for cluster in target.property_dependencies.get("dbClusterIdentifier", ()):
                writer = node_of[writers[cluster]]
                yield Edge(node_of[proxy], writer, "read/write")
                for endpoint in graph.of_type(PROXY_ENDPOINT):
                    if proxy in endpoint.property_dependencies.get("dbProxyName", ()):
                        read_only = endpoint.inputs.get("targetRole") == "READ_ONLY"
                        reached = readers.get(cluster, writer) if read_only else writer
                        yield Edge(node_of[endpoint.urn], reached, "read only" if read_only else "read/write")


def _backup_selections(graph: Graph, node_of: dict[str, str], writers: dict[str, str]) -> Iterator[Edge]:
    """What a backup selection names -> its plan; an Aurora cluster is drawn as its writer."""
    for selection in graph.of_type(BACKUP_SELECTION):
        for plan in selection.property_dependencies.get("planId", ()):
            for urn in selection.property_dependencies.get("resources", ()):
                source = node_of.get(writers.get(urn, urn))
                if source is not None and plan in node_of:
                    yield Edge(source, node_of[plan], "backup")


def _place_replicas(graph: Graph, nodes: dict[str, Node], node_of: dict[str, str]) -> list[Edge]:
    """Adds a node for the replicas that secrets keep in another region, in that region's box, and returns the
    arrows from the secrets to them."""
    edges = []
    for secret in graph.of_type(SECRET):
        home = _region_apart(graph, secret) or _provider_region(graph, secret)
        regions = {replica.get("region") for replica in secret.inputs.get("replicas", [])} - {home, None}
        for region in sorted(regions):
            replica = _node_for(graph, secret, "replicas", region, nodes)
            edges.append(Edge(node_of[secret.urn], replica.id, "replica"))
    return edges


def _type_counts(resources: Iterable[Resource]) -> str:
    """How many resources of each type there are: 'bot management: 1, ruleset: 5'."""
    counts: dict[str, int] = defaultdict(int)
    for resource in resources:
        counts[re.sub(r"(?<!^)(?=[A-Z])", " ", resource.type.rsplit(":", 1)[-1]).lower()] += 1
    return ", ".join(f"{name}: {count}" for name, count in sorted(counts.items()))


def _count(value: Any, what: str) -> str:
    """'3 pods', '1 pod': `what` is plural."""
    return f"{_number(value)} {what.removesuffix('s') if value == 1 else what}"


def _range(low: Any, high: Any, what: str) -> str:
    return f"{_number(low)} to {_number(high)} {what}"


def _number(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _tier_boxes(nodes: Iterable[Node]) -> Iterator[str]:
    """Tier -> (region apart) -> component -> node, every level sorted."""
    boxes: dict[str, dict[str | None, dict[str, list[Node]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list))
    )
    for node in nodes:
        boxes[node.tier][node.region][node.component.name].append(node)
    for tier, title in TIERS.items():
        if tier not in boxes:
            continue
        yield f'  subgraph {tier}["{title}"]'
        for region in sorted(boxes[tier], key=lambda region: region or ""):
            indent = "    "
            if region:
                yield f'    subgraph {_identifier(tier, region)}["DR region {region}"]'
                indent = "      "
            for component, members in sorted(boxes[tier][region].items()):
                yield f'{indent}subgraph {_identifier(tier, region or "", component)}["{_escape(component)}"]'
                yield from (f"{indent}  {_node_line(node)}" for node in sorted(members, key=lambda n: n.id))
                yield f"{indent}end"
            if region:
                yield "    end"
        yield "  end"


def _node_line(node: Node) -> str:
    kind = KINDS[node.kind]
    count = [_count(len(node.members), kind.unit)] if kind.unit else []
    details = kind.details(node) if kind.details else []
    lines = [kind.title, *count, *(line for line in details if line)]
    text = "<br/>".join(_escape(line) for line in lines)
    return f'{node.id}[("{text}")]' if kind.store else f'{node.id}["{text}"]'


def _edge_lines(edges: Iterable[Edge]) -> Iterator[str]:
    labels: dict[tuple[str, str], set[str]] = defaultdict(set)
    for edge in edges:
        labels[edge.source, edge.target].update(edge.label.splitlines())
    for (source, target), lines in sorted(labels.items()):
        text = "<br/>".join(_escape(line) for line in sorted(lines))
        arrow = f'-->|"{text}"|' if text else "-->"
        yield f"  {source} {arrow} {target}"


def _escape(text: str) -> str:
    """Text safe inside a quoted Mermaid label: its own entity codes for the characters that end or mark up one."""
    return text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
