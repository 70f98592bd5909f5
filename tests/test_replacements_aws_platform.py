"""The conditional replacement rules of the platform's AWS services (offline/replacements/aws_platform.py)."""

from __future__ import annotations

from offline.replacements.aws_platform import (
    cluster_encryption_removed,
    cluster_node_role_changed,
    cluster_version_step_refused,
    node_group_version_downgrade,
)

_KEY = {"provider": {"keyArn": "arn:aws:kms:eu-west-1:111111111111:key/a"}, "resources": ["secrets"]}
_ROLE_A = "arn:aws:iam::111111111111:role/nodes-a"
_ROLE_B = "arn:aws:iam::111111111111:role/nodes-b"


def test_removing_cluster_encryption_replaces() -> None:
    assert cluster_encryption_removed({"encryptionConfig": _KEY}, {}) is not None


def test_adding_or_keeping_cluster_encryption_does_not_replace() -> None:
    assert cluster_encryption_removed({}, {"encryptionConfig": _KEY}) is None
    other_key = {**_KEY, "provider": {"keyArn": "arn:aws:kms:eu-west-1:111111111111:key/b"}}
    assert cluster_encryption_removed({"encryptionConfig": _KEY}, {"encryptionConfig": other_key}) is None


def test_cluster_encryption_as_a_one_item_list_counts_as_set() -> None:
    assert cluster_encryption_removed({"encryptionConfig": [_KEY]}, {"encryptionConfig": []}) is not None


def _auto_mode(role: str | None, *, enabled: bool = True, pools: tuple[str, ...] = ("general-purpose",)) -> dict:
    config: dict = {"enabled": enabled, "nodePools": list(pools)}
    if role is not None:
        config["nodeRoleArn"] = role
    return {"computeConfig": config}


def test_changing_the_auto_mode_node_role_replaces_the_cluster() -> None:
    assert cluster_node_role_changed(_auto_mode(_ROLE_A), _auto_mode(_ROLE_B)) is not None


def test_first_auto_mode_node_role_does_not_replace() -> None:
    assert cluster_node_role_changed(_auto_mode(None), _auto_mode(_ROLE_A)) is None
    assert cluster_node_role_changed({}, _auto_mode(_ROLE_A)) is None


def test_turning_auto_mode_off_and_dropping_the_role_does_not_replace() -> None:
    assert cluster_node_role_changed(_auto_mode(_ROLE_A), _auto_mode(None, enabled=False)) is None
    assert cluster_node_role_changed(_auto_mode(_ROLE_A), _auto_mode(None, pools=())) is None


def test_dropping_the_role_while_auto_mode_stays_on_replaces() -> None:
    assert cluster_node_role_changed(_auto_mode(_ROLE_A), _auto_mode(None)) is not None


def test_cluster_downgrade_or_skipped_minor_fails() -> None:
    assert cluster_version_step_refused({"version": "1.32"}, {"version": "1.31"}) is not None
    assert cluster_version_step_refused({"version": "1.31"}, {"version": "1.33"}) is not None


def test_cluster_one_minor_up_or_unknown_version_does_not_fail() -> None:
    assert cluster_version_step_refused({"version": "1.31"}, {"version": "1.32"}) is None
    assert cluster_version_step_refused({"version": "1.31"}, {"version": "1.31"}) is None
    assert cluster_version_step_refused({}, {"version": "1.33"}) is None
    assert (
        cluster_version_step_refused({"version": "1.31"}, {"version": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}) is None
    )


def test_node_group_downgrade_fails() -> None:
    assert node_group_version_downgrade({"version": "1.32"}, {"version": "1.31"}) is not None


def test_node_group_upgrade_or_unset_version_does_not_fail() -> None:
    assert node_group_version_downgrade({"version": "1.31"}, {"version": "1.33"}) is None
    assert node_group_version_downgrade({"version": "1.31"}, {}) is None
