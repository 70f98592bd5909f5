"""Which policy config a stack's policies run under: the one file that both the offline runner and the
workflows (through `python -m offline.policy_config STACK`) hand to the policy pack.

A stack's own `policies/config/stacks/<stack>.json` wins; otherwise the stack runs at its environment's
levels, `policies/config/<environment>.json`, where the environment is `sentinel:environment` of its stack
file. So a short-lived stack such as `pr-123` with `environment: dev` gets dev's levels without a file of its
own. The file chosen is used whole: levels are never merged across files, so the path printed is all a reader
needs to know what applies.

    .venv/bin/python -m offline.policy_config STACK   prints the path, relative to the repository root
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from offline import stackfiles

CONFIG_DIR = stackfiles.PROJECT_DIR / "policies" / "config"


class PolicyConfigError(Exception):
    """A stack whose policy config cannot be chosen: no file of its own and no environment with one."""


def shown(path: Path) -> str:
    """A path as the reader wants it: relative to the repository root when it lies inside."""
    return str(path.relative_to(stackfiles.PROJECT_DIR) if path.is_relative_to(stackfiles.PROJECT_DIR) else path)


def policy_config_path(stack: str, stack_path: Path | None = None) -> Path:
    """The policy config of `stack` (whose stack file is `stack_path`, by default `Pulumi.<stack>.yaml` in
    the project): `stacks/<stack>.json` if the stack has one, else `<environment>.json`."""
    own = CONFIG_DIR / "stacks" / f"{stack}.json"
    if own.exists():
        return own
    path = stack_path or stackfiles.stack_file(stack)
    project, config, _ = stackfiles.load(path)
    key = f"{project}:environment"
    environment = config.get(key)
    if not environment:
        raise PolicyConfigError(
            f"{path} does not set {key}, which chooses the stack's policy config "
            f"({shown(CONFIG_DIR)}/<environment>.json); set it, or give the stack its own {shown(own)}"
        )
    by_environment = CONFIG_DIR / f"{environment}.json"
    if not by_environment.exists():
        known = sorted(candidate.stem for candidate in CONFIG_DIR.glob("*.json"))
        raise PolicyConfigError(
            f"{path}: {key} is {environment!r}, which has no policy config; environments with one: {', '.join(known)}"
        )
    return by_environment


def load_policy_config(stack: str, stack_path: Path | None = None) -> dict[str, Any]:
    """The policy config `policy_config_path` chooses, parsed."""
    return json.loads(policy_config_path(stack, stack_path).read_text())


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m offline.policy_config STACK", file=sys.stderr)
        return 2
    try:
        path = policy_config_path(argv[0])
    except (PolicyConfigError, stackfiles.StackFileError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(shown(path))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
