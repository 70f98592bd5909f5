"""The replacement table covers the program: every type any stack registers has a rule, and every path a rule names
is an input of that type's SDK class, so a misspelt path cannot silently never match."""

from __future__ import annotations

import importlib
import sys

import pytest

from offline.diff import compare
from offline.graph import Graph, Resource
from offline.replacements import RULES, Rule, UncoveredTypeError
from offline.sdk_types import sdk_class
from tests.helpers import STACKS, graph_of


def test_every_type_the_stacks_register_has_a_rule() -> None:
    used = {resource.type for stack in STACKS for resource in graph_of(stack) if resource.custom}
    assert sorted(used - RULES.keys()) == []


def test_a_type_without_a_rule_stops_the_diff_with_its_name() -> None:
    planted = Resource(
        "urn:pulumi:prod::sentinel::aws:foo/bar:Bar::x",
        "aws:foo/bar:Bar",
        "x",
        True,
        "x",
        {},
        {},
        None,
        frozenset(),
        {},
        None,
    )
    with pytest.raises(UncoveredTypeError, match="aws:foo/bar:Bar is not in the replacement table"):
        compare(Graph("prod", {}, {}), Graph("prod", {planted.urn: planted}, {}))


def _input_names(type_: str) -> set[str] | None:
    found = sdk_class(type_)
    if found is None:
        return None
    module, name = found
    # Where a nested block's type already has the name `<Name>Args` (pulumi_aws.s3's BucketLoggingArgs is the legacy
    # Bucket's logging block), the SDK calls the resource's own `<Name>InitArgs`.
    resource_module = vars(sys.modules[getattr(importlib.import_module(module), name).__module__])
    arguments = resource_module.get(f"{name}InitArgs") or resource_module[f"{name}Args"]
    return {
        getattr(member.fget, "_pulumi_name", attribute)
        for attribute, member in vars(arguments).items()
        if isinstance(member, property)
    }


@pytest.mark.parametrize("rule", [RULES[type_] for type_ in sorted(RULES)], ids=sorted(RULES))
def test_every_path_a_rule_names_is_an_input_of_its_type(rule: Rule) -> None:
    names = _input_names(rule.type)
    if names is None:
        names = {"apiVersion", "kind", "metadata", "spec"}
    paths = (*rule.replace_on, *rule.replaces_managed_on, *(conditional.path for conditional in rule.conditional))
    assert sorted({path.split(".")[0] for path in paths} - names) == []
