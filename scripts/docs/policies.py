"""The policy table (docs/policies.md): every policy of the pack under the rule module that declares it, with its
severity, its enforcement level in each environment, what it requires and its settings."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
from dataclasses import dataclass

from pulumi_policy import Policy

import policies.rules
from offline.policy import DEFAULT_LEVEL, resolve_policy_config
from policies.pack import POLICIES
from scripts.docs import ROOT, DocsError
from scripts.docs.markdown import code, first_paragraph, one_line, table, value_text


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
