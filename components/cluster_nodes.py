"""The cluster's nodes: the managed node group on Amazon Linux 2023, the role its instances hold and the hardened
launch template they start from, tagged for the Cluster Autoscaler to find; and where their pods get addresses.

Pods get theirs on the pods' subnets of the VPC's secondary range, not on the nodes' private subnets: the VPC CNI's
custom networking (its add-on configuration, components/cluster_addons.py) gives each node's pods network interfaces
in the subnet its zone's ENIConfig names (https://docs.aws.amazon.com/eks/latest/userguide/cni-custom-network.html).
A network policy that admits the private subnets then admits the nodes and no pod. The managed node group computes
each node's pod capacity under custom networking itself, its launch template naming no image.
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from components.base import Component, hardened_launch_template, service_trust
from components.config.cluster import NodesConfig
from components.interfaces import Vpc
from facts.instance_classes import Architecture

# What nodes themselves call: EKS (joining the cluster) and ECR (pulling images). Pods' AWS calls go through
# EKS Pod Identity, the VPC CNI's included, so the node role holds no AmazonEKS_CNI_Policy.
NODE_POLICIES = ("AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly")
AMI_TYPES = {Architecture.X86_64: "AL2023_x86_64_STANDARD", Architecture.ARM64: "AL2023_ARM_64_STANDARD"}
# The VPC CNI picks a node's ENIConfig by this label of the node, so each ENIConfig is named after its zone.
ENI_CONFIG_LABEL = "topology.kubernetes.io/zone"


def node_group(
    component: Component,
    name: str,
    *,
    cluster: aws.eks.Cluster,
    nodes: NodesConfig,
    network: Vpc,
    node_security_group_id: pulumi.Input[str],
    provider: k8s.Provider,
    pod_networking: pulumi.Resource,
    depends_on: Sequence[pulumi.Resource],
) -> aws.eks.NodeGroup:
    """The node group of `cluster` in the private subnets, its pods on the pods' subnets, nodes and pods in the `webapp`
    group alone, created after `depends_on` and after each zone's ENIConfig on the cluster of `provider`, which waits
    for `pod_networking` (the VPC CNI add-on, which brings the ENIConfig kind) alone; each resource is `component`'s
    child."""
    platform = component.platform
    role = component.role(f"{name}-nodes", "eks-nodes", service_trust("ec2.amazonaws.com", None))
    attachments = [component.attach_managed_policy(f"{name}-nodes", role, policy) for policy in NODE_POLICIES]
    template = hardened_launch_template(
        component,
        f"{name}-nodes",
        purpose="eks-nodes",
        description=f"EKS nodes of {platform.cluster_name}",
        # `webapp` alone, not the group EKS makes for the cluster, which lets out everything: `webapp`'s rules are all a
        # node may do, the control plane's among them (components/security.py).
        security_group_ids=[node_security_group_id],
        root_volume_gib=nodes.disk_size_gib,
    )
    pod_networks = [
        k8s.apiextensions.CustomResource(
            f"{name}-pods-{zone[-1]}",
            api_version="crd.k8s.amazonaws.com/v1alpha1",
            kind="ENIConfig",
            metadata=k8s.meta.v1.ObjectMetaArgs(name=zone),
            spec={"subnet": subnet_id, "securityGroups": [node_security_group_id]},
            opts=component.child(provider=provider, depends_on=[pod_networking]),
        )
        for zone, subnet_id in zip(network.availability_zones, network.subnet_ids["pods"], strict=True)
    ]
    return aws.eks.NodeGroup(
        f"{name}-nodes",
        cluster_name=cluster.name,
        node_group_name_prefix=platform.name("nodes-"),
        node_role_arn=role.arn,
        subnet_ids=network.subnet_ids["private"],
        # Amazon Linux 2023 through the AMI type (Amazon Linux 2 has no images after Kubernetes 1.32); EKS
        # picks the image of the cluster's version, so the template names none.
        ami_type=AMI_TYPES[Architecture(nodes.architecture)],
        capacity_type="ON_DEMAND",
        instance_types=list(nodes.instance_types),
        launch_template=aws.eks.NodeGroupLaunchTemplateArgs(id=template.id, version=template.latest_version.apply(str)),
        scaling_config=aws.eks.NodeGroupScalingConfigArgs(
            min_size=nodes.min_size, desired_size=nodes.desired_size, max_size=nodes.max_size
        ),
        update_config=aws.eks.NodeGroupUpdateConfigArgs(max_unavailable_percentage=nodes.max_unavailable_percentage),
        tags={
            "Name": platform.name("eks-nodes"),
            # The Cluster Autoscaler's auto-discovery tags (EKS also puts them on the autoscaling group).
            "k8s.io/cluster-autoscaler/enabled": "true",
            f"k8s.io/cluster-autoscaler/{platform.cluster_name}": "owned",
        },
        opts=component.child(
            # A node started before its zone's ENIConfig exists gives its pods no address.
            depends_on=[*depends_on, *attachments, *pod_networks],
            # The autoscaler owns the desired size; a deploy must not reset it.
            ignore_changes=["scalingConfig.desiredSize"],
        ),
    )


def autoscaling_group_name(group: aws.eks.NodeGroup) -> pulumi.Output[str]:
    """The name of the autoscaling group EKS created for `group` (empty while EKS reports none)."""
    return group.resources.apply(_first_autoscaling_group)


def _first_autoscaling_group(resources: Sequence[aws.eks.outputs.NodeGroupResource]) -> str:
    names = [group.name for resource in resources for group in resource.autoscaling_groups or [] if group.name]
    return names[0] if names else ""
