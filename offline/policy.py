"""Runs the Sentinel policy pack over an offline graph the way CrossGuard runs it during `pulumi preview`.

Resource policies get each resource's inputs, stack policies every resource's outputs, both as the engine
sends them: JSON values (every number a float) wrapped in pulumi_policy's unknown-checking proxy, with the
resource's options and its provider. The policy config has the format `--policy-pack-config` reads:
`{"all": level, "<policy>": level | {"enforcementLevel": level, "<setting>": value, ...}}`.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from inspect import isawaitable
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from offline.collector import collector_paused
from offline.graph import Graph, Resource
from offline.sdk_internals import NotApplicableError, UnknownValueError, unknown_checking_proxy
from policies.pack import PACK_NAME, POLICIES
from policies.support.declare import ResourcePolicy

DEFAULT_LEVEL = EnforcementLevel.MANDATORY  # the pack's default, as policies/__main__.py declares it


@dataclass(frozen=True)
class Violation:
    """One diagnostic of the pack: `urn` is None for a violation of the stack as a whole."""

    policy_name: str
    enforcement_level: EnforcementLevel
    urn: str | None
    message: str

    def __str__(self) -> str:
        where = f" {self.urn}" if self.urn else ""
        return f"[{self.enforcement_level.value}] {self.policy_name}{where}: {self.message}"


def any_mandatory(violations: Iterable[Violation]) -> bool:
    """Whether the violations would fail `pulumi preview` / `pulumi up`."""
    return any(violation.enforcement_level == EnforcementLevel.MANDATORY for violation in violations)


# --- Policy config ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PolicySettings:
    """A policy's effective enforcement level and configuration."""

    level: EnforcementLevel
    config: dict[str, Any] = field(default_factory=dict)


def _level(value: Any, where: str) -> EnforcementLevel:
    try:
        return EnforcementLevel(value)
    except ValueError:
        levels = ", ".join(level.value for level in EnforcementLevel)
        raise ValueError(f"{where}: enforcement level must be one of {levels}, not {value!r}") from None


_ENCODER = json.JSONEncoder()
_DECODER = json.JSONDecoder(parse_int=float)


def _wire(value: Any) -> Any:
    """A value as it reaches a policy through the engine (a protobuf Struct): JSON, every number a float."""
    return _DECODER.decode(_ENCODER.encode(value))


_JSON_TYPES: Mapping[str, Callable[[Any], bool]] = {
    "string": lambda value: isinstance(value, str),
    "boolean": lambda value: isinstance(value, bool),
    "number": lambda value: isinstance(value, int | float) and not isinstance(value, bool),
    "integer": lambda value: isinstance(value, int | float) and not isinstance(value, bool) and value == int(value),
    "array": lambda value: isinstance(value, list),
    "object": lambda value: isinstance(value, Mapping),
}


def _validate(value: Any, schema: Mapping[str, Any], where: str) -> None:
    """Checks a config value against the JSON-schema keywords the pack's schemas use."""
    expected = schema.get("type")
    if expected is not None and not _JSON_TYPES[expected](value):
        raise ValueError(f"{where} must be of type {expected}, not {value!r}")
    if "pattern" in schema and not re.search(schema["pattern"], value):
        raise ValueError(f"{where} must match {schema['pattern']}, not {value!r}")
    if "enum" in schema and value not in schema["enum"]:
        raise ValueError(f"{where} must be one of {schema['enum']}, not {value!r}")
    if "minimum" in schema and value < schema["minimum"]:
        raise ValueError(f"{where} must be at least {schema['minimum']}, not {value!r}")
    if "maximum" in schema and value > schema["maximum"]:
        raise ValueError(f"{where} must be at most {schema['maximum']}, not {value!r}")
    for index, item in enumerate(value if expected == "array" else ()):
        _validate(item, schema.get("items", {}), f"{where}[{index}]")
    if expected == "object":
        missing = [name for name in schema.get("required", ()) if name not in value]
        if missing:
            raise ValueError(f"{where} must set {', '.join(missing)}")
        for name, item in value.items():
            if name in schema.get("properties", {}):
                _validate(item, schema["properties"][name], f"{where}.{name}")


def _configured(policy: Policy, entry: Mapping[str, Any]) -> dict[str, Any]:
    """A policy's settings: its schema's defaults overridden by the config entry, validated."""
    properties = policy.config_schema.properties if policy.config_schema else {}
    settings = {name: spec["default"] for name, spec in properties.items() if "default" in spec}
    for name, value in entry.items():
        if name not in properties:
            raise ValueError(f"policy {policy.name!r} has no setting {name!r}; its settings: {sorted(properties)}")
        settings[name] = value
    required = (policy.config_schema.required if policy.config_schema else None) or []
    for name in required:
        if name not in settings:
            raise ValueError(f"policy {policy.name!r} requires the setting {name!r}")
    for name, value in settings.items():
        _validate(value, properties[name], f"{policy.name}.{name}")
    return _wire(settings)


def resolve_policy_config(
    policies: Sequence[Policy], policy_config: Mapping[str, Any] | None
) -> dict[str, PolicySettings]:
    """Each policy's level and settings under a policy config, reconciled the way the Pulumi engine does: the
    policy's own level (else the pack's), then `all`, then the policy's own entry. Names and settings that no
    policy has are errors, so a typo cannot silently switch a policy back to its default."""
    config = dict(policy_config or {})
    by_name = {policy.name: policy for policy in policies}
    unknown = sorted(set(config) - set(by_name) - {"all"})
    if unknown:
        raise ValueError(f"the policy config names unknown policies {unknown}")
    every = config.get("all")
    if isinstance(every, Mapping):
        if set(every) - {"enforcementLevel"}:
            raise ValueError('"all" takes only an enforcement level')
        every = every.get("enforcementLevel")
    resolved: dict[str, PolicySettings] = {}
    for name, policy in by_name.items():
        level = policy.enforcement_level or DEFAULT_LEVEL
        if every is not None:
            level = _level(every, "all")
        entry = config.get(name, {})
        if not isinstance(entry, Mapping):
            entry = {"enforcementLevel": entry}
        if "enforcementLevel" in entry:
            level = _level(entry["enforcementLevel"], name)
        settings = {key: value for key, value in entry.items() if key != "enforcementLevel"}
        resolved[name] = PolicySettings(level, _configured(policy, settings))
    return resolved


# --- What the engine sends -------------------------------------------------------------------------------


def _props(values: Mapping[str, Any]) -> Mapping[str, Any]:
    return unknown_checking_proxy(_wire(dict(values)))


class _OutputsOnFirstUse(Mapping[str, Any]):
    """A resource's outputs as a stack policy's props, converted and wrapped like `_props` when first read:
    stack policies read the props of few resources, and building them all would cost most of a large
    stack's evaluation."""

    def __init__(self, resource: Resource) -> None:
        self._resource: Resource | None = resource
        self._props: Mapping[str, Any] = {}

    def _wrapped(self) -> Mapping[str, Any]:
        if self._resource is not None:
            self._props, self._resource = _props(state_outputs(self._resource)), None
        return self._props

    def __getitem__(self, key: str) -> Any:
        return self._wrapped()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._wrapped())

    def __len__(self) -> int:
        return len(self._wrapped())


def _options(resource: Resource) -> PolicyResourceOptions:
    return PolicyResourceOptions(
        protect=resource.options.protect,
        ignore_changes=list(resource.options.ignore_changes),
        # The graph keeps a plain bool; the engine reports None when the option was not set.
        delete_before_replace=resource.options.delete_before_replace or None,
        aliases=list(resource.options.aliases),
        custom_timeouts=PolicyCustomTimeouts(0, 0, 0),
        additional_secret_outputs=[],
        parent=resource.parent,
    )


def state_outputs(resource: Resource) -> Mapping[str, Any]:
    """A resource's outputs as the engine's state holds them. Bridged (Terraform-based) providers such as
    aws and cloudflare include the resource's id among its outputs; the mocks return the id separately."""
    outputs = dict(resource.outputs)
    bridged = resource.custom and not resource.is_provider and not resource.type.startswith("kubernetes:")
    if bridged and resource.id and "id" not in outputs:
        outputs["id"] = resource.id
    return outputs


class _Sent:
    """The options and provider the engine sends with each resource, built once and shared by the resource
    and stack policies."""

    def __init__(self, graph: Graph) -> None:
        self._graph = graph
        self._options: dict[str, PolicyResourceOptions] = {}
        self._providers: dict[str, PolicyProviderResource] = {}

    def options(self, resource: Resource) -> PolicyResourceOptions:
        if resource.urn not in self._options:
            self._options[resource.urn] = _options(resource)
        return self._options[resource.urn]

    def provider(self, resource: Resource) -> PolicyProviderResource | None:
        urn = resource.provider
        if urn is None or urn not in self._graph.resources:
            return None
        if urn not in self._providers:
            provider = self._graph[urn]
            self._providers[urn] = PolicyProviderResource(provider.type, _props(provider.inputs), urn, provider.name)
        return self._providers[urn]


def _stack_resources(graph: Graph, sent: _Sent) -> list[PolicyResource]:
    """Every resource as a stack policy sees it, with parents and dependencies linked."""
    built = {
        resource.urn: PolicyResource(
            resource.type,
            _OutputsOnFirstUse(resource),
            resource.urn,
            resource.name,
            sent.options(resource),
            sent.provider(resource),
            None,
            [],
            {},
        )
        for resource in graph
    }
    for resource in graph:
        policy_resource = built[resource.urn]
        policy_resource.parent = built.get(resource.parent) if resource.parent else None
        policy_resource.dependencies = [built[urn] for urn in sorted(resource.dependencies) if urn in built]
        policy_resource.property_dependencies = {
            prop: [built[urn] for urn in sorted(urns) if urn in built]
            for prop, urns in resource.property_dependencies.items()
        }
    return list(built.values())


# --- Running the policies --------------------------------------------------------------------------------


class _Diagnostics:
    """Turns what policies report into violations, the way CrossGuard turns them into diagnostics."""

    def __init__(self) -> None:
        self.violations: list[Violation] = []

    def run(
        self, policy: Policy, level: EnforcementLevel, urn: str | None, validate: Callable[..., Any], args: Any
    ) -> None:
        """Runs `validate(args, report)`; `urn` is the resource a resource policy validates (None for a stack
        policy, whose reports name the resource themselves)."""
        # CrossGuard reports what cannot be remediated at remediate level as mandatory.
        reported_level = EnforcementLevel.MANDATORY if level == EnforcementLevel.REMEDIATE else level

        def report(message: str, reported_urn: str | None = None) -> None:
            where = urn if urn is not None else reported_urn or None
            self.violations.append(Violation(policy.name, reported_level, where, message or policy.description))

        try:
            result = validate(args, report)
            if isawaitable(result):
                loop = asyncio.new_event_loop()
                try:
                    loop.run_until_complete(result)
                finally:
                    loop.close()
        except UnknownValueError as unknown:
            # What CrossGuard does when a policy touches an unknown it did not guard against: an advisory note.
            message = (
                f"can't run policy '{policy.name}' from policy pack '{PACK_NAME}' during preview: {unknown.message}"
            )
            self.violations.append(Violation(policy.name, EnforcementLevel.ADVISORY, urn, message))
        except NotApplicableError:
            pass


def _resource_policies_by_type(
    policies: Iterable[Policy],
) -> tuple[dict[str, list[ResourceValidationPolicy]], list[ResourceValidationPolicy]]:
    """The resource policies indexed by the types they declare, and those that apply to every type."""
    by_type: dict[str, list[ResourceValidationPolicy]] = defaultdict(list)
    every_type: list[ResourceValidationPolicy] = []
    for policy in policies:
        if isinstance(policy, ResourcePolicy):
            for type_ in policy.resource_types:
                by_type[type_].append(policy)
        elif isinstance(policy, ResourceValidationPolicy):
            every_type.append(policy)
    return by_type, every_type


def evaluate(
    graph: Graph, policy_config: Mapping[str, Any] | None = None, *, policies: Sequence[Policy] = POLICIES
) -> list[Violation]:
    """Every violation of `policies` (the Sentinel pack by default) in `graph` under `policy_config` (each
    policy at its own level when None): resource policies resource by resource, then stack policies."""
    with collector_paused():
        return _evaluate(graph, policy_config, policies)


def _evaluate(graph: Graph, policy_config: Mapping[str, Any] | None, policies: Sequence[Policy]) -> list[Violation]:
    settings = resolve_policy_config(policies, policy_config)
    enabled = [policy for policy in policies if settings[policy.name].level != EnforcementLevel.DISABLED]
    by_type, every_type = _resource_policies_by_type(enabled)
    sent = _Sent(graph)
    diagnostics = _Diagnostics()

    for resource in graph:
        applicable = by_type.get(resource.type, []) + every_type
        if not applicable:
            continue
        props, options, provider = _props(resource.inputs), sent.options(resource), sent.provider(resource)
        for policy in applicable:
            policy_settings = settings[policy.name]
            args = ResourceValidationArgs(
                resource.type, props, resource.urn, resource.name, options, provider, policy_settings.config or None
            )
            diagnostics.run(policy, policy_settings.level, resource.urn, policy.validate, args)

    stack_policies = [policy for policy in enabled if isinstance(policy, StackValidationPolicy)]
    if stack_policies:
        resources = _stack_resources(graph, sent)
        for policy in stack_policies:
            policy_settings = settings[policy.name]
            args = StackValidationArgs(resources, policy_settings.config or None)
            diagnostics.run(policy, policy_settings.level, None, policy.validate, args)
    return diagnostics.violations
