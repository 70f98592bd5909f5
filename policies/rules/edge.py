"""Edge: every Cloudflare zone the stack configures serves HTTPS only, with modern TLS and HSTS, behind a
managed WAF and a rate limit, whose exemptions (skip rules) spare the WAF and name single addresses
(pulumi-cloudflare v6: one `cloudflare.ZoneSetting` per setting id, and `cloudflare.Ruleset` per phase)."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from pulumi_policy import Policy, PolicyResource, ResourceValidationArgs, Severity

from policies.support.cloudflare import (
    CLOUDFLARE_BOT_MANAGEMENT,
    CLOUDFLARE_DNS_RECORD,
    CLOUDFLARE_RULESET,
    CLOUDFLARE_ZONE,
    CLOUDFLARE_ZONE_SETTING,
)
from policies.support.declare import Concern, Finding, ResourcePolicy, Settings, StackPolicy, StackRule
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
    number,
    one_of,
    shown,
    violated,
)


@dataclass
class Zone:
    """A Cloudflare zone the stack configures: a `cloudflare.Zone` of the stack, or a zone id (from config,
    design D3) that the stack's records, settings and rulesets name."""

    label: str
    urn: str | None
    settings: dict[str, PolicyResource] = dataclass_field(default_factory=dict)
    rulesets: list[PolicyResource] = dataclass_field(default_factory=list)
    has_unknown_setting: bool = False
    configured: bool = False
    """Whether the stack configures the zone (a Zone, setting, ruleset or bot configuration), rather than only
    holding records in it."""


# dev and staging serve hosts of their own from prod's zone, which prod configures: their policy config sets this
# on the zone policies, so a zone where the stack only holds records is left to the stack that configures it.
_ZONES_CONFIGURED_ELSEWHERE: dict[str, Any] = {
    "zonesConfiguredByAnotherStack": {
        "type": "boolean",
        "default": False,
        "description": "Check only zones the stack configures, not those where it only holds records",
    }
}


def _zones(stack: Stack, settings: Settings) -> list[Zone]:
    return [
        zone
        for zone in _all_zones(stack)
        if zone.configured or not settings.get("zonesConfiguredByAnotherStack", False)
    ]


def _all_zones(stack: Stack) -> list[Zone]:
    zones: dict[str, Zone] = {
        zone.urn: Zone(f"zone {shown(field(zone.props, 'name'))}", zone.urn, configured=True)
        for zone in stack.of_type(CLOUDFLARE_ZONE)
    }
    for resource in stack.of_type(
        CLOUDFLARE_ZONE_SETTING, CLOUDFLARE_RULESET, CLOUDFLARE_DNS_RECORD, CLOUDFLARE_BOT_MANAGEMENT
    ):
        managed_zones = stack.referenced(resource, "zoneId", (CLOUDFLARE_ZONE,))
        zone_id = field(resource.props, "zoneId")
        if managed_zones:
            zone = zones[managed_zones[0].urn]
        elif isinstance(zone_id, str) and not is_unknown(zone_id):
            zone = zones.setdefault(zone_id, Zone(f"zone {zone_id}", None))
        else:
            continue  # an account-level ruleset, or a zone not known yet
        zone.configured = zone.configured or resource.resource_type != CLOUDFLARE_DNS_RECORD
        if resource.resource_type == CLOUDFLARE_RULESET:
            zone.rulesets.append(resource)
        elif resource.resource_type == CLOUDFLARE_ZONE_SETTING:
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
    "tls_1_3": (one_of("on", "zrt"), '"on"'),
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
    nosniff = field(hsts, "nosniff")
    if violated(nosniff, is_true):
        yield f"HSTS nosniff is {shown(nosniff)}: set it to true (X-Content-Type-Options: nosniff)"


def _setting_problems(setting_id: str, value: Any, settings: Settings) -> list[str]:
    if setting_id == _SECURITY_HEADER:
        return list(_hsts_problems(value, settings["minimumHstsMaxAge"]))
    requirement, expected = _TLS_SETTINGS[setting_id]
    return [f"value is {shown(value)}: set {expected}"] if violated(value, requirement) else []


def _zone_tls(stack: Stack, settings: Settings) -> Iterable[Finding]:
    for zone in _zones(stack, settings):
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
        'min_tls_version "1.2" or higher, tls_1_3 "on", always_use_https "on" and security_header with HSTS '
        "enabled, includeSubdomains, nosniff and a max age of at least a year."
    ),
    concern=Concern.SECURITY,
    severity=Severity.HIGH,
    rule=_zone_tls,
    config={"minimumHstsMaxAge": {"type": "integer", "minimum": 0, "default": 31536000}, **_ZONES_CONFIGURED_ELSEWHERE},
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


def _zone_rule_policy(
    phase: str, satisfies: Callable[[Settings], RuleTest], missing: Callable[[Settings], str]
) -> StackRule:
    """A stack rule requiring every zone to have a rule of `phase` that `satisfies` (given the settings)."""

    def rule(stack: Stack, settings: Settings) -> Iterable[Finding]:
        for zone in _zones(stack, settings):
            if not _has_rule(zone, phase, satisfies(settings)):
                yield Finding(zone.urn, f"{zone.label} has {missing(settings)}")

    return rule


_MITIGATING_ACTIONS = ("block", "challenge", "managed_challenge", "js_challenge")


def _limits_request_rate(settings: Settings) -> RuleTest:
    """A rule that blocks or challenges a client IP above the settings' rate (requests per minute, on average)."""

    def satisfies(rule: Any) -> bool:
        action, limit = field(rule, "action"), field(rule, "ratelimit")
        if is_unknown(limit):
            return is_unknown(action) or action in _MITIGATING_ACTIONS
        requests, period = field(limit, "requestsPerPeriod"), field(limit, "period")
        characteristics = field(limit, "characteristics")
        if not (is_set(requests) and is_set(period)):
            return False
        per_ip = is_unknown(characteristics) or "ip.src" in elements(characteristics)
        count, seconds = number(requests), number(period)
        within = count is None or seconds is None or count * 60 / seconds <= settings["maximumRequestsPerMinute"]
        return (is_unknown(action) or action in _MITIGATING_ACTIONS) and per_ip and within

    return satisfies


OWASP_CORE_RULESET = "4814384a9e5d4991b9815dcfc25d2f1f"
OWASP_ANOMALY_SCORE_RULE = "6179ae15870a4bb7b2d480d4843b323c"


def _owasp_action(overrides: Any) -> Any:
    """The action the OWASP ruleset takes at its anomaly threshold: the score rule's override, else the
    ruleset-wide override, else the ruleset's own default, block."""
    for rule_override in elements(field(overrides, "rules")):
        if field(rule_override, "id") == OWASP_ANOMALY_SCORE_RULE:
            if is_false(field(rule_override, "enabled")):
                return "disabled"
            action = field(rule_override, "action")
            if action is not None:
                return action
    if is_false(field(overrides, "enabled")):
        return "disabled"
    action = field(overrides, "action")
    return "block" if action is None else action


def _executes_managed_rulesets(settings: Settings) -> RuleTest:
    """A rule that executes a managed ruleset: with `requireOwaspCoreRuleset` (Pro and up), the OWASP Core
    Ruleset, and with `requireOwaspBlocking` too, blocking at its anomaly threshold."""

    def satisfies(rule: Any) -> bool:
        action, parameters = field(rule, "action"), field(rule, "actionParameters")
        if not (is_unknown(action) or action == "execute"):
            return False
        if not settings["requireOwaspCoreRuleset"]:
            return True
        ruleset_id = field(parameters, "id")
        if is_unknown(ruleset_id) or is_unknown(parameters):
            return True
        if ruleset_id != OWASP_CORE_RULESET:
            return False
        owasp_action = _owasp_action(field(parameters, "overrides"))
        return not settings["requireOwaspBlocking"] or is_unknown(owasp_action) or owasp_action == "block"

    return satisfies


def _missing_managed_rulesets(settings: Settings) -> str:
    if not settings["requireOwaspCoreRuleset"]:
        return "no managed WAF ruleset deployed"
    blocking = " blocking at its anomaly threshold" if settings["requireOwaspBlocking"] else ""
    return f"no rule executing the Cloudflare OWASP Core Ruleset{blocking}"


CLOUDFLARE_MANAGED_WAF = StackPolicy(
    name="cloudflare-managed-waf",
    description=(
        'Every Cloudflare zone of the stack has a cloudflare.Ruleset (kind "zone", phase '
        '"http_request_firewall_managed") with an enabled rule that executes a managed ruleset; with '
        "requireOwaspCoreRuleset (Pro and up, the default), the Cloudflare OWASP Core Ruleset (the seed's SQL "
        "injection and XSS protection), and with requireOwaspBlocking too, blocking at its anomaly threshold."
    ),
    concern=Concern.SECURITY,
    severity=Severity.HIGH,
    rule=_zone_rule_policy(
        "http_request_firewall_managed",
        _executes_managed_rulesets,
        _missing_managed_rulesets,
    ),
    config={
        "requireOwaspCoreRuleset": {
            "type": "boolean",
            "default": True,
            "description": "The zone's plan is Pro or higher, which has the OWASP Core Ruleset",
        },
        "requireOwaspBlocking": {
            "type": "boolean",
            "default": True,
            "description": "The OWASP Core Ruleset must block, not log or challenge, at its anomaly threshold",
        },
        **_ZONES_CONFIGURED_ELSEWHERE,
    },
)

CLOUDFLARE_RATE_LIMITING = StackPolicy(
    name="cloudflare-rate-limiting",
    description=(
        'Every Cloudflare zone of the stack has a cloudflare.Ruleset (kind "zone", phase "http_ratelimit") with '
        "an enabled rule that blocks or challenges a client IP (ratelimit.characteristics holds ip.src) above "
        "ratelimit.requestsPerPeriod per ratelimit.period, on average no more than maximumRequestsPerMinute "
        "(the guide: 100 requests per 60 s per IP)."
    ),
    concern=Concern.SECURITY,
    severity=Severity.HIGH,
    rule=_zone_rule_policy(
        "http_ratelimit",
        _limits_request_rate,
        lambda settings: (
            f"no rate-limiting rule per IP of at most {shown(settings['maximumRequestsPerMinute'])} requests per minute"
        ),
    ),
    config={
        "maximumRequestsPerMinute": {"type": "number", "exclusiveMinimum": 0, "default": 100},
        **_ZONES_CONFIGURED_ELSEWHERE,
    },
)

# --- Skip rules ----------------------------------------------------------------------------------------------

# What a skip rule may name besides the phases it skips: the remaining rules of its ruleset or phase, other
# rulesets, managed rules by id and the legacy products (https://developers.cloudflare.com/waf/custom-rules/skip/options/).
_OTHER_SKIP_TARGETS = ("ruleset", "phase", "rulesets", "rules", "products")
_ADDRESS_LIST = re.compile(r"ip\.src in \{([^{}]*)\}")


def _single_addresses(expression: str) -> bool:
    """Whether the expression is exactly `ip.src in {a b ...}`, each item one IPv4 or IPv6 address."""
    matched = _ADDRESS_LIST.fullmatch(expression.strip())
    if matched is None or not matched.group(1).split():
        return False
    try:
        for item in matched.group(1).split():
            ipaddress.ip_address(item)
    except ValueError:
        return False
    return True


def _listed(values: Iterable[Any]) -> str:
    return ", ".join(shown(value) for value in values)


def _skip_rule_problems(rule: Any, allowed_phases: list[str]) -> Iterable[str]:
    parameters, expression = field(rule, "actionParameters"), field(rule, "expression")
    label = shown(field(rule, "ref") or field(rule, "description"))
    if not is_unknown(parameters):
        skipped = [phase for phase in elements(field(parameters, "phases")) if not is_unknown(phase)]
        beyond = [phase for phase in skipped if phase not in allowed_phases]
        if beyond:
            yield (
                f"skip rule {label} skips the phase(s) {_listed(beyond)}: skip only {_listed(allowed_phases)}; the "
                "WAF's managed rules must see every request"
            )
        for target in _OTHER_SKIP_TARGETS:
            value = field(parameters, target)
            if value is not None and not is_unknown(value):
                items = elements(value)
                shown_value = _listed(items) if items else shown(value)
                yield (
                    f"skip rule {label} sets actionParameters.{target} ({shown_value}): skip only the phases "
                    f"{_listed(allowed_phases)}"
                )
    if isinstance(expression, str) and not is_unknown(expression) and not _single_addresses(expression):
        yield (
            f"skip rule {label} matches {shown(expression)}: match only a list of single client addresses, "
            "ip.src in {203.0.113.10 203.0.113.11} (the stack's NAT gateways)"
        )


def _skip_rules_narrow(args: ResourceValidationArgs, settings: Settings) -> Iterable[str]:
    rules = field(args.props, "rules")
    for rule in elements(rules):
        if is_unknown(rule) or field(rule, "action") != "skip" or is_false(field(rule, "enabled")):
            continue
        yield from _skip_rule_problems(rule, list(settings["allowedPhases"]))


CLOUDFLARE_SKIP_RULES_NARROW = ResourcePolicy(
    name="cloudflare-skip-rules-narrow",
    description=(
        "Every enabled skip rule of a cloudflare.Ruleset skips only the phases in allowedPhases (the rate limits, "
        "http_ratelimit, and Super Bot Fight Mode, http_request_sbfm) and nothing else (not the WAF's managed "
        "rules, other rulesets, the remaining custom rules or legacy products), and matches only a list of single "
        "client addresses (ip.src in {...}): an exemption stays as narrow as the stack's own NAT gateways."
    ),
    concern=Concern.SECURITY,
    severity=Severity.HIGH,
    resource_types=(CLOUDFLARE_RULESET,),
    rule=_skip_rules_narrow,
    config={
        "allowedPhases": {
            "type": "array",
            "items": {"type": "string"},
            "default": ["http_ratelimit", "http_request_sbfm"],
            "description": "The phases a skip rule may skip",
        }
    },
)

# --- Records (tier 11) ---------------------------------------------------------------------------------------

_PROXIABLE_TYPES = ("A", "AAAA", "CNAME")


def _is_validation_record(props: Any) -> bool:
    """An ACM (or other) validation record: its name starts with an underscore, which no host name does."""
    name = field(props, "name")
    return isinstance(name, str) and not is_unknown(name) and name.startswith("_")


def _app_record_proxied(args: ResourceValidationArgs, _settings: Settings) -> Iterable[str]:
    props = args.props
    record_type, name, proxied = field(props, "type"), field(props, "name"), field(props, "proxied")
    if is_unknown(name) or _is_validation_record(props) or record_type not in _PROXIABLE_TYPES:
        return
    if violated(proxied, is_true):
        yield (
            f"{record_type} record {shown(name)} has proxied {shown(proxied)}: set proxied=True, so the WAF, rate "
            "limits and bot protection see its traffic (the ALB admits only Cloudflare)"
        )


def _validation_record_unproxied(args: ResourceValidationArgs, _settings: Settings) -> Iterable[str]:
    props = args.props
    proxied = field(props, "proxied")
    if _is_validation_record(props) and not is_unknown(proxied) and proxied is True:
        yield (
            f"validation record {shown(field(props, 'name'))} is proxied: set proxied=False, or the certificate "
            "authority never sees it and the certificate is never issued"
        )


CLOUDFLARE_APP_RECORDS_PROXIED = ResourcePolicy(
    name="cloudflare-app-records-proxied",
    description=(
        "Every cloudflare.DnsRecord of type A, AAAA or CNAME for a host (a name not starting with an underscore) "
        "is proxied, so its traffic passes the zone's WAF, rate limits and bot protection."
    ),
    concern=Concern.SECURITY,
    severity=Severity.HIGH,
    resource_types=(CLOUDFLARE_DNS_RECORD,),
    rule=_app_record_proxied,
)

CLOUDFLARE_VALIDATION_RECORDS_UNPROXIED = ResourcePolicy(
    name="cloudflare-validation-records-unproxied",
    description=(
        "Every cloudflare.DnsRecord whose name starts with an underscore (ACM's validation records) is not "
        "proxied: the certificate authority must resolve the record itself."
    ),
    concern=Concern.GOVERNANCE,
    severity=Severity.MEDIUM,
    resource_types=(CLOUDFLARE_DNS_RECORD,),
    rule=_validation_record_unproxied,
)

POLICIES: tuple[Policy, ...] = (
    CLOUDFLARE_ZONE_TLS,
    CLOUDFLARE_MANAGED_WAF,
    CLOUDFLARE_RATE_LIMITING,
    CLOUDFLARE_SKIP_RULES_NARROW,
    CLOUDFLARE_APP_RECORDS_PROXIED,
    CLOUDFLARE_VALIDATION_RECORDS_UNPROXIED,
)
