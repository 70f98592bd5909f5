"""`sentinel:network`: the subnet plan carves the VPC without overlaps, explicit subnets are used as given, and
every bad input is named by its full key with what is allowed."""

from __future__ import annotations

import ipaddress

from offline import REMOVE
from tests.config_cases import BadConfig, named_by_full_key
from tests.helpers import STACKS, load


def test_carved_subnets_fit_the_vpc_and_never_overlap() -> None:
    for stack in STACKS:
        network = load(stack).network
        vpc = ipaddress.IPv4Network(network.vpc_cidr)
        subnets = [subnet for tier in network.subnet_layout().values() for subnet in tier]
        assert len(subnets) == 3 * len(network.availability_zones)
        assert all(subnet.subnet_of(vpc) for subnet in subnets)
        assert not any(a.overlaps(b) for i, a in enumerate(subnets) for b in subnets[i + 1 :])


def test_explicit_subnet_cidrs_are_used_as_given() -> None:
    cidrs = {
        "public": ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"],
        "private": ["10.0.32.0/19", "10.0.64.0/19", "10.0.96.0/19"],
        "data": ["10.0.3.0/24", "10.0.4.0/24", "10.0.5.0/24"],
    }
    layout = load("prod", {"sentinel:network.subnetCidrs": cidrs}).network.subnet_layout()
    assert {tier: [str(subnet) for subnet in subnets] for tier, subnets in layout.items()} == cidrs


BAD_NETWORK: list[BadConfig] = [
    # (case, overrides, key named in the message, something the message says is allowed)
    ("malformed vpc cidr", {"sentinel:network.vpcCidr": "10.0.0.0/33"}, "sentinel:network.vpcCidr", "IPv4 CIDR"),
    ("host bits set", {"sentinel:network.vpcCidr": "10.0.0.1/16"}, "sentinel:network.vpcCidr", "no host bits"),
    ("public vpc cidr", {"sentinel:network.vpcCidr": "8.8.0.0/16"}, "sentinel:network.vpcCidr", "private range"),
    ("vpc too large", {"sentinel:network.vpcCidr": "10.0.0.0/8"}, "sentinel:network.vpcCidr", "/16 to /22"),
    (
        "subnets do not fit",
        {"sentinel:network.vpcCidr": "10.0.0.0/20"},
        "sentinel:network.subnetPrefixLengths",
        "larger vpcCidr",
    ),
    (
        "explicit subnet outside the vpc",
        {
            "sentinel:network.subnetCidrs": {
                "public": ["10.0.0.0/24", "10.0.1.0/24", "10.9.2.0/24"],
                "private": ["10.0.32.0/19", "10.0.64.0/19", "10.0.96.0/19"],
                "data": ["10.0.3.0/24", "10.0.4.0/24", "10.0.5.0/24"],
            }
        },
        "sentinel:network.subnetCidrs.public[2]",
        "inside vpcCidr",
    ),
    (
        "overlapping subnets",
        {
            "sentinel:network.subnetCidrs": {
                "public": ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"],
                "private": ["10.0.0.0/19", "10.0.64.0/19", "10.0.96.0/19"],
                "data": ["10.0.3.0/24", "10.0.4.0/24", "10.0.5.0/24"],
            }
        },
        "sentinel:network.subnetCidrs.private[0]",
        "must not overlap",
    ),
    (
        "a subnet per zone",
        {
            "sentinel:network.subnetCidrs": {
                "public": ["10.0.0.0/24"],
                "private": ["10.0.32.0/19", "10.0.64.0/19", "10.0.96.0/19"],
                "data": ["10.0.3.0/24", "10.0.4.0/24", "10.0.5.0/24"],
            }
        },
        "sentinel:network.subnetCidrs.public",
        "one per availability zone",
    ),
    (
        "one zone",
        {"sentinel:network.availabilityZones": ["us-east-1a"]},
        "sentinel:network.availabilityZones",
        "at least 2",
    ),
    (
        "duplicate zones",
        {"sentinel:network.availabilityZones": ["us-east-1a", "us-east-1a", "us-east-1b"]},
        "sentinel:network.availabilityZones",
        "more than once",
    ),
    (
        "zone outside the region",
        {"sentinel:network.availabilityZones": ["us-east-1a", "us-east-1b", "eu-west-1c"]},
        "sentinel:network.availabilityZones[2]",
        "us-east-1a, us-east-1b",
    ),
    (
        "retention not offered",
        {"sentinel:network.flowLogRetentionDays": 42},
        "sentinel:network.flowLogRetentionDays",
        "365",
    ),
    (
        "unknown NAT mode",
        {"sentinel:network.natGateways": "two"},
        "sentinel:network.natGateways",
        "'single' or 'perAz'",
    ),
    ("missing vpc cidr", {"sentinel:network.vpcCidr": REMOVE}, "sentinel:network.vpcCidr", "required"),
]

test_bad_network_config_is_named_by_its_full_key = named_by_full_key(BAD_NETWORK)
