"""The cluster's EKS add-ons and their Pod Identity: each add-on at its place against the node group
(facts/eks_addons.py), with the configuration the platform needs of it, and an IAM role of its own for each of its
service accounts that calls AWS.

An add-on's Pod Identity associations are part of it (EKS creates them before the add-on's pods) or, where the add-on
offers none for a service account, created just before it, so no pod of it starts with the node's role.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.base import Component, iam_document
from components.cluster_nodes import ENI_CONFIG_LABEL
from components.file_system import mount_statement
from components.interfaces import SharedFiles
from components.pod_identity import pod_identity_trust
from facts.eks_addons import ADDON_NAMESPACE, ADDONS, AddonName, Stage, addons_at


@dataclass(frozen=True)
class AddonIdentity:
    """The role one of an add-on's service accounts gets through Pod Identity: what it is called, and the AWS managed
    policy it holds (`path/name`, as AWS files it), or None for the node plugin of the EFS driver, which may only
    mount the shared files through the apps' access point."""

    role_purpose: str
    managed_policy: str | None


# By service account; which add-on owns which is facts/eks_addons.py's to say.
ADDON_IDENTITIES: dict[str, AddonIdentity] = {
    "aws-node": AddonIdentity("vpc-cni", "AmazonEKS_CNI_Policy"),
    "cloudwatch-agent": AddonIdentity("cloudwatch-agent", "CloudWatchAgentServerPolicy"),
    "efs-csi-node-sa": AddonIdentity("efs-csi-node", None),
}

ADDON_CONFIGURATION: dict[AddonName, dict[str, Any]] = {
    # Kubernetes NetworkPolicies are enforced (the workloads namespace isolates its apps with them).
    # Custom networking: pods on the pods' subnets named by each zone's ENIConfig (components/cluster_nodes.py).
    "vpc-cni": {
        "enableNetworkPolicy": "true",
        "env": {"AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG": "true", "ENI_CONFIG_LABEL_DEF": ENI_CONFIG_LABEL},
    },
    # Container Insights in its standard mode: per-node and per-cluster metrics in the ContainerInsights
    # namespace by ClusterName (node_memory_utilization, cluster_failed_node_count, ... which the alarms read),
    # without enhanced observability's per-pod metrics billed by observation. Container logs stay off: Fluent
    # Bit would create log groups this program neither encrypts nor expires.
    "amazon-cloudwatch-observability": {
        "agent": {"config": {"logs": {"metrics_collected": {"kubernetes": {"enhanced_container_insights": False}}}}},
        "containerLogs": {"enabled": False},
    },
    # The apps read their secrets as environment variables: the driver syncs each mount into a Kubernetes Secret
    # (syncSecret), and re-reads Secrets Manager every two minutes so a new value reaches the mount and that Secret
    # (a running process keeps its environment until its pod restarts).
    # https://secrets-store-csi-driver.sigs.k8s.io/topics/sync-as-kubernetes-secret and .../topics/secret-auto-rotation
    "aws-secrets-store-csi-driver-provider": {
        "secrets-store-csi-driver": {
            "syncSecret": {"enabled": True},
            "enableSecretRotation": True,
            "rotationPollInterval": "2m",
        }
    },
}


def cluster_addons(
    component: Component,
    name: str,
    stage: Stage,
    *,
    cluster: aws.eks.Cluster,
    versions: Mapping[AddonName, str],
    shared_files: SharedFiles,
    depends_on: Sequence[pulumi.Resource] = (),
) -> dict[AddonName, aws.eks.Addon]:
    """The add-ons of `stage` by name, each at its configured version and created after `depends_on`, with the roles
    of their service accounts; each resource is `component`'s child."""
    return {
        addon: _addon(
            component,
            name,
            addon,
            cluster=cluster,
            version=versions[addon],
            shared_files=shared_files,
            depends_on=depends_on,
        )
        for addon in addons_at(stage)
    }


def _addon(
    component: Component,
    name: str,
    addon: AddonName,
    *,
    cluster: aws.eks.Cluster,
    version: str,
    shared_files: SharedFiles,
    depends_on: Sequence[pulumi.Resource],
) -> aws.eks.Addon:
    placement = ADDONS[addon]
    own_associations: list[aws.eks.AddonPodIdentityAssociationArgs] = []
    associated_apart: list[pulumi.Resource] = []
    for service_account in placement.aws_service_accounts:
        role = _addon_role(component, name, service_account, shared_files)
        if service_account in placement.associated_apart:
            associated_apart.append(
                aws.eks.PodIdentityAssociation(
                    f"{name}-{ADDON_IDENTITIES[service_account].role_purpose}",
                    cluster_name=cluster.name,
                    namespace=ADDON_NAMESPACE,
                    service_account=service_account,
                    role_arn=role.arn,
                    tags={"Name": component.platform.name(service_account)},
                    opts=component.child(),
                )
            )
        else:
            own_associations.append(
                aws.eks.AddonPodIdentityAssociationArgs(role_arn=role.arn, service_account=service_account)
            )
    configuration = ADDON_CONFIGURATION.get(addon)
    return aws.eks.Addon(
        f"{name}-{addon}",
        cluster_name=cluster.name,
        addon_name=addon,
        addon_version=version,
        configuration_values=pulumi.Output.json_dumps(configuration) if configuration else None,
        # EKS creates these before the add-on's pods; the others exist before the add-on is created.
        pod_identity_associations=own_associations or None,
        # The program owns the add-ons' configuration: values set by hand are overwritten.
        resolve_conflicts_on_create="OVERWRITE",
        resolve_conflicts_on_update="OVERWRITE",
        tags={"Name": component.platform.name(addon)},
        opts=component.child(depends_on=[*depends_on, *associated_apart]),
    )


def _addon_role(component: Component, name: str, service_account: str, shared_files: SharedFiles) -> aws.iam.Role:
    """The role `service_account` gets through Pod Identity, holding its managed policy or, for the EFS driver's node
    plugin, the mount of the shared files through the apps' access point."""
    identity = ADDON_IDENTITIES[service_account]
    resource_name = f"{name}-{identity.role_purpose}"
    role = component.role(resource_name, identity.role_purpose, pod_identity_trust(component.platform.account_id))
    if identity.managed_policy is not None:
        component.attach_managed_policy(resource_name, role, identity.managed_policy)
    else:
        aws.iam.RolePolicy(
            resource_name,
            role=role.id,
            policy=iam_document([mount_statement(shared_files)]),
            opts=component.child(),
        )
    return role
