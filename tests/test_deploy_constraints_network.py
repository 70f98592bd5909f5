"""Deploy constraints of the network (the VPC, subnets, gateways, routes, endpoints, flow logs, security groups and
prefix lists): the inputs the program sets pass, and each constraint reports the value that breaks it."""

from __future__ import annotations

from typing import Any

import pytest

from policies.rules.deploy_constraints import network
from policies.support.aws import (
    DEFAULT_SECURITY_GROUP,
    EIP,
    FLOW_LOG,
    INTERNET_GATEWAY,
    MANAGED_PREFIX_LIST,
    NAT_GATEWAY,
    ROUTE,
    ROUTE_TABLE,
    ROUTE_TABLE_ASSOCIATION,
    SECURITY_GROUP,
    SECURITY_GROUP_EGRESS_RULE,
    SECURITY_GROUP_INGRESS_RULE,
    SUBNET,
    VPC,
    VPC_CIDR_BLOCK_ASSOCIATION,
    VPC_ENDPOINT,
)
from tests.deploy_constraint_cases import constraint_case, unknown_values_test, untested_constraints
from tests.policy_builders import UNKNOWN, property_rule_tests

RULE_CHARACTERS = "AWS allows letters, digits, spaces and ._-:/()#,@[]+=;{}!$*"
GROUP_CHARACTERS = "AWS allows letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*"
RULE_PEERS = "exactly one of cidrIpv4, cidrIpv6, prefixListId, referencedSecurityGroupId"

COMPLIANT: dict[str, dict[str, Any]] = {
    VPC: {"cidrBlock": "10.0.0.0/16", "instanceTenancy": "default", "tags": {"Name": "sentinel-prod"}},
    VPC_CIDR_BLOCK_ASSOCIATION: {"vpcId": "vpc-1", "cidrBlock": "100.64.0.0/16"},
    SUBNET: {"vpcId": "vpc-1", "cidrBlock": "10.0.0.0/24", "tags": {"kubernetes.io/role/elb": "1"}},
    DEFAULT_SECURITY_GROUP: {"vpcId": "vpc-1", "ingress": [], "egress": [], "tags": {"Name": "default-unused"}},
    SECURITY_GROUP: {
        "namePrefix": "sentinel-prod-alb-",
        "description": "Application load balancer: HTTPS (and HTTP to redirect) from Cloudflare & friends",
        "ingress": [],
        "tags": {"Name": "sentinel-prod-alb"},
    },
    SECURITY_GROUP_INGRESS_RULE: {
        "securityGroupId": "sg-1",
        "description": "HTTPS from the Cloudflare edge",
        "ipProtocol": "tcp",
        "fromPort": 443,
        "toPort": 443,
        "prefixListId": "pl-1",
    },
    SECURITY_GROUP_EGRESS_RULE: {
        "securityGroupId": "sg-1",
        "description": "Nodes pull images and call AWS APIs through NAT",
        "ipProtocol": "-1",
        "cidrIpv4": "0.0.0.0/0",
    },
    MANAGED_PREFIX_LIST: {
        "name": "sentinel-prod-cloudflare-ipv4",
        "addressFamily": "IPv4",
        "maxEntries": 2,
        "entries": [
            {"cidr": "173.245.48.0/20", "description": "Cloudflare edge"},
            {"cidr": "103.21.244.0/22", "description": "Cloudflare edge"},
        ],
    },
    INTERNET_GATEWAY: {"vpcId": "vpc-1", "tags": {"Name": "sentinel-prod"}},
    EIP: {"domain": "vpc", "tags": {"Name": "sentinel-prod-nat-a"}},
    NAT_GATEWAY: {"allocationId": "eipalloc-1", "subnetId": "subnet-1", "connectivityType": "public"},
    ROUTE_TABLE: {"vpcId": "vpc-1", "routes": [{"cidrBlock": "0.0.0.0/0", "gatewayId": "igw-1"}]},
    ROUTE: {"routeTableId": "rtb-1", "destinationCidrBlock": "0.0.0.0/0", "natGatewayId": "nat-1"},
    ROUTE_TABLE_ASSOCIATION: {"subnetId": "subnet-1", "routeTableId": "rtb-1"},
    VPC_ENDPOINT: {"vpcId": "vpc-1", "serviceName": "com.amazonaws.us-east-1.s3", "vpcEndpointType": "Gateway"},
    FLOW_LOG: {
        "vpcId": "vpc-1",
        "trafficType": "ALL",
        "logDestinationType": "cloud-watch-logs",
        "maxAggregationInterval": 60,
    },
}

case = constraint_case(COMPLIANT)

# (resource type, the change that breaks its compliant inputs, the start of the message it then reports, id)
CASES = [
    # Tags (one constraint, shared by every taggable type)
    case(VPC, {"tags": {"Team#1": "platform"}}, 'tags key "Team#1": AWS allows letters', "tag-key-characters"),
    case(VPC, {"tags": {"k" * 129: "v"}}, "tags key", "tag-key-length"),
    case(VPC, {"tags": {"Owner": "Ops' team"}}, 'tags["Owner"] is "Ops\' team": AWS allows letters', "tag-value"),
    case(VPC, {"tags": {"Note": "v" * 257}}, 'tags["Note"] is', "tag-value-length"),
    # The VPC, its subnets, gateways, routes, endpoints and flow logs
    case(
        VPC,
        {"cidrBlock": "10.0.0.0/8"},
        'cidrBlock is "10.0.0.0/8": AWS allows an IPv4 network address from /16 to /28',
        "vpc-too-big",
    ),
    case(VPC, {"cidrBlock": "10.0.0.1/16"}, 'cidrBlock is "10.0.0.1/16": AWS allows an IPv4 network', "host-bits"),
    case(
        VPC_CIDR_BLOCK_ASSOCIATION,
        {"cidrBlock": "100.64.0.0/12"},
        'cidrBlock is "100.64.0.0/12": AWS allows an IPv4 network address from /16 to /28',
        "secondary-range-size",
    ),
    case(VPC, {"instanceTenancy": "host"}, 'instanceTenancy is "host": AWS allows one of "default"', "tenancy"),
    case(SUBNET, {"cidrBlock": "10.0.0.0/29"}, 'cidrBlock is "10.0.0.0/29": AWS allows an IPv4', "subnet-too-small"),
    case(INTERNET_GATEWAY, {"tags": {"aws:name": "x"}}, 'tags key "aws:name"', "gateway-tags"),
    case(EIP, {"domain": "classic"}, 'domain is "classic": AWS allows one of "vpc", "standard"', "eip-domain"),
    case(NAT_GATEWAY, {"connectivityType": "shared"}, 'connectivityType is "shared": AWS allows one of', "nat-type"),
    case(NAT_GATEWAY, {"availabilityMode": "multi"}, 'availabilityMode is "multi": AWS allows one of', "nat-mode"),
    case(ROUTE_TABLE, {"routes": [{"cidrBlock": "0.0.0.0/33"}]}, 'routes[0].cidrBlock is "0.0.0.0/33"', "routes"),
    case(ROUTE_TABLE, {"routes": [{"ipv6CidrBlock": "::/129"}]}, 'routes[0].ipv6CidrBlock is "::/129"', "routes-v6"),
    case(
        ROUTE,
        {"destinationPrefixListId": "pl-1"},
        'destinationCidrBlock "0.0.0.0/0" and destinationPrefixListId "pl-1" are set together: AWS allows exactly '
        "one of destinationCidrBlock, destinationIpv6CidrBlock, destinationPrefixListId",
        "route-destinations",
    ),
    case(ROUTE, {"natGatewayId": None}, "none of carrierGatewayId, coreNetworkArn,", "route-without-target"),
    case(ROUTE, {"gatewayId": "igw-1"}, 'gatewayId "igw-1" and natGatewayId "nat-1" are set together', "two-targets"),
    case(ROUTE, {"destinationCidrBlock": "10.0.0.0/33"}, 'destinationCidrBlock is "10.0.0.0/33"', "route-cidr"),
    case(
        ROUTE,
        {"destinationCidrBlock": None, "destinationIpv6CidrBlock": "2001:db8::1/32"},
        'destinationIpv6CidrBlock is "2001:db8::1/32": AWS allows an IPv6 network address',
        "route-ipv6-cidr",
    ),
    case(
        ROUTE_TABLE_ASSOCIATION,
        {"gatewayId": "igw-1"},
        'subnetId "subnet-1" and gatewayId "igw-1" are set together: AWS allows exactly one of subnetId, gatewayId',
        "association-both",
    ),
    case(ROUTE_TABLE_ASSOCIATION, {"subnetId": None}, "none of subnetId, gatewayId is set", "association-neither"),
    case(VPC_ENDPOINT, {"vpcEndpointType": "gateway"}, 'vpcEndpointType is "gateway": AWS allows one of', "endpoint"),
    case(VPC_ENDPOINT, {"ipAddressType": "v4"}, 'ipAddressType is "v4": AWS allows one of', "endpoint-address-type"),
    case(VPC_ENDPOINT, {"serviceName": None}, "none of resourceConfigurationArn, serviceName,", "endpoint-service"),
    case(
        FLOW_LOG,
        {"maxAggregationInterval": 300},
        "maxAggregationInterval is 300: AWS allows one of 60, 600",
        "aggregation-interval",
    ),
    case(FLOW_LOG, {"trafficType": "all"}, 'trafficType is "all": AWS allows one of "ACCEPT"', "traffic-type"),
    case(FLOW_LOG, {"logDestinationType": "logs"}, 'logDestinationType is "logs": AWS allows one of', "destination"),
    # Security groups and their rules
    case(
        SECURITY_GROUP,
        {"namePrefix": None, "name": "sg-web"},
        'name is "sg-web": AWS allows no value starting with "sg-"',
        "group-name-first-characters",
    ),
    case(SECURITY_GROUP, {"namePrefix": None, "name": "n" * 256}, "name is", "group-name-length"),
    case(SECURITY_GROUP, {"namePrefix": None, "name": "web's"}, f'name is "web\'s": {GROUP_CHARACTERS}', "group-name"),
    case(SECURITY_GROUP, {"namePrefix": "p" * 230}, "namePrefix is", "group-prefix-length"),
    case(SECURITY_GROUP, {"namePrefix": "sg-alb-"}, 'namePrefix is "sg-alb-": AWS allows no value', "group-prefix"),
    case(SECURITY_GROUP, {"namePrefix": "alb's-"}, f'namePrefix is "alb\'s-": {GROUP_CHARACTERS}', "group-prefix-set"),
    case(
        SECURITY_GROUP,
        {"name": "sentinel-prod-alb"},
        'name "sentinel-prod-alb" and namePrefix "sentinel-prod-alb-" are set together: AWS allows at most one of '
        "name, namePrefix",
        "group-name-and-prefix",
    ),
    case(SECURITY_GROUP, {"description": ""}, 'description is "": AWS allows 1 to 255 characters', "group-no-desc"),
    case(SECURITY_GROUP, {"description": "Cloudflare's"}, f'description is "Cloudflare\'s": {GROUP_CHARACTERS}', "gd"),
    case(
        SECURITY_GROUP,
        {"ingress": [{"description": "SSH from the bastion"}, {"description": "Admin's"}]},
        f'ingress[1].description is "Admin\'s": {RULE_CHARACTERS}',
        "inline-rule",
    ),
    case(DEFAULT_SECURITY_GROUP, {"egress": [{"description": "d" * 256}]}, "egress[0].description is", "default-rule"),
    case(
        DEFAULT_SECURITY_GROUP,
        {"egress": [{"description": "to [a] {b} $c*"}, {"description": "Ops'"}]},
        "egress[1]",
        "default-egress-characters",
    ),
    case(SECURITY_GROUP, {"ingress": [{"description": "d" * 256}]}, "ingress[0].description is", "inline-length"),
    case(
        DEFAULT_SECURITY_GROUP,
        {"ingress": [{"description": "a & b"}]},
        'ingress[0].description is "a & b"',
        "default-ingress-ampersand",
    ),
    case(
        SECURITY_GROUP_INGRESS_RULE,
        {"description": "HTTPS from Cloudflare's edge"},
        f'description is "HTTPS from Cloudflare\'s edge": {RULE_CHARACTERS} (source: '
        "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_UserIdGroupPair.html)",
        "rule-description-apostrophe",
    ),
    case(SECURITY_GROUP_INGRESS_RULE, {"description": "A & B"}, f'description is "A & B": {RULE_CHARACTERS}', "amp"),
    case(SECURITY_GROUP_INGRESS_RULE, {"description": "d" * 256}, "description is", "rule-description-length"),
    case(SECURITY_GROUP_INGRESS_RULE, {"ipProtocol": "https"}, 'ipProtocol is "https": AWS allows tcp', "protocol"),
    case(
        SECURITY_GROUP_INGRESS_RULE,
        {"cidrIpv4": "0.0.0.0/0"},
        f'cidrIpv4 "0.0.0.0/0" and prefixListId "pl-1" are set together: AWS allows {RULE_PEERS}',
        "two-peers",
    ),
    case(
        SECURITY_GROUP_INGRESS_RULE,
        {"prefixListId": None},
        "none of cidrIpv4, cidrIpv6, prefixListId, referencedSecurityGroupId is set",
        "no-peer",
    ),
    case(
        SECURITY_GROUP_INGRESS_RULE,
        {"ipProtocol": "-1", "toPort": None},
        'fromPort is 443 with ipProtocol "-1": AWS allows no ports for all protocols',
        "ports-with-all-protocols",
    ),
    case(
        SECURITY_GROUP_INGRESS_RULE,
        {"toPort": 70000},
        'toPort is 70000 with ipProtocol "tcp": AWS allows whole numbers from 0 to 65535',
        "port-range",
    ),
    case(
        SECURITY_GROUP_INGRESS_RULE,
        {"fromPort": 444},
        "fromPort 444 is above toPort 443: AWS allows ranges whose start is not above their end",
        "reversed-ports",
    ),
    case(
        SECURITY_GROUP_INGRESS_RULE,
        {"ipProtocol": "icmp", "fromPort": 8, "toPort": 256},
        'toPort is 256 with ipProtocol "icmp": AWS allows whole numbers from -1 to 255',
        "icmp-code",
    ),
    case(
        SECURITY_GROUP_INGRESS_RULE,
        {"prefixListId": None, "cidrIpv4": "10.0.0.1/8"},
        'cidrIpv4 is "10.0.0.1/8": AWS allows an IPv4 network address from /0 to /32',
        "rule-cidr",
    ),
    case(
        SECURITY_GROUP_INGRESS_RULE,
        {"prefixListId": None, "cidrIpv6": "10.0.0.0/8"},
        'cidrIpv6 is "10.0.0.0/8": AWS allows an IPv6 network address from /0 to /128',
        "rule-cidr-v6",
    ),
    case(SECURITY_GROUP_EGRESS_RULE, {"description": "NAT's"}, f'description is "NAT\'s": {RULE_CHARACTERS}', "egress"),
    # Managed prefix lists
    case(
        MANAGED_PREFIX_LIST,
        {"name": "com.amazonaws.cloudflare"},
        'name is "com.amazonaws.cloudflare": AWS allows no value starting with "com.amazonaws"',
        "prefix-list-reserved-name",
    ),
    case(MANAGED_PREFIX_LIST, {"name": "n" * 256}, "name is", "prefix-list-name-length"),
    case(MANAGED_PREFIX_LIST, {"addressFamily": "IPv5"}, 'addressFamily is "IPv5": AWS allows one of', "family"),
    case(
        MANAGED_PREFIX_LIST,
        {"entries": [{"cidr": "173.245.48.0/20", "description": "d" * 256}]},
        "entries[0].description is",
        "entry-description",
    ),
    case(
        MANAGED_PREFIX_LIST,
        {"maxEntries": 1},
        "entries has 2 items but maxEntries is 1: AWS allows at most maxEntries entries",
        "max-entries",
    ),
]

test_compliant_values_pass, test_each_constraint_reports_its_planted_value = property_rule_tests(CASES)


def test_every_constraint_has_a_failing_case() -> None:
    assert untested_constraints(network.CONSTRAINTS, CASES) == []


UNKNOWN_CASES = [
    pytest.param(SECURITY_GROUP_INGRESS_RULE, {"description": UNKNOWN}, id="description"),
    pytest.param(SECURITY_GROUP_INGRESS_RULE, {"cidrIpv4": UNKNOWN}, id="second-peer"),
    pytest.param(SECURITY_GROUP_INGRESS_RULE, {"ipProtocol": "-1", "fromPort": UNKNOWN, "toPort": None}, id="ports"),
    pytest.param(SECURITY_GROUP_INGRESS_RULE, {"ipProtocol": UNKNOWN, "toPort": 70000}, id="protocol"),
    pytest.param(SECURITY_GROUP, {"name": UNKNOWN}, id="name-beside-prefix"),
    pytest.param(SECURITY_GROUP, {"tags": {"Owner": UNKNOWN}}, id="tag-value"),
    pytest.param(MANAGED_PREFIX_LIST, {"entries": UNKNOWN, "maxEntries": 1}, id="entries"),
    pytest.param(MANAGED_PREFIX_LIST, {"maxEntries": UNKNOWN}, id="max-entries"),
    pytest.param(ROUTE_TABLE, {"routes": [{"cidrBlock": UNKNOWN}]}, id="route-cidr"),
]

test_unknown_values_are_not_violations = unknown_values_test(COMPLIANT, UNKNOWN_CASES)
