"""Runs `__main__.py` under Pulumi mocks for one stack and records every registration as a `Graph`.

Each run happens on a thread of its own: Pulumi keeps its settings, config and root stack in context
variables and its work on the thread's event loop, and a new thread starts with neither, so runs never see
each other's state. The mock monitor's `RegisterResource` request carries what `MockResourceArgs` leaves
out (parent, dependencies, provider, options); registrations arrive concurrently from Pulumi's executor,
so they are recorded by URN.
"""

from __future__ import annotations

import asyncio
import json
import os
import runpy
import sys
import threading
import traceback
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import get_root_resource

from offline import stackfiles
from offline.collector import collector_paused
from offline.graph import Graph, Resource, ResourceOptions
from offline.mocks import AwsLikeMocks
from offline.sdk_internals import MockMonitor, deserialize_properties, run_pulumi_func, sync_await

PROGRAM = stackfiles.PROJECT_DIR / "__main__.py"
_CONFIG_VARIABLE, _SECRET_KEYS_VARIABLE = "PULUMI_CONFIG", "PULUMI_CONFIG_SECRET_KEYS"
_ENVIRONMENT_LOCK = threading.Lock()
STACK_TYPE = "pulumi:pulumi:Stack"


class ProgramFailedError(Exception):
    """The program raised. `error` is what it raised; `graph` is what it had registered by then."""

    def __init__(self, stack: str, error: BaseException, graph: Graph) -> None:
        super().__init__(f"stack {stack!r}: {error}")
        self.error = error
        self.graph = graph


class RecordingMonitor(MockMonitor):
    def __init__(self, mocks: AwsLikeMocks) -> None:
        super().__init__(mocks)
        self.records: dict[str, Resource] = {}
        self.stack_urn = ""

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        # The engine leaves the stack out of its children's type chain; so do we, so URNs match `pulumi up`.
        if parent and parent.split("::")[2] == STACK_TYPE:
            parent = ""
        return super().make_urn(parent, type_, name)

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - the gRPC method's name
        response = super().RegisterResource(request)
        if request.type == STACK_TYPE:
            self.stack_urn = response.urn
            return response
        property_dependencies = {
            key: frozenset(dependencies.urns) for key, dependencies in request.propertyDependencies.items()
        }
        registration = self.resources[response.urn]
        self.records[response.urn] = Resource(
            urn=response.urn,
            type=request.type,
            name=request.name,
            custom=request.custom,
            id=registration.id or "",
            inputs=deserialize_properties(request.object),
            outputs=registration.state,
            parent=request.parent if request.parent and request.parent != self.stack_urn else None,
            dependencies=frozenset(request.dependencies).union(*property_dependencies.values()),
            property_dependencies=property_dependencies,
            provider=request.provider.rsplit("::", 1)[0] if request.provider else None,
            options=ResourceOptions(
                protect=bool(request.protect),
                ignore_changes=tuple(request.ignoreChanges),
                retain_on_delete=bool(request.retainOnDelete),
                delete_before_replace=bool(request.deleteBeforeReplace),
                aliases=tuple(self._alias_urn(alias, request) for alias in request.aliases),
            ),
        )
        return response

    def _alias_urn(self, alias: Any, request: Any) -> str:
        """The URN an alias names, as the engine resolves it: given whole, or as a spec whose name, type and
        parent default to the resource's own."""
        if alias.urn:
            return alias.urn
        spec = alias.spec
        parent = "" if spec.noParent else spec.parentUrn or request.parent
        return self.make_urn(parent, spec.type or request.type, spec.name or request.name)


@contextmanager
def _config_in_environment(config: Mapping[str, str], secret_keys: list[str]) -> Iterator[None]:
    """Hands config to the program as the CLI's Python language host does: `PULUMI_CONFIG` and
    `PULUMI_CONFIG_SECRET_KEYS` in the process environment, so the program reads it through the same public
    SDK calls in both. The environment is the process's: runs are serialized, and each restores it."""
    with _ENVIRONMENT_LOCK:
        saved = {name: os.environ.get(name) for name in (_CONFIG_VARIABLE, _SECRET_KEYS_VARIABLE)}
        os.environ[_CONFIG_VARIABLE] = json.dumps(config)
        os.environ[_SECRET_KEYS_VARIABLE] = json.dumps(secret_keys)
        try:
            yield
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def _run_program(stack: str, project: str, program_path: Path) -> tuple[Graph, Any]:
    """On a fresh thread: configure Pulumi's runtime with mocks, run the program, collect the graph."""
    mocks = AwsLikeMocks()
    monitor = RecordingMonitor(mocks)
    pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=False, monitor=monitor)
    error: BaseException | None = None

    def program() -> None:
        runpy.run_path(str(program_path), run_name="__main__")

    try:
        sync_await(run_pulumi_func(program))
    except Exception as raised:  # handed to the caller with the partial graph
        error = raised
    exports: dict[str, Any] = {}
    root = get_root_resource()
    if error is None and root is not None:
        exports = sync_await(pulumi.Output.from_input(getattr(root, "outputs", {})).future()) or {}
    return Graph(stack, dict(monitor.records), exports), error


def run(
    stack: str,
    overrides: Mapping[str, Any] | None = None,
    *,
    stack_path: Path | None = None,
    program: Path = PROGRAM,
) -> Graph:
    """Run the program for `stack` (the config of `Pulumi.<stack>.yaml` and the Pulumi.yaml defaults,
    with `overrides` such as `{"sentinel:network.vpcCidr": "10.1.0.0/16"}` applied; `offline.REMOVE`
    deletes a key) and return what it registered. `program` is the project's `__main__.py` unless a test
    runs a program of its own. Raises `ProgramFailedError` if the program raises."""
    path = stack_path or stackfiles.stack_file(stack)
    project, config, secret_keys = stackfiles.load(path, overrides)
    outcome: list[tuple[Graph, BaseException | None]] = []
    failure: list[BaseException] = []

    def on_thread() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        # Pulumi calls the monitor from executor threads, each of which needs an event loop; owning
        # them here lets the run close every loop it opened.
        worker_loops: list[asyncio.AbstractEventLoop] = []

        def give_worker_a_loop() -> None:
            worker_loops.append(asyncio.new_event_loop())
            asyncio.set_event_loop(worker_loops[-1])

        loop.set_default_executor(
            ThreadPoolExecutor(thread_name_prefix=f"offline-{stack}", initializer=give_worker_a_loop)
        )
        try:
            outcome.append(_run_program(stack, project, program))
        except BaseException as unexpected:  # re-raised on the caller's thread
            failure.append(unexpected)
        finally:
            loop.run_until_complete(loop.shutdown_default_executor())
            for worker_loop in worker_loops:
                worker_loop.close()
            loop.close()

    thread = threading.Thread(target=on_thread, name=f"offline-{stack}")
    with _config_in_environment(config, secret_keys), collector_paused():
        thread.start()
        thread.join()
    if failure:
        raise failure[0]
    graph, error = outcome[0]
    if error is not None:
        raise ProgramFailedError(stack, error, graph) from error
    return graph


def run_for_command_line(stack: str, stack_path: Path | None = None) -> Graph | int:
    """`run` for the `python -m offline...` commands: the graph, or the exit code after saying on stderr why there is
    none (2: the stack file cannot be read; 1: the program failed)."""
    try:
        return run(stack, stack_path=stack_path)
    except stackfiles.StackFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except ProgramFailedError as failure:
        # A RunError (such as invalid config) speaks for itself, as in `pulumi up`; anything else is a bug
        # whose traceback the reader needs.
        if isinstance(failure.error, pulumi.RunError):
            print(f"error: {failure.error}", file=sys.stderr)
        else:
            print("".join(traceback.format_exception(failure.error)), end="", file=sys.stderr)
        return 1
