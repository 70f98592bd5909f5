"""What each Cloudflare plan allows of the edge features the program configures: one table, each limit citing
its Cloudflare source, read by the config (to refuse what a plan cannot have) and by the edge component (to
leave out, with a warning, what the plan lacks).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

PlanName = Literal["free", "pro", "business", "enterprise"]
PLAN_NAMES: tuple[PlanName, ...] = ("free", "pro", "business", "enterprise")

# Periods the rate-limiting API accepts, for counting and for the mitigation timeout alike; a plan allows those up
# to its longest (https://developers.cloudflare.com/waf/rate-limiting-rules/#availability, footnote 3).
RATE_LIMIT_PERIODS = (
    10,
    15,
    20,
    30,
    40,
    45,
    60,
    90,
    120,
    180,
    240,
    300,
    480,
    600,
    900,
    1200,
    1800,
    2400,
    3600,
    65535,
    86400,
)

_RATE_LIMITING = "https://developers.cloudflare.com/waf/rate-limiting-rules/#availability"
_MANAGED_RULES = "https://developers.cloudflare.com/waf/managed-rules/#availability"
_ATTACK_SCORE = "https://developers.cloudflare.com/waf/detections/attack-score/#availability"
_BOTS = "https://developers.cloudflare.com/bots/plans/"


@dataclass(frozen=True)
class Plan:
    name: PlanName
    rate_limit_rules: int
    """How many rules the zone's http_ratelimit phase may hold."""
    longest_counting_period: int
    longest_mitigation_timeout: int
    managed_rulesets: bool
    """The Cloudflare Managed Ruleset and the Cloudflare OWASP Core Ruleset; Free has the Free Managed Ruleset only."""
    super_bot_fight_mode: bool
    """Super Bot Fight Mode (definitely automated traffic); Free has Bot Fight Mode only."""
    likely_automated: bool
    """Super Bot Fight Mode's separate action for likely automated traffic."""
    attack_score: bool
    """WAF attack scores per class (cf.waf.score.sqli, cf.waf.score.xss)."""
    log_action: bool
    """The log action in WAF rules and overrides."""

    def counting_periods(self) -> tuple[int, ...]:
        return tuple(period for period in RATE_LIMIT_PERIODS if period <= self.longest_counting_period)

    def mitigation_timeouts(self) -> tuple[int, ...]:
        return tuple(timeout for timeout in RATE_LIMIT_PERIODS if timeout <= self.longest_mitigation_timeout)


# Sources: rate limits _RATE_LIMITING; managed rulesets and the log action _MANAGED_RULES; attack score
# _ATTACK_SCORE; bot protection _BOTS.
PLANS: dict[PlanName, Plan] = {
    "free": Plan("free", 1, 10, 10, False, False, False, False, False),
    "pro": Plan("pro", 2, 60, 3600, True, True, False, False, False),
    "business": Plan("business", 5, 600, 86400, True, True, True, False, False),
    "enterprise": Plan("enterprise", 100, 65535, 86400, True, True, True, True, True),
}
SOURCES = (_RATE_LIMITING, _MANAGED_RULES, _ATTACK_SCORE, _BOTS)


@dataclass(frozen=True)
class Rate:
    """A rate limit: `requests` per `period` seconds, then the action for `mitigation_timeout` seconds."""

    requests: int
    period: int
    mitigation_timeout: int

    @property
    def per_second(self) -> float:
        return self.requests / self.period


def rate_for_plan(rate: Rate, plan: Plan) -> Rate:
    """`rate` as the plan can count it: unchanged where the plan allows its period and timeout, else counted over
    the plan's longest period at the same average rate (rounded down, so never more permissive) with the plan's
    longest timeout. Only Free, which counts over 10 s alone, needs that; config refuses it on the other plans."""
    if rate.period in plan.counting_periods() and rate.mitigation_timeout in plan.mitigation_timeouts():
        return rate
    period = min(rate.period, plan.longest_counting_period)
    return Rate(
        requests=math.floor(rate.requests * period / rate.period),
        period=period,
        mitigation_timeout=min(rate.mitigation_timeout, plan.longest_mitigation_timeout),
    )
