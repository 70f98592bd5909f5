"""The test suite's layout: no module grows back into a file that mixes subjects.

A module under tests/ may have 500 lines, as a module of the pack may (tests/test_policy_layout.py): past that,
issue 16 found test files mixing subjects (the config of every section in one file, five kinds of service grant
in another). A subject that outgrows it is split the way those were: the config's by section
(tests/test_<section>_config.py), a rule package's by part (tests/test_policy_<module>_<part>.py), shared
helpers into a helper module.
"""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent
LONGEST = 500


def too_long(directory: Path) -> dict[str, str]:
    """The modules under `directory` longer than LONGEST lines, with their length."""
    return {
        str(module.relative_to(directory)): f"{lines} lines, over {LONGEST}"
        for module in sorted(directory.rglob("*.py"))
        if (lines := len(module.read_text().splitlines())) > LONGEST
    }


def test_no_module_of_the_tests_is_longer_than_500_lines() -> None:
    assert too_long(TESTS) == {}, "split these modules by subject"


def test_a_module_one_line_over_is_found(tmp_path: Path) -> None:
    (tmp_path / "test_long.py").write_text("pass\n" * (LONGEST + 1))
    (tmp_path / "helpers.py").write_text("pass\n" * LONGEST)
    assert too_long(tmp_path) == {"test_long.py": "501 lines, over 500"}
