"""The cost estimate as text for the terminal.

The total, each component with its line items, the bounds of what scales and the assumptions the figures rest on.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from offline.cost.model import ComponentCost, CostEstimate


def money(amount: float) -> str:
    return f"${amount:,.2f}"


def money_range(at_min: float, at_max: float) -> str:
    return money(at_min) if round(at_min, 2) == round(at_max, 2) else f"{money(at_min)} .. {money(at_max)}"


def _assumption_value(value: Any) -> str:
    if isinstance(value, Mapping):
        return ", ".join(f"{key} {amount:g}" for key, amount in value.items())
    return f"{value:g}"


def render(result: CostEstimate) -> str:
    width = max(len(component.name) for component in [*result.components, ComponentCost("total", ())])
    tables = ", ".join(f"{table.region} as of {table.as_of} ({table.path.name})" for table in result.price_tables)
    total = money_range(result.at_min, result.at_max)
    lines = [
        f"Monthly cost of {result.stack}: {total} (USD, on demand, before discounts)",
        f"  prices: {tables}",
        f"  {'component':<{width}}  {'at min scale':>12}  {'at max scale':>12}",
    ]
    for component in result.components:
        lines.append(f"  {component.name:<{width}}  {money(component.at_min):>12}  {money(component.at_max):>12}")
        for item in component.items:
            quantity = f"{item.quantity_at_min:,.6g}"
            if item.quantity_at_max != item.quantity_at_min:
                quantity += f" .. {item.quantity_at_max:,.6g}"
            where = f" in {item.region}" if item.region != result.region else ""
            price = f"{quantity} {item.unit} x ${item.unit_price:g} = {money_range(item.at_min, item.at_max)}"
            lines.append(f"      {item.what}{where}: {price}")
    lines += [
        f"  {'total':<{width}}  {money(result.at_min):>12}  {money(result.at_max):>12}",
        "  scale (min .. max):",
        *(f"    {bound.resource}: {bound.minimum:g} .. {bound.maximum:g} {bound.what}" for bound in result.scale),
        "  assumptions (offline/cost/usage.py Usage):",
        *(
            f"    {named['name']} = {_assumption_value(named['value'])} {named['unit']}: {named['meaning']}"
            for named in result.usage.named()
        ),
    ]
    if result.unpriced_types:
        lines.append(f"  not priced (neither in the tables nor known to be free): {', '.join(result.unpriced_types)}")
    return "\n".join(lines)
