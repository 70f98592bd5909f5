"""Edge: every Cloudflare zone the stack configures serves HTTPS only, with modern TLS and HSTS, behind a
managed WAF and a rate limit (pulumi-cloudflare v6: one `cloudflare.ZoneSetting` per setting id, and
`cloudflare.Ruleset` per phase)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from pulumi_policy import Policy, PolicyResource, Severity

from policies.support.declare import Concern, Finding, Settings, StackPolicy, StackRule
from policies.support.stack import Stack
from policies.support.values import (
    Requirement,
    at_least,
    elements,
    field,
    is_false,
    is_set,
    is_true,
    is_unknown,
    one_of,
    shown,
    violated,
)

ZONE = "cloudflare:index/zone:Zone"
ZONE_SETTING = "cloudflare:index/zoneSetting:ZoneSetting"
RULESET = "cloudflare:index/ruleset:Ruleset"
DNS_RECORD = "cloudflare:index/dnsRecord:DnsRecord"


@dataclass
class Zone:
    """A Cloudflare zone the stack configures: a `cloudflare.Zone` of the stack, or a zone id (from config,
    design D3) that the stack's records, settings and rulesets name."""

    label: str
    urn: str | None
    settings: dict[str, PolicyResource] = dataclass_field(default_factory=dict)
    rulesets: list[PolicyResource] = dataclass_field(default_factory=list)
    has_unknown_setting: bool = False


def _zones(stack: Stack) -> list[Zone]:
    zones: dict[str, Zone] = {
        zone.urn: Zone(f"zone {shown(field(zone.props, 'name'))}", zone.urn) for zone in stack.of_type(ZONE)
    }
    for resource in stack.of_type(ZONE_SETTING, RULESET, DNS_RECORD):
        managed_zones = stack.referenced(resource, "zoneId", (ZONE,))
        zone_id = field(resource.props, "zoneId")
        if managed_zones:
            zone = zones[managed_zones[0].urn]
        elif isinstance(zone_id, str) and not is_unknown(zone_id):
            zone = zones.setdefault(zone_id, Zone(f"zone {zone_id}", None))
        else:
            continue  # an account-level ruleset, or a zone not known yet
        if resource.resource_type == RULESET:
            zone.rulesets.append(resource)
        elif resource.resource_type == ZONE_SETTING:
            setting_id = field(resource.props, "settingId")
            if isinstance(setting_id, str) and not is_unknown(setting_id):
                zone.settings[setting_id] = resource
            else:
                zone.has_unknown_setting = True
    return list(zones.values())


# Settings every zone must have: the requirement on the setting's value, and the value to set.
_TLS_SETTINGS: dict[str, tuple[Requirement, str]] = {
    "ssl": (one_of("strict"), '"strict" (Full (strict): Cloudflare verifies the origin\'s certificate)'),
    "min_tls_version": (one_of("1.2", "1.3"), '"1.2"'),
    "always_use_https": (one_of("on"), '"on"'),
}
_SECURITY_HEADER = "security_header"


def _either(value: Any, camel_case: str, snake_case: str) -> Any:
    """A key of a setting's free-form value: written camelCase in Pulumi's examples, snake_case in
    Cloudflare's API; the provider passes either through unchanged."""
    found = field(value, camel_case)
    return field(value, snake_case) if found is None else found


def _hsts_problems(value: Any, minimum_max_age: float) -> Iterable[str]:
    hsts = _either(value, "strictTransportSecurity", "strict_transport_security")
    enabled, max_age = field(hsts, "enabled"), _either(hsts, "maxAge", "max_age")
    include_subdomains = _either(hsts, "includeSubdomains", "include_subdomains")
    if violated(enabled, is_true):
        yield f"HSTS enabled is {shown(enabled)}: set it to true"
    if violated(max_age, at_least(minimum_max_age)):
        yield f"HSTS max age is {shown(max_age)}: set at least {shown(minimum_max_age)} seconds"
    if violated(include_subdomains, is_true):
        yield f"HSTS includeSubdomains is {shown(include_subdomains)}: set it to true"


def _setting_problems(setting_id: str, value: Any, settings: Settings) -> list[str]:
    if setting_id == _SECURITY_HEADER:
        return list(_hsts_problems(value, settings["minimumHstsMaxAge"]))
    requirement, expected = _TLS_SETTINGS[setting_id]
    return [f"value is {shown(value)}: set {expected}"] if violated(value, requirement) else []


def _zone_tls(stack: Stack, settings: Settings) -> Iterable[Finding]:
    for zone in _zones(stack):
        for setting_id in (*_TLS_SETTINGS, _SECURITY_HEADER):
            setting = zone.settings.get(setting_id)
            if setting is None:
                # A setting whose id is not known yet may be this one.
                if not zone.has_unknown_setting:
                    yield Finding(zone.urn, f"{zone.label} has no cloudflare.ZoneSetting {setting_id}")
                continue
            for problem in _setting_problems(setting_id, field(setting.props, "value"), settings):
                yield Finding(setting.urn, f"{zone.label} {setting_id}: {problem}")


CLOUDFLARE_ZONE_TLS = StackPolicy(
    name="cloudflare-zone-tls",
    description=(
        'Every Cloudflare zone of the stack has cloudflare.ZoneSetting resources for ssl "strict", '
        'min_tls_version "1.2" or higher, always_use_https "on" and security_header with HSTS enabled, '
        "includeSubdomains and a max age of at least a year."
    ),
    concern=Concern.SECURITY,
    severity=Severity.HIGH,
    rule=_zone_tls,
    config={"minimumHstsMaxAge": {"type": "integer", "minimum": 0, "default": 31536000}},
)

RuleTest = Callable[[Any], bool]


def _has_rule(zone: Zone, phase: str, satisfies: RuleTest) -> bool:
    """Whether one of the zone's rulesets of `phase` has an enabled rule that `satisfies` (what is unknown
    yet counts as present: it cannot be judged before it is known)."""
    for ruleset in zone.rulesets:
        ruleset_phase, rules = field(ruleset.props, "phase"), field(ruleset.props, "rules")
        if is_unknown(ruleset_phase) or (ruleset_phase == phase and is_unknown(rules)):
            return True
        if ruleset_phase == phase and any(
            is_unknown(rule) or (not is_false(field(rule, "enabled")) and satisfies(rule)) for rule in elements(rules)
        ):
            return True
    return False


def _zone_rule_policy(phase: str, satisfies: RuleTest, missing: str) -> StackRule:
    """A stack rule requiring every zone to have a rule of `phase` that `satisfies`."""

    def rule(stack: Stack, _settings: Settings) -> Iterable[Finding]:
        for zone in _zones(stack):
            if not _has_rule(zone, phase, satisfies):
                yield Finding(zone.urn, f"{zone.label} has {missing}")

    return rule


def _executes_managed_ruleset(rule: Any) -> bool:
    action = field(rule, "action")
    return is_unknown(action) or action == "execute"


_MITIGATING_ACTIONS = ("block", "challenge", "managed_challenge", "js_challenge")


def _limits_request_rate(rule: Any) -> bool:
    action, limit = field(rule, "action"), field(rule, "ratelimit")
    return (is_unknown(action) or action in _MITIGATING_ACTIONS) and (
        is_unknown(limit) or (is_set(field(limit, "requestsPerPeriod")) and is_set(field(limit, "period")))
    )


CLOUDFLARE_MANAGED_WAF = StackPolicy(
    name="cloudflare-managed-waf",
    description=(
        'Every Cloudflare zone of the stack has a cloudflare.Ruleset (kind "zone", phase '
        '"http_request_firewall_managed") with an enabled rule that executes a managed ruleset (the Cloudflare '
        "Managed Ruleset, and the OWASP Core Ruleset where the plan allows it)."
    ),
    concern=Concern.SECURITY,
    severity=Severity.HIGH,
    rule=_zone_rule_policy(
        "http_request_firewall_managed", _executes_managed_ruleset, "no managed WAF ruleset deployed"
    ),
)

CLOUDFLARE_RATE_LIMITING = StackPolicy(
    name="cloudflare-rate-limiting",
    description=(
        'Every Cloudflare zone of the stack has a cloudflare.Ruleset (kind "zone", phase "http_ratelimit") with '
        "an enabled rule that blocks or challenges a client above ratelimit.requestsPerPeriod per "
        "ratelimit.period (the guide: 100 requests per 60 s per IP)."
    ),
    concern=Concern.SECURITY,
    severity=Severity.HIGH,
    rule=_zone_rule_policy("http_ratelimit", _limits_request_rate, "no rate-limiting rule"),
)

POLICIES: tuple[Policy, ...] = (CLOUDFLARE_ZONE_TLS, CLOUDFLARE_MANAGED_WAF, CLOUDFLARE_RATE_LIMITING)
