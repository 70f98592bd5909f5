"""What changed in a stack's config between the two sides of a diff, and what the keys that lose data do.

The stack config's guards see one side only, so a guard that needs the value before the change lives here: each
`KeyNote` says, for a key whose change replaces or deletes something, what goes and the safe way to get there. The
diff prints a note beside the resources the change touches; whether it is a finding is the resource diff's call.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from offline.replacements.rules import major_version


@dataclass(frozen=True)
class KeyNote:
    keys: str
    """The full config key, `*` matching one path segment: `sentinel:storage.*.objectLock`."""
    effect: str
    instead: str
    applies: Callable[[Any, Any], bool] = lambda _old, _new: True
    """Whether this change of value (old, new; `MISSING_VALUE` for an absent key) has the effect."""


MISSING_VALUE: Any = None


def _lowered(old: Any, new: Any) -> bool:
    return isinstance(old, int) and isinstance(new, int) and new < old


def _zone_removed(old: Any, new: Any) -> bool:
    return isinstance(old, list) and not set(old) <= set(new or [])


def _major_changed(old: Any, new: Any) -> bool:
    return old is not None and new is not None and major_version(old) != major_version(new)


KEY_NOTES = (
    KeyNote(
        "sentinel:name",
        "every physical name carries it: the buckets, database, cache, cluster, keys and secrets are replaced",
        "keep it; a new name is a new stack (`pulumi stack init`) and a migration of the data",
    ),
    KeyNote(
        "sentinel:region",
        "every regional resource is replaced in the new region, and what they hold stays behind",
        "stand up a new stack in the new region and restore it from the DR copies",
    ),
    KeyNote(
        "sentinel:accountId",
        "the AWS provider only works in this account: every resource would be created anew in the other one",
        "a new account is a new stack",
    ),
    KeyNote(
        "sentinel:database.databaseName",
        "Aurora fixes the database name at creation: the cluster is replaced with an empty one",
        "create the new database in the running cluster (CREATE DATABASE) and move the apps to it",
    ),
    KeyNote(
        "sentinel:database.engineVersion",
        "a new major version is refused by RDS unless `sentinel:database.allowMajorVersionUpgrade` is true, and the "
        "logical backup's pg_dump must be of the new major or newer",
        "in one change: set allowMajorVersionUpgrade, move the logical backup image, and upgrade staging first",
        _major_changed,
    ),
    KeyNote(
        "sentinel:database.readers",
        "lowering it deletes the highest-numbered reader instances (protected in prod: `pulumi up` stops there)",
        "lower it in a change of its own, after unprotecting exactly the readers the diff names",
        _lowered,
    ),
    KeyNote(
        "sentinel:network.availabilityZones",
        "removing a zone deletes its subnets, NAT gateway and mount target, and moves every database instance "
        "placed by zone order: instances whose zone changes are replaced",
        "add zones only at the end of the list; to leave a zone, first move the data tier out of it",
        _zone_removed,
    ),
    KeyNote(
        "sentinel:cache.engine",
        "only redis to valkey upgrades in place; any other engine change replaces the replication group and its data",
        "keep the engine, or move the data through a snapshot restored into a new cache",
    ),
    KeyNote(
        "sentinel:backup.drRegion",
        "the DR vault and its key live in that region: both are replaced, and the recovery points copied there go "
        "with the old vault",
        "retain the old vault until its recovery points expire (`pulumi state rm` after copying what you need)",
    ),
    KeyNote(
        "sentinel:storage.*.objectLock",
        "the provider fixes Object Lock when it creates the bucket: turning it on or off replaces the bucket, and "
        "locked objects cannot be deleted before their retention ends",
        "leave it as it is and tune objectLockDays, or copy the objects into a new bucket",
    ),
)


@dataclass(frozen=True)
class ConfigChange:
    key: str
    old: Any
    new: Any
    notes: tuple[KeyNote, ...] = ()


def _matches(pattern: str, key: str) -> bool:
    wanted, parts = pattern.split("."), key.split(".")
    return len(wanted) == len(parts) and all(want in ("*", part) for want, part in zip(wanted, parts, strict=True))


def _parsed(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def _flattened(config: Mapping[str, str], secret_keys: Iterable[str]) -> dict[str, Any]:
    """`sentinel:database` = '{"readers": 2}' as `sentinel:database.readers` = 2; secrets by key, never by value."""
    secret = set(secret_keys)
    flat: dict[str, Any] = {}

    def walk(key: str, value: Any) -> None:
        if isinstance(value, dict) and value:
            for name, item in value.items():
                walk(f"{key}.{name}", item)
        else:
            flat[key] = value

    for key, text in config.items():
        if key in secret:
            flat[key] = "[secret]" if text else text
        else:
            walk(key, _parsed(text))
    return flat


def config_changes(
    old: Mapping[str, str], new: Mapping[str, str], old_secrets: Iterable[str] = (), new_secrets: Iterable[str] = ()
) -> list[ConfigChange]:
    """Every key whose value differs, with the notes of the keys that replace or delete what holds data."""
    before, after = _flattened(old, old_secrets), _flattened(new, new_secrets)
    changes = []
    for key in sorted(before.keys() | after.keys()):
        old_value, new_value = before.get(key, MISSING_VALUE), after.get(key, MISSING_VALUE)
        if old_value == new_value:
            continue
        notes = tuple(note for note in KEY_NOTES if _matches(note.keys, key) and note.applies(old_value, new_value))
        changes.append(ConfigChange(key, old_value, new_value, notes))
    return changes
