"""The subnet plan (design D13): each tier's block and each zone's slot are fixed by the VPC CIDR (the pod range
for the pods' tier), the tier and the zone's letter, so a zone added or removed, or a tier resized, moves no other
subnet."""

from __future__ import annotations

from typing import Any

import pytest

from offline.graph import Graph
from tests import programs
from tests.graph_queries import SUBNET
from tests.helpers import graph_of, load, problems_of

# Pinned: a change here moves live subnets (and replaces what sits in them). Change it only on purpose.
GOLDEN_PLANS = {
    "prod": {
        "public": ["10.0.192.0/24", "10.0.193.0/24", "10.0.194.0/24"],
        "private": ["10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19"],
        "data": ["10.0.224.0/24", "10.0.225.0/24", "10.0.226.0/24"],
        "pods": ["100.64.0.0/19", "100.64.32.0/19", "100.64.64.0/19"],
    },
    "staging": {
        "public": ["10.20.192.0/24", "10.20.193.0/24", "10.20.194.0/24"],
        "private": ["10.20.0.0/19", "10.20.32.0/19", "10.20.64.0/19"],
        "data": ["10.20.224.0/24", "10.20.225.0/24", "10.20.226.0/24"],
        "pods": ["100.64.0.0/19", "100.64.32.0/19", "100.64.64.0/19"],
    },
    "dev": {
        "public": ["10.30.48.0/26", "10.30.48.64/26", "10.30.48.128/26"],
        "private": ["10.30.0.0/21", "10.30.8.0/21", "10.30.16.0/21"],
        "data": ["10.30.56.0/26", "10.30.56.64/26", "10.30.56.128/26"],
        "pods": ["100.64.0.0/19", "100.64.32.0/19", "100.64.64.0/19"],
    },
}
ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"]


def subnets_by_name(graph: Graph) -> dict[str, dict[str, Any]]:
    """Every subnet's logical name and what decides where it lives."""
    return {
        subnet.name: {key: subnet.inputs[key] for key in ("cidrBlock", "availabilityZone")}
        for subnet in graph.of_type(SUBNET)
    }


@pytest.mark.parametrize("stack", sorted(GOLDEN_PLANS))
def test_each_stacks_subnets_are_pinned(stack: str) -> None:
    placed = {
        (subnet.inputs["tags"]["Tier"], subnet.inputs["availabilityZone"]): subnet.inputs["cidrBlock"]
        for subnet in graph_of(stack).of_type(SUBNET)
    }
    expected = {
        (tier, zone): cidr
        for tier, cidrs in GOLDEN_PLANS[stack].items()
        for zone, cidr in zip(ZONES, cidrs, strict=True)
    }
    assert placed == expected


def test_adding_a_zone_moves_no_subnet_and_no_nat_gateway() -> None:
    before = graph_of("prod")
    after = programs.run(programs.network, "prod", {"sentinel:network.availabilityZones": [*ZONES, "us-east-1d"]})
    kept, grown = subnets_by_name(before), subnets_by_name(after)
    assert {name: grown[name] for name in kept} == kept
    assert sorted(set(grown) - set(kept)) == [
        "network-data-d",
        "network-pods-d",
        "network-private-d",
        "network-public-d",
    ]
    assert grown["network-public-d"]["cidrBlock"] == "10.0.195.0/24"
    assert grown["network-pods-d"]["cidrBlock"] == "100.64.96.0/19"
    nats = {nat.name: nat.inputs for nat in before.of_type("aws:ec2/natGateway:NatGateway")}
    assert {nat.name: nat.inputs for nat in after.of_type("aws:ec2/natGateway:NatGateway") if nat.name in nats} == nats


@pytest.mark.parametrize(
    ("overrides", "moved_tier"),
    [
        ({"sentinel:network.availabilityZones": ["us-east-1a", "us-east-1c"]}, None),
        ({"sentinel:network.availabilityZones": ["us-east-1c", "us-east-1a", "us-east-1b"]}, None),
        ({"sentinel:network.subnetPrefixLengths": {"private": 20}}, "private"),
        ({"sentinel:network.subnetPrefixLengths": {"public": 26, "data": 25}}, "public"),
        ({"sentinel:network.subnetPrefixLengths": {"pods": 20}}, "pods"),
    ],
    ids=["a zone removed", "zones reordered", "private resized", "public and data resized", "pods resized"],
)
def test_a_change_to_one_zone_or_tier_leaves_every_other_subnet_where_it_was(
    overrides: dict[str, Any], moved_tier: str | None
) -> None:
    def by_zone(network: Any) -> dict[tuple[str, str], str]:
        return {
            (tier, zone): str(cidr)
            for tier, cidrs in network.subnet_layout().items()
            for zone, cidr in zip(network.availability_zones, cidrs, strict=True)
        }

    before, after = by_zone(load("prod").network), by_zone(load("prod", overrides).network)
    untouched_tiers = (
        {"public", "private", "data", "pods"} - {moved_tier} - ({"data"} if moved_tier == "public" else set())
    )
    assert {key: cidr for key, cidr in after.items() if key[0] in untouched_tiers} == {
        key: before[key] for key in after if key[0] in untouched_tiers
    }


def test_a_zone_beyond_the_six_planned_slots_is_refused() -> None:
    [problem] = problems_of({"sentinel:network.availabilityZones": ["us-east-1a", "us-east-1g"]})
    assert problem.startswith("sentinel:network.availabilityZones")
    assert "zones a-f" in problem


def test_a_tier_too_large_for_its_block_names_the_largest_that_fits() -> None:
    [problem] = problems_of({"sentinel:network.subnetPrefixLengths": {"public": 21}})
    assert problem.startswith("sentinel:network.subnetPrefixLengths.public = 21: /21 is too large")
    assert "must be /22 or smaller" in problem
