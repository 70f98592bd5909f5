"""The offline runner agrees with CrossGuard itself: the same graph, sent as gRPC requests to pulumi_policy's
own analyzer servicer (what `pulumi preview --policy-pack` talks to), yields the same violations.

The servicer is private to pulumi_policy (offline/sdk_internals.py says why it is used); it is the reference
here because it is exactly the code that judges the stacks in CI.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from google.protobuf import struct_pb2
from pulumi_policy import EnforcementLevel

from offline.graph import Graph, Resource
from offline.policy import evaluate, resolve_policy_config, state_outputs
from offline.policy_config import load_policy_config
from offline.sdk_internals import PolicyAnalyzerServicer, proto
from policies.pack import PACK_NAME, POLICIES
from tests.policy_builders import (
    UNKNOWN,
    GraphBuilder,
    aws_provider,
    bucket,
    container,
    deployment,
    hpa,
    ingress,
    rds_primary,
    rds_replica,
    security_group,
)

_LEVELS = {
    EnforcementLevel.ADVISORY: proto.ADVISORY,
    EnforcementLevel.MANDATORY: proto.MANDATORY,
    EnforcementLevel.REMEDIATE: proto.REMEDIATE,
    EnforcementLevel.DISABLED: proto.DISABLED,
}


def _struct(values: Mapping[str, Any]) -> struct_pb2.Struct:
    message = struct_pb2.Struct()
    message.update(dict(values))
    return message


def _options(resource: Resource) -> Any:
    return proto.AnalyzerResourceOptions(
        protect=resource.options.protect, ignoreChanges=list(resource.options.ignore_changes)
    )


def _provider(graph: Graph, resource: Resource) -> Any:
    if resource.provider is None:
        return None
    provider = graph[resource.provider]
    return proto.AnalyzerProviderResource(
        type=provider.type, properties=_struct(provider.inputs), urn=provider.urn, name=provider.name
    )


def _crossguard(graph: Graph, policy_config: Mapping[str, Any]) -> Counter[tuple[str, int, str, str]]:
    """(policy, level, urn, message) of every diagnostic the servicer returns for the graph."""
    servicer = PolicyAnalyzerServicer(PACK_NAME, "1.0.0", list(POLICIES), EnforcementLevel.MANDATORY)
    configured = {
        name: proto.PolicyConfig(enforcementLevel=_LEVELS[settings.level], properties=_struct(settings.config))
        for name, settings in resolve_policy_config(POLICIES, policy_config).items()
    }
    servicer.Configure(proto.ConfigureAnalyzerRequest(policyConfig=configured), None)
    found: Counter[tuple[str, int, str, str]] = Counter()
    for resource in graph:
        request = proto.AnalyzeRequest(
            type=resource.type,
            properties=_struct(resource.inputs),
            urn=resource.urn,
            name=resource.name,
            options=_options(resource),
            provider=_provider(graph, resource),
        )
        for diagnostic in servicer.Analyze(request, None).diagnostics:
            # The engine files a resource policy's diagnostic under the resource it analyzed.
            found[(diagnostic.policyName, diagnostic.enforcementLevel, resource.urn, diagnostic.message)] += 1
    stack_request = proto.AnalyzeStackRequest(
        resources=[
            proto.AnalyzerResource(
                type=resource.type,
                properties=_struct(state_outputs(resource)),
                urn=resource.urn,
                name=resource.name,
                options=_options(resource),
                provider=_provider(graph, resource),
                parent=resource.parent or "",
                dependencies=sorted(resource.dependencies),
                propertyDependencies={
                    prop: proto.AnalyzerPropertyDependencies(urns=sorted(urns))
                    for prop, urns in resource.property_dependencies.items()
                },
            )
            for resource in graph
        ]
    )
    for diagnostic in servicer.AnalyzeStack(stack_request, None).diagnostics:
        found[(diagnostic.policyName, diagnostic.enforcementLevel, diagnostic.urn, diagnostic.message)] += 1
    return found


def _offline(graph: Graph, policy_config: Mapping[str, Any]) -> Counter[tuple[str, int, str, str]]:
    """The runner's violations in the servicer's terms: its message is the description, then what was found."""
    descriptions = {policy.name: policy.description for policy in POLICIES}
    return Counter(
        (
            violation.policy_name,
            _LEVELS[violation.enforcement_level],
            violation.urn or "",
            f"{descriptions[violation.policy_name]}\n{violation.message}",
        )
        for violation in evaluate(graph, policy_config)
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
        offline = _offline(graph, config)
        assert len(offline) > 10
        assert offline == _crossguard(graph, config)
