"""`python -m offline diff`: pairing, classification, cascade and findings on small hand-made graphs; the command on
real trees (a git revision run beside the working tree, in one process); its text and JSON."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from offline import stackfiles
from offline.diff import Action, compare
from offline.diff_command import FINDINGS_EXIT_CODE, diff_against_revision, main, render
from offline.graph import Graph, Resource, ResourceOptions
from offline.replacements import Outcome
from offline.revision import RevisionError, run_tree, tree_at
from tests.helpers import SECRET_SIGNATURE

CLUSTER, ALARM = "aws:rds/cluster:Cluster", "aws:cloudwatch/metricAlarm:MetricAlarm"
CONFIG_MAP = "kubernetes:core/v1:ConfigMap"
AWS, KUBERNETES = "pulumi:providers:aws", "pulumi:providers:kubernetes"


def urn(type_: str, name: str, stack: str = "prod") -> str:
    return f"urn:pulumi:{stack}::sentinel::{type_}::{name}"


def resource(
    type_: str,
    name: str,
    inputs: dict[str, Any],
    *,
    stack: str = "prod",
    provider: str | None = None,
    depends: dict[str, str] | None = None,
    **options: Any,
) -> Resource:
    """One custom resource; `depends` maps an input name to the name of the resource (same graph) it came from."""
    property_dependencies = {key: frozenset({source}) for key, source in (depends or {}).items()}
    return Resource(
        urn=urn(type_, name, stack),
        type=type_,
        name=name,
        custom=True,
        id=f"{name}-id",
        inputs=inputs,
        outputs=inputs,
        parent=None,
        dependencies=frozenset().union(*property_dependencies.values()),
        property_dependencies=property_dependencies,
        provider=provider,
        options=ResourceOptions(**options),
    )


def graph(*resources: Resource, stack: str = "prod") -> Graph:
    return Graph(stack, {r.urn: r for r in resources}, {})


CLUSTER_INPUTS = {"databaseName": "projectsentinel", "backupRetentionPeriod": 30, "masterPassword": {}}


def test_a_change_the_provider_applies_in_place_is_an_update_without_finding() -> None:
    before = graph(resource(CLUSTER, "database", CLUSTER_INPUTS, protect=True))
    after = graph(resource(CLUSTER, "database", {**CLUSTER_INPUTS, "backupRetentionPeriod": 35}, protect=True))
    [change] = compare(before, after)
    assert change.action is Action.UPDATE and not change.findings
    assert [(p.path, p.old, p.new, p.outcome) for p in change.properties] == [
        ("backupRetentionPeriod", 30, 35, Outcome.UPDATE)
    ]


def test_a_forcing_change_replaces_and_a_resource_that_holds_data_makes_it_a_finding() -> None:
    before = graph(resource(CLUSTER, "database", CLUSTER_INPUTS))
    after = graph(resource(CLUSTER, "database", {**CLUSTER_INPUTS, "databaseName": "app"}))
    [change] = compare(before, after)
    assert change.action is Action.REPLACE
    assert change.findings == ["holds data: the replacement starts empty and the old one goes with what it holds"]


def test_deleting_a_protected_resource_is_a_finding_and_creating_one_is_not() -> None:
    alarm = resource(ALARM, "cpu", {"threshold": 70}, protect=True)
    changes = {change.action: change for change in compare(graph(alarm), graph(resource(ALARM, "memory", {})))}
    assert set(changes) == {Action.DELETE, Action.CREATE}
    assert "protected" in changes[Action.DELETE].findings[0]
    assert not changes[Action.CREATE].findings


def test_dropping_protection_from_what_holds_data_is_a_finding() -> None:
    before = graph(resource(CLUSTER, "database", CLUSTER_INPUTS, protect=True))
    [change] = compare(before, graph(resource(CLUSTER, "database", CLUSTER_INPUTS)))
    assert change.unprotected and "loses Pulumi's protection" in change.findings[0]


def test_an_alias_to_the_old_urn_pairs_a_moved_resource() -> None:
    moved = resource(CLUSTER, "data", CLUSTER_INPUTS, aliases=(urn(CLUSTER, "database"),))
    assert compare(graph(resource(CLUSTER, "database", CLUSTER_INPUTS)), graph(moved)) == []


def test_ignored_changes_and_unchanged_secrets_are_not_changes_and_secrets_are_never_shown() -> None:
    secret = {**SECRET_SIGNATURE, "value": "hunter2"}
    before = graph(resource(CLUSTER, "database", {**CLUSTER_INPUTS, "masterPassword": secret}))
    ignoring = resource(
        CLUSTER,
        "database",
        {**CLUSTER_INPUTS, "backupRetentionPeriod": 1, "masterPassword": secret},
        ignore_changes=("backupRetentionPeriod",),
    )
    assert compare(before, graph(ignoring)) == []
    rotated = graph(resource(CLUSTER, "database", {**CLUSTER_INPUTS, "masterPassword": {**secret, "value": "x"}}))
    [change] = compare(before, rotated)
    assert "hunter2" not in render_changes(before, rotated) and "[secret]" in render_changes(before, rotated)
    assert change.properties[0].path == "masterPassword"


def render_changes(before: Graph, after: Graph) -> str:
    from offline.diff_command import DiffReport

    return render(DiffReport("prod", "a test", [], compare(before, after), after))


def test_an_input_from_a_replaced_resource_cascades_only_where_it_forces_a_replacement() -> None:
    kubernetes = urn(KUBERNETES, "eks")
    cluster_before = resource("aws:eks/cluster:Cluster", "cluster", {"name": "sentinel", "encryptionConfig": {}})
    cluster_after = resource("aws:eks/cluster:Cluster", "cluster", {"name": "sentinel-2", "encryptionConfig": {}})
    provider = resource(KUBERNETES, "eks", {"kubeconfig": "same text"}, depends={"kubeconfig": cluster_after.urn})
    config_map = resource(CONFIG_MAP, "settings", {"metadata": {"name": "settings"}}, provider=kubernetes)
    alarm = resource(ALARM, "cpu", {"dimensions": {"ClusterName": "x"}}, depends={"dimensions": cluster_after.urn})
    changes = compare(
        graph(cluster_before, provider, config_map, alarm), graph(cluster_after, provider, config_map, alarm)
    )
    actions = {change.name: change.action for change in changes}
    assert actions["cluster"] is Action.REPLACE
    assert actions["settings"] is Action.REPLACE, "the provider's kubeconfig comes from the replaced cluster"
    assert "cpu" not in actions, "an alarm's dimensions are updated in place"


def test_a_region_change_of_the_aws_provider_replaces_the_regional_resources_it_manages() -> None:
    def stack(region: str) -> Graph:
        provider = resource(AWS, "dr", {"region": region})
        return graph(
            provider,
            resource("aws:backup/vault:Vault", "backup-dr", {}, provider=provider.urn),
            resource("aws:iam/role:Role", "copier", {"assumeRolePolicy": "{}"}, provider=provider.urn),
        )

    actions = {change.name: change.action for change in compare(stack("us-west-2"), stack("eu-west-1"))}
    assert actions == {"dr": Action.UPDATE, "backup-dr": Action.REPLACE}, "IAM is global: the role stays"


@pytest.fixture(scope="module")
def head_tree() -> Iterator[Path]:
    with tree_at("HEAD") as root:
        yield root


def test_a_revision_diffed_against_itself_shows_no_change_and_leaves_the_imports_as_they_were(head_tree: Path) -> None:
    path, modules = list(sys.path), dict(sys.modules)
    report = diff_against_revision("dev", "HEAD", root=head_tree, repository=stackfiles.PROJECT_DIR)
    assert report.changes == [] and report.config == [] and report.findings == []
    assert sys.path == path
    assert {name: module for name, module in sys.modules.items() if name in modules} == modules


def test_each_side_imports_its_own_code(head_tree: Path, tmp_path: Path) -> None:
    """The side in `tmp_path` differs from HEAD in code only; the diff sees it, so that side ran its own modules."""
    edited = tmp_path / "tree"
    shutil.copytree(head_tree, edited)
    base = edited / "components" / "base.py"
    assert base.read_text().count('"ManagedBy": "pulumi"') == 1, "the planted edit needs its anchor"
    base.write_text(base.read_text().replace('"ManagedBy": "pulumi"', '"ManagedBy": "pulumi-edited"'))
    report = diff_against_revision("dev", "HEAD", root=edited, repository=stackfiles.PROJECT_DIR)
    assert report.changes and {change.action for change in report.changes} == {Action.UPDATE}
    assert run_tree(head_tree, "no-such-stack") is None


def test_an_unknown_revision_is_named() -> None:
    with pytest.raises(RevisionError, match="no-such-ref"), tree_at("no-such-ref"):
        pass


def test_the_command_exits_non_zero_on_findings_and_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dev", "--against-stack", "staging", "--json"]) == FINDINGS_EXIT_CODE
    report = json.loads(capsys.readouterr().out)
    assert report["against"] == "stack staging" and report["findings"]
    # Staging's larger shape costs more than dev's: the diff says what the change does to the monthly cost.
    assert report["cost"]["total"]["newMin"] < report["cost"]["total"]["oldMin"]
    assert all(finding["findings"] for finding in report["findings"])
    assert main(["dev", "--against", "no-such-ref"]) == 2
