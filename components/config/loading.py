"""Reading the stack's config: the `sentinel:*` keys as the Pulumi CLI hands them to the program, each
environment's defaults filled in, validated in one pass, secrets kept secret.

The CLI's Python language host passes config to the program in the environment (`PULUMI_CONFIG`, and the
secret keys in `PULUMI_CONFIG_SECRET_KEYS`); the SDK's public `get_config_env` and
`get_config_secret_keys_env` read them. The offline engine hands config over the same way.

A key stored as a secret is marked secret as a whole (`sentinel:workloads` for one `secure:` value in it), so
whether each secret setting is encrypted is read from the stack file itself, where the CLI finds it.
"""

from __future__ import annotations

import copy
import difflib
import json
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar, get_args

import pulumi
import yaml
from pydantic import BaseModel, ValidationError

from components.config.cloudflare import api_token
from components.config.errors import ConfigError, describe, lookup, problem
from components.config.stack import StackConfig
from components.config.types import NAMESPACE, Key, Secret, dotted, model_defaults, section_type

ModelT = TypeVar("ModelT", bound=BaseModel)

# The config namespaces something reads: this program's settings, the engine's own
# (`pulumi:disable-default-providers`), and `cloudflare:apiToken`, which the program hands its Cloudflare provider.
# The program builds every provider explicitly (default providers are disabled), so an `aws:region` or a
# `kubernetes:context` would be ignored without a word: they are refused like a typo.
NAMESPACES = frozenset({NAMESPACE, "pulumi", "cloudflare"})


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


def _stored_in_plain_text(stored: Mapping[str, Any], key: Key) -> bool:
    """Whether the stack file holds the setting at `key` as plain text rather than a `secure:` ciphertext."""
    value = lookup(stored, key)
    return value is not None and not (isinstance(value, Mapping) and set(value) == {"secure"})


def _secret_problems(
    model: type[BaseModel], raw: Mapping[str, Any], secret_keys: Collection[str], stored: Mapping[str, Any]
) -> Iterator[str]:
    """Secret settings stored in plain text, and plain settings stored as secrets: neither would stay secret."""
    secrets = list(secret_settings(model))
    for key in secrets:
        if lookup(raw, key) is None:
            continue
        command = f"`pulumi config set --secret --path '{dotted(key)}'`"
        if key[0] not in secret_keys:
            yield problem(
                key,
                {},
                f"is a secret: store it encrypted with {command}, or it sits in the stack file and the state in "
                "plain text",
            )
        elif _stored_in_plain_text(stored, key):
            yield problem(
                key,
                {},
                f"is a secret, stored in plain text in the stack file: store it encrypted with {command}; an "
                f"encrypted value elsewhere in {dotted(key[:1])} marks that whole key secret, so the state would "
                "hide it but the stack file would not",
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


def _namespace_problems(config: Mapping[str, Any], namespaces: Collection[str]) -> Iterator[str]:
    """Keys in a namespace nothing reads, such as a misspelt `sentinal:database`: their settings would be ignored."""
    allowed = sorted(namespaces)
    for key in sorted(config):
        namespace = key.partition(":")[0]
        if namespace in namespaces:
            continue
        closest = difflib.get_close_matches(namespace, allowed, n=1)
        typo = f" (a typo of {closest[0]!r}?)" if closest else ""
        yield (
            f"{key}: unknown config namespace {namespace!r}{typo}, which nothing reads; allowed namespaces: "
            f"{', '.join(allowed)}"
        )


def stack_file_config(project_dir: Path, stack: str) -> dict[str, Any]:
    """The `config:` of the stack's file as stored, `secure:` ciphertexts intact; empty when the stack keeps none
    there (its config set elsewhere, such as a Pulumi ESC environment)."""
    path = project_dir / f"Pulumi.{stack}.yaml"
    if not path.is_file():
        return {}
    document = yaml.safe_load(path.read_text())
    config = document.get("config") if isinstance(document, dict) else None
    return config if isinstance(config, dict) else {}


def _decode(value: Any) -> Any:
    """Pulumi hands structured config values to programs as JSON text; plain strings stay strings."""
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def _below_namespace(config: Mapping[str, Any]) -> dict[str, Any]:
    prefix = f"{NAMESPACE}:"
    return {key.removeprefix(prefix): _decode(value) for key, value in config.items() if key.startswith(prefix)}


def validate(
    model: type[ModelT],
    stack: str,
    config: Mapping[str, Any],
    secret_keys: Collection[str] = (),
    *,
    namespaces: Collection[str] = NAMESPACES,
    stored: Mapping[str, Any] | None = None,
) -> ModelT:
    """Validate every `sentinel:*` key of `config` (as Pulumi passes it: namespaced keys, JSON text values)
    against `model`; `secret_keys` are the full keys stored as secrets, `namespaces` those `config` may use, and
    `stored` the stack file's `config:` as written (`secure:` intact), where there is one. Raises ConfigError
    listing every problem."""
    raw = _below_namespace(config)
    secret = {key.removeprefix(f"{NAMESPACE}:") for key in secret_keys if key.startswith(f"{NAMESPACE}:")}
    environment = raw.get("environment")
    merged = with_defaults(model, raw, environment if isinstance(environment, str) else "")
    problems = [
        *_namespace_problems(config, namespaces),
        *_secret_problems(model, merged, secret, _below_namespace(stored or {})),
    ]
    try:
        # The stack's name is context: a stack named for an environment must have it (StackConfig).
        validated = model.model_validate(merged, context={"stack": stack})
    except ValidationError as error:
        problems += [line for item in error.errors() for line in describe(model, item, merged, secret)]
        raise ConfigError(stack, problems) from None
    if problems:
        raise ConfigError(stack, problems)
    return validated


def parse(
    stack: str,
    config: Mapping[str, Any],
    secret_keys: Collection[str] = (),
    *,
    namespaces: Collection[str] = NAMESPACES,
    stored: Mapping[str, Any] | None = None,
) -> StackConfig:
    """The stack config of `config`, or ConfigError naming every problem."""
    return validate(StackConfig, stack, config, secret_keys, namespaces=namespaces, stored=stored)


def load(*, test_namespaces: Collection[str] = ()) -> StackConfig:
    """Read and validate the running stack's configuration. `test_namespaces` are namespaces a test harness adds
    for itself (tests/programs.py's `tests:wiring`); the program passes none, so no stack file can use them."""
    stack = pulumi.get_stack()
    project_dir = pulumi.get_root_directory()  # unset under the offline engine's mocks
    return parse(
        stack,
        pulumi.runtime.get_config_env(),
        pulumi.runtime.get_config_secret_keys_env(),
        namespaces=NAMESPACES | set(test_namespaces),
        stored=stack_file_config(Path(project_dir), stack) if project_dir else None,
    )


def load_cloudflare_api_token() -> Secret | None:
    """The running stack's Cloudflare API token (tier 11, the edge), if it stores one."""
    return api_token(pulumi.get_stack(), pulumi.runtime.get_config_env(), pulumi.runtime.get_config_secret_keys_env())
