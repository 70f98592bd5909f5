"""`sentinel:cloudflare`: the edge ranges the ALB admits, and the zone the apps are served from: its id and
plan, whether this stack configures it, its WAF, rate limits, bot protection and security headers."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Collection, Mapping
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, model_validator

from components.authentication import AUTHENTICATION_APP
from components.config.errors import ConfigError
from components.config.types import (
    Key,
    PublicRange,
    Secret,
    Section,
    SectionError,
    by_environment,
    unique,
)
from facts.cloudflare_plans import PLANS, RATE_LIMIT_PERIODS, PlanName, Rate, rate_for_plan

API_TOKEN_KEY = "cloudflare:apiToken"

# Cloudflare's published edge ranges (https://www.cloudflare.com/ips/). The ALB admits only these, so a
# stack can override them when Cloudflare publishes a change, without a code release.
CLOUDFLARE_IPV4_RANGES = (
    "173.245.48.0/20",
    "103.21.244.0/22",
    "103.22.200.0/22",
    "103.31.4.0/22",
    "141.101.64.0/18",
    "108.162.192.0/18",
    "190.93.240.0/20",
    "188.114.96.0/20",
    "197.234.240.0/22",
    "198.41.128.0/17",
    "162.158.0.0/15",
    "104.16.0.0/13",
    "104.24.0.0/14",
    "172.64.0.0/13",
    "131.0.72.0/22",
)
CLOUDFLARE_IPV6_RANGES = (
    "2400:cb00::/32",
    "2606:4700::/32",
    "2803:f800::/32",
    "2405:b500::/32",
    "2405:8100::/32",
    "2a06:98c0::/29",
    "2c0f:f248::/32",
)


# The seed's Content-Security-Policy (the Sentinel guide, "Security Headers").
SEED_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-eval' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: https:; font-src 'self' data:; connect-src 'self' wss: https:;"
)


def _zone_id(value: str) -> str:
    if not re.fullmatch(r"[0-9a-f]{32}", value):
        raise ValueError("must be a Cloudflare zone id: 32 lowercase hexadecimal characters (the zone's Overview page)")
    return value


def _header_value(value: str) -> str:
    if not re.fullmatch(r"[\x20-\x7e]{1,4096}", value):
        raise ValueError("must be 1-4096 printable ASCII characters, with no line breaks")
    return value


def _path_prefix(value: str) -> str:
    if not re.fullmatch(r"/[A-Za-z0-9._~/-]*", value) or "//" in value:
        raise ValueError("must be a URL path prefix such as /auth/: a leading /, then letters, digits and ._~/-")
    return value


def _period(value: int) -> int:
    if value not in RATE_LIMIT_PERIODS:
        raise ValueError(
            f"must be one of the periods Cloudflare rate limiting accepts (seconds): {list(RATE_LIMIT_PERIODS)}"
        )
    return value


ZoneId = Annotated[str, AfterValidator(_zone_id)]
HeaderValue = Annotated[str, AfterValidator(_header_value)]
PathPrefix = Annotated[str, AfterValidator(_path_prefix)]
RateLimitPeriod = Annotated[int, AfterValidator(_period)]
WafAction = Literal["block", "managed_challenge", "js_challenge", "challenge", "log"]


class AuthenticationRateLimitConfig(Section):
    """The stricter limit on the authentication paths (seed 004), where the plan allows a second rate-limiting
    rule. Its host is not config: it is the host of the app where sign-in runs (components/authentication.py), the
    one every app's NEXTAUTH_URL names."""

    paths: Annotated[list[PathPrefix], Field(min_length=1), AfterValidator(unique)] = Field(
        default_factory=lambda: ["/auth/", "/api/auth/"]
    )
    """The sign-in path prefixes the stricter limit counts (NextAuth's pages and routes)."""
    requests: int = Field(default=10, ge=1)
    """Requests per `period` per client IP on those paths, on the host where sign-in runs (`AUTHENTICATION_APP`
    in `components/authentication.py`, the host every app's `NEXTAUTH_URL` names); above it, blocked for the
    zone limit's `mitigationTimeout`."""
    period: RateLimitPeriod = 60
    """The counting period of the sign-in limit, in seconds: one Cloudflare offers, within the plan's."""

    @model_validator(mode="before")
    @classmethod
    def _refuse_the_app_key(cls, data: Any) -> Any:
        """`app` named the guarded host apart from NEXTAUTH_URL, so the two drifted (the limit guarded api while
        sign-in ran on web); a stack still setting it learns what replaced it."""
        if isinstance(data, Mapping) and "app" in data:
            raise SectionError(
                [
                    (
                        ("app",),
                        f"is no longer a setting: the limit guards the host of the app where sign-in runs "
                        f"({AUTHENTICATION_APP}, AUTHENTICATION_APP in components/authentication.py), the host every "
                        "app's NEXTAUTH_URL names; delete the key",
                    )
                ]
            )
        return data


class RateLimitConfig(Section):
    """Requests per period per client IP (at each Cloudflare data center) for the whole zone: the seed's 100 per
    60 s; above it, requests are blocked for the mitigation timeout."""

    requests: int = Field(default=100, ge=1)
    """Requests per `period` per client IP (at each Cloudflare data center) for the whole zone: the seed's 100
    per 60 s. The Free plan counts over 10 s only, so the rate is converted there (100 per 60 s becomes 16 per
    10 s, the same average rounded down)."""
    period: RateLimitPeriod = 60
    """The counting period in seconds: one Cloudflare offers, within the plan's."""
    mitigation_timeout: RateLimitPeriod = 60
    """How long a client over the limit stays blocked, in seconds: a timeout the plan offers."""
    authentication: AuthenticationRateLimitConfig = AuthenticationRateLimitConfig()
    """The stricter limit on the sign-in paths (seed 004), on plans with a second rate-limiting rule. The former
    `app` key is refused: the guarded host follows sign-in."""

    @property
    def rate(self) -> Rate:
        return Rate(self.requests, self.period, self.mitigation_timeout)

    @property
    def authentication_rate(self) -> Rate:
        return Rate(self.authentication.requests, self.authentication.period, self.mitigation_timeout)


class WafConfig(Section):
    """The Cloudflare OWASP Core Ruleset (Pro and up): rules up to the paranoia level run, and a request whose
    anomaly score reaches the threshold (25 high, 40 medium, 60 low sensitivity) meets the action."""

    paranoia_level: int = Field(default=1, ge=1, le=4)
    """The OWASP Core Ruleset's paranoia level: rules up to it run (higher catches more, and blocks more
    legitimate requests)."""
    score_threshold: Literal[25, 40, 60] = 40
    """The anomaly score at which a request meets the action: 25 high, 40 medium, 60 low sensitivity."""
    action: WafAction = "block"
    """What a request over the threshold meets; `log` only on Enterprise."""


class BotsConfig(Section):
    fight_mode: bool = False
    """Bot Fight Mode, the Free plan's bot protection: off unless asked for, since it challenges API and webhook
    clients and no rule can exempt them."""


class HeadersConfig(Section):
    """Values of the security headers the edge sets on every response (X-Frame-Options DENY and
    X-Content-Type-Options nosniff are fixed)."""

    content_security_policy: HeaderValue = SEED_CONTENT_SECURITY_POLICY
    """The `Content-Security-Policy` header (the seed's, from its "Security Headers")."""
    referrer_policy: HeaderValue = "origin-when-cross-origin"
    """The `Referrer-Policy` header."""
    permissions_policy: HeaderValue = "camera=(), microphone=(), geolocation=()"
    """The `Permissions-Policy` header."""


class CloudflareConfig(Section):
    ipv4_ranges: list[PublicRange] = Field(default_factory=lambda: list(CLOUDFLARE_IPV4_RANGES), min_length=1)
    """Cloudflare's IPv4 edge ranges (https://www.cloudflare.com/ips/), the only sources the ALB admits on 80
    and 443; a stack can follow a change Cloudflare publishes without a code release."""
    ipv6_ranges: list[PublicRange] = Field(default_factory=lambda: list(CLOUDFLARE_IPV6_RANGES))
    """Cloudflare's IPv6 edge ranges, likewise."""
    zone_id: ZoneId
    """The id of the zone of `domain` (32 hexadecimal characters, on the zone's Overview page)."""
    plan: PlanName
    """The zone's Cloudflare plan: the edge builds what it allows (`facts/cloudflare_plans.py`) and leaves out
    the rest with a warning naming it."""
    manages_zone: Annotated[bool, by_environment(dev=False, staging=False, prod=True)]
    """Whether this stack configures the zone's settings, rulesets and bot protection. A zone has one setting of
    each kind, one entry-point ruleset per phase and one bot configuration, so one stack configures them:
    prod's, whose zone dev and staging share."""
    hsts_preload: Annotated[bool, by_environment(dev=False, staging=False, prod=True)]
    """HSTS `preload`: it puts the domain in browsers' built-in lists, which takes months to undo."""
    rate_limit: RateLimitConfig = RateLimitConfig()
    """The zone's rate limits."""
    waf: WafConfig = WafConfig()
    """The Cloudflare OWASP Core Ruleset (Pro and up)."""
    bots: BotsConfig = BotsConfig()
    """Bot protection on the Free plan (paid plans get Super Bot Fight Mode by plan)."""
    headers: HeadersConfig = HeadersConfig()
    """The security headers the edge sets on every response (`X-Frame-Options: DENY` and
    `X-Content-Type-Options: nosniff` are fixed)."""

    @model_validator(mode="after")
    def _check_families(self) -> CloudflareConfig:
        problems: list[tuple[Key, str]] = []
        for key, ranges, version in (("ipv4Ranges", self.ipv4_ranges, 4), ("ipv6Ranges", self.ipv6_ranges, 6)):
            for index, cidr in enumerate(ranges):
                if ipaddress.ip_network(cidr).version != version:
                    problems.append(((key, index), f"{cidr} is not an IPv{version} range"))
        if problems:
            raise SectionError(problems)
        return self

    @model_validator(mode="after")
    def _check_plan(self) -> CloudflareConfig:
        """What the plan cannot have. Free counts over 10 s only: the program converts the rate there, so only a
        rate that would round to nothing is refused."""
        plan = PLANS[self.plan]
        problems: list[tuple[Key, str]] = []
        limits = (
            (("rateLimit", "period"), self.rate_limit.period, plan.counting_periods(), "counting periods"),
            (
                ("rateLimit", "mitigationTimeout"),
                self.rate_limit.mitigation_timeout,
                plan.mitigation_timeouts(),
                "mitigation timeouts",
            ),
            (
                ("rateLimit", "authentication", "period"),
                self.rate_limit.authentication.period,
                plan.counting_periods(),
                "counting periods",
            ),
        )
        if plan.name != "free":
            for key, value, allowed, what in limits:
                if value not in allowed:
                    problems.append((key, f"the {plan.name} plan's {what} are {list(allowed)} seconds"))
        if rate_for_plan(self.rate_limit.rate, plan).requests < 1:
            problems.append(
                (
                    ("rateLimit", "requests"),
                    f"the {plan.name} plan counts over {plan.longest_counting_period} s, and "
                    f"{self.rate_limit.requests} per {self.rate_limit.period} s is less than one request there; "
                    "allow a higher rate",
                )
            )
        if self.waf.action == "log" and not plan.log_action:
            problems.append(
                (
                    ("waf", "action"),
                    f"log is an Enterprise action; the {plan.name} plan allows block, "
                    "managed_challenge, js_challenge or challenge",
                )
            )
        if problems:
            raise SectionError(problems)
        return self


def api_token(stack: str, config: Mapping[str, Any], secret_keys: Collection[str]) -> Secret | None:
    """The Cloudflare API token of `config` (as Pulumi passes it), which must be stored as a secret; None when the
    stack leaves it to the deploy job's CLOUDFLARE_API_TOKEN."""
    value = config.get(API_TOKEN_KEY)
    if value is None:
        return None
    if API_TOKEN_KEY not in secret_keys:
        raise ConfigError(
            stack,
            [
                f"{API_TOKEN_KEY} (value not shown): is a secret: store it encrypted with `pulumi config set --secret "
                f"{API_TOKEN_KEY}`, or it sits in the stack file and the state in plain text"
            ],
        )
    return Secret(value)
