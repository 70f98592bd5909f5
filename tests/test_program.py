"""The whole program, per stack: it runs, tags and pins everything, protects state in prod, and stops
before registering anything when its config is wrong."""

from __future__ import annotations

import json

import pytest

import offline
from components.config import ConfigError
from offline.graph import Graph
from tests.helpers import STACKS, graph_of

REQUIRED_TAGS = {"Project", "Environment", "Stack", "Owner", "CostCenter", "ManagedBy"}


def aws_resources(graph: Graph) -> list:
    return [resource for resource in graph if resource.type.startswith("aws:")]


@pytest.mark.parametrize("stack", STACKS)
def test_stack_exports_the_network_and_groups(stack: str) -> None:
    exports = graph_of(stack).exports
    assert exports["vpcId"].startswith("vpc-")
    assert {tier: len(ids) for tier, ids in exports["subnetIds"].items()} == {
        "public": 3,
        "private": 3,
        "data": 3,
        "pods": 3,
    }
    assert set(exports["securityGroupIds"]) == {
        "alb",
        "webapp",
        "bastion",
        "database",
        "cache",
        "efs",
        "controlplane",
        "proxy",
        "deployrunner",
    }


def test_every_aws_resource_uses_the_one_tagged_account_pinned_provider(stack_graph: Graph) -> None:
    [provider] = stack_graph.of_type("pulumi:providers:aws")
    assert all(resource.provider == provider.urn for resource in aws_resources(stack_graph))
    # Providers receive structured settings as JSON text.
    tags = json.loads(provider.inputs["defaultTags"])["tags"]
    assert set(tags) >= REQUIRED_TAGS
    assert tags["Environment"] == tags["Stack"] == stack_graph.stack
    assert json.loads(provider.inputs["allowedAccountIds"]) == [tags and graph_account(stack_graph)]
    assert provider.inputs["region"] == "us-east-1"


def graph_account(graph: Graph) -> str:
    [vpc] = graph.of_type("aws:ec2/vpc:Vpc")
    return vpc.outputs["ownerId"]


def test_every_resource_belongs_to_a_component(stack_graph: Graph) -> None:
    loose = [r.urn for r in stack_graph if r.parent is None and r.custom and not r.is_provider]
    assert loose == []


def test_bad_config_stops_the_program_before_any_resource() -> None:
    with pytest.raises(offline.ProgramFailedError) as caught:
        offline.run("prod", {"sentinel:network.vpcCidr": "10.0.0.0/33"})
    assert isinstance(caught.value.error, ConfigError)
    assert "sentinel:network.vpcCidr" in str(caught.value.error)
    assert len(caught.value.graph) == 0


def test_runs_in_one_process_do_not_leak_into_each_other() -> None:
    first = graph_of("prod")
    offline.run("dev", {"sentinel:network.natGateways": "perAz", "sentinel:name": "other"})
    with pytest.raises(offline.ProgramFailedError):
        offline.run("staging", {"sentinel:region": "nowhere"})
    again = offline.run("prod")
    assert list(again.resources) == list(first.resources)
    assert all(again[urn].inputs == first[urn].inputs for urn in first.resources)
    assert again.exports == first.exports


def test_dev_is_smaller_than_prod() -> None:
    assert len(graph_of("dev")) < len(graph_of("prod"))
