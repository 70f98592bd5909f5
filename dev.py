#!/usr/bin/env python3
"""Set up the project on a machine that has only Python 3.11+, then run one of its tasks.

    python3 dev.py preview [STACK]   offline preview of a stack (default prod): no cloud, no Pulumi CLI
    python3 dev.py test              the whole check: ruff, the type checker and the test suite

The virtualenv is `.venv` (the one Pulumi.yaml names, so `pulumi up` shares it); it is (re)installed
whenever a requirements file changes.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
REQUIREMENTS = ("requirements.txt", "requirements-dev.txt", "policies/requirements.txt")


def _run(*command: str | Path) -> None:
    print("+", " ".join(str(part) for part in command), flush=True)
    subprocess.run([str(part) for part in command], cwd=ROOT, check=True)


def ensure_environment() -> Path:
    python = VENV / "bin" / "python"
    if not python.exists():
        venv.create(VENV, with_pip=True)
    digest = hashlib.sha256(b"".join((ROOT / name).read_bytes() for name in REQUIREMENTS)).hexdigest()
    stamp = VENV / ".requirements.sha256"
    if not stamp.exists() or stamp.read_text() != digest:
        _run(python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", "requirements-dev.txt")
        stamp.write_text(digest)
    return python


def main(argv: list[str]) -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py runs under whatever python3 the machine has
        print("Python 3.11 or newer is required", file=sys.stderr)
        return 2
    task, *rest = argv or ["help"]
    if task not in ("preview", "test"):
        print(__doc__)
        return 0 if task == "help" else 2
    python = ensure_environment()
    try:
        if task == "preview":
            _run(python, "-m", "offline", rest[0] if rest else "prod")
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
