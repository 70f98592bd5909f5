"""Every stack of the repository passes every policy its policy config makes mandatory."""

from __future__ import annotations

from offline.graph import Graph
from offline.policy import any_mandatory, evaluate
from offline.policy_config import load_policy_config


def test_stack_passes_its_mandatory_policies(stack_graph: Graph) -> None:
    found = evaluate(stack_graph, load_policy_config(stack_graph.stack))
    assert not any_mandatory(found), "\n".join(map(str, found))
