"""The Sentinel guide's three CloudWatch alarms (`cloudwatch-alarms.yml`): their names and numbers. The stack
config takes them as the defaults of `sentinel:monitoring.alarms`, and the `seed-alarms-present` policy holds
every stack's alarms to them."""

from __future__ import annotations

from typing import Literal

SeedAlarm = Literal["HighCPUUtilization", "HighMemoryUtilization", "HighResponseTime"]
SEED_ALARM_NAMES: tuple[SeedAlarm, ...] = ("HighCPUUtilization", "HighMemoryUtilization", "HighResponseTime")

# The seed's numbers, as `cloudwatch-alarms.yml` gives them (threshold in the metric's unit: %, %, ms).
SEED_ALARMS: dict[SeedAlarm, dict[str, float]] = {
    "HighCPUUtilization": {"threshold": 80, "periodSeconds": 300, "evaluationPeriods": 2},
    "HighMemoryUtilization": {"threshold": 90, "periodSeconds": 300, "evaluationPeriods": 2},
    "HighResponseTime": {"threshold": 2000, "periodSeconds": 60, "evaluationPeriods": 5},
}
