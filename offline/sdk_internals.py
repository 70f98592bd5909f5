"""The one importer of what `pulumi` and `pulumi_policy` do not export: names with a leading underscore and
modules their packages leave out of `__all__`. Such names may change in any release; keeping them here means
an upgrade breaks `tests/test_sdk_internals.py`, which names each of them and the pinned version, instead of
failing deep inside the offline engine or the CrossGuard cross-check.

The policy pack itself (`policies/support/values.py`) reads pulumi_policy's unknown sentinels on its own: it
runs inside the CrossGuard process, which loads `policies/` without `offline/`. The test checks those too.
"""

from importlib.metadata import version


def pinned_versions() -> str:
    """The SDK versions these names were checked against: the installed ones, which the lock file pins."""
    return f"pinned pulumi=={version('pulumi')}, pulumi-policy=={version('pulumi-policy')}"


try:
    # The analyzer protocol's messages, in which the CrossGuard cross-check sends the servicer (below) a graph.
    from pulumi.runtime import proto

    # The offline engine records what the program registers. Pulumi's public mocks (`pulumi.runtime.Mocks`) see only
    # a resource's type, name and inputs (`MockResourceArgs`); the parent, dependencies, provider and options that
    # the graph and the policies need arrive only in the monitor's `RegisterResourceRequest`, so the engine
    # subclasses the monitor that `set_mocks(..., monitor=...)` accepts, overriding `RegisterResource` and
    # `make_urn`, and reads what the base class recorded in `resources[urn].id` and `.state`.
    from pulumi.runtime.mocks import MockMonitor

    # The inputs in a `RegisterResourceRequest` are a protobuf Struct in Pulumi's wire encoding (secrets, assets,
    # unknowns); the SDK's own decoder is the only one that reads it as the program meant it. It keeps a secret as
    # `{<sig key>: <secret sig>, "value": ...}`, by which the diff and the plan tree show it as secret, never its text.
    from pulumi.runtime.rpc import _special_secret_sig, _special_sig_key, deserialize_properties  # pyright: ignore[reportPrivateUsage]

    # The public `pulumi.runtime.test` decorator is these two calls (run the program through `run_pulumi_func`,
    # which waits for every outstanding registration, on the loop `_sync_await` pumps) but returns nothing; the
    # engine also has to await the stack's exports afterwards, and the SDK has no public "run this to completion".
    from pulumi.runtime.stack import run_pulumi_func
    from pulumi.runtime.sync_await import _sync_await as sync_await  # pyright: ignore[reportPrivateUsage]

    # CrossGuard drops a policy that raises `_NotApplicableError` (what the public `args.not_applicable()` raises)
    # without a diagnostic, and turns an `UnknownValueError` from the proxy around a resource's properties into an
    # advisory note. The offline runner wraps properties in the same proxy, so that a policy meets unknowns exactly
    # as in `pulumi preview`, and treats both errors as CrossGuard does; pulumi_policy exports none of them.
    from pulumi_policy.policy import _NotApplicableError as NotApplicableError  # pyright: ignore[reportPrivateUsage]

    # The servicer that `PolicyPack` serves to the engine: the CrossGuard cross-check
    # (tests/test_policy_crossguard.py) sends it the offline graph as `pulumi preview` would, so the offline runner
    # is judged against exactly the code that judges the stacks in CI. `PolicyPack` itself starts a gRPC server and
    # blocks, so it cannot be the reference in-process.
    from pulumi_policy.policy import (
        _PolicyAnalyzerServicer as PolicyAnalyzerServicer,  # pyright: ignore[reportPrivateUsage]
    )

    # `UNKNOWN_STRING_VALUE` is how an unknown string travels on the wire during a preview; test graphs plant it.
    from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError, unknown_checking_proxy
except ImportError as missing:
    raise ImportError(
        f"{missing} ({pinned_versions()}): a private SDK name that offline/sdk_internals.py relies on is gone; "
        "tests/test_sdk_internals.py checks each of them"
    ) from missing

SECRET_SIGNATURE, SIGNATURE_KEY = _special_secret_sig, _special_sig_key

__all__ = [
    "SECRET_SIGNATURE",
    "SIGNATURE_KEY",
    "UNKNOWN_STRING_VALUE",
    "MockMonitor",
    "NotApplicableError",
    "PolicyAnalyzerServicer",
    "UnknownValueError",
    "deserialize_properties",
    "pinned_versions",
    "proto",
    "run_pulumi_func",
    "sync_await",
    "unknown_checking_proxy",
]
