"""Deploy constraints of the edge (ACM and Cloudflare): the inputs the program sets pass, and each constraint reports
the value that breaks it."""

from __future__ import annotations

from typing import Any

from policies.rules.deploy_constraints import edge
from policies.support.aws import (
    ACM_CERTIFICATE,
    ACM_CERTIFICATE_VALIDATION,
)
from policies.support.cloudflare import (
    CLOUDFLARE_BOT_MANAGEMENT,
    CLOUDFLARE_DNS_RECORD,
    CLOUDFLARE_RULESET,
    CLOUDFLARE_ZONE_SETTING,
)
from tests.deploy_constraint_cases import constraint_case, untested_constraints
from tests.policy_builders import property_rule_tests


def request_header(name: str, value: str) -> dict[str, Any]:
    """A request-header transform rule setting one header."""
    return {
        "ref": "set_header",
        "action": "rewrite",
        "expression": "true",
        "actionParameters": {"headers": {name: {"operation": "set", "value": value}}},
    }


COMPLIANT: dict[str, dict[str, Any]] = {
    ACM_CERTIFICATE: {
        "domainName": "admin.projectsentinel.ai",
        "subjectAlternativeNames": ["api.projectsentinel.ai", "app.projectsentinel.ai"],
        "validationMethod": "DNS",
        "keyAlgorithm": "RSA_2048",
        "tags": {"Name": "sentinel-prod-edge"},
    },
    ACM_CERTIFICATE_VALIDATION: {"certificateArn": "arn", "validationRecordFqdns": ["_1.app.projectsentinel.ai"]},
    CLOUDFLARE_DNS_RECORD: {
        "zoneId": "zone-1",
        "name": "app.projectsentinel.ai",
        "type": "CNAME",
        "content": "alb.us-east-1.elb.amazonaws.com",
        "ttl": 1,
        "proxied": True,
        "comment": "The web app of sentinel-prod, through the ALB",
    },
    CLOUDFLARE_RULESET: {
        "zoneId": "zone-1",
        "kind": "zone",
        "phase": "http_ratelimit",
        "name": "sentinel-prod-rate-limit",
        "rules": [
            {
                "ref": "rate_limit_per_ip",
                "action": "block",
                "expression": "true",
                "ratelimit": {
                    "characteristics": ["cf.colo.id", "ip.src"],
                    "period": 60,
                    "requestsPerPeriod": 100,
                    "mitigationTimeout": 60,
                },
            }
        ],
    },
    CLOUDFLARE_ZONE_SETTING: {"zoneId": "zone-1", "settingId": "ssl", "value": "strict"},
    CLOUDFLARE_BOT_MANAGEMENT: {
        "zoneId": "zone-1",
        "sbfmDefinitelyAutomated": "block",
        "sbfmLikelyAutomated": "block",
        "sbfmVerifiedBots": "allow",
    },
}

case = constraint_case(COMPLIANT)

# (resource type, the change that breaks its compliant inputs, the start of the message it then reports, id)
CASES = [
    case(ACM_CERTIFICATE, {"domainName": "a" * 254}, "domainName is", "certificate-domain-length"),
    case(ACM_CERTIFICATE, {"subjectAlternativeNames": ["a" * 254]}, "subjectAlternativeNames[0] is", "san-length"),
    case(
        ACM_CERTIFICATE,
        {"subjectAlternativeNames": [f"host{index}.projectsentinel.ai" for index in range(10)]},
        "subjectAlternativeNames is",
        "certificate-too-many-names",
    ),
    case(ACM_CERTIFICATE, {"validationMethod": "dns"}, 'validationMethod is "dns": AWS allows one of', "validation"),
    case(ACM_CERTIFICATE, {"keyAlgorithm": "RSA_8192"}, 'keyAlgorithm is "RSA_8192": AWS allows one of', "key"),
    case(ACM_CERTIFICATE, {"tags": {"aws:edge": "x"}}, 'tags key "aws:edge"', "certificate-tags"),
    case(
        ACM_CERTIFICATE_VALIDATION,
        {"validationRecordFqdns": ["a" * 254]},
        "validationRecordFqdns[0] is",
        "validation-fqdn-length",
    ),
    case(CLOUDFLARE_DNS_RECORD, {"type": "ALIAS"}, 'type is "ALIAS": Cloudflare allows one of', "record-type"),
    case(CLOUDFLARE_DNS_RECORD, {"ttl": 30}, "ttl is 30: Cloudflare allows 1 (automatic) or 60 to 86400", "ttl"),
    case(CLOUDFLARE_DNS_RECORD, {"name": "a" * 256}, "name is", "record-name-length"),
    case(CLOUDFLARE_DNS_RECORD, {"comment": "c" * 101}, "comment is", "record-comment-length"),
    case(CLOUDFLARE_RULESET, {"kind": "phase"}, 'kind is "phase": Cloudflare allows one of', "ruleset-kind"),
    case(
        CLOUDFLARE_RULESET,
        {"accountId": "account-1"},
        'accountId "account-1" and zoneId "zone-1" are set together: Cloudflare allows exactly one of',
        "ruleset-account-and-zone",
    ),
    case(
        CLOUDFLARE_RULESET,
        {"rules": [{"action": "deny"}]},
        'rules[0].action is "deny": Cloudflare allows one of',
        "rule-action",
    ),
    case(
        CLOUDFLARE_RULESET,
        {"rules": [{"action": "block", "ratelimit": {"characteristics": ["ip.src"]}}]},
        'rules[0].ratelimit.characteristics is a list of 1: Cloudflare allows lists that hold "cf.colo.id"',
        "rate-limit-without-data-center",
    ),
    case(
        CLOUDFLARE_RULESET,
        {"rules": [{"action": "block", "ratelimit": {"period": 50}}]},
        "rules[0].ratelimit.period is 50: Cloudflare allows one of 10, 15",
        "rate-limit-period",
    ),
    case(
        CLOUDFLARE_RULESET,
        {"rules": [{"action": "block", "ratelimit": {"mitigationTimeout": 5}}]},
        "rules[0].ratelimit.mitigationTimeout is 5",
        "rate-limit-timeout",
    ),
    case(
        CLOUDFLARE_RULESET,
        {"rules": [{"action": "skip", "actionParameters": {"phases": ["http_request_firewall_custom"]}}]},
        'rules[0].actionParameters.phases[0] is "http_request_firewall_custom": Cloudflare allows one of',
        "skip-phase",
    ),
    case(
        CLOUDFLARE_RULESET,
        {"rules": [{"action": "skip", "actionParameters": {"products": ["botFightMode"]}}]},
        'rules[0].actionParameters.products[0] is "botFightMode": Cloudflare allows one of',
        "skip-product",
    ),
    case(
        CLOUDFLARE_RULESET,
        {"phase": "http_request_late_transform", "rules": [request_header("X Origin", "secret")]},
        'rules[0].actionParameters.headers["X Origin"]: Cloudflare allows header names of letters, digits',
        "request-header-name",
    ),
    case(
        CLOUDFLARE_RULESET,
        {"phase": "http_request_late_transform", "rules": [request_header("CF-Origin", "secret")]},
        'rules[0].actionParameters.headers["CF-Origin"]: Cloudflare does not let a rule set a header named cf-',
        "request-header-reserved",
    ),
    case(
        CLOUDFLARE_RULESET,
        {"phase": "http_request_late_transform", "rules": [request_header("X-Origin-Verify", "two\nlines")]},
        'rules[0].actionParameters.headers["X-Origin-Verify"].value: Cloudflare allows up to 4096',
        "request-header-value",
    ),
    case(
        CLOUDFLARE_ZONE_SETTING,
        {"value": "full_strict"},
        'ssl value is "full_strict": Cloudflare allows one of "off", "flexible", "full", "strict"',
        "ssl-value",
    ),
    case(
        CLOUDFLARE_ZONE_SETTING,
        {"settingId": "security_header", "value": {"strict_transport_security": {"max_age": 63072000}}},
        "security_header value.strict_transport_security.max_age is 63072000: Cloudflare allows whole numbers",
        "hsts-max-age",
    ),
    case(
        CLOUDFLARE_ZONE_SETTING,
        {"settingId": "always_use_http"},
        'settingId is "always_use_http": the program\'s table knows only',
        "unknown-setting",
    ),
    case(
        CLOUDFLARE_BOT_MANAGEMENT,
        {"sbfmDefinitelyAutomated": "deny"},
        'sbfmDefinitelyAutomated is "deny": Cloudflare allows one of',
        "sbfm-definitely",
    ),
    case(CLOUDFLARE_BOT_MANAGEMENT, {"sbfmLikelyAutomated": "log"}, 'sbfmLikelyAutomated is "log"', "sbfm-likely"),
    case(
        CLOUDFLARE_BOT_MANAGEMENT, {"sbfmVerifiedBots": "challenge"}, 'sbfmVerifiedBots is "challenge"', "sbfm-verified"
    ),
]

test_compliant_values_pass, test_each_constraint_reports_its_planted_value = property_rule_tests(CASES)


def test_every_constraint_has_a_failing_case() -> None:
    assert untested_constraints(edge.CONSTRAINTS, CASES) == []
