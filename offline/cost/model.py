"""The data model of an estimate: what each resource uses, the priced line items of each component, the totals.

`Quantity` is what a pricer returns; `LineItem`, `ComponentCost`, `ScaleBound` and `CostEstimate` are the result,
with its JSON form.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from offline.cost.usage import Usage
from offline.price_table import PriceTable


@dataclass(frozen=True)
class Quantity:
    """What a resource uses of one priced thing: `amount` of `unit` at the table's `section`[`key`] (times `factor`)
    at the minimum scale, `at_max` at the maximum if it differs, in `region` if not the resource's own."""

    what: str
    unit: str
    section: str
    key: str
    amount: float
    at_max: float | None = None
    region: str | None = None
    factor: float = 1.0


@dataclass(frozen=True)
class LineItem:
    """Quantities of one kind at one price in one component, summed over the resources that use them."""

    what: str
    unit: str
    unit_price: float
    quantity_at_min: float
    quantity_at_max: float
    region: str
    resources: tuple[str, ...]

    @property
    def at_min(self) -> float:
        return self.quantity_at_min * self.unit_price

    @property
    def at_max(self) -> float:
        return self.quantity_at_max * self.unit_price

    def as_json(self) -> dict[str, Any]:
        return {
            "what": self.what,
            "unit": self.unit,
            "unitPrice": self.unit_price,
            "quantityAtMin": self.quantity_at_min,
            "quantityAtMax": self.quantity_at_max,
            "atMin": round(self.at_min, 2),
            "atMax": round(self.at_max, 2),
            "region": self.region,
            "resources": list(self.resources),
        }


@dataclass(frozen=True)
class ComponentCost:
    name: str
    items: tuple[LineItem, ...]

    @property
    def at_min(self) -> float:
        return sum(item.at_min for item in self.items)

    @property
    def at_max(self) -> float:
        return sum(item.at_max for item in self.items)


@dataclass(frozen=True)
class ScaleBound:
    """Something whose size, and so cost, moves between two bounds the graph sets."""

    resource: str
    what: str
    minimum: float
    maximum: float


@dataclass(frozen=True)
class CostEstimate:
    stack: str
    region: str
    components: tuple[ComponentCost, ...]
    scale: tuple[ScaleBound, ...]
    usage: Usage
    price_tables: tuple[PriceTable, ...]
    unpriced_types: tuple[str, ...]
    """Resource types neither priced nor known to be free: left out of the figures, and named."""

    @property
    def at_min(self) -> float:
        return sum(component.at_min for component in self.components)

    @property
    def at_max(self) -> float:
        return sum(component.at_max for component in self.components)

    def as_json(self) -> dict[str, Any]:
        return {
            "stack": self.stack,
            "region": self.region,
            "currency": "USD",
            "priceTables": [{"region": t.region, "file": t.path.name, "asOf": t.as_of} for t in self.price_tables],
            "scale": [vars(bound) for bound in self.scale],
            "assumptions": self.usage.named(),
            "components": [
                {
                    "name": component.name,
                    "atMin": round(component.at_min, 2),
                    "atMax": round(component.at_max, 2),
                    "items": [item.as_json() for item in component.items],
                }
                for component in self.components
            ],
            "total": {"atMin": round(self.at_min, 2), "atMax": round(self.at_max, 2)},
            "unpricedTypes": list(self.unpriced_types),
        }
