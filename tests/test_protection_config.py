"""`sentinel:protection`: one explicit per-stack setting decides what keeps the stack's data, defaulting by
environment; prod may turn neither part off, and an edit of `environment` alone does not change it."""

from __future__ import annotations

import pytest

from components.base import Platform
from components.config import parse
from offline import stackfiles
from tests.helpers import load, problems_of


@pytest.mark.parametrize(
    ("stack", "protect_state", "keep_data_on_delete"),
    [("prod", True, True), ("staging", False, True), ("dev", False, False)],
)
def test_each_stack_protects_its_state_and_keeps_its_data_as_set(
    stack: str, protect_state: bool, keep_data_on_delete: bool
) -> None:
    platform = Platform.of(load(stack))
    assert (platform.protect_stateful, platform.keep_data_on_delete) == (protect_state, keep_data_on_delete)


def test_an_ephemeral_stack_without_the_section_gets_its_environments_defaults() -> None:
    _, config, secret_keys = stackfiles.load(stackfiles.stack_file("dev"), {"sentinel:environment": "staging"})
    protection = parse("pr-123", config, secret_keys).protection
    assert (protection.protect_state, protection.keep_data_on_delete) == (False, True)


def test_an_edit_of_the_environment_alone_keeps_the_written_protection() -> None:
    # The prod file copied to an ephemeral stack that says staging: what the file writes out still holds.
    _, config, secret_keys = stackfiles.load(stackfiles.stack_file("prod"), {"sentinel:environment": "staging"})
    protection = parse("pr-123", config, secret_keys).protection
    assert (protection.protect_state, protection.keep_data_on_delete) == (True, True)


def test_prod_refuses_to_drop_the_protection_of_its_state() -> None:
    assert problems_of({"sentinel:protection.protectState": False}) == [
        "sentinel:protection.protectState = false: must stay true in prod: without Pulumi's protect a single diff "
        "could delete or replace the database, cache, buckets, keys and audit logs of prod; to remove a resource on "
        "purpose, unprotect it alone (`pulumi state unprotect <urn>`) rather than the whole stack"
    ]


def test_prod_refuses_to_drop_its_data_on_delete() -> None:
    [problem] = problems_of({"sentinel:protection.keepDataOnDelete": False})
    assert problem.startswith(
        "sentinel:protection.keepDataOnDelete = false: must stay true in prod: without deletion protection and final "
        "snapshots a deleted prod database or cache would leave no copy of its data behind"
    )


def test_staging_and_dev_may_turn_either_setting_on_or_off() -> None:
    assert load("staging", {"sentinel:protection.keepDataOnDelete": False}).protection.keep_data_on_delete is False
    assert load("dev", {"sentinel:protection.protectState": True}).protection.protect_state is True
