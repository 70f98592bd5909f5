"""Reads a stack's configuration the way the Pulumi CLI hands it to a program: namespaced keys, JSON text."""

from __future__ import annotations

import copy
import difflib
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

PROJECT_DIR = Path(__file__).resolve().parent.parent


class _Remove:
    def __repr__(self) -> str:
        return "offline.REMOVE"


REMOVE: Any = _Remove()
"""An override value that deletes the key, to test what happens when a setting is missing."""


class StackFileError(Exception):
    """A stack or project file that cannot be read, or an override that does not fit it."""


def stack_file(stack: str, project_dir: Path = PROJECT_DIR) -> Path:
    return project_dir / f"Pulumi.{stack}.yaml"


def stack_of(path: Path) -> str:
    """The stack whose stack file is `path`: `prod` for `Pulumi.prod.yaml`."""
    return path.name.removeprefix("Pulumi.").removesuffix(".yaml")


def stacks_in(project_dir: Path) -> list[str]:
    """The stacks that have a stack file in `project_dir`."""
    return sorted(stack_of(path) for path in project_dir.glob("Pulumi.*.yaml"))


def _no_stack_file(path: Path) -> str:
    """Which stacks there are instead, and the one most like the stack asked for (a typo, most likely)."""
    stacks = stacks_in(path.parent)
    if not stacks:
        return f"no stack file {path}, nor any other Pulumi.<stack>.yaml there"
    closest = difflib.get_close_matches(stack_of(path), stacks, n=1)
    suggestion = f". Did you mean {closest[0]!r}?" if closest else ""
    return f"no stack file {path}; the stacks with one are {', '.join(stacks)}{suggestion}"


# A line that starts a mapping key, `key:` or `- key:`; the length of `indent` is the key's column.
_KEY_LINE = re.compile(r"""(?P<indent>[ \t]*(?:-[ \t]+)*)(?P<key>"[^"]*"|'[^']*'|[^\s#"'-][^#]*?):(?:[ \t]|$)""")
# An unclosed bracket or quote is only noticed where the file goes on, often at a later key; the error is in the
# key where the construct opened, which PyYAML marks as the error's context.
_OPENED_CONSTRUCTS = ("while parsing a flow sequence", "while parsing a flow mapping", "while scanning a quoted scalar")


def _key_around(lines: list[str], line: int, column: int) -> str:
    """`in <key>` or `after <key>`: the dotted config key whose line holds the position, or the nearest above it
    (`after` when that key's value ended on its own line), under the less-indented keys above it. Empty when no
    key precedes the position."""
    before = [*lines[:line], lines[line][:column] if line < len(lines) else ""]
    key_lines = [(index, match) for index in reversed(range(len(before))) if (match := _KEY_LINE.match(before[index]))]
    if not key_lines:
        return ""
    index, innermost = key_lines[0]
    value = before[index][innermost.end() :].strip()
    preposition = "after" if index != line and value and not value.startswith("#") else "in"
    path = [innermost]
    for _, match in key_lines[1:]:
        if len(match.group("indent")) < len(path[-1].group("indent")):
            path.append(match)
    keys = [match.group("key").strip("\"'") for match in reversed(path)]
    # The stack file's `config:` is where every key lives; the reader knows keys as `sentinel:section.key`.
    if keys[0] == "config" and len(keys) > 1:
        keys = keys[1:]
    return f"{preposition} {'.'.join(keys)}"


def _yaml_error(path: Path, text: str, error: yaml.MarkedYAMLError) -> str:
    """The file, line and column of a YAML error, the config key around it, and PyYAML's problem."""
    problem, mark = error.problem or str(error), error.problem_mark or error.context_mark
    if mark is None:
        return f"{path} is not valid YAML: {problem}"
    opened = error.context_mark if error.context in _OPENED_CONSTRUCTS else None
    around = opened or mark
    key = _key_around(text.splitlines(), around.line, around.column)
    where = f"line {mark.line + 1}, column {mark.column + 1}" + (f", {key}" if key else "")
    if opened is not None:
        problem += f", {error.context} opened at line {opened.line + 1}, column {opened.column + 1}"
    if "'\\t'" in problem:
        problem += " (a tab: YAML takes spaces here)"
    return f"{path} is not valid YAML: {where}: {problem}"


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text()
    except OSError as error:
        raise StackFileError(f"cannot read {path}: {error}") from None
    try:
        document = yaml.safe_load(text) or {}
    except yaml.MarkedYAMLError as error:
        raise StackFileError(_yaml_error(path, text, error)) from None
    except yaml.YAMLError as error:
        raise StackFileError(f"{path} is not valid YAML: {error}") from None
    if not isinstance(document, dict):
        raise StackFileError(f"{path} must hold a mapping")
    return document


def _project_defaults(project_file: Path) -> tuple[str, dict[str, Any]]:
    """The project name and the `config:` defaults of Pulumi.yaml (short form or `{default: ...}`)."""
    project = _read_yaml(project_file)
    name = str(project.get("name", ""))
    defaults: dict[str, Any] = {}
    for key, value in (project.get("config") or {}).items():
        full_key = key if ":" in key else f"{name}:{key}"
        if isinstance(value, dict) and ("default" in value or "value" in value):
            defaults[full_key] = value.get("value", value.get("default"))
        elif not isinstance(value, dict):
            defaults[full_key] = value
    return name, defaults


def _replace_secure(value: Any, key: str) -> tuple[Any, bool]:
    """Swap `secure:` ciphertexts (which only the CLI can decrypt) for readable placeholders."""
    if isinstance(value, dict):
        if set(value) == {"secure"}:
            return f"offline-secret-for-{key}", True
        found = False
        replaced: dict[str, Any] = {}
        for sub_key, sub_value in value.items():
            replaced[sub_key], sub_found = _replace_secure(sub_value, key)
            found = found or sub_found
        return replaced, found
    if isinstance(value, list):
        results = [_replace_secure(item, key) for item in value]
        return [item for item, _ in results], any(found for _, found in results)
    return value, False


def _apply_override(config: dict[str, Any], path: str, value: Any) -> None:
    """`namespace:key` or `namespace:key.nested.path` (like `pulumi config set --path`)."""
    key, _, nested = path.partition(".")
    if ":" not in key:
        raise StackFileError(f"override {path!r} must name a namespaced key such as sentinel:network.vpcCidr")
    if not nested:
        if value is REMOVE:
            config.pop(key, None)
        else:
            config[key] = value
        return
    target = config.setdefault(key, {})
    parts = nested.split(".")
    for part in parts[:-1]:
        if not isinstance(target, dict):
            raise StackFileError(f"override {path!r}: {part!r} is inside a value that is not a mapping")
        target = target.setdefault(part, {})
    if not isinstance(target, dict):
        raise StackFileError(f"override {path!r}: the parent of {parts[-1]!r} is not a mapping")
    if value is REMOVE:
        target.pop(parts[-1], None)
    else:
        target[parts[-1]] = value


def _as_config_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def load(path: Path, overrides: Mapping[str, Any] | None = None) -> tuple[str, dict[str, str], list[str]]:
    """The project name, the config map a program would see, and which keys are secret."""
    if not path.is_file():
        raise StackFileError(_no_stack_file(path))
    project_name, config = _project_defaults(path.parent / "Pulumi.yaml")
    secret_keys: list[str] = []
    for key, value in (_read_yaml(path).get("config") or {}).items():
        full_key = key if ":" in key else f"{project_name}:{key}"
        config[full_key], is_secret = _replace_secure(value, full_key)
        if is_secret:
            secret_keys.append(full_key)
    config = copy.deepcopy(config)
    for override_path, value in (overrides or {}).items():
        _apply_override(config, override_path, value)
    return project_name, {key: _as_config_text(value) for key, value in config.items()}, secret_keys
