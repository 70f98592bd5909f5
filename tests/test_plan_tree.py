"""The plan tree (offline/plan_tree.py): its shape, nesting, protection marks and counts on small hand-made graphs, the
inputs it shows and hides, and on the prod graph, a few properties a reviewer reads there and no secret."""

from __future__ import annotations

import json
from typing import Any

import pytest

from offline.__main__ import as_json
from offline.critical_path import critical_path
from offline.graph import Graph, Resource, ResourceOptions
from offline.plan_tree import ALWAYS_SHOWN, SECRET, SHOWN, plan_tree, render, shown_properties
from tests.helpers import SECRET_SIGNATURE, graph_of

SUBNET = "aws:ec2/subnet:Subnet"
KEY = "aws:kms/key:Key"
RECORD = "cloudflare:index/dnsRecord:DnsRecord"
PASSWORD = "random:index/randomPassword:RandomPassword"


def urn(type_: str, name: str) -> str:
    return f"urn:pulumi:test::project::{type_}::{name}"


def resource(
    type_: str,
    name: str,
    /,
    *,
    parent: Resource | str | None = None,
    custom: bool = True,
    protect: bool = False,
    **inputs: Any,
) -> Resource:
    return Resource(
        urn=urn(type_, name),
        type=type_,
        name=name,
        custom=custom,
        id=name,
        inputs=inputs,
        outputs={},
        parent=parent.urn if isinstance(parent, Resource) else parent,
        dependencies=frozenset(),
        property_dependencies={},
        provider=None,
        options=ResourceOptions(protect=protect),
    )


def component(type_: str, name: str, parent: Resource | None = None) -> Resource:
    return resource(type_, name, parent=parent, custom=False)


def graph(*resources: Resource) -> Graph:
    return Graph("test", {r.urn: r for r in resources}, {})


def secret(value: Any) -> dict[str, Any]:
    return {**SECRET_SIGNATURE, "value": value}


def small_stack() -> Graph:
    """Two components, one with a component inside it holding a protected key, the stack's provider, and a record."""
    network = component("test:index:Network", "network")
    key = component("test:index:EncryptionKey", "network-logs", parent=network)
    edge = component("test:index:Edge", "edge")
    return graph(
        resource("pulumi:providers:aws", "aws", region="us-east-1"),
        network,
        resource(SUBNET, "network-b", parent=network, cidrBlock="10.0.1.0/24", availabilityZone="us-east-1b"),
        resource(SUBNET, "network-a", parent=network, cidrBlock="10.0.0.0/24", availabilityZone="us-east-1a"),
        resource("aws:ec2/vpc:Vpc", "network", parent=network, cidrBlock="10.0.0.0/16"),
        key,
        resource(KEY, "network-logs", parent=key, protect=True, enableKeyRotation=True, deletionWindowInDays=30.0),
        resource("aws:kms/alias:Alias", "network-logs", parent=key, name="alias/network-logs"),
        edge,
        resource(RECORD, "edge-app", parent=edge, name="app.example.com", type="CNAME", proxied=True),
        resource(PASSWORD, "edge-secret", parent=edge, protect=True, length=64.0),
    )


def test_the_tree_nests_components_marks_protection_and_counts_each_branch() -> None:
    assert render(plan_tree(small_stack())) == "\n".join(
        [
            "Offline preview of stack 'test': 8 resources, 2 protected (aws 6, cloudflare 1, random 1)",
            "├── pulumi:providers:aws aws  region=us-east-1",
            "├── edge (test:index:Edge): 2 resources, 1 protected (cloudflare 1, random 1)",
            "│   ├── cloudflare:index/dnsRecord:DnsRecord edge-app  host=app.example.com  type=CNAME  proxied=true",
            "│   └── random:index/randomPassword:RandomPassword edge-secret [protected]  length=64",
            "└── network (test:index:Network): 5 resources, 1 protected (aws 5)",
            "    ├── aws:ec2/subnet:Subnet network-a  cidr=10.0.0.0/24  zone=us-east-1a",
            "    ├── aws:ec2/subnet:Subnet network-b  cidr=10.0.1.0/24  zone=us-east-1b",
            "    ├── aws:ec2/vpc:Vpc network  cidr=10.0.0.0/16",
            "    └── network-logs (test:index:EncryptionKey): 2 resources, 1 protected (aws 2)",
            "        ├── aws:kms/alias:Alias network-logs  alias=alias/network-logs",
            "        └── aws:kms/key:Key network-logs [protected]  rotation=true  deletionWindowDays=30",
        ]
    )


def test_counts_add_up_over_nested_components_and_leave_components_themselves_out() -> None:
    tree = plan_tree(small_stack())
    network = next(branch for branch in tree.branches if branch.resource.name == "network")
    [key] = [branch for branch in network.children if not branch.resource.custom]
    assert (key.counts.resources, key.counts.protected, dict(key.counts.by_provider)) == (2, 1, {"aws": 2})
    assert (network.counts.resources, network.counts.protected) == (5, 1)
    assert (tree.counts.resources, tree.counts.protected) == (8, 2)
    assert tree.counts.by_provider == {"aws": 6, "cloudflare": 1, "random": 1}


def test_a_resource_hangs_under_its_parent_even_a_custom_one_and_an_unknown_parent_is_the_stack() -> None:
    bucket = resource("aws:s3/bucket:Bucket", "uploads", bucket="uploads-bucket")
    versioning = resource("aws:s3/bucketVersioning:BucketVersioning", "uploads", parent=bucket)
    stray = resource(SUBNET, "stray", parent=urn("test:index:Gone", "gone"), cidrBlock="10.9.0.0/24")
    tree = plan_tree(graph(bucket, versioning, stray))
    assert [branch.resource.name for branch in tree.branches] == ["stray", "uploads"]
    [under_bucket] = tree.branches[1].children
    assert under_bucket.resource == versioning and tree.branches[1].counts.resources == 2
    assert render(tree).splitlines()[1:] == [
        "├── aws:ec2/subnet:Subnet stray  cidr=10.9.0.0/24",
        "└── aws:s3/bucket:Bucket uploads  bucket=uploads-bucket",
        "    └── aws:s3/bucketVersioning:BucketVersioning uploads",
    ]


def test_a_component_with_nothing_in_it_still_shows_with_no_resources() -> None:
    lines = render(plan_tree(graph(component("test:index:Empty", "empty")))).splitlines()
    assert lines == ["Offline preview of stack 'test': 0 resources", "└── empty (test:index:Empty): 0 resources"]


def test_shown_properties_follow_lists_quoted_keys_and_leave_out_what_is_unset() -> None:
    nodes = resource(
        "aws:eks/nodeGroup:NodeGroup",
        "nodes",
        instanceTypes=["m7i.large", "m6i.large"],
        scalingConfig={"minSize": 2.0, "maxSize": 6.0},
    )
    assert shown_properties(nodes) == {"instanceTypes": ["m7i.large", "m6i.large"], "min": 2, "max": 6}
    namespace = resource(
        "kubernetes:core/v1:Namespace",
        "apps",
        metadata={"name": "apps", "labels": {"pod-security.kubernetes.io/enforce": "restricted"}},
    )
    assert shown_properties(namespace) == {"namespace": "apps", "podSecurity": "restricted"}
    policy = resource(
        "kubernetes:networking.k8s.io/v1:NetworkPolicy",
        "egress",
        spec={"policyTypes": ["Egress"], "egress": [{"ports": [{"port": 53.0}, {"port": 443.0}]}, {"ports": []}]},
    )
    assert shown_properties(policy) == {"types": ["Egress"], "egressPorts": [53, 443]}


def test_a_secret_shows_as_secret_wherever_it_is_met() -> None:
    rule = resource(
        "aws:lb/listenerRule:ListenerRule",
        "web",
        priority=10.0,
        conditions=[{"hostHeader": {"values": ["app.example.com"]}}, {"hostHeader": secret({"values": ["hidden"]})}],
    )
    assert shown_properties(rule) == {"priority": 10, "hosts": ["app.example.com", SECRET]}
    user = resource("aws:elasticache/user:User", "default", userName="default", authenticationMode=secret({}))
    assert shown_properties(user) == {"user": "default", "authentication": SECRET}
    assert "hidden" not in render(plan_tree(graph(rule, user)))


def test_a_type_the_table_does_not_list_shows_nothing_but_a_region_of_its_own() -> None:
    role = resource("aws:iam/role:Role", "role", assumeRolePolicy="{}", namePrefix="role-")
    assert "aws:iam/role:Role" not in SHOWN and shown_properties(role) == {}
    vault = resource("aws:backup/vault:Vault", "dr", region="us-west-2", forceDestroy=False)
    assert shown_properties(vault) == dict.fromkeys(ALWAYS_SHOWN, "us-west-2")


def test_every_path_of_the_table_reads_and_finds_nothing_in_empty_inputs() -> None:
    for type_ in SHOWN:
        assert shown_properties(resource(type_, "empty")) == {}, type_


def test_a_malformed_path_is_refused_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(SHOWN, "test:index:Thing", {"broken": 'spec."unterminated'})
    with pytest.raises(ValueError, match="unterminated"):
        shown_properties(resource("test:index:Thing", "thing"))


def test_the_json_tree_nests_components_with_their_resources_and_shown_properties() -> None:
    document = json.loads(json.dumps(plan_tree(small_stack()).as_json()))
    assert document["counts"] == {"resources": 8, "protected": 2, "providers": {"aws": 6, "cloudflare": 1, "random": 1}}
    assert [r["name"] for r in document["resources"]] == ["aws"]
    assert [c["name"] for c in document["components"]] == ["edge", "network"]
    network = document["components"][1]
    assert network["counts"] == {"resources": 5, "protected": 1, "providers": {"aws": 5}}
    assert network["resources"][0] == {
        "name": "network-a",
        "type": SUBNET,
        "urn": urn(SUBNET, "network-a"),
        "protected": False,
        "properties": {"cidr": "10.0.0.0/24", "zone": "us-east-1a"},
    }
    [key] = network["components"]
    assert [(r["type"], r["protected"]) for r in key["resources"]] == [("aws:kms/alias:Alias", False), (KEY, True)]
    assert key["resources"][1]["properties"] == {"rotation": True, "deletionWindowDays": 30}


@pytest.fixture(scope="module")
def prod_tree_text() -> str:
    return render(plan_tree(graph_of("prod")))


def line_of(text: str, type_: str, name: str) -> str:
    [line] = [line for line in text.splitlines() if f" {type_} {name} " in line + " "]
    return line


def test_prod_shows_the_node_group_database_and_cache_sizes(prod_tree_text: str) -> None:
    prod = graph_of("prod")
    nodes = prod.named("aws:eks/nodeGroup:NodeGroup", "cluster-nodes").inputs
    scaling = nodes["scalingConfig"]
    assert line_of(prod_tree_text, "aws:eks/nodeGroup:NodeGroup", "cluster-nodes").endswith(
        f"instanceTypes={','.join(nodes['instanceTypes'])}  capacity={nodes['capacityType']}  ami={nodes['amiType']}"
        f"  min={scaling['minSize']:.0f}  desired={scaling['desiredSize']:.0f}  max={scaling['maxSize']:.0f}"
    )
    for instance in prod.of_type("aws:rds/clusterInstance:ClusterInstance"):
        line = line_of(prod_tree_text, instance.type, instance.name)
        assert "[protected]" in line and f"instanceClass={instance.inputs['instanceClass']}" in line
    cache = prod.named("aws:elasticache/replicationGroup:ReplicationGroup", "cache").inputs
    assert f"nodeType={cache['nodeType']}  nodes={cache['numCacheClusters']:.0f}" in line_of(
        prod_tree_text, "aws:elasticache/replicationGroup:ReplicationGroup", "cache"
    )


def test_prod_shows_the_hosts_of_each_listener_rule_but_never_the_origin_secret(prod_tree_text: str) -> None:
    prod = graph_of("prod")
    for rule in prod.of_type("aws:lb/listenerRule:ListenerRule"):
        conditions = rule.inputs["conditions"]
        [host] = [value for condition in conditions for value in condition.get("hostHeader", {}).get("values", [])]
        assert line_of(prod_tree_text, rule.type, rule.name).endswith(f"hosts={host}")
        for header in [condition["httpHeader"] for condition in conditions if "httpHeader" in condition]:
            assert all(value not in prod_tree_text for value in header["values"])


def test_prod_lists_every_resource_once_and_counts_what_the_graph_holds(prod_tree_text: str) -> None:
    prod = graph_of("prod")
    custom = [r for r in prod if r.custom]
    for r in custom:
        line_of(prod_tree_text, r.type, r.name)
    assert prod_tree_text.count(" [protected]") == sum(1 for r in prod if r.options.protect)
    tree = plan_tree(prod)
    assert (tree.counts.resources, tree.counts.protected) == (len(custom), sum(r.options.protect for r in custom))
    assert sum(tree.counts.by_provider.values()) == len(custom) and {"aws", "cloudflare", "kubernetes"} <= set(
        tree.counts.by_provider
    )


def test_the_review_as_json_carries_the_tree() -> None:
    dev = graph_of("dev")
    tree = plan_tree(dev)
    assert as_json(dev, tree, [], critical_path(dev), "unavailable")["tree"] == tree.as_json()
