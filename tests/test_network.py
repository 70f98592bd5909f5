"""The network component, as the graph of each stack shows it."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Mapping
from typing import Any

import pytest

from components.kms import EncryptionKeyArgs, ServiceGrant
from offline.graph import Graph
from tests.graph_queries import ROUTE_TABLE, SUBNET, by_id, subnets_by_tier
from tests.helpers import graph_of

VPC = "aws:ec2/vpc:Vpc"
NAT = "aws:ec2/natGateway:NatGateway"
POD_RANGE = "aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation"
ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation"
ROUTE = "aws:ec2/route:Route"


def the_vpc(graph: Graph) -> ipaddress.IPv4Network:
    [vpc] = graph.of_type(VPC)
    return ipaddress.IPv4Network(vpc.inputs["cidrBlock"])


def route_table_of_subnet(graph: Graph) -> dict[str, Mapping[str, Any]]:
    tables = by_id(graph, ROUTE_TABLE)
    return {a.inputs["subnetId"]: tables[a.inputs["routeTableId"]].inputs for a in graph.of_type(ASSOCIATION)}


def routes_of_subnet(graph: Graph) -> dict[str, list[Mapping[str, Any]]]:
    """Each subnet's routes (beyond the VPC's local one): the Route resources of its route table."""
    by_table: dict[str, list[Mapping[str, Any]]] = {}
    for route in graph.of_type(ROUTE):
        by_table.setdefault(route.inputs["routeTableId"], []).append(route.inputs)
    return {a.inputs["subnetId"]: by_table.get(a.inputs["routeTableId"], []) for a in graph.of_type(ASSOCIATION)}


def test_vpc_resolves_dns(stack_graph: Graph) -> None:
    [vpc] = stack_graph.of_type(VPC)
    assert vpc.inputs["enableDnsSupport"] is True
    assert vpc.inputs["enableDnsHostnames"] is True


def test_four_tiers_in_every_zone(stack_graph: Graph) -> None:
    tiers = subnets_by_tier(stack_graph)
    assert set(tiers) == {"public", "private", "data", "pods"}
    for subnets in tiers.values():
        zones = [subnet.inputs["availabilityZone"] for subnet in subnets]
        assert sorted(zones) == ["us-east-1a", "us-east-1b", "us-east-1c"]


def test_subnets_fit_inside_the_vpc_without_overlap(stack_graph: Graph) -> None:
    vpc = the_vpc(stack_graph)
    [pod_range] = stack_graph.of_type(POD_RANGE)
    pods = ipaddress.IPv4Network(pod_range.inputs["cidrBlock"])
    assert pod_range.inputs["vpcId"] == stack_graph.of_type(VPC)[0].id
    cidrs = {subnet.urn: ipaddress.IPv4Network(subnet.inputs["cidrBlock"]) for subnet in stack_graph.of_type(SUBNET)}
    pod_subnets = {subnet.urn for subnet in subnets_by_tier(stack_graph)["pods"]}
    assert all(cidr.subnet_of(pods if urn in pod_subnets else vpc) for urn, cidr in cidrs.items())
    # A subnet of the secondary range can be made only once the VPC holds the range.
    assert all(pod_range.urn in stack_graph.resources[urn].dependencies for urn in pod_subnets)
    listed = list(cidrs.values())
    assert not any(a.overlaps(b) for i, a in enumerate(listed) for b in listed[i + 1 :])


def test_the_pods_subnets_have_room_for_every_pod(prod: Graph) -> None:
    # The VPC CNI gives each pod an address of its zone's pods' subnet and keeps a spare interface's worth per node:
    # 20 nodes x ~30 addresses each needs far more than a /24.
    for subnet in subnets_by_tier(prod)["pods"]:
        assert ipaddress.IPv4Network(subnet.inputs["cidrBlock"]).num_addresses >= 4096


def test_no_subnet_gives_instances_public_addresses(stack_graph: Graph) -> None:
    assert all(subnet.inputs["mapPublicIpOnLaunch"] is False for subnet in stack_graph.of_type(SUBNET))


@pytest.mark.parametrize(("stack", "expected"), [("dev", 1), ("staging", 3), ("prod", 3)])
def test_nat_gateways_per_environment(stack: str, expected: int) -> None:
    graph = graph_of(stack)
    nats = graph.of_type(NAT)
    assert len(nats) == expected
    public_ids = {subnet.id for subnet in subnets_by_tier(graph)["public"]}
    assert all(nat.inputs["subnetId"] in public_ids for nat in nats)
    assert len({nat.inputs["subnetId"] for nat in nats}) == expected


def test_public_tier_routes_to_the_internet_gateway(stack_graph: Graph) -> None:
    [gateway] = stack_graph.of_type("aws:ec2/internetGateway:InternetGateway")
    routes = routes_of_subnet(stack_graph)
    for subnet in subnets_by_tier(stack_graph)["public"]:
        [route] = routes[subnet.id]
        assert {key: route[key] for key in ("destinationCidrBlock", "gatewayId")} == {
            "destinationCidrBlock": "0.0.0.0/0",
            "gatewayId": gateway.id,
        }


def test_private_tier_routes_through_a_nat_in_its_own_zone_when_there_is_one(stack_graph: Graph) -> None:
    nats = by_id(stack_graph, NAT)
    subnets = by_id(stack_graph, SUBNET)
    routes = routes_of_subnet(stack_graph)
    for subnet in subnets_by_tier(stack_graph)["private"]:
        [route] = routes[subnet.id]
        assert route["destinationCidrBlock"] == "0.0.0.0/0"
        nat_zone = subnets[nats[route["natGatewayId"]].inputs["subnetId"]].inputs["availabilityZone"]
        if len(nats) > 1:
            assert nat_zone == subnet.inputs["availabilityZone"]


def test_the_pods_subnet_of_a_zone_shares_its_private_route_table(stack_graph: Graph) -> None:
    tables = route_table_of_subnet(stack_graph)
    tiers = subnets_by_tier(stack_graph)
    private = {subnet.inputs["availabilityZone"]: tables[subnet.id] for subnet in tiers["private"]}
    assert tiers["pods"]
    for subnet in tiers["pods"]:
        assert tables[subnet.id] == private[subnet.inputs["availabilityZone"]]


def test_data_tier_has_no_route_out(stack_graph: Graph) -> None:
    routes = routes_of_subnet(stack_graph)
    for subnet in subnets_by_tier(stack_graph)["data"]:
        assert routes[subnet.id] == []


def test_routes_are_standalone_resources_so_later_routes_do_not_fight_them(stack_graph: Graph) -> None:
    # An inline route list makes the route table own every route: a later peering or VPN route would be
    # removed on the next update.
    assert all("routes" not in table.inputs for table in stack_graph.of_type(ROUTE_TABLE))
    assert len(stack_graph.of_type(ROUTE)) == 4


def test_every_subnet_has_exactly_one_route_table(stack_graph: Graph) -> None:
    associated = [a.inputs["subnetId"] for a in stack_graph.of_type(ASSOCIATION)]
    assert sorted(associated) == sorted(subnet.id for subnet in stack_graph.of_type(SUBNET))


def test_s3_gateway_endpoint_serves_the_private_route_tables(stack_graph: Graph) -> None:
    [endpoint] = stack_graph.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")
    assert endpoint.inputs["serviceName"] == "com.amazonaws.us-east-1.s3"
    assert endpoint.inputs["vpcEndpointType"] == "Gateway"
    routes = route_table_of_subnet(stack_graph)
    private_tables = {routes[subnet.id]["tags"]["Name"] for subnet in subnets_by_tier(stack_graph)["private"]}
    tables = by_id(stack_graph, ROUTE_TABLE)
    assert {tables[table_id].inputs["tags"]["Name"] for table_id in endpoint.inputs["routeTableIds"]} == private_tables


@pytest.mark.parametrize(("stack", "retention"), [("dev", 30), ("staging", 90), ("prod", 365)])
def test_flow_logs_go_to_an_encrypted_log_group_with_retention(stack: str, retention: int) -> None:
    graph = graph_of(stack)
    [flow_log] = graph.of_type("aws:ec2/flowLog:FlowLog")
    log_group = graph.named("aws:cloudwatch/logGroup:LogGroup", "network-flow-logs")
    key = graph.named("aws:kms/key:Key", "network-flow-logs")
    [vpc] = graph.of_type(VPC)
    assert flow_log.inputs["vpcId"] == vpc.id
    assert flow_log.inputs["trafficType"] == "ALL"
    assert flow_log.inputs["logDestination"] == log_group.outputs["arn"]
    assert log_group.inputs["kmsKeyId"] == key.outputs["arn"]
    assert log_group.inputs["retentionInDays"] == retention
    assert key.inputs["enableKeyRotation"] is True


def test_flow_log_role_may_write_only_to_its_log_group(prod: Graph) -> None:
    log_group = prod.named("aws:cloudwatch/logGroup:LogGroup", "network-flow-logs")
    policy = prod.named("aws:iam/rolePolicy:RolePolicy", "network-flow-logs")
    write, describe = json.loads(policy.inputs["policy"])["Statement"]
    assert set(write["Resource"]) == {log_group.outputs["arn"], log_group.outputs["arn"] + ":*"}
    assert "logs:PutLogEvents" in write["Action"]
    # Looking up log groups is the one permission beyond the group itself, and it cannot read or write logs.
    assert describe["Action"] == "logs:DescribeLogGroups"
    assert describe["Resource"] == "arn:aws:logs:us-east-1:111111111111:log-group:*"


def test_default_security_group_is_emptied(stack_graph: Graph) -> None:
    [default] = stack_graph.of_type("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
    assert default.inputs["ingress"] == []
    assert default.inputs["egress"] == []


def test_eks_discovery_tags(prod: Graph) -> None:
    tiers = subnets_by_tier(prod)
    for tier, role_tag in (("public", "kubernetes.io/role/elb"), ("private", "kubernetes.io/role/internal-elb")):
        for subnet in tiers[tier]:
            assert subnet.inputs["tags"]["kubernetes.io/cluster/sentinel-prod"] == "shared"
            assert subnet.inputs["tags"][role_tag] == "1"
    assert not any(
        key.startswith("kubernetes.io") for tier in ("data", "pods") for s in tiers[tier] for key in s.inputs["tags"]
    )


def test_flow_log_key_serves_cloudwatch_logs_only_for_its_log_group(prod: Graph) -> None:
    key = prod.named("aws:kms/key:Key", "network-flow-logs")
    log_group = prod.named("aws:cloudwatch/logGroup:LogGroup", "network-flow-logs")
    admin, logs, destruction = json.loads(key.inputs["policy"])["Statement"]
    assert (destruction["Sid"], destruction["Effect"]) == ("KeyDestructionByBreakGlassOnly", "Deny")
    assert admin["Principal"] == {"AWS": "arn:aws:iam::111111111111:root"}
    assert logs["Sid"] == "ServiceLogsUsEast1AmazonawsCom"
    assert logs["Principal"] == {"Service": "logs.us-east-1.amazonaws.com"}
    assert "kms:*" not in logs["Action"]
    assert logs["Condition"] == {"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": [log_group.outputs["arn"]]}}


def test_a_key_refuses_two_grants_for_one_service() -> None:
    grant = ServiceGrant(service="logs.us-east-1.amazonaws.com")
    with pytest.raises(ValueError, match="one grant per service"):
        EncryptionKeyArgs(description="d", purpose="a", grants=[grant, grant])
