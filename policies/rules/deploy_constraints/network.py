"""The network: the VPC, its subnets, gateways, routes, endpoints and flow logs, the security groups and their
rules, and the managed prefix lists the rules admit."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from policies.rules.deploy_constraints.allowed import (
    UNIQUE_SUFFIX,
    among,
    between,
    characters,
    cidr,
    length,
    not_starting_with,
)
from policies.rules.deploy_constraints.kinds import Constraint, Constraints, Fits, OneOf, Tags, Value, cited
from policies.rules.deploy_constraints.sources import (
    ALLOCATE_ADDRESS,
    CREATE_PREFIX_LIST,
    CREATE_ROUTE,
    CREATE_SECURITY_GROUP,
    IP_PERMISSION,
    PREFIX_LIST_ENTRY,
    RULE_DESCRIPTION,
    SECURITY_GROUP_RULE_REQUEST,
    SUBNET_SIZING,
    VPC_SIZING,
)
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
from policies.support.values import field, is_unknown, number, shown

_PORT_PROTOCOLS = ("tcp", "udp", "6", "17")
_ICMP_PROTOCOLS = ("icmp", "icmpv6", "1", "58")


@dataclass(frozen=True)
class PortRange:
    """A rule's ports fit its protocol: none for all protocols, 0-65535 with from <= to for TCP and UDP, an ICMP
    type and code (-1 for any) from -1 to 255 for ICMP."""

    source: str

    def violations(self, props: Any, _provider_props: Any, /) -> Iterator[str]:
        protocol = field(props, "ipProtocol")
        ports = {path: field(props, path) for path in ("fromPort", "toPort")}
        if is_unknown(protocol) or any(is_unknown(port) for port in ports.values()):
            return
        protocol = str(protocol).lower()
        if protocol == "-1":
            for path, port in ports.items():
                if port is not None:
                    yield cited(
                        f'{path} is {shown(port)} with ipProtocol "{protocol}": AWS allows no ports for all protocols',
                        self.source,
                    )
            return
        limits = (0, 65535) if protocol in _PORT_PROTOCOLS else (-1, 255) if protocol in _ICMP_PROTOCOLS else None
        if limits is None:
            return
        allowed = between(*limits)
        for path, port in ports.items():
            if not allowed.accepts(port):
                yield cited(
                    f'{path} is {shown(port)} with ipProtocol "{protocol}": AWS allows {allowed.description}',
                    self.source,
                )
        first, last = number(ports["fromPort"]), number(ports["toPort"])
        if protocol in _PORT_PROTOCOLS and first is not None and last is not None and first > last:
            yield cited(
                f"fromPort {shown(first)} is above toPort {shown(last)}: AWS allows ranges whose start is not above "
                "their end",
                self.source,
            )


_SECURITY_GROUP_CHARACTERS = characters(
    r"[a-zA-Z0-9 ._\-:/()#,@\[\]+=&;{}!$*]*", "letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*"
)
_RULE_DESCRIPTION_CHARACTERS = characters(
    r"[a-zA-Z0-9 ._\-:/()#,@\[\]+=;{}!$*]*", "letters, digits, spaces and ._-:/()#,@[]+=;{}!$*"
)


def _security_group_name(path: str, maximum: int) -> tuple[Constraint, ...]:
    return (
        Value(path, length(maximum), CREATE_SECURITY_GROUP),
        Value(path, _SECURITY_GROUP_CHARACTERS, CREATE_SECURITY_GROUP),
        Value(path, not_starting_with("sg-"), CREATE_SECURITY_GROUP),
    )


_INLINE_RULE_DESCRIPTIONS: tuple[Constraint, ...] = tuple(
    Value(f"{direction}[].description", allowed, RULE_DESCRIPTION)
    for direction in ("ingress", "egress")
    for allowed in (length(255, minimum=0), _RULE_DESCRIPTION_CHARACTERS)
)

_SECURITY_GROUP_RULE: tuple[Constraint, ...] = (
    Value("description", length(255, minimum=0), RULE_DESCRIPTION),
    Value("description", _RULE_DESCRIPTION_CHARACTERS, RULE_DESCRIPTION),
    Value(
        "ipProtocol",
        characters(r"tcp|udp|icmp|icmpv6|-1|25[0-5]|2[0-4]\d|1?\d?\d", "tcp, udp, icmp, icmpv6, -1 or 0-255"),
        IP_PERMISSION,
    ),
    OneOf(("cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId"), SECURITY_GROUP_RULE_REQUEST),
    PortRange("pulumi_aws/vpc/security_group_ingress_rule.py (ip_protocol) and " + IP_PERMISSION),
    Value("cidrIpv4", cidr(4, shortest=0, longest=32), SECURITY_GROUP_RULE_REQUEST),
    Value("cidrIpv6", cidr(6, shortest=0, longest=128), SECURITY_GROUP_RULE_REQUEST),
    Tags(),
)

_ROUTE_TARGETS = (
    "carrierGatewayId",
    "coreNetworkArn",
    "egressOnlyGatewayId",
    "gatewayId",
    "localGatewayId",
    "natGatewayId",
    "networkInterfaceId",
    "odbNetworkArn",
    "transitGatewayId",
    "vpcEndpointId",
    "vpcPeeringConnectionId",
)

CONSTRAINTS: Constraints = {
    VPC: (
        Value("cidrBlock", cidr(4, shortest=16, longest=28), VPC_SIZING),
        Value("instanceTenancy", among("default", "dedicated"), "pulumi_aws/ec2/vpc.py (instance_tenancy)"),
        Tags(),
    ),
    # A secondary range is sized like the primary one.
    VPC_CIDR_BLOCK_ASSOCIATION: (Value("cidrBlock", cidr(4, shortest=16, longest=28), VPC_SIZING),),
    SUBNET: (Value("cidrBlock", cidr(4, shortest=16, longest=28), SUBNET_SIZING), Tags()),
    DEFAULT_SECURITY_GROUP: (*_INLINE_RULE_DESCRIPTIONS, Tags()),
    SECURITY_GROUP: (
        *_security_group_name("name", 255),
        *_security_group_name("namePrefix", 255 - UNIQUE_SUFFIX),
        OneOf(("name", "namePrefix"), "pulumi_aws/ec2/security_group.py (name_prefix)", required=False),
        Value("description", length(255), CREATE_SECURITY_GROUP),
        Value("description", _SECURITY_GROUP_CHARACTERS, CREATE_SECURITY_GROUP),
        *_INLINE_RULE_DESCRIPTIONS,
        Tags(),
    ),
    SECURITY_GROUP_INGRESS_RULE: _SECURITY_GROUP_RULE,
    SECURITY_GROUP_EGRESS_RULE: _SECURITY_GROUP_RULE,
    MANAGED_PREFIX_LIST: (
        Value("name", length(255), CREATE_PREFIX_LIST),
        Value("name", not_starting_with("com.amazonaws"), CREATE_PREFIX_LIST),
        Value("addressFamily", among("IPv4", "IPv6"), CREATE_PREFIX_LIST),
        Value("entries[].description", length(255, minimum=0), PREFIX_LIST_ENTRY),
        Fits("entries", "maxEntries", CREATE_PREFIX_LIST),
        Tags(),
    ),
    INTERNET_GATEWAY: (Tags(),),
    EIP: (Value("domain", among("vpc", "standard"), ALLOCATE_ADDRESS), Tags()),
    NAT_GATEWAY: (
        Value("connectivityType", among("private", "public"), "pulumi_aws/ec2/nat_gateway.py (connectivity_type)"),
        Value("availabilityMode", among("zonal", "regional"), "pulumi_aws/ec2/nat_gateway.py (availability_mode)"),
        Tags(),
    ),
    ROUTE_TABLE: (
        Value("routes[].cidrBlock", cidr(4, shortest=0, longest=32), CREATE_ROUTE),
        Value("routes[].ipv6CidrBlock", cidr(6, shortest=0, longest=128), CREATE_ROUTE),
        Tags(),
    ),
    ROUTE: (
        OneOf(
            ("destinationCidrBlock", "destinationIpv6CidrBlock", "destinationPrefixListId"),
            'pulumi_aws/ec2/route.py ("One of the following destination arguments must be supplied")',
        ),
        OneOf(_ROUTE_TARGETS, 'pulumi_aws/ec2/route.py ("One of the following target arguments must be supplied")'),
        Value("destinationCidrBlock", cidr(4, shortest=0, longest=32), CREATE_ROUTE),
        Value("destinationIpv6CidrBlock", cidr(6, shortest=0, longest=128), CREATE_ROUTE),
    ),
    ROUTE_TABLE_ASSOCIATION: (
        OneOf(("subnetId", "gatewayId"), "pulumi_aws/ec2/route_table_association.py (subnet_id, gateway_id)"),
    ),
    VPC_ENDPOINT: (
        Value(
            "vpcEndpointType",
            among("Gateway", "GatewayLoadBalancer", "Interface", "Resource", "ServiceNetwork"),
            "pulumi_aws/ec2/vpc_endpoint.py (vpc_endpoint_type)",
        ),
        Value("ipAddressType", among("ipv4", "dualstack", "ipv6"), "pulumi_aws/ec2/vpc_endpoint.py (ip_address_type)"),
        OneOf(
            ("resourceConfigurationArn", "serviceName", "serviceNetworkArn"),
            "pulumi_aws/ec2/vpc_endpoint.py (service_name)",
        ),
        Tags(),
    ),
    FLOW_LOG: (
        Value("maxAggregationInterval", among(60, 600), "pulumi_aws/ec2/flow_log.py (max_aggregation_interval)"),
        Value("trafficType", among("ACCEPT", "REJECT", "ALL"), "pulumi_aws/ec2/flow_log.py (traffic_type)"),
        Value(
            "logDestinationType",
            among("cloud-watch-logs", "s3", "kinesis-data-firehose"),
            "pulumi_aws/ec2/flow_log.py (log_destination_type)",
        ),
        Tags(),
    ),
}
