"""The pack as a whole: what `policies/__main__.py` serves, how each policy is described, and the per-stack
policy configs."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import runpy
from pathlib import Path
from unittest import mock

import pytest
import yaml
from pulumi_policy import EnforcementLevel, Policy

import policies.rules
from offline.policy import resolve_policy_config
from offline.policy_config import load_policy_config
from policies.pack import PACK_NAME, POLICIES
from policies.support.declare import Concern, concern_of

PACK_DIR = Path(policies.rules.__file__).resolve().parent.parent
TESTS_DIR = Path(__file__).resolve().parent


def _defined_in_rule_modules() -> dict[str, Policy]:
    """Every policy object the rule modules define, listed in their POLICIES or not."""
    found: dict[str, Policy] = {}
    for module_info in pkgutil.iter_modules(policies.rules.__path__):
        module = importlib.import_module(f"policies.rules.{module_info.name}")
        found.update({value.name: value for value in vars(module).values() if isinstance(value, Policy)})
    return found


def test_the_entry_point_serves_exactly_the_policies_the_rule_modules_define() -> None:
    with mock.patch("pulumi_policy.PolicyPack") as policy_pack:
        runpy.run_path(str(PACK_DIR / "__main__.py"), run_name="__main__")
    policy_pack.assert_called_once()
    served = policy_pack.call_args.kwargs
    assert served["name"] == PACK_NAME == "sentinel"
    assert served["enforcement_level"] == EnforcementLevel.MANDATORY
    assert sorted(policy.name for policy in served["policies"]) == sorted(_defined_in_rule_modules())


def _constants_by_policy() -> dict[str, tuple[str, str]]:
    """Each listed policy's rule module and the constant it is bound to there, by policy name."""
    found: dict[str, tuple[str, str]] = {}
    for module_info in pkgutil.iter_modules(policies.rules.__path__):
        module = importlib.import_module(f"policies.rules.{module_info.name}")
        listed = getattr(module, "POLICIES", ())
        for constant, value in vars(module).items():
            if constant.isupper() and any(value is policy for policy in listed):
                found[value.name] = (module_info.name, constant)
    return found


def _names_used_in(path: Path) -> set[str]:
    """The identifiers a module's code uses (names and attributes, not comments or strings)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    return names | {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}


@pytest.mark.parametrize("policy", POLICIES, ids=lambda policy: policy.name)
def test_every_policy_is_tested_by_name_in_its_concerns_test_module(policy: Policy) -> None:
    """A policy left out of its module's tests would only ever be checked against the repository's own
    stacks, which pass it: nothing would show that it still catches what it exists for."""
    module, constant = _constants_by_policy()[policy.name]
    tests = TESTS_DIR / f"test_policy_{module}.py"
    assert tests.is_file(), f"policies/rules/{module}.py has no test module {tests.name}"
    assert constant in _names_used_in(tests), f"{tests.name} never uses {constant} ({policy.name})"


def test_policy_names_are_unique_and_kebab_case() -> None:
    names = [policy.name for policy in POLICIES]
    assert len(names) == len(set(names))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name) for name in names)


@pytest.mark.parametrize("policy", POLICIES, ids=lambda policy: policy.name)
def test_every_policy_says_how_bad_and_what_to_do(policy: Policy) -> None:
    assert policy.severity is not None
    assert policy.enforcement_level == EnforcementLevel.MANDATORY
    assert len(policy.description) > 60
    assert concern_of(policy) in Concern


def _levels(stack: str) -> dict[str, EnforcementLevel]:
    resolved = resolve_policy_config(POLICIES, load_policy_config(stack))
    return {name: settings.level for name, settings in resolved.items()}


def test_prod_enforces_every_policy() -> None:
    assert set(_levels("prod").values()) == {EnforcementLevel.MANDATORY}


def test_dev_relaxes_resilience_and_nothing_else() -> None:
    advisory = {name for name, level in _levels("dev").items() if level == EnforcementLevel.ADVISORY}
    resilience = {policy.name for policy in POLICIES if concern_of(policy) == Concern.RESILIENCE}
    assert advisory == resilience
    assert set(_levels("dev").values()) == {EnforcementLevel.MANDATORY, EnforcementLevel.ADVISORY}


def test_staging_enforces_security_and_governance() -> None:
    levels = _levels("staging")
    assert all(
        levels[policy.name] == EnforcementLevel.MANDATORY
        for policy in POLICIES
        if concern_of(policy) != Concern.RESILIENCE
    )


def test_pack_project_file_names_the_python_runtime_and_pins_its_sdks() -> None:
    project = yaml.safe_load((PACK_DIR / "PulumiPolicy.yaml").read_text())
    assert project["runtime"]["name"] == "python"
    assert project["description"]
    requirements = (PACK_DIR / "requirements.in").read_text().split()
    assert all("==" in requirement for requirement in requirements)
