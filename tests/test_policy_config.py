"""Which policy config a stack runs under: its own file if it has one, else its environment's."""

from __future__ import annotations

import functools
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import offline.__main__ as offline_cli
from offline import policy_config, stackfiles
from offline.engine import run_for_command_line
from offline.policy_config import PolicyConfigError, load_policy_config, policy_config_path

REPOSITORY_CONFIG_DIR = policy_config.CONFIG_DIR


def write_stack(directory: Path, stack: str, environment: str | None) -> Path:
    """`Pulumi.<stack>.yaml` beside the project file: dev's config, with `environment` (None: without one)."""
    shutil.copy(stackfiles.PROJECT_DIR / "Pulumi.yaml", directory / "Pulumi.yaml")
    lines = (stackfiles.PROJECT_DIR / "Pulumi.dev.yaml").read_text().splitlines(keepends=True)
    kept = [line for line in lines if not line.strip().startswith("sentinel:environment:")]
    if environment is not None:
        kept.insert(kept.index("config:\n") + 1, f"  sentinel:environment: {environment}\n")
    path = directory / f"Pulumi.{stack}.yaml"
    path.write_text("".join(kept))
    return path


@pytest.fixture
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A policy config directory holding the repository's environment files and no stack files yet."""
    directory = tmp_path / "policy-config"
    shutil.copytree(REPOSITORY_CONFIG_DIR, directory, ignore=shutil.ignore_patterns("stacks"))
    (directory / "stacks").mkdir()
    monkeypatch.setattr(policy_config, "CONFIG_DIR", directory)
    return directory


# The program's run does not depend on the policy config: the previews of one stack file share it.
_shared_run = functools.cache(run_for_command_line)


@pytest.fixture(scope="module")
def short_lived_stack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pr-123, a short-lived stack of the dev environment, as every preview below runs it."""
    return write_stack(tmp_path_factory.mktemp("short-lived"), "pr-123", "dev")


@pytest.fixture
def preview(short_lived_stack: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[], int]:
    """`python -m offline` on the short-lived stack, whose program runs once for all the previews."""
    monkeypatch.setattr(offline_cli, "run_for_command_line", _shared_run)
    return lambda: offline_cli.main([str(short_lived_stack)])


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_each_stack_runs_at_its_environments_levels(stack: str) -> None:
    assert policy_config_path(stack) == REPOSITORY_CONFIG_DIR / f"{stack}.json"


def test_a_short_lived_stack_runs_at_its_environments_levels(tmp_path: Path) -> None:
    path = write_stack(tmp_path, "pr-123", "dev")
    assert policy_config_path("pr-123", path) == REPOSITORY_CONFIG_DIR / "dev.json"
    assert load_policy_config("pr-123", path) == load_policy_config("dev")


def test_a_stacks_own_config_wins_over_its_environments(tmp_path: Path, config_dir: Path) -> None:
    path = write_stack(tmp_path, "pr-123", "dev")
    own = config_dir / "stacks" / "pr-123.json"
    own.write_text(json.dumps({"all": "advisory"}))
    assert policy_config_path("pr-123", path) == own
    assert load_policy_config("pr-123", path) == {"all": "advisory"}
    assert policy_config_path("dev") == config_dir / "dev.json"


def test_a_stack_without_an_environment_is_an_error_naming_the_file_and_key(tmp_path: Path) -> None:
    path = write_stack(tmp_path, "pr-123", None)
    with pytest.raises(PolicyConfigError) as raised:
        policy_config_path("pr-123", path)
    assert str(path) in str(raised.value)
    assert "does not set sentinel:environment" in str(raised.value)
    assert "policies/config/stacks/pr-123.json" in str(raised.value)


def test_an_environment_without_a_config_is_an_error_listing_those_with_one(tmp_path: Path) -> None:
    path = write_stack(tmp_path, "pr-123", "qa")
    with pytest.raises(PolicyConfigError, match=r"sentinel:environment is 'qa'.*with one: dev, prod, staging"):
        policy_config_path("pr-123", path)


def test_a_missing_stack_file_is_reported() -> None:
    with pytest.raises(stackfiles.StackFileError, match=r"Pulumi\.nope\.yaml"):
        policy_config_path("nope")


def test_cli_prints_the_path_from_the_repository_root(capsys: pytest.CaptureFixture[str]) -> None:
    assert policy_config.main(["staging"]) == 0
    assert capsys.readouterr().out == "policies/config/staging.json\n"


def test_cli_exits_2_with_the_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert policy_config.main(["nope"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Pulumi.nope.yaml" in captured.err


def test_offline_preview_runs_a_short_lived_stack_at_its_environments_levels(
    preview: Callable[[], int], capsys: pytest.CaptureFixture[str]
) -> None:
    # Dev's levels make its unprotected keys advisory: the preview passes.
    assert preview() == 0
    out = capsys.readouterr().out
    assert "Policies (policies/config/dev.json): " in out
    assert "[advisory] stateful-resources-protected" in out


def test_offline_preview_applies_a_stacks_own_config(
    preview: Callable[[], int], config_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Dev leaves its keys unprotected, which its own config, unlike dev's, makes a mandatory violation.
    (config_dir / "stacks" / "pr-123.json").write_text(json.dumps({"all": "mandatory"}))
    assert preview() == 1
    out = capsys.readouterr().out
    assert f"Policies ({config_dir / 'stacks' / 'pr-123.json'}): " in out
    assert "[mandatory] stateful-resources-protected" in out
    assert "aws:kms/key:Key::network-flow-logs" in out


def test_offline_preview_exits_2_when_no_policy_config_applies(
    preview: Callable[[], int], config_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (config_dir / "dev.json").unlink()
    assert preview() == 2
    assert "sentinel:environment is 'dev', which has no policy config" in capsys.readouterr().err
