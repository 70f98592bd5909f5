"""Records the three stacks' resource graphs, or compares them with a recording: the proof a refactor owes
that nothing AWS, Cloudflare or Kubernetes would see has changed (every resource, its type, inputs, parent,
provider, dependencies and options).

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
                    "options": dataclasses.asdict(resource.options),
                },
                sort_keys=True,
                default=str,
            )
        )
        for resource in offline.run(stack)
    }


def differences(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    found = [f"- {urn}" for urn in sorted(before.keys() - after.keys())]
    found += [f"+ {urn}" for urn in sorted(after.keys() - before.keys())]
    for urn in sorted(before.keys() & after.keys()):
        for key in sorted(before[urn].keys() | after[urn].keys()):
            if before[urn].get(key) != after[urn].get(key):
                found.append(f"~ {urn} {key}: {before[urn].get(key)!r} -> {after[urn].get(key)!r}")
    return found


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
        found = differences(json.loads(path.read_text()), current)
        changed = changed or bool(found)
        print(f"{stack}: {len(current)} resources, " + (f"{len(found)} differences" if found else "identical"))
        for line in found:
            print("  " + line)
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
