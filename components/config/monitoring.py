"""`sentinel:monitoring`: who the alarms notify, and the numbers they alarm at.

The seed's three CloudWatch alarms (`cloudwatch-alarms.yml` of the Sentinel guide) are configured by their seed
names under `alarms`, with the seed's numbers as defaults; a stack overrides a number key by key. The other
alarms read `thresholds`, whose defaults are seed 002's alert thresholds (response time 500 ms, error rate 5 %,
resource usage 80 %) and the guide's page-load goal (2 s).
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field, model_validator

from components.config.types import Key, Secret, Section, SectionError, in_every_environment, unique
from facts.seed_alarms import SEED_ALARMS, SeedAlarm

# PutMetricAlarm: a period is 10, 20, 30 or a multiple of 60 seconds; period x evaluation periods may span at
# most one day below an hour's period, else seven days.
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
HOUR, DAY, WEEK = 3600, 86400, 604800

# An address SNS accepts for the email protocol: one @, a dotted domain, no spaces.
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def longest_window(period_seconds: int) -> int:
    """The longest evaluation range CloudWatch allows for alarms of this period."""
    return DAY if period_seconds < HOUR else WEEK


def _email(value: str) -> str:
    if len(value) > 254 or not _EMAIL.fullmatch(value):
        raise ValueError("must be an email address such as oncall@projectsentinel.ai")
    return value


def _period(seconds: int) -> int:
    if seconds % 60 or not 60 <= seconds <= DAY:
        raise ValueError("must be a multiple of 60 seconds from 60 to 86400 (a CloudWatch alarm period)")
    return seconds


Email = Annotated[str, AfterValidator(_email)]
Percent = Annotated[float, Field(ge=1, le=100)]
Milliseconds = Annotated[float, Field(gt=0)]
AlarmPeriod = Annotated[int, AfterValidator(_period)]


class AlarmSettings(Section):
    """One seed alarm's numbers: it fires when the metric passes `threshold` for `evaluationPeriods` periods
    of `periodSeconds`."""

    threshold: float = Field(gt=0)
    """The value the metric must pass, in its unit: % for the CPU and memory alarms, ms for response time."""
    period_seconds: AlarmPeriod
    """The length of one evaluation period: a multiple of 60 s, up to a day."""
    evaluation_periods: int = Field(ge=1)
    """How many periods in a row the metric must pass the threshold; periods x evaluations must fit
    CloudWatch's window (a day for periods under an hour, else a week)."""

    @model_validator(mode="after")
    def _check_window(self) -> AlarmSettings:
        window, longest = self.period_seconds * self.evaluation_periods, longest_window(self.period_seconds)
        if window > longest:
            raise SectionError(
                [
                    (
                        ("evaluationPeriods",),
                        f"{self.evaluation_periods} x {self.period_seconds} s spans {window} s; CloudWatch "
                        f"evaluates at most {longest} s for this period",
                    )
                ]
            )
        return self


class Thresholds(Section):
    """The numbers of the alarms beyond the seed's three."""

    edge_response_time_ms: Milliseconds = 2000
    """The ALB's p95 response time that pages: the seed's goal of page loads under 2 s."""
    edge_response_time_warning_ms: Milliseconds = 500
    """The ALB's p95 response time that warns, below `edgeResponseTimeMs` (seed 002: "Response time > 500ms")."""
    error_rate_percent: Percent = 5
    """The share of requests ending in a 5xx at the ALB (seed 002: "Error rate > 5%")."""
    cpu_percent: Percent = 80
    """The database instances' and cache engines' CPU (seed 002: "CPU usage > 80%")."""
    connections_percent: Percent = 80
    """Connections as a share of an instance's `max_connections` and of the proxy's budget (seed 002: "Database
    connections > 80% of pool")."""
    cache_memory_percent: Percent = 80
    """The cache's memory use (seed 002's resource usage, 80 %)."""
    database_freeable_memory_percent: Percent = 10
    """Free memory of an Aurora instance, as a share of its class's memory. Aurora gives about two thirds of it
    to shared buffers, so a healthy instance keeps about a quarter free; below a tenth it is close to swapping
    or an out-of-memory restart."""
    database_read_latency_ms: Milliseconds = 20
    """Aurora's read latency: it reads from shared storage in a few milliseconds, so 20 ms is reads waiting on
    I/O."""
    replica_lag_ms: Milliseconds = 1000
    """Aurora readers' and cache replicas' lag: both serve reads, and a second behind the writer is stale data
    users notice."""
    cache_evictions: int = Field(default=0, ge=0)
    """Evictions per 5 minutes per cache node tolerated: the cache holds sessions, and any eviction may log
    someone out."""
    logical_backup_max_age_hours: int = Field(default=26, ge=25, le=WEEK // HOUR)
    """Hours without a successful logical backup before it pages: it runs daily, so 26 hours leaves its schedule
    two hours of slack."""

    @model_validator(mode="after")
    def _check_warning_below_limit(self) -> Thresholds:
        if self.edge_response_time_warning_ms >= self.edge_response_time_ms:
            raise SectionError(
                [
                    (
                        ("edgeResponseTimeWarningMs",),
                        f"{self.edge_response_time_warning_ms:g} ms must be below edgeResponseTimeMs "
                        f"({self.edge_response_time_ms:g} ms), or the warning never comes first",
                    )
                ]
            )
        return self


class MonitoringConfig(Section):
    emails: Annotated[list[Email], AfterValidator(unique)] = Field(default_factory=list)
    """Addresses the alarm topic mails; at least one in prod, so its alarms reach a person. Each address must
    confirm the subscription mail SNS sends before it receives anything."""
    incident_endpoint: Secret | None = None
    """An incident tool's `https://` endpoint (PagerDuty, Opsgenie, ...). It carries the integration key, so it is
    a secret: `pulumi config set --secret --path 'sentinel:monitoring.incidentEndpoint'`."""
    alarms: Annotated[dict[SeedAlarm, AlarmSettings], in_every_environment(SEED_ALARMS)] = Field(
        default_factory=lambda: {name: AlarmSettings.model_validate(numbers) for name, numbers in SEED_ALARMS.items()}
    )
    """The seed's three alarms by their names, with the seed's numbers as defaults. A stack that changes one
    number of one alarm keeps the others (merged key by key)."""
    thresholds: Thresholds = Thresholds()
    """The numbers of the alarms beyond the seed's three."""


def require_recipients(monitoring: MonitoringConfig, is_prod: bool) -> list[tuple[Key, str]]:
    """Problems with who receives the alarms: prod must reach at least one person by email."""
    if is_prod and not monitoring.emails:
        return [(("monitoring", "emails"), "prod needs at least one address: its alarms must reach a person")]
    return []
