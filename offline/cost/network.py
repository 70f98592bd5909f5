"""The pricers of the network: NAT gateways, public addresses, application load balancers and VPC endpoints.

An internet-facing load balancer also pays for its public addresses and the traffic it sends out.
"""

from __future__ import annotations

from offline.cost.model import Quantity
from offline.cost.pricing_graph import PricingGraph
from offline.graph import Resource
from offline.price_table import PriceError


def nat_gateway(resource: Resource, g: PricingGraph) -> list[Quantity]:
    share = g.usage.nat_processed_gb / len(g.by_type[resource.type])
    return [
        Quantity("NAT gateway hours", "gateway-hours", "nat_gateway", "hour", g.hours),
        Quantity("NAT gateway data processed", "GB", "nat_gateway", "gb_processed", share),
    ]


def _public_addresses(count: float, g: PricingGraph) -> Quantity:
    return Quantity("public IPv4 addresses", "address-hours", "public_ipv4_hour", "address", count * g.hours)


def elastic_ip(_resource: Resource, g: PricingGraph) -> list[Quantity]:
    return [_public_addresses(1, g)]


def load_balancer(resource: Resource, g: PricingGraph) -> list[Quantity]:
    if resource.inputs.get("loadBalancerType", "application") != "application":
        raise PriceError(f"{resource.urn}: only application load balancers are priced")
    quantities = [
        Quantity("load balancer hours", "ALB-hours", "alb", "hour", g.hours),
        Quantity("load balancer capacity units", "LCU-hours", "alb", "lcu_hour", g.usage.alb_lcus * g.hours),
    ]
    if resource.inputs.get("internal"):
        return quantities
    # An internet-facing ALB holds a public IPv4 address in each of its subnets' zones.
    zones = len(resource.inputs.get("subnets") or resource.inputs.get("subnetMappings") or [])
    egress = g.usage.internet_egress_gb
    return [
        *quantities,
        _public_addresses(zones, g),
        Quantity("data transfer out to the internet", "GB", "data_transfer", "internet_out_gb", egress),
    ]


def vpc_endpoint(resource: Resource, g: PricingGraph) -> list[Quantity]:
    if resource.inputs.get("vpcEndpointType", "Gateway") == "Gateway":
        return []
    hours = len(resource.inputs.get("subnetIds") or []) * g.hours
    return [Quantity("interface endpoint hours", "endpoint-hours", "vpc_endpoint", "interface_hour", hours)]
