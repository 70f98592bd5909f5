"""The edge: the ACM certificate the load balancer serves and its validation, and Cloudflare's DNS records,
rulesets, zone settings and bot management."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from facts.cloudflare_plans import RATE_LIMIT_PERIODS
from policies.rules.deploy_constraints.allowed import Allowed, among, at_most_items, between, holding, length
from policies.rules.deploy_constraints.kinds import Constraints, OneOf, Tags, Value, cited, values_at
from policies.rules.deploy_constraints.sources import (
    ACM_QUOTAS,
    DNS_RECORD_ATTRIBUTES,
    RATE_LIMIT_PARAMETERS,
    REQUEST_CERTIFICATE,
    REQUEST_HEADER_FORMAT,
    REQUEST_HEADER_MODIFICATION,
    SKIP_OPTIONS,
    ZONE_SETTINGS,
)
from policies.support.aws import ACM_CERTIFICATE, ACM_CERTIFICATE_VALIDATION
from policies.support.cloudflare import (
    CLOUDFLARE_BOT_MANAGEMENT,
    CLOUDFLARE_DNS_RECORD,
    CLOUDFLARE_RULESET,
    CLOUDFLARE_ZONE_SETTING,
)
from policies.support.values import elements, entries, field, is_unknown, number, shown

_ON_OFF = ("on", "off")
# The values Cloudflare accepts for each zone setting the program sets.
_ZONE_SETTING_VALUES: Mapping[str, tuple[str, ...]] = {
    "ssl": ("off", "flexible", "full", "strict"),
    "min_tls_version": ("1.0", "1.1", "1.2", "1.3"),
    "tls_1_3": ("on", "off", "zrt"),
    "always_use_https": _ON_OFF,
    "automatic_https_rewrites": _ON_OFF,
}
_HSTS_LONGEST_MAX_AGE = 31536000


@dataclass(frozen=True)
class ZoneSettingValue:
    """A zone setting's value is one its setting id accepts; HSTS's max age at most a year."""

    source: str = ZONE_SETTINGS

    def violations(self, props: Any, _provider_props: Any, /) -> Iterator[str]:
        setting_id, value = field(props, "settingId"), field(props, "value")
        if is_unknown(setting_id) or is_unknown(value) or value is None:
            return
        if setting_id == "security_header":
            found = values_at(value, "strict_transport_security.max_age")
            checks = [
                (f"value.{label}", found_value, between(0, _HSTS_LONGEST_MAX_AGE)) for label, found_value in found
            ]
        elif setting_id in _ZONE_SETTING_VALUES:
            checks = [("value", value, among(*_ZONE_SETTING_VALUES[setting_id]))]
        else:
            yield cited(
                f"settingId is {shown(setting_id)}: the program's table knows only "
                + ", ".join(shown(known) for known in (*_ZONE_SETTING_VALUES, "security_header")),
                self.source,
            )
            return
        for label, found_value, allowed in checks:
            if not allowed.accepts(found_value):
                yield cited(
                    f"{setting_id} {label} is {shown(found_value)}: Cloudflare allows {allowed.description}",
                    self.source,
                )


_REQUEST_HEADERS_PHASE = "http_request_late_transform"
_HEADER_NAME = re.compile(r"[A-Za-z0-9_-]+")
_HEADER_VALUE = re.compile(r"[A-Za-z0-9_ :;.,\\/\"'?!(){}\[\]@<>=+*#$&`|~^%-]{0,4096}")
# Headers Cloudflare keeps to itself: a transform rule may not set them (cf-connecting-ip may only be removed).
_RESERVED_HEADER_PREFIXES = ("cf-", "x-cf-")


@dataclass(frozen=True)
class RequestHeaders:
    """Every header a request-header transform rule sets has a name of letters, digits, `-` and `_`, not one
    Cloudflare keeps to itself, and a static value of the characters Cloudflare accepts, up to 4096 of them."""

    source: str = REQUEST_HEADER_FORMAT

    def violations(self, props: Any, _provider_props: Any, /) -> Iterator[str]:
        if field(props, "phase") != _REQUEST_HEADERS_PHASE:
            return
        for index, rule in enumerate(elements(field(props, "rules"))):
            for name, header in entries(field(rule, "actionParameters", "headers")).items():
                label = f"rules[{index}].actionParameters.headers[{shown(name)}]"
                if not _HEADER_NAME.fullmatch(name):
                    yield cited(f"{label}: Cloudflare allows header names of letters, digits, - and _", self.source)
                elif name.casefold().startswith(_RESERVED_HEADER_PREFIXES):
                    yield cited(
                        f"{label}: Cloudflare does not let a rule set a header named cf-... or x-cf-...",
                        REQUEST_HEADER_MODIFICATION,
                    )
                value = field(header, "value")
                if isinstance(value, str) and not is_unknown(value) and not _HEADER_VALUE.fullmatch(value):
                    yield cited(
                        f"{label}.value: Cloudflare allows up to 4096 letters, digits, spaces and "
                        "_:;.,\\/\"'?!(){}[]@<>=-+*#$&`|~^%",
                        self.source,
                    )


_TTL = Allowed(
    lambda value: number(value) == 1 or between(60, 86400).accepts(value), "1 (automatic) or 60 to 86400 seconds"
)

CONSTRAINTS: Constraints = {
    ACM_CERTIFICATE: (
        Value("domainName", length(253), REQUEST_CERTIFICATE),
        Value("subjectAlternativeNames[]", length(253), REQUEST_CERTIFICATE),
        # Ten names per certificate by default, the domain name included.
        Value("subjectAlternativeNames", at_most_items(9), ACM_QUOTAS),
        Value("validationMethod", among("DNS", "EMAIL", "HTTP"), REQUEST_CERTIFICATE),
        Value(
            "keyAlgorithm",
            among("RSA_1024", "RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1", "EC_secp384r1", "EC_secp521r1"),
            REQUEST_CERTIFICATE,
        ),
        Tags(),
    ),
    ACM_CERTIFICATE_VALIDATION: (Value("validationRecordFqdns[]", length(253), REQUEST_CERTIFICATE),),
    CLOUDFLARE_DNS_RECORD: (
        Value(
            "type",
            among("A", "AAAA", "CNAME", "MX", "NS", "OPENPGPKEY", "PTR", "TXT", "CAA", "CERT", "DNSKEY", "DS", "HTTPS"),
            "pulumi_cloudflare/dns_record.py (type)",
        ),
        Value("ttl", _TTL, 'pulumi_cloudflare/dns_record.py ("Value must be between 60 and 86400")'),
        Value("name", length(255), DNS_RECORD_ATTRIBUTES),
        # 100 characters on Free, 500 on paid plans: the lower holds on every plan.
        Value("comment", length(100, minimum=0), DNS_RECORD_ATTRIBUTES),
    ),
    CLOUDFLARE_RULESET: (
        Value("kind", among("managed", "custom", "root", "zone"), "pulumi_cloudflare/ruleset.py (kind)"),
        OneOf(("accountId", "zoneId"), "pulumi_cloudflare/ruleset.py (account_id, zone_id)"),
        Value(
            "rules[].action",
            among("block", "challenge", "execute", "js_challenge", "log", "managed_challenge", "rewrite", "skip"),
            "pulumi_cloudflare/ruleset.py (rules)",
        ),
        # Rate counters are kept per data center, so the API requires that characteristic.
        Value("rules[].ratelimit.characteristics", holding("cf.colo.id"), RATE_LIMIT_PARAMETERS),
        Value("rules[].ratelimit.period", among(*RATE_LIMIT_PERIODS), RATE_LIMIT_PARAMETERS),
        Value("rules[].ratelimit.mitigationTimeout", among(0, *RATE_LIMIT_PERIODS), RATE_LIMIT_PARAMETERS),
        # What a custom rule's skip action may skip: these phases, and the products not built on the Ruleset Engine.
        Value(
            "rules[].actionParameters.phases[]",
            among("http_ratelimit", "http_request_firewall_managed", "http_request_sbfm"),
            SKIP_OPTIONS,
        ),
        Value(
            "rules[].actionParameters.products[]",
            among("zoneLockdown", "uaBlock", "bic", "hot", "securityLevel", "rateLimit", "waf"),
            SKIP_OPTIONS,
        ),
        RequestHeaders(),
    ),
    CLOUDFLARE_ZONE_SETTING: (ZoneSettingValue(),),
    CLOUDFLARE_BOT_MANAGEMENT: tuple(
        Value(key, among(*allowed), f"pulumi_cloudflare/bot_management.py ({argument})")
        for key, argument, allowed in (
            ("sbfmDefinitelyAutomated", "sbfm_definitely_automated", ("allow", "block", "managed_challenge")),
            ("sbfmLikelyAutomated", "sbfm_likely_automated", ("allow", "block", "managed_challenge")),
            ("sbfmVerifiedBots", "sbfm_verified_bots", ("allow", "block")),
        )
    ),
}
