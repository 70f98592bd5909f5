"""What the Pulumi engine sends a policy pack about an offline graph, in the analyzer protocol's messages (the
policy config, each resource with its inputs, the stack with every resource's outputs), and the diagnostics that
come back, filed as the engine files them. The CrossGuard cross-check sends these to pulumi_policy's servicer in
this process; the staged pack's test sends them over gRPC to the pack started as the CLI starts it.

The graph holds values in the engine's own encoding (JSON, secrets as the objects tagged with Pulumi's signature
key, unknowns as the wire's unknown string), so what the engine sends for them is a protobuf Struct of them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from google.protobuf import struct_pb2
from pulumi_policy import EnforcementLevel

from offline.graph import Graph, Resource
from offline.policy import Violation, resolve_policy_config, state_outputs
from offline.sdk_internals import proto
from policies.pack import POLICIES

LEVELS = {
    EnforcementLevel.ADVISORY: proto.ADVISORY,
    EnforcementLevel.MANDATORY: proto.MANDATORY,
    EnforcementLevel.REMEDIATE: proto.REMEDIATE,
    EnforcementLevel.DISABLED: proto.DISABLED,
}

# A diagnostic as the engine reports it: (policy, enforcement level, URN, message).
Diagnostic = tuple[str, int, str, str]


def _struct(values: Mapping[str, Any]) -> struct_pb2.Struct:
    message = struct_pb2.Struct()
    message.update(dict(values))
    return message


def _options(resource: Resource) -> Any:
    options = resource.options
    return proto.AnalyzerResourceOptions(
        protect=options.protect,
        ignoreChanges=list(options.ignore_changes),
        # The graph keeps a plain bool, set only where the program set the option.
        deleteBeforeReplace=options.delete_before_replace,
        deleteBeforeReplaceDefined=options.delete_before_replace,
        aliases=list(options.aliases),
        parent=resource.parent or "",
    )


def _provider(graph: Graph, resource: Resource) -> Any:
    if resource.provider is None or resource.provider not in graph.resources:
        return None
    provider = graph[resource.provider]
    return proto.AnalyzerProviderResource(
        type=provider.type, properties=_struct(provider.inputs), urn=provider.urn, name=provider.name
    )


def configure_request(policy_config: Mapping[str, Any]) -> Any:
    """Each policy's level and settings under a `--policy-pack-config` file, as the engine configures the pack."""
    return proto.ConfigureAnalyzerRequest(
        policyConfig={
            name: proto.PolicyConfig(enforcementLevel=LEVELS[settings.level], properties=_struct(settings.config))
            for name, settings in resolve_policy_config(POLICIES, policy_config).items()
        }
    )


def analyze_request(graph: Graph, resource: Resource) -> Any:
    """What a resource policy is asked about: the resource's inputs, its options and its provider."""
    return proto.AnalyzeRequest(
        type=resource.type,
        properties=_struct(resource.inputs),
        urn=resource.urn,
        name=resource.name,
        options=_options(resource),
        provider=_provider(graph, resource),
    )


def analyze_stack_request(graph: Graph) -> Any:
    """What the stack policies are asked about: every resource's outputs, with its parent and dependencies."""
    return proto.AnalyzeStackRequest(
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


def filed(diagnostics: Iterable[Any], analyzed: str | None = None) -> Counter[Diagnostic]:
    """Diagnostics as the engine files them: a resource policy's under the resource it analyzed (`analyzed`), a
    stack policy's under the URN it names."""
    return Counter(
        (diagnostic.policyName, diagnostic.enforcementLevel, analyzed or diagnostic.urn, diagnostic.message)
        for diagnostic in diagnostics
    )


def judged(graph: Graph, analyze: Callable[[Any], Any], analyze_stack: Callable[[Any], Any]) -> Counter[Diagnostic]:
    """Every diagnostic an analyzer returns for the graph, `analyze` asked about each resource and `analyze_stack`
    about the stack."""
    found: Counter[Diagnostic] = Counter()
    for resource in graph:
        found += filed(analyze(analyze_request(graph, resource)).diagnostics, resource.urn)
    return found + filed(analyze_stack(analyze_stack_request(graph)).diagnostics)


def as_diagnostics(violations: Iterable[Violation]) -> Counter[Diagnostic]:
    """The offline runner's violations in the analyzer's terms: its message is the description, then what was
    found."""
    descriptions = {policy.name: policy.description for policy in POLICIES}
    return Counter(
        (
            violation.policy_name,
            LEVELS[violation.enforcement_level],
            violation.urn or "",
            f"{descriptions[violation.policy_name]}\n{violation.message}",
        )
        for violation in violations
    )
