"""The kinds of constraint: one value AWS allows, properties that exclude each other, properties the provider
refuses together, a list within the limit another property sets, and tags. Each reads a resource's inputs and
yields a message per violation, citing its source; a value unknown during a preview, or unset, is never one.

A check particular to one service (a security group rule's ports, an alarm's evaluation range, a Cloudflare
zone setting) lives with its subject.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from policies.rules.deploy_constraints.allowed import Allowed, characters, length, not_starting_with
from policies.rules.deploy_constraints.sources import TAGGING
from policies.support.values import elements, entries, field, is_unknown, json_document, number, shown


def authority(source: str) -> str:
    """The service that rejects a value: Cloudflare where the limit's source is Cloudflare's, else AWS."""
    return "Cloudflare" if "cloudflare" in source.lower() else "AWS"


class Constraint(Protocol):
    @property
    def source(self) -> str:
        """The AWS or Cloudflare documentation URL, or the provider source file (under site-packages), the limit
        comes from."""
        ...

    def violations(self, props: Any, provider_props: Any, /) -> Iterator[str]:
        """What breaks the constraint in a resource's inputs (and, for tags, its provider's inputs)."""
        ...


Constraints = Mapping[str, tuple[Constraint, ...]]
"""A subject's constraints, by resource type token."""


def _walk(value: Any, steps: Sequence[str]) -> Iterator[tuple[str, Any]]:
    """The values at a path, each with its label ("entries[2].description"): a "[]" step goes through every item
    of a list, and a step into JSON text (a provider's nested settings) parses it first."""
    if not steps:
        yield "", value
        return
    step, rest = steps[0], steps[1:]
    value = json_document(value) if isinstance(value, str) else value
    if step == "[]":
        for index, item in enumerate(elements(value)):
            for label, found in _walk(item, rest):
                yield f"[{index}]{label}", found
        return
    for label, found in _walk(field(value, step), rest):
        yield f".{step}{label}", found


def values_at(props: Any, path: str) -> Iterator[tuple[str, Any]]:
    """The known, set values at a dotted path ("entries[].description"), each with its label."""
    for label, value in _walk(props, path.replace("[]", ".[]").split(".")):
        if value is not None and not is_unknown(value):
            yield label.removeprefix("."), value


def cited(message: str, source: str) -> str:
    return f"{message} (source: {source})"


@dataclass(frozen=True)
class Value:
    """Every value at `path` is one AWS allows."""

    path: str
    allowed: Allowed
    source: str

    def violations(self, props: Any, _provider_props: Any, /) -> Iterator[str]:
        for label, value in values_at(props, self.path):
            if not self.allowed.accepts(value):
                yield cited(
                    f"{label} is {shown(value)}: {authority(self.source)} allows {self.allowed.description}",
                    self.source,
                )


@dataclass(frozen=True)
class OneOf:
    """At most one of `paths` is set; with `required`, exactly one."""

    paths: tuple[str, ...]
    source: str
    required: bool = True

    def violations(self, props: Any, _provider_props: Any, /) -> Iterator[str]:
        present = {
            path: field(props, *path.split(".")) for path in self.paths if field(props, *path.split(".")) is not None
        }
        known = {path: value for path, value in present.items() if not is_unknown(value)}
        allowed = f"{'exactly' if self.required else 'at most'} one of {', '.join(self.paths)}"
        if len(known) > 1:
            together = " and ".join(f"{path} {shown(value)}" for path, value in known.items())
            yield cited(f"{together} are set together: {authority(self.source)} allows {allowed}", self.source)
        elif self.required and not present:
            yield cited(
                f"none of {', '.join(self.paths)} is set: {authority(self.source)} requires {allowed}", self.source
            )


@dataclass(frozen=True)
class RefusedTogether:
    """A combination of properties, each set (to any value: the provider acts on whether it is set) that the
    provider turns into a request the API refuses."""

    paths: tuple[str, ...]
    refusal: str
    """What the provider sends and how the API answers it."""
    source: str

    def violations(self, props: Any, _provider_props: Any, /) -> Iterator[str]:
        if all(field(props, *path.split(".")) is not None for path in self.paths):
            yield cited(f"{', '.join(self.paths)} are set together: {self.refusal}", self.source)


@dataclass(frozen=True)
class Fits:
    """The list at `items` has no more items than the number at `limit`."""

    items: str
    limit: str
    source: str

    def violations(self, props: Any, _provider_props: Any, /) -> Iterator[str]:
        items, limit = field(props, self.items), number(field(props, self.limit))
        if items is None or is_unknown(items) or limit is None:
            return
        count = len(elements(items))
        if count > limit:
            yield cited(
                f"{self.items} has {count} items but {self.limit} is {shown(limit)}: AWS allows at most "
                f"{self.limit} {self.items}",
                self.source,
            )


_TAG_CHARACTERS = characters(r"[\w +\-=.:/@]*", "letters, digits, spaces and + - = . _ : / @")
_TAG_KEY = (length(128), _TAG_CHARACTERS, not_starting_with("aws:"))
_TAG_VALUE = (length(256, minimum=0), _TAG_CHARACTERS)
_MAXIMUM_TAGS = 50


@dataclass(frozen=True)
class Tags:
    """Tag keys and values AWS accepts, and at most 50 tags on a resource; with `with_provider_defaults`, the
    count includes the provider's default tags (a resource's own tag of the same key replaces one)."""

    path: str = "tags"
    with_provider_defaults: bool = True
    source: str = TAGGING

    def violations(self, props: Any, provider_props: Any, /) -> Iterator[str]:
        tags = next((value for _, value in values_at(props, self.path)), None)
        if not isinstance(tags, Mapping):
            return
        own = entries(tags)
        for key, value in own.items():
            for allowed in _TAG_KEY:
                if not allowed.accepts(key):
                    yield cited(f"{self.path} key {shown(key)}: AWS allows {allowed.description}", self.source)
            for allowed in _TAG_VALUE:
                if not is_unknown(value) and not allowed.accepts(value):
                    yield cited(
                        f"{self.path}[{shown(key)}] is {shown(value)}: AWS allows {allowed.description}",
                        self.source,
                    )
        keys, counted = set(own), ""
        if self.with_provider_defaults:
            defaults = field(json_document(field(provider_props, "defaultTags")), "tags")
            if is_unknown(defaults):
                return
            keys, counted = keys | set(entries(defaults)), " with the provider's default tags"
        if len(keys) > _MAXIMUM_TAGS:
            yield cited(
                f"{self.path} come to {len(keys)} tags{counted}: AWS allows at most {_MAXIMUM_TAGS} per resource",
                self.source,
            )
