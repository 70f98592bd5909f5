"""The resource graph that an offline run records: what the Pulumi engine would have been asked to create."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from offline.sdk_internals import SECRET_SIGNATURE, SIGNATURE_KEY


def is_secret(value: object) -> TypeGuard[Mapping[str, Any]]:
    """Whether an input value is one the program marked secret (its text is under the mark's `value`)."""
    return isinstance(value, Mapping) and value.get(SIGNATURE_KEY) == SECRET_SIGNATURE


@dataclass(frozen=True)
class ResourceOptions:
    """The resource options that decide what a bad diff can do to a resource."""

    protect: bool = False
    ignore_changes: tuple[str, ...] = ()
    retain_on_delete: bool = False
    delete_before_replace: bool = False
    aliases: tuple[str, ...] = ()
    """The URNs the resource had before (its `aliases` option resolved): Pulumi moves it rather than replacing it."""


@dataclass(frozen=True)
class Resource:
    """One registration, as the engine receives it.

    `inputs` are the properties the program sent (camelCase, exactly what a CrossGuard resource policy
    sees); `outputs` are what the mocks answered (inputs plus ids, ARNs and endpoints, what a stack
    policy sees). `dependencies` joins explicit `depends_on` and every resource an input came from.
    """

    urn: str
    type: str
    name: str
    custom: bool
    id: str
    inputs: Mapping[str, Any]
    outputs: Mapping[str, Any]
    parent: str | None
    dependencies: frozenset[str]
    property_dependencies: Mapping[str, frozenset[str]]
    provider: str | None
    options: ResourceOptions = field(default_factory=ResourceOptions)

    @property
    def is_provider(self) -> bool:
        return self.type.startswith("pulumi:providers:")


class Graph:
    """Every resource a program registered, keyed by URN, plus the stack's exports."""

    def __init__(self, stack: str, resources: Mapping[str, Resource], exports: Mapping[str, Any]) -> None:
        self.stack = stack
        self.resources: dict[str, Resource] = dict(sorted(resources.items()))
        self.exports: dict[str, Any] = dict(exports)

    def __len__(self) -> int:
        return len(self.resources)

    def __iter__(self) -> Iterator[Resource]:
        return iter(self.resources.values())

    def __getitem__(self, urn: str) -> Resource:
        return self.resources[urn]

    def of_type(self, type_: str) -> list[Resource]:
        return [r for r in self if r.type == type_]

    def named(self, type_: str, name: str) -> Resource:
        """The one resource of `type_` with logical name `name`; KeyError names what exists instead."""
        matches = [r for r in self.of_type(type_) if r.name == name]
        if len(matches) != 1:
            known = sorted(r.name for r in self.of_type(type_))
            raise KeyError(f"{len(matches)} resources of type {type_} named {name!r}; names of that type: {known}")
        return matches[0]

    def children(self, parent_urn: str) -> list[Resource]:
        return [r for r in self if r.parent == parent_urn]

    def descendants(self, ancestor_urn: str) -> list[Resource]:
        found: list[Resource] = []
        frontier = [ancestor_urn]
        while frontier:
            kids = [r for urn in frontier for r in self.children(urn)]
            found.extend(kids)
            frontier = [r.urn for r in kids]
        return found

    def top_level_ancestor(self, resource: Resource) -> Resource:
        """The resource's ancestor just below the stack (itself, if it has no parent): the component a
        preview lists it under."""
        while resource.parent is not None and resource.parent in self.resources:
            resource = self.resources[resource.parent]
        return resource
