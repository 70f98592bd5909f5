"""The graph comparison a refactor proves itself with: a change is found, a move under an alias is not one."""

from __future__ import annotations

from typing import Any

from scripts.graph_snapshot import differences

PARENT, OTHER_PARENT = "urn:s::p::Workloads::workloads", "urn:s::p::LogicalBackup::logical-backup"
OLD = "urn:s::p::Workloads$kubernetes:batch/v1:CronJob::backup"
NEW = "urn:s::p::LogicalBackup$kubernetes:batch/v1:CronJob::backup"
USER = "urn:s::p::Monitoring$aws:cloudwatch/metricAlarm:MetricAlarm::missing"


def entry(parent: str | None, *, custom: bool = True, depends: tuple[str, ...] = (), **inputs: Any) -> dict[str, Any]:
    return {
        "type": "t",
        "inputs": inputs,
        "parent": parent,
        "provider": None,
        "dependencies": sorted(depends),  # as recorded
        "propertyDependencies": {},
        "options": {"protect": False},
        "aliases": [],
        "custom": custom,
    }


EARLIER = "urn:s::p::Network$aws:ec2/vpc:Vpc::main"
BEFORE = {
    PARENT: entry(None, custom=False),
    EARLIER: entry(None),
    OLD: entry(PARENT, schedule="0 3 * * *"),
    USER: entry(None, depends=(EARLIER, OLD)),
}


def test_the_same_graph_has_no_differences() -> None:
    assert differences(BEFORE, BEFORE) == ([], [])


def test_a_changed_input_a_removed_and_an_added_resource_are_differences() -> None:
    after = {
        PARENT: BEFORE[PARENT],
        EARLIER: BEFORE[EARLIER],
        OLD: entry(PARENT, schedule="0 4 * * *"),
        "urn:s::p::t::extra": entry(None),
    }
    found, _ = differences(BEFORE, after)
    assert found == [
        f"- {USER}",
        "+ urn:s::p::t::extra",
        f"~ {OLD} inputs: {{'schedule': '0 3 * * *'}} -> {{'schedule': '0 4 * * *'}}",
    ]


def test_a_move_under_an_alias_to_the_recorded_urn_is_no_difference() -> None:
    moved = entry(OTHER_PARENT, schedule="0 3 * * *") | {"aliases": [OLD]}
    after = {
        PARENT: BEFORE[PARENT],
        EARLIER: BEFORE[EARLIER],
        OTHER_PARENT: entry(None, custom=False),
        NEW: moved,
        # Sorted by the new URNs, the dependencies come in another order than recorded.
        USER: entry(None, depends=(NEW, EARLIER)),
    }
    assert differences(BEFORE, after) == ([], [f"moved (aliased) {OLD} -> {NEW}", f"+ {OTHER_PARENT}"])


def test_a_move_without_an_alias_is_a_replacement() -> None:
    after = {
        PARENT: BEFORE[PARENT],
        EARLIER: BEFORE[EARLIER],
        NEW: entry(OTHER_PARENT, schedule="0 3 * * *"),
        USER: entry(None, depends=(EARLIER, NEW)),
    }
    found, _ = differences(BEFORE, after)
    assert f"- {OLD}" in found
    assert f"+ {NEW}" in found
