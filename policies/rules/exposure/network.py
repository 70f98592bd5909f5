"""Network paths: no security group admits the internet but the ALB's, on HTTP and HTTPS; the data stores live in
subnets the internet has no route to; and every namespace the stack creates denies pod traffic by default."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pulumi_policy import PolicyResource, Severity

from policies.support.aws import (
    DEFAULT_ROUTE_TABLE,
    EFS_MOUNT_TARGET,
    ELASTICACHE_REPLICATION_GROUP,
    ELASTICACHE_SUBNET_GROUP,
    INTERNET_GATEWAY,
    MAIN_ROUTE_TABLE_ASSOCIATION,
    MANAGED_PREFIX_LIST,
    MANAGED_PREFIX_LIST_ENTRY,
    RDS_CLUSTER,
    RDS_INSTANCE,
    RDS_SUBNET_GROUP,
    ROUTE,
    ROUTE_TABLE_ASSOCIATION,
    ROUTE_TABLES,
    SECURITY_GROUP_INGRESS_RULE,
    SECURITY_GROUP_RULE,
    SECURITY_GROUPS,
    SUBNET,
    VPC,
    covers_every_address,
    is_primary_database,
)
from policies.support.declare import Concern, Finding, Settings, StackPolicy
from policies.support.kubernetes import NAMESPACE, NETWORK_POLICY, name_of, namespace_of
from policies.support.stack import Stack
from policies.support.values import (
    UNKNOWN,
    elements,
    entries,
    field,
    is_true,
    is_unknown,
    number,
    shown,
)

# --- Security groups -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ingress:
    """One ingress permission, whichever way it was declared (standalone rule, legacy rule, inline block)."""

    label: str
    declared_by: PolicyResource
    group: PolicyResource | None
    protocol: Any
    from_port: Any
    to_port: Any
    cidrs: Sequence[Any]
    prefix_lists: Sequence[PolicyResource]


class _PrefixListEntries:
    """The CIDRs of the stack's managed prefix lists: inline `entries` plus standalone entry resources."""

    def __init__(self, stack: Stack) -> None:
        self._standalone = stack.referrers((MANAGED_PREFIX_LIST_ENTRY,), "prefixListId", (MANAGED_PREFIX_LIST,))

    def cidrs(self, prefix_list: PolicyResource) -> list[Any]:
        inline = [field(entry, "cidr") for entry in elements(field(prefix_list.props, "entries"))]
        return inline + [field(entry.props, "cidr") for entry in self._standalone.get(prefix_list.urn, ())]


def _group_of(stack: Stack, rule: PolicyResource) -> PolicyResource | None:
    return next(iter(stack.referenced(rule, "securityGroupId", SECURITY_GROUPS)), None)


def _ingress_permissions(stack: Stack) -> Iterable[Ingress]:
    for rule in stack.of_type(SECURITY_GROUP_INGRESS_RULE):
        props = rule.props
        yield Ingress(
            label=f"rule {rule.name}",
            declared_by=rule,
            group=_group_of(stack, rule),
            protocol=field(props, "ipProtocol"),
            from_port=field(props, "fromPort"),
            to_port=field(props, "toPort"),
            cidrs=[field(props, "cidrIpv4"), field(props, "cidrIpv6")],
            prefix_lists=stack.referenced(rule, "prefixListId", (MANAGED_PREFIX_LIST,)),
        )
    for rule in stack.of_type(SECURITY_GROUP_RULE):
        if field(rule.props, "type") != "ingress":
            continue
        yield _block_permission(stack, f"rule {rule.name}", rule, _group_of(stack, rule), rule.props)
    for group in stack.of_type(*SECURITY_GROUPS):
        for index, block in enumerate(elements(field(group.props, "ingress"))):
            yield _block_permission(stack, f"ingress block #{index} of {group.name}", group, group, block)


def _block_permission(
    stack: Stack, label: str, declared_by: PolicyResource, group: PolicyResource | None, block: Any
) -> Ingress:
    """An ingress in the EC2 API's shape (legacy rule resources and inline blocks): lists of sources."""
    return Ingress(
        label=label,
        declared_by=declared_by,
        group=group,
        protocol=field(block, "protocol"),
        from_port=field(block, "fromPort"),
        to_port=field(block, "toPort"),
        cidrs=[*elements(field(block, "cidrBlocks")), *elements(field(block, "ipv6CidrBlocks"))],
        prefix_lists=stack.identified_by(field(block, "prefixListIds"), (MANAGED_PREFIX_LIST,)),
    )


def _world_sources(ingress: Ingress, prefix_lists: _PrefixListEntries) -> list[str]:
    """The sources of an ingress that span the whole internet (0.0.0.0/0 or ::/0, even split into blocks)."""
    sources = [cidr for cidr in ingress.cidrs if isinstance(cidr, str)] if covers_every_address(ingress.cidrs) else []
    return sources + [
        f"prefix list {prefix_list.name}"
        for prefix_list in ingress.prefix_lists
        if covers_every_address(prefix_lists.cidrs(prefix_list))
    ]


def _on_public_port(ingress: Ingress, public_ports: set[float]) -> bool | None:
    """Whether an ingress opens exactly one of the public ports over TCP; None while any part is unknown."""
    from_port, to_port = number(ingress.from_port), number(ingress.to_port)
    if any(is_unknown(part) for part in (ingress.protocol, ingress.from_port, ingress.to_port)):
        return None
    return ingress.protocol in ("tcp", "6") and from_port == to_port and from_port in public_ports


def _ports(ingress: Ingress) -> str:
    if ingress.protocol in ("-1", "all"):
        return "every protocol and port"
    first, last = shown(ingress.from_port), shown(ingress.to_port)
    return f"{ingress.protocol} port {first}" if first == last else f"{ingress.protocol} ports {first}-{last}"


def _world_ingress(stack: Stack, settings: Settings) -> Iterable[Finding]:
    public_role = settings["publicGroupRole"]
    public_ports = {float(port) for port in settings["publicPorts"]}
    prefix_lists = _PrefixListEntries(stack)
    for ingress in _ingress_permissions(stack):
        sources = _world_sources(ingress, prefix_lists)
        if not sources:
            continue
        role = field(ingress.group.props, "tags", "Role") if ingress.group else None
        if is_unknown(role) or (role == public_role and _on_public_port(ingress, public_ports) is not False):
            continue
        group = f"group {ingress.group.name}" if ingress.group else "a group outside this stack"
        allowed = "/".join(shown(port) for port in sorted(public_ports))
        yield Finding(
            ingress.declared_by.urn,
            f"{ingress.label} admits the internet ({', '.join(sources)}) to {group} on {_ports(ingress)}; "
            f"only the Role={public_role} group may, on TCP {allowed}",
        )


SECURITY_GROUP_NO_WORLD_INGRESS = StackPolicy(
    name="security-group-no-world-ingress",
    description=(
        "No security group admits the whole internet (0.0.0.0/0 or ::/0, directly or through a prefix list) "
        "except the ALB's group (tag Role=alb) on TCP 80 and 443. Admit peers by security group, or by a prefix "
        "list of the ranges that need access (such as Cloudflare's edge)."
    ),
    concern=Concern.SECURITY,
    severity=Severity.CRITICAL,
    rule=_world_ingress,
    config={
        "publicGroupRole": {"type": "string", "default": "alb"},
        "publicPorts": {"type": "array", "items": {"type": "integer"}, "default": [80, 443]},
    },
)

# --- Data stores stay in private subnets ------------------------------------------------------------------

# Data stores placed through a subnet group: the property naming the group, and the group's type.
_SUBNET_GROUPS = {
    RDS_INSTANCE: ("dbSubnetGroupName", RDS_SUBNET_GROUP),
    RDS_CLUSTER: ("dbSubnetGroupName", RDS_SUBNET_GROUP),
    ELASTICACHE_REPLICATION_GROUP: ("subnetGroupName", ELASTICACHE_SUBNET_GROUP),
}


def _tables_to_internet(stack: Stack) -> set[str]:
    """The URNs of the stack's route tables (default tables included) that route to an internet gateway, by
    the gateway's id or by a reference to the gateway resource, inline or through standalone routes."""
    to_internet: set[str] = set()
    for table in stack.of_type(*ROUTE_TABLES):
        gateways = [field(route, "gatewayId") for route in elements(field(table.props, "routes"))]
        if _any_internet_gateway(gateways) or stack.referenced(table, "routes", (INTERNET_GATEWAY,)):
            to_internet.add(table.urn)
    for route in stack.of_type(ROUTE):
        if _any_internet_gateway([field(route.props, "gatewayId")]) or stack.referenced(
            route, "gatewayId", (INTERNET_GATEWAY,)
        ):
            to_internet.update(table.urn for table in stack.referenced(route, "routeTableId", ROUTE_TABLES))
    return to_internet


def _vpc_keys(stack: Stack, resource: PolicyResource, prop: str) -> set[str]:
    """What identifies the VPC that `resource`'s `prop` names: the URNs of the stack's VPCs it points at, and
    the VPC id itself when known (a VPC outside the stack has only that)."""
    value = field(resource.props, prop)
    keys = {vpc.urn for vpc in stack.referenced(resource, prop, (VPC,))}
    return keys | {value} if isinstance(value, str) else keys


def _vpcs_with_public_main_table(stack: Stack, to_internet: set[str]) -> set[str]:
    """The VPCs (as `_vpc_keys`) whose main route table routes to an internet gateway. The main table is the
    one a MainRouteTableAssociation names or else the VPC's default table, when a DefaultRouteTable manages it
    (its defaultRouteTableId comes from the VPC, and its vpcId output names it). A VPC whose main table the
    stack manages neither way is left out: its routes are not in the stack to judge, so its subnets without an
    association are judged, as before, by their own settings alone."""
    public: set[str] = set()
    reassigned: set[str] = set()
    for association in stack.of_type(MAIN_ROUTE_TABLE_ASSOCIATION):
        vpc = _vpc_keys(stack, association, "vpcId")
        reassigned |= vpc
        if any(table.urn in to_internet for table in stack.referenced(association, "routeTableId", ROUTE_TABLES)):
            public |= vpc
    for table in stack.of_type(DEFAULT_ROUTE_TABLE):
        vpc = _vpc_keys(stack, table, "vpcId")
        vpc.update(owner.urn for owner in stack.referenced(table, "defaultRouteTableId", (VPC,)))
        if table.urn in to_internet and not vpc & reassigned:
            public |= vpc
    return public


_USES_MAIN_TABLE = (
    " (it has no route table association, so it uses its VPC's main route table, which routes to an internet "
    "gateway): associate the subnet with a private route table"
)


def _public_subnets(stack: Stack) -> dict[str, str]:
    """The stack's public subnets, by URN, each with what makes it public when that is not its own settings:
    those that give instances public addresses, whose route table routes to an internet gateway, or that have
    no route table association and so use their VPC's main table, which does."""
    to_internet = _tables_to_internet(stack)
    public = dict.fromkeys(
        (subnet.urn for subnet in stack.of_type(SUBNET) if is_true(field(subnet.props, "mapPublicIpOnLaunch"))), ""
    )
    associated: set[str] = set()
    associations_known = True
    for association in stack.of_type(ROUTE_TABLE_ASSOCIATION):
        subnets = stack.referenced(association, "subnetId", (SUBNET,))
        associated.update(subnet.urn for subnet in subnets)
        associations_known &= bool(subnets) or not is_unknown(field(association.props, "subnetId"))
        if any(table.urn in to_internet for table in stack.referenced(association, "routeTableId", ROUTE_TABLES)):
            public.update(dict.fromkeys((subnet.urn for subnet in subnets), ""))
    # While an association's subnet is unknown, any subnet may turn out to have it. A main route table that the
    # stack does not manage (no DefaultRouteTable or MainRouteTableAssociation) makes no subnet public here:
    # its routes are not in the stack, so those subnets are judged by their own settings, as they always were.
    if associations_known:
        vpcs = _vpcs_with_public_main_table(stack, to_internet)
        for subnet in stack.of_type(SUBNET):
            if subnet.urn not in associated and _vpc_keys(stack, subnet, "vpcId") & vpcs:
                public.setdefault(subnet.urn, _USES_MAIN_TABLE)
    return public


def _any_internet_gateway(gateway_ids: Iterable[Any]) -> bool:
    return any(isinstance(gateway, str) and gateway.startswith("igw-") for gateway in gateway_ids)


def _private_data_stores(stack: Stack, _settings: Settings) -> Iterable[Finding]:
    public = _public_subnets(stack)

    def in_public_subnets(store: PolicyResource, subnets: Iterable[PolicyResource]) -> Iterable[Finding]:
        for subnet in subnets:
            if subnet.urn in public:
                yield Finding(store.urn, f"{store.name} is placed in public subnet {subnet.name}{public[subnet.urn]}")

    for store in stack.of_type(*_SUBNET_GROUPS):
        if store.resource_type == RDS_INSTANCE and not is_primary_database(store.props):
            continue  # a read replica lives in its source's subnet group
        prop, group_type = _SUBNET_GROUPS[store.resource_type]
        if field(store.props, prop) is None:
            yield Finding(store.urn, f"{store.name} names no {prop}, so AWS would place it in the default VPC")
            continue
        for group in stack.referenced(store, prop, (group_type,)):
            yield from in_public_subnets(store, stack.referenced(group, "subnetIds", (SUBNET,)))
    for mount_target in stack.of_type(EFS_MOUNT_TARGET):
        yield from in_public_subnets(mount_target, stack.referenced(mount_target, "subnetId", (SUBNET,)))


DATA_STORES_IN_PRIVATE_SUBNETS = StackPolicy(
    name="data-stores-in-private-subnets",
    description=(
        "RDS databases, ElastiCache replication groups and EFS mount targets live in private subnets (no public "
        "IPs on launch, no route to an internet gateway through their route table or, for a subnet with no "
        "association, the VPC's main route table): give them subnet groups made of the data subnets."
    ),
    concern=Concern.SECURITY,
    severity=Severity.CRITICAL,
    rule=_private_data_stores,
)

# --- The apps' namespaces ---------------------------------------------------------------------------------

# Namespaces Kubernetes and EKS manage themselves.
_SYSTEM_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")


def _denies_everything(policy: PolicyResource) -> bool:
    """A NetworkPolicy that selects every pod of its namespace for ingress and egress and allows nothing."""
    spec = field(policy.props, "spec")
    selector = field(spec, "podSelector")
    types = {field_type for field_type in elements(field(spec, "policyTypes")) if isinstance(field_type, str)}
    return (
        selector is not None
        and not entries(field(selector, "matchLabels"))
        and not elements(field(selector, "matchExpressions"))
        and {"Ingress", "Egress"} <= types
        and not elements(field(spec, "ingress"))
        and not elements(field(spec, "egress"))
    )


def _namespaces_deny_by_default(stack: Stack, _settings: Settings) -> Iterable[Finding]:
    denying: set[Any] = set()
    for policy in stack.of_type(NETWORK_POLICY):
        namespace = namespace_of(policy.props)
        if is_unknown(namespace) or is_unknown(field(policy.props, "spec")):
            denying.add(UNKNOWN)
        elif _denies_everything(policy):
            denying.add(namespace)
    for namespace in stack.of_type(NAMESPACE):
        name = name_of(namespace.props)
        if is_unknown(name) or name in _SYSTEM_NAMESPACES or UNKNOWN in denying or name in denying:
            continue
        yield Finding(
            namespace.urn,
            f"namespace {shown(name)} has no default-deny NetworkPolicy: add one with podSelector {{}}, policyTypes "
            "[Ingress, Egress] and no rules, then allow each flow its pods need",
        )


K8S_NAMESPACE_DEFAULT_DENY = StackPolicy(
    name="k8s-namespace-default-deny",
    description=(
        "Every namespace the stack creates has a default-deny NetworkPolicy (podSelector {}, policyTypes Ingress "
        "and Egress, no rules), so a pod reaches and is reached by only what other policies allow."
    ),
    concern=Concern.SECURITY,
    severity=Severity.HIGH,
    rule=_namespaces_deny_by_default,
)
