"""What a change costs or saves a month: the components whose cost moves between two estimates.

With the totals, their JSON form and their text for the change-safety diff.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from offline.cost.estimate import estimate
from offline.cost.model import ComponentCost, CostEstimate
from offline.cost.render import money, money_range
from offline.cost.usage import DEFAULT_USAGE, Usage
from offline.graph import Graph


@dataclass(frozen=True)
class ComponentDelta:
    name: str
    old_min: float
    old_max: float
    new_min: float
    new_max: float

    def as_json(self) -> dict[str, Any]:
        amounts = {"oldMin": self.old_min, "oldMax": self.old_max, "newMin": self.new_min, "newMax": self.new_max}
        return {"name": self.name, **{key: round(amount, 2) for key, amount in amounts.items()}}


@dataclass(frozen=True)
class CostDelta:
    """What a change does to the monthly cost: the components whose cost moves, and the totals."""

    stack: str
    components: tuple[ComponentDelta, ...]
    total: ComponentDelta

    def as_json(self) -> dict[str, Any]:
        return {
            "stack": self.stack,
            "components": [component.as_json() for component in self.components],
            "total": self.total.as_json(),
        }


def compare(old: CostEstimate, new: CostEstimate) -> CostDelta:
    before = {component.name: component for component in old.components}
    after = {component.name: component for component in new.components}
    empty = ComponentCost("", ())
    moved = [
        ComponentDelta(name, was.at_min, was.at_max, now.at_min, now.at_max)
        for name in sorted(before.keys() | after.keys())
        for was, now in [(before.get(name, empty), after.get(name, empty))]
        if (round(was.at_min, 2), round(was.at_max, 2)) != (round(now.at_min, 2), round(now.at_max, 2))
    ]
    return CostDelta(new.stack, tuple(moved), ComponentDelta("total", old.at_min, old.at_max, new.at_min, new.at_max))


def cost_delta(
    old_graph: Graph,
    new_graph: Graph,
    usage: Usage = DEFAULT_USAGE,
    *,
    old_cloudflare_plan: str | None = None,
    new_cloudflare_plan: str | None = None,
) -> CostDelta:
    """What going from `old_graph` to `new_graph` costs or saves a month, under the same assumptions. The Cloudflare
    plans default to the working tree's stack files (see `estimate`)."""
    return compare(
        estimate(old_graph, usage, cloudflare_plan=old_cloudflare_plan),
        estimate(new_graph, usage, cloudflare_plan=new_cloudflare_plan),
    )


def _signed(amount: float) -> str:
    return f"+{money(amount)}" if amount >= 0 else f"-{money(-amount)}"


def _change(delta: ComponentDelta) -> str:
    return (
        f"{money_range(delta.old_min, delta.old_max)} -> {money_range(delta.new_min, delta.new_max)} "
        f"({_signed(delta.new_min - delta.old_min)} at min scale, {_signed(delta.new_max - delta.old_max)} at max)"
    )


def render_cost_delta(delta: CostDelta) -> str:
    """For the change-safety diff: the monthly cost before and after, and the components that move it."""
    if not delta.components:
        return f"Monthly cost of {delta.stack}: unchanged, {money_range(delta.total.new_min, delta.total.new_max)}"
    lines = [f"Monthly cost of {delta.stack}: {_change(delta.total)}"]
    lines += [f"  {component.name}: {_change(component)}" for component in delta.components]
    return "\n".join(lines)
