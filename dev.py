#!/usr/bin/env python3
"""Set up the project on a machine that has only Python 3.11+, then run one of its tasks.

    python3 dev.py preview [STACK]   offline preview of a stack (default prod): no cloud, no Pulumi CLI
    python3 dev.py test              the whole check: ruff, the type checker and the test suite
    python3 dev.py lock [UV OPTION]  recompile the hashed locks (requirements*.txt) from the *.in files;
                                     e.g. `--upgrade-package grpcio` or `--upgrade` moves unpinned packages

The virtualenv is `.venv` (the one Pulumi.yaml names, so `pulumi up` shares it); it is rebuilt from
requirements-dev.txt, every package hash-checked, whenever that lock changes.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
# The whole tree the tasks need: the program's lock plus the preview and test tools, at the same versions.
DEV_LOCK = "requirements-dev.txt"
PIP_INSTALL = ("-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--require-hashes", "-r", DEV_LOCK)
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
# (source, lock, constraints). The program's lock, which holds the policy pack's SDKs too since both run in
# .venv, comes first; the others are held to its versions so that installing them over it moves nothing.
LOCKS = (
    ("requirements.in", "requirements.txt", ()),
    ("policies/requirements.in", "policies/requirements.txt", ("requirements.txt",)),
    ("requirements-dev.in", DEV_LOCK, ("requirements.txt",)),
)


def _run(*command: str | Path) -> None:
    print("+", " ".join(str(part) for part in command), flush=True)
    subprocess.run([str(part) for part in command], cwd=ROOT, check=True)


def ensure_environment() -> Path:
    python = VENV / "bin" / "python"
    digest = hashlib.sha256((ROOT / DEV_LOCK).read_bytes()).hexdigest()
    stamp = VENV / ".requirements.sha256"
    if python.exists() and stamp.exists() and stamp.read_text() == digest:
        return python
    # Afresh rather than over the old tree, so a package the lock no longer holds does not linger.
    venv.create(VENV, clear=True, with_pip=True)
    _run(python, *PIP_INSTALL)
    stamp.write_text(digest)
    return python


def lock(python: Path, uv_options: list[str]) -> None:
    uv = python.parent / "uv"
    for source, output, constraints in LOCKS:
        _run(uv, *UV_COMPILE, *uv_options, *(f"--constraint={path}" for path in constraints), source, "-o", output)


def main(argv: list[str]) -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py runs under whatever python3 the machine has
        print("Python 3.11 or newer is required", file=sys.stderr)
        return 2
    task, *rest = argv or ["help"]
    if task not in ("preview", "test", "lock"):
        print(__doc__)
        return 0 if task == "help" else 2
    python = ensure_environment()
    try:
        if task == "preview":
            _run(python, "-m", "offline", rest[0] if rest else "prod")
        elif task == "lock":
            lock(python, rest)
        else:
            bin_dir = python.parent
            _run(bin_dir / "ruff", "check", ".")
            _run(bin_dir / "ruff", "format", "--check", ".")
            _run(bin_dir / "basedpyright")
            _run(python, "-m", "pytest", *rest)
    except subprocess.CalledProcessError as failure:
        return failure.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
