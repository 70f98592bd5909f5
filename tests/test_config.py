"""The stack config model: the real stack files load, and every bad input is named by its full key."""

from __future__ import annotations

import ipaddress
import json
from typing import Any

import pytest

from components.config import CLOUDFLARE_IPV4_RANGES, ConfigError, StackConfig, parse
from components.config.loading import with_defaults
from offline import REMOVE, stackfiles
from tests.conftest import STACKS


def load(stack: str = "prod", overrides: dict[str, Any] | None = None) -> StackConfig:
    _, config, secret_keys = stackfiles.load(stackfiles.stack_file(stack), overrides)
    return parse(stack, config, secret_keys)


def problems_of(overrides: dict[str, Any], stack: str = "prod") -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load(stack, overrides)
    return caught.value.problems


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


def test_prod_defaults_carry_cloudflare_ranges_and_the_seed_apps() -> None:
    config = load("prod")
    assert tuple(config.cloudflare.ipv4_ranges) == CLOUDFLARE_IPV4_RANGES
    assert {app: settings.subdomain for app, settings in config.apps.items()} == {
        "web": "app",
        "api": "api",
        "admin": "admin",
    }


def test_carved_subnets_fit_the_vpc_and_never_overlap() -> None:
    for stack in STACKS:
        network = load(stack).network
        vpc = ipaddress.IPv4Network(network.vpc_cidr)
        subnets = [subnet for tier in network.subnet_layout().values() for subnet in tier]
        assert len(subnets) == 3 * len(network.availability_zones)
        assert all(subnet.subnet_of(vpc) for subnet in subnets)
        assert not any(a.overlaps(b) for i, a in enumerate(subnets) for b in subnets[i + 1 :])


def test_explicit_subnet_cidrs_are_used_as_given() -> None:
    cidrs = {
        "public": ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"],
        "private": ["10.0.32.0/19", "10.0.64.0/19", "10.0.96.0/19"],
        "data": ["10.0.3.0/24", "10.0.4.0/24", "10.0.5.0/24"],
    }
    layout = load("prod", {"sentinel:network.subnetCidrs": cidrs}).network.subnet_layout()
    assert {tier: [str(subnet) for subnet in subnets] for tier, subnets in layout.items()} == cidrs


BAD_CONFIGS: list[tuple[str, dict[str, Any], str, str]] = [
    # (case, overrides, key named in the message, something the message says is allowed)
    ("malformed vpc cidr", {"sentinel:network.vpcCidr": "10.0.0.0/33"}, "sentinel:network.vpcCidr", "IPv4 CIDR"),
    ("host bits set", {"sentinel:network.vpcCidr": "10.0.0.1/16"}, "sentinel:network.vpcCidr", "no host bits"),
    ("public vpc cidr", {"sentinel:network.vpcCidr": "8.8.0.0/16"}, "sentinel:network.vpcCidr", "private range"),
    ("vpc too large", {"sentinel:network.vpcCidr": "10.0.0.0/8"}, "sentinel:network.vpcCidr", "/16 to /22"),
    (
        "subnets do not fit",
        {"sentinel:network.vpcCidr": "10.0.0.0/20"},
        "sentinel:network.subnetPrefixLengths",
        "larger vpcCidr",
    ),
    (
        "explicit subnet outside the vpc",
        {
            "sentinel:network.subnetCidrs": {
                "public": ["10.0.0.0/24", "10.0.1.0/24", "10.9.2.0/24"],
                "private": ["10.0.32.0/19", "10.0.64.0/19", "10.0.96.0/19"],
                "data": ["10.0.3.0/24", "10.0.4.0/24", "10.0.5.0/24"],
            }
        },
        "sentinel:network.subnetCidrs.public[2]",
        "inside vpcCidr",
    ),
    (
        "overlapping subnets",
        {
            "sentinel:network.subnetCidrs": {
                "public": ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"],
                "private": ["10.0.0.0/19", "10.0.64.0/19", "10.0.96.0/19"],
                "data": ["10.0.3.0/24", "10.0.4.0/24", "10.0.5.0/24"],
            }
        },
        "sentinel:network.subnetCidrs.private[0]",
        "must not overlap",
    ),
    (
        "a subnet per zone",
        {
            "sentinel:network.subnetCidrs": {
                "public": ["10.0.0.0/24"],
                "private": ["10.0.32.0/19", "10.0.64.0/19", "10.0.96.0/19"],
                "data": ["10.0.3.0/24", "10.0.4.0/24", "10.0.5.0/24"],
            }
        },
        "sentinel:network.subnetCidrs.public",
        "one per availability zone",
    ),
    (
        "one zone",
        {"sentinel:network.availabilityZones": ["us-east-1a"]},
        "sentinel:network.availabilityZones",
        "at least 2",
    ),
    (
        "duplicate zones",
        {"sentinel:network.availabilityZones": ["us-east-1a", "us-east-1a", "us-east-1b"]},
        "sentinel:network.availabilityZones",
        "more than once",
    ),
    (
        "zone outside the region",
        {"sentinel:network.availabilityZones": ["us-east-1a", "us-east-1b", "eu-west-1c"]},
        "sentinel:network.availabilityZones[2]",
        "us-east-1a, us-east-1b",
    ),
    (
        "unknown environment",
        {"sentinel:environment": "production"},
        "sentinel:environment",
        "'dev', 'staging' or 'prod'",
    ),
    ("unknown region", {"sentinel:region": "mars-north-1"}, "sentinel:region", "us-east-1"),
    ("name not dns-safe", {"sentinel:name": "Sentinel_App"}, "sentinel:name", "DNS label"),
    ("domain not dns-safe", {"sentinel:domain": "project sentinel.ai"}, "sentinel:domain", "DNS domain"),
    ("subdomain not dns-safe", {"sentinel:apps.web.subdomain": "-app"}, "sentinel:apps.web.subdomain", "DNS label"),
    (
        "app name not dns-safe",
        {"sentinel:apps.Web_App": {"subdomain": "x", "nodePort": 30099}},
        "sentinel:apps",
        "DNS label",
    ),
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
    (
        "retention not offered",
        {"sentinel:network.flowLogRetentionDays": 42},
        "sentinel:network.flowLogRetentionDays",
        "365",
    ),
    (
        "unknown NAT mode",
        {"sentinel:network.natGateways": "two"},
        "sentinel:network.natGateways",
        "'single' or 'perAz'",
    ),
    ("account id", {"sentinel:accountId": "1234"}, "sentinel:accountId", "12-digit"),
    ("node port", {"sentinel:apps.api.nodePort": 8080}, "sentinel:apps.api.nodePort", "30000"),
    (
        "shared node port",
        {"sentinel:apps.api.nodePort": 30080},
        "sentinel:apps.api.nodePort",
        "already used by app 'web'",
    ),
    (
        "cloudflare range private",
        {"sentinel:cloudflare.ipv4Ranges": ["10.0.0.0/8"]},
        "sentinel:cloudflare.ipv4Ranges[0]",
        "public",
    ),
    (
        "cloudflare range is the world",
        {"sentinel:cloudflare.ipv4Ranges": ["0.0.0.0/0"]},
        "sentinel:cloudflare.ipv4Ranges[0]",
        "non-default",
    ),
    (
        "cloudflare v6 in v4",
        {"sentinel:cloudflare.ipv4Ranges": ["2400:cb00::/32"]},
        "sentinel:cloudflare.ipv4Ranges[0]",
        "IPv4",
    ),
    ("reserved tag key", {"sentinel:tags.extra": {"Owner": "someone"}}, "sentinel:tags.extra", "reserved"),
    ("bad tag value", {"sentinel:tags.owner": "team<script>"}, "sentinel:tags.owner", "AWS tag rules"),
    ("missing owner", {"sentinel:tags.owner": REMOVE}, "sentinel:tags.owner", "required"),
    ("missing vpc cidr", {"sentinel:network.vpcCidr": REMOVE}, "sentinel:network.vpcCidr", "required"),
    # Tier 10 (ingress and workloads)
    ("latest tag", {"sentinel:apps.web.image.tag": "latest"}, "sentinel:apps.web.image.tag", "must not be latest"),
    ("bad tag", {"sentinel:apps.web.image.tag": "v 1"}, "sentinel:apps.web.image.tag", "letters, digits"),
    ("bad digest", {"sentinel:apps.web.image.digest": "sha256:abc"}, "sentinel:apps.web.image.digest", "64 hex"),
    (
        "tag and digest",
        {"sentinel:apps.web.image.digest": "sha256:" + "a" * 64},
        "sentinel:apps.web.image.digest",
        "give one of them",
    ),
    ("deployed without image", {"sentinel:apps.api.image.tag": REMOVE}, "sentinel:apps.api.image", "pinned image"),
    ("bad quantity", {"sentinel:apps.web.resources.requests.cpu": "lots"}, "sentinel:apps.web.resources", "quantity"),
    (
        "request above limit",
        {"sentinel:apps.web.resources.requests.memory": "2Gi"},
        "sentinel:apps.web.resources.requests.memory",
        "above the limit 768Mi",
    ),
    (
        "pod larger than a node",
        {"sentinel:apps.web.resources.requests.cpu": "1.5", "sentinel:apps.web.resources.limits.cpu": "2"},
        "sentinel:apps.web.resources.requests.cpu",
        "offers pods 1.43 cores",
    ),
    (
        "hpa min above max",
        {"sentinel:apps.web.autoscaling.minReplicas": 21},
        "sentinel:apps.web.autoscaling.minReplicas",
        "1 <= min <= max",
    ),
    ("hpa min zero", {"sentinel:apps.web.autoscaling.minReplicas": 0}, "sentinel:apps.web.autoscaling", "greater"),
    (
        "one pod in prod",
        {"sentinel:apps.admin.autoscaling.minReplicas": 1},
        "sentinel:apps.admin.autoscaling.minReplicas",
        "at least 2 in prod",
    ),
    ("pre-stop sleep", {"sentinel:apps.web.rollout.preStopSleepSeconds": 5}, "sentinel:apps.web.rollout", "10"),
    (
        "probe timeout",
        {"sentinel:apps.web.probes.timeoutSeconds": 10},
        "sentinel:apps.web.probes.timeoutSeconds",
        "below periodSeconds",
    ),
    ("secret in env", {"sentinel:apps.web.env": {"JWT_SECRET": "x"}}, "sentinel:apps.web.env", "Kubernetes Secret"),
    ("env name", {"sentinel:apps.web.env": {"log-level": "x"}}, "sentinel:apps.web.env", "upper case"),
    ("idle timeout", {"sentinel:ingress.idleTimeoutSeconds": 0}, "sentinel:ingress.idleTimeoutSeconds", "1"),
    (
        "draining shorter than a check",
        {"sentinel:ingress.deregistrationDelaySeconds": 5},
        "sentinel:ingress.deregistrationDelaySeconds",
        "health check interval",
    ),
    (
        "health check timeout",
        {"sentinel:ingress.healthCheck.timeoutSeconds": 10},
        "sentinel:ingress.healthCheck.timeoutSeconds",
        "below intervalSeconds",
    ),
    ("namespace", {"sentinel:workloads.namespace": "Sentinel"}, "sentinel:workloads.namespace", "DNS label"),
    ("log level", {"sentinel:workloads.logLevel": "trace"}, "sentinel:workloads.logLevel", "'debug'"),
    (
        "backup schedule",
        {"sentinel:workloads.logicalBackup.schedule": "daily"},
        "sentinel:workloads.logicalBackup.schedule",
        "five-field cron",
    ),
    ("zai url", {"sentinel:workloads.zaiApiUrl": "http://api.z-ai.com"}, "sentinel:workloads.zaiApiUrl", "https://"),
    (
        "key missing in prod",
        {"sentinel:workloads.keys.sentryDsn": REMOVE},
        "sentinel:workloads.keys.sentryDsn",
        "required in prod",
    ),
]


@pytest.mark.parametrize(
    ("overrides", "key", "allowed"), [case[1:] for case in BAD_CONFIGS], ids=[c[0] for c in BAD_CONFIGS]
)
def test_bad_config_is_named_by_its_full_key(overrides: dict[str, Any], key: str, allowed: str) -> None:
    problems = problems_of(overrides)
    matching = [problem for problem in problems if problem.startswith(key)]
    assert matching, f"no problem names {key}: {problems}"
    assert any(allowed in problem for problem in matching), matching


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


@pytest.mark.parametrize("stack", STACKS)
def test_stack_files_do_not_repeat_their_environments_defaults(stack: str) -> None:
    # Each environment's value lives beside its field (by_environment); a copy in a stack file would hide a
    # later change of the default.
    _, config, _ = stackfiles.load(stackfiles.stack_file(stack))
    raw = {key.removeprefix("sentinel:"): json.loads(v) if v[:1] in "{[" else v for key, v in config.items()}
    defaults = with_defaults(StackConfig, {}, stack)
    assert [found for key in raw if key in defaults for found in _repeated(raw[key], defaults[key], key)] == []


@pytest.mark.parametrize(
    ("stack", "nat_gateways", "retention"), [("dev", "single", 30), ("staging", "perAz", 90), ("prod", "perAz", 365)]
)
def test_each_environment_gets_the_defaults_declared_beside_the_fields(
    stack: str, nat_gateways: str, retention: int
) -> None:
    network = load(stack).network
    assert (network.nat_gateways, network.flow_log_retention_days) == (nat_gateways, retention)


def test_a_stack_that_changes_one_app_keeps_the_others() -> None:
    apps = load("prod", {"sentinel:apps.api.nodePort": 30999}).apps
    assert {app: settings.node_port for app, settings in apps.items()} == {"web": 30080, "api": 30999, "admin": 30082}
