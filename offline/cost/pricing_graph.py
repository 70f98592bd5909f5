"""The graph as every pricer sees it: look-ups of the other resources, the assumptions and the price tables."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from offline.cost.usage import Usage
from offline.graph import Graph, Resource
from offline.price_table import PriceError, PriceTable


class PricingGraph:
    """The look-ups pricing one resource needs of the others, and what the graph cannot know."""

    def __init__(self, graph: Graph, usage: Usage, prices: Callable[[str], PriceTable]) -> None:
        self.graph = graph
        self.usage = usage
        self.prices = prices
        self.hours = usage.hours_per_month
        self.by_type: dict[str, list[Resource]] = defaultdict(list)
        self.by_id: dict[str, Resource] = {}
        self.by_arn: dict[str, Resource] = {}
        for resource in graph:
            self.by_type[resource.type].append(resource)
            self.by_id[resource.id] = resource
            arn = resource.outputs.get("arn")
            if isinstance(arn, str):
                self.by_arn[arn] = resource

    def region(self, resource: Resource) -> str:
        region = resource.inputs.get("region")
        if not region and resource.provider in self.graph.resources:
            region = self.graph[resource.provider].inputs.get("region")
        if not region:
            raise PriceError(f"{resource.urn} names no region, nor does its provider")
        return region

    def one(self, type_: str, **inputs: Any) -> Resource:
        """The one resource of `type_` whose inputs have these values."""
        matches = [r for r in self.by_type[type_] if all(r.inputs.get(k) == v for k, v in inputs.items())]
        if len(matches) != 1:
            raise PriceError(f"{len(matches)} resources of type {type_} with {inputs}; pricing needs exactly one")
        return matches[0]
