"""`sentinel:network`: the VPC's address space, its zones and the subnet plan.

The subnet plan is a fixed function of the VPC CIDR, the tier and the zone's letter (design D13): each tier
owns a fixed block of the VPC and each zone a fixed slot in it, so adding or removing a zone, or resizing
one tier, never moves another subnet (a moved subnet replaces NAT gateways and cannot be deleted while a
database's network interfaces sit in it).

    tier      block of the VPC          slot of zone a, b, c, ... f (index 0-5)
    private   first 3/4  (offset 0)     block start + index x private subnet size
    public    next 1/8   (offset 3/4)   block start + index x public subnet size
    data      last 1/8   (offset 7/8)   block start + index x data subnet size
"""

from __future__ import annotations

import ipaddress
from fractions import Fraction
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from components.config.types import (
    Ipv4Cidr,
    Key,
    LogRetentionDays,
    Section,
    SectionError,
    by_environment,
    dotted,
    ipv4_network,
    unique,
)

Tier = Literal["public", "private", "data"]
TIERS: tuple[Tier, ...] = ("public", "private", "data")

ZONE_LETTERS = "abcdef"
"""A zone's slot is its letter's index; six slots are reserved in every tier, one per possible zone."""

# Where each tier's block starts and how much of the VPC it holds.
TIER_BLOCKS: dict[Tier, tuple[Fraction, Fraction]] = {
    "private": (Fraction(0), Fraction(3, 4)),
    "public": (Fraction(3, 4), Fraction(1, 8)),
    "data": (Fraction(7, 8), Fraction(1, 8)),
}

# The smallest subnet AWS allows is a /28; the public and data blocks (1/8 of the VPC) hold six of them
# only in a VPC of /22 or larger.
_SMALLEST_SUBNET = 28
_LARGEST_VPC, _SMALLEST_VPC = 16, 22


def _private_vpc_cidr(value: str) -> str:
    network = ipv4_network(value)
    if not network.is_private:
        raise ValueError("must be inside a private range (10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16)")
    if not _LARGEST_VPC <= network.prefixlen <= _SMALLEST_VPC:
        raise ValueError(
            f"prefix length must be /{_LARGEST_VPC} to /{_SMALLEST_VPC} (AWS allows /16-/28; the subnet plan "
            "keeps 1/8 of the VPC for six zones of public and of data subnets)"
        )
    return str(network)


def _zone_letters(zones: list[str]) -> list[str]:
    beyond = [zone for zone in zones if zone[-1:] not in ZONE_LETTERS]
    if beyond:
        raise ValueError(
            f"{beyond} must end in a zone letter a-f: the subnet plan reserves one slot for each of zones a-f"
        )
    return zones


def zone_slot(zone: str) -> int:
    """The slot of a zone such as us-east-1c: its letter's index (2)."""
    return ZONE_LETTERS.index(zone[-1])


class SubnetPrefixLengths(Section):
    """Size of each tier's subnet in every zone. Private subnets hold EKS pods (the VPC CNI gives each pod a
    VPC address), hence the large default."""

    public: int = Field(default=24, ge=_LARGEST_VPC, le=_SMALLEST_SUBNET)
    """Prefix length of each public subnet (the ALB, the NAT gateways)."""
    private: int = Field(default=19, ge=_LARGEST_VPC, le=_SMALLEST_SUBNET)
    """Prefix length of each private subnet: the EKS nodes, whose pods each take a VPC address (the VPC CNI),
    hence the large default."""
    data: int = Field(default=24, ge=_LARGEST_VPC, le=_SMALLEST_SUBNET)
    """Prefix length of each data subnet (Aurora, RDS Proxy, ElastiCache, EFS: no route out)."""


class SubnetCidrs(Section):
    """Explicit subnet CIDRs per tier, one per availability zone in the same order (for existing address plans)."""

    public: list[Ipv4Cidr]
    """The public subnets, one per zone in the order of `availabilityZones`."""
    private: list[Ipv4Cidr]
    """The private subnets, one per zone in the order of `availabilityZones`."""
    data: list[Ipv4Cidr]
    """The data subnets, one per zone in the order of `availabilityZones`."""


class LayoutError(ValueError):
    def __init__(self, key: Key, message: str) -> None:
        super().__init__(message)
        self.key = key


class NetworkConfig(Section):
    vpc_cidr: Annotated[str, AfterValidator(_private_vpc_cidr)]
    """The VPC's private IPv4 range, /16 to /22: the subnet plan keeps 1/8 of it for six zones of public and of
    data subnets, which AWS's smallest subnet (/28) fits only down to a /22."""
    availability_zones: Annotated[
        list[str], Field(min_length=2, max_length=6), AfterValidator(unique), AfterValidator(_zone_letters)
    ]
    """The region's zones the stack spreads over, distinct, ending in a letter a-f: a zone's letter is its slot
    in the subnet plan, so adding or removing one moves no other subnet."""
    nat_gateways: Annotated[Literal["single", "perAz"], by_environment(dev="single", staging="perAz", prod="perAz")]
    """One NAT gateway per zone, or a single one: one per zone keeps a zone's outage from cutting the others
    off; dev saves the cost with one."""
    subnet_prefix_lengths: SubnetPrefixLengths = SubnetPrefixLengths()
    """The size of each tier's subnet in every zone, under the fixed subnet plan."""
    subnet_cidrs: SubnetCidrs | None = None
    """Explicit subnets per tier, one per zone, for an existing address plan; unset, the fixed subnet plan
    places them."""
    flow_log_retention_days: Annotated[LogRetentionDays, by_environment(dev=30, staging=90, prod=365)]
    """How long the VPC's flow logs are kept (a CloudWatch Logs retention period)."""

    @model_validator(mode="after")
    def _check_layout(self) -> NetworkConfig:
        try:
            self.subnet_layout()
        except LayoutError as error:
            raise SectionError([(error.key, str(error))]) from None
        return self

    def subnet_layout(self) -> dict[Tier, list[ipaddress.IPv4Network]]:
        """Each tier's subnets, one per zone in the order of `availability_zones`: as configured, or from the
        fixed plan."""
        vpc = ipaddress.IPv4Network(self.vpc_cidr)
        if self.subnet_cidrs is not None:
            layout: dict[Tier, list[ipaddress.IPv4Network]] = {
                tier: [ipaddress.IPv4Network(c) for c in getattr(self.subnet_cidrs, tier)] for tier in TIERS
            }
            _check_explicit_layout(vpc, layout, len(self.availability_zones))
            return layout
        return {
            tier: [
                planned_subnet(vpc, tier, getattr(self.subnet_prefix_lengths, tier), zone_slot(zone))
                for zone in self.availability_zones
            ]
            for tier in TIERS
        }


def planned_subnet(vpc: ipaddress.IPv4Network, tier: Tier, prefix: int, slot: int) -> ipaddress.IPv4Network:
    """The subnet of one tier in one zone slot under the fixed plan; LayoutError if the tier's subnets are too
    large for its block."""
    start, share = TIER_BLOCKS[tier]
    size = 2 ** (32 - prefix)
    block_size = vpc.num_addresses * share
    if size * len(ZONE_LETTERS) > block_size:
        largest = 32 - int(block_size / len(ZONE_LETTERS)).bit_length() + 1
        raise LayoutError(
            ("subnetPrefixLengths", tier),
            f"/{prefix} is too large: the {tier} tier holds six zone slots in {share} of the VPC {vpc}, so its "
            f"subnets must be /{largest} or smaller; use a longer prefix or a larger vpcCidr",
        )
    address = int(vpc.network_address) + int(vpc.num_addresses * start) + slot * size
    return ipaddress.IPv4Network((address, prefix))


def _check_explicit_layout(
    vpc: ipaddress.IPv4Network, layout: dict[Tier, list[ipaddress.IPv4Network]], zones: int
) -> None:
    placed: list[tuple[Key, ipaddress.IPv4Network]] = []
    for tier, subnets in layout.items():
        if len(subnets) != zones:
            raise LayoutError(
                ("subnetCidrs", tier), f"has {len(subnets)} CIDRs; give exactly one per availability zone ({zones})"
            )
        for index, subnet in enumerate(subnets):
            key: Key = ("subnetCidrs", tier, index)
            if not subnet.subnet_of(vpc):
                raise LayoutError(key, f"{subnet} is outside the VPC {vpc}; every subnet must fit inside vpcCidr")
            clash = next((other_key for other_key, other in placed if other.overlaps(subnet)), None)
            if clash is not None:
                raise LayoutError(key, f"{subnet} overlaps {dotted(('network', *clash))}; subnets must not overlap")
            placed.append((key, subnet))
