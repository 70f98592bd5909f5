"""The policy pack's layout: no module grows back into a file that mixes subjects.

A module of the pack may have 500 lines, the length past which issue 16 found files mixing subjects (the longest
today, the Cloudflare edge's rules, is one subject at under 470). The deploy constraints, once one 1,800-line
file, are held to 250 lines a module: a subject that outgrows that is two subjects.
"""

from __future__ import annotations

from pathlib import Path

import policies

PACK = Path(policies.__file__).resolve().parent
LONGEST = 500
LONGEST_IN = {PACK / "rules" / "deploy_constraints": 250}


def _bound(module: Path) -> int:
    return min((lines for package, lines in LONGEST_IN.items() if module.is_relative_to(package)), default=LONGEST)


def test_no_module_of_the_pack_is_longer_than_its_bound() -> None:
    too_long = {
        str(module.relative_to(PACK.parent)): f"{lines} lines, over {_bound(module)}"
        for module in sorted(PACK.rglob("*.py"))
        if (lines := len(module.read_text().splitlines())) > _bound(module)
    }
    assert too_long == {}, "split these modules by subject"


def test_each_tighter_bound_holds_a_package_of_the_pack() -> None:
    """A package renamed or moved would otherwise leave its modules to the general bound, unnoticed."""
    assert [package for package in LONGEST_IN if not (package / "__init__.py").is_file()] == []
