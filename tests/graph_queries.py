"""Small queries over an offline graph that several test modules share."""

from __future__ import annotations

import json
from typing import Any

from offline.graph import Graph, Resource

SUBNET = "aws:ec2/subnet:Subnet"
ROUTE_TABLE = "aws:ec2/routeTable:RouteTable"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
PREFIX_LIST = "aws:ec2/managedPrefixList:ManagedPrefixList"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
APPS = ("admin", "api", "web")


def by_id(graph: Graph, type_: str) -> dict[str, Resource]:
    return {resource.id: resource for resource in graph.of_type(type_)}


def subnets_by_tier(graph: Graph) -> dict[str, list[Resource]]:
    tiers: dict[str, list[Resource]] = {}
    for subnet in graph.of_type(SUBNET):
        tiers.setdefault(subnet.inputs["tags"]["Tier"], []).append(subnet)
    return tiers


def group_roles(graph: Graph) -> dict[str, str]:
    """Security group id -> its role tag (alb, webapp, ...)."""
    return {group.id: group.inputs["tags"]["Role"] for group in graph.of_type(SECURITY_GROUP)}


def prefix_list_names(graph: Graph) -> dict[str, str]:
    return {plist.id: plist.inputs["name"] for plist in graph.of_type(PREFIX_LIST)}


def rule_peer(graph: Graph, rule: Resource) -> str:
    """Who a rule admits or reaches: a group's role, a prefix list's name, or a CIDR."""
    inputs: dict[str, Any] = dict(rule.inputs)
    if "referencedSecurityGroupId" in inputs:
        return group_roles(graph)[inputs["referencedSecurityGroupId"]]
    if "prefixListId" in inputs:
        return prefix_list_names(graph)[inputs["prefixListId"]]
    return inputs.get("cidrIpv4") or inputs["cidrIpv6"]


def rule_port(rule: Resource) -> int | None:
    return None if rule.inputs["ipProtocol"] == "-1" else int(rule.inputs["fromPort"])


def rules_as_table(graph: Graph, type_: str) -> set[tuple[str, int | None, str]]:
    """(group role, port or None for all traffic, peer) for every rule of one direction."""
    roles = group_roles(graph)
    return {
        (roles[rule.inputs["securityGroupId"]], rule_port(rule), rule_peer(graph, rule))
        for rule in graph.of_type(type_)
    }


# --- The apps' workloads ---------------------------------------------------------------------------------------


def by_app(graph: Graph, type_: str) -> dict[str, Resource]:
    """The apps' resources of `type_` (the jobs beside them left out), by app."""
    found: dict[str, Resource] = {}
    for resource in graph.of_type(type_):
        app = resource.inputs["metadata"]["labels"]["app.kubernetes.io/name"]
        assert app not in found, f"two {type_} for {app}"
        if app in APPS:
            found[app] = resource
    return found


def pod(deployment: Resource) -> dict[str, Any]:
    return deployment.inputs["spec"]["template"]["spec"]


def container(deployment: Resource) -> dict[str, Any]:
    [only] = pod(deployment)["containers"]
    return only


def statements(graph: Graph, service_account: str) -> list[dict[str, Any]]:
    """The statements of the workloads' role for `service_account`."""
    policy = graph.named(ROLE_POLICY, f"workloads-{service_account}")
    return json.loads(policy.inputs["policy"])["Statement"]
