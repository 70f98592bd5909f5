"""What each service opens itself (policies/rules/exposure/endpoints.py): no public database, bucket, cluster
endpoint or load-balancer Service, instance metadata behind IMDSv2 with one hop, and the ALB's plain-HTTP listener
only redirecting to HTTPS."""

from __future__ import annotations

from typing import Any

import pytest

from policies.rules.exposure.endpoints import (
    ALB_LISTENERS_HTTPS_OR_REDIRECT,
    EKS_ENDPOINT_NOT_PUBLIC,
    K8S_NO_LOAD_BALANCER_SERVICES,
    LAUNCH_TEMPLATE_IMDSV2,
    RDS_NOT_PUBLICLY_ACCESSIBLE,
    S3_PUBLIC_ACCESS_BLOCKED,
)
from policies.support.aws import (
    EKS_CLUSTER,
    LAUNCH_TEMPLATE,
    LISTENER,
    LISTENER_RULE,
    RDS_CLUSTER,
    RDS_CLUSTER_INSTANCE,
    RDS_INSTANCE,
)
from policies.support.kubernetes import SERVICE
from tests.policy_builders import GraphBuilder, merged, messages, ref, single
from tests.policy_builders_aws import bucket


@pytest.mark.parametrize("type_", [RDS_INSTANCE, RDS_CLUSTER_INSTANCE, RDS_CLUSTER])
def test_rds_public_access(type_: str) -> None:
    assert messages(RDS_NOT_PUBLICLY_ACCESSIBLE, single(type_, {"engine": "aurora-postgresql"})) == []
    assert messages(RDS_NOT_PUBLICLY_ACCESSIBLE, single(type_, {"publiclyAccessible": True})) == [
        "publiclyAccessible is true: set publiclyAccessible=false"
    ]


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


# --- The ALB's listeners ----------------------------------------------------------------------------------------

HTTPS_LISTENER = {"protocol": "HTTPS", "port": 443, "defaultActions": [{"type": "fixed-response"}]}
REDIRECT = {"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}


def _listeners(http: dict[str, Any], *, rule_on_http: bool = False) -> GraphBuilder:
    builder = GraphBuilder()
    builder.add(LISTENER, "https", HTTPS_LISTENER)
    plain = builder.add(LISTENER, "http", {"protocol": "HTTP", "port": 80, **http})
    if rule_on_http:
        builder.add(LISTENER_RULE, "web", {"listenerArn": ref(plain), "priority": 81})
    return builder


def test_listeners_serve_https_or_only_redirect_to_it() -> None:
    assert messages(ALB_LISTENERS_HTTPS_OR_REDIRECT, _listeners({"defaultActions": [REDIRECT]}).build()) == []


@pytest.mark.parametrize(
    ("http", "rule_on_http", "expected"),
    [
        ({"defaultActions": [{"type": "forward"}]}, False, 'listener http serves "HTTP" without redirecting'),
        ({"defaultActions": [{**REDIRECT, "redirect": {"protocol": "HTTP"}}]}, False, "without redirecting to HTTPS"),
        ({"defaultActions": [REDIRECT]}, True, "rule web routes requests on the plain-HTTP listener http"),
    ],
    ids=["forwards", "redirects-to-http", "rule-on-http"],
)
def test_a_plain_http_listener_that_serves_is_reported(http: dict[str, Any], rule_on_http: bool, expected: str) -> None:
    [message] = messages(ALB_LISTENERS_HTTPS_OR_REDIRECT, _listeners(http, rule_on_http=rule_on_http).build())
    assert expected in message
