"""Shared fixtures: each stack's graph, computed once per test session (tests/helpers.py) and shared read-only."""

from __future__ import annotations

import pytest

from offline.graph import Graph
from tests.helpers import STACKS, graph_of


@pytest.fixture(scope="session", params=STACKS)
def stack_graph(request: pytest.FixtureRequest) -> Graph:
    return graph_of(request.param)


@pytest.fixture(scope="session")
def prod() -> Graph:
    return graph_of("prod")


@pytest.fixture(scope="session")
def dev() -> Graph:
    return graph_of("dev")
