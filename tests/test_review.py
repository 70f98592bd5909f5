"""`python -m offline.review`: the pull request's comment and the deploy's gate, on a tree that differs from HEAD by
one edit that replaces the dev database."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from pulumi_policy import EnforcementLevel

from offline.diff_command import FINDINGS_EXIT_CODE, DiffReport
from offline.graph import Graph
from offline.policy import Violation
from offline.review import ACKNOWLEDGEMENT_LABEL, COMMENT_MARKER, comment, exit_code, main, review
from offline.revision import tree_at


@pytest.fixture(scope="module")
def reviewed() -> Iterator[tuple[list[DiffReport], dict[str, list[Violation]]]]:
    with tree_at("HEAD") as head:
        edited = head.parent / "edited"
        shutil.copytree(head, edited)
        stack_file = edited / "Pulumi.dev.yaml"
        text = stack_file.read_text()
        assert "sentinel:database:" not in text, "the planted edit adds the section"
        stack_file.write_text(text + "  sentinel:database:\n    databaseName: renamed\n")
        reports, verdicts = review(["dev"], head, edited, "git revision HEAD")
        # A stack the edit leaves alone, as the review reports one.
        unchanged = DiffReport("staging", "git revision HEAD", [], [], Graph("staging", {}, {}))
        yield [*reports, unchanged], {**verdicts, "staging": []}


def test_the_comment_shows_what_changes_findings_first_under_its_marker(
    reviewed: tuple[list[DiffReport], dict[str, list[Violation]]],
) -> None:
    reports, verdicts = reviewed
    text = comment(reports, verdicts, acknowledged=False)
    assert text.startswith(COMMENT_MARKER)
    assert "### `dev`" in text and "### `staging`" not in text and "Unchanged: staging." in text
    assert "`replace` `aws:rds/cluster:Cluster` **database**" in text
    assert "`sentinel:database.databaseName`: Aurora fixes the database name" in text
    assert "the deploy refuses them until someone adds the label" in text
    assert "acknowledged by the label" in comment(reports, verdicts, acknowledged=True)


def test_findings_stop_the_deploy_until_the_label_acknowledges_them(
    reviewed: tuple[list[DiffReport], dict[str, list[Violation]]],
) -> None:
    reports, _ = reviewed
    clean: dict[str, list[Violation]] = {report.stack: [] for report in reports}
    assert exit_code(reports, clean, acknowledged=False) == FINDINGS_EXIT_CODE
    assert exit_code(reports, clean, acknowledged=True) == 0
    unchanged = [report for report in reports if report.stack == "staging"]
    assert exit_code(unchanged, clean, acknowledged=False) == 0
    violated = {**clean, "staging": [Violation("efs-encrypted", EnforcementLevel.MANDATORY, None, "planted")]}
    assert exit_code(reports, violated, acknowledged=True) == 1


def test_the_command_names_a_revision_it_cannot_read(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--against", "no-such-ref", "--labels", f'["{ACKNOWLEDGEMENT_LABEL}"]']) == 2
    assert "no-such-ref" in capsys.readouterr().err
