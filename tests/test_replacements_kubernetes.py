"""The Kubernetes replacement rules' conditions: what the API server refuses to update on a claim or an immutable
ConfigMap/Secret, and the quantity arithmetic the claim's size check rests on."""

from __future__ import annotations

from decimal import Decimal

from offline.replacements.kubernetes import claim_update_refused, immutable_unset, quantity


def efs_claim(storage: str = "100Gi", **spec: object) -> dict[str, object]:
    return {
        "metadata": {"namespace": "sentinel", "name": "shared-files"},
        "spec": {
            "storageClassName": "",
            "volumeName": "sentinel-prod-shared-files",
            "accessModes": ["ReadWriteMany"],
            "resources": {"requests": {"storage": storage}},
            **spec,
        },
    }


def test_quantities_compare_across_suffixes() -> None:
    assert quantity("1Gi") == Decimal(2**30)
    assert quantity("1.5T") == Decimal("1.5e12")
    assert quantity("1e3") == Decimal(1000)
    assert quantity("100Gi") > quantity("100G")  # pyright: ignore[reportOperatorIssue]
    assert quantity("a lot") is None


def test_a_claim_cannot_shrink() -> None:
    reason = claim_update_refused(efs_claim("100Gi"), efs_claim("50Gi"))
    assert reason is not None and "cannot shrink" in reason


def test_a_static_claim_cannot_grow() -> None:
    reason = claim_update_refused(efs_claim("100Gi"), efs_claim("200Gi"))
    assert reason is not None and "cannot grow" in reason


def test_a_claim_with_a_storage_class_may_grow() -> None:
    old, new = efs_claim("100Gi"), efs_claim("200Gi")
    for claim in (old, new):
        claim["spec"]["storageClassName"] = "gp3"  # pyright: ignore[reportIndexIssue]
    assert claim_update_refused(old, new) is None


def test_the_same_size_written_differently_is_no_resize() -> None:
    assert claim_update_refused(efs_claim("100Gi"), efs_claim("102400Mi")) is None


def test_a_frozen_claim_field_is_refused() -> None:
    reason = claim_update_refused(efs_claim(), efs_claim(volumeMode="Block"))
    assert reason is not None and "spec.volumeMode" in reason


def test_a_claim_change_that_replaces_it_is_not_refused() -> None:
    """A new access mode replaces the claim, so the shrink in the same change never reaches the API server."""
    assert claim_update_refused(efs_claim("100Gi"), efs_claim("50Gi", accessModes=["ReadWriteOnce"])) is None


def test_an_immutable_object_cannot_become_mutable() -> None:
    old = {"metadata": {"name": "settings"}, "immutable": True, "data": {"a": "1"}}
    assert immutable_unset(old, {**old, "immutable": False}) is not None
    assert immutable_unset(old, {key: value for key, value in old.items() if key != "immutable"}) is not None


def test_making_an_object_immutable_or_replacing_it_is_not_refused() -> None:
    mutable = {"metadata": {"name": "settings"}, "data": {"a": "1"}}
    assert immutable_unset(mutable, {**mutable, "immutable": True}) is None
    immutable = {**mutable, "immutable": True}
    assert immutable_unset(immutable, {**mutable, "data": {"a": "2"}}) is None
