"""Origin authentication: every listener rule that forwards requires the origin secret, and no listener forwards by
default; a stack whose zone another stack configures is left unchecked only where its policy config says so."""

from __future__ import annotations

from typing import Any

import pytest

from facts.origin_authentication import ORIGIN_HEADER
from policies.rules.origin import ALB_ORIGIN_SECRET_REQUIRED
from policies.support.aws import LISTENER, LISTENER_RULE
from tests.policy_builders import UNKNOWN, messages, single

HOST = {"hostHeader": {"values": ["app.projectsentinel.ai"]}}
SECRET = {"httpHeader": {"httpHeaderName": ORIGIN_HEADER, "values": ["0" * 64]}}
FORWARD = [{"type": "forward", "targetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web/1"}]
NOT_FOUND = {"type": "fixed-response", "fixedResponse": {"contentType": "text/plain", "statusCode": "404"}}


def rule(conditions: Any, actions: Any = FORWARD) -> dict[str, Any]:
    return {"priority": 81, "conditions": conditions, "actions": actions}


def violations(type_: str, inputs: dict[str, Any], config: dict[str, Any] | None = None) -> list[str]:
    return messages(ALB_ORIGIN_SECRET_REQUIRED, single(type_, inputs), config)


@pytest.mark.parametrize(
    "conditions",
    [
        [HOST, SECRET],
        # The header's name in any letter case: the ALB compares names without regard to it.
        [HOST, {"httpHeader": {"httpHeaderName": ORIGIN_HEADER.lower(), "values": ["0" * 64, "1" * 64]}}],
        # Not known during a preview: judged once known.
        [HOST, {"httpHeader": {"httpHeaderName": ORIGIN_HEADER, "values": UNKNOWN}}],
        UNKNOWN,
    ],
    ids=["secret", "rotation-in-lower-case", "values-unknown", "conditions-unknown"],
)
def test_a_forwarding_rule_that_requires_the_secret_passes(conditions: Any) -> None:
    assert violations(LISTENER_RULE, rule(conditions)) == []


@pytest.mark.parametrize(
    "conditions",
    [
        [HOST],
        [HOST, {"httpHeader": {"httpHeaderName": "X-Forwarded-Proto", "values": ["https"]}}],
        [HOST, {"httpHeader": {"httpHeaderName": ORIGIN_HEADER, "values": []}}],
    ],
    ids=["host-only", "another-header", "no-value"],
)
def test_a_forwarding_rule_without_the_secret_fails(conditions: Any) -> None:
    assert violations(LISTENER_RULE, rule(conditions)) == [
        f"forwards without requiring the {ORIGIN_HEADER} header: any Cloudflare customer's zone can reach the "
        f'targets; add an httpHeader condition on "{ORIGIN_HEADER}" with the origin secret (components/ingress.py)'
    ]


def test_weighted_forwarding_counts_as_forwarding() -> None:
    weighted = [{"type": "forward", "forward": {"targetGroups": [{"arn": "arn:tg/web", "weight": 1}]}}]
    assert len(violations(LISTENER_RULE, rule([HOST], weighted))) == 1


def test_a_rule_that_does_not_forward_needs_no_secret() -> None:
    assert violations(LISTENER_RULE, rule([HOST], [NOT_FOUND])) == []


def test_a_stack_whose_zone_another_stack_configures_may_leave_its_rules_unchecked() -> None:
    assert violations(LISTENER_RULE, rule([HOST]), {"zonesConfiguredByAnotherStack": True}) == []


def test_a_listener_answering_unknown_requests_itself_passes() -> None:
    assert violations(LISTENER, {"port": 443, "protocol": "HTTPS", "defaultActions": [NOT_FOUND]}) == []


@pytest.mark.parametrize("config", [None, {"zonesConfiguredByAnotherStack": True}], ids=["own-zone", "shared-zone"])
def test_a_listener_that_forwards_by_default_fails_in_every_stack(config: dict[str, Any] | None) -> None:
    listener = {"port": 443, "protocol": "HTTPS", "defaultActions": FORWARD}
    assert violations(LISTENER, listener, config) == [
        f"defaultActions[0] forwards: a request matching no rule, without the {ORIGIN_HEADER} header, reaches the "
        "targets; make the default a fixed response (404) and forward only in rules"
    ]
