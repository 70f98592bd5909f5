"""The stack config as a whole: the real stack files load, each environment's defaults apply beside their fields,
and bad input is reported all at once, each problem named by its full key. Each section's own cases are in
tests/test_<section>_config.py."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.config import ConfigError, StackConfig
from components.config.loading import with_defaults
from offline import REMOVE, stackfiles
from tests.config_cases import BadConfig, named_by_full_key
from tests.helpers import STACKS, load, problems_of


@pytest.mark.parametrize("stack", STACKS)
def test_every_stack_file_loads(stack: str) -> None:
    config = load(stack)
    assert config.environment == stack
    assert len(config.network.availability_zones) == 3
    assert config.domain.endswith("projectsentinel.ai")


def test_environment_defaults_apply_and_stack_files_override_them() -> None:
    assert load("dev").network.nat_gateways == "single"
    assert load("dev").network.flow_log_retention_days == 30
    assert load("staging").network.nat_gateways == "perAz"
    assert load("prod").network.flow_log_retention_days == 365
    assert load("dev", {"sentinel:network.natGateways": "perAz"}).network.nat_gateways == "perAz"


BAD_CONFIGS: list[BadConfig] = [
    # (case, overrides, key named in the message, something the message says is allowed): the stack's identity
    # and tags, and what any section's key can get wrong (an unknown key, a value of the wrong type)
    (
        "unknown environment",
        {"sentinel:environment": "production"},
        "sentinel:environment",
        "'dev', 'staging' or 'prod'",
    ),
    ("unknown region", {"sentinel:region": "mars-north-1"}, "sentinel:region", "us-east-1"),
    ("name not dns-safe", {"sentinel:name": "Sentinel_App"}, "sentinel:name", "DNS label"),
    ("domain not dns-safe", {"sentinel:domain": "project sentinel.ai"}, "sentinel:domain", "DNS domain"),
    ("typo in a section", {"sentinel:network.vpcCIDR": "10.0.0.0/16"}, "sentinel:network.vpcCIDR", "vpcCidr"),
    ("typo in a top-level key", {"sentinel:netwrok": {"vpcCidr": "10.0.0.0/16"}}, "sentinel:netwrok", "network"),
    (
        "wrong type: zones as text",
        {"sentinel:network.availabilityZones": "us-east-1a"},
        "sentinel:network.availabilityZones",
        "list",
    ),
    (
        "wrong type: number as text",
        {"sentinel:network.flowLogRetentionDays": "a year"},
        "sentinel:network.flowLogRetentionDays",
        "integer",
    ),
    ("account id", {"sentinel:accountId": "1234"}, "sentinel:accountId", "12-digit"),
    ("reserved tag key", {"sentinel:tags.extra": {"Owner": "someone"}}, "sentinel:tags.extra", "reserved"),
    ("bad tag value", {"sentinel:tags.owner": "team<script>"}, "sentinel:tags.owner", "AWS tag rules"),
    ("missing owner", {"sentinel:tags.owner": REMOVE}, "sentinel:tags.owner", "required"),
    ("name too long for buckets", {"sentinel:name": "s" * 30}, "sentinel:name", "longer than S3's 63 characters"),
]

test_bad_config_is_named_by_its_full_key = named_by_full_key(BAD_CONFIGS)


def test_the_bad_value_is_quoted() -> None:
    [problem] = problems_of({"sentinel:network.vpcCidr": "10.0.0.0/33"})
    assert '"10.0.0.0/33"' in problem


def test_every_problem_is_reported_at_once() -> None:
    problems = problems_of(
        {
            "sentinel:environment": "qa",
            "sentinel:region": "nowhere",
            "sentinel:network.vpcCidr": "bad",
            "sentinel:tags.costCenter": REMOVE,
            "sentinel:extra": 1,
        }
    )
    named = {problem.split(" ")[0].rstrip(":") for problem in problems}
    assert named >= {
        "sentinel:environment",
        "sentinel:region",
        "sentinel:network.vpcCidr",
        "sentinel:tags.costCenter",
        "sentinel:extra",
    }


def test_config_error_message_lists_the_stack_and_each_problem() -> None:
    with pytest.raises(ConfigError) as caught:
        load("prod", {"sentinel:network.vpcCidr": "10.0.0.0/33", "sentinel:region": "nowhere"})
    message = str(caught.value)
    assert "stack 'prod'" in message
    assert "2 problem(s)" in message
    assert message.count("\n  - sentinel:") == 2


def _repeated(stack_value: Any, default: Any, key: str) -> list[str]:
    if isinstance(stack_value, dict) and isinstance(default, dict):
        return [
            found for k in stack_value if k in default for found in _repeated(stack_value[k], default[k], f"{key}.{k}")
        ]
    return [key] if stack_value == default else []


# Sections a stack file writes out on purpose although they equal its environment's defaults: what protects the
# stack's data must not follow an edit of `environment` (nor a change of a default).
WRITTEN_OUT = {"protection"}


def _stack_file_settings(stack: str) -> dict[str, Any]:
    _, config, _ = stackfiles.load(stackfiles.stack_file(stack))
    return {key.removeprefix("sentinel:"): json.loads(v) if v[:1] in "{[" else v for key, v in config.items()}


@pytest.mark.parametrize("stack", STACKS)
def test_stack_files_do_not_repeat_their_environments_defaults(stack: str) -> None:
    # Each environment's value lives beside its field (by_environment); a copy in a stack file would hide a
    # later change of the default.
    raw = _stack_file_settings(stack)
    defaults = with_defaults(StackConfig, {}, stack)
    repeated = [found for key in raw if key in defaults for found in _repeated(raw[key], defaults[key], key)]
    assert [found for found in repeated if found.split(".")[0] not in WRITTEN_OUT] == []


@pytest.mark.parametrize(
    ("stack", "protection"),
    [
        ("prod", {"protectState": True, "keepDataOnDelete": True}),
        ("staging", {"protectState": False, "keepDataOnDelete": True}),
    ],
)
def test_prod_and_staging_write_their_protection_out(stack: str, protection: dict[str, bool]) -> None:
    assert _stack_file_settings(stack)["protection"] == protection


@pytest.mark.parametrize(
    ("stack", "nat_gateways", "retention"), [("dev", "single", 30), ("staging", "perAz", 90), ("prod", "perAz", 365)]
)
def test_each_environment_gets_the_defaults_declared_beside_the_fields(
    stack: str, nat_gateways: str, retention: int
) -> None:
    network = load(stack).network
    assert (network.nat_gateways, network.flow_log_retention_days) == (nat_gateways, retention)
