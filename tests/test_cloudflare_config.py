"""`sentinel:cloudflare` and the zone the apps are served from: Cloudflare's ranges by default, every stack's hosts
in prod's zone, what each plan allows, and every bad input named by its full key with what is allowed."""

from __future__ import annotations

from components.config import CLOUDFLARE_IPV4_RANGES
from offline import REMOVE
from tests.config_cases import BadConfig, named_by_full_key
from tests.helpers import load


def test_prod_defaults_carry_cloudflares_ranges() -> None:
    assert tuple(load("prod").cloudflare.ipv4_ranges) == CLOUDFLARE_IPV4_RANGES


def test_dev_and_staging_share_prods_zone_under_hosts_of_their_own() -> None:
    for stack, suffix in (("dev", "-dev"), ("staging", "-staging"), ("prod", "")):
        config = load(stack)
        assert config.domain == "projectsentinel.ai"
        assert {settings.subdomain for settings in config.apps.values()} == {
            f"{label}{suffix}" for label in ("app", "api", "admin")
        }
        assert config.cloudflare.manages_zone is config.cloudflare.hsts_preload is (stack == "prod")


def test_a_delegated_subdomain_zone_is_allowed_on_enterprise_and_country_domains_everywhere() -> None:
    assert load("dev", {"sentinel:domain": "dev.projectsentinel.ai", "sentinel:cloudflare.plan": "enterprise"})
    assert load("prod", {"sentinel:domain": "projectsentinel.co.uk"}).domain == "projectsentinel.co.uk"


def test_free_accepts_the_seeds_rate_it_converts() -> None:
    config = load("prod", {"sentinel:cloudflare.plan": "free"})
    assert (config.cloudflare.rate_limit.period, config.cloudflare.rate_limit.mitigation_timeout) == (60, 60)


BAD_CLOUDFLARE: list[BadConfig] = [
    # (case, overrides, key named in the message, something the message says is allowed)
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
    ("zone id", {"sentinel:cloudflare.zoneId": "projectsentinel.ai"}, "sentinel:cloudflare.zoneId", "32 lowercase"),
    ("missing zone id", {"sentinel:cloudflare.zoneId": REMOVE}, "sentinel:cloudflare.zoneId", "required"),
    ("unknown plan", {"sentinel:cloudflare.plan": "team"}, "sentinel:cloudflare.plan", "'business' or 'enterprise'"),
    (
        "domain below the apex",
        {"sentinel:domain": "dev.projectsentinel.ai"},
        "sentinel:domain",
        "app-dev",
    ),
    (
        "period the plan lacks",
        {"sentinel:cloudflare.rateLimit.period": 600},
        "sentinel:cloudflare.rateLimit.period",
        "pro plan's counting periods are [10, 15, 20, 30, 40, 45, 60]",
    ),
    (
        "period cloudflare does not offer",
        {"sentinel:cloudflare.rateLimit.period": 50},
        "sentinel:cloudflare.rateLimit.period",
        "10, 15, 20",
    ),
    (
        "timeout the plan lacks",
        {"sentinel:cloudflare.rateLimit.mitigationTimeout": 86400},
        "sentinel:cloudflare.rateLimit.mitigationTimeout",
        "mitigation timeouts",
    ),
    (
        "authentication period the plan lacks",
        {"sentinel:cloudflare.rateLimit.authentication.period": 300},
        "sentinel:cloudflare.rateLimit.authentication.period",
        "counting periods",
    ),
    ("no requests", {"sentinel:cloudflare.rateLimit.requests": 0}, "sentinel:cloudflare.rateLimit.requests", "1"),
    (
        "rate below one request per 10 s on free",
        {"sentinel:cloudflare.plan": "free", "sentinel:cloudflare.rateLimit.requests": 5},
        "sentinel:cloudflare.rateLimit.requests",
        "less than one request",
    ),
    ("log below enterprise", {"sentinel:cloudflare.waf.action": "log"}, "sentinel:cloudflare.waf.action", "Enterprise"),
    ("paranoia level", {"sentinel:cloudflare.waf.paranoiaLevel": 5}, "sentinel:cloudflare.waf.paranoiaLevel", "4"),
    ("score threshold", {"sentinel:cloudflare.waf.scoreThreshold": 30}, "sentinel:cloudflare.waf.scoreThreshold", "25"),
    (
        "authentication app, a key no more",
        {"sentinel:cloudflare.rateLimit.authentication.app": "api"},
        "sentinel:cloudflare.rateLimit.authentication.app",
        "the host of the app where sign-in runs (web, AUTHENTICATION_APP in components/authentication.py)",
    ),
    (
        "authentication path",
        {"sentinel:cloudflare.rateLimit.authentication.paths": ["auth"]},
        "sentinel:cloudflare.rateLimit.authentication.paths[0]",
        "leading /",
    ),
    (
        "header value with a line break",
        {"sentinel:cloudflare.headers.referrerPolicy": "no-referrer\r\nSet-Cookie: x"},
        "sentinel:cloudflare.headers.referrerPolicy",
        "printable ASCII",
    ),
    ("unknown edge key", {"sentinel:cloudflare.rateLimits": {}}, "sentinel:cloudflare.rateLimits", "rateLimit"),
]

test_bad_cloudflare_config_is_named_by_its_full_key = named_by_full_key(BAD_CLOUDFLARE)
