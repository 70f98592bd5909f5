"""Shared fixtures: each stack's graph is computed once per test session and shared read-only."""

from __future__ import annotations

import functools

import pytest

import offline
from offline.graph import Graph

STACKS = ("dev", "staging", "prod")


@functools.cache
def graph_of(stack: str) -> Graph:
    return offline.run(stack)


@pytest.fixture(scope="session", params=STACKS)
def stack_graph(request: pytest.FixtureRequest) -> Graph:
    return graph_of(request.param)


@pytest.fixture(scope="session")
def prod() -> Graph:
    return graph_of("prod")


@pytest.fixture(scope="session")
def dev() -> Graph:
    return graph_of("dev")
