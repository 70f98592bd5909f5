"""`sentinel:network`: the subnet plan carves the VPC without overlaps, explicit subnets are used as given, and
every bad input is named by its full key with what is allowed."""

from __future__ import annotations

import ipaddress

from offline import REMOVE
from tests.config_cases import BadConfig, named_by_full_key
from tests.helpers import STACKS, load


def test_carved_subnets_fit_their_ranges_and_never_overlap() -> None:
    for stack in STACKS:
        network = load(stack).network
        vpc, pods = ipaddress.IPv4Network(network.vpc_cidr), ipaddress.IPv4Network(network.pod_cidr)
        layout = network.subnet_layout()
        subnets = [subnet for tier in layout.values() for subnet in tier]
        assert len(subnets) == 4 * len(network.availability_zones)
        assert all(subnet.subnet_of(vpc) for tier in ("public", "private", "data") for subnet in layout[tier])
        assert all(subnet.subnet_of(pods) for subnet in layout["pods"])
        assert not any(a.overlaps(b) for i, a in enumerate(subnets) for b in subnets[i + 1 :])


EXPLICIT = {
    "public": ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"],
    "private": ["10.0.32.0/19", "10.0.64.0/19", "10.0.96.0/19"],
    "data": ["10.0.3.0/24", "10.0.4.0/24", "10.0.5.0/24"],
}


def test_explicit_subnet_cidrs_are_used_as_given_and_the_pods_planned_unless_given() -> None:
    def layout_of(cidrs: dict[str, list[str]]) -> dict[str, list[str]]:
        layout = load("prod", {"sentinel:network.subnetCidrs": cidrs}).network.subnet_layout()
        return {tier: [str(subnet) for subnet in subnets] for tier, subnets in layout.items()}

    planned_pods = [str(subnet) for subnet in load("prod").network.subnet_layout()["pods"]]
    assert layout_of(EXPLICIT) == {**EXPLICIT, "pods": planned_pods}
    given_pods = ["100.64.128.0/20", "100.64.144.0/20", "100.64.160.0/20"]
    assert layout_of({**EXPLICIT, "pods": given_pods}) == {**EXPLICIT, "pods": given_pods}


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
    (
        "pod range in the address plan's",
        {"sentinel:network.podCidr": "10.1.0.0/16"},
        "sentinel:network.podCidr",
        "inside 100.64.0.0/10 or 198.19.0.0/16",
    ),
    ("pod range too small", {"sentinel:network.podCidr": "100.64.0.0/24"}, "sentinel:network.podCidr", "/16 to /22"),
    (
        "pod range over the vpc",
        {"sentinel:network.vpcCidr": "198.19.0.0/16", "sentinel:network.podCidr": "198.19.0.0/16"},
        "sentinel:network.podCidr",
        "overlaps vpcCidr",
    ),
    (
        "pods' subnets too large for the pod range",
        {"sentinel:network.podCidr": "100.64.0.0/20"},
        "sentinel:network.subnetPrefixLengths.pods",
        "larger podCidr",
    ),
    (
        "explicit pods' subnet outside the pod range",
        {"sentinel:network.subnetCidrs": {**EXPLICIT, "pods": ["100.64.0.0/20", "100.64.16.0/20", "10.0.6.0/24"]}},
        "sentinel:network.subnetCidrs.pods[2]",
        "inside podCidr",
    ),
]

test_bad_network_config_is_named_by_its_full_key = named_by_full_key(BAD_NETWORK)
