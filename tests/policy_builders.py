"""The builder of the policy tests' graphs, and how a test runs a policy over one: small graphs of resources that
pass every policy unless a test changes the one thing the policy exists for. Graphs go through
`offline.policy.evaluate`, so each rule meets its inputs the way CrossGuard sends them (numbers as floats,
unknowns behind the engine's proxy). The resources that pass are built by tests/policy_builders_aws.py,
tests/policy_builders_kubernetes.py and tests/policy_builders_cloudflare.py."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from pulumi_policy import Policy

from offline.graph import Graph, Resource, ResourceOptions
from offline.policy import Violation, evaluate
from offline.sdk_internals import UNKNOWN_STRING_VALUE

UNKNOWN = UNKNOWN_STRING_VALUE
"""How the engine sends a value that is not known during a preview."""

STACK = "test"
REQUIRED_TAGS = {
    "Project": "sentinel",
    "Environment": "test",
    "Stack": "test",
    "Owner": "platform-team",
    "CostCenter": "sentinel-test",
    "ManagedBy": "pulumi",
}
"""The tags the test stack's AWS provider puts on every resource (`aws_provider` in tests/policy_builders_aws.py)."""


@dataclass(frozen=True)
class Ref:
    """An input computed from another resource's output (its id by default), as an Output would be: the
    builder writes the output's value (or UNKNOWN, as in a preview before the target exists) and records
    the property dependency."""

    target: Resource
    output: str
    known: bool


def ref(target: Resource, output: str = "id", *, known: bool = True) -> Ref:
    return Ref(target, output, known)


def _resolve(value: Any, found: set[str]) -> Any:
    if isinstance(value, Ref):
        found.add(value.target.urn)
        if not value.known:
            return UNKNOWN
        return value.target.id if value.output == "id" else value.target.outputs[value.output]
    if isinstance(value, Mapping):
        return {key: _resolve(item, found) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_resolve(item, found) for item in value]
    return value


class GraphBuilder:
    """Registers resources like the offline engine records them; `build()` returns the `Graph`."""

    def __init__(self) -> None:
        self.prefix = ""
        """Put before every name, so that one builder can hold several copies of the same resources."""
        self.aws_provider: Resource | None = None
        """The provider of `aws:` resources added without one (like a component's providers option)."""
        self._resources: dict[str, Resource] = {}

    def add(
        self,
        type_: str,
        name: str,
        inputs: Mapping[str, Any] | None = None,
        *,
        provider: Resource | None = None,
        parent: Resource | None = None,
        protect: bool = False,
        depends_on: Sequence[Resource] = (),
    ) -> Resource:
        resolved: dict[str, Any] = {}
        property_dependencies: dict[str, frozenset[str]] = {}
        for key, value in (inputs or {}).items():
            if value is None:  # the engine sends no value for an unset input
                continue
            found: set[str] = set()
            resolved[key] = _resolve(value, found)
            property_dependencies[key] = frozenset(found)
        name = f"{self.prefix}{name}"
        if provider is None and type_.startswith("aws:"):
            provider = self.aws_provider
        urn = f"urn:pulumi:{STACK}::sentinel::{type_}::{name}"
        resource = Resource(
            urn=urn,
            type=type_,
            name=name,
            custom=not type_.startswith("sentinel:components:"),
            id=f"{name}-id",
            inputs=resolved,
            outputs=resolved,
            parent=parent.urn if parent else None,
            dependencies=frozenset(other.urn for other in depends_on).union(*property_dependencies.values()),
            property_dependencies=property_dependencies,
            provider=provider.urn if provider else None,
            options=ResourceOptions(protect=protect),
        )
        self._resources[urn] = resource
        return resource

    def __len__(self) -> int:
        return len(self._resources)

    def build(self) -> Graph:
        return Graph(STACK, self._resources, {})


def violations(policy: Policy, graph: Graph, config: Mapping[str, Any] | None = None) -> list[Violation]:
    """What `policy` reports on `graph`, under an optional config entry of the policy."""
    return evaluate(graph, {policy.name: dict(config)} if config else None, policies=[policy])


def messages(policy: Policy, graph: Graph, config: Mapping[str, Any] | None = None) -> list[str]:
    return [violation.message for violation in violations(policy, graph, config)]


def single(type_: str, inputs: Mapping[str, Any], *, protect: bool = False) -> Graph:
    """A graph of one resource."""
    builder = GraphBuilder()
    builder.add(type_, "subject", inputs, protect=protect)
    return builder.build()


PropertyRuleTest = Callable[[Policy, str, dict[str, Any], dict[str, Any], str], None]


def property_rule_tests(cases: Sequence[Any]) -> tuple[PropertyRuleTest, PropertyRuleTest]:
    """The two tests of a table of single-property rules, each case `(policy, type_, compliant inputs, change
    that breaks the property, start of the expected message)`: the compliant resource passes, and the changed
    one fails with exactly that message. A test module binds them to `test_*` names for pytest to collect."""
    parameters = pytest.mark.parametrize(("policy", "type_", "compliant", "change", "expected"), cases)

    @parameters
    def passes_compliant_resource(
        policy: Policy, type_: str, compliant: dict[str, Any], change: dict[str, Any], expected: str
    ) -> None:
        assert messages(policy, single(type_, compliant)) == []

    @parameters
    def reports_the_broken_property(
        policy: Policy, type_: str, compliant: dict[str, Any], change: dict[str, Any], expected: str
    ) -> None:
        found = messages(policy, single(type_, merged(compliant, change)))
        assert len(found) == 1
        assert found[0].startswith(expected)

    return passes_compliant_resource, reports_the_broken_property


def merged(base: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """`base` with `changes` applied; nested mappings merge, and a None value removes the key."""
    result = dict(base)
    for key, value in changes.items():
        if value is None:
            result.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(result.get(key), Mapping):
            result[key] = merged(result[key], value)
        else:
            result[key] = value
    return result
