"""The offline engine itself: what it records, how it reads stack files, how its CLI behaves."""

from __future__ import annotations

import contextlib
import functools
import io
import json
import re
import shutil
from pathlib import Path
from unittest import mock

import pytest
from pulumi.runtime import MockCallArgs

import offline
from offline import stackfiles
from offline.__main__ import main
from offline.diagram import diagram
from offline.graph import Graph
from offline.mocks import AwsLikeMocks, UnmockedInvokeError
from tests.helpers import graph_of


def test_graph_records_parent_dependencies_provider_and_options(prod: Graph) -> None:
    subnet = prod.named("aws:ec2/subnet:Subnet", "network-private-a")
    vpc = prod.named("aws:ec2/vpc:Vpc", "network")
    network = prod.named("sentinel:components:Network", "network")
    assert subnet.parent == network.urn
    assert network.parent is None
    assert vpc.urn in subnet.dependencies
    assert subnet.property_dependencies["vpcId"] == frozenset({vpc.urn})
    assert subnet.provider == "urn:pulumi:prod::sentinel::pulumi:providers:aws::aws"
    key = prod.named("aws:kms/key:Key", "network-flow-logs")
    assert key.options.protect is True
    assert prod.top_level_ancestor(key) == network


def test_urns_match_the_engine_format(prod: Graph) -> None:
    assert "urn:pulumi:prod::sentinel::sentinel:components:Network$aws:ec2/vpc:Vpc::network" in prod.resources


def test_explicit_depends_on_is_recorded(prod: Graph) -> None:
    gateway = prod.named("aws:ec2/internetGateway:InternetGateway", "network")
    assert all(gateway.urn in nat.dependencies for nat in prod.of_type("aws:ec2/natGateway:NatGateway"))


def test_mock_ids_and_arns_look_like_aws(prod: Graph) -> None:
    vpc = prod.named("aws:ec2/vpc:Vpc", "network")
    assert re.fullmatch(r"vpc-[0-9a-f]{17}", vpc.id)
    assert vpc.outputs["arn"] == f"arn:aws:ec2:us-east-1:111111111111:vpc/{vpc.id}"
    key = prod.named("aws:kms/key:Key", "network-flow-logs")
    assert re.fullmatch(r"arn:aws:kms:us-east-1:111111111111:key/[0-9a-f-]{36}", key.outputs["arn"])
    role = prod.named("aws:iam/role:Role", "network-flow-logs")
    assert re.fullmatch(r"arn:aws:iam::111111111111:role/sentinel-prod-flow-logs-[0-9a-f]{26}", role.outputs["arn"])
    assert all(
        re.fullmatch(r"sgr-[0-9a-f]{17}", r.id)
        for r in prod.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    )


def test_mock_answers_are_deterministic(dev: Graph) -> None:
    again = offline.run("dev")
    assert {resource.urn: (resource.id, resource.outputs) for resource in again} == {
        resource.urn: (resource.id, resource.outputs) for resource in dev
    }


def test_an_unexpected_invoke_is_refused_by_name() -> None:
    with pytest.raises(UnmockedInvokeError, match="aws:ec2/getAmi:getAmi"):
        AwsLikeMocks().call(MockCallArgs("aws:ec2/getAmi:getAmi", {}, ""))


def test_known_invokes_answer_in_the_providers_account() -> None:
    answer, _ = AwsLikeMocks().call(MockCallArgs("aws:index/getCallerIdentity:getCallerIdentity", {}, ""))
    assert re.fullmatch(r"\d{12}", answer["accountId"])


def write_stack(tmp_path: Path, name: str, text: str) -> Path:
    shutil.copy(stackfiles.PROJECT_DIR / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    path = tmp_path / f"Pulumi.{name}.yaml"
    path.write_text(text)
    return path


def test_secure_values_become_secret_placeholders(tmp_path: Path) -> None:
    path = write_stack(
        tmp_path, "s", "config:\n  cloudflare:apiToken:\n    secure: AAABADEADBEEF\n  sentinel:environment: dev\n"
    )
    _, config, secrets = stackfiles.load(path)
    assert config["cloudflare:apiToken"] == "offline-secret-for-cloudflare:apiToken"
    assert secrets == ["cloudflare:apiToken"]
    assert config["sentinel:environment"] == "dev"


def test_structured_values_reach_the_program_as_json_text(tmp_path: Path) -> None:
    path = write_stack(tmp_path, "s", "config:\n  sentinel:network:\n    availabilityZones: [a, b]\n")
    _, config, _ = stackfiles.load(path, {"sentinel:network.natGateways": "single"})
    assert config["sentinel:network"] == '{"availabilityZones": ["a", "b"], "natGateways": "single"}'


def test_overrides_must_name_a_namespaced_key() -> None:
    with pytest.raises(offline.StackFileError, match="namespaced"):
        offline.run("dev", {"network.vpcCidr": "10.0.0.0/16"})


@functools.cache
def preview_of_prod() -> tuple[int, str]:
    """`python -m offline prod`'s exit code and output, run once for the tests that read them."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = main(["prod"])
    return code, printed.getvalue()


def test_cli_lists_resources_by_component() -> None:
    code, out = preview_of_prod()
    assert code == 0
    assert "Offline preview of stack 'prod'" in out
    assert "network (sentinel:components:Network)" in out
    assert "security (sentinel:components:Security)" in out
    assert re.search(r"network \(sentinel:components:Network\): \d+ resources", out)
    assert re.search(r"├── aws:ec2/subnet:Subnet network-private-a  cidr=10\.0\.0\.0/19  zone=us-east-1a\b", out)
    # After the resources and the policy verdict: the first deploy's critical path and the monthly cost.
    assert out.index("Policies (") < out.index("First deploy of 'prod'") < out.index("Monthly cost")


def test_cli_previews_a_stack_file_outside_the_project_with_its_own_cost(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A short-lived stack's file lives anywhere; its Cloudflare plan is read from it, not from the project."""
    text = (stackfiles.PROJECT_DIR / "Pulumi.prod.yaml").read_text()
    assert "plan: pro" in text, "the planted edit needs its anchor"
    path = write_stack(tmp_path, "pr-123", text.replace("plan: pro", "plan: business"))
    assert main([str(path)]) == 0
    assert "Cloudflare business plan" in capsys.readouterr().out


def test_cli_writes_the_review_as_json_and_the_diagram(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    drawn = tmp_path / "dev.mmd"
    assert main(["dev", "--json", "--diagram", str(drawn)]) == 0
    review = json.loads(capsys.readouterr().out)
    assert review["stack"] == "dev" and review["criticalPath"]["totalSeconds"] > 0
    assert review["cost"]["total"]["atMin"] > 0 and "network (Network)" in review["components"]
    assert drawn.read_text() == diagram(graph_of("dev"))


def test_cli_exits_1_naming_the_bad_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (stackfiles.PROJECT_DIR / "Pulumi.prod.yaml").read_text().replace("10.0.0.0/16", "10.0.0.0/33")
    path = write_stack(tmp_path, "broken", text)
    assert main([str(path)]) == 1
    captured = capsys.readouterr()
    assert "sentinel:network.vpcCidr" in captured.err
    assert captured.out == ""


def test_cli_reports_policies_and_passes_a_compliant_stack() -> None:
    code, out = preview_of_prod()
    assert code == 0
    assert "Policies (policies/config/prod.json): no violations" in out


def test_cli_shows_the_traceback_of_a_failing_program(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A bug in a component, unlike a config error, needs its traceback to be found.
    with mock.patch("components.network.Network.__init__", side_effect=RuntimeError("boom in the network")):
        assert main(["dev"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err
    assert "RuntimeError: boom in the network" in err


MOVED_TOPIC = """\
import pulumi
import pulumi_aws as aws


class Old(pulumi.ComponentResource):
    def __init__(self, name):
        super().__init__("sentinel:test:Old", name)


class New(pulumi.ComponentResource):
    def __init__(self, name, old):
        super().__init__("sentinel:test:New", name)
        aws.sns.Topic("moved", opts=pulumi.ResourceOptions(parent=self, aliases=[pulumi.Alias(parent=old)]))
        aws.sns.Topic("renamed", opts=pulumi.ResourceOptions(parent=self, aliases=[pulumi.Alias(name="before")]))


New("new", Old("old"))
"""


def test_aliases_are_recorded_as_the_urns_they_name(tmp_path: Path) -> None:
    program = tmp_path / "__main__.py"
    program.write_text(MOVED_TOPIC)
    graph = offline.run("dev", program=program)
    moved, renamed = graph.named("aws:sns/topic:Topic", "moved"), graph.named("aws:sns/topic:Topic", "renamed")
    assert moved.urn.endswith("::sentinel:test:New$aws:sns/topic:Topic::moved")
    assert [urn.split("::", 2)[2] for urn in moved.options.aliases] == ["sentinel:test:Old$aws:sns/topic:Topic::moved"]
    assert [urn.split("::", 2)[2] for urn in renamed.options.aliases] == [
        "sentinel:test:New$aws:sns/topic:Topic::before"
    ]
    assert graph.named("sentinel:test:Old", "old").options.aliases == ()
