"""The EKS add-ons the cluster installs: where each belongs against the node group, why, and the service accounts
of its pods that call AWS. The cluster component builds from this one table, and the policy pack checks every
stack's graph against it (`eks-addons-ordered-around-nodes`, `eks-pod-identity-before-pods`).

The cluster is created with `bootstrap_self_managed_addons=False`, so EKS installs nothing by itself: what a node
needs to become Ready must be installed before the node group, and what runs as a Deployment only after it (with
no node, its pods cannot schedule, the add-on stays DEGRADED and EKS times its creation out). Dependency-free, so
the pack can read it alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Literal

AddonName = Literal[
    "vpc-cni",
    "eks-pod-identity-agent",
    "coredns",
    "kube-proxy",
    "metrics-server",
    "amazon-cloudwatch-observability",
    "aws-efs-csi-driver",
    "aws-secrets-store-csi-driver-provider",
]

ADDON_NAMESPACE = "kube-system"
POD_NETWORKING_ADDON: AddonName = "vpc-cni"
"""The add-on that gives pods their addresses (and brings the ENIConfig kind that places them on the pods' subnets)."""
SECRETS_STORE_ADDON: AddonName = "aws-secrets-store-csi-driver-provider"
"""The add-on that mounts Secrets Manager secrets into pods (and the SecretProviderClass resource they name)."""
_DEPLOYMENT_NEEDS_NODES = (
    "runs as a Deployment: created before any node, its pods cannot schedule and EKS times the add-on out "
    "(https://docs.aws.amazon.com/eks/latest/userguide/creating-an-add-on.html)"
)


class Stage(Enum):
    BEFORE_NODES = "before the node group"
    AFTER_NODES = "after the node group"


@dataclass(frozen=True)
class AddonPlacement:
    stage: Stage
    reason: str
    """Why the add-on belongs at that stage, with its source."""
    aws_service_accounts: tuple[str, ...] = ()
    """The add-on's service accounts (in kube-system) whose pods call AWS through EKS Pod Identity: each needs its
    association before the add-on's pods start, or they run with the node's role."""
    associated_apart: tuple[str, ...] = ()
    """Those of `aws_service_accounts` that the add-on's own Pod Identity configuration does not offer, so that EKS
    refuses them among the add-on's associations: each gets an association of its own, which the add-on waits for."""


ADDONS: Mapping[AddonName, AddonPlacement] = {
    "vpc-cni": AddonPlacement(
        Stage.BEFORE_NODES,
        "pod networking: a node stays NotReady until aws-node has set up the CNI "
        "(https://docs.aws.amazon.com/eks/latest/userguide/managing-vpc-cni.html)",
        ("aws-node",),
    ),
    "kube-proxy": AddonPlacement(
        Stage.BEFORE_NODES,
        "aws-node reaches the API server through the `kubernetes` Service's cluster IP, which only kube-proxy's rules "
        "route: without it the CNI never starts and the node group fails (aws/amazon-vpc-cni-k8s#1847 and #575, "
        "terraform-aws-modules/terraform-aws-eks#3525)",
    ),
    "eks-pod-identity-agent": AddonPlacement(
        Stage.BEFORE_NODES,
        "serves pod credentials on every node, aws-node's among them "
        "(https://docs.aws.amazon.com/eks/latest/userguide/pod-id-agent-setup.html)",
    ),
    "coredns": AddonPlacement(Stage.AFTER_NODES, _DEPLOYMENT_NEEDS_NODES),
    "metrics-server": AddonPlacement(Stage.AFTER_NODES, _DEPLOYMENT_NEEDS_NODES),
    "amazon-cloudwatch-observability": AddonPlacement(
        Stage.AFTER_NODES, f"its controller {_DEPLOYMENT_NEEDS_NODES}", ("cloudwatch-agent",)
    ),
    "aws-efs-csi-driver": AddonPlacement(
        Stage.AFTER_NODES,
        f"its controller {_DEPLOYMENT_NEEDS_NODES}",
        # The node plugin mounts with `iam` under its own identity, which the add-on's configuration offers no
        # association for (kubernetes-sigs/aws-efs-csi-driver#1759). The controller calls AWS only to provision
        # volumes dynamically (creating and deleting access points for a StorageClass, pkg/cloud/cloud.go there),
        # which the platform does not do: its one volume is static, on an access point the stack makes.
        ("efs-csi-node-sa",),
        associated_apart=("efs-csi-node-sa",),
    ),
    # The Secrets Store CSI driver with the AWS provider (ASCP): it mounts Secrets Manager secrets into the pods that
    # ask, reading them as the pod's own Pod Identity role, so it needs no AWS identity of its own.
    SECRETS_STORE_ADDON: AddonPlacement(
        Stage.AFTER_NODES,
        "it runs DaemonSets only, but that EKS reports it ACTIVE with no node to run them on is documented nowhere; "
        "after the nodes it costs no time, since the pods that mount secrets wait for nodes and for cluster DNS "
        "(coredns, itself after the nodes) anyway "
        "(https://docs.aws.amazon.com/secretsmanager/latest/userguide/ascp-eks-installation.html)",
    ),
}


def addons_at(stage: Stage) -> tuple[AddonName, ...]:
    return tuple(name for name, placement in ADDONS.items() if placement.stage is stage)
