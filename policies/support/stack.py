"""The view a stack policy has of the stack: resources by type, and the references between them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from pulumi_policy import PolicyResource

from policies.support.values import elements, field

# Outputs by which one resource names another: what a literal reference (rather than an Output) can hold.
_IDENTITY_PROPERTIES = ("id", "arn", "name", "bucket", "identifier", "clusterIdentifier")


def depends_on(resource: PolicyResource, other: PolicyResource) -> bool:
    """Whether the engine creates `other` before `resource`: an explicit dependency or an input taken from it."""
    return other.urn in {dependency.urn for dependency in resource.dependencies}


class Stack:
    """The resources a stack policy sees (their outputs as `props`), indexed by type."""

    def __init__(self, resources: Sequence[PolicyResource]) -> None:
        self.resources = resources
        self._by_type: dict[str, list[PolicyResource]] = defaultdict(list)
        for resource in resources:
            self._by_type[resource.resource_type].append(resource)
        self._identities: dict[str, dict[str, list[PolicyResource]]] = {}

    def of_type(self, *types: str) -> list[PolicyResource]:
        return [resource for type_ in types for resource in self._by_type.get(type_, ())]

    def referenced(self, resource: PolicyResource, prop: str, types: Collection[str]) -> list[PolicyResource]:
        """The resources of `types` that `resource`'s property `prop` points at.

        The engine records which resources each input was computed from (property dependencies). A literal
        value (a bucket or parameter group written by name) has none, so it is matched against the ids, ARNs
        and names of the stack's resources instead.
        """
        found = [dep for dep in resource.property_dependencies.get(prop, ()) if dep.resource_type in types]
        return found or self.identified_by(field(resource.props, prop), types)

    def identified_by(self, value: Any, types: Collection[str]) -> list[PolicyResource]:
        """The resources of `types` whose id, ARN or name is `value` (a string or a list of strings)."""
        names = {item for item in [value, *elements(value)] if isinstance(item, str)}
        found: dict[str, PolicyResource] = {}
        for type_ in types:
            index = self._identities_of(type_) if type_ in self._by_type else {}
            for name in names:
                found.update((resource.urn, resource) for resource in index.get(name, ()))
        return list(found.values())

    def referrers(
        self, types: Iterable[str], prop: str, target_types: Collection[str]
    ) -> dict[str, list[PolicyResource]]:
        """For each resource of `target_types`, by URN, the resources of `types` whose `prop` points at it."""
        by_target: dict[str, list[PolicyResource]] = defaultdict(list)
        for resource in self.of_type(*types):
            for target in self.referenced(resource, prop, target_types):
                by_target[target.urn].append(resource)
        return by_target

    def _identities_of(self, type_: str) -> dict[str, list[PolicyResource]]:
        """The resources of one type by each id, ARN and name they have, indexed on first use."""
        if type_ not in self._identities:
            index: dict[str, list[PolicyResource]] = defaultdict(list)
            for resource in self._by_type[type_]:
                for prop in _IDENTITY_PROPERTIES:
                    value = field(resource.props, prop)
                    if isinstance(value, str):
                        index[value].append(resource)
            self._identities[type_] = index
        return self._identities[type_]
