"""What the config tests of every section share: a table of bad inputs, and the one test that holds each of them
to being named by its full key with what is allowed instead."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest

from tests.helpers import problems_of

BadConfig = tuple[str, dict[str, Any], str, str]
"""(case, overrides of the prod stack's config, key the problem starts with, something it says is allowed)"""

BadConfigTest = Callable[[dict[str, Any], str, str], None]


def assert_named_by_full_key(overrides: dict[str, Any], key: str, allowed: str, stack: str = "prod") -> None:
    """The overrides make the stack's config invalid, and one of its problems starts with `key` and says `allowed`."""
    problems = problems_of(overrides, stack)
    matching = [problem for problem in problems if problem.startswith(key)]
    assert matching, f"no problem names {key}: {problems}"
    assert any(allowed in problem for problem in matching), matching


def named_by_full_key(cases: Sequence[BadConfig]) -> BadConfigTest:
    """The test of a table of bad config: each case's overrides make the prod config invalid, and one of the
    problems it reports starts with the case's key and says what is allowed. A test module binds it to a
    `test_*` name for pytest to collect."""

    @pytest.mark.parametrize(("overrides", "key", "allowed"), [case[1:] for case in cases], ids=[c[0] for c in cases])
    def bad_config_is_named_by_its_full_key(overrides: dict[str, Any], key: str, allowed: str) -> None:
        assert_named_by_full_key(overrides, key, allowed)

    return bad_config_is_named_by_its_full_key
