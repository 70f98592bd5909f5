"""What AWS, Cloudflare or Kubernetes accepts for one value (a name's length, its characters, a number's range,
an enumeration), and how a message says it."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from policies.support.values import elements, entries, is_unknown, number, one_of, shown

# The provider completes a name prefix with a 26-character unique suffix (a timestamp and a counter), so a prefix
# has that much less room than the name AWS limits.
UNIQUE_SUFFIX = 26


@dataclass(frozen=True)
class Allowed:
    """What the service accepts for one value, and how a message says it."""

    accepts: Callable[[Any], bool]
    description: str


def length(maximum: int, *, minimum: int = 1) -> Allowed:
    return Allowed(
        lambda value: isinstance(value, str) and minimum <= len(value) <= maximum,
        f"{minimum} to {maximum} characters",
    )


def characters(pattern: str, description: str) -> Allowed:
    compiled = re.compile(pattern)
    return Allowed(lambda value: isinstance(value, str) and compiled.fullmatch(value) is not None, description)


def not_starting_with(*prefixes: str) -> Allowed:
    """AWS reserves these prefixes in any letter case."""
    folded = tuple(prefix.casefold() for prefix in prefixes)
    return Allowed(
        lambda value: isinstance(value, str) and not value.casefold().startswith(folded),
        "no value starting with " + " or ".join(shown(prefix) for prefix in prefixes),
    )


def starting_with(prefix: str) -> Allowed:
    return Allowed(lambda value: isinstance(value, str) and value.startswith(prefix), f"values starting with {prefix}")


def between(minimum: float, maximum: float) -> Allowed:
    def accepts(value: Any) -> bool:
        amount = number(value)
        return amount is not None and amount.is_integer() and minimum <= amount <= maximum

    return Allowed(accepts, f"whole numbers from {shown(float(minimum))} to {shown(float(maximum))}")


def among(*allowed: str | int) -> Allowed:
    return Allowed(one_of(*allowed), "one of " + ", ".join(shown(value) for value in allowed))


def cidr(version: int, *, shortest: int, longest: int) -> Allowed:
    """A CIDR block of the IP version whose prefix length is within [shortest, longest], with no host bits set."""

    def accepts(value: Any) -> bool:
        try:
            network = ipaddress.ip_network(value, strict=True)
        except (TypeError, ValueError):
            return False
        return network.version == version and shortest <= network.prefixlen <= longest

    return Allowed(accepts, f"an IPv{version} network address from /{shortest} to /{longest}")


def at_most_items(maximum: int) -> Allowed:
    return Allowed(lambda value: len(elements(value)) <= maximum, f"at most {maximum} items")


def holding(item: str) -> Allowed:
    return Allowed(lambda value: item in elements(value), f"lists that hold {shown(item)}")


def policy_size(maximum: int) -> Allowed:
    """IAM counts a policy document's size in characters other than whitespace."""
    return Allowed(
        lambda value: isinstance(value, str) and len("".join(value.split())) <= maximum,
        f"documents of at most {maximum} characters besides whitespace",
    )


def mapping_of(accepts_key: Callable[[str], bool], accepts_value: Callable[[Any], bool], description: str) -> Allowed:
    """A map property (labels, data) whose every key and known value pass."""

    def accepts(value: Any) -> bool:
        return isinstance(value, Mapping) and all(
            accepts_key(str(key)) and (is_unknown(item) or accepts_value(item)) for key, item in entries(value).items()
        )

    return Allowed(accepts, description)
