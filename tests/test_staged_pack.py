"""The policy pack as Pulumi runs and publishes it: staged by `python3 dev.py pack` with a virtualenv built from its
own lock, started the way the CLI starts a Python pack and asked over the analyzer protocol, it judges a stack as
the offline runner does. The stage holds the pack's closure and nothing else: neither the program nor the dev
tools import in it."""

from __future__ import annotations

import json
import os
import re
import select
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import grpc
import pytest
import yaml
from google.protobuf import empty_pb2

import dev
from offline.graph import Graph
from offline.policy import DEFAULT_LEVEL, evaluate
from offline.policy_config import load_policy_config
from offline.sdk_internals import proto
from policies.pack import PACK_NAME, POLICIES
from tests.analyzer_requests import LEVELS, analyze_request, as_diagnostics, configure_request, filed, judged

ROOT = dev.ROOT
SOURCE = ROOT / "policies"
STACK = "prod"
# The engine's address, which the CLI passes the pack first; a pack that only analyzes never calls it.
ENGINE_ADDRESS = "127.0.0.1:0"
# Seconds the pack may take to import its rules and print its port.
START_TIMEOUT = 60
# A policy that prod runs as mandatory, and the resource of the prod graph planted to break it.
PLANTED_POLICY = "efs-encrypted"
PLANTED_TYPE, PLANTED_NAME = "aws:efs/fileSystem:FileSystem", "file-system"


def _pack_environment() -> dict[str, str]:
    """The environment the CLI gives a pack (its own, plus the stack's settings), but for Python's own variables: a
    PYTHONPATH onto the repository would let the pack import what it does not ship. No bytecode is written into
    the stage, so the next staging finds it unchanged."""
    inherited = {name: value for name, value in os.environ.items() if not name.startswith("PYTHON")}
    return inherited | {
        "PULUMI_PROJECT": "sentinel",
        "PULUMI_STACK": STACK,
        "PULUMI_DRY_RUN": "true",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


@pytest.fixture(scope="module")
def stage() -> Path:
    """The pack staged from the sources as they are now. `python3 dev.py test` has staged it just before, so this
    finds the stage current; after a change it restages the sources, and rebuilds the virtualenv only if the lock
    changed."""
    dev.stage_pack(dev.PACK_STAGE)
    return dev.PACK_STAGE


def _served_port(process: subprocess.Popen[str], stderr: Path) -> int:
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], START_TIMEOUT)
    line = process.stdout.readline() if ready else ""
    if not line.strip().isdigit():
        process.kill()
        pytest.fail(f"the staged pack printed no port ({line!r}); its stderr:\n{stderr.read_text()}", pytrace=False)
    return int(line)


@pytest.fixture(scope="module")
def analyzer(stage: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The staged pack started as the CLI's Python language host starts a policy pack: the python of the pack's
    virtualenv runs `-u -m pulumi.policy ENGINE PACK` in the pack's directory and prints the port it serves the
    analyzer on. Configured with the stack's policy config, as `--policy-pack-config` configures it."""
    stderr = tmp_path_factory.mktemp("staged-pack") / "stderr"
    with stderr.open("w") as log:
        process = subprocess.Popen(
            [stage / dev.PACK_VENV / "bin" / "python", "-u", "-m", "pulumi.policy", ENGINE_ADDRESS, stage],
            cwd=stage,
            env=_pack_environment(),
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
    try:
        port = _served_port(process, stderr)
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = proto.AnalyzerStub(channel)
            stub.Configure(configure_request(load_policy_config(STACK)))
            yield stub
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_stage_holds_the_pack_and_nothing_else(stage: Path) -> None:
    assert {entry.name for entry in stage.iterdir()} == {
        ".gitignore",
        "PulumiPolicy.yaml",
        "__main__.py",
        "requirements.txt",
        "policies",
        "facts",
        dev.PACK_VENV,
    }
    for name in ("PulumiPolicy.yaml", "__main__.py", "requirements.txt"):
        assert (stage / name).read_bytes() == (SOURCE / name).read_bytes(), name
    # The packages' modules and nothing else: no bytecode, no policies/config, no tests, no second entry point.
    for package in ("policies", "facts"):
        staged = {path.relative_to(stage): path for path in (stage / package).rglob("*") if path.is_file()}
        sources = {
            path.relative_to(ROOT): path for path in (ROOT / package).rglob("*.py") if path != SOURCE / "__main__.py"
        }
        assert sorted(staged) == sorted(sources)
        assert [path for path in sources if staged[path].read_bytes() != sources[path].read_bytes()] == []


def test_the_pack_runs_in_its_own_virtualenv_which_publishing_leaves_out(stage: Path) -> None:
    project = yaml.safe_load((stage / "PulumiPolicy.yaml").read_text())
    assert project["runtime"] == {"name": "python", "options": {"toolchain": "pip", "virtualenv": dev.PACK_VENV}}
    # `pulumi policy publish` archives the pack's directory minus what its .gitignore names.
    assert {f"{dev.PACK_VENV}/", "__pycache__/"} <= set((stage / ".gitignore").read_text().splitlines())


# What the pack's python finds: which of the modules named on its command line it can import, and every
# distribution installed in its virtualenv.
PROBE = """\
import importlib.metadata, importlib.util, json, sys
print(json.dumps({
    "importable": [name for name in sys.argv[1:] if importlib.util.find_spec(name)],
    "installed": sorted(distribution.metadata["Name"] for distribution in importlib.metadata.distributions()),
}))
"""


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_the_packs_virtualenv_holds_its_lock_and_nothing_of_the_repository_but_the_pack(stage: Path) -> None:
    candidates = ["policies", "facts", "pulumi_policy", "components", "offline", "pydantic", "pytest"]
    result = subprocess.run(
        [stage / dev.PACK_VENV / "bin" / "python", "-c", PROBE, *candidates],
        cwd=stage,
        env=_pack_environment(),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    found = json.loads(result.stdout)
    assert found["importable"] == ["policies", "facts", "pulumi_policy"]
    locked = re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", (stage / "requirements.txt").read_text(), re.MULTILINE)
    assert {_normalized(name) for name in found["installed"]} - {"pip"} == {_normalized(name) for name in locked}


def test_the_served_pack_lists_exactly_the_packs_policies(analyzer: Any) -> None:
    info = analyzer.GetAnalyzerInfo(empty_pb2.Empty())
    assert info.name == PACK_NAME
    assert len(info.policies) == len(POLICIES)
    assert {policy.name: policy.enforcementLevel for policy in info.policies} == {
        policy.name: LEVELS[policy.enforcement_level or DEFAULT_LEVEL] for policy in POLICIES
    }


def test_over_grpc_the_pack_judges_the_stack_as_the_offline_runner_does(analyzer: Any, prod: Graph) -> None:
    offline = as_diagnostics(evaluate(prod, load_policy_config(STACK)))
    assert judged(prod, analyzer.Analyze, analyzer.AnalyzeStack) == offline == Counter()


def test_a_planted_violation_comes_back_over_grpc(analyzer: Any, prod: Graph) -> None:
    file_system = prod.named(PLANTED_TYPE, PLANTED_NAME)
    planted = replace(file_system, inputs={**file_system.inputs, "encrypted": False})
    graph = Graph(prod.stack, {**prod.resources, planted.urn: planted}, prod.exports)

    # The graph differs from prod, judged alike over gRPC and offline above, only in the planted resource's inputs,
    # which only resource policies read: asking about that resource alone is asking about all that changed.
    found = filed(analyzer.Analyze(analyze_request(graph, planted)).diagnostics, planted.urn)

    assert found == as_diagnostics(evaluate(graph, load_policy_config(STACK)))
    assert [(policy, level, urn) for policy, level, urn, _ in found] == [(PLANTED_POLICY, proto.MANDATORY, planted.urn)]


def test_run_from_the_source_tree_the_pack_says_in_one_line_to_stage_it() -> None:
    """What `--policy-pack policies` would start: the entry point where `policies` is not importable."""
    result = subprocess.run(
        [sys.executable, "-u", "-m", "pulumi.policy", ENGINE_ADDRESS, SOURCE],
        cwd=SOURCE,
        env=_pack_environment(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stdout) == (1, "")
    [message] = result.stderr.splitlines()
    assert "python3 dev.py pack" in message
