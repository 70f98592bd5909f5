"""Where pods get their addresses, and what the network policies admit: the VPC CNI's custom networking puts every
pod on the pods' subnets of the VPC's secondary range, so the "from the nodes" policies, which admit the private
subnets, admit the nodes (and what a node forwards for the ALB) and no pod."""

from __future__ import annotations

import dataclasses
import ipaddress
import json
from typing import Any

from components.cluster_nodes import ENI_CONFIG_LABEL
from offline.graph import Graph, Resource
from tests.graph_queries import by_id, group_roles, subnets_by_tier

ENI_CONFIG = "kubernetes:crd.k8s.amazonaws.com/v1alpha1:ENIConfig"
NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
ADDON = "aws:eks/addon:Addon"
SUBNET = "aws:ec2/subnet:Subnet"


def pod_ranges(graph: Graph) -> list[ipaddress.IPv4Network]:
    """The address ranges pods get addresses from: the subnets the ENIConfigs name."""
    subnets = by_id(graph, SUBNET)
    return [
        ipaddress.IPv4Network(subnets[eni.inputs["spec"]["subnet"]].inputs["cidrBlock"])
        for eni in graph.of_type(ENI_CONFIG)
    ]


def admitted_pods(graph: Graph) -> list[tuple[str, str]]:
    """(policy, CIDR) for every CIDR an ingress rule of a network policy admits that holds pod addresses."""
    pods = pod_ranges(graph)
    found = []
    for policy in graph.of_type(NETWORK_POLICY):
        for rule in policy.inputs["spec"].get("ingress", []):
            for peer in rule.get("from", []):
                block = peer.get("ipBlock")
                if block is None:
                    continue
                admitted = ipaddress.IPv4Network(block["cidr"])
                excepted = [ipaddress.IPv4Network(cidr) for cidr in block.get("except", [])]
                if any(admitted.overlaps(pod) and not any(pod.subnet_of(cut) for cut in excepted) for pod in pods):
                    found.append((policy.inputs["metadata"]["name"], block["cidr"]))
    return found


def test_no_network_policy_admits_an_address_a_pod_can_have(stack_graph: Graph) -> None:
    from_nodes = [
        p for p in stack_graph.of_type(NETWORK_POLICY) if p.inputs["metadata"]["name"].endswith("-from-nodes")
    ]
    assert from_nodes and pod_ranges(stack_graph)
    assert admitted_pods(stack_graph) == []


def test_a_policy_admitting_the_pods_subnets_is_caught(prod: Graph) -> None:
    [policy, *_] = [p for p in prod.of_type(NETWORK_POLICY) if p.inputs["metadata"]["name"].endswith("-from-nodes")]
    pods = str(pod_ranges(prod)[0])
    spec: dict[str, Any] = json.loads(json.dumps(policy.inputs["spec"]))
    spec["ingress"][0]["from"].append({"ipBlock": {"cidr": pods}})
    planted = dataclasses.replace(policy, inputs={**policy.inputs, "spec": spec})
    graph = Graph(prod.stack, {**prod.resources, policy.urn: planted}, prod.exports)
    assert admitted_pods(graph) == [(policy.inputs["metadata"]["name"], pods)]


def test_the_nodes_policies_admit_the_subnets_of_the_nodes(stack_graph: Graph) -> None:
    [node_group] = stack_graph.of_type(NODE_GROUP)
    subnets = by_id(stack_graph, SUBNET)
    nodes = {subnets[subnet_id].inputs["cidrBlock"] for subnet_id in node_group.inputs["subnetIds"]}
    for policy in stack_graph.of_type(NETWORK_POLICY):
        if policy.inputs["metadata"]["name"].endswith("-from-nodes"):
            [rule] = policy.inputs["spec"]["ingress"]
            assert {peer["ipBlock"]["cidr"] for peer in rule["from"]} == nodes


def eni_configs(graph: Graph) -> dict[str, Resource]:
    return {eni.inputs["metadata"]["name"]: eni for eni in graph.of_type(ENI_CONFIG)}


def test_each_zones_pods_get_addresses_on_its_pods_subnet_in_the_nodes_group_alone(stack_graph: Graph) -> None:
    roles = group_roles(stack_graph)
    pods = {subnet.inputs["availabilityZone"]: subnet.id for subnet in subnets_by_tier(stack_graph)["pods"]}
    configs = eni_configs(stack_graph)
    assert set(configs) == set(pods)
    for zone, eni in configs.items():
        assert eni.inputs["apiVersion"] == "crd.k8s.amazonaws.com/v1alpha1"
        assert eni.inputs["spec"]["subnet"] == pods[zone]
        assert [roles[group] for group in eni.inputs["spec"]["securityGroups"]] == ["webapp"]


def test_the_vpc_cni_runs_custom_networking_by_zone_before_any_node_starts(stack_graph: Graph) -> None:
    [cni] = [addon for addon in stack_graph.of_type(ADDON) if addon.inputs["addonName"] == "vpc-cni"]
    environment = json.loads(cni.inputs["configurationValues"])["env"]
    assert environment == {"AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG": "true", "ENI_CONFIG_LABEL_DEF": ENI_CONFIG_LABEL}
    assert ENI_CONFIG_LABEL == "topology.kubernetes.io/zone"  # each ENIConfig is named after its zone
    [node_group] = stack_graph.of_type(NODE_GROUP)
    for eni in eni_configs(stack_graph).values():
        # The ENIConfig kind comes with the VPC CNI; a node started before its zone's ENIConfig gets no pod address.
        assert cni.urn in eni.dependencies
        assert eni.urn in node_group.dependencies
