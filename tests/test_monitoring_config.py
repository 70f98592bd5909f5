"""`sentinel:monitoring`: the seed's numbers by default, and every bad value named by its full key."""

from __future__ import annotations

from facts.seed_alarms import SEED_ALARM_NAMES
from tests.config_cases import BadConfig, named_by_full_key
from tests.helpers import load, problems_of


def test_the_seed_alarms_default_to_the_seeds_numbers_in_every_environment() -> None:
    for stack in ("dev", "staging", "prod"):
        alarms = load(stack).monitoring.alarms
        assert tuple(alarms) == SEED_ALARM_NAMES
        numbers = {name: (a.threshold, a.period_seconds, a.evaluation_periods) for name, a in alarms.items()}
        assert numbers == {
            "HighCPUUtilization": (80, 300, 2),
            "HighMemoryUtilization": (90, 300, 2),
            "HighResponseTime": (2000, 60, 5),
        }


def test_thresholds_default_to_seed_002() -> None:
    thresholds = load("prod").monitoring.thresholds
    assert (thresholds.edge_response_time_warning_ms, thresholds.error_rate_percent, thresholds.cpu_percent) == (
        500,
        5,
        80,
    )


BAD_MONITORING: list[BadConfig] = [
    # (case, overrides, key named in the message, something the message says is allowed)
    ("malformed email", {"sentinel:monitoring.emails": ["oncall"]}, "sentinel:monitoring.emails[0]", "email address"),
    (
        "repeated email",
        {"sentinel:monitoring.emails": ["a@projectsentinel.ai", "a@projectsentinel.ai"]},
        "sentinel:monitoring.emails",
        "more than once",
    ),
    ("prod without email", {"sentinel:monitoring.emails": []}, "sentinel:monitoring.emails", "at least one"),
    (
        "unknown seed alarm",
        {"sentinel:monitoring.alarms.HighCpu": {"threshold": 80, "periodSeconds": 300, "evaluationPeriods": 2}},
        "sentinel:monitoring.alarms.HighCpu",
        "'HighCPUUtilization', 'HighMemoryUtilization' or 'HighResponseTime'",
    ),
    (
        "threshold not positive",
        {"sentinel:monitoring.alarms.HighResponseTime.threshold": 0},
        "sentinel:monitoring.alarms.HighResponseTime.threshold",
        "greater than 0",
    ),
    (
        "period not a minute multiple",
        {"sentinel:monitoring.alarms.HighCPUUtilization.periodSeconds": 90},
        "sentinel:monitoring.alarms.HighCPUUtilization.periodSeconds",
        "multiple of 60",
    ),
    (
        "evaluation window too long",
        {"sentinel:monitoring.alarms.HighResponseTime.evaluationPeriods": 1441},
        "sentinel:monitoring.alarms.HighResponseTime.evaluationPeriods",
        "at most 86400 s",
    ),
    (
        "no evaluation period",
        {"sentinel:monitoring.alarms.HighCPUUtilization.evaluationPeriods": 0},
        "sentinel:monitoring.alarms.HighCPUUtilization.evaluationPeriods",
        "greater than or equal to 1",
    ),
    (
        "percent above 100",
        {"sentinel:monitoring.thresholds.cpuPercent": 101},
        "sentinel:monitoring.thresholds.cpuPercent",
        "less than or equal to 100",
    ),
    (
        "percent below 1",
        {"sentinel:monitoring.thresholds.errorRatePercent": 0},
        "sentinel:monitoring.thresholds.errorRatePercent",
        "greater than or equal to 1",
    ),
    (
        "latency not positive",
        {"sentinel:monitoring.thresholds.replicaLagMs": -5},
        "sentinel:monitoring.thresholds.replicaLagMs",
        "greater than 0",
    ),
    (
        "warning above the limit",
        {"sentinel:monitoring.thresholds.edgeResponseTimeWarningMs": 3000},
        "sentinel:monitoring.thresholds.edgeResponseTimeWarningMs",
        "below edgeResponseTimeMs",
    ),
    (
        "negative evictions",
        {"sentinel:monitoring.thresholds.cacheEvictions": -1},
        "sentinel:monitoring.thresholds.cacheEvictions",
        "greater than or equal to 0",
    ),
    (
        "logical backup checked too often",
        {"sentinel:monitoring.thresholds.logicalBackupMaxAgeHours": 24},
        "sentinel:monitoring.thresholds.logicalBackupMaxAgeHours",
        "greater than or equal to 25",
    ),
    (
        "typo in a threshold",
        {"sentinel:monitoring.thresholds.cpuPercentage": 80},
        "sentinel:monitoring.thresholds.cpuPercentage",
        "cpuPercent",
    ),
]


test_bad_monitoring_config_is_named_by_its_full_key = named_by_full_key(BAD_MONITORING)


def test_dev_and_staging_may_go_without_email() -> None:
    assert load("dev").monitoring.emails == []
    assert load("staging", {"sentinel:monitoring.emails": []}).monitoring.emails == []


def test_the_incident_endpoint_must_be_stored_as_a_secret() -> None:
    problems = problems_of({"sentinel:monitoring.incidentEndpoint": "https://events.pagerduty.com/integration/K3Y"})
    [problem] = [problem for problem in problems if problem.startswith("sentinel:monitoring.incidentEndpoint")]
    assert "is a secret" in problem
    assert "K3Y" not in problem
