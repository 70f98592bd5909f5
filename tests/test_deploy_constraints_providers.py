"""Deploy constraints of the providers (the AWS region, account and default tags, and the Cloudflare and Kubernetes
credentials): the inputs the program sets pass, and each constraint reports the value that breaks it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from policies.rules.deploy_constraints import providers
from policies.support.aws import (
    AWS_PROVIDER,
    KUBERNETES_PROVIDER,
)
from policies.support.cloudflare import CLOUDFLARE_PROVIDER
from tests.deploy_constraint_cases import constraint_case, unknown_values_test, untested_constraints
from tests.policy_builders import REQUIRED_TAGS, UNKNOWN, property_rule_tests

COMPLIANT: dict[str, dict[str, Any]] = {
    AWS_PROVIDER: {
        "region": "us-east-1",
        "allowedAccountIds": '["111111111111"]',
        "defaultTags": json.dumps({"tags": REQUIRED_TAGS}),
    },
    KUBERNETES_PROVIDER: {"kubeconfig": '{"apiVersion": "v1"}'},
    CLOUDFLARE_PROVIDER: {"apiToken": "token"},
}

case = constraint_case(COMPLIANT)

# (resource type, the change that breaks its compliant inputs, the start of the message it then reports, id)
CASES = [
    case(AWS_PROVIDER, {"region": "US East"}, 'region is "US East": AWS allows region codes', "region"),
    case(AWS_PROVIDER, {"allowedAccountIds": '["1111"]'}, 'allowedAccountIds[0] is "1111": AWS allows 12', "account"),
    case(
        AWS_PROVIDER,
        {"defaultTags": json.dumps({"tags": {"aws:owner": "platform"}})},
        'defaultTags.tags key "aws:owner": AWS allows no value starting with "aws:"',
        "default-tag-key",
    ),
    case(KUBERNETES_PROVIDER, {"kubeconfig": None}, "none of kubeconfig is set: AWS requires", "kubeconfig"),
    case(
        CLOUDFLARE_PROVIDER,
        {"apiKey": "key"},
        'apiKey "key" and apiToken "token" are set together: Cloudflare allows at most one of',
        "cloudflare-credentials",
    ),
]

test_compliant_values_pass, test_each_constraint_reports_its_planted_value = property_rule_tests(CASES)


def test_every_constraint_has_a_failing_case() -> None:
    assert untested_constraints(providers.CONSTRAINTS, CASES) == []


UNKNOWN_CASES = [
    pytest.param(AWS_PROVIDER, {"defaultTags": UNKNOWN}, id="default-tags"),
]

test_unknown_values_are_not_violations = unknown_values_test(COMPLIANT, UNKNOWN_CASES)
