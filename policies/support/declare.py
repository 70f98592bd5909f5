"""How a Sentinel policy is declared: one call per policy, naming what it checks, why and how to fix it.

A rule is a plain function. A resource rule takes the resource's validation args and the policy's settings
and yields one message per violation; a stack rule takes the `Stack` and the settings and yields `Finding`s.
The declarations add what CrossGuard needs around them (name, description, severity, level, config schema).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

from policies.support.stack import Stack
from policies.support.values import Requirement, at_least, field, shown, violated

Settings = Mapping[str, Any]
"""A policy's configuration: its schema's defaults overridden by the stack's policy config."""

ConfigProperties = Mapping[str, Mapping[str, Any]]
"""JSON-schema properties of a policy's configuration, each with a `default`."""


class Concern(Enum):
    """What a policy protects. The stacks' policy configs relax RESILIENCE rules in dev, where losing a
    resource costs a rebuild rather than data or exposure; SECURITY and GOVERNANCE rules hold everywhere."""

    SECURITY = "security"
    RESILIENCE = "resilience"
    GOVERNANCE = "governance"


@dataclass(frozen=True)
class Finding:
    """One violation a stack rule found: the offending resource (None for the stack as a whole) and why."""

    urn: str | None
    message: str


ResourceRule = Callable[[ResourceValidationArgs, Settings], Iterable[str]]
StackRule = Callable[[Stack, Settings], Iterable[Finding]]


@dataclass(frozen=True)
class Expect:
    """One requirement on one input property, addressed by a dotted path ("vpcConfig.endpointPublicAccess"),
    and what to set to meet it."""

    path: str
    requirement: Requirement
    fix: str


def expecting(*expectations: Expect, when: Callable[[Any], bool] | None = None) -> ResourceRule:
    """A resource rule made of property requirements, applied to resources whose props pass `when`."""

    def rule(args: ResourceValidationArgs, _settings: Settings) -> Iterable[str]:
        if when is not None and not when(args.props):
            return
        for expectation in expectations:
            value = field(args.props, *expectation.path.split("."))
            if violated(value, expectation.requirement):
                yield f"{expectation.path} is {shown(value)}: {expectation.fix}"

    return rule


def expecting_minimum(path: str, setting: str, *, when: Callable[[Any], bool] | None = None) -> ResourceRule:
    """A resource rule requiring the number at `path` to be at least the policy's setting `setting`."""

    def rule(args: ResourceValidationArgs, settings: Settings) -> Iterable[str]:
        if when is not None and not when(args.props):
            return
        minimum = settings[setting]
        value = field(args.props, *path.split("."))
        if violated(value, at_least(minimum)):
            yield f"{path} is {shown(value)}: set it to at least {shown(minimum)}"

    return rule


def concern_of(policy: Policy) -> Concern:
    """The concern a policy was declared with (carried in its tags, which CrossGuard also displays)."""
    return next(concern for concern in Concern if concern.value in (policy.tags or ()))


def _schema(config: ConfigProperties | None) -> PolicyConfigSchema | None:
    return PolicyConfigSchema(properties={name: dict(spec) for name, spec in config.items()}) if config else None


def settings_for(policy: Policy, configured: Mapping[str, Any]) -> dict[str, Any]:
    """The policy's settings: each schema default, overridden by what the policy config sets. The Pulumi
    engine already fills in defaults; doing it here too keeps rules correct when called without it."""
    properties = policy.config_schema.properties if policy.config_schema else {}
    defaults = {name: spec["default"] for name, spec in properties.items() if "default" in spec}
    return {**defaults, **configured}


def _declaration(
    *, name: str, description: str, concern: Concern, severity: Severity, config: ConfigProperties | None
) -> dict[str, Any]:
    """What every Sentinel policy tells CrossGuard about itself: the pack's default level (stacks relax it in
    their policy configs) and its concern as a tag."""
    return {
        "name": name,
        "description": description,
        "enforcement_level": EnforcementLevel.MANDATORY,
        "config_schema": _schema(config),
        "severity": severity,
        "tags": [concern.value],
    }


class ResourcePolicy(ResourceValidationPolicy):
    """A policy run on each resource of `resource_types`, over its inputs. The types are declared so that a
    runner can index policies by type instead of offering every resource to every policy."""

    def __init__(
        self,
        *,
        name: str,
        description: str,
        concern: Concern,
        severity: Severity,
        resource_types: Iterable[str],
        rule: ResourceRule,
        config: ConfigProperties | None = None,
    ) -> None:
        self.resource_types = frozenset(resource_types)
        self._rule = rule
        super().__init__(
            validate=self._validate,
            **_declaration(name=name, description=description, concern=concern, severity=severity, config=config),
        )

    def _validate(self, args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if args.resource_type not in self.resource_types:
            return
        for message in self._rule(args, settings_for(self, args.get_config())):
            report_violation(message, None)


class StackPolicy(StackValidationPolicy):
    """A policy run once over the whole stack (every resource's outputs), for rules about relationships."""

    def __init__(
        self,
        *,
        name: str,
        description: str,
        concern: Concern,
        severity: Severity,
        rule: StackRule,
        config: ConfigProperties | None = None,
    ) -> None:
        self._rule = rule
        super().__init__(
            validate=self._validate,
            **_declaration(name=name, description=description, concern=concern, severity=severity, config=config),
        )

    def _validate(self, args: StackValidationArgs, report_violation: ReportViolation) -> None:
        for finding in self._rule(Stack(args.resources), settings_for(self, args.get_config())):
            report_violation(finding.message, finding.urn)
