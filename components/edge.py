"""Cloudflare in front of the ALB: proxied records for the apps' hosts and, in the stack that configures the
zone, its TLS settings, WAF, rate limits, bot protection and security headers, each as far as the zone's plan
allows (facts/cloudflare_plans.py), and the origin secret on every request for the stack's hosts (design D17); what
the plan cannot have is left out with a warning naming it.

Rulesets are the zone's entry points, one per phase; every rule has a stable `ref`, so Cloudflare keeps a rule's
identity (and its analytics) when the rules around it change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_cloudflare as cloudflare

from components.authentication import AUTHENTICATION_APP
from components.base import Component, Platform
from components.certificate import AUTOMATIC_TTL
from components.config import AppConfig, CloudflareConfig, app_hosts
from components.interfaces import Origin, OriginAuthentication
from facts.cloudflare_plans import PLANS, Rate, rate_for_plan

# Cloudflare's managed rulesets and the OWASP ruleset's anomaly-score rule, by their global ids
# (https://developers.cloudflare.com/waf/managed-rules/reference/).
FREE_MANAGED_RULESET = "77454fe2d30c4220b5701f6fdfb893ba"
CLOUDFLARE_MANAGED_RULESET = "efb7b8c949ac4650a09736fc376e9aee"
OWASP_CORE_RULESET = "4814384a9e5d4991b9815dcfc25d2f1f"
OWASP_ANOMALY_SCORE_RULE = "6179ae15870a4bb7b2d480d4843b323c"
OWASP_PARANOIA_LEVELS = (1, 2, 3, 4)

HSTS_MAX_AGE = 31536000  # one year
# Paths that only ever serve a scanner looking for leaked secrets: nothing the apps serve lives below them.
SECRET_PATHS = ("/.env", "/.git/", "/.aws/", "/.ssh/")
# A WAF attack score of 1-20 means "attack" (https://developers.cloudflare.com/waf/detections/attack-score/).
ATTACK_SCORE_LIMIT = 20
# The rate limit counts per client IP at each Cloudflare data center; the API requires the data center.
RATE_LIMIT_CHARACTERISTICS = ["cf.colo.id", "ip.src"]
EVERY_REQUEST = "true"
# What the stack's own NAT addresses skip: the phases of the rate limits and of Super Bot Fight Mode, never the WAF's
# managed rules (https://developers.cloudflare.com/waf/custom-rules/skip/options/).
RATE_LIMIT_PHASE, SUPER_BOT_FIGHT_MODE_PHASE = "http_ratelimit", "http_request_sbfm"
# The phase of Request Header Transform Rules, which set headers on the request to the origin
# (https://developers.cloudflare.com/rules/transform/request-header-modification/).
REQUEST_HEADERS_PHASE = "http_request_late_transform"


@dataclass(frozen=True, kw_only=True)
class EdgeArgs:
    domain: str
    apps: Mapping[str, AppConfig]
    cloudflare: CloudflareConfig
    origin: Origin
    """The ALB the apps' records point at, and the secret header it requires."""
    nat_public_ips: Sequence[pulumi.Input[str]]
    """The stack's NAT gateways' addresses, whose server-side calls skip the rate limits and bot protection."""


def zone_settings(cloudflare_config: CloudflareConfig) -> dict[str, Any]:
    """Every zone setting the edge manages, by setting id, with the exact value shape the provider sends."""
    return {
        # Full (strict): Cloudflare verifies the ALB's ACM certificate.
        "ssl": "strict",
        "min_tls_version": "1.2",
        "tls_1_3": "on",
        "always_use_https": "on",
        "automatic_https_rewrites": "on",
        # The API's snake_case shape, all five keys: provider v5 shows a diff on every preview when a key the API
        # returns is left out (cloudflare/terraform-provider-cloudflare#6447), so none is.
        "security_header": {
            "strict_transport_security": {
                "enabled": True,
                "max_age": HSTS_MAX_AGE,
                "include_subdomains": True,
                "nosniff": True,
                "preload": cloudflare_config.hsts_preload,
            }
        },
    }


def _any_of(conditions: Sequence[str]) -> str:
    return " or ".join(conditions)


def _path_starts_with(prefixes: Sequence[str]) -> str:
    return _any_of([f'starts_with(http.request.uri.path, "{prefix}")' for prefix in prefixes])


def _rate_limit_rule(ref: str, description: str, expression: str, rate: Rate) -> cloudflare.RulesetRuleArgs:
    return cloudflare.RulesetRuleArgs(
        ref=ref,
        description=description,
        expression=expression,
        action="block",
        enabled=True,
        ratelimit=cloudflare.RulesetRuleRatelimitArgs(
            characteristics=RATE_LIMIT_CHARACTERISTICS,
            period=rate.period,
            requests_per_period=rate.requests,
            mitigation_timeout=rate.mitigation_timeout,
        ),
    )


class Edge(Component):
    record_names: dict[str, str]
    """The proxied host of each app, by app."""

    def __init__(
        self, name: str, platform: Platform, args: EdgeArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, platform, opts)
        self._name = name
        self._zone_id = args.cloudflare.zone_id
        self._plan = PLANS[args.cloudflare.plan]
        hosts = app_hosts(args.apps, args.domain)
        for app, host in hosts.items():
            cloudflare.DnsRecord(
                f"{name}-{app}",
                zone_id=self._zone_id,
                name=host,
                type="CNAME",
                content=args.origin.dns_name,
                ttl=AUTOMATIC_TTL,
                # Through Cloudflare, so the WAF, rate limits and bot protection see every request; the ALB
                # admits only Cloudflare's ranges.
                proxied=True,
                comment=f"The {app} app of {platform.name_prefix}, through the ALB",
                opts=self.child(),
            )
        self.record_names = hosts
        if args.cloudflare.manages_zone:
            self._zone(args.cloudflare, hosts, args.nat_public_ips)
            self._origin_header(hosts, args.origin.authentication)
        else:
            pulumi.log.warn(
                "the ALB admits every Cloudflare customer's traffic: this stack's zone is configured by another stack, "
                "which cannot add this stack's origin secret (README, Origin authentication)",
                resource=self,
            )
        self.register_outputs({"recordNames": self.record_names})

    def _warn_left_out(self, feature: str, needs: str, instead: str = "") -> None:
        pulumi.log.warn(
            f"the {self._plan.name} plan has no {feature} (it needs {needs}): left out{instead}", resource=self
        )

    def _ruleset(
        self,
        phase: str,
        purpose: str,
        rules: Sequence[cloudflare.RulesetRuleArgs],
        depends_on: Sequence[pulumi.Resource] = (),
    ) -> None:
        cloudflare.Ruleset(
            f"{self._name}-{purpose}",
            zone_id=self._zone_id,
            kind="zone",
            phase=phase,
            name=self.platform.name(purpose),
            description=f"{purpose} of {self.platform.name_prefix} (managed by Pulumi)",
            rules=list(rules),
            opts=self.child(depends_on=list(depends_on)),
        )

    def _zone(
        self, config: CloudflareConfig, hosts: Mapping[str, str], nat_public_ips: Sequence[pulumi.Input[str]]
    ) -> None:
        for setting_id, value in zone_settings(config).items():
            cloudflare.ZoneSetting(
                f"{self._name}-{setting_id}",
                zone_id=self._zone_id,
                setting_id=setting_id,
                value=value,
                opts=self.child(),
            )
        self._ruleset("http_request_firewall_managed", "waf-managed", self._managed_rules(config))
        self._ruleset("http_request_firewall_custom", "waf-custom", self._custom_rules(config, nat_public_ips))
        self._ruleset(RATE_LIMIT_PHASE, "rate-limit", self._rate_limit_rules(config, hosts))
        self._ruleset("http_response_headers_transform", "security-headers", [self._security_headers_rule(config)])
        self._bot_protection(config)

    def _origin_header(self, hosts: Mapping[str, str], authentication: OriginAuthentication | None) -> None:
        """The origin secret on every request for this stack's hosts, and no other host's: another stack's ALB in the
        zone must not learn it. Set, not added, so a client's own header of that name never reaches the ALB. Created
        after the listener rules that check it, so a rotation's new secret is accepted before Cloudflare sends it."""
        if authentication is None:
            raise ValueError("the edge configures the zone, so the origin must require the secret it sends")
        listed = " ".join(f'"{host}"' for host in sorted(hosts.values()))
        rule = cloudflare.RulesetRuleArgs(
            ref="set_origin_secret",
            description=f"The origin secret of {self.platform.name_prefix}: its ALB forwards no request without it",
            expression=f"http.host in {{{listed}}}",
            action="rewrite",
            enabled=True,
            action_parameters=cloudflare.RulesetRuleActionParametersArgs(
                headers={
                    authentication.header: cloudflare.RulesetRuleActionParametersHeadersArgs(
                        operation="set", value=authentication.value
                    )
                }
            ),
        )
        self._ruleset(REQUEST_HEADERS_PHASE, "origin-secret", [rule], depends_on=authentication.checks)

    def _managed_rules(self, config: CloudflareConfig) -> list[cloudflare.RulesetRuleArgs]:
        if not self._plan.managed_rulesets:
            self._warn_left_out(
                "Cloudflare Managed Ruleset or Cloudflare OWASP Core Ruleset (the seed's SQL injection and XSS "
                "protection)",
                "Pro",
                "; the Cloudflare Free Managed Ruleset runs instead",
            )
            return [
                cloudflare.RulesetRuleArgs(
                    ref="execute_free_managed_ruleset",
                    description="Cloudflare Free Managed Ruleset",
                    expression=EVERY_REQUEST,
                    action="execute",
                    enabled=True,
                    action_parameters=cloudflare.RulesetRuleActionParametersArgs(id=FREE_MANAGED_RULESET),
                )
            ]
        above_paranoia_level = [level for level in OWASP_PARANOIA_LEVELS if level > config.waf.paranoia_level]
        return [
            cloudflare.RulesetRuleArgs(
                ref="execute_cloudflare_managed_ruleset",
                description="Cloudflare Managed Ruleset",
                expression=EVERY_REQUEST,
                action="execute",
                enabled=True,
                action_parameters=cloudflare.RulesetRuleActionParametersArgs(id=CLOUDFLARE_MANAGED_RULESET),
            ),
            cloudflare.RulesetRuleArgs(
                ref="execute_owasp_core_ruleset",
                description=(
                    f"Cloudflare OWASP Core Ruleset (SQL injection, XSS, ...): paranoia level "
                    f"{config.waf.paranoia_level}, {config.waf.action} from an anomaly score of "
                    f"{config.waf.score_threshold}"
                ),
                expression=EVERY_REQUEST,
                action="execute",
                enabled=True,
                action_parameters=cloudflare.RulesetRuleActionParametersArgs(
                    id=OWASP_CORE_RULESET,
                    overrides=cloudflare.RulesetRuleActionParametersOverridesArgs(
                        # A paranoia level runs the rules up to it: the higher levels' categories are disabled.
                        categories=[
                            cloudflare.RulesetRuleActionParametersOverridesCategoryArgs(
                                category=f"paranoia-level-{level}", enabled=False
                            )
                            for level in above_paranoia_level
                        ]
                        or None,
                        # The ruleset's last rule acts on the summed anomaly score.
                        rules=[
                            cloudflare.RulesetRuleActionParametersOverridesRuleArgs(
                                id=OWASP_ANOMALY_SCORE_RULE,
                                action=config.waf.action,
                                score_threshold=config.waf.score_threshold,
                            )
                        ],
                    ),
                ),
            ),
        ]

    def _custom_rules(
        self, config: CloudflareConfig, nat_public_ips: Sequence[pulumi.Input[str]]
    ) -> list[cloudflare.RulesetRuleArgs]:
        rules = [self._skip_own_nat_addresses(config, nat_public_ips)] if nat_public_ips else []
        rules.append(
            cloudflare.RulesetRuleArgs(
                ref="block_secret_path_probes",
                description="Scanners probing for leaked secrets: " + ", ".join(SECRET_PATHS),
                expression=_any_of([f'http.request.uri.path contains "{path}"' for path in SECRET_PATHS]),
                action="block",
                enabled=True,
            )
        )
        if self._plan.attack_score:
            rules.append(
                cloudflare.RulesetRuleArgs(
                    ref="block_sqli_xss_attack_score",
                    description="SQL injection and XSS by the WAF's attack score",
                    expression=_any_of([f"cf.waf.score.{kind} le {ATTACK_SCORE_LIMIT}" for kind in ("sqli", "xss")]),
                    action="block",
                    enabled=True,
                )
            )
        else:
            self._warn_left_out("WAF attack score blocking of SQL injection and XSS", "Enterprise")
        return rules

    def _skip_own_nat_addresses(
        self, config: CloudflareConfig, nat_public_ips: Sequence[pulumi.Input[str]]
    ) -> cloudflare.RulesetRuleArgs:
        """The apps' calls that still reach the zone from inside the VPC (NextAuth's server-side calls to
        NEXTAUTH_URL, another app's public host) come from a NAT gateway's address, one for every pod of its zone:
        the rate limits would block them and Super Bot Fight Mode take them for bots. Custom rules run before both
        phases, so a skip here exempts them; the secret-path and attack-score rules and the managed WAF still apply."""
        phases = [RATE_LIMIT_PHASE]
        if self._plan.super_bot_fight_mode:
            phases.append(SUPER_BOT_FIGHT_MODE_PHASE)
        elif config.bots.fight_mode:
            pulumi.log.warn(
                "Bot Fight Mode (the free plan's) cannot be skipped by a rule: the apps' calls from the NAT addresses "
                "meet it",
                resource=self,
            )
        return cloudflare.RulesetRuleArgs(
            ref="skip_own_nat_addresses",
            description=f"Calls from the NAT gateways of {self.platform.name_prefix}: skip {', '.join(phases)}",
            expression=pulumi.Output.all(*nat_public_ips).apply(
                lambda addresses: f"ip.src in {{{' '.join(sorted(addresses))}}}"
            ),
            action="skip",
            enabled=True,
            action_parameters=cloudflare.RulesetRuleActionParametersArgs(phases=phases),
        )

    def _rate_limit_rules(self, config: CloudflareConfig, hosts: Mapping[str, str]) -> list[cloudflare.RulesetRuleArgs]:
        configured = config.rate_limit.rate
        rate = rate_for_plan(configured, self._plan)
        if rate != configured:
            pulumi.log.warn(
                f"the {self._plan.name} plan counts requests over {rate.period} s only: the rate limit of "
                f"{configured.requests} per {configured.period} s per IP becomes {rate.requests} per {rate.period} s "
                f"(the same average rate, rounded down), blocking for {rate.mitigation_timeout} s",
                resource=self,
            )
        rules: list[cloudflare.RulesetRuleArgs] = []
        authentication, sign_in_host = config.rate_limit.authentication, hosts[AUTHENTICATION_APP]
        if self._plan.rate_limit_rules >= 2:
            rules.append(
                _rate_limit_rule(
                    "rate_limit_authentication",
                    f"Authentication on {sign_in_host}: {authentication.requests} requests per "
                    f"{authentication.period} s per IP",
                    f'http.host eq "{sign_in_host}" and ({_path_starts_with(authentication.paths)})',
                    config.rate_limit.authentication_rate,
                )
            )
        else:
            self._warn_left_out("second rate-limiting rule for the authentication paths", "Pro")
        rules.append(
            _rate_limit_rule(
                "rate_limit_per_ip",
                f"{rate.requests} requests per {rate.period} s per IP, whole zone",
                EVERY_REQUEST,
                rate,
            )
        )
        return rules

    def _security_headers_rule(self, config: CloudflareConfig) -> cloudflare.RulesetRuleArgs:
        headers = {
            "X-Frame-Options": "DENY",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": config.headers.referrer_policy,
            "Permissions-Policy": config.headers.permissions_policy,
            "Content-Security-Policy": config.headers.content_security_policy,
        }
        return cloudflare.RulesetRuleArgs(
            ref="set_security_headers",
            description="The seed's security headers on every response",
            expression=EVERY_REQUEST,
            action="rewrite",
            enabled=True,
            action_parameters=cloudflare.RulesetRuleActionParametersArgs(
                headers={
                    header: cloudflare.RulesetRuleActionParametersHeadersArgs(operation="set", value=value)
                    for header, value in headers.items()
                }
            ),
        )

    def _bot_protection(self, config: CloudflareConfig) -> None:
        super_bot_fight_mode, likely_automated = self._plan.super_bot_fight_mode, self._plan.likely_automated
        if not super_bot_fight_mode:
            self._warn_left_out("Super Bot Fight Mode", "Pro")
        elif not likely_automated:
            self._warn_left_out("Super Bot Fight Mode action for likely automated traffic", "Business")
        cloudflare.BotManagement(
            f"{self._name}-bots",
            zone_id=self._zone_id,
            # Free's Bot Fight Mode, only where config asks: it challenges API clients and no rule exempts them.
            fight_mode=None if super_bot_fight_mode else config.bots.fight_mode,
            sbfm_definitely_automated="block" if super_bot_fight_mode else None,
            sbfm_likely_automated="block" if likely_automated else None,
            sbfm_verified_bots="allow" if super_bot_fight_mode else None,
            opts=self.child(),
        )
