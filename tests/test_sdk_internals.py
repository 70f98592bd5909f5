"""The parts of `pulumi` and `pulumi_policy` that their packages do not export, which `offline/sdk_internals.py`
re-exports: each still exists and still behaves as the offline engine and the CrossGuard cross-check use it,
and no other module reaches for one. An upgrade that changes one fails here, naming it and the installed
(pinned) versions, instead of failing deep inside an offline run."""

from __future__ import annotations

import ast
import importlib
import inspect
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest
from google.protobuf import struct_pb2
from pulumi_policy import PolicyCustomTimeouts, PolicyResourceOptions, ResourceValidationArgs

from offline import sdk_internals
from offline.mocks import AwsLikeMocks

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("__main__.py", "dev.py", "components", "offline", "policies", "scripts", "tests")
SDKS = ("pulumi", "pulumi_policy")
# The modules whose exports (`__all__`) are the SDKs' public API.
PUBLIC_MODULES = ("pulumi", "pulumi.runtime", "pulumi_policy")
# The importers of private SDK names: the seam itself, and the policy pack's reading of unknowns, which runs in
# the CrossGuard process where `offline/` is not loaded.
PRIVATE_IMPORTERS = {Path("offline/sdk_internals.py"), Path("policies/support/values.py")}


def changed(name: str, expectation: str) -> NoReturn:
    pytest.fail(
        f"{name} is no longer what offline/sdk_internals.py relies on ({sdk_internals.pinned_versions()}): "
        f"{expectation}. Adapt its use there (the comment above it says why it is needed) or pin the SDK back.",
        pytrace=False,
    )


def parameters(function: Callable[..., Any]) -> list[str]:
    return [name for name in inspect.signature(function).parameters if name != "self"]


def expect_parameters(name: str, function: Callable[..., Any], expected: list[str]) -> None:
    found = parameters(function)
    if found[: len(expected)] != expected:
        changed(name, f"expected parameters {expected}, found {found}")


def test_sync_await_takes_one_awaitable() -> None:
    if not callable(sdk_internals.sync_await):
        changed("pulumi.runtime.sync_await._sync_await", "it is not callable")
    expect_parameters("pulumi.runtime.sync_await._sync_await", sdk_internals.sync_await, ["awaitable"])


def test_run_pulumi_func_is_a_coroutine_taking_the_program() -> None:
    if not inspect.iscoroutinefunction(sdk_internals.run_pulumi_func):
        changed("pulumi.runtime.stack.run_pulumi_func", "it is no longer a coroutine function")
    expect_parameters("pulumi.runtime.stack.run_pulumi_func", sdk_internals.run_pulumi_func, ["func"])


def test_mock_monitor_can_be_subclassed_as_the_engine_does() -> None:
    monitor_class = sdk_internals.MockMonitor
    expect_parameters("pulumi.runtime.mocks.MockMonitor.__init__", monitor_class.__init__, ["mocks"])
    expect_parameters("MockMonitor.RegisterResource", monitor_class.RegisterResource, ["request"])
    expect_parameters("MockMonitor.make_urn", monitor_class.make_urn, ["parent", "type_", "name"])
    if getattr(monitor_class(AwsLikeMocks()), "resources", None) != {}:
        changed("MockMonitor.resources", "a new monitor no longer starts with an empty `resources` dict")
    fields = getattr(monitor_class.ResourceRegistration, "_fields", ())
    if not {"urn", "id", "state"} <= set(fields):
        changed("MockMonitor.ResourceRegistration", f"expected fields urn, id and state, found {fields}")


def test_deserialize_properties_reads_a_struct() -> None:
    struct = struct_pb2.Struct()
    struct.update({"name": "vpc", "tags": {"Name": "vpc"}})
    found = sdk_internals.deserialize_properties(struct)
    if found != {"name": "vpc", "tags": {"Name": "vpc"}}:
        changed("pulumi.runtime.rpc.deserialize_properties", f"a plain Struct came back as {found!r}")


def test_not_applicable_is_what_the_public_not_applicable_raises() -> None:
    options = PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], None)
    args = ResourceValidationArgs("aws:ec2/vpc:Vpc", {}, "urn", "vpc", options, None, None)
    try:
        args.not_applicable()
    except sdk_internals.NotApplicableError:
        return
    except Exception as other:
        changed("pulumi_policy.policy._NotApplicableError", f"not_applicable() raised {type(other).__name__}")
    changed("pulumi_policy.policy._NotApplicableError", "not_applicable() raised nothing")


def test_the_unknown_checking_proxy_raises_on_an_unknown_naming_its_path() -> None:
    props = sdk_internals.unknown_checking_proxy({"tags": {"Name": sdk_internals.UNKNOWN_STRING_VALUE}})
    try:
        props["tags"]["Name"]
    except sdk_internals.UnknownValueError as unknown:
        if ".tags.Name" not in getattr(unknown, "message", ""):
            changed("pulumi_policy.proxy.UnknownValueError", "its `message` no longer names the property path")
        return
    changed("pulumi_policy.proxy.unknown_checking_proxy", "reading an unknown raised no UnknownValueError")


def test_the_policy_analyzer_servicer_is_built_and_called_as_the_cross_check_does() -> None:
    servicer = sdk_internals.PolicyAnalyzerServicer
    expected = ["name", "version", "policies", "enforcement_level"]
    expect_parameters("pulumi_policy.policy._PolicyAnalyzerServicer.__init__", servicer.__init__, expected)
    for method in ("Configure", "Analyze", "AnalyzeStack"):
        expect_parameters(f"_PolicyAnalyzerServicer.{method}", getattr(servicer, method), ["request"])


def test_the_analyzer_protocol_has_the_messages_the_cross_check_sends() -> None:
    messages = (
        "AnalyzeRequest",
        "AnalyzeStackRequest",
        "AnalyzerResource",
        "AnalyzerResourceOptions",
        "AnalyzerProviderResource",
        "AnalyzerPropertyDependencies",
        "ConfigureAnalyzerRequest",
        "PolicyConfig",
        "ADVISORY",
        "MANDATORY",
        "REMEDIATE",
        "DISABLED",
    )
    missing = [name for name in messages if not hasattr(sdk_internals.proto, name)]
    if missing:
        changed("pulumi.runtime.proto", f"it no longer has {missing}")


def _sdk_imports() -> Iterator[tuple[Path, str, str]]:
    """(file, module, name) of every import of an SDK name in the project (name "" for `import module`)."""
    for source in SOURCES:
        yield from _imports_in((ROOT / source,) if source.endswith(".py") else sorted((ROOT / source).rglob("*.py")))


def _imports_in(files: Iterable[Path]) -> Iterator[tuple[Path, str, str]]:
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in SDKS:
                yield from ((path.relative_to(ROOT), node.module, alias.name) for alias in node.names)
            elif isinstance(node, ast.Import):
                yield from (
                    (path.relative_to(ROOT), alias.name, "") for alias in node.names if alias.name.split(".")[0] in SDKS
                )


def _is_public(module: str, name: str) -> bool:
    if not name:
        return module in PUBLIC_MODULES
    return module in PUBLIC_MODULES and name in getattr(importlib.import_module(module), "__all__", ())


def test_only_the_seam_imports_private_sdk_names() -> None:
    stray = sorted(
        f"{path}: {module}{'.' + name if name else ''}"
        for path, module, name in _sdk_imports()
        if path not in PRIVATE_IMPORTERS and not _is_public(module, name)
    )
    assert not stray, f"import these from offline/sdk_internals.py (and say there why): {stray}"


def test_every_private_sdk_name_in_use_exists() -> None:
    private = {(module, name) for _, module, name in _sdk_imports() if name and not _is_public(module, name)}
    assert private, "the scan found no private SDK import: it no longer sees offline/sdk_internals.py"
    missing = sorted(
        f"{module}.{name}" for module, name in private if not hasattr(importlib.import_module(module), name)
    )
    if missing:
        changed(", ".join(missing), "the installed SDK no longer has them")
