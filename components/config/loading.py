"""Reading the stack's config: the `sentinel:*` keys as the Pulumi CLI hands them to the program, each
environment's defaults filled in, validated in one pass, secrets kept secret.

The CLI's Python language host passes config to the program in the environment (`PULUMI_CONFIG`, and the
secret keys in `PULUMI_CONFIG_SECRET_KEYS`); the SDK's public `get_config_env` and
`get_config_secret_keys_env` read them. The offline engine hands config over the same way.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Collection, Iterator, Mapping
from typing import Any, TypeVar, get_args

import pulumi
from pydantic import BaseModel, ValidationError

from components.config.cloudflare import api_token
from components.config.errors import ConfigError, describe, lookup, problem
from components.config.stack import StackConfig
from components.config.types import NAMESPACE, Key, Secret, dotted, model_defaults, section_type

ModelT = TypeVar("ModelT", bound=BaseModel)


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def with_defaults(model: type[BaseModel], raw: Mapping[str, Any], environment: str) -> dict[str, Any]:
    """`raw` with every per-environment default that `model` and its sections declare filled in where the
    stack file says nothing, and merged under it where both are mappings."""
    filled = dict(raw)
    for key, default in model_defaults(model).items():
        value = copy.deepcopy(default.for_environment(environment))
        if key not in filled:
            filled[key] = value
        elif isinstance(value, Mapping) and isinstance(filled[key], Mapping):
            filled[key] = deep_merge(value, filled[key])
    for name, field in model.model_fields.items():
        key = field.alias or name
        section = section_type(field.annotation)
        if section is None:
            continue
        present = filled.get(key)
        if isinstance(present, Mapping):
            filled[key] = with_defaults(section, present, environment)
        elif key not in filled and not field.is_required():
            # An omitted optional section still gets its environment's defaults.
            section_defaults = with_defaults(section, {}, environment)
            if section_defaults:
                filled[key] = section_defaults
    return filled


def secret_settings(model: type[BaseModel], prefix: Key = ()) -> Iterator[Key]:
    """The key of every setting that holds a `Secret`."""
    for name, field in model.model_fields.items():
        key = (*prefix, field.alias or name)
        if Secret in (field.annotation, *get_args(field.annotation)):
            yield key
        section = section_type(field.annotation)
        if section is not None:
            yield from secret_settings(section, key)


def _secret_problems(model: type[BaseModel], raw: Mapping[str, Any], secret_keys: Collection[str]) -> Iterator[str]:
    """Secret settings stored in plain text, and plain settings stored as secrets: neither would stay secret."""
    secrets = list(secret_settings(model))
    for key in secrets:
        if key[0] not in secret_keys and lookup(raw, key) is not None:
            yield problem(
                key,
                {},
                f"is a secret: store it encrypted with `pulumi config set --secret --path '{dotted(key)}'`, or it "
                "sits in the stack file and the state in plain text",
            )
    for top in sorted(secret_keys):
        known = {field.alias or name for name, field in model.model_fields.items()}
        if top in known and not any(key[0] == top for key in secrets):
            yield problem(
                (top,),
                {},
                "is stored as a secret, but no setting in it is secret, so resources would receive it in plain "
                "text; store it with `pulumi config set` (without --secret)",
                secret_keys,
            )


def _decode(value: Any) -> Any:
    """Pulumi hands structured config values to programs as JSON text; plain strings stay strings."""
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def validate(model: type[ModelT], stack: str, config: Mapping[str, Any], secret_keys: Collection[str] = ()) -> ModelT:
    """Validate every `sentinel:*` key of `config` (as Pulumi passes it: namespaced keys, JSON text values)
    against `model`; `secret_keys` are the full keys stored as secrets. Raises ConfigError listing every
    problem."""
    prefix = f"{NAMESPACE}:"
    raw = {key.removeprefix(prefix): _decode(value) for key, value in config.items() if key.startswith(prefix)}
    secret = {key.removeprefix(prefix) for key in secret_keys if key.startswith(prefix)}
    environment = raw.get("environment")
    merged = with_defaults(model, raw, environment if isinstance(environment, str) else "")
    problems = list(_secret_problems(model, merged, secret))
    try:
        validated = model.model_validate(merged)
    except ValidationError as error:
        problems += [line for item in error.errors() for line in describe(model, item, merged, secret)]
        raise ConfigError(stack, problems) from None
    if problems:
        raise ConfigError(stack, problems)
    return validated


def parse(stack: str, config: Mapping[str, Any], secret_keys: Collection[str] = ()) -> StackConfig:
    """The stack config of `config`, or ConfigError naming every problem."""
    return validate(StackConfig, stack, config, secret_keys)


def load() -> StackConfig:
    """Read and validate the running stack's configuration."""
    return parse(pulumi.get_stack(), pulumi.runtime.get_config_env(), pulumi.runtime.get_config_secret_keys_env())


def load_cloudflare_api_token() -> Secret | None:
    """The running stack's Cloudflare API token (tier 11, the edge), if it stores one."""
    return api_token(pulumi.get_stack(), pulumi.runtime.get_config_env(), pulumi.runtime.get_config_secret_keys_env())
