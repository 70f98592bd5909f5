"""Cloudflare zones: strict TLS, HTTPS only, HSTS, a managed WAF and a rate limit."""

from __future__ import annotations

from typing import Any

import pytest

from policies.rules.edge import (
    CLOUDFLARE_APP_RECORDS_PROXIED,
    CLOUDFLARE_MANAGED_WAF,
    CLOUDFLARE_RATE_LIMITING,
    CLOUDFLARE_SKIP_RULES_NARROW,
    CLOUDFLARE_VALIDATION_RECORDS_UNPROXIED,
    CLOUDFLARE_ZONE_TLS,
)
from tests.policy_builders import UNKNOWN, GraphBuilder, merged, messages, ref, single
from tests.policy_builders_cloudflare import MANAGED_WAF_RULE, RATE_LIMIT_RULE, cloudflare_zone, ruleset

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
                    "strict_transport_security": {
                        "enabled": True,
                        "max_age": 86400,
                        "include_subdomains": True,
                        "nosniff": True,
                    }
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
    hsts = {
        "strict_transport_security": {"enabled": True, "max_age": 31536000, "include_subdomains": True, "nosniff": True}
    }
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
        for setting in ("min_tls_version", "tls_1_3", "always_use_https", "security_header")
    ]


@pytest.mark.parametrize(
    "rules",
    [[], [merged(MANAGED_WAF_RULE, {"enabled": False})], [merged(MANAGED_WAF_RULE, {"action": "log"})]],
    ids=["no rule", "disabled", "logs only"],
)
def test_zone_without_managed_waf_fails(rules: list[dict[str, Any]]) -> None:
    assert messages(CLOUDFLARE_MANAGED_WAF, _zone(waf_rules=rules).build()) == [
        "zone zone-1 has no rule executing the Cloudflare OWASP Core Ruleset blocking at its anomaly threshold"
    ]


@pytest.mark.parametrize(
    "rules",
    [[], [merged(RATE_LIMIT_RULE, {"action": "log"})], [merged(RATE_LIMIT_RULE, {"ratelimit": {"period": None}})]],
    ids=["no rule", "logs only", "no period"],
)
def test_zone_without_rate_limit_fails(rules: list[dict[str, Any]]) -> None:
    assert messages(CLOUDFLARE_RATE_LIMITING, _zone(rate_limit_rules=rules).build()) == [
        "zone zone-1 has no rate-limiting rule per IP of at most 100 requests per minute"
    ]


# --- Tier 11: what the edge adds ----------------------------------------------------------------------------

DNS_RECORD = "cloudflare:index/dnsRecord:DnsRecord"
APP_RECORD = {"zoneId": "zone-1", "name": "app.projectsentinel.ai", "type": "CNAME", "content": "alb", "proxied": True}
VALIDATION_RECORD = {
    "zoneId": "zone-1",
    "name": "_3f2a.app.projectsentinel.ai",
    "type": "CNAME",
    "content": "_9c1d.acm-validations.aws",
    "proxied": False,
}


HSTS_WITHOUT_NOSNIFF = {"strictTransportSecurity": {"enabled": True, "maxAge": 31536000, "includeSubdomains": True}}


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"tls_1_3": "off"}, 'zone zone-1 tls_1_3: value is "off": set "on"'),
        (
            {"security_header": HSTS_WITHOUT_NOSNIFF},
            "zone zone-1 security_header: HSTS nosniff is not set: set it to true (X-Content-Type-Options: nosniff)",
        ),
    ],
    ids=["no TLS 1.3", "no nosniff"],
)
def test_zone_without_tls_1_3_or_nosniff_fails(settings: dict[str, Any], expected: str) -> None:
    assert messages(CLOUDFLARE_ZONE_TLS, _zone(settings=settings).build()) == [expected]


def test_app_records_must_be_proxied() -> None:
    assert messages(CLOUDFLARE_APP_RECORDS_PROXIED, single(DNS_RECORD, APP_RECORD)) == []
    assert messages(CLOUDFLARE_APP_RECORDS_PROXIED, single(DNS_RECORD, merged(APP_RECORD, {"proxied": False}))) == [
        'CNAME record "app.projectsentinel.ai" has proxied false: set proxied=True, so the WAF, rate limits and bot '
        "protection see its traffic (the ALB admits only Cloudflare)"
    ]
    assert messages(CLOUDFLARE_APP_RECORDS_PROXIED, single(DNS_RECORD, merged(APP_RECORD, {"proxied": None}))) != []


def test_validation_records_are_not_app_records_and_must_not_be_proxied() -> None:
    assert messages(CLOUDFLARE_APP_RECORDS_PROXIED, single(DNS_RECORD, VALIDATION_RECORD)) == []
    assert messages(CLOUDFLARE_VALIDATION_RECORDS_UNPROXIED, single(DNS_RECORD, VALIDATION_RECORD)) == []
    proxied = merged(VALIDATION_RECORD, {"proxied": True})
    assert messages(CLOUDFLARE_VALIDATION_RECORDS_UNPROXIED, single(DNS_RECORD, proxied)) == [
        'validation record "_3f2a.app.projectsentinel.ai" is proxied: set proxied=False, or the certificate '
        "authority never sees it and the certificate is never issued"
    ]


def test_records_whose_name_is_unknown_are_left_to_the_deploy() -> None:
    unknown = merged(APP_RECORD, {"name": UNKNOWN, "proxied": False})
    assert messages(CLOUDFLARE_APP_RECORDS_PROXIED, single(DNS_RECORD, unknown)) == []


OWASP = MANAGED_WAF_RULE["actionParameters"]
CLOUDFLARE_MANAGED = merged(MANAGED_WAF_RULE, {"actionParameters": {"id": "efb7b8c949ac4650a09736fc376e9aee"}})
FREE_MANAGED = {
    "action": "execute",
    "expression": "true",
    "actionParameters": {"id": "77454fe2d30c4220b5701f6fdfb893ba"},
}


def _owasp_with(overrides: dict[str, Any]) -> dict[str, Any]:
    return {**MANAGED_WAF_RULE, "actionParameters": {"id": OWASP["id"], "overrides": overrides}}


@pytest.mark.parametrize(
    "rules",
    [
        [CLOUDFLARE_MANAGED],
        [CLOUDFLARE_MANAGED, _owasp_with({"rules": [{"id": "6179ae15870a4bb7b2d480d4843b323c", "action": "log"}]})],
        [_owasp_with({"rules": [{"id": "6179ae15870a4bb7b2d480d4843b323c", "enabled": False}]})],
        [_owasp_with({"action": "managed_challenge"})],
        [_owasp_with({"enabled": False})],
    ],
    ids=["managed ruleset without owasp", "owasp logs", "score rule disabled", "owasp challenges", "owasp disabled"],
)
def test_owasp_must_run_and_block_where_the_plan_has_it(rules: list[dict[str, Any]]) -> None:
    assert messages(CLOUDFLARE_MANAGED_WAF, _zone(waf_rules=rules).build()) == [
        "zone zone-1 has no rule executing the Cloudflare OWASP Core Ruleset blocking at its anomaly threshold"
    ]


def test_owasp_blocks_by_default_without_an_override() -> None:
    rules = [{**MANAGED_WAF_RULE, "actionParameters": {"id": OWASP["id"]}}]
    assert messages(CLOUDFLARE_MANAGED_WAF, _zone(waf_rules=rules).build()) == []


def test_the_plan_dependent_parts_are_the_policys_settings() -> None:
    logging = _owasp_with({"rules": [{"id": "6179ae15870a4bb7b2d480d4843b323c", "action": "log"}]})
    assert messages(CLOUDFLARE_MANAGED_WAF, _zone(waf_rules=[logging]).build(), {"requireOwaspBlocking": False}) == []
    assert messages(
        CLOUDFLARE_MANAGED_WAF, _zone(waf_rules=[CLOUDFLARE_MANAGED]).build(), {"requireOwaspBlocking": False}
    ) == ["zone zone-1 has no rule executing the Cloudflare OWASP Core Ruleset"]
    free = {"requireOwaspCoreRuleset": False}
    assert messages(CLOUDFLARE_MANAGED_WAF, _zone(waf_rules=[FREE_MANAGED]).build(), free) == []


@pytest.mark.parametrize(
    ("ratelimit", "passes"),
    [
        ({"period": 10, "requestsPerPeriod": 16}, True),
        ({"period": 60, "requestsPerPeriod": 101}, False),
        ({"characteristics": ["cf.colo.id", "ip.src.ipv6_64"]}, False),
        ({"characteristics": UNKNOWN}, True),
    ],
    ids=["free's rate at 10 s", "above 100 per minute", "not per IP", "characteristics unknown"],
)
def test_the_rate_limit_counts_per_ip_within_the_maximum_rate(ratelimit: dict[str, Any], passes: bool) -> None:
    rule = merged(RATE_LIMIT_RULE, {"ratelimit": ratelimit})
    found = messages(CLOUDFLARE_RATE_LIMITING, _zone(rate_limit_rules=[rule]).build())
    assert found == (
        [] if passes else ["zone zone-1 has no rate-limiting rule per IP of at most 100 requests per minute"]
    )


def test_zones_where_the_stack_only_holds_records_are_left_to_the_stack_that_configures_them() -> None:
    builder = GraphBuilder()
    builder.add(DNS_RECORD, "validation", {**VALIDATION_RECORD, "zoneId": "shared-zone"})
    elsewhere = {"zonesConfiguredByAnotherStack": True}
    for policy in (CLOUDFLARE_ZONE_TLS, CLOUDFLARE_MANAGED_WAF, CLOUDFLARE_RATE_LIMITING):
        assert messages(policy, builder.build(), elsewhere) == []
        assert messages(policy, builder.build()) != []
    # A zone the stack configures is checked all the same.
    configured = _zone(waf_rules=[])
    assert messages(CLOUDFLARE_MANAGED_WAF, configured.build(), elsewhere) != []


# --- Skip rules: exemptions spare the WAF and name single addresses ----------------------------------------------

NAT_SKIP_RULE = {
    "ref": "skip_own_nat_addresses",
    "action": "skip",
    "enabled": True,
    "expression": "ip.src in {203.0.113.10 203.0.113.11 2001:db8::1}",
    "actionParameters": {"phases": ["http_ratelimit", "http_request_sbfm"]},
}
BLOCK_PROBES = {
    "ref": "block_secret_path_probes",
    "action": "block",
    "expression": 'http.request.uri.path contains "/.env"',
}


def _custom_rules(*rules: dict[str, Any]) -> Any:
    builder = GraphBuilder()
    ruleset(builder, "http_request_firewall_custom", list(rules))
    return builder.build()


def test_a_skip_of_the_rate_limits_and_bots_for_single_addresses_passes() -> None:
    assert messages(CLOUDFLARE_SKIP_RULES_NARROW, _custom_rules(NAT_SKIP_RULE, BLOCK_PROBES)) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"actionParameters": {"phases": ["http_ratelimit", "http_request_firewall_managed"]}},
            'skip rule "skip_own_nat_addresses" skips the phase(s) "http_request_firewall_managed": skip only '
            '"http_ratelimit", "http_request_sbfm"; the WAF\'s managed rules must see every request',
        ),
        (
            {"actionParameters": {"ruleset": "current"}},
            'skip rule "skip_own_nat_addresses" sets actionParameters.ruleset ("current"): skip only the phases '
            '"http_ratelimit", "http_request_sbfm"',
        ),
        (
            {"actionParameters": {"products": ["waf", "bic"]}},
            'skip rule "skip_own_nat_addresses" sets actionParameters.products ("waf", "bic"): skip only the phases '
            '"http_ratelimit", "http_request_sbfm"',
        ),
        (
            {"expression": "ip.src in {0.0.0.0/0}"},
            'skip rule "skip_own_nat_addresses" matches "ip.src in {0.0.0.0/0}": match only a list of single client '
            "addresses, ip.src in {203.0.113.10 203.0.113.11} (the stack's NAT gateways)",
        ),
        (
            {"expression": 'http.host eq "api.projectsentinel.ai"'},
            'skip rule "skip_own_nat_addresses" matches "http.host eq \\"api.projectsentinel.ai\\"": match only a '
            "list of single client addresses, ip.src in {203.0.113.10 203.0.113.11} (the stack's NAT gateways)",
        ),
        (
            {"expression": "ip.src in {203.0.113.10} or true"},
            'skip rule "skip_own_nat_addresses" matches "ip.src in {203.0.113.10} or true": match only a list of '
            "single client addresses, ip.src in {203.0.113.10 203.0.113.11} (the stack's NAT gateways)",
        ),
    ],
    ids=[
        "skips the managed waf",
        "skips the remaining custom rules",
        "skips legacy products",
        "a range",
        "a host",
        "or",
    ],
)
def test_a_skip_rule_wider_than_its_own_addresses_fails(change: dict[str, Any], expected: str) -> None:
    rule = {**NAT_SKIP_RULE, **change}
    assert messages(CLOUDFLARE_SKIP_RULES_NARROW, _custom_rules(rule, BLOCK_PROBES)) == [expected]


def test_skip_rules_disabled_or_unknown_yet_are_not_judged_and_the_phases_are_a_setting() -> None:
    wide = {**NAT_SKIP_RULE, "expression": "true"}
    assert messages(CLOUDFLARE_SKIP_RULES_NARROW, _custom_rules({**wide, "enabled": False})) == []
    assert messages(CLOUDFLARE_SKIP_RULES_NARROW, _custom_rules({**NAT_SKIP_RULE, "expression": UNKNOWN})) == []
    assert messages(CLOUDFLARE_SKIP_RULES_NARROW, _custom_rules({**NAT_SKIP_RULE, "actionParameters": UNKNOWN})) == []
    assert messages(
        CLOUDFLARE_SKIP_RULES_NARROW, _custom_rules(NAT_SKIP_RULE), {"allowedPhases": ["http_ratelimit"]}
    ) == [
        'skip rule "skip_own_nat_addresses" skips the phase(s) "http_request_sbfm": skip only "http_ratelimit"; the '
        "WAF's managed rules must see every request"
    ]
