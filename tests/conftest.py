"""Shared fixtures: each stack's graph, computed once per test session (tests/helpers.py) and shared read-only."""

from __future__ import annotations

import gc

import pytest

from offline.graph import Graph
from tests.helpers import STACKS, graph_of

# The suite keeps the stacks' graphs, the SDKs' classes and the pack's policies alive from start to end, and its
# garbage is nearly all freed by reference counting: the cyclic collector's frequent passes over that heap cost
# seconds (measured: 2 to 4 s of a 27 s suite) and free little. Rarer passes, same result.
gc.set_threshold(100_000, 50, 1000)


@pytest.fixture(scope="session", params=STACKS)
def stack_graph(request: pytest.FixtureRequest) -> Graph:
    return graph_of(request.param)


@pytest.fixture(scope="session")
def prod() -> Graph:
    return graph_of("prod")


@pytest.fixture(scope="session")
def dev() -> Graph:
    return graph_of("dev")
