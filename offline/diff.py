"""What `pulumi up` would do to a stack that runs one graph if the program now builds another: each resource created,
updated, replaced or deleted, with the properties that decide it, and the findings a reviewer must acknowledge.

Resources pair up by URN with the stack left out (so two stacks compare too), or through an alias to the old URN.
A changed input replaces its resource when the replacement table (`offline.replacements`) says the provider forces
a new resource for it. A replaced resource's outputs are unknown until it exists again, so an input that comes from it
is a change too; that replacement cascades exactly as far as the table says. A provider whose `replaces_managed_on`
input changes replaces every resource it manages, and an AWS resource's effective `region` is its provider's.

A finding is what loses data or stops `pulumi up` halfway: replacing or deleting a resource that holds data or is
protected, dropping the protection of one that holds data, or an update the cloud refuses.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from offline.graph import Graph, Resource, is_secret
from offline.replacements import Outcome, Rule, covers, rule_for


class Action(Enum):
    CREATE = "create"
    UPDATE = "update"
    REPLACE = "replace"
    DELETE = "delete"


@dataclass(frozen=True)
class Secret:
    """A secret input's value: compared, never shown."""

    value: Any

    def __repr__(self) -> str:
        return "[secret]"


class _Missing:
    def __repr__(self) -> str:
        return "(none)"


MISSING: Any = _Missing()


@dataclass(frozen=True)
class PropertyChange:
    path: str
    """The input's path, list items indexed: `rules[0].action`; `(provider)` for a move to another provider."""
    old: Any
    new: Any
    outcome: Outcome
    why: str = ""


@dataclass
class ResourceChange:
    urn: str
    """The URN in the graph the resource is in after the change (before it, for a deletion)."""
    type: str
    name: str
    component: str
    action: Action
    properties: list[PropertyChange] = field(default_factory=list)
    """What changes, including an input that stays the same in the program but comes from a replaced resource (its
    value is unknown until that resource exists again), and `(provider)` when the provider replaces what it manages."""
    protected: bool = False
    holds_data: bool = False
    unprotected: bool = False
    """Protected before the change and not after it."""

    @property
    def failures(self) -> list[str]:
        return [f"{change.path}: {change.why}" for change in self.properties if change.outcome is Outcome.FAIL]

    @property
    def findings(self) -> list[str]:
        """What a reviewer must acknowledge about this change, worst first; empty for a safe one."""
        found = [f"fails at apply: {failure}" for failure in self.failures]
        destroys = self.action in (Action.REPLACE, Action.DELETE)
        if destroys and self.protected:
            found.append(
                f"{self.action.value} of a protected resource: `pulumi up` refuses it and stops there, "
                "unless someone unprotects it on purpose first"
            )
        if destroys and self.holds_data:
            what = (
                "the replacement starts empty and the old one goes with what it holds"
                if self.action is Action.REPLACE
                else "deleting it destroys what it holds"
            )
            found.append(f"holds data: {what}")
        if self.unprotected and self.holds_data and not destroys:
            found.append("holds data and loses Pulumi's protection: the next diff may delete or replace it")
        return found


def _stackless(urn: str) -> str:
    """`urn:pulumi:prod::sentinel::...` as `urn:pulumi:::sentinel::...`: the same resource in any stack."""
    head, _, rest = urn.partition("::")
    return f"{head.rpartition(':')[0]}:::{rest}"


def _json_document(value: str) -> Any:
    """The object or array a string holds as JSON (a policy, a dashboard, a provider's nested input), else None."""
    if not value.startswith(("{", "[")):
        return None
    try:
        return json.loads(value)
    except ValueError:
        return None


def _leaves(value: Any, path: str = "") -> Iterable[tuple[str, Any]]:
    """Every scalar (or empty container) in `value`, by path, looking into JSON documents held as strings so that a
    change shows where in them it is; a secret is one leaf."""
    if isinstance(value, str) and (document := _json_document(value)) is not None:
        value = document
    if is_secret(value):
        yield path, Secret(value.get("value"))
    elif isinstance(value, dict) and value:
        for key, item in value.items():
            yield from _leaves(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list) and value:
        for index, item in enumerate(value):
            yield from _leaves(item, f"{path}[{index}]")
    else:
        yield path, value


def _rule_path(path: str) -> str:
    """`rules[0].action` as the table writes it: `rules.action`."""
    while "[" in path:
        start = path.index("[")
        path = path[:start] + path[path.index("]", start) + 1 :]
    return path


def component_of(graph: Graph, resource: Resource) -> str:
    top = graph.top_level_ancestor(resource)
    if top is resource:
        return "(providers)" if resource.is_provider else "(top level)"
    return f"{top.name} ({top.type.rpartition(':')[2]})"


class _Side:
    """One graph with what the comparison asks of it: the rule of each resource and its effective inputs."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.by_key = {_stackless(resource.urn): resource for resource in graph if resource.custom}

    def inputs(self, resource: Resource, rule: Rule) -> Mapping[str, Any]:
        """The inputs, plus the provider's region where the resource's own `region` decides its replacement."""
        if "region" not in rule.replace_on or "region" in resource.inputs or resource.provider is None:
            return resource.inputs
        provider = self.graph.resources.get(resource.provider)
        region = provider.inputs.get("region") if provider is not None else None
        return resource.inputs if region is None else {**resource.inputs, "region": region}


def _property_changes(
    old: Mapping[str, Any], new: Mapping[str, Any], rule: Rule, ignored: Iterable[str]
) -> list[PropertyChange]:
    old_leaves, new_leaves = dict(_leaves(dict(old))), dict(_leaves(dict(new)))
    ignored = tuple(ignored)
    changes = []
    for path in sorted(old_leaves.keys() | new_leaves.keys()):
        before, after = old_leaves.get(path, MISSING), new_leaves.get(path, MISSING)
        if before == after or any(covers(_rule_path(ignore), _rule_path(path)) for ignore in ignored):
            continue
        general = _rule_path(path)
        outcome, why = Outcome.UPDATE, ""
        if any(covers(forcing, general) for forcing in rule.replace_on):
            outcome, why = Outcome.REPLACE, "the provider replaces the resource when it changes"
        for conditional in rule.conditional:
            worse = conditional.outcome is Outcome.FAIL or outcome is Outcome.UPDATE
            if worse and covers(conditional.path, general) and (reason := conditional.applies(old, new)):
                outcome, why = conditional.outcome, reason
        changes.append(PropertyChange(path, before, after, outcome, why))
    return changes


def compare(old_graph: Graph, new_graph: Graph) -> list[ResourceChange]:
    """Every resource that `pulumi up` would touch, going from `old_graph`'s state to `new_graph`'s program."""
    old, new = _Side(old_graph), _Side(new_graph)
    changes: dict[str, ResourceChange] = {}
    paired: dict[str, Resource] = {}
    for key, resource in new.by_key.items():
        previous = old.by_key.get(key) or next(
            (old.by_key[alias] for alias in map(_stackless, resource.options.aliases) if alias in old.by_key), None
        )
        rule = rule_for(resource.type)
        if previous is None:
            changes[key] = ResourceChange(
                resource.urn, resource.type, resource.name, component_of(new_graph, resource), Action.CREATE
            )
            continue
        paired[key] = previous
        properties = _property_changes(
            old.inputs(previous, rule), new.inputs(resource, rule), rule, resource.options.ignore_changes
        )
        properties += _provider_move(old, new, previous, resource)
        replaced = any(change.outcome is Outcome.REPLACE for change in properties)
        changes[key] = ResourceChange(
            resource.urn,
            resource.type,
            resource.name,
            component_of(new_graph, resource),
            Action.REPLACE if replaced else Action.UPDATE,
            properties,
            protected=previous.options.protect or resource.options.protect,
            holds_data=rule.holds_data,
            unprotected=previous.options.protect and not resource.options.protect,
        )
    matched_old = {_stackless(resource.urn) for resource in paired.values()}
    for key, resource in old.by_key.items():
        if key not in matched_old:
            changes["-" + key] = ResourceChange(
                resource.urn,
                resource.type,
                resource.name,
                component_of(old_graph, resource),
                Action.DELETE,
                protected=resource.options.protect,
                holds_data=rule_for(resource.type).holds_data,
            )
    _cascade(new, changes)
    return [change for change in changes.values() if _touched(change)]


def _provider_move(old: _Side, new: _Side, previous: Resource, resource: Resource) -> list[PropertyChange]:
    """A resource handed to another provider: replaced when the two differ in an input that replaces what a provider
    manages."""
    if previous.provider is None or resource.provider is None:
        return []
    if _stackless(previous.provider) == _stackless(resource.provider):
        return []
    before, after = old.graph.resources.get(previous.provider), new.graph.resources.get(resource.provider)
    if before is None or after is None:
        return []
    forcing = [
        path for path in rule_for(after.type).replaces_managed_on if before.inputs.get(path) != after.inputs.get(path)
    ]
    outcome = Outcome.REPLACE if forcing else Outcome.UPDATE
    why = f"the providers differ in {', '.join(forcing)}" if forcing else "the providers are configured alike"
    return [PropertyChange("(provider)", before.name, after.name, outcome, why)]


class _Unknown:
    def __repr__(self) -> str:
        return "(known after the replacement)"


UNKNOWN: Any = _Unknown()


def _cascade(new: _Side, changes: dict[str, ResourceChange]) -> None:
    """Replace, to a fixed point, what an input from a replaced resource (or a provider that replaces what it
    manages) forces to be replaced."""

    def replaces_what_it_manages(resource: Resource) -> bool:
        change = changes[_stackless(resource.urn)]
        forcing = rule_for(resource.type).replaces_managed_on
        return any(covers(path, _rule_path(p.path)) for path in forcing for p in change.properties)

    growing = True
    while growing:
        replaced = {
            resource.urn: resource
            for key, resource in new.by_key.items()
            if changes[key].action in (Action.REPLACE, Action.CREATE)
            or (resource.is_provider and replaces_what_it_manages(resource))
        }
        growing = False
        for key, resource in new.by_key.items():
            change = changes[key]
            if change.action is not Action.UPDATE:
                continue
            known = {p.path for p in change.properties}
            rule = rule_for(resource.type)
            added = []
            if resource.provider in replaced and "(provider)" not in known:
                provider = replaced[resource.provider].name
                added.append(
                    PropertyChange(
                        "(provider)", provider, provider, Outcome.REPLACE, "the provider replaces what it manages"
                    )
                )
            for name, sources in sorted(resource.property_dependencies.items()):
                origins = [replaced[urn] for urn in sources if urn in replaced]
                if not origins or name in known:
                    continue
                if _forced_through(resource, name, (*rule.replace_on, *rule.replaces_managed_on), origins):
                    origin = sorted(source.name for source in origins)
                    why = f"it comes from {', '.join(origin)}, which is replaced, and the provider replaces on it"
                    added.append(
                        PropertyChange(name, resource.inputs.get(name, MISSING), UNKNOWN, Outcome.REPLACE, why)
                    )
            if added:
                change.properties += added
                growing = growing or not resource.is_provider or replaces_what_it_manages(resource)
                if not resource.is_provider:
                    change.action = Action.REPLACE


def _forced_through(resource: Resource, name: str, forcing: tuple[str, ...], origins: list[Resource]) -> bool:
    """Whether input `name`, which comes from the replaced `origins`, carries their unknown outputs into a path that
    replaces `resource`. The engine records dependencies per top-level input only: where the forcing path lies
    deeper (`metadata.name` inside `metadata`), the leaves under it must hold one of the origins' output values
    (`metadata.name` is a literal; a `clusterIdentifier` is the cluster's)."""
    if any(covers(name, path) and not path.startswith(name + ".") for path in forcing):
        return True
    deeper = [path for path in forcing if path.startswith(name + ".")]
    if not deeper:
        return False
    produced = {value for origin in origins for value in _produced_values(origin) if len(value) >= _DISTINCTIVE_LENGTH}
    return any(
        # An empty block (a volume's `configMap: {}` whose name is not known yet) is a leaf no origin produced.
        isinstance(value, str) and value in produced
        for path, value in _leaves(dict(resource.inputs))
        if any(covers(forced, _rule_path(path)) for forced in deeper)
    )


def _produced_values(origin: Resource) -> set[str]:
    """What the provider made of `origin` (its id, ARN, endpoint...): its outputs other than those it was given."""
    given = {value for _, value in _leaves(dict(origin.inputs)) if isinstance(value, str)}
    made = {value for _, value in _leaves(dict(origin.outputs)) if isinstance(value, str)}
    return (made - given) | ({origin.id} if origin.id else set())


# Outputs shorter than this ("true", a port) say nothing about where an input came from.
_DISTINCTIVE_LENGTH = 6


def _touched(change: ResourceChange) -> bool:
    return change.action is not Action.UPDATE or bool(change.properties or change.unprotected)
