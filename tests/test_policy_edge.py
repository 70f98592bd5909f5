"""Cloudflare zones: strict TLS, HTTPS only, HSTS, a managed WAF and a rate limit."""

from __future__ import annotations

from typing import Any

import pytest

from policies.rules.edge import CLOUDFLARE_MANAGED_WAF, CLOUDFLARE_RATE_LIMITING, CLOUDFLARE_ZONE_TLS
from tests.policy_builders import (
    MANAGED_WAF_RULE,
    RATE_LIMIT_RULE,
    GraphBuilder,
    cloudflare_zone,
    merged,
    messages,
    ref,
    ruleset,
)

EDGE_POLICIES = [CLOUDFLARE_ZONE_TLS, CLOUDFLARE_MANAGED_WAF, CLOUDFLARE_RATE_LIMITING]


def _zone(
    *,
    settings: dict[str, Any] | None = None,
    waf_rules: list[dict[str, Any]] | None = None,
    rate_limit_rules: list[dict[str, Any]] | None = None,
) -> GraphBuilder:
    builder = GraphBuilder()
    cloudflare_zone(builder, settings=settings)
    ruleset(builder, "http_request_firewall_managed", [MANAGED_WAF_RULE] if waf_rules is None else waf_rules)
    ruleset(builder, "http_ratelimit", [RATE_LIMIT_RULE] if rate_limit_rules is None else rate_limit_rules)
    return builder


@pytest.mark.parametrize("policy", EDGE_POLICIES, ids=lambda policy: policy.name)
def test_compliant_zone_passes(policy: Any) -> None:
    assert messages(policy, _zone().build()) == []


def test_a_stack_without_cloudflare_has_nothing_to_check() -> None:
    builder = GraphBuilder()
    builder.add("aws:ec2/vpc:Vpc", "vpc", {"cidrBlock": "10.0.0.0/16"})
    for policy in EDGE_POLICIES:
        assert messages(policy, builder.build()) == []


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (
            {"ssl": "full"},
            'zone zone-1 ssl: value is "full": set "strict" '
            "(Full (strict): Cloudflare verifies the origin's certificate)",
        ),
        ({"min_tls_version": "1.0"}, 'zone zone-1 min_tls_version: value is "1.0": set "1.2"'),
        ({"always_use_https": None}, "zone zone-1 has no cloudflare.ZoneSetting always_use_https"),
        (
            {
                "security_header": {
                    "strict_transport_security": {"enabled": True, "max_age": 86400, "include_subdomains": True}
                }
            },
            "zone zone-1 security_header: HSTS max age is 86400: set at least 31536000 seconds",
        ),
    ],
    ids=["ssl not strict", "old TLS", "no HTTPS redirect", "short HSTS"],
)
def test_zone_with_weak_tls_settings_fails(settings: dict[str, Any], expected: str) -> None:
    assert messages(CLOUDFLARE_ZONE_TLS, _zone(settings=settings).build()) == [expected]


def test_hsts_written_in_the_apis_snake_case_counts() -> None:
    hsts = {"strict_transport_security": {"enabled": True, "max_age": 31536000, "include_subdomains": True}}
    assert messages(CLOUDFLARE_ZONE_TLS, _zone(settings={"security_header": hsts}).build()) == []


def test_settings_of_a_zone_managed_by_the_stack_are_grouped_with_it() -> None:
    builder = GraphBuilder()
    zone = builder.add("cloudflare:index/zone:Zone", "main", {"name": "projectsentinel.ai"})
    builder.add(
        "cloudflare:index/zoneSetting:ZoneSetting",
        "ssl",
        {"zoneId": ref(zone, known=False), "settingId": "ssl", "value": "strict"},
    )
    found = messages(CLOUDFLARE_ZONE_TLS, builder.build())
    assert found == [
        f'zone "projectsentinel.ai" has no cloudflare.ZoneSetting {setting}'
        for setting in ("min_tls_version", "always_use_https", "security_header")
    ]


@pytest.mark.parametrize(
    "rules",
    [[], [merged(MANAGED_WAF_RULE, {"enabled": False})], [merged(MANAGED_WAF_RULE, {"action": "log"})]],
    ids=["no rule", "disabled", "logs only"],
)
def test_zone_without_managed_waf_fails(rules: list[dict[str, Any]]) -> None:
    assert messages(CLOUDFLARE_MANAGED_WAF, _zone(waf_rules=rules).build()) == [
        "zone zone-1 has no managed WAF ruleset deployed"
    ]


@pytest.mark.parametrize(
    "rules",
    [[], [merged(RATE_LIMIT_RULE, {"action": "log"})], [merged(RATE_LIMIT_RULE, {"ratelimit": {"period": None}})]],
    ids=["no rule", "logs only", "no period"],
)
def test_zone_without_rate_limit_fails(rules: list[dict[str, Any]]) -> None:
    assert messages(CLOUDFLARE_RATE_LIMITING, _zone(rate_limit_rules=rules).build()) == [
        "zone zone-1 has no rate-limiting rule"
    ]
