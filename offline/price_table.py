"""The dated price tables the cost estimate reads (offline/prices/<region>.json): one file per AWS region, each section
with its unit, the page it was read from and the date. A region without a file, or a price a file lacks, is an error
that names it, never a guess from another region or a default."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PRICES_DIR = Path(__file__).parent / "prices"


class PriceError(LookupError):
    """A region or a price the tables do not have."""


@dataclass(frozen=True)
class PriceSection:
    unit: str
    source: str
    as_of: str
    prices: dict[str, float]


@dataclass(frozen=True)
class PriceTable:
    region: str
    currency: str
    path: Path
    sections: dict[str, PriceSection]

    def price(self, section: str, key: str) -> float:
        found = self.sections.get(section)
        if found is None or key not in found.prices:
            known = sorted(found.prices) if found else sorted(self.sections)
            raise PriceError(
                f"the {self.region} price table ({self.path.name}) has no price for {section}[{key!r}]; "
                f"it has {known}: add the figure with its source before using it"
            )
        return found.prices[key]

    @property
    def as_of(self) -> str:
        """The oldest date any section was read: how current the table is as a whole."""
        return min(section.as_of for section in self.sections.values())


def regions(directory: Path = PRICES_DIR) -> list[str]:
    return sorted(path.stem for path in directory.glob("*.json"))


@functools.cache
def load(region: str, directory: Path = PRICES_DIR) -> PriceTable:
    path = directory / f"{region}.json"
    if not path.is_file():
        raise PriceError(f"no price table for region {region!r} in {directory}; tables exist for {regions(directory)}")
    document: dict[str, Any] = json.loads(path.read_text())
    if document["region"] != region:
        raise PriceError(f"{path} says it prices {document['region']!r}, not {region!r}")
    sections = {
        name: PriceSection(section["unit"], section["source"], section["asOf"], dict(section["prices"]))
        for name, section in document["sections"].items()
    }
    return PriceTable(region, document["currency"], path, sections)
