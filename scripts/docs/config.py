"""The configuration reference (docs/config.md): every key of the stack config model, with its type, bounds and
checks, its default in each environment, and its description, from the pydantic fields and their docstrings."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import AfterValidator, BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from components.config.stack import StackConfig
from components.config.types import ENVIRONMENTS, NAMESPACE, ByEnvironment, Secret, section_type
from scripts.docs import DocsError
from scripts.docs.markdown import code, one_line, table, value_text


@dataclass(frozen=True)
class ConfigKey:
    key: str
    type: str
    default: str
    description: str


_ACRONYMS = {"dns": "DNS", "ipv4": "IPv4", "cidr": "CIDR", "arn": "ARN", "url": "URL", "vpc": "VPC", "https": "HTTPS"}


def _words(name: str) -> str:
    words = name.strip("_").removeprefix("require_").split("_")
    return " ".join(_ACRONYMS.get(word, word) for word in words)


def _validator_name(validator: AfterValidator) -> str:
    function = validator.func
    if isinstance(function, partial):
        qualifier = next((arg for arg in function.args if isinstance(arg, str) and arg.isalpha()), None)
        name = _words(function.func.__name__)
        return f"{qualifier} {name}" if qualifier else name
    return _words(getattr(function, "__name__", "checked"))


def _flattened(declared: Sequence[Any]) -> list[Any]:
    """A field's metadata; a `Field(...)` nested in an annotation (list[Annotated[float, Field(ge=0)]]) keeps its
    own."""
    return [item for marker in declared for item in (marker.metadata if isinstance(marker, FieldInfo) else [marker])]


_LIMITS = {
    "ge": "at least {}",
    "gt": "above {}",
    "le": "at most {}",
    "lt": "below {}",
    "min_length": "{} or more items",
    "max_length": "at most {} items",
}


def _bounds(metadata: Sequence[Any]) -> list[str]:
    """The numeric and length bounds a field's metadata declares, as text."""
    found = {
        name: getattr(marker, name)
        for marker in metadata
        for name in _LIMITS
        if getattr(marker, name, None) is not None
    }
    texts = []
    for low, high, unit in (("ge", "le", ""), ("min_length", "max_length", " items")):
        if low in found and high in found:
            texts.append(f"{_shown_number(found.pop(low))} to {_shown_number(found.pop(high))}{unit}")
    return texts + [_LIMITS[name].format(_shown_number(value)) for name, value in found.items()]


def _checks(metadata: Sequence[Any]) -> list[str]:
    """The validators and patterns a field's metadata declares, by name."""
    checks = [_validator_name(marker) for marker in metadata if isinstance(marker, AfterValidator)]
    checks += [
        f"matching `{marker.pattern}`" for marker in metadata if isinstance(getattr(marker, "pattern", None), str)
    ]
    return checks


def _shown_number(number: Any) -> str:
    return f"{number:g}" if isinstance(number, float) else str(number)


_BASE_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean"}


def type_text(annotation: Any, metadata: Sequence[Any] = ()) -> str:
    """A field's type as a reader needs it: the kind of value, what it may hold, and its bounds."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return type_text(args[0], [*annotation.__metadata__, *metadata])
    if origin in (Union, UnionType):
        present = [arg for arg in args if arg is not type(None)]
        inner = " or ".join(type_text(arg) for arg in present)
        return f"{type_text(present[0], metadata) if len(present) == 1 else inner}, optional"
    metadata = _flattened(metadata)
    bounds, checks = _bounds(metadata), _checks(metadata)
    if origin is Literal:
        text = "one of " + ", ".join(code(arg) for arg in args)
    elif origin is list:
        text = f"list of {type_text(args[0])}"
    elif origin is dict:
        text = f"mapping of {type_text(args[0])} to {type_text(args[1])}"
    elif annotation is Secret:
        text = "**secret** string"
    elif section_type(annotation) is not None:
        text = "section"
    else:
        text = _BASE_TYPES.get(annotation, getattr(annotation, "__name__", str(annotation)))
    named = [check for check in checks if check != "unique"]
    if named:
        text += f" ({', '.join(named)})"
    if "unique" in checks:
        text += ", no repeats"
    if bounds:
        text += ", " + ", ".join(bounds)
    return text


def _by_environment(values: Mapping[str, Any]) -> str:
    """One text if every environment has the same value, else each environment's."""
    shown = {environment: value_text(value) for environment, value in values.items()}
    if len(set(shown.values())) == 1:
        return next(iter(shown.values()))
    return "; ".join(f"{environment}: {text}" for environment, text in shown.items())


def _marker(field: FieldInfo) -> ByEnvironment[Any] | None:
    return next((marker for marker in field.metadata if isinstance(marker, ByEnvironment)), None)


def _own_default(field: FieldInfo) -> Any:
    """The field's default in every environment, or PydanticUndefined if the stack must set it."""
    return field.get_default(call_default_factory=True, validated_data={})


_MISSING = object()


def _lookup(mapping: Any, path: Sequence[str]) -> Any:
    for part in path:
        if not isinstance(mapping, Mapping) or part not in mapping:
            return _MISSING
        mapping = mapping[part]
    return mapping


@dataclass(frozen=True)
class _Inherited:
    """The default of a mapping of sections (such as `apps`), which fixes the defaults of the keys below it."""

    by_environment: Mapping[str, Mapping[str, Any]]
    path: tuple[str, ...] = ()


def _default_text(field: FieldInfo, key: str, inherited: _Inherited | None) -> str:
    marker = _marker(field)
    own = _own_default(field)
    if inherited is not None:
        per_environment: dict[str, Any] = {}
        for environment, entries in inherited.by_environment.items():
            values = {name: _lookup(entry, (*inherited.path, key)) for name, entry in entries.items()}
            values = {name: own if value is _MISSING else value for name, value in values.items()}
            if any(value is PydanticUndefined for value in values.values()):
                return "required"
            shown = {value_text(value) for value in values.values()}
            per_environment[environment] = next(iter(values.values())) if len(shown) == 1 else values
        return _by_environment(per_environment)
    if marker is not None:
        return _by_environment({environment: marker.for_environment(environment) for environment in ENVIRONMENTS})
    if own is PydanticUndefined:
        return "required"
    return value_text(own)


def _description(model: type[BaseModel], name: str, field: FieldInfo, key: str) -> str:
    if not field.description:
        raise DocsError(
            f"{model.__module__}.{model.__name__}.{name} ({key}) has no description: give the field a docstring"
        )
    return one_line(field.description)


def config_keys(
    model: type[BaseModel] = StackConfig, prefix: str = f"{NAMESPACE}:", inherited: _Inherited | None = None
) -> Iterator[ConfigKey]:
    """Every key of `model` and the sections below it, in declaration order: sections first as a row of their
    own, then their keys."""
    for name, field in model.model_fields.items():
        alias = field.alias or name
        key = f"{prefix}{alias}"
        annotation = field.annotation
        description = _description(model, name, field, key)
        default = _section_default(field, alias, inherited)
        yield ConfigKey(key, type_text(annotation, field.metadata), default, description)
        if get_origin(annotation) is dict and (values := section_type(get_args(annotation)[1])) is not None:
            marker = _marker(field)
            placeholder = f"<{alias.removesuffix('s')}>"
            entries = None
            if marker is not None:
                entries = _Inherited({environment: marker.for_environment(environment) for environment in ENVIRONMENTS})
            yield from config_keys(values, f"{key}.{placeholder}.", entries)
        elif (section := section_type(annotation)) is not None:
            below = None if inherited is None else _Inherited(inherited.by_environment, (*inherited.path, alias))
            yield from config_keys(section, f"{key}.", below)


def _section_default(field: FieldInfo, alias: str, inherited: _Inherited | None) -> str:
    """A section's default: the names a mapping of sections holds by default; nothing for a section, whose
    keys have their own defaults."""
    annotation = field.annotation
    marker = _marker(field)
    if get_origin(annotation) is dict and section_type(get_args(annotation)[1]) is not None:
        if marker is None:
            return "none"
        return _by_environment({environment: list(marker.for_environment(environment)) for environment in ENVIRONMENTS})
    if section_type(annotation) is not None:
        if field.is_required() and marker is None and inherited is None:
            return "required"
        return "unset" if field.default is None else ""
    return _default_text(field, alias, inherited)


def config_reference() -> str:
    """The stack's own settings in one table, then a table per section (`apps` among them) of the keys below it."""
    keys = list(config_keys())
    header = ["Key", "Type", "Default", "Description"]
    top = [key for key in keys if "." not in key.key]
    below = {key.key: [other for other in keys if other.key.startswith(f"{key.key}.")] for key in top}
    parts = ["### The stack\n", table(header, [_row(key) for key in top if not below[key.key]])]
    for section in (key for key in top if below[key.key]):
        parts += [f"### `{section.key}`\n", f"{section.description}{_section_note(section)}\n"]
        parts.append(table(header, [_row(key) for key in below[section.key]]))
    return "\n".join(parts)


def _section_note(section: ConfigKey) -> str:
    if section.type == "section":
        return " Required: the stack file must set it." if section.default == "required" else ""
    return f" Type: {section.type}. Default: {section.default}."


def _row(key: ConfigKey) -> list[str]:
    return [code(key.key), key.type, key.default or "—", key.description]
