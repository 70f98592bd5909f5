"""Writes the references that must agree with the code, the way terraform-docs writes a module's inputs: each
between two markers in a hand-written page, regenerated from the code itself.

    README.md          layout      each module of components/, facts/, policies/ and offline/, by its docstring
    docs/config.md     config      every key of the stack config model, from its fields and their docstrings
    docs/policies.md   policies    every policy of the pack, by the rule module it comes from
    docs/alarms.md     alarms      every CloudWatch alarm the prod stack builds, from its offline graph

    .venv/bin/python scripts/generate_docs.py           rewrite what lies between the markers
    .venv/bin/python scripts/generate_docs.py --check   exit 1, naming each page that disagrees with the code and
                                                         its first differing line

tests/test_docs.py runs the check on every test run.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import inspect
import json
import pkgutil
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pulumi_policy import Policy
from pydantic import AfterValidator, BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

ROOT = Path(__file__).resolve().parent.parent
# Run as a file, the script has its own directory on the path, not the repository root that holds the packages.
sys.path.insert(0, str(ROOT))

import offline  # noqa: E402 - needs the path set above
import policies.rules  # noqa: E402
from components.config import parse  # noqa: E402
from components.config.stack import StackConfig  # noqa: E402
from components.config.types import ENVIRONMENTS, NAMESPACE, ByEnvironment, Secret, section_type  # noqa: E402
from facts.metrics import METRICS  # noqa: E402
from offline import stackfiles  # noqa: E402
from offline.graph import Graph  # noqa: E402
from offline.policy import DEFAULT_LEVEL, resolve_policy_config  # noqa: E402
from policies.pack import POLICIES  # noqa: E402

GENERATOR = "scripts/generate_docs.py"
_BEGIN = re.compile(r"<!-- BEGIN GENERATED: (?P<name>[a-z]+)\b[^>]*-->\n")
_REGION = re.compile(
    r"(?P<begin><!-- BEGIN GENERATED: (?P<name>[a-z]+)\b[^>]*-->\n).*?(?P<end><!-- END GENERATED: (?P=name) -->)",
    re.DOTALL,
)

GraphOf = Callable[[str], Graph]
"""How the generator gets a stack's offline graph (tests pass their session's cached one)."""


class DocsError(Exception):
    """A page the generator cannot fill in, or code it cannot describe: says which and why."""


# --- text helpers --------------------------------------------------------------------------------------------


def one_line(text: str) -> str:
    """A docstring as one line of a table cell: pipes escaped, and angle brackets outside code spans too, so a
    placeholder such as <ARN> is not taken for an HTML tag."""
    parts = " ".join(inspect.cleandoc(text).split()).replace("|", "\\|").split("`")
    return "`".join(
        part if index % 2 else part.replace("<", "&lt;").replace(">", "&gt;") for index, part in enumerate(parts)
    )


def first_paragraph(text: str) -> str:
    return " ".join(inspect.cleandoc(text).split("\n\n")[0].split())


def first_sentence(text: str) -> str:
    """The first sentence of a docstring's first paragraph."""
    return re.split(r"(?<=[.!?])\s+(?=[A-Z`(])", first_paragraph(text), maxsplit=1)[0]


def code(value: object) -> str:
    return f"`{value}`"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = [f"| {' | '.join(header)} |", f"|{'|'.join('---' for _ in header)}|"]
    lines += [f"| {' | '.join(row)} |" for row in rows]
    return "\n".join(lines) + "\n"


# --- the layout: one row per module, its docstring's first sentence -----------------------------------------

LAYOUT_PACKAGES = ("components", "facts", "policies", "offline")


def _module_docstring(path: Path) -> str:
    docstring = ast.get_docstring(ast.parse(path.read_text()))
    if not docstring:
        raise DocsError(f"{path.relative_to(ROOT)} has no docstring: say in its first sentence what the module is")
    return docstring


def layout() -> str:
    """A table per package: each module and subpackage, and the first sentence of its docstring."""
    parts: list[str] = []
    for package in LAYOUT_PACKAGES:
        directory = ROOT / package
        parts.append(f"**`{package}/`** {first_sentence(_module_docstring(directory / '__init__.py'))}\n")
        entries = sorted(
            [path for path in directory.glob("*.py") if path.name != "__init__.py"]
            + [path for path in directory.iterdir() if (path / "__init__.py").is_file()]
        )
        rows = []
        for entry in entries:
            is_package = entry.is_dir()
            source = entry / "__init__.py" if is_package else entry
            shown = f"{entry.relative_to(ROOT)}/" if is_package else str(entry.relative_to(ROOT))
            rows.append([code(shown), one_line(first_sentence(_module_docstring(source)))])
        parts.append(table(["Module", "What it is"], rows))
    return "\n".join(parts)


# --- the config reference: every key of StackConfig ---------------------------------------------------------


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


def value_text(value: Any) -> str:
    """A default as it would be written in a stack file."""
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return code(str(value).lower())
    if isinstance(value, float):
        return code(f"{value:g}")
    if isinstance(value, list | tuple):
        return ", ".join(value_text(item) for item in value) if value else "none"
    if isinstance(value, Mapping):
        return ", ".join(f"{key} {value_text(item)}" for key, item in value.items()) if value else "none"
    if isinstance(value, BaseModel):
        return value_text(value.model_dump(by_alias=True))
    return code(value)


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


# --- the policy table: every policy of the pack, by rule module ---------------------------------------------


@dataclass(frozen=True)
class RuleModule:
    name: str
    path: str
    concern: str
    summary: str


def rule_modules() -> dict[str, RuleModule]:
    """Each policy's rule module: the outermost module under policies/rules that lists it in its POLICIES (a
    package of several modules is one rule module)."""
    found: dict[str, RuleModule] = {}
    for info in pkgutil.walk_packages(policies.rules.__path__, "policies.rules."):
        module = importlib.import_module(info.name)
        if not hasattr(module, "POLICIES"):
            continue
        relative = info.name.removeprefix("policies.rules.")
        path = f"policies/rules/{relative.replace('.', '/')}{'/' if info.ispkg else '.py'}"
        concern, _, summary = first_paragraph(inspect.getdoc(module) or "").partition(": ")
        if not summary:
            raise DocsError(f"{path}: its docstring must open with its concern, 'Concern: what it guarantees.'")
        entry = RuleModule(relative, path, concern, summary[:1].upper() + summary[1:])
        for policy in module.POLICIES:
            current = found.get(policy.name)
            if current is None or relative.count(".") < current.name.count("."):
                found[policy.name] = entry
    return found


def policy_table() -> str:
    modules = rule_modules()
    missing = sorted(policy.name for policy in POLICIES if policy.name not in modules)
    if missing:
        raise DocsError(f"the pack serves {missing}, which no module under policies/rules lists in its POLICIES")
    configs = sorted((ROOT / "policies" / "config").glob("*.json"))
    levels = {path.stem: resolve_policy_config(POLICIES, json.loads(path.read_text())) for path in configs}
    order: list[RuleModule] = []
    for policy in POLICIES:
        if modules[policy.name] not in order:
            order.append(modules[policy.name])
    parts: list[str] = []
    for module in order:
        rows = []
        for policy in POLICIES:
            if modules[policy.name] != module:
                continue
            level = (policy.enforcement_level or DEFAULT_LEVEL).value
            relaxed = sorted(
                f"{settings[policy.name].level.value} in {environment}"
                for environment, settings in levels.items()
                if settings[policy.name].level.value != level
            )
            severity = policy.severity.value if policy.severity is not None else "—"
            rows.append([code(policy.name), severity, "; ".join([level, *relaxed]), _policy_description(policy)])
        parts += [
            f"### {module.concern} (`{module.path}`)\n",
            f"{module.summary}\n",
            table(["Policy", "Severity", "Level", "What it requires"], rows),
        ]
    return "\n".join(parts)


def _policy_description(policy: Policy) -> str:
    description = one_line(policy.description)
    properties = policy.config_schema.properties if policy.config_schema else {}
    settings = [f"{code(name)} = {value_text(spec.get('default'))}" for name, spec in properties.items()]
    return description + (f" Settings: {', '.join(settings)}." if settings else "")


# --- the alarms: what the prod stack builds ------------------------------------------------------------------

ALARM_TYPE = "aws:cloudwatch/metricAlarm:MetricAlarm"
_OPERATORS = {
    "GreaterThanThreshold": ">",
    "GreaterThanOrEqualToThreshold": "≥",
    "LessThanThreshold": "<",
    "LessThanOrEqualToThreshold": "≤",
}


def _unit(namespace: str, metric: str) -> str:
    row = METRICS.get((namespace, metric))
    return row.unit if row is not None else ""


def _threshold(value: float, unit: str) -> str:
    if unit == "Bytes":
        return f"{value / 2**30:.2f} GiB"
    suffix = {"Percent": " %", "Seconds": " s", "Milliseconds": " ms"}.get(unit, "")
    return f"{value:g}{suffix}"


@dataclass(frozen=True)
class _Reading:
    """What an alarm reads, the period it reads it over, and the unit of its threshold."""

    text: str
    period: float
    unit: str


def _reads(inputs: Mapping[str, Any]) -> _Reading:
    if "metricName" in inputs:
        namespace, metric = inputs["namespace"], inputs["metricName"]
        dimensions = ", ".join(sorted(inputs.get("dimensions") or {}))
        statistic = inputs.get("statistic") or inputs.get("extendedStatistic")
        by = f" by {dimensions}" if dimensions else ""
        return _Reading(
            f"{statistic} of {code(namespace)} {code(metric)}{by}", inputs["period"], _unit(namespace, metric)
        )
    [result] = [query for query in inputs["metricQueries"] if query.get("returnData")]
    metrics = [query["metric"] for query in inputs["metricQueries"] if "metric" in query]
    if not metrics:
        return _Reading(f"Metrics Insights: {code(result['expression'])}", result["period"], "")
    names = ", ".join(code(metric["metricName"]) for metric in metrics)
    first = metrics[0]
    return _Reading(
        f"{result.get('label', 'an expression')}: {code(result['expression'])} of the {first['stat']} of {names} "
        f"({code(first['namespace'])})",
        first["period"],
        "",
    )


def alarm_table(graph: Graph, name_prefix: str) -> str:
    """One row per alarm, alarms that differ only by the node, reader or app they watch in one row."""
    alarms = sorted(graph.of_type(ALARM_TYPE), key=lambda resource: resource.inputs["name"])
    groups: dict[tuple[str, str], list[tuple[str, Mapping[str, Any]]]] = {}
    for resource in alarms:
        name = resource.inputs["name"].removeprefix(f"{name_prefix}-")
        stem, _, suffix = name.rpartition("-")
        if not stem:
            stem, suffix = name, ""
        description = resource.inputs.get("alarmDescription", "")
        generic = re.sub(rf"\b{re.escape(suffix)}\b", "{}", description) if suffix else description
        groups.setdefault((stem if suffix else name, generic), []).append((suffix, resource.inputs))
    rows = []
    for (stem, _), members in groups.items():
        suffixes = [suffix for suffix, _ in members]
        inputs = members[0][1]
        if len(members) == 1:
            title = code(f"{stem}-{suffixes[0]}" if suffixes[0] else stem)
        else:
            title = ", ".join([code(f"{stem}-{suffixes[0]}"), *(code(f"-{suffix}") for suffix in suffixes[1:])])
        reading = _reads(inputs)
        fires = (
            f"{_OPERATORS[inputs['comparisonOperator']]} {_threshold(inputs['threshold'], reading.unit)} for "
            f"{inputs['evaluationPeriods']:g} x {reading.period:g} s"
        )
        missing = {"breaching": "breaching", "notBreaching": "not breaching"}.get(
            inputs.get("treatMissingData", "missing"), inputs.get("treatMissingData", "missing")
        )
        rows.append([title, reading.text, fires, missing, one_line(inputs.get("alarmDescription", ""))])
    return table(["Alarm", "Reads", "Fires when", "Missing data", "What it means, where to look first"], rows)


def alarms(graph_of: GraphOf) -> str:
    _, config, secret_keys = stackfiles.load(stackfiles.stack_file("prod"))
    return alarm_table(graph_of("prod"), parse("prod", config, secret_keys).name_prefix)


# --- pages -------------------------------------------------------------------------------------------------


PAGES: Mapping[str, Mapping[str, Callable[[GraphOf], str]]] = {
    "README.md": {"layout": lambda _graph_of: layout()},
    "docs/config.md": {"config": lambda _graph_of: config_reference()},
    "docs/policies.md": {"policies": lambda _graph_of: policy_table()},
    "docs/alarms.md": {"alarms": alarms},
}


def render(page: str, committed: str, graph_of: GraphOf) -> str:
    """`committed` with what lies between each of the page's markers generated afresh."""
    generators = PAGES[page]
    found = [match["name"] for match in _BEGIN.finditer(committed)]
    if sorted(found) != sorted(generators):
        raise DocsError(
            f"{page} has the generated parts {found}; it needs exactly {sorted(generators)}, each between "
            f"'<!-- BEGIN GENERATED: <name> ... -->' and '<!-- END GENERATED: <name> -->' lines"
        )

    def regenerate(match: re.Match[str]) -> str:
        return f"{match['begin']}\n{generators[match['name']](graph_of).rstrip()}\n\n{match['end']}"

    rendered, count = _REGION.subn(regenerate, committed)
    if count != len(generators):
        raise DocsError(f"{page}: a generated part has no matching END GENERATED line")
    return rendered


def first_difference(expected: str, actual: str) -> tuple[int, str, str] | None:
    """The first line (1-based) where two texts differ, with each text's line there."""
    end = "<end of file>"
    wanted, found = expected.splitlines(), actual.splitlines()
    length = max(len(wanted), len(found))
    wanted += [end] * (length - len(wanted))
    found += [end] * (length - len(found))
    return next(
        (
            (number, line, other)
            for number, (line, other) in enumerate(zip(wanted, found, strict=True), start=1)
            if line != other
        ),
        None,
    )


def disagreement(page: str, committed: str, graph_of: GraphOf) -> str | None:
    """Where a page's generated parts differ from what the code generates now: its first differing line."""
    difference = first_difference(render(page, committed, graph_of), committed)
    if difference is None:
        return None
    number, expected, found = difference
    return (
        f"{page}:{number} disagrees with the code: the generator writes\n    {expected}\nbut the page has\n"
        f"    {found}\nrun `.venv/bin/python {GENERATOR}` and commit the result"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Writes or checks the generated parts of the documentation.")
    parser.add_argument("--check", action="store_true", help="compare instead of writing; exit 1 on a difference")
    arguments = parser.parse_args(argv)
    graphs: dict[str, Graph] = {}

    def graph_of(stack: str) -> Graph:
        if stack not in graphs:
            graphs[stack] = offline.run(stack)
        return graphs[stack]

    if arguments.check:
        problems = [problem for page in PAGES if (problem := disagreement(page, (ROOT / page).read_text(), graph_of))]
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    for page in PAGES:
        path = ROOT / page
        committed = path.read_text()
        rendered = render(page, committed, graph_of)
        if rendered != committed:
            path.write_text(rendered)
            print(f"wrote {page}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
