"""Kubernetes resource quantities ("250m", "512Mi", "1.5", "2e3") as plain numbers: CPU in cores, memory in
bytes. The grammar is Kubernetes' own (k8s.io/apimachinery/pkg/api/resource): a decimal number followed by a
binary suffix, a decimal suffix or an exponent."""

from __future__ import annotations

import re
from typing import Any

_MULTIPLIERS: dict[str, float] = {
    "Ki": 2.0**10,
    "Mi": 2.0**20,
    "Gi": 2.0**30,
    "Ti": 2.0**40,
    "Pi": 2.0**50,
    "Ei": 2.0**60,
    "n": 1e-9,
    "u": 1e-6,
    "m": 1e-3,
    "": 1.0,
    "k": 1e3,
    "M": 1e6,
    "G": 1e9,
    "T": 1e12,
    "P": 1e15,
    "E": 1e18,
}

QUANTITY_PATTERN = (
    r"^(?P<number>[+-]?(?:\d+\.?\d*|\.\d+))(?:(?P<exponent>[eE][+-]?\d+)|(?P<suffix>[KMGTPE]i|[numkMGTPE]))?$"
)
"""A quantity, as a regular expression (also used as the JSON-schema `pattern` of quantity settings)."""

_QUANTITY = re.compile(QUANTITY_PATTERN)


def parse_quantity(value: Any) -> float | None:
    """The quantity as a float, or None if it is not one. Numbers pass through (JSON numbers are floats)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if not isinstance(value, str):
        return None
    match = _QUANTITY.match(value.strip())
    if match is None:
        return None
    amount = float(match["number"])
    if match["exponent"]:
        return amount * 10.0 ** int(match["exponent"][1:])
    return amount * _MULTIPLIERS[match["suffix"] or ""]
