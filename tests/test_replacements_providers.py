"""The random resources' replacement conditions: which keeper and override_special changes draw a new value."""

from __future__ import annotations

from offline.replacements.providers import keepers_changed, override_special_changed


def test_a_changed_or_removed_keeper_draws_a_new_value() -> None:
    old = {"keepers": {"engine": "postgres", "cluster": "a"}}
    assert keepers_changed(old, {"keepers": {"engine": "postgres", "cluster": "b"}}) is not None
    assert keepers_changed(old, {"keepers": {"engine": "postgres"}}) is not None
    assert keepers_changed(old, {}) is not None
    assert keepers_changed({}, {"keepers": {"engine": "postgres"}}) is not None


def test_a_keeper_added_with_no_value_keeps_it() -> None:
    old = {"keepers": {"engine": "postgres"}}
    assert keepers_changed(old, {"keepers": {"engine": "postgres", "later": None}}) is None
    assert keepers_changed({}, {"keepers": {"later": None}}) is None
    assert keepers_changed(old, dict(old)) is None


def test_a_changed_override_special_draws_a_new_password() -> None:
    assert override_special_changed({"overrideSpecial": "!#"}, {"overrideSpecial": "!#$"}) is not None
    assert override_special_changed({}, {"overrideSpecial": "!#"}) is not None
    assert override_special_changed({"overrideSpecial": "!#"}, {}) is not None


def test_dropping_an_empty_override_special_keeps_the_password() -> None:
    assert override_special_changed({"overrideSpecial": ""}, {}) is None
    assert override_special_changed({"overrideSpecial": "!#"}, {"overrideSpecial": "!#"}) is None
