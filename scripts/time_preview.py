"""Times the offline preview of a stack against its floor: a bare `python -c` that imports the same SDK
modules the program loads (the class of every resource type in the graph), so the figure shows what the
engine itself costs on top of Python's import work. Optionally also the diff against a revision, on the same
floor, and the test suite as `python3 dev.py test` runs it (one worker per core).

    .venv/bin/python scripts/time_preview.py [STACK] [--runs N] [--suite] [--diff REF]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a file, the script has its own directory on the path, not the repository root that holds `offline`.
sys.path.insert(0, str(ROOT))

# Issue 19's targets, as multiples of the import floor.
PREVIEW_TARGET = 1.3
DIFF_TARGET = 2.0


@dataclass(frozen=True)
class Command:
    argv: list[str]
    exit_codes: tuple[int, ...] = (0,)
    """The exit codes that are results, not failures."""


@dataclass(frozen=True)
class SuiteRun:
    """One run of the test suite: its time, exit code, pytest's count of outcomes ("2 failed, 2894 passed") and the
    tests that failed."""

    seconds: float
    exit_code: int
    outcomes: str
    failed: tuple[str, ...]


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


def commands(stack: str, diff_against: str | None = None) -> dict[str, Command]:
    """The floor, the preview and, given a revision, the diff against it."""
    timed = {
        "floor": Command([sys.executable, "-c", sdk_imports(stack)]),
        "preview": Command([sys.executable, "-m", "offline", stack]),
    }
    if diff_against:
        # Exit 3 is a diff with findings: a result, not a failure.
        diff = [sys.executable, "-m", "offline", "diff", stack, "--against", diff_against]
        timed["diff"] = Command(diff, exit_codes=(0, 3))
    return timed


def developer_environment() -> dict[str, str]:
    """This process's environment as on a developer's machine, where Python caches the program's bytecode: under
    PYTHONDONTWRITEBYTECODE every run would compile the program's modules again, a cost the floor (SDK modules,
    compiled at install) never pays."""
    return {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def _run(command: Command, environment: Mapping[str, str]) -> float:
    start = time.perf_counter()
    finished = subprocess.run(
        command.argv, cwd=ROOT, env=environment, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    if finished.returncode not in command.exit_codes:
        raise SystemExit(f"{' '.join(command.argv)} exited {finished.returncode}: {finished.stderr.decode()[-2000:]}")
    return time.perf_counter() - start


def median_seconds(timed: Mapping[str, Command], runs: int) -> dict[str, float]:
    """The median time of each command over `runs` rounds, after an untimed round that warms the disk and bytecode
    caches. A round runs every command once, so a change in the machine's load falls on the floor and the rest
    alike rather than on one of them."""
    environment = developer_environment()
    for command in timed.values():
        _run(command, environment)
    times: dict[str, list[float]] = {name: [] for name in timed}
    for _ in range(runs):
        for name, command in timed.items():
            times[name].append(_run(command, environment))
    return {name: statistics.median(seconds) for name, seconds in times.items()}


def run_suite() -> SuiteRun:
    """The whole pytest suite once, one worker per core as `python3 dev.py test` runs it; a failing suite is
    timed all the same and says so in its summary."""
    command = [sys.executable, "-m", "pytest", "-n", "auto", "-p", "no:cacheprovider"]
    start = time.perf_counter()
    finished = subprocess.run(
        command, cwd=ROOT, env=developer_environment(), check=False, capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    # pytest's closing line: "2 failed, 2894 passed in 70.23s (0:01:10)", between rules without -q.
    closing = [line.strip("= ") for line in finished.stdout.splitlines() if re.search(r"\d+ \w+ in [\d.]+s", line)]
    outcomes = closing[-1].rsplit(" in ", 1)[0] if closing else f"no summary (exit {finished.returncode})"
    failed = tuple(line.split()[1] for line in finished.stdout.splitlines() if line.startswith(("FAILED ", "ERROR ")))
    return SuiteRun(seconds, finished.returncode, outcomes, failed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("stack", nargs="?", default="prod")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--suite", action="store_true", help="also time the pytest suite (one run)")
    parser.add_argument("--diff", metavar="REF", help="also time `python -m offline diff STACK --against REF`")
    args = parser.parse_args()
    seconds = median_seconds(commands(args.stack, args.diff), args.runs)
    floor = seconds["floor"]
    print(f"import floor (same SDK modules): {floor:6.2f} s")
    print(
        f"offline preview of {args.stack}:{seconds['preview']:10.2f} s  ({seconds['preview'] / floor:.2f}x the floor)"
    )
    if "diff" in seconds:
        print(f"diff against {args.diff}:{seconds['diff']:14.2f} s  ({seconds['diff'] / floor:.2f}x the floor)")
    if args.suite:
        suite = run_suite()
        print(f"test suite (pytest -n auto):    {suite.seconds:6.2f} s  ({suite.outcomes})")
        for test in suite.failed:
            print(f"  failed: {test}")


if __name__ == "__main__":
    main()
