"""The architecture diagram (offline/diagram.py): on small hand-made graphs, each way an arrow is derived and each
way one is not; on the prod and dev graphs, the data paths and tiers each stack has and the other lacks; that the
output keeps to the Mermaid flowchart subset it is read back with here and comes out the same every run; and that a
change planted in the prod graph shows up in it."""

from __future__ import annotations

import dataclasses
import os
import pickle
import re
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from offline.diagram import diagram
from offline.graph import Graph, Resource
from tests.helpers import graph_of

ROOT = Path(__file__).resolve().parent.parent
MERMAID_KEYWORDS = {"end", "subgraph", "graph", "flowchart", "style", "class", "classDef", "click", "default"}


@dataclass
class Drawing:
    """A diagram read back: each node's label lines and the boxes around it (outermost first), each arrow's label."""

    nodes: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)
    arrows: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def node(self, *lines: str) -> str:
        """The one node whose label begins with `lines`."""
        found = [id_ for id_, (label, _) in self.nodes.items() if label[: len(lines)] == list(lines)]
        assert len(found) == 1, f"{len(found)} nodes begin {lines}: {found}"
        return found[0]

    def has(self, *lines: str) -> bool:
        return any(label[: len(lines)] == list(lines) for label, _ in self.nodes.values())

    def label(self, *lines: str) -> list[str]:
        return self.nodes[self.node(*lines)][0]

    def boxes(self, *lines: str) -> list[str]:
        return self.nodes[self.node(*lines)][1]

    def arrow(self, source: tuple[str, ...], target: tuple[str, ...]) -> list[str] | None:
        """The arrow's label lines, or None if there is no such arrow."""
        return self.arrows.get((self.node(*source), self.node(*target)))


def read(text: str) -> Drawing:
    """Reads back the subset of Mermaid the diagram writes, failing on any other line."""
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    drawing, boxes, ids = Drawing(), [], set()
    for line in lines[1:]:
        if match := re.fullmatch(r'\s*subgraph (\w+)\["([^"]*)"\]', line):
            boxes.append(match[2])
            ids.add(match[1])
        elif re.fullmatch(r"\s*end", line):
            boxes.pop()
        elif match := re.fullmatch(r'\s*(\w+)\[(\(?)"([^"]*)"(\)?)\]', line):
            assert boxes, f"{match[1]} is in no tier"
            assert len(match[2]) == len(match[4]), line
            assert match[1] not in drawing.nodes
            drawing.nodes[match[1]] = (match[3].split("<br/>"), list(boxes))
            ids.add(match[1])
        elif match := re.fullmatch(r'\s*(\w+) -->(?:\|"([^"]*)"\|)? (\w+)', line):
            assert {match[1], match[3]} <= drawing.nodes.keys(), line
            drawing.arrows[match[1], match[3]] = match[2].split("<br/>") if match[2] else []
        else:
            pytest.fail(f"not in the flowchart subset: {line!r}")
    assert not boxes, f"unclosed: {boxes}"
    assert not ids & MERMAID_KEYWORDS
    assert len(ids) == len(drawing.nodes) + text.count("subgraph "), "an id is used twice"
    return drawing


# Hand-made graphs.
PROVIDER = "urn:pulumi:test::project::pulumi:providers:aws::aws"


def resource(
    type_: str,
    name: str,
    inputs: Mapping[str, Any] | None = None,
    *,
    takes: Mapping[str, Sequence[Resource]] | None = None,
    after: Sequence[Resource] = (),
    parent: Resource | None = None,
) -> Resource:
    """A resource with `inputs` whose properties `takes` came from those resources, created `after` others, in
    `parent`'s component (its own without one)."""
    property_dependencies = {key: frozenset(r.urn for r in sources) for key, sources in (takes or {}).items()}
    return Resource(
        urn=f"urn:pulumi:test::project::{type_}::{name}",
        type=type_,
        name=name,
        custom=True,
        id=name,
        inputs=dict(inputs or {}),
        outputs={},
        parent=parent.urn if parent else None,
        dependencies=frozenset().union(*property_dependencies.values(), (r.urn for r in after)),
        property_dependencies=property_dependencies,
        provider=PROVIDER,
    )


def drawing_of(*resources: Resource) -> Drawing:
    provider = dataclasses.replace(
        resource("pulumi:providers:aws", "aws", {"region": "us-east-1"}), urn=PROVIDER, provider=None
    )
    return read(diagram(Graph("test", {r.urn: r for r in (provider, *resources)}, {})))


BUCKET = "aws:s3/bucket:Bucket"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"
INSTANCE = "aws:rds/clusterInstance:ClusterInstance"


DATABASE = resource("test:index:Database", "database")


def instance(name: str, tier: int, cluster: Resource) -> Resource:
    inputs = {"promotionTier": tier, "instanceClass": "db.r7g.large"}
    return resource(INSTANCE, name, inputs, takes={"clusterIdentifier": [cluster]}, parent=DATABASE)


@pytest.mark.parametrize(
    ("tiers", "writer"),
    [({"a": 1, "b": 0, "c": 1}, "b"), ({"c": 1, "b": 1, "a": 1}, "a")],
    ids=["lowest promotion tier", "first by name among equals"],
)
def test_the_writer_is_the_instance_aurora_makes_the_writer(tiers: dict[str, int], writer: str) -> None:
    cluster = resource("aws:rds/cluster:Cluster", "db", {"engine": "aurora-postgresql", "engineVersion": "16"})
    drawing = drawing_of(DATABASE, cluster, *(instance(name, tier, cluster) for name, tier in tiers.items()))
    assert drawing.node("Aurora writer") == f"writer_{writer}"
    assert drawing.label("Aurora readers")[1] == "2 instances"


def test_a_read_only_endpoint_leads_to_the_readers_or_to_the_writer_without_them() -> None:
    cluster = resource("aws:rds/cluster:Cluster", "db")
    proxy = resource("aws:rds/proxy:Proxy", "proxy")
    target = resource(
        "aws:rds/proxyTarget:ProxyTarget", "target", takes={"dbProxyName": [proxy], "dbClusterIdentifier": [cluster]}
    )
    endpoint = resource(
        "aws:rds/proxyEndpoint:ProxyEndpoint", "ro", {"targetRole": "READ_ONLY"}, takes={"dbProxyName": [proxy]}
    )
    writer, reader = instance("db-1", 0, cluster), instance("db-2", 1, cluster)

    with_reader = drawing_of(DATABASE, cluster, proxy, target, endpoint, writer, reader)
    assert with_reader.arrow(("RDS Proxy", "proxy"), ("Aurora writer",)) == ["read/write"]
    assert with_reader.arrow(("RDS Proxy endpoint",), ("Aurora readers",)) == ["read only"]
    assert with_reader.arrow(("RDS Proxy endpoint",), ("RDS Proxy", "proxy")) is None

    alone = drawing_of(DATABASE, cluster, proxy, target, endpoint, writer)
    assert not alone.has("Aurora readers")
    assert alone.arrow(("RDS Proxy endpoint",), ("Aurora writer",)) == ["read only"]


def test_a_pod_reaches_what_its_config_map_or_volume_names_but_not_what_it_waits_for() -> None:
    uploads, logs, archive = (resource(BUCKET, name) for name in ("uploads", "logs", "archive"))
    config = resource("kubernetes:core/v1:ConfigMap", "config", takes={"data": [uploads]})
    volume = resource("kubernetes:core/v1:PersistentVolume", "volume", takes={"spec": [archive]})
    claim = resource("kubernetes:core/v1:PersistentVolumeClaim", "claim", takes={"spec": [volume]})
    job = resource("kubernetes:batch/v1:Job", "job", takes={"spec": [logs]})
    app = resource(
        DEPLOYMENT,
        "web",
        {"metadata": {"namespace": "apps", "name": "web"}},
        takes={"spec": [config, claim]},
        after=[job, logs],
    )
    drawing = drawing_of(uploads, logs, archive, config, volume, claim, job, app)
    reached = {target for (source, target) in drawing.arrows if source == drawing.node("Apps on EKS")}
    assert reached == {drawing.node("S3 bucket", "uploads"), drawing.node("S3 bucket", "archive")}


def alb_to(service: Mapping[str, Any]) -> Drawing:
    """An ALB whose rule for app.example.com forwards to node port 30080, the Service `service`, and a Deployment
    `web` in namespace `apps` whose pods carry app=web and tier=front."""
    balancer = resource("aws:lb/loadBalancer:LoadBalancer", "alb")
    listener = resource(
        "aws:lb/listener:Listener", "https", {"port": 443, "protocol": "HTTPS"}, takes={"loadBalancerArn": [balancer]}
    )
    group = resource("aws:lb/targetGroup:TargetGroup", "web", {"port": 30080.0})
    rule = resource(
        "aws:lb/listenerRule:ListenerRule",
        "web",
        {"conditions": [{"hostHeader": {"values": ["app.example.com"]}}]},
        takes={"listenerArn": [listener], "actions": [group]},
    )
    pods = {"metadata": {"labels": {"app": "web", "tier": "front"}}}
    app = resource(DEPLOYMENT, "web", {"metadata": {"namespace": "apps", "name": "web"}, "spec": {"template": pods}})
    return drawing_of(balancer, listener, group, rule, resource("kubernetes:core/v1:Service", "web", service), app)


def service(namespace: str, selector: dict[str, str], node_port: float) -> dict[str, Any]:
    return {"metadata": {"namespace": namespace}, "spec": {"selector": selector, "ports": [{"nodePort": node_port}]}}


def test_the_alb_reaches_the_pods_its_target_groups_node_port_selects() -> None:
    drawing = alb_to(service("apps", {"app": "web"}, 30080.0))
    assert drawing.arrow(("Application Load Balancer",), ("Apps on EKS",)) == ["app.example.com"]
    assert drawing.label("Application Load Balancer")[1:] == ["internet-facing", "HTTPS :443"]


@pytest.mark.parametrize(
    "unrouted",
    [
        service("apps", {"app": "web"}, 30081.0),
        service("apps", {"app": "api"}, 30080.0),
        service("other", {"app": "web"}, 30080.0),
    ],
    ids=["another node port", "a selector the pods do not match", "another namespace"],
)
def test_the_alb_does_not_reach_pods_another_service_selects(unrouted: dict[str, Any]) -> None:
    assert alb_to(unrouted).arrows == {}


def test_a_region_apart_and_a_replica_are_drawn_in_the_dr_region() -> None:
    home = resource("aws:backup/vault:Vault", "vault")
    away = resource("aws:backup/vault:Vault", "vault-dr", {"region": "us-west-2"})
    same = resource("aws:backup/vault:Vault", "vault-here", {"region": "us-east-1"})
    secret = resource(
        "aws:secretsmanager/secret:Secret", "key", {"replicas": [{"region": "us-west-2"}]}, takes={"replicas": [away]}
    )
    drawing = drawing_of(home, away, same, secret)
    assert drawing.boxes("Backup vault", "vault") == ["Backup and DR", "vault"]
    assert drawing.boxes("Backup vault", "vault-here") == ["Backup and DR", "vault-here"]
    assert drawing.boxes("Backup vault", "vault-dr") == ["Backup and DR", "DR region us-west-2", "vault-dr"]
    assert drawing.boxes("Secrets Manager replicas") == ["Backup and DR", "DR region us-west-2", "key"]
    assert drawing.arrows == {(drawing.node("Secrets Manager"), drawing.node("Secrets Manager replicas")): ["replica"]}


def test_names_that_would_end_a_label_are_escaped() -> None:
    drawing = drawing_of(resource(BUCKET, 'odd"name<b>'))
    assert drawing.label("S3 bucket") == ["S3 bucket", "odd#quot;name#lt;b#gt;"]


# The stacks' graphs.
@pytest.fixture(scope="module")
def prod_drawing() -> Drawing:
    return read(diagram(graph_of("prod")))


@pytest.fixture(scope="module")
def dev_drawing() -> Drawing:
    return read(diagram(graph_of("dev")))


APPS = ("Apps on EKS",)
DATA_PATHS = [
    (("Cloudflare",), ("Application Load Balancer",)),
    (("Application Load Balancer",), APPS),
    (APPS, ("RDS Proxy", "database")),
    (("RDS Proxy", "database"), ("Aurora writer",)),
    (APPS, ("ElastiCache",)),
    (APPS, ("S3 bucket", "storage-uploads")),
    (APPS, ("EFS file system",)),
    (("Aurora writer",), ("AWS Backup plan",)),
    (("AWS Backup plan",), ("Backup vault", "backup")),
]


@pytest.mark.parametrize(("source", "target"), DATA_PATHS)
def test_both_stacks_draw_the_request_and_backup_paths(
    prod_drawing: Drawing, dev_drawing: Drawing, source: tuple[str, ...], target: tuple[str, ...]
) -> None:
    assert prod_drawing.arrow(source, target) is not None
    assert dev_drawing.arrow(source, target) is not None


def test_prod_reads_on_the_readers_and_copies_backups_and_secrets_to_its_dr_region(prod_drawing: Drawing) -> None:
    assert prod_drawing.arrow(APPS, ("RDS Proxy endpoint",)) is not None
    assert prod_drawing.arrow(("RDS Proxy endpoint",), ("Aurora readers",)) == ["read only"]
    assert prod_drawing.label("Aurora readers")[1] == "2 instances"
    assert prod_drawing.arrow(("AWS Backup plan",), ("Backup vault", "backup-dr")) is not None
    assert prod_drawing.boxes("Backup vault", "backup-dr")[:2] == ["Backup and DR", "DR region us-west-2"]
    assert prod_drawing.arrow(("Secrets Manager",), ("Secrets Manager replicas",)) == ["replica"]
    hosts = prod_drawing.arrow(("Application Load Balancer",), APPS)
    assert hosts == ["admin.projectsentinel.ai", "api.projectsentinel.ai", "app.projectsentinel.ai"]


def test_dev_has_no_readers_and_no_dr_region(dev_drawing: Drawing) -> None:
    assert not dev_drawing.has("Aurora readers")
    assert not dev_drawing.has("RDS Proxy endpoint")
    assert not dev_drawing.has("Secrets Manager replicas")
    assert not any(box.startswith("DR region") for _, boxes in dev_drawing.nodes.values() for box in boxes)


def test_each_node_sits_in_its_tier(prod_drawing: Drawing) -> None:
    tiers = {
        "Cloudflare": "Edge",
        "Application Load Balancer": "Public",
        "NAT gateways": "Public",
        "Apps on EKS": "Private: apps and operators",
        "EKS managed nodes": "Private: apps and operators",
        "RDS Proxy": "Data",
        "Aurora writer": "Data",
        "ElastiCache": "Data",
        "AWS Backup plan": "Backup and DR",
    }
    assert {title: prod_drawing.boxes(title)[0] for title in tiers} == tiers
    assert prod_drawing.boxes("RDS Proxy")[1] == "database", "inside the tier, each node is boxed by its component"


def test_the_diagram_is_the_same_under_every_hash_seed() -> None:
    graph = graph_of("prod")
    expected = diagram(graph)
    assert diagram(graph) == expected
    script = (
        "import pickle, sys; from offline.diagram import diagram; print(diagram(pickle.load(sys.stdin.buffer)), end='')"
    )
    for seed in ("1", "2"):
        run = subprocess.run(
            [sys.executable, "-c", script],
            input=pickle.dumps(graph),
            capture_output=True,
            check=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        assert run.stdout.decode() == expected, f"PYTHONHASHSEED={seed}"


def planted(change: Callable[[dict[str, Resource]], None]) -> Drawing:
    """The prod diagram after `change` edits the prod graph's resources (a copy of them)."""
    graph = graph_of("prod")
    resources = dict(graph.resources)
    change(resources)
    return read(diagram(Graph(graph.stack, resources, graph.exports)))


def named(resources: dict[str, Resource], type_: str, name: str) -> Resource:
    [found] = [r for r in resources.values() if r.type == type_ and r.name == name]
    return found


def add_a_reader(resources: dict[str, Resource]) -> None:
    reader = named(resources, INSTANCE, "database-3")
    urn = reader.urn.removesuffix("database-3") + "database-4"
    resources[urn] = dataclasses.replace(
        reader, urn=urn, name="database-4", inputs={**reader.inputs, "availabilityZone": "us-east-1d"}
    )


def drop_the_read_only_endpoint(resources: dict[str, Resource]) -> None:
    del resources[named(resources, "aws:rds/proxyEndpoint:ProxyEndpoint", "database-read-only").urn]


def move_the_web_target_group(resources: dict[str, Resource]) -> None:
    group = named(resources, "aws:lb/targetGroup:TargetGroup", "ingress-web")
    resources[group.urn] = dataclasses.replace(group, inputs={**group.inputs, "port": 31999.0})


def move_the_logs_bucket_to_another_region(resources: dict[str, Resource]) -> None:
    bucket = named(resources, BUCKET, "storage-logs")
    resources[bucket.urn] = dataclasses.replace(bucket, inputs={**bucket.inputs, "region": "eu-west-1"})


def test_a_planted_reader_is_counted() -> None:
    drawing = planted(add_a_reader)
    assert drawing.label("Aurora readers")[1] == "3 instances"
    assert "us-east-1d" in drawing.label("Aurora readers")[-1]


def test_without_the_read_only_endpoint_the_apps_read_through_the_proxy() -> None:
    drawing = planted(drop_the_read_only_endpoint)
    assert not drawing.has("RDS Proxy endpoint")
    assert drawing.arrow(APPS, ("RDS Proxy", "database")) is not None
    assert not any(target == drawing.node("Aurora readers") for _, target in drawing.arrows)


def test_a_target_group_on_another_port_loses_its_host() -> None:
    hosts = planted(move_the_web_target_group).arrow(("Application Load Balancer",), APPS)
    assert hosts == ["admin.projectsentinel.ai", "api.projectsentinel.ai"]


def test_a_bucket_moved_to_another_region_is_drawn_there() -> None:
    drawing = planted(move_the_logs_bucket_to_another_region)
    assert drawing.boxes("S3 bucket", "storage-logs")[:2] == ["Backup and DR", "DR region eu-west-1"]
    assert drawing.arrow(("Application Load Balancer",), ("S3 bucket", "storage-logs")) is not None
