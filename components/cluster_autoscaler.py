"""The Cluster Autoscaler: the Helm release that sizes the node group to the pods, with a role through EKS Pod
Identity that may resize only this cluster's autoscaling groups."""

from __future__ import annotations

from typing import Any

import pulumi_aws as aws
import pulumi_kubernetes as k8s

from components.base import Component, Platform, iam_document
from components.config.cluster import AutoscalerConfig
from components.pod_identity import pod_identity_trust

AUTOSCALER_CHART_REPOSITORY = "https://kubernetes.github.io/autoscaler"
AUTOSCALER_SERVICE_ACCOUNT = "cluster-autoscaler"


def autoscaler_policy(platform: Platform) -> list[dict[str, Any]]:
    """The Cluster Autoscaler's permissions: it may resize and shrink only the autoscaling groups tagged as
    owned by this cluster; the Describe* calls it needs to find them accept no resource or tag scope."""
    tag = f"aws:ResourceTag/k8s.io/cluster-autoscaler/{platform.cluster_name}"
    return [
        {
            "Sid": "ScaleThisClustersGroups",
            "Effect": "Allow",
            "Action": ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
            "Resource": f"arn:aws:autoscaling:{platform.region}:{platform.account_id}:autoScalingGroup:*",
            "Condition": {"StringEquals": {tag: "owned"}},
        },
        {
            "Sid": "DiscoverGroups",
            "Effect": "Allow",
            "Action": [
                "autoscaling:DescribeAutoScalingGroups",
                "autoscaling:DescribeAutoScalingInstances",
                "autoscaling:DescribeLaunchConfigurations",
                "autoscaling:DescribeScalingActivities",
                "autoscaling:DescribeTags",
                "ec2:DescribeImages",
                "ec2:DescribeInstanceTypes",
                "ec2:DescribeLaunchTemplateVersions",
                "ec2:GetInstanceTypesFromInstanceRequirements",
            ],
            "Resource": "*",
        },
        {
            "Sid": "DescribeThisClustersNodeGroups",
            "Effect": "Allow",
            "Action": "eks:DescribeNodegroup",
            "Resource": f"arn:aws:eks:{platform.region}:{platform.account_id}:nodegroup/{platform.cluster_name}/*",
        },
    ]


def cluster_autoscaler(
    component: Component,
    name: str,
    *,
    cluster: aws.eks.Cluster,
    config: AutoscalerConfig,
    provider: k8s.Provider,
    node_group: aws.eks.NodeGroup,
) -> k8s.helm.v3.Release:
    """The autoscaler's role, its Pod Identity association and its Helm release on the cluster of `provider`, installed
    once `node_group` exists; each resource is `component`'s child."""
    platform = component.platform
    role = component.role(f"{name}-cluster-autoscaler", "cluster-autoscaler", pod_identity_trust(platform.account_id))
    aws.iam.RolePolicy(
        f"{name}-cluster-autoscaler",
        role=role.id,
        policy=iam_document(autoscaler_policy(platform)),
        opts=component.child(),
    )
    association = aws.eks.PodIdentityAssociation(
        f"{name}-cluster-autoscaler",
        cluster_name=cluster.name,
        namespace="kube-system",
        service_account=AUTOSCALER_SERVICE_ACCOUNT,
        role_arn=role.arn,
        tags={"Name": platform.name("cluster-autoscaler")},
        opts=component.child(),
    )
    return k8s.helm.v3.Release(
        f"{name}-cluster-autoscaler",
        name="cluster-autoscaler",
        chart="cluster-autoscaler",
        version=config.chart_version,
        repository_opts=k8s.helm.v3.RepositoryOptsArgs(repo=AUTOSCALER_CHART_REPOSITORY),
        namespace="kube-system",
        values={
            "cloudProvider": "aws",
            "autoDiscovery": {"clusterName": platform.cluster_name},
            # Instance metadata is out of reach (hop limit 1): the region must be given.
            "awsRegion": platform.region,
            "image": {"tag": config.image_tag},
            "rbac": {"serviceAccount": {"create": True, "name": AUTOSCALER_SERVICE_ACCOUNT}},
            "extraArgs": {"expander": "least-waste", "balance-similar-node-groups": True},
            "resources": {"requests": {"cpu": "100m", "memory": "300Mi"}, "limits": {"memory": "600Mi"}},
        },
        opts=component.child(provider=provider, depends_on=[node_group, association]),
    )
