"""The Sentinel guide's autoscaling target (seed 002's HorizontalPodAutoscaler): every app scales to hold its pods'
average CPU at 70 % of their requests. The stack config takes it as the default of `sentinel:apps.<app>.autoscaling
.cpuPercent`, and the `hpa-cpu-target` policy holds every HorizontalPodAutoscaler to it."""

from __future__ import annotations

SEED_CPU_TARGET_PERCENT = 70
