"""Times the offline preview of a stack against its floor: a bare `python -c` that imports the same SDK
modules the program loads (the class of every resource type in the graph), so the figure shows what the
engine itself costs on top of Python's import work.

    .venv/bin/python scripts/time_preview.py [STACK] [--runs N] [--suite] [--diff REF]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a file, the script has its own directory on the path, not the repository root that holds `offline`.
sys.path.insert(0, str(ROOT))


def sdk_imports(stack: str) -> str:
    """Import statements for the SDK class of every resource type in the stack's graph."""
    import offline
    from offline.sdk_types import sdk_class

    classes: dict[str, set[str]] = {"pulumi.runtime": {"set_mocks"}, "pydantic": {"BaseModel"}, "yaml": {"safe_load"}}
    for resource in offline.run(stack):
        if resource.type.startswith("sentinel:") or (found := sdk_class(resource.type)) is None:
            continue
        module, name = found
        classes.setdefault(module, set()).add(name)
    # SDK packages load modules lazily; importing the classes by name forces the real work.
    return "; ".join(f"from {module} import {', '.join(sorted(names))}" for module, names in sorted(classes.items()))


def median_seconds(command: list[str], runs: int, exit_codes: tuple[int, ...] = (0,)) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        finished = subprocess.run(command, cwd=ROOT, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if finished.returncode not in exit_codes:
            raise SystemExit(f"{' '.join(command)} exited {finished.returncode}: {finished.stderr.decode()[-2000:]}")
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("stack", nargs="?", default="prod")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--suite", action="store_true", help="also time the pytest suite (one run)")
    parser.add_argument("--diff", metavar="REF", help="also time `python -m offline diff STACK --against REF`")
    args = parser.parse_args()
    floor = median_seconds([sys.executable, "-c", sdk_imports(args.stack)], args.runs)
    preview = median_seconds([sys.executable, "-m", "offline", args.stack], args.runs)
    print(f"import floor (same SDK modules): {floor:6.2f} s")
    print(f"offline preview of {args.stack}:{preview:10.2f} s  ({preview / floor:.2f}x the floor)")
    if args.diff:
        # Exit 3 is a diff with findings: a result, not a failure.
        command = [sys.executable, "-m", "offline", "diff", args.stack, "--against", args.diff]
        diff = median_seconds(command, args.runs, exit_codes=(0, 3))
        print(f"diff against {args.diff}:{diff:14.2f} s  ({diff / floor:.2f}x the floor)")
    if args.suite:
        suite = median_seconds([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], 1)
        print(f"test suite (pytest):            {suite:6.2f} s  ({suite / floor:.1f}x the floor)")


if __name__ == "__main__":
    main()
