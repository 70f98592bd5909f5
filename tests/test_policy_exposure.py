"""Nothing but the ALB faces the internet."""

from __future__ import annotations

from typing import Any

import pytest

from policies.rules.exposure import (
    DATA_STORES_IN_PRIVATE_SUBNETS,
    EKS_ENDPOINT_NOT_PUBLIC,
    K8S_NO_LOAD_BALANCER_SERVICES,
    LAUNCH_TEMPLATE_IMDSV2,
    RDS_NOT_PUBLICLY_ACCESSIBLE,
    S3_PUBLIC_ACCESS_BLOCKED,
    SECURITY_GROUP_NO_WORLD_INGRESS,
)
from policies.support.aws import (
    EFS_MOUNT_TARGET,
    EKS_CLUSTER,
    ELASTICACHE_REPLICATION_GROUP,
    ELASTICACHE_SUBNET_GROUP,
    INTERNET_GATEWAY,
    LAUNCH_TEMPLATE,
    MANAGED_PREFIX_LIST_ENTRY,
    RDS_INSTANCE,
    RDS_SUBNET_GROUP,
    ROUTE,
    ROUTE_TABLE,
    ROUTE_TABLE_ASSOCIATION,
    SECURITY_GROUP,
    SECURITY_GROUP_RULE,
    SUBNET,
)
from policies.support.kubernetes import SERVICE
from tests.policy_builders import (
    UNKNOWN,
    GraphBuilder,
    bucket,
    ingress,
    merged,
    messages,
    network,
    prefix_list,
    rds_primary,
    ref,
    security_group,
    single,
    violations,
)

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


def test_rds_public_access() -> None:
    assert messages(RDS_NOT_PUBLICLY_ACCESSIBLE, single(RDS_INSTANCE, {"engine": "postgres"})) == []
    assert messages(RDS_NOT_PUBLICLY_ACCESSIBLE, single(RDS_INSTANCE, {"publiclyAccessible": True})) == [
        "publiclyAccessible is true: set publiclyAccessible=false"
    ]


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


def test_bucket_with_full_public_access_block_passes() -> None:
    builder = GraphBuilder()
    bucket(builder)
    assert messages(S3_PUBLIC_ACCESS_BLOCKED, builder.build()) == []


@pytest.mark.parametrize(
    "block",
    [pytest.param({}, id="no block"), pytest.param({"blockPublicPolicy": True}, id="one flag of four")],
)
def test_bucket_without_full_public_access_block_fails(block: dict[str, Any]) -> None:
    builder = GraphBuilder()
    bucket(builder, public_access_block=block)
    assert messages(S3_PUBLIC_ACCESS_BLOCKED, builder.build()) == [
        "bucket uploads has no public access block with all four flags true"
    ]


PRIVATE_ENDPOINT = {
    "vpcConfig": {"subnetIds": ["a", "b"], "endpointPrivateAccess": True, "endpointPublicAccess": False}
}


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({}, id="private only"),
        pytest.param(
            {"vpcConfig": {"endpointPublicAccess": True, "publicAccessCidrs": ["198.51.100.0/24"]}}, id="operators"
        ),
    ],
)
def test_eks_endpoint_private_or_restricted_passes(change: dict[str, Any]) -> None:
    assert messages(EKS_ENDPOINT_NOT_PUBLIC, single(EKS_CLUSTER, merged(PRIVATE_ENDPOINT, change))) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param(
            {"vpcConfig": {"endpointPublicAccess": None}},
            "the public endpoint is open to 0.0.0.0/0: set vpcConfig.endpointPublicAccess=false or publicAccessCidrs",
            id="public by default",
        ),
        pytest.param(
            {"vpcConfig": {"endpointPublicAccess": True, "publicAccessCidrs": ["198.51.100.0/24", "0.0.0.0/0"]}},
            'vpcConfig.publicAccessCidrs "198.51.100.0/24", "0.0.0.0/0" admit the whole internet',
            id="world among the operators",
        ),
    ],
)
def test_eks_endpoint_open_to_the_internet_fails(change: dict[str, Any], expected: str) -> None:
    assert messages(EKS_ENDPOINT_NOT_PUBLIC, single(EKS_CLUSTER, merged(PRIVATE_ENDPOINT, change))) == [expected]


IMDSV2 = {"metadataOptions": {"httpEndpoint": "enabled", "httpTokens": "required", "httpPutResponseHopLimit": 1}}


def test_launch_template_requiring_imdsv2_with_one_hop_passes() -> None:
    assert messages(LAUNCH_TEMPLATE_IMDSV2, single(LAUNCH_TEMPLATE, IMDSV2)) == []


def test_launch_template_with_imds_disabled_passes() -> None:
    disabled = {"metadataOptions": {"httpEndpoint": "disabled"}}
    assert messages(LAUNCH_TEMPLATE_IMDSV2, single(LAUNCH_TEMPLATE, disabled)) == []


def test_launch_template_allowing_imdsv1_or_two_hops_fails() -> None:
    graph = single(
        LAUNCH_TEMPLATE, merged(IMDSV2, {"metadataOptions": {"httpTokens": "optional", "httpPutResponseHopLimit": 2}})
    )
    assert messages(LAUNCH_TEMPLATE_IMDSV2, graph) == [
        'metadataOptions.httpTokens is "optional": set httpTokens="required"',
        "metadataOptions.httpPutResponseHopLimit is 2: set it to 1",
    ]


def test_node_port_services_pass_and_load_balancers_fail() -> None:
    node_port = {"spec": {"type": "NodePort", "ports": [{"port": 80, "nodePort": 30080}]}}
    assert messages(K8S_NO_LOAD_BALANCER_SERVICES, single(SERVICE, node_port)) == []
    load_balancer = merged(node_port, {"spec": {"type": "LoadBalancer"}})
    assert messages(K8S_NO_LOAD_BALANCER_SERVICES, single(SERVICE, load_balancer)) == [
        'spec.type is "LoadBalancer": use NodePort or ClusterIP'
    ]
