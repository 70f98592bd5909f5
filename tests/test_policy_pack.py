"""The pack as a whole: what `policies/__main__.py` serves, where each policy is tested, how each is described, and
the per-stack policy configs."""

from __future__ import annotations

import ast
import functools
import importlib
import pkgutil
import re
import runpy
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import pytest
import yaml
from pulumi_policy import EnforcementLevel, Policy

import policies.rules
from offline.policy import resolve_policy_config
from offline.policy_config import load_policy_config
from policies.pack import PACK_NAME, POLICIES
from policies.rules.capacity.cluster import NODE_GROUP_FITS_HPA_MAXIMUM
from policies.rules.deploy_constraints import AWS_DEPLOY_CONSTRAINTS
from policies.rules.edge import CLOUDFLARE_ZONE_TLS
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


def _assigned_at_top_level(source: str) -> set[str]:
    """The names a module's own top-level assignments bind (not those it imports)."""
    names: set[str] = set()
    for node in ast.parse(source).body:
        targets = (
            node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        )
        names.update(target.id for target in targets if isinstance(target, ast.Name))
    return names


@dataclass(frozen=True)
class Declaration:
    """Where a policy is declared: its rule module, that module's file, and the constant bound to it there."""

    module: str
    """The declaring module, dotted below `policies.rules`: `edge`, `capacity.cluster`."""
    path: Path
    constant: str


@functools.cache
def _declarations() -> dict[str, Declaration]:
    """Where each policy of the pack is declared, by policy name: the rule module whose own top-level assignment
    binds it, not a package that re-exports it."""
    found: dict[str, Declaration] = {}
    for module_info in pkgutil.walk_packages(policies.rules.__path__, prefix=f"{policies.rules.__name__}."):
        module = importlib.import_module(module_info.name)
        path = Path(str(module.__file__))
        for constant in _assigned_at_top_level(path.read_text()):
            value = vars(module)[constant]
            if any(value is policy for policy in POLICIES):
                found[value.name] = Declaration(module_info.name.removeprefix("policies.rules."), path, constant)
    return found


def _test_module_of(module: str) -> str:
    """The test module of a rule module: tests/test_policy_<module>.py for policies/rules/<module>.py (or a package's
    `__init__.py`), tests/test_policy_<module>_<part>.py for policies/rules/<module>/<part>.py."""
    return f"test_policy_{module.replace('.', '_')}.py"


def _names_used_in(path: Path) -> set[str]:
    """The identifiers a module's code uses (names and attributes, not comments or strings)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    return names | {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}


def _untested(policy: str, tests_dir: Path) -> str | None:
    """Why the test module of the rule module declaring `policy` does not test it by name, if it does not."""
    declared = _declarations()[policy]
    tests = tests_dir / _test_module_of(declared.module)
    if not tests.is_file():
        return f"{declared.path.relative_to(PACK_DIR.parent)} has no test module {tests.name}"
    if declared.constant not in _names_used_in(tests):
        return f"{tests.name} never uses {declared.constant} ({policy})"
    return None


def test_every_policy_of_the_pack_is_declared_in_a_rule_module() -> None:
    assert sorted(_declarations()) == sorted(policy.name for policy in POLICIES)


@pytest.mark.parametrize("policy", POLICIES, ids=lambda policy: policy.name)
def test_every_policy_is_tested_by_name_in_its_rule_modules_test_module(policy: Policy) -> None:
    """A policy left out of its module's tests would only ever be checked against the repository's own
    stacks, which pass it: nothing would show that it still catches what it exists for."""
    assert _untested(policy.name, TESTS_DIR) is None


@pytest.mark.parametrize(
    ("policy", "tests"),
    [
        (CLOUDFLARE_ZONE_TLS, "test_policy_edge.py"),
        (AWS_DEPLOY_CONSTRAINTS, "test_policy_deploy_constraints.py"),
        (NODE_GROUP_FITS_HPA_MAXIMUM, "test_policy_capacity_cluster.py"),
    ],
    ids=["rule module", "rule package", "part of a rule package"],
)
def test_a_policy_is_tested_in_the_test_module_named_after_where_it_is_declared(policy: Policy, tests: str) -> None:
    assert _test_module_of(_declarations()[policy.name].module) == tests


def test_the_tests_of_a_whole_rule_package_do_not_count_for_a_policy_of_one_part(tmp_path: Path) -> None:
    # The layout before the rule packages' test modules were split: one test module for the whole package.
    (tmp_path / "test_policy_capacity.py").write_text((TESTS_DIR / "test_policy_capacity_cluster.py").read_text())
    assert _untested(NODE_GROUP_FITS_HPA_MAXIMUM.name, tmp_path) == (
        "policies/rules/capacity/cluster.py has no test module test_policy_capacity_cluster.py"
    )
    (tmp_path / "test_policy_capacity_cluster.py").write_text("from policies.rules.capacity import cluster\n")
    assert _untested(NODE_GROUP_FITS_HPA_MAXIMUM.name, tmp_path) == (
        "test_policy_capacity_cluster.py never uses NODE_GROUP_FITS_HPA_MAXIMUM (node-group-fits-hpa-maximum)"
    )


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
