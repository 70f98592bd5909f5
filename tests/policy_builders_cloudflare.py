"""Cloudflare resources for the policy tests that pass every policy unless a test changes them: a zone's settings
and a record, rulesets, and the managed WAF and rate-limiting rules (tests/policy_builders.py builds the graph)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from offline.graph import Resource
from tests.policy_builders import GraphBuilder


def cloudflare_zone(
    builder: GraphBuilder, zone_id: str = "zone-1", *, settings: Mapping[str, Any] | None = None
) -> list[Resource]:
    """The ZoneSettings, WAF and rate-limiting rulesets and a record of a compliant zone; `settings` replaces
    setting values by id (None leaves a setting out)."""
    values: dict[str, Any] = {
        "ssl": "strict",
        "min_tls_version": "1.2",
        "tls_1_3": "on",
        "always_use_https": "on",
        "security_header": {
            "strictTransportSecurity": {"enabled": True, "maxAge": 31536000, "includeSubdomains": True, "nosniff": True}
        },
        **(settings or {}),
    }
    resources = [
        builder.add(
            "cloudflare:index/zoneSetting:ZoneSetting",
            f"{zone_id}-{setting_id}",
            {"zoneId": zone_id, "settingId": setting_id, "value": value},
        )
        for setting_id, value in values.items()
        if value is not None
    ]
    resources.append(
        builder.add(
            "cloudflare:index/dnsRecord:DnsRecord",
            f"{zone_id}-app",
            {"zoneId": zone_id, "name": "app", "type": "CNAME", "content": "alb.example.com", "proxied": True},
        )
    )
    return resources


def ruleset(builder: GraphBuilder, phase: str, rules: Sequence[Mapping[str, Any]], zone_id: str = "zone-1") -> Resource:
    return builder.add(
        "cloudflare:index/ruleset:Ruleset",
        f"{zone_id}-{phase}",
        {"zoneId": zone_id, "kind": "zone", "name": phase, "phase": phase, "rules": list(rules)},
    )


MANAGED_WAF_RULE = {
    "action": "execute",
    "expression": "true",
    "actionParameters": {
        "id": "4814384a9e5d4991b9815dcfc25d2f1f",
        "overrides": {"rules": [{"id": "6179ae15870a4bb7b2d480d4843b323c", "action": "block", "scoreThreshold": 40}]},
    },
}
RATE_LIMIT_RULE = {
    "action": "block",
    "expression": "true",
    "ratelimit": {"characteristics": ["ip.src", "cf.colo.id"], "period": 60, "requestsPerPeriod": 100},
}
