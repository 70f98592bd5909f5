"""`sentinel:network`: the VPC's address space, its zones and the subnet plan.

The subnet plan is a fixed function of the VPC CIDR (the pod range for the pods' tier), the tier and the zone's
letter (design D13): each tier owns a fixed block of its range and each zone a fixed slot in it, so adding or
removing a zone, or resizing one tier, never moves another subnet (a moved subnet replaces NAT gateways and cannot
be deleted while a database's network interfaces sit in it).

    tier      block                            slot of zone a, b, c, ... f (index 0-5)
    private   first 3/4 of the VPC  (offset 0)     block start + index x private subnet size
    public    next 1/8 of the VPC   (offset 3/4)   block start + index x public subnet size
    data      last 1/8 of the VPC   (offset 7/8)   block start + index x data subnet size
    pods      the whole pod range   (offset 0)     block start + index x pods subnet size

The pods' tier is the VPC's secondary range (`podCidr`), where the VPC CNI's custom networking gives every pod its
address: the private subnets then hold the nodes alone, so "from the nodes" means the nodes
(components/network_policies.py).
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

Tier = Literal["public", "private", "data", "pods"]
TIERS: tuple[Tier, ...] = ("public", "private", "data", "pods")

ZONE_LETTERS = "abcdef"
"""A zone's slot is its letter's index; six slots are reserved in every tier, one per possible zone."""

# Where each tier's block starts and how much of its range (the VPC's, the pod range for pods) it holds.
TIER_BLOCKS: dict[Tier, tuple[Fraction, Fraction]] = {
    "private": (Fraction(0), Fraction(3, 4)),
    "public": (Fraction(3, 4), Fraction(1, 8)),
    "data": (Fraction(7, 8), Fraction(1, 8)),
    "pods": (Fraction(0), Fraction(1)),
}
# The ranges AWS recommends for pods on a secondary VPC range: never routed on the internet, and outside the
# RFC 1918 ranges address plans use (https://docs.aws.amazon.com/eks/latest/userguide/cni-custom-network.html).
POD_RANGES = (ipaddress.IPv4Network("100.64.0.0/10"), ipaddress.IPv4Network("198.19.0.0/16"))
# A VPC's secondary range is /16 to /28 (AssociateVpcCidrBlock); six /28 zone slots need a /25 at least, and the
# VPC CNI's pods need far more.
_LARGEST_POD_RANGE, _SMALLEST_POD_RANGE = 16, 22

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


def _pod_cidr(value: str) -> str:
    network = ipv4_network(value)
    if not any(network.subnet_of(allowed) for allowed in POD_RANGES):
        raise ValueError(f"must be inside {' or '.join(str(allowed) for allowed in POD_RANGES)}, the ranges for pods")
    if not _LARGEST_POD_RANGE <= network.prefixlen <= _SMALLEST_POD_RANGE:
        raise ValueError(
            f"prefix length must be /{_LARGEST_POD_RANGE} to /{_SMALLEST_POD_RANGE}: every pod of the cluster takes an "
            "address from it"
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
    """Size of each tier's subnet in every zone. The pods' subnets hold every pod (the VPC CNI gives each pod a
    VPC address), hence their large default."""

    public: int = Field(default=24, ge=_LARGEST_VPC, le=_SMALLEST_SUBNET)
    """Prefix length of each public subnet (the ALB, the NAT gateways)."""
    private: int = Field(default=19, ge=_LARGEST_VPC, le=_SMALLEST_SUBNET)
    """Prefix length of each private subnet: the EKS nodes, the EKS control plane's interfaces, the bastion and
    the deploy runner."""
    data: int = Field(default=24, ge=_LARGEST_VPC, le=_SMALLEST_SUBNET)
    """Prefix length of each data subnet (Aurora, RDS Proxy, ElastiCache, EFS: no route out)."""
    pods: int = Field(default=19, ge=_LARGEST_VPC, le=_SMALLEST_SUBNET)
    """Prefix length of each pods' subnet, carved from `podCidr`: every pod's address."""


class SubnetCidrs(Section):
    """Explicit subnet CIDRs per tier, one per availability zone in the same order (for existing address plans)."""

    public: list[Ipv4Cidr]
    """The public subnets, one per zone in the order of `availabilityZones`."""
    private: list[Ipv4Cidr]
    """The private subnets, one per zone in the order of `availabilityZones`."""
    data: list[Ipv4Cidr]
    """The data subnets, one per zone in the order of `availabilityZones`."""
    pods: list[Ipv4Cidr] | None = None
    """The pods' subnets inside `podCidr`, one per zone in the order of `availabilityZones`; unset, the subnet
    plan places them."""


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
    pod_cidr: Annotated[str, AfterValidator(_pod_cidr)] = "100.64.0.0/16"
    """The VPC's secondary range, where every pod gets its address (the VPC CNI's custom networking), /16 to /22
    inside 100.64.0.0/10 or 198.19.0.0/16: the private subnets keep the nodes alone, so a network policy that
    admits the nodes admits no pod. Each VPC has its own, so every stack may use the default."""
    subnet_prefix_lengths: SubnetPrefixLengths = SubnetPrefixLengths()
    """The size of each tier's subnet in every zone, under the fixed subnet plan."""
    subnet_cidrs: SubnetCidrs | None = None
    """Explicit subnets per tier, one per zone, for an existing address plan; unset, the fixed subnet plan
    places them."""
    flow_log_retention_days: Annotated[LogRetentionDays, by_environment(dev=30, staging=90, prod=365)]
    """How long the VPC's flow logs are kept (a CloudWatch Logs retention period)."""

    @model_validator(mode="after")
    def _check_layout(self) -> NetworkConfig:
        if ipaddress.IPv4Network(self.pod_cidr).overlaps(ipaddress.IPv4Network(self.vpc_cidr)):
            raise SectionError(
                [(("podCidr",), f"{self.pod_cidr} overlaps vpcCidr {self.vpc_cidr}; give a range apart")]
            )
        try:
            self.subnet_layout()
        except LayoutError as error:
            raise SectionError([(error.key, str(error))]) from None
        return self

    def subnet_layout(self) -> dict[Tier, list[ipaddress.IPv4Network]]:
        """Each tier's subnets, one per zone in the order of `availability_zones`: as configured, or from the
        fixed plan (the pods' tier from it where `subnet_cidrs` leaves it out)."""
        ranges = _ranges(self)
        if self.subnet_cidrs is None:
            return {tier: self._planned(tier, ranges[tier]) for tier in TIERS}
        layout: dict[Tier, list[ipaddress.IPv4Network]] = {}
        for tier in TIERS:
            given = getattr(self.subnet_cidrs, tier)
            layout[tier] = (
                self._planned(tier, ranges[tier]) if given is None else [ipaddress.IPv4Network(c) for c in given]
            )
        _check_explicit_layout(ranges, layout, len(self.availability_zones))
        return layout

    def _planned(self, tier: Tier, space: ipaddress.IPv4Network) -> list[ipaddress.IPv4Network]:
        prefix = getattr(self.subnet_prefix_lengths, tier)
        return [planned_subnet(space, tier, prefix, zone_slot(zone)) for zone in self.availability_zones]


def _ranges(config: NetworkConfig) -> dict[Tier, ipaddress.IPv4Network]:
    """The range each tier is carved from: the pod range for the pods, the VPC's primary range for the rest."""
    vpc, pods = ipaddress.IPv4Network(config.vpc_cidr), ipaddress.IPv4Network(config.pod_cidr)
    return {tier: pods if tier == "pods" else vpc for tier in TIERS}


def _range_key(tier: Tier) -> str:
    return "podCidr" if tier == "pods" else "vpcCidr"


def planned_subnet(space: ipaddress.IPv4Network, tier: Tier, prefix: int, slot: int) -> ipaddress.IPv4Network:
    """The subnet of one tier in one zone slot of its range `space` under the fixed plan; LayoutError if the
    tier's subnets are too large for its block."""
    start, share = TIER_BLOCKS[tier]
    size = 2 ** (32 - prefix)
    block_size = space.num_addresses * share
    if size * len(ZONE_LETTERS) > block_size:
        largest = 32 - int(block_size / len(ZONE_LETTERS)).bit_length() + 1
        raise LayoutError(
            ("subnetPrefixLengths", tier),
            f"/{prefix} is too large: the {tier} tier holds six zone slots in {share} of {space} "
            f"({_range_key(tier)}), so its subnets must be /{largest} or smaller; use a longer prefix or a larger "
            f"{_range_key(tier)}",
        )
    address = int(space.network_address) + int(space.num_addresses * start) + slot * size
    return ipaddress.IPv4Network((address, prefix))


def _check_explicit_layout(
    ranges: dict[Tier, ipaddress.IPv4Network], layout: dict[Tier, list[ipaddress.IPv4Network]], zones: int
) -> None:
    placed: list[tuple[Key, ipaddress.IPv4Network]] = []
    for tier, subnets in layout.items():
        if len(subnets) != zones:
            raise LayoutError(
                ("subnetCidrs", tier), f"has {len(subnets)} CIDRs; give exactly one per availability zone ({zones})"
            )
        for index, subnet in enumerate(subnets):
            key: Key = ("subnetCidrs", tier, index)
            space = ranges[tier]
            if not subnet.subnet_of(space):
                raise LayoutError(
                    key, f"{subnet} is outside {space}; every {tier} subnet must fit inside {_range_key(tier)}"
                )
            clash = next((other_key for other_key, other in placed if other.overlaps(subnet)), None)
            if clash is not None:
                raise LayoutError(key, f"{subnet} overlaps {dotted(('network', *clash))}; subnets must not overlap")
            placed.append((key, subnet))
