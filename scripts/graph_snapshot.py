"""Records the three stacks' resource graphs, or compares them with a recording: the proof a refactor owes
that nothing AWS, Cloudflare or Kubernetes would see has changed (every resource, its type, inputs, parent,
provider, dependencies and options).

A resource that moved to another parent or name counts as the same resource when it carries an alias to its
recorded URN (Pulumi then moves it in state instead of replacing it); the move is listed, and references to it
are compared by its recorded URN. A new component resource is listed but is no difference: no provider sees it.

    .venv/bin/python scripts/graph_snapshot.py record DIR     before the change
    .venv/bin/python scripts/graph_snapshot.py compare DIR    after it: lists every difference, exit 1 if any
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Run as a file, the script has its own directory on the path, not the repository root that holds `offline`.
sys.path.insert(0, str(ROOT))

STACKS = ("dev", "staging", "prod")


def snapshot(stack: str) -> dict[str, Any]:
    """What the engine would be sent for each resource of the stack, by URN, as JSON values."""
    import offline

    return {
        resource.urn: json.loads(
            json.dumps(
                {
                    "type": resource.type,
                    "inputs": resource.inputs,
                    "parent": resource.parent,
                    "provider": resource.provider,
                    "dependencies": sorted(resource.dependencies),
                    "propertyDependencies": {
                        name: sorted(urns) for name, urns in sorted(resource.property_dependencies.items())
                    },
                    "options": {
                        name: value for name, value in dataclasses.asdict(resource.options).items() if name != "aliases"
                    },
                    "aliases": list(resource.options.aliases),
                    "custom": resource.custom,
                },
                sort_keys=True,
                default=str,
            )
        )
        for resource in offline.run(stack)
    }


def _renamed(value: Any, urns: dict[str, str]) -> Any:
    """`value` with every URN in it (as a whole string) replaced by its recorded one."""
    if isinstance(value, str):
        return urns.get(value, value)
    if isinstance(value, list):
        return [_renamed(item, urns) for item in value]
    if isinstance(value, dict):
        return {key: _renamed(item, urns) for key, item in value.items()}
    return value


def differences(before: dict[str, Any], after: dict[str, Any]) -> tuple[list[str], list[str]]:
    """What differs (each a reason to fail), and what moved or was added without a provider seeing it."""
    recorded = {new: old for new, entry in after.items() for old in entry.get("aliases", ()) if old in before}
    notes = [f"moved (aliased) {old} -> {new}" for new, old in sorted(recorded.items())]
    after = {
        recorded.get(urn, urn): {
            key: _renamed(value, recorded) for key, value in entry.items() if key not in ("aliases", "parent")
        }
        | {"parent": entry["parent"] if urn in recorded else _renamed(entry["parent"], recorded)}
        for urn, entry in after.items()
    }
    # Renamed, the URN lists are sorted again: their order is the recording's, not the engine's.
    for entry in after.values():
        entry["dependencies"] = sorted(entry["dependencies"])
        entry["propertyDependencies"] = {name: sorted(urns) for name, urns in entry["propertyDependencies"].items()}
    found = [f"- {urn}" for urn in sorted(before.keys() - after.keys())]
    for urn in sorted(after.keys() - before.keys()):
        (found if after[urn].get("custom", True) else notes).append(f"+ {urn}")
    for urn in sorted(before.keys() & after.keys()):
        for key in sorted((before[urn].keys() | after[urn].keys()) - {"aliases", "custom"}):
            if key == "parent" and urn in recorded.values():
                continue
            if before[urn].get(key) != after[urn].get(key):
                found.append(f"~ {urn} {key}: {before[urn].get(key)!r} -> {after[urn].get(key)!r}")
    return found, notes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=("record", "compare"))
    parser.add_argument("directory", type=Path)
    arguments = parser.parse_args()
    arguments.directory.mkdir(parents=True, exist_ok=True)
    changed = False
    for stack in STACKS:
        path = arguments.directory / f"{stack}.json"
        current = snapshot(stack)
        if arguments.action == "record":
            path.write_text(json.dumps(current, indent=1, sort_keys=True))
            print(f"{stack}: {len(current)} resources recorded in {path}")
            continue
        found, notes = differences(json.loads(path.read_text()), current)
        changed = changed or bool(found)
        print(f"{stack}: {len(current)} resources, " + (f"{len(found)} differences" if found else "identical"))
        for line in [*found, *notes]:
            print("  " + line)
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
