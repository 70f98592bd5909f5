"""The first deploy's critical path: how long a first `pulumi up` of a graph takes with unlimited parallelism, the
chain of resources that sets that time, and when each component is done.

A resource starts once everything the Python SDK awaits before it registers the resource is done
(`prepare_resource` in pulumi/runtime/resource.py): the resources its `depends_on` and its inputs name (the graph's
`dependencies`, which the SDK has already expanded from a component to its custom descendants), its provider, and
its parent, whose URN resolves only once the parent is registered. A custom resource then takes its type's creation
time (offline/creation_times.py); a component takes none, so a child waits for whatever its component waited for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum
from graphlib import TopologicalSorter
from typing import Any

from offline.creation_times import AS_OF, CreationTime, creation_time
from offline.graph import Graph, Resource
from offline.waits import why

TOP_LEVEL = "(top level)"
_UNEXPLAINED = "nothing in offline/waits.py: a wait no service may need, on the path that sets the deploy's time"


class Link(Enum):
    """Why a resource waited for the one before it in the chain."""

    DEPENDENCY = "dependency"
    PROVIDER = "provider"
    PARENT = "parent"


@dataclass(frozen=True)
class Step:
    """One resource of the chain: when it starts and finishes on a first deploy, counted from the start."""

    urn: str
    type: str
    name: str
    component: str
    start: float
    finish: float
    creation: CreationTime | None
    """What its time rests on; None for a component, which takes no time."""
    waits_on: Link | None
    """How it waits for the step before it; None for the first step."""
    because: str | None = None
    """For a dependency, why it must wait (offline/waits.py); None where nothing there says it must."""


@dataclass(frozen=True)
class ComponentSpan:
    """When the first resource of a top-level component starts and its last one is created."""

    name: str
    resources: int
    start: float
    finish: float


@dataclass(frozen=True)
class CriticalPath:
    stack: str
    total: float
    """Seconds from the start of a first `pulumi up` to its last resource created."""
    chain: tuple[Step, ...]
    """The resources that set `total`, first to last: each starts when the one before it finishes."""
    components: tuple[ComponentSpan, ...]
    """Every top-level component, the last one done first."""

    def to_json(self) -> dict[str, Any]:
        return {
            "stack": self.stack,
            "totalSeconds": self.total,
            "creationTimesAsOf": AS_OF,
            "chain": [
                {
                    "urn": step.urn,
                    "type": step.type,
                    "name": step.name,
                    "component": step.component,
                    "startSeconds": step.start,
                    "finishSeconds": step.finish,
                    "basis": step.creation.basis.value if step.creation else None,
                    "source": step.creation.source if step.creation else None,
                    "waitsOn": step.waits_on.value if step.waits_on else None,
                    "because": step.because,
                }
                for step in self.chain
            ],
            "components": [
                {
                    "name": span.name,
                    "resources": span.resources,
                    "startSeconds": span.start,
                    "finishSeconds": span.finish,
                }
                for span in self.components
            ],
        }


def _links(resource: Resource) -> Iterator[tuple[str, Link]]:
    """What the resource waits for, in the order that breaks ties: a dependency, which the program chose and can
    drop, before the provider and the parent."""
    yield from ((urn, Link.DEPENDENCY) for urn in sorted(resource.dependencies))
    if resource.provider is not None:
        yield resource.provider, Link.PROVIDER
    if resource.parent is not None:
        yield resource.parent, Link.PARENT


@dataclass(frozen=True)
class _Timing:
    start: float
    finish: float
    waited_for: tuple[str, Link] | None
    """The link it waited for longest; None if it waited for nothing."""


def _schedule(graph: Graph, time_of: Callable[[str], CreationTime]) -> dict[str, _Timing]:
    links = {resource.urn: list(_links(resource)) for resource in graph}
    order = TopologicalSorter({urn: [linked for linked, _ in pairs] for urn, pairs in links.items()}).static_order()
    timings: dict[str, _Timing] = {}
    for urn in order:
        resource = graph[urn]
        latest = max(links[urn], key=lambda pair: timings[pair[0]].finish, default=None)
        start = timings[latest[0]].finish if latest else 0.0
        timings[urn] = _Timing(start, start + (time_of(resource.type).seconds if resource.custom else 0.0), latest)
    return timings


def critical_path(graph: Graph, time_of: Callable[[str], CreationTime] = creation_time) -> CriticalPath:
    """The first deploy of `graph`, each custom resource taking `time_of(its type)`. Of resources that finish
    together, the chain takes the first in `_links` order, and ends at the lowest URN."""
    timings = _schedule(graph, time_of)
    components = {resource.urn: _component_of(graph, resource) for resource in graph}
    chain: list[Step] = []
    urn = max(graph.resources, key=lambda candidate: timings[candidate].finish, default=None)
    while urn is not None:
        resource, timing = graph[urn], timings[urn]
        chain.append(
            Step(
                urn=urn,
                type=resource.type,
                name=resource.name,
                component=components[urn],
                start=timing.start,
                finish=timing.finish,
                creation=time_of(resource.type) if resource.custom else None,
                waits_on=timing.waited_for[1] if timing.waited_for else None,
                because=why(resource, graph[timing.waited_for[0]])
                if timing.waited_for and timing.waited_for[1] is Link.DEPENDENCY
                else None,
            )
        )
        urn = timing.waited_for[0] if timing.waited_for else None
    chain.reverse()

    by_component: dict[str, list[_Timing]] = {}
    for resource in graph:
        if resource.custom:
            by_component.setdefault(components[resource.urn], []).append(timings[resource.urn])
    spans = [
        ComponentSpan(
            name, len(members), min(timing.start for timing in members), max(timing.finish for timing in members)
        )
        for name, members in by_component.items()
    ]
    spans.sort(key=lambda span: (-span.finish, span.name))
    return CriticalPath(graph.stack, chain[-1].finish if chain else 0.0, tuple(chain), tuple(spans))


def _component_of(graph: Graph, resource: Resource) -> str:
    top = graph.top_level_ancestor(resource)
    return TOP_LEVEL if top is resource else top.name


def _clock(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}:{rest:02d}"


def render(path: CriticalPath) -> str:
    if not path.chain:
        return f"\nFirst deploy of {path.stack!r}: nothing to create"
    lines = [
        f"\nFirst deploy of {path.stack!r} with unlimited parallelism: about {round(path.total / 60)} min "
        f"({_clock(path.total)}), set by this chain of {len(path.chain)}:",
        f"  {'start':>6} {'takes':>6}  {'waits on':<10} {'basis':<10} resource",
    ]
    for step in path.chain:
        lines.append(
            f"  {_clock(step.start):>6} {_clock(step.finish - step.start):>6}  "
            f"{step.waits_on.value if step.waits_on else '':<10} "
            f"{step.creation.basis.value if step.creation else 'component':<10} "
            f"{step.type} {step.name} [{step.component}]"
        )
        if step.waits_on is Link.DEPENDENCY:
            lines.append(f"{'':<38}because {step.because or _UNEXPLAINED}")
    lines.append("Components, by when their last resource is created:")
    lines += [
        f"  {_clock(span.finish):>6}  {span.name} ({span.resources} resources, from {_clock(span.start)})"
        for span in path.components
    ]
    lines.append(f"Creation times: offline/creation_times.py, as of {AS_OF}, each with its source and basis.")
    return "\n".join(lines)


def render_critical_path(graph: Graph) -> str:
    return render(critical_path(graph))
