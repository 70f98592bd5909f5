"""Runs every benchmark of issue 19 and writes bench/RESULTS.md: the offline preview of prod and its diff against
the previous commit, each as a multiple of the import floor, the test suite, and the policy runner over synthetic
stacks of 1k, 5k and 10k resources; with the date, the machine, the cores each used, and each target met or missed.
Exits 1 when a target is missed (the results are written all the same).

    .venv/bin/python bench/run.py [--runs N] [--against REF]
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a file, the script has its own directory on the path, not the repository root that holds `bench`.
sys.path.insert(0, str(ROOT))

from bench.bench_policies import (  # noqa: E402 - needs the path set above
    LINEARITY_TOLERANCE,
    TARGET_SECONDS_AT_10K,
    growth,
    time_policies,
)
from scripts.time_preview import DIFF_TARGET, PREVIEW_TARGET, commands, median_seconds, run_suite  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
STACK = "prod"


@dataclass(frozen=True)
class Row:
    """One line of the results table; `met` is None where the issue sets no target."""

    benchmark: str
    figure: str
    cores: str
    target: str = ""
    met: bool | None = None


def _git(*arguments: str) -> str:
    return subprocess.run(["git", *arguments], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()


def machine() -> str:
    """The processor, its core count, the system and Python, as the results name the machine."""
    cpuinfo = Path("/proc/cpuinfo")
    models = [
        line.split(":", 1)[1].strip()
        for line in (cpuinfo.read_text().splitlines() if cpuinfo.exists() else [])
        if line.startswith("model name")
    ]
    processor = models[0] if models else platform.processor() or platform.machine()
    system = f"{platform.system()} {platform.release()}"
    return f"{processor}, {os.cpu_count()} cores, {system}, Python {platform.python_version()}"


def revision() -> str:
    commit = _git("rev-parse", "--short", "HEAD")
    return f"{commit} with uncommitted changes" if _git("status", "--porcelain") else commit


@dataclass(frozen=True)
class Results:
    rows: list[Row]
    failed_tests: tuple[str, ...]


def measure(runs: int, against: str) -> Results:
    cores = os.cpu_count() or 1
    one = f"1 of {cores}"
    seconds = median_seconds(commands(STACK, against), runs)
    floor, preview, diff = seconds["floor"], seconds["preview"], seconds["diff"]
    suite = run_suite()
    policies = time_policies()
    rows = [
        Row(f"Import floor of {STACK} (its SDK modules, `python -c`)", f"{floor:.2f} s", one),
        Row(
            f"Preview: `python -m offline {STACK}`",
            f"{preview:.2f} s = {preview / floor:.2f}x the floor",
            one,
            f"<= {PREVIEW_TARGET:g}x",
            preview / floor <= PREVIEW_TARGET,
        ),
        Row(
            f"Diff: `python -m offline diff {STACK} --against {against}` ({_git('rev-parse', '--short', against)})",
            f"{diff:.2f} s = {diff / floor:.2f}x the floor",
            one,
            f"<= {DIFF_TARGET:g}x",
            diff / floor <= DIFF_TARGET,
        ),
        Row(
            "Test suite: `pytest -n auto`, as `python3 dev.py test` runs it",
            f"{suite.seconds:.1f} s ({suite.outcomes})",
            f"{cores} of {cores}",
        ),
    ]
    rows += [
        Row(
            f"Policy runner (`offline.policy.evaluate`), {timing.resources} synthetic resources",
            f"{timing.seconds:.3f} s ({timing.microseconds_per_resource:.0f} us/resource, "
            f"{timing.violations} violations)",
            one,
            f"<= {TARGET_SECONDS_AT_10K:g} s" if timing.resources >= 10000 else "",
            timing.seconds <= TARGET_SECONDS_AT_10K if timing.resources >= 10000 else None,
        )
        for timing in policies
    ]
    rows.append(
        Row(
            "Policy runner growth: cost per resource at the largest size / at the smallest",
            f"{growth(policies):.2f}x",
            one,
            f"linear: <= {LINEARITY_TOLERANCE}x",
            growth(policies) <= LINEARITY_TOLERANCE,
        )
    )
    return Results(rows, suite.failed)


def report(results: Results, runs: int, started: datetime, loads: tuple[float, float]) -> str:
    verdict = {None: "", True: "met", False: "**missed**"}
    table = "\n".join(
        f"| {row.benchmark} | {row.figure} | {row.cores} | {row.target} | {verdict[row.met]} |" for row in results.rows
    )
    failed = "".join(f"\n- `{test}`" for test in results.failed_tests)
    targets = (
        f"the preview within {PREVIEW_TARGET:g}x its import floor, the diff within {DIFF_TARGET:g}x,\nthe policy "
        f"runner linear and within {TARGET_SECONDS_AT_10K:g} s at 10,000 resources"
    )
    failures = f"\nTests that failed in this run (timed all the same):\n{failed}\n" if failed else ""
    return f"""# Benchmarks

Written by `.venv/bin/python bench/run.py`; run it again to refresh. The targets are issue 19's, on a 2-core
machine: {targets}.

- Date: {started:%Y-%m-%d %H:%M} UTC
- Machine: {machine()}
- Revision: {revision()}
- Load average (1 minute) when the run started: {loads[0]:.2f}; when it ended: {loads[1]:.2f} (other work on the
  machine slows every figure)

| Benchmark | Figure | Cores used | Target | Met |
|---|---|---|---|---|
{table}
{failures}
The floor is a bare `python -c` importing the SDK class of every resource type in the {STACK} graph: the Python
import work any run of the program pays, so the ratio is what the engine costs on top. Floor, preview and diff are
the median of {runs} rounds that run each of them once, after an untimed round that warms the caches (with
Python's bytecode cache on, as on a developer's machine); the test suite is one run, the policy runner the median
of 3 evaluations per size.
The synthetic stacks (bench/bench_policies.py) repeat a block of the production mix that passes every policy under
the prod policy config, so every policy runs and none reports.
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=5, help="rounds of the floor, preview and diff; the median counts")
    parser.add_argument("--against", default="HEAD~1", help="the revision the diff compares with")
    args = parser.parse_args()
    started, load_at_start = datetime.now(UTC), os.getloadavg()[0]
    results = measure(args.runs, args.against)
    RESULTS.write_text(report(results, args.runs, started, (load_at_start, os.getloadavg()[0])))
    print(RESULTS.read_text(), end="")
    return 1 if any(row.met is False for row in results.rows) else 0


if __name__ == "__main__":
    sys.exit(main())
