"""`sentinel:cluster` and `sentinel:nodes`: the EKS control plane (Kubernetes version, endpoint access, who
administers it, add-on and autoscaler versions) and its managed node group (instance types and scaling).

Versions are pinned here, not resolved at deploy time, so a preview shows exactly what `pulumi up` installs and
an upgrade is a reviewed change. Each Kubernetes minor has its own add-on builds; moving `cluster.version`
means moving the add-on versions, kube-proxy and the autoscaler's image with it (validation checks the last
two, whose versions carry the minor).
"""

from __future__ import annotations

import datetime
import ipaddress
import re
from collections.abc import Mapping
from typing import Annotated

from pydantic import AfterValidator, Field, model_validator

from components.config.types import (
    Environment,
    Key,
    LogRetentionDays,
    NodeInstanceType,
    Section,
    SectionError,
    by_environment,
    in_every_environment,
    unique,
)
from facts.eks_addons import AddonName
from facts.instance_classes import NODE_INSTANCE_TYPES

# End of standard support of each Kubernetes minor on EKS (14 months after its EKS release; extended support,
# billed per cluster hour, follows for 12 more). A version is listed so that a cluster can be upgraded from it,
# one minor at a time; the program warns when the configured one leaves standard support within six months.
# https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html (release calendar)
STANDARD_SUPPORT_ENDS: Mapping[str, datetime.date] = {
    "1.34": datetime.date(2026, 12, 2),
    "1.35": datetime.date(2027, 3, 27),
}
SUPPORT_WARNING_WINDOW = datetime.timedelta(days=183)

# EKS add-on builds for Kubernetes 1.35, as `aws eks describe-addon-versions --kubernetes-version 1.35
# --addon-name <name>` lists them; pin the build you have tested, and move them with cluster.version.
ADDON_VERSIONS: Mapping[AddonName, str] = {
    "vpc-cni": "v1.21.1-eksbuild.1",
    "eks-pod-identity-agent": "v1.3.10-eksbuild.1",
    "coredns": "v1.13.1-eksbuild.1",
    "kube-proxy": "v1.35.0-eksbuild.2",
    "metrics-server": "v0.8.0-eksbuild.6",
    "amazon-cloudwatch-observability": "v4.7.0-eksbuild.1",
    "aws-efs-csi-driver": "v2.2.0-eksbuild.1",
    "aws-secrets-store-csi-driver-provider": "v2.1.1-eksbuild.1",
}

_ADDON_VERSION = re.compile(r"v\d+\.\d+\.\d+-eksbuild\.\d+")
_CHART_VERSION = re.compile(r"\d+\.\d+\.\d+")
_IMAGE_TAG = re.compile(r"v(?P<minor>\d+\.\d+)\.\d+")
# IAM role ARNs: arn:<partition>:iam::<account>:role/<optional path/><name>
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns).
_ROLE_ARN = re.compile(r"arn:aws(-cn|-us-gov)?:iam::\d{12}:role/([\w+=,.@-]+/)*[\w+=,.@-]{1,64}")
_ASSUMED_ROLE = re.compile(r"arn:aws(-cn|-us-gov)?:sts::\d{12}:assumed-role/")


def _kubernetes_version(value: str) -> str:
    if value not in STANDARD_SUPPORT_ENDS:
        raise ValueError(
            f"must be a Kubernetes version in the support table of components/config/cluster.py: "
            f"{', '.join(STANDARD_SUPPORT_ENDS)}"
        )
    return value


def _addon_version(value: str) -> str:
    if not _ADDON_VERSION.fullmatch(value):
        raise ValueError("must be an EKS add-on build such as v1.21.1-eksbuild.1 (aws eks describe-addon-versions)")
    return value


def _chart_version(value: str) -> str:
    if not _CHART_VERSION.fullmatch(value):
        raise ValueError("must be an exact chart version such as 9.54.0, never a range")
    return value


def _image_tag(value: str) -> str:
    if not _IMAGE_TAG.fullmatch(value):
        raise ValueError("must be a release tag such as v1.35.0")
    return value


def _role_arn(value: str) -> str:
    if _ASSUMED_ROLE.match(value):
        raise ValueError(
            "is an STS session (assumed-role) ARN, which changes with every session; give the role's own ARN, "
            "arn:aws:iam::<account>:role/<name>"
        )
    if not _ROLE_ARN.fullmatch(value):
        raise ValueError("must be an IAM role ARN such as arn:aws:iam::111111111111:role/platform-admin")
    return value


def _endpoint_cidr(value: str) -> str:
    try:
        network = ipaddress.IPv4Network(value)
    except ValueError as error:
        raise ValueError(f"must be an IPv4 CIDR with no host bits set, such as 203.0.113.0/24 ({error})") from None
    if network.prefixlen == 0:
        raise ValueError("opens the API to the whole internet; list the operators' and deploy runners' ranges")
    if not network.is_global:
        raise ValueError("must be a public range: the public endpoint sees the caller's public address")
    return str(network)


KubernetesVersion = Annotated[str, AfterValidator(_kubernetes_version)]
AddonVersion = Annotated[str, AfterValidator(_addon_version)]
RoleArn = Annotated[str, AfterValidator(_role_arn)]
EndpointCidr = Annotated[str, AfterValidator(_endpoint_cidr)]


class AutoscalerConfig(Section):
    """The Cluster Autoscaler's Helm chart (https://kubernetes.github.io/autoscaler) and image."""

    chart_version: Annotated[str, AfterValidator(_chart_version)] = "9.54.0"
    """The exact version of the `cluster-autoscaler` chart, never a range."""
    image_tag: Annotated[str, AfterValidator(_image_tag)] = "v1.35.0"
    """The autoscaler's image tag, set rather than left to the chart's appVersion: it must be a release for the
    cluster's Kubernetes minor."""


class ClusterConfig(Section):
    version: KubernetesVersion = "1.35"
    """The Kubernetes minor, one of the support table `STANDARD_SUPPORT_ENDS` in `components/config/cluster.py`;
    the program warns (never fails) within six months of its end of standard support. Move it one minor at a
    time, with `addonVersions` and `autoscaler.imageTag` (docs/cluster.md)."""
    public_access_cidrs: Annotated[list[EndpointCidr], AfterValidator(unique)] = Field(default_factory=list)
    """Public IPv4 ranges admitted to the API's public endpoint, never `0.0.0.0/0`. Empty keeps the endpoint
    private, reached from inside the VPC only (the deploy runner, the bastion)."""
    deploy_role_arn: RoleArn
    """The IAM role that runs `pulumi up` (the role's own ARN, not an `assumed-role` session). It gets cluster
    admin through an access entry, since the creator's implicit admin is switched off
    (`bootstrapClusterCreatorAdminPermissions` cannot change after creation)."""
    admin_role_arns: Annotated[list[RoleArn], AfterValidator(unique)] = Field(default_factory=list)
    """Further IAM roles with cluster admin: operators, SSO roles."""
    log_retention_days: Annotated[LogRetentionDays, by_environment(dev=30, staging=90, prod=365)]
    """How long the control plane's logs are kept."""
    addon_versions: Annotated[dict[AddonName, AddonVersion], in_every_environment(dict(ADDON_VERSIONS))]
    """The pinned build of every EKS add-on, as `aws eks describe-addon-versions --kubernetes-version <minor>`
    lists them; kube-proxy's must be of the cluster's minor."""
    autoscaler: AutoscalerConfig = AutoscalerConfig()
    """The Cluster Autoscaler's Helm chart (https://kubernetes.github.io/autoscaler) and image."""

    @model_validator(mode="after")
    def _check_versions_and_roles(self) -> ClusterConfig:
        problems: list[tuple[Key, str]] = []
        missing = sorted(set(ADDON_VERSIONS) - set(self.addon_versions))
        if missing:
            problems.append((("addonVersions",), f"pins no version of {missing}; every add-on needs one"))
        kube_proxy = self.addon_versions.get("kube-proxy", "")
        if kube_proxy and not kube_proxy.startswith(f"v{self.version}."):
            problems.append(
                (("addonVersions", "kube-proxy"), f"must be a build of Kubernetes {self.version} (v{self.version}.x)")
            )
        tag = _IMAGE_TAG.fullmatch(self.autoscaler.image_tag)
        if tag and tag["minor"] != self.version:
            problems.append(
                (("autoscaler", "imageTag"), f"must be a Cluster Autoscaler release for Kubernetes {self.version}")
            )
        if self.deploy_role_arn in self.admin_role_arns:
            index = self.admin_role_arns.index(self.deploy_role_arn)
            problems.append(
                (("adminRoleArns", index), "repeats deployRoleArn, which already has an access entry; list it once")
            )
        if problems:
            raise SectionError(problems)
        return self

    @property
    def principal_arns(self) -> list[str]:
        """Every role with cluster admin, the deploying role first."""
        return [self.deploy_role_arn, *self.admin_role_arns]


class NodesConfig(Section):
    """The managed node group: the seed's 2 vCPU / 4 GiB nodes, 2 to 20 of them in prod."""

    instance_types: Annotated[list[NodeInstanceType], Field(min_length=1), AfterValidator(unique)] = Field(
        default_factory=lambda: ["c7i.large", "c6i.large", "c6a.large"]
    )
    """EC2 types of `facts/instance_classes.py`, of one architecture and size and not burstable: the node group
    launches whichever has capacity, and the autoscaler sizes it by one node shape."""
    min_size: Annotated[int, Field(ge=1, le=450), by_environment(dev=1, staging=2, prod=2)]
    """The fewest nodes; at least 2 outside dev, since one node is a single point of failure."""
    desired_size: Annotated[int, Field(ge=1, le=450), by_environment(dev=1, staging=2, prod=3)]
    """The nodes at creation, between `minSize` and `maxSize`; afterwards the Cluster Autoscaler owns it."""
    max_size: Annotated[int, Field(ge=1, le=450), by_environment(dev=4, staging=6, prod=20)]
    """The most nodes the autoscaler may add; every HPA at its maximum must fit them
    (`node-group-fits-hpa-maximum`)."""
    disk_size_gib: int = Field(default=50, ge=20, le=16384)
    """Each node's encrypted gp3 root volume."""
    max_unavailable_percentage: int = Field(default=33, ge=1, le=100)
    """The share of nodes replaced at once in a rolling update (a new image or launch template)."""

    @model_validator(mode="after")
    def _check_sizes_and_types(self) -> NodesConfig:
        problems: list[tuple[Key, str]] = []
        if not self.min_size <= self.desired_size <= self.max_size:
            problems.append(
                (
                    ("desiredSize",),
                    f"minSize {self.min_size} <= desiredSize {self.desired_size} <= maxSize {self.max_size} "
                    "does not hold",
                )
            )
        rows = [NODE_INSTANCE_TYPES[name] for name in self.instance_types]
        shapes = {(row.architecture, row.vcpus, row.memory_gib) for row in rows}
        if len(shapes) > 1:
            listed = ", ".join(
                f"{row.name} ({row.architecture}, {row.vcpus} vCPU / {row.memory_gib:g} GiB)" for row in rows
            )
            problems.append(
                (
                    ("instanceTypes",),
                    f"mixes {listed}; list types of one architecture and size (one AMI type, and the autoscaler "
                    "sizes the group by one node shape)",
                )
            )
        if problems:
            raise SectionError(problems)
        return self

    @property
    def architecture(self) -> str:
        return NODE_INSTANCE_TYPES[self.instance_types[0]].architecture


def node_problems(environment: Environment, nodes: NodesConfig) -> list[tuple[Key, str]]:
    """What depends on the environment: at least two nodes outside dev."""
    if environment != "dev" and nodes.min_size < 2:
        return [(("nodes", "minSize"), f"must be at least 2 in {environment}: one node is a single point of failure")]
    return []
