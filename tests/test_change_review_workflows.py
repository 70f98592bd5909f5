"""The change review in the workflows: every pull request gets the diff of every stack as one comment kept up to
date, and no deploy applies a finding that the pull request's label has not acknowledged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from offline.review import COMMENT_MARKER

WORKFLOWS = Path(__file__).resolve().parent.parent / ".github" / "workflows"
REVIEW = ".venv/bin/python -m offline.review"


def jobs(workflow: str) -> dict[str, Any]:
    return yaml.safe_load((WORKFLOWS / workflow).read_text())["jobs"]


def test_every_pull_request_is_reviewed_again_when_its_labels_change() -> None:
    # PyYAML reads the key `on` as True.
    trigger = yaml.safe_load((WORKFLOWS / "change-review.yml").read_text())[True]["pull_request"]
    assert {"opened", "synchronize", "labeled", "unlabeled"} <= set(trigger["types"])


def test_the_review_diffs_against_the_target_and_updates_one_comment() -> None:
    steps = jobs("change-review.yml")["review"]["steps"]
    [checkout] = [step for step in steps if str(step.get("uses", "")).startswith("actions/checkout@")]
    assert checkout["with"]["fetch-depth"] == 0, "the base commit must be in the clone"
    [review] = [step for step in steps if REVIEW in step.get("run", "")]
    assert '--against "$BASE_SHA"' in review["run"] and review["env"]["BASE_SHA"].endswith("base.sha }}")
    assert "pull_request.labels" in review["env"]["LABELS"]
    [post] = [step for step in steps if "gh api" in step.get("run", "")]
    assert post["env"]["MARKER"] == COMMENT_MARKER
    assert "PATCH" in post["run"] and "POST" in post["run"]


def test_the_deploy_checks_the_acknowledgement_before_anything_is_applied() -> None:
    bootstrap = jobs("deploy-stack.yml")["bootstrap"]
    steps = bootstrap["steps"]
    review = next(index for index, step in enumerate(steps) if REVIEW in step.get("run", ""))
    applies = [index for index, step in enumerate(steps) if str(step.get("uses", "")).startswith("pulumi/actions@")]
    assert applies and review < min(applies)
    assert '--against "$BEFORE"' in steps[review]["run"] and "--labels" in steps[review]["run"]
    assert bootstrap["permissions"]["pull-requests"] == "read"
    # A reusable workflow gets no more than its caller grants.
    for stack in ("dev", "staging", "prod"):
        assert jobs("deploy.yml")[stack]["permissions"]["pull-requests"] == "read"
    # The deploy job itself needs the bootstrap, so it runs only after the check passed.
    assert jobs("deploy-stack.yml")["deploy"]["needs"] == "bootstrap"
