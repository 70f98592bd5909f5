#!/usr/bin/env python3
"""Set up the project on a machine that has only Python 3.11+, then run one of its tasks.

    python3 dev.py preview [STACK]   offline preview of a stack (default prod): no cloud, no Pulumi CLI
    python3 dev.py test              the whole check: ruff, the type checker and the test suite
    python3 dev.py pack [DIR]        stage the publishable policy pack in DIR (default build/policy-pack) with
                                     its own virtualenv, for `--policy-pack DIR` and `pulumi policy publish`
    python3 dev.py lock [UV OPTION]  recompile the hashed locks (requirements*.txt) from the *.in files;
                                     e.g. `--upgrade-package grpcio` or `--upgrade` moves unpinned packages

The virtualenv is `.venv` (the one Pulumi.yaml names, so `pulumi up` shares it); it is rebuilt from
requirements-dev.txt, every package hash-checked, whenever that lock changes. `pack` leaves `.venv` alone: the
staged pack gets a virtualenv of its own, built the same way from the pack's lock, policies/requirements.txt.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
# The whole tree the tasks need: the program's lock plus the preview and test tools, at the same versions.
DEV_LOCK = "requirements-dev.txt"
PIP_INSTALL_FROM = ("-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--require-hashes", "-r")
# One resolution for every platform and Python 3.11+, so a laptop, CI and the deploy job install one tree.
UV_COMPILE = (
    "pip",
    "compile",
    "--quiet",
    "--universal",
    "--python-version=3.11",
    "--generate-hashes",
    "--custom-compile-command=python3 dev.py lock",
)
# (source, lock, constraints). The program's lock comes first; the others are held to its versions, so that the
# policy pack runs on the SDKs the program was tested with and installing the dev lock over it moves nothing.
LOCKS = (
    ("requirements.in", "requirements.txt", ()),
    ("policies/requirements.in", "policies/requirements.txt", ("requirements.txt",)),
    ("requirements-dev.in", DEV_LOCK, ("requirements.txt",)),
)

# The policy pack as Pulumi runs and publishes it: a directory holding PulumiPolicy.yaml, the entry point
# `__main__.py` and the pack's lock `requirements.txt`, beside the packages the entry point imports. The CLI
# starts `python -m pulumi.policy` with the pack's directory as working directory and program, so those packages
# are importable there, and nothing else of the repository is: the pack's closure is its SDKs and these.
PACK_SOURCE = ROOT / "policies"
PACK_FILES = ("PulumiPolicy.yaml", "__main__.py", "requirements.txt")
PACK_PACKAGES = ("policies", "facts")
PACK_STAGE = ROOT / "build" / "policy-pack"
# PulumiPolicy.yaml's `virtualenv`, relative to the pack: the CLI uses the same name where it installs the
# published pack.
PACK_VENV = "venv"
# `pulumi policy publish` uploads the pack's directory minus what a .gitignore in it (or above it) names.
PACK_IGNORE = f"""\
# The policy pack staged by `python3 dev.py pack`. Publishing leaves out what this file names: the virtualenv,
# which the CLI builds from requirements.txt wherever the published pack runs, and bytecode.
{PACK_VENV}/
__pycache__/
"""


def _run(*command: str | Path) -> None:
    print("+", " ".join(str(part) for part in command), flush=True)
    subprocess.run([str(part) for part in command], cwd=ROOT, check=True)


def ensure_virtualenv(directory: Path, lock: str | Path) -> Path:
    """The python of a virtualenv in `directory` holding exactly `lock` (relative to the repository, or absolute),
    every package hash-checked; built afresh only when the lock has changed since it was last built."""
    python = directory / "bin" / "python"
    digest = hashlib.sha256((ROOT / lock).read_bytes()).hexdigest()
    stamp = directory / ".requirements.sha256"
    if python.exists() and stamp.exists() and stamp.read_text() == digest:
        return python
    # Afresh rather than over the old tree, so a package the lock no longer holds does not linger.
    venv.create(directory, clear=True, with_pip=True)
    _run(python, *PIP_INSTALL_FROM, lock)
    stamp.write_text(digest)
    return python


def ensure_environment() -> Path:
    return ensure_virtualenv(VENV, DEV_LOCK)


class NotAStageError(Exception):
    """A directory `pack` will not stage into: it holds something other than a staged pack."""


def _pack_sources() -> dict[Path, Path]:
    """Each file of the staged pack but its virtualenv and ignore file: its path in the stage, and its source."""
    sources = {Path(name): PACK_SOURCE / name for name in PACK_FILES}
    for package in PACK_PACKAGES:
        for module in sorted((ROOT / package).rglob("*.py")):
            if module != PACK_SOURCE / "__main__.py":  # the pack's entry point, staged at its top
                sources[module.relative_to(ROOT)] = module
    return sources


def _staged_files(stage: Path) -> dict[Path, bytes]:
    """The files in `stage` but its virtualenv and ignore file, with their contents."""
    found: dict[Path, bytes] = {}
    for directory, subdirectories, files in os.walk(stage):
        if Path(directory) == stage:
            subdirectories[:] = [name for name in subdirectories if name != PACK_VENV]
        for name in files:
            found[Path(directory, name).relative_to(stage)] = Path(directory, name).read_bytes()
    found.pop(Path(".gitignore"), None)
    return found


def stage_pack(stage: Path) -> Path:
    """Stages the policy pack in `stage` and returns the pack's python. A stage that already holds the pack as it
    is now is left as it is (so that a pack running from it is not disturbed); its virtualenv is rebuilt only when
    the lock has changed."""
    ignore_file = stage / ".gitignore"
    is_stage = ignore_file.is_file() and ignore_file.read_text().startswith(PACK_IGNORE.splitlines()[0])
    if stage.exists() and any(stage.iterdir()) and not is_stage:
        raise NotAStageError(f"{stage} is neither empty nor a staged policy pack: choose a new or empty directory")
    sources = _pack_sources()
    wanted = {path: source.read_bytes() for path, source in sources.items()}
    if not is_stage or ignore_file.read_text() != PACK_IGNORE or _staged_files(stage) != wanted:
        stage.mkdir(parents=True, exist_ok=True)
        # First, and kept while clearing: it marks the directory as a stage even if this staging is interrupted.
        ignore_file.write_text(PACK_IGNORE)
        for entry in stage.iterdir():
            if entry.name in (PACK_VENV, ignore_file.name):
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        for path, source in sources.items():
            (stage / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, stage / path)
    python = ensure_virtualenv(stage / PACK_VENV, stage / "requirements.txt")
    print(f"policy pack staged in {stage}", flush=True)
    return python


def check(python: Path, pytest_options: list[str]) -> int:
    """The whole check: the linter and formatter first (seconds), then the type checker beside the test suite."""
    bin_dir = python.parent
    _run(bin_dir / "ruff", "check", ".")
    _run(bin_dir / "ruff", "format", "--check", ".")
    # The staged pack's test runs it from its own virtualenv, which it finds ready.
    stage_pack(PACK_STAGE)
    # The type checker and the suite take about as long as each other and neither keeps two cores busy from
    # start to end, so they run together; the checker's report is printed after the suite's.
    print("+", bin_dir / "basedpyright", "(beside the tests)", flush=True)
    with subprocess.Popen(
        [bin_dir / "basedpyright"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as types:
        # One worker per core: each computes the stacks' graphs once and shares them with its tests.
        print("+", python, "-m pytest -n auto", *pytest_options, flush=True)
        tests = subprocess.run([python, "-m", "pytest", "-n", "auto", *pytest_options], cwd=ROOT, check=False)
        report, _ = types.communicate()
    print(report, end="", flush=True)
    return tests.returncode or types.returncode


def lock(python: Path, uv_options: list[str]) -> None:
    uv = python.parent / "uv"
    for source, output, constraints in LOCKS:
        _run(uv, *UV_COMPILE, *uv_options, *(f"--constraint={path}" for path in constraints), source, "-o", output)


def main(argv: list[str]) -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py runs under whatever python3 the machine has
        print("Python 3.11 or newer is required", file=sys.stderr)
        return 2
    task, *rest = argv or ["help"]
    if task not in ("preview", "test", "pack", "lock"):
        print(__doc__)
        return 0 if task == "help" else 2
    try:
        if task == "pack":
            stage_pack(Path(rest[0]).resolve() if rest else PACK_STAGE)
            return 0
        python = ensure_environment()
        if task == "preview":
            _run(python, "-m", "offline", rest[0] if rest else "prod")
        elif task == "lock":
            lock(python, rest)
        else:
            return check(python, rest)
    except NotAStageError as refused:
        print(refused, file=sys.stderr)
        return 2
    except subprocess.CalledProcessError as failure:
        return failure.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
