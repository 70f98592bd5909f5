"""How a stack file that cannot be read is reported: an unknown stack lists the stacks that exist, and a YAML
error names its line, column and the config key around it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import offline
from offline import stackfiles
from offline.__main__ import main


def project_with(directory: Path, stack_files: dict[str, str]) -> Path:
    """A project directory holding Pulumi.yaml and `Pulumi.<stack>.yaml` with each given text."""
    shutil.copy(stackfiles.PROJECT_DIR / "Pulumi.yaml", directory / "Pulumi.yaml")
    for stack, text in stack_files.items():
        (directory / f"Pulumi.{stack}.yaml").write_text(text)
    return directory


def test_an_unknown_stack_lists_the_stacks_and_suggests_the_closest() -> None:
    with pytest.raises(offline.StackFileError) as raised:
        offline.run("prodd")
    assert str(raised.value) == (
        f"no stack file {stackfiles.PROJECT_DIR / 'Pulumi.prodd.yaml'}; "
        "the stacks with one are dev, prod, staging. Did you mean 'prod'?"
    )


def test_an_unknown_stack_like_none_of_them_gets_no_suggestion(tmp_path: Path) -> None:
    project = project_with(tmp_path, {"dev": "config: {}\n", "prod": "config: {}\n"})
    with pytest.raises(offline.StackFileError) as raised:
        stackfiles.load(project / "Pulumi.qa.yaml")
    assert str(raised.value) == f"no stack file {project / 'Pulumi.qa.yaml'}; the stacks with one are dev, prod"


def test_a_project_without_stack_files_says_so(tmp_path: Path) -> None:
    project = project_with(tmp_path, {})
    with pytest.raises(offline.StackFileError) as raised:
        stackfiles.load(project / "Pulumi.dev.yaml")
    assert str(raised.value) == f"no stack file {project / 'Pulumi.dev.yaml'}, nor any other Pulumi.<stack>.yaml there"


def test_the_cli_exits_2_listing_the_stacks(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stagin"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"error: no stack file {stackfiles.PROJECT_DIR / 'Pulumi.stagin.yaml'}; "
        "the stacks with one are dev, prod, staging. Did you mean 'staging'?\n"
    )


BAD_INDENTATION = """\
config:
  sentinel:environment: prod
  sentinel:database:
    readers: 2
   instanceClass: db.r6g.large
  sentinel:region: us-east-1
"""
UNCLOSED_BRACKET = """\
config:
  sentinel:network:
    availabilityZones: [us-east-1a, us-east-1b
    vpcCidr: 10.0.0.0/16
  sentinel:region: us-east-1
"""
UNCLOSED_BRACE_AT_THE_END = """\
config:
  sentinel:apps:
    web: {deploy: true, image: {tag: "1.0.0"}
"""
UNCLOSED_QUOTE = """\
config:
  sentinel:tags:
    owner: "platform-team
    costCenter: sentinel-prod
  sentinel:region: us-east-1
"""
TAB_INDENTATION = """\
config:
  sentinel:database:
    readers: 2
  # The cache, one node per zone.
  sentinel:cache:
\tengine: valkey
"""
TAB_AFTER_A_KEY = """\
config:
  sentinel:monitoring:
    emails:
      - platform-oncall@projectsentinel.ai
    logRetentionDays:\t30
"""
DEDENTED_LIST_ITEM = """\
config:
  sentinel:monitoring:
    emails:
      - platform-oncall@projectsentinel.ai
     - dba@projectsentinel.ai
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            BAD_INDENTATION,
            "line 5, column 4, after sentinel:database.readers: expected <block end>, but found "
            "'<block mapping start>'",
            id="bad indentation",
        ),
        pytest.param(
            UNCLOSED_BRACKET,
            "line 4, column 12, in sentinel:network.availabilityZones: expected ',' or ']', but got ':', "
            "while parsing a flow sequence opened at line 3, column 24",
            id="unclosed bracket",
        ),
        pytest.param(
            UNCLOSED_BRACE_AT_THE_END,
            "line 4, column 1, in sentinel:apps.web: expected ',' or '}', but got '<stream end>', "
            "while parsing a flow mapping opened at line 3, column 10",
            id="unclosed brace at the end",
        ),
        pytest.param(
            UNCLOSED_QUOTE,
            "line 6, column 1, in sentinel:tags.owner: found unexpected end of stream, "
            "while scanning a quoted scalar opened at line 3, column 12",
            id="unclosed quote",
        ),
        pytest.param(
            TAB_INDENTATION,
            r"line 6, column 1, in sentinel:cache: found character '\t' that cannot start any token "
            "(a tab: YAML takes spaces here)",
            id="tab indentation",
        ),
        pytest.param(
            TAB_AFTER_A_KEY,
            r"line 5, column 22, in sentinel:monitoring.logRetentionDays: found character '\t' that cannot "
            "start any token (a tab: YAML takes spaces here)",
            id="tab after a key",
        ),
        pytest.param(
            DEDENTED_LIST_ITEM,
            "line 5, column 6, in sentinel:monitoring.emails: expected <block end>, but found '<block sequence start>'",
            id="dedented list item",
        ),
    ],
)
def test_a_yaml_error_names_the_line_column_and_key(tmp_path: Path, text: str, expected: str) -> None:
    project = project_with(tmp_path, {"broken": text})
    with pytest.raises(offline.StackFileError) as raised:
        stackfiles.load(project / "Pulumi.broken.yaml")
    assert str(raised.value) == f"{project / 'Pulumi.broken.yaml'} is not valid YAML: {expected}"


def test_a_yaml_error_before_any_key_names_the_position_only(tmp_path: Path) -> None:
    project = project_with(tmp_path, {"broken": "\tconfig: {}\n"})
    with pytest.raises(offline.StackFileError) as raised:
        stackfiles.load(project / "Pulumi.broken.yaml")
    assert str(raised.value) == (
        f"{project / 'Pulumi.broken.yaml'} is not valid YAML: line 1, column 1: found character '\\t' that cannot "
        "start any token (a tab: YAML takes spaces here)"
    )


def test_the_cli_exits_2_with_the_yaml_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = project_with(tmp_path, {"broken": BAD_INDENTATION})
    assert main([str(project / "Pulumi.broken.yaml")]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"error: {project / 'Pulumi.broken.yaml'} is not valid YAML: line 5, column 4, after "
        "sentinel:database.readers: expected <block end>, but found '<block mapping start>'\n"
    )
