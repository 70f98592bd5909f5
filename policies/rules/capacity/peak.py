"""What the workloads reach at their peak, which both capacity checks count: each workload's most replicas, and
a message's breakdown of the largest parts of a total."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pulumi_policy import PolicyResource

from policies.support.values import UNKNOWN, Unknown, field, is_unknown, number


def peak_replicas(workload: PolicyResource, hpas: Sequence[PolicyResource]) -> float | Unknown:
    """The most pods a workload runs: its HPA's maxReplicas, else its own replica count (1 by default)."""
    counts = [field(hpa.props, "spec", "maxReplicas") for hpa in hpas] or [field(workload.props, "spec", "replicas")]
    if any(is_unknown(count) for count in counts):
        return UNKNOWN
    return max(number(count) or 1.0 for count in counts)


_LARGEST_SHOWN = 5


def largest_first(parts: Iterable[tuple[float, str]]) -> str:
    """The labels of the largest parts of a total, for a message that stays readable on a big stack."""
    ranked = [label for _, label in sorted(parts, key=lambda part: part[0], reverse=True)]
    more = len(ranked) - _LARGEST_SHOWN
    return "; ".join(ranked[:_LARGEST_SHOWN]) + (f"; {more} more" if more > 0 else "")
