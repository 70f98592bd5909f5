"""What the deploy-constraint test modules share. Each subject's module holds inputs of its types that AWS accepts
(`COMPLIANT`) and a case per constraint: the change to those inputs that breaks it, and the start of the message
it must then report."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pytest

from policies.rules.deploy_constraints import AWS_DEPLOY_CONSTRAINTS
from policies.rules.deploy_constraints.kinds import Constraint, Constraints
from tests.policy_builders import merged, messages, single

Compliant = Mapping[str, Mapping[str, Any]]
"""Inputs of each type that AWS accepts, as the program sets them."""

# A policy document AWS accepts, for the inputs of the types that hold one.
TRUST_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "vpc-flow-logs.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)


def constraint_case(compliant: Compliant) -> Callable[[str, dict[str, Any], str, str], Any]:
    """The case maker of a subject: `case(type_, change, expected, name)` is a case of `property_rule_tests`
    (tests/policy_builders.py) that breaks the compliant inputs of `type_` with `change`."""

    def case(type_: str, change: dict[str, Any], expected: str, name: str) -> Any:
        return pytest.param(AWS_DEPLOY_CONSTRAINTS, type_, compliant[type_], change, expected, id=name)

    return case


def untested_constraints(table: Constraints, cases: Sequence[Any]) -> list[tuple[str, Constraint]]:
    """The constraints of a subject's table that none of its cases breaks: added without a case, they would never
    be seen to catch anything."""
    broken: set[Any] = set()
    for param in cases:
        _policy, type_, compliant, change, _expected = param.values
        props = merged(compliant, change)
        broken.update(constraint for constraint in table[type_] if any(constraint.violations(props, None)))
    return [
        (type_, constraint)
        for type_, constraints in table.items()
        for constraint in constraints
        if constraint not in broken
    ]


def unknown_values_test(compliant: Compliant, cases: Sequence[Any]) -> Callable[[str, dict[str, Any]], None]:
    """The test that the compliant inputs, changed by each case `(type_, change)` to hold values unknown during a
    preview, report nothing. A test module binds it to a `test_*` name for pytest to collect."""

    @pytest.mark.parametrize(("type_", "change"), cases)
    def unknown_values_are_not_violations(type_: str, change: dict[str, Any]) -> None:
        assert messages(AWS_DEPLOY_CONSTRAINTS, single(type_, merged(compliant[type_], change))) == []

    return unknown_values_are_not_violations
