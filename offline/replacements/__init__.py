"""The replacement table: for every resource type the program uses, which input changes replace the resource, which
replace or fail only sometimes, and whether it holds data (`rules.Rule`). One module per provider or AWS subject,
each rule citing the provider source it transcribes; `tests/test_replacements.py` fails when the program registers a
type the table does not cover.
"""

from __future__ import annotations

from offline.replacements import aws_data, aws_network, aws_platform, cloudflare, kubernetes, providers
from offline.replacements.rules import Conditional, Outcome, Rule, covers

_MODULES = (aws_network, aws_data, aws_platform, kubernetes, cloudflare, providers)

RULES: dict[str, Rule] = {}
for _module in _MODULES:
    for _rule in _module.RULES:
        if _rule.type in RULES:
            raise ValueError(f"{_rule.type} has a rule in two modules of offline.replacements")
        RULES[_rule.type] = _rule


class UncoveredTypeError(KeyError):
    """A resource type the replacement table has no rule for: a diff cannot say what changing it does."""


def rule_for(type_: str) -> Rule:
    try:
        return RULES[type_]
    except KeyError:
        raise UncoveredTypeError(
            f"{type_} is not in the replacement table (offline/replacements/): add its rule, read from the provider's "
            "source, before the program uses it"
        ) from None


__all__ = ["RULES", "Conditional", "Outcome", "Rule", "UncoveredTypeError", "covers", "rule_for"]
