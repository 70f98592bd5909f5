"""Reads a stack's configuration the way the Pulumi CLI hands it to a program: namespaced keys, JSON text."""

from __future__ import annotations

import copy
import json
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


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        document = yaml.safe_load(path.read_text()) or {}
    except (OSError, yaml.YAMLError) as error:
        raise StackFileError(f"cannot read {path}: {error}") from None
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
