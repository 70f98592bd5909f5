"""The first-deploy critical path (offline/critical_path.py): its arithmetic on small hand-made graphs whose answer
is known, and on the prod graph, that its chain is a real chain of waits that adds up to its total."""

from __future__ import annotations

import json
from graphlib import CycleError

import pytest

from offline.creation_times import CREATION_TIMES, Basis, CreationTime
from offline.critical_path import TOP_LEVEL, CriticalPath, Link, critical_path, render
from offline.graph import Graph, Resource
from tests.helpers import graph_of

COMPONENT = "test:index:Component"


def urn(name: str) -> str:
    return f"urn:pulumi:test::project::test:index:Thing::{name}"


def thing(
    name: str,
    seconds: float,
    *,
    depends: tuple[str, ...] = (),
    provider: str | None = None,
    parent: str | None = None,
    custom: bool = True,
) -> Resource:
    """A resource that takes `seconds` to create (its type says how long: `time_of` reads it back)."""
    return Resource(
        urn=urn(name),
        type=f"test:index/{seconds}:Thing" if custom else COMPONENT,
        name=name,
        custom=custom,
        id=name,
        inputs={},
        outputs={},
        parent=urn(parent) if parent else None,
        dependencies=frozenset(urn(dependency) for dependency in depends),
        property_dependencies={},
        provider=urn(provider) if provider else None,
    )


def time_of(type_: str) -> CreationTime:
    return CreationTime(
        float(type_.removeprefix("test:index/").removesuffix(":Thing")), Basis.MEASURED, "the test's own figure"
    )


def path_of(*resources: Resource) -> CriticalPath:
    return critical_path(Graph("test", {resource.urn: resource for resource in resources}, {}), time_of)


def names(path: CriticalPath) -> list[str]:
    return [step.name for step in path.chain]


def test_the_longest_chain_sets_the_total_and_a_shorter_branch_does_not() -> None:
    path = path_of(
        thing("vpc", 10),
        thing("subnet", 20, depends=("vpc",)),
        thing("cluster", 30, depends=("vpc",)),
        thing("nodes", 5, depends=("subnet", "cluster")),
    )
    assert path.total == 45
    assert names(path) == ["vpc", "cluster", "nodes"]
    assert [(step.start, step.finish) for step in path.chain] == [(0, 10), (10, 40), (40, 45)]
    assert [step.waits_on for step in path.chain] == [None, Link.DEPENDENCY, Link.DEPENDENCY]


def test_independent_resources_run_side_by_side() -> None:
    path = path_of(thing("slow", 90), thing("fast", 10), thing("medium", 50))
    assert path.total == 90
    assert names(path) == ["slow"]


def test_a_tie_between_dependencies_goes_to_the_lowest_urn_and_leaves_the_total() -> None:
    path = path_of(
        thing("root", 10),
        thing("b-branch", 25, depends=("root",)),
        thing("a-branch", 25, depends=("root",)),
        thing("leaf", 5, depends=("b-branch", "a-branch")),
    )
    assert path.total == 40
    assert names(path) == ["root", "a-branch", "leaf"]


def test_a_tie_between_a_dependency_and_the_provider_goes_to_the_dependency() -> None:
    path = path_of(
        thing("cluster", 100),
        thing("kubernetes", 0, depends=("cluster",)),
        thing("namespace", 5, depends=("cluster",), provider="kubernetes"),
    )
    assert names(path) == ["cluster", "namespace"]
    assert path.chain[-1].waits_on is Link.DEPENDENCY


def test_a_resource_waits_for_its_provider_and_so_for_what_the_provider_needs() -> None:
    path = path_of(
        thing("cluster", 100),
        thing("kubernetes", 0, depends=("cluster",)),
        thing("deployment", 60, provider="kubernetes"),
        thing("bucket", 30),
    )
    assert path.total == 160
    assert names(path) == ["cluster", "kubernetes", "deployment"]
    assert path.chain[-1].waits_on is Link.PROVIDER


def test_a_component_takes_no_time_and_its_child_waits_for_what_it_waited_for() -> None:
    path = path_of(
        thing("database", 600),
        thing("workloads", 0, depends=("database",), custom=False),
        thing("config", 5, parent="workloads"),
    )
    assert path.total == 605
    assert names(path) == ["database", "workloads", "config"]
    component, child = path.chain[1:]
    assert (component.start, component.finish, component.creation) == (600, 600, None)
    assert child.waits_on is Link.PARENT


def test_components_are_spanned_by_their_custom_descendants_last_done_first() -> None:
    path = path_of(
        thing("data", 0, custom=False),
        thing("database", 600, parent="data"),
        thing("tables", 0, custom=False, parent="data"),
        thing("roles", 30, parent="tables", depends=("database",)),
        thing("edge", 0, custom=False),
        thing("record", 40, parent="edge"),
        thing("provider", 0),
    )
    assert [(span.name, span.resources, span.start, span.finish) for span in path.components] == [
        ("data", 2, 0, 630),
        ("edge", 1, 0, 40),
        (TOP_LEVEL, 1, 0, 0),
    ]


def test_a_cycle_is_refused() -> None:
    with pytest.raises(CycleError):
        path_of(thing("a", 1, depends=("b",)), thing("b", 1, depends=("a",)))


def test_an_empty_graph_takes_no_time() -> None:
    path = path_of()
    assert (path.total, path.chain, path.components) == (0, (), ())
    assert "nothing to create" in render(path)


def test_the_rendering_gives_the_total_and_every_step_of_the_chain() -> None:
    path = path_of(thing("cluster", 900), thing("nodes", 150, depends=("cluster",)))
    text = render(path)
    assert "about 18 min (17:30), set by this chain of 2" in text
    assert "   15:00   2:30  dependency measured   test:index/150:Thing nodes [(top level)]" in text


def test_the_result_is_json() -> None:
    path = path_of(thing("cluster", 900), thing("nodes", 150, depends=("cluster",)))
    document = json.loads(json.dumps(path.to_json()))
    assert document["totalSeconds"] == 1050
    assert [(step["name"], step["waitsOn"], step["basis"]) for step in document["chain"]] == [
        ("cluster", None, "measured"),
        ("nodes", "dependency", "measured"),
    ]


@pytest.fixture(scope="module")
def prod_path() -> CriticalPath:
    return critical_path(graph_of("prod"))


def test_the_prod_chain_is_a_chain_of_real_waits(prod_path: CriticalPath) -> None:
    graph = graph_of("prod")
    for before, step in zip(prod_path.chain, prod_path.chain[1:], strict=False):
        resource = graph[step.urn]
        waited_for = {
            Link.DEPENDENCY: resource.dependencies,
            Link.PROVIDER: {resource.provider},
            Link.PARENT: {resource.parent},
        }
        assert step.waits_on is not None
        assert before.urn in waited_for[step.waits_on], f"{step.name} does not wait for {before.name}"
        assert step.start == before.finish


def test_the_prod_total_is_the_sum_along_its_chain_and_nothing_finishes_later(prod_path: CriticalPath) -> None:
    first = prod_path.chain[0]
    assert first.start == 0 and first.waits_on is None
    assert prod_path.total == sum(step.finish - step.start for step in prod_path.chain)
    assert prod_path.total == max(span.finish for span in prod_path.components)


def test_the_prod_chain_runs_through_the_eks_control_plane(prod_path: CriticalPath) -> None:
    assert "aws:eks/cluster:Cluster" in {step.type for step in prod_path.chain}


def test_every_type_the_table_times_is_one_prod_creates() -> None:
    """A misspelt type would silently take the default."""
    assert set(CREATION_TIMES) - {resource.type for resource in graph_of("prod")} == set()
