"""How config problems reach the user: one line per problem, naming the full key, the value (unless it is
secret) and what is allowed; all of them at once, in one `ConfigError`."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from typing import Any, get_args, get_origin

import pulumi
from pydantic import BaseModel
from pydantic_core import ErrorDetails

from components.config.types import Key, SectionError, dotted, section_type


class ConfigError(pulumi.RunError):
    """Invalid stack configuration. A RunError, so `pulumi up` prints the message without a traceback."""

    def __init__(self, stack: str, problems: list[str]) -> None:
        self.stack = stack
        self.problems = problems
        listing = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"invalid configuration for stack {stack!r} ({len(problems)} problem(s)):\n{listing}")


def section_model(root: type[BaseModel], key: Key) -> type[BaseModel] | None:
    """The model class that validates the mapping at `key`, or None where no model does (a plain value, or
    the values of a mapping such as `apps`)."""
    model: type[BaseModel] | None = root
    parts = list(key)
    while parts:
        part = parts.pop(0)
        if model is None or not isinstance(part, str):
            return None
        field = next((f for n, f in model.model_fields.items() if (f.alias or n) == part), None)
        if field is None:
            return None
        annotation = field.annotation
        if get_origin(annotation) is dict:
            if not parts:
                return None
            parts.pop(0)  # the mapping's own key, such as an app's name
            annotation = get_args(annotation)[1]
        model = section_type(annotation)
    return model


def lookup(raw: Any, key: Key) -> Any:
    value = raw
    for part in key:
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            return None
    return value


def problem(key: Key, raw: Mapping[str, Any], message: str, secret_keys: Collection[str] = ()) -> str:
    """One problem's line. The value of a key stored as a secret is never shown."""
    if key and key[0] in secret_keys:
        shown = " (secret value not shown)"
    else:
        value = lookup(raw, key)
        shown = "" if value is None else f" = {json.dumps(value, default=str)}"
    return f"{dotted(key)}{shown}: {message}"


def describe(
    root: type[BaseModel], error: ErrorDetails, raw: Mapping[str, Any], secret_keys: Collection[str]
) -> list[str]:
    """The lines of one pydantic error; a SectionError carries several problems with keys of their own."""
    key: Key = tuple(part for part in error["loc"] if not (isinstance(part, str) and "[" in part))
    raised = error.get("ctx", {}).get("error")
    if error["type"] == "value_error" and isinstance(raised, SectionError):
        return [problem(key + sub, raw, message, secret_keys) for sub, message in raised.problems]
    if error["type"] == "extra_forbidden":
        parent = section_model(root, key[:-1])
        allowed = f"; allowed keys: {', '.join(f.alias or n for n, f in parent.model_fields.items())}" if parent else ""
        return [f"{dotted(key)}: unknown key (a typo?){allowed}"]
    if error["type"] == "missing":
        return [f"{dotted(key)}: required, but not set"]
    return [problem(key, raw, error["msg"].removeprefix("Value error, "), secret_keys)]
