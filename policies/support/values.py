"""Reading resource properties the way CrossGuard delivers them.

Properties arrive camelCase, every number as a float (they travel as protobuf `Struct` values), and during a
preview any value computed from a resource that does not exist yet is *unknown*. pulumi_policy wraps the
properties so that touching an unknown raises `UnknownValueError`; escaping a policy, that error makes
CrossGuard skip the whole policy for the preview. These helpers turn unknowns into the `UNKNOWN` marker
instead, so a rule judges everything it can see and leaves out only what it cannot: an unknown value is never
a violation ("cannot judge yet"), a missing one is.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from enum import Enum
from typing import Any, Final, TypeGuard

from pulumi_policy.proxy import (
    UNKNOWN_ARCHIVE_VALUE,
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_ASSET_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
    UnknownValueError,
)


class Unknown(Enum):
    """The type of `UNKNOWN`: a value that will only be known once the resources it depends on exist."""

    UNKNOWN = "unknown"


UNKNOWN: Final = Unknown.UNKNOWN

# How unknowns travel on the wire; rules fed plain dicts (not the engine's proxies) still meet these.
_UNKNOWN_SENTINELS = frozenset(
    {
        UNKNOWN_ARCHIVE_VALUE,
        UNKNOWN_ARRAY_VALUE,
        UNKNOWN_ASSET_VALUE,
        UNKNOWN_BOOLEAN_VALUE,
        UNKNOWN_NUMBER_VALUE,
        UNKNOWN_OBJECT_VALUE,
        UNKNOWN_STRING_VALUE,
    }
)

Requirement = Callable[[Any], bool]


def is_unknown(value: object) -> bool:
    return value is UNKNOWN or (isinstance(value, str) and value in _UNKNOWN_SENTINELS)


def _is_list(value: object) -> TypeGuard[Sequence[Any]]:
    return isinstance(value, Sequence) and not isinstance(value, str | bytes)


def field(value: Any, *path: str | int) -> Any:
    """`value[path[0]][path[1]]...`: None when a step is missing, UNKNOWN when a step is not known yet."""
    current = value
    for key in path:
        if is_unknown(current):
            return UNKNOWN
        try:
            if isinstance(key, int):
                if not _is_list(current) or not -len(current) <= key < len(current):
                    return None
                current = current[key]
            else:
                # Mappings (dicts and the engine's proxies) have `get`; nothing else a property holds does.
                get = getattr(current, "get", None)
                if get is None:
                    return None
                current = get(key)
        except UnknownValueError:
            return UNKNOWN
        if current is None:
            return None
    return UNKNOWN if is_unknown(current) else current


def elements(value: Any) -> list[Any]:
    """The items of a list property, unknown items as UNKNOWN. A missing or unknown list has no items: a rule
    that needs at least one item must check for UNKNOWN before concluding the list is empty."""
    if not _is_list(value):
        return []
    items: list[Any] = []
    for index in range(len(value)):
        try:
            item = value[index]
        except UnknownValueError:
            item = UNKNOWN
        items.append(UNKNOWN if is_unknown(item) else item)
    return items


def one_or_many(value: Any) -> list[Any]:
    """A value that may be one item or a list of them (as IAM documents allow) as a list; None is no item."""
    if value is None:
        return []
    return elements(value) if _is_list(value) else [value]


def entries(value: Any) -> dict[str, Any]:
    """A map property (tags, labels, data) as a plain dict, unknown values as UNKNOWN."""
    if not isinstance(value, Mapping):
        return {}
    return {str(key): field(value, key) for key in value}


def defines(value: Any, key: str) -> bool:
    """Whether a map property has `key` at all, whatever its value (known or not)."""
    # Iterating keys reads no values; `key in value` would, and raise on an unknown one.
    return isinstance(value, Mapping) and any(existing == key for existing in value)


def number(value: Any) -> float | None:
    """A number property as a float; numeric strings count, since some providers type numbers as strings."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def json_document(value: Any) -> Any:
    """A JSON document that a provider takes as text (IAM policies, a provider's nested settings), parsed; a
    value that is already structured is returned as it is. None for missing or malformed text."""
    if not isinstance(value, str) or is_unknown(value):
        return value
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return None


def shown(value: Any) -> str:
    """A property value as a violation message quotes it."""
    if value is None:
        return "not set"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, Mapping):
        return "an object"
    if _is_list(value):
        return f"a list of {len(value)}"
    return str(value)


def violated(value: Any, requirement: Requirement) -> bool:
    """Whether a value breaks a requirement. Unknown values cannot be judged yet, so they never do."""
    return not is_unknown(value) and not requirement(value)


# Requirements: predicates over known values (a missing value is None and fails every one of them).


def is_true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def is_false(value: Any) -> bool:
    return value is False or (isinstance(value, str) and value.lower() == "false")


def is_set(value: Any) -> bool:
    # No equality tests on containers: comparing an engine proxy reads every value, unknowns included.
    if isinstance(value, str | Mapping | Sequence):
        return len(value) > 0
    return value is not None


def at_least(minimum: float) -> Requirement:
    def requirement(value: Any) -> bool:
        amount = number(value)
        return amount is not None and amount >= minimum

    return requirement


def one_of(*allowed: Any) -> Requirement:
    return lambda value: value in allowed
