"""The offline runner agrees with CrossGuard itself: the same graph, sent as gRPC requests to pulumi_policy's
own analyzer servicer (what `pulumi preview --policy-pack` talks to), yields the same violations.

The servicer is private to pulumi_policy (offline/sdk_internals.py says why it is used); it is the reference
here because it is exactly the code that judges the stacks in CI.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from pulumi_policy import EnforcementLevel

from offline.graph import Graph
from offline.policy import evaluate
from offline.policy_config import load_policy_config
from offline.sdk_internals import PolicyAnalyzerServicer
from policies.pack import PACK_NAME, POLICIES
from tests.analyzer_requests import Diagnostic, as_diagnostics, configure_request, judged
from tests.policy_builders import UNKNOWN, GraphBuilder
from tests.policy_builders_aws import aws_provider, bucket, ingress, rds_primary, rds_replica, security_group
from tests.policy_builders_kubernetes import container, deployment, hpa


def _crossguard(graph: Graph, policy_config: Mapping[str, Any]) -> Counter[Diagnostic]:
    """Every diagnostic the servicer returns for the graph."""
    servicer = PolicyAnalyzerServicer(PACK_NAME, "1.0.0", list(POLICIES), EnforcementLevel.MANDATORY)
    servicer.Configure(configure_request(policy_config), None)
    return judged(
        graph,
        lambda request: servicer.Analyze(request, None),
        lambda request: servicer.AnalyzeStack(request, None),
    )


def _troubled_stack() -> Graph:
    """Violations of resource and stack policies of several concerns, and values unknown during preview."""
    builder = GraphBuilder()
    builder.aws_provider = aws_provider(builder, {"Project": "sentinel"})
    ingress(builder, security_group(builder, "bastion"), 22, cidr="0.0.0.0/0")
    ingress(builder, security_group(builder, "webapp"), 443, cidr=UNKNOWN)
    primary = rds_primary(builder, multiAz=False, backupRetentionPeriod=7, storageEncrypted=UNKNOWN)
    rds_replica(builder, primary, None)
    bucket(builder, encryption={}, policy="")
    web = deployment(builder, "web", [container("web", image="web:latest", livenessProbe=None)], replicas=2)
    hpa(builder, web, min_replicas=1)
    return builder.build()


def test_offline_runner_matches_crossguard_on_a_troubled_stack() -> None:
    graph = _troubled_stack()
    for stack in ("dev", "prod"):
        config = load_policy_config(stack)
        offline = as_diagnostics(evaluate(graph, config))
        assert len(offline) > 10
        assert offline == _crossguard(graph, config)
