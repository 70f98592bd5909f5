"""Security groups: the seed's rules and nothing else; nothing but the ALB faces the internet, the database admits
only RDS Proxy and the operators, and the nodes and pods reach out only where the design needs."""

from __future__ import annotations

import functools
import ipaddress

from components.config import CLOUDFLARE_IPV4_RANGES, CLOUDFLARE_IPV6_RANGES
from offline.graph import Graph
from tests import programs
from tests.graph_queries import (
    EGRESS,
    INGRESS,
    PREFIX_LIST,
    SECURITY_GROUP,
    group_roles,
    rule_peer,
    rule_port,
    rules_as_table,
)
from tests.helpers import graph_of

CF4, CF6 = "sentinel-prod-cloudflare-ipv4", "sentinel-prod-cloudflare-ipv6"
APP_PORTS = (30080, 30081, 30082)
CONTAINER_PORT, SMTP_PORT = 3000, 587
# Between nodes and pods (all in `webapp`): the apps' pods, DNS to CoreDNS (UDP and TCP) and the kubelet.
CLUSTER_PORTS = (CONTAINER_PORT, 53, 10250)

EXPECTED_INGRESS = {
    ("alb", 443, CF4),
    ("alb", 443, CF6),
    ("alb", 80, CF4),
    ("alb", 80, CF6),
    *{("webapp", port, "alb") for port in APP_PORTS},
    *{("webapp", port, "webapp") for port in CLUSTER_PORTS},
    # The control plane: webhooks, aggregated APIs and the kubelet (1025-65535); the Kubernetes API from the nodes.
    ("webapp", 443, "controlplane"),
    ("webapp", 1025, "controlplane"),
    ("controlplane", 443, "webapp"),
    ("database", 5432, "bastion"),  # seed database_sg; the apps only through RDS Proxy
    ("cache", 6379, "webapp"),
    ("efs", 2049, "webapp"),
    ("controlplane", 443, "bastion"),  # tier 9: the API through SSM port forwarding
    ("controlplane", 443, "deployrunner"),  # design D16: the deploy and preview jobs in the VPC
    # Data tier: the apps reach the database through RDS Proxy.
    ("proxy", 5432, "webapp"),
    ("database", 5432, "proxy"),
}

EXPECTED_EGRESS = {
    *{("alb", port, "webapp") for port in APP_PORTS},
    *{("webapp", port, "webapp") for port in CLUSTER_PORTS},
    ("webapp", 443, "0.0.0.0/0"),
    ("webapp", SMTP_PORT, "0.0.0.0/0"),
    ("webapp", 5432, "proxy"),
    ("webapp", 6379, "cache"),
    ("webapp", 2049, "efs"),
    ("bastion", 5432, "database"),
    ("bastion", 443, "0.0.0.0/0"),
    ("deployrunner", 443, "0.0.0.0/0"),
    ("proxy", 5432, "database"),
}


def test_the_seven_groups_exist_in_the_vpc(stack_graph: Graph) -> None:
    [vpc] = stack_graph.of_type("aws:ec2/vpc:Vpc")
    groups = stack_graph.of_type(SECURITY_GROUP)
    assert sorted(group_roles(stack_graph).values()) == sorted(
        ["alb", "webapp", "bastion", "database", "cache", "efs", "controlplane", "proxy", "deployrunner"]
    )
    assert all(group.inputs["vpcId"] == vpc.id and group.inputs["description"] for group in groups)


def test_ingress_is_exactly_the_seed_rules_plus_the_alb_path() -> None:
    assert rules_as_table(graph_of("prod"), INGRESS) == EXPECTED_INGRESS


def test_egress_is_exactly_what_each_tier_needs() -> None:
    # Data stores have none: groups are stateful, and a database never dials out; RDS Proxy reaches only it.
    assert rules_as_table(graph_of("prod"), EGRESS) == EXPECTED_EGRESS


def test_every_rule_is_standalone_and_described(stack_graph: Graph) -> None:
    rules = stack_graph.of_type(INGRESS) + stack_graph.of_type(EGRESS)
    assert rules
    assert all(rule.inputs.get("description") for rule in rules)
    for group in stack_graph.of_type(SECURITY_GROUP):
        assert "ingress" not in group.inputs or group.inputs["ingress"] == []


def test_only_the_alb_admits_the_internet_and_only_from_cloudflare(stack_graph: Graph) -> None:
    roles = group_roles(stack_graph)
    lists = {plist.id: plist for plist in stack_graph.of_type(PREFIX_LIST)}
    for rule in stack_graph.of_type(INGRESS):
        peer = rule_peer(stack_graph, rule)
        if "prefixListId" in rule.inputs:
            assert roles[rule.inputs["securityGroupId"]] == "alb"
            assert rule_port(rule) in (80, 443)
            entries = [
                ipaddress.ip_network(entry["cidr"]) for entry in lists[rule.inputs["prefixListId"]].inputs["entries"]
            ]
            assert all(network.prefixlen > 0 and network.is_global for network in entries)
        else:
            assert "referencedSecurityGroupId" in rule.inputs, f"ingress from a CIDR: {peer}"


def test_sensitive_ports_are_never_open_to_a_cidr(stack_graph: Graph) -> None:
    for rule in stack_graph.of_type(INGRESS):
        if rule_port(rule) in (22, 5432, 6379, 2049):
            assert set(rule.inputs) & {"cidrIpv4", "cidrIpv6", "prefixListId"} == set()


def test_cloudflare_prefix_lists_hold_the_published_ranges(prod: Graph) -> None:
    lists = {plist.inputs["addressFamily"]: plist.inputs for plist in prod.of_type(PREFIX_LIST)}
    assert {entry["cidr"] for entry in lists["IPv4"]["entries"]} == set(CLOUDFLARE_IPV4_RANGES)
    assert {entry["cidr"] for entry in lists["IPv6"]["entries"]} == set(CLOUDFLARE_IPV6_RANGES)
    assert lists["IPv4"]["maxEntries"] == len(CLOUDFLARE_IPV4_RANGES)


@functools.cache
def dev_with_its_own_edge_ranges_and_web_port() -> Graph:
    """One run of the network and its groups for the two tests of what the groups take from config."""
    return programs.run(
        programs.network_and_security,
        "dev",
        {"sentinel:cloudflare.ipv4Ranges": ["198.41.128.0/17"], "sentinel:apps.web.nodePort": 31000},
    )


def test_cloudflare_ranges_are_overridable() -> None:
    graph = dev_with_its_own_edge_ranges_and_web_port()
    [ipv4] = [plist for plist in graph.of_type(PREFIX_LIST) if plist.inputs["addressFamily"] == "IPv4"]
    assert ipv4.inputs["entries"] == [{"cidr": "198.41.128.0/17", "description": "Cloudflare edge"}]


def test_app_node_ports_follow_config() -> None:
    graph = dev_with_its_own_edge_ranges_and_web_port()
    assert ("webapp", 31000, "alb") in rules_as_table(graph, INGRESS)
    assert ("webapp", 30080, "alb") not in rules_as_table(graph, INGRESS)


def test_the_database_admits_postgresql_from_rds_proxy_and_the_operators_only(stack_graph: Graph) -> None:
    roles = group_roles(stack_graph)
    into_database = {
        (rule_port(rule), rule_peer(stack_graph, rule))
        for rule in stack_graph.of_type(INGRESS)
        if roles[rule.inputs["securityGroupId"]] == "database"
    }
    assert into_database == {(5432, "proxy"), (5432, "bastion")}


def test_nodes_and_pods_reach_the_internet_on_https_and_smtp_only(stack_graph: Graph) -> None:
    roles = group_roles(stack_graph)
    out_of_webapp = [rule for rule in stack_graph.of_type(EGRESS) if roles[rule.inputs["securityGroupId"]] == "webapp"]
    assert all(rule.inputs["ipProtocol"] != "-1" for rule in out_of_webapp)
    to_cidrs = {(rule.inputs["ipProtocol"], rule_port(rule)) for rule in out_of_webapp if "cidrIpv4" in rule.inputs}
    assert to_cidrs == {("tcp", 443), ("tcp", SMTP_PORT)}
    # Everything else stays in the VPC, to a group: the data tier each through its own, the rest between nodes and pods.
    peers = {rule_peer(stack_graph, rule) for rule in out_of_webapp if "referencedSecurityGroupId" in rule.inputs}
    assert peers == {"proxy", "cache", "efs", "webapp"}


def test_dns_between_nodes_and_pods_is_open_on_udp_and_tcp(prod: Graph) -> None:
    roles = group_roles(prod)
    for type_ in (INGRESS, EGRESS):
        dns = {
            rule.inputs["ipProtocol"]
            for rule in prod.of_type(type_)
            if roles[rule.inputs["securityGroupId"]] == "webapp" and rule_port(rule) == 53
        }
        assert dns == {"udp", "tcp"}
