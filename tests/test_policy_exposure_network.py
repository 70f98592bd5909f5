"""What the network lets through (policies/rules/exposure/network.py): no security group admits the internet but the
ALB's, on HTTP and HTTPS; data stores sit in subnets with no route to the internet; and the apps' namespace denies
every flow it does not allow."""

from __future__ import annotations

from typing import Any

import pytest

from offline.graph import Resource
from policies.rules.exposure.network import (
    DATA_STORES_IN_PRIVATE_SUBNETS,
    K8S_NAMESPACE_DEFAULT_DENY,
    SECURITY_GROUP_NO_WORLD_INGRESS,
)
from policies.support.aws import (
    DEFAULT_ROUTE_TABLE,
    EFS_MOUNT_TARGET,
    ELASTICACHE_REPLICATION_GROUP,
    ELASTICACHE_SUBNET_GROUP,
    INTERNET_GATEWAY,
    MAIN_ROUTE_TABLE_ASSOCIATION,
    MANAGED_PREFIX_LIST_ENTRY,
    RDS_SUBNET_GROUP,
    ROUTE,
    ROUTE_TABLE,
    ROUTE_TABLE_ASSOCIATION,
    SECURITY_GROUP,
    SECURITY_GROUP_RULE,
    SUBNET,
    VPC,
)
from policies.support.kubernetes import NAMESPACE, NETWORK_POLICY
from tests.policy_builders import UNKNOWN, GraphBuilder, merged, messages, ref, violations
from tests.policy_builders_aws import ingress, network, prefix_list, rds_primary, security_group

CLOUDFLARE_IPV4 = ["173.245.48.0/20", "103.21.244.0/22", "104.16.0.0/13"]


def test_alb_open_to_cloudflare_and_groups_open_to_each_other_pass() -> None:
    builder = GraphBuilder()
    alb, webapp = security_group(builder, "alb"), security_group(builder, "webapp")
    cloudflare = prefix_list(builder, "cloudflare-ipv4", CLOUDFLARE_IPV4)
    for port in (80, 443):
        ingress(builder, alb, port, prefix_list=cloudflare)
    ingress(builder, webapp, 30080, peer=alb)
    assert messages(SECURITY_GROUP_NO_WORLD_INGRESS, builder.build()) == []


@pytest.mark.parametrize(("port", "cidr"), [(443, "0.0.0.0/0"), (80, "::/0")])
def test_alb_may_admit_the_internet_on_http_and_https(port: int, cidr: str) -> None:
    builder = GraphBuilder()
    ingress(builder, security_group(builder, "alb"), port, cidr=cidr)
    assert messages(SECURITY_GROUP_NO_WORLD_INGRESS, builder.build()) == []


def test_other_groups_may_not_admit_the_internet() -> None:
    builder = GraphBuilder()
    ingress(builder, security_group(builder, "bastion"), 22, cidr="0.0.0.0/0")
    assert messages(SECURITY_GROUP_NO_WORLD_INGRESS, builder.build()) == [
        "rule bastion-from-0.0.0.0/0-22 admits the internet (0.0.0.0/0) to group bastion on tcp port 22; "
        "only the Role=alb group may, on TCP 80/443"
    ]


@pytest.mark.parametrize("port", [8080, None], ids=["another port", "every port"])
def test_alb_may_admit_the_internet_only_on_http_and_https(port: int | None) -> None:
    builder = GraphBuilder()
    ingress(builder, security_group(builder, "alb"), port, cidr="0.0.0.0/0")
    assert len(messages(SECURITY_GROUP_NO_WORLD_INGRESS, builder.build())) == 1


@pytest.mark.parametrize(
    "cidrs",
    [
        pytest.param([*CLOUDFLARE_IPV4, "0.0.0.0/0"], id="contains 0.0.0.0/0"),
        pytest.param(["0.0.0.0/1", "128.0.0.0/1"], id="halves that add up to 0.0.0.0/0"),
    ],
)
def test_a_prefix_list_spanning_the_internet_is_the_internet(cidrs: list[str]) -> None:
    builder = GraphBuilder()
    everyone = prefix_list(builder, "everyone", cidrs)
    ingress(builder, security_group(builder, "webapp"), 30080, prefix_list=everyone)
    found = messages(SECURITY_GROUP_NO_WORLD_INGRESS, builder.build())
    assert len(found) == 1
    assert "prefix list everyone" in found[0]


def test_a_standalone_prefix_list_entry_counts() -> None:
    builder = GraphBuilder()
    cloudflare = prefix_list(builder, "cloudflare-ipv4", CLOUDFLARE_IPV4)
    builder.add(MANAGED_PREFIX_LIST_ENTRY, "oops", {"prefixListId": ref(cloudflare), "cidr": "0.0.0.0/0"})
    ingress(builder, security_group(builder, "database"), 5432, prefix_list=cloudflare)
    assert len(messages(SECURITY_GROUP_NO_WORLD_INGRESS, builder.build())) == 1


def test_inline_and_legacy_rules_are_checked_too() -> None:
    builder = GraphBuilder()
    world = {"protocol": "tcp", "fromPort": 22, "toPort": 22, "cidrBlocks": ["0.0.0.0/0"]}
    legacy_group = security_group(builder, "legacy")
    builder.add(SECURITY_GROUP, "inline", {"tags": {"Role": "bastion"}, "ingress": [world]})
    builder.add(SECURITY_GROUP_RULE, "legacy-ssh", {"type": "ingress", "securityGroupId": ref(legacy_group), **world})
    found = messages(SECURITY_GROUP_NO_WORLD_INGRESS, builder.build())
    assert [message.split(" admits")[0] for message in found] == ["rule legacy-ssh", "ingress block #0 of inline"]


def test_the_public_ports_are_configurable() -> None:
    builder = GraphBuilder()
    ingress(builder, security_group(builder, "alb"), 80, cidr="0.0.0.0/0")
    assert len(messages(SECURITY_GROUP_NO_WORLD_INGRESS, builder.build(), {"publicPorts": [443]})) == 1


def test_a_source_unknown_during_preview_is_not_judged() -> None:
    builder = GraphBuilder()
    ingress(builder, security_group(builder, "webapp"), 22, cidr=UNKNOWN)
    assert violations(SECURITY_GROUP_NO_WORLD_INGRESS, builder.build()) == []


# --- Data stores in private subnets -----------------------------------------------------------------------------


def _placed(subnet_of: str) -> GraphBuilder:
    """A database, a cache and a file system mount target, all in the subnet named by `subnet_of`."""
    builder = GraphBuilder()
    subnets = network(builder)
    subnet = getattr(subnets, subnet_of)
    db_subnets = builder.add(RDS_SUBNET_GROUP, "db-subnets", {"subnetIds": [ref(subnet)]})
    rds_primary(builder, dbSubnetGroupName=ref(db_subnets))
    cache_subnets = builder.add(ELASTICACHE_SUBNET_GROUP, "cache-subnets", {"subnetIds": [ref(subnet)]})
    builder.add(ELASTICACHE_REPLICATION_GROUP, "cache", {"subnetGroupName": ref(cache_subnets)})
    builder.add(EFS_MOUNT_TARGET, "shared-a", {"fileSystemId": "fs-1", "subnetId": ref(subnet)})
    return builder


def test_data_stores_in_private_subnets_pass() -> None:
    assert messages(DATA_STORES_IN_PRIVATE_SUBNETS, _placed("private_subnet").build()) == []


def test_data_stores_in_public_subnets_fail() -> None:
    assert messages(DATA_STORES_IN_PRIVATE_SUBNETS, _placed("public_subnet").build()) == [
        "db is placed in public subnet public-a",
        "cache is placed in public subnet public-a",
        "shared-a is placed in public subnet public-a",
    ]


def test_a_database_without_subnet_group_lands_in_the_default_vpc() -> None:
    builder = GraphBuilder()
    rds_primary(builder)
    assert messages(DATA_STORES_IN_PRIVATE_SUBNETS, builder.build()) == [
        "db names no dbSubnetGroupName, so AWS would place it in the default VPC"
    ]


def test_a_route_to_a_gateway_not_created_yet_still_makes_a_subnet_public() -> None:
    builder = GraphBuilder()
    gateway = builder.add(INTERNET_GATEWAY, "edge", {"vpcId": "vpc-1"})
    routes = builder.add(ROUTE_TABLE, "routes", {"vpcId": "vpc-1"})
    builder.add(ROUTE, "default", {"routeTableId": ref(routes), "gatewayId": ref(gateway, known=False)})
    subnet = builder.add(SUBNET, "dmz", {"vpcId": "vpc-1"})
    builder.add(ROUTE_TABLE_ASSOCIATION, "dmz", {"subnetId": ref(subnet), "routeTableId": ref(routes)})
    builder.add(EFS_MOUNT_TARGET, "shared-a", {"fileSystemId": "fs-1", "subnetId": ref(subnet)})
    assert messages(DATA_STORES_IN_PRIVATE_SUBNETS, builder.build()) == ["shared-a is placed in public subnet dmz"]


def _vpc_with_unassociated_subnet(builder: GraphBuilder, *, known: bool = True) -> tuple[Resource, Resource]:
    """A VPC and a subnet of it with no route table association, holding a database and a mount target;
    `known` False makes the VPC's outputs unknown, as in a preview before it exists."""
    vpc = builder.add(VPC, "vpc", {"cidrBlock": "10.0.0.0/16", "mainRouteTableId": "rtb-main"})
    subnet = builder.add(SUBNET, "data-a", {"vpcId": ref(vpc, known=known), "cidrBlock": "10.0.1.0/24"})
    db_subnets = builder.add(RDS_SUBNET_GROUP, "db-subnets", {"subnetIds": [ref(subnet, known=known)]})
    rds_primary(builder, dbSubnetGroupName=ref(db_subnets))
    builder.add(EFS_MOUNT_TARGET, "shared-a", {"fileSystemId": "fs-1", "subnetId": ref(subnet, known=known)})
    return vpc, subnet


def _internet_route(
    builder: GraphBuilder, vpc: Resource, cidr: str = "0.0.0.0/0", *, known: bool = True
) -> dict[str, Any]:
    """A route to a new internet gateway of `vpc`; `known` False leaves the gateway's id unknown."""
    gateway = builder.add(INTERNET_GATEWAY, "igw", {"vpcId": ref(vpc, known=known)})
    destination = "ipv6CidrBlock" if ":" in cidr else "cidrBlock"
    return {destination: cidr, "gatewayId": ref(gateway, known=known)}


MAIN_TABLE_IS_PUBLIC = [
    "db is placed in public subnet data-a (it has no route table association, so it uses its VPC's main route "
    "table, which routes to an internet gateway): associate the subnet with a private route table",
    "shared-a is placed in public subnet data-a (it has no route table association, so it uses its VPC's main "
    "route table, which routes to an internet gateway): associate the subnet with a private route table",
]


@pytest.mark.parametrize(
    ("cidr", "known"),
    [("0.0.0.0/0", True), ("::/0", True), ("0.0.0.0/0", False)],
    ids=["IPv4", "IPv6", "during preview"],
)
def test_a_subnet_without_association_uses_a_public_default_route_table_and_fails(cidr: str, known: bool) -> None:
    builder = GraphBuilder()
    vpc, _ = _vpc_with_unassociated_subnet(builder, known=known)
    builder.add(
        DEFAULT_ROUTE_TABLE,
        "main",
        {
            "defaultRouteTableId": ref(vpc, "mainRouteTableId", known=known),
            "routes": [_internet_route(builder, vpc, cidr, known=known)],
        },
    )
    assert messages(DATA_STORES_IN_PRIVATE_SUBNETS, builder.build()) == MAIN_TABLE_IS_PUBLIC


def test_a_standalone_route_on_the_default_route_table_counts() -> None:
    builder = GraphBuilder()
    vpc, _ = _vpc_with_unassociated_subnet(builder)
    main = builder.add(DEFAULT_ROUTE_TABLE, "main", {"defaultRouteTableId": ref(vpc, "mainRouteTableId")})
    builder.add(ROUTE, "main-default", {"routeTableId": ref(main), **_internet_route(builder, vpc)})
    assert messages(DATA_STORES_IN_PRIVATE_SUBNETS, builder.build()) == MAIN_TABLE_IS_PUBLIC


def test_a_main_route_table_association_with_a_public_table_fails() -> None:
    builder = GraphBuilder()
    vpc, _ = _vpc_with_unassociated_subnet(builder)
    public = builder.add(ROUTE_TABLE, "public", {"vpcId": ref(vpc), "routes": [_internet_route(builder, vpc)]})
    builder.add(MAIN_ROUTE_TABLE_ASSOCIATION, "main", {"vpcId": ref(vpc), "routeTableId": ref(public)})
    assert messages(DATA_STORES_IN_PRIVATE_SUBNETS, builder.build()) == MAIN_TABLE_IS_PUBLIC


def test_a_private_main_route_table_passes() -> None:
    builder = GraphBuilder()
    vpc, _ = _vpc_with_unassociated_subnet(builder)
    builder.add(DEFAULT_ROUTE_TABLE, "main", {"defaultRouteTableId": ref(vpc, "mainRouteTableId"), "routes": []})
    assert messages(DATA_STORES_IN_PRIVATE_SUBNETS, builder.build()) == []


def test_a_main_route_table_association_replaces_the_public_default_table() -> None:
    builder = GraphBuilder()
    vpc, _ = _vpc_with_unassociated_subnet(builder)
    builder.add(
        DEFAULT_ROUTE_TABLE,
        "original-main",
        {"defaultRouteTableId": ref(vpc, "mainRouteTableId"), "routes": [_internet_route(builder, vpc)]},
    )
    private = builder.add(ROUTE_TABLE, "private", {"vpcId": ref(vpc), "routes": []})
    builder.add(MAIN_ROUTE_TABLE_ASSOCIATION, "main", {"vpcId": ref(vpc), "routeTableId": ref(private)})
    assert messages(DATA_STORES_IN_PRIVATE_SUBNETS, builder.build()) == []


def test_a_subnet_associated_with_a_private_table_ignores_a_public_main_table() -> None:
    builder = GraphBuilder()
    vpc, subnet = _vpc_with_unassociated_subnet(builder)
    builder.add(
        DEFAULT_ROUTE_TABLE,
        "main",
        {"defaultRouteTableId": ref(vpc, "mainRouteTableId"), "routes": [_internet_route(builder, vpc)]},
    )
    private = builder.add(ROUTE_TABLE, "private", {"vpcId": ref(vpc), "routes": []})
    builder.add(ROUTE_TABLE_ASSOCIATION, "data-a", {"subnetId": ref(subnet), "routeTableId": ref(private)})
    assert messages(DATA_STORES_IN_PRIVATE_SUBNETS, builder.build()) == []


def test_a_main_route_table_the_stack_does_not_manage_is_not_judged() -> None:
    builder = GraphBuilder()
    _vpc_with_unassociated_subnet(builder)
    assert messages(DATA_STORES_IN_PRIVATE_SUBNETS, builder.build()) == []


def test_the_main_route_table_is_not_judged_while_an_association_subnet_is_unknown() -> None:
    builder = GraphBuilder()
    vpc, _ = _vpc_with_unassociated_subnet(builder)
    builder.add(
        DEFAULT_ROUTE_TABLE,
        "main",
        {"defaultRouteTableId": ref(vpc, "mainRouteTableId"), "routes": [_internet_route(builder, vpc)]},
    )
    private = builder.add(ROUTE_TABLE, "private", {"vpcId": ref(vpc), "routes": []})
    builder.add(ROUTE_TABLE_ASSOCIATION, "pending", {"subnetId": UNKNOWN, "routeTableId": ref(private)})
    assert messages(DATA_STORES_IN_PRIVATE_SUBNETS, builder.build()) == []


# --- The apps' namespace ----------------------------------------------------------------------------------------

DENY_ALL = {
    "metadata": {"name": "default-deny", "namespace": "sentinel"},
    "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]},
}


def _namespace_with(*policies: dict[str, Any]) -> GraphBuilder:
    builder = GraphBuilder()
    builder.add(NAMESPACE, "apps", {"metadata": {"name": "sentinel"}})
    for index, policy in enumerate(policies):
        builder.add(NETWORK_POLICY, f"policy-{index}", policy)
    return builder


def test_a_namespace_with_a_default_deny_policy_passes() -> None:
    allow_web = merged(DENY_ALL, {"spec": {"podSelector": {"matchLabels": {"app": "web"}}, "ingress": [{}]}})
    assert messages(K8S_NAMESPACE_DEFAULT_DENY, _namespace_with(DENY_ALL, allow_web).build()) == []


@pytest.mark.parametrize(
    "policy",
    [
        merged(DENY_ALL, {"spec": {"policyTypes": ["Ingress"]}}),
        merged(DENY_ALL, {"spec": {"podSelector": {"matchLabels": {"app": "web"}}}}),
        merged(DENY_ALL, {"spec": {"egress": [{"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}]}]}}),
        merged(DENY_ALL, {"metadata": {"namespace": "other"}}),
    ],
    ids=["ingress-only", "some-pods", "allows-egress", "other-namespace"],
)
def test_a_namespace_without_a_default_deny_policy_is_reported(policy: dict[str, Any]) -> None:
    assert messages(K8S_NAMESPACE_DEFAULT_DENY, _namespace_with(policy).build()) == [
        'namespace "sentinel" has no default-deny NetworkPolicy: add one with podSelector {}, policyTypes '
        "[Ingress, Egress] and no rules, then allow each flow its pods need"
    ]
