"""The EKS cluster: control plane, access entries, the managed node group, add-ons in dependency order, the
Kubernetes provider every Kubernetes resource uses, and the Cluster Autoscaler.

Order matters at creation, and the dependencies below encode it:

    keys, log group, cluster role -> cluster -> access entries -> Kubernetes provider -> autoscaler release
                                            \\-> vpc-cni, kube-proxy, pod identity agent -> node group
                                                    -> coredns, metrics-server, observability, EFS CSI driver

Which add-on goes where, and why, is the table in facts/eks_addons.py. An add-on's Pod Identity associations
are part of it (EKS creates them before the add-on's pods) or, where the add-on offers none for a service account,
created just before it, so no pod of it starts with the node's role.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from components.base import (
    Component,
    Platform,
    aws_managed_policy,
    hardened_launch_template,
    iam_document,
    service_trust,
)
from components.config.cluster import STANDARD_SUPPORT_ENDS, SUPPORT_WARNING_WINDOW, ClusterConfig, NodesConfig
from components.file_system import mount_statement
from components.interfaces import SharedFiles, Vpc
from components.kms import ENCRYPT_DECRYPT, EncryptionKey, EncryptionKeyArgs, log_group_with_own_key
from components.pod_identity import pod_identity_trust
from facts.eks_addons import ADDON_NAMESPACE, ADDONS, AddonName, Stage, addons_at
from facts.instance_classes import Architecture

# Every control-plane log type EKS offers.
# https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html
CONTROL_PLANE_LOG_TYPES = ("api", "audit", "authenticator", "controllerManager", "scheduler")
CLUSTER_ADMIN_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
# What nodes themselves call: EKS (joining the cluster) and ECR (pulling images). Pods' AWS calls go through
# EKS Pod Identity, the VPC CNI's included, so the node role holds no AmazonEKS_CNI_Policy.
NODE_POLICIES = ("AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly")
AMI_TYPES = {Architecture.X86_64: "AL2023_x86_64_STANDARD", Architecture.ARM64: "AL2023_ARM_64_STANDARD"}
AUTOSCALER_CHART_REPOSITORY = "https://kubernetes.github.io/autoscaler"
AUTOSCALER_SERVICE_ACCOUNT = "cluster-autoscaler"


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
    "efs-csi-controller-sa": AddonIdentity("efs-csi-controller", "service-role/AmazonEFSCSIDriverPolicy"),
    "efs-csi-node-sa": AddonIdentity("efs-csi-node", None),
}

ADDON_CONFIGURATION: dict[AddonName, dict[str, Any]] = {
    # Kubernetes NetworkPolicies are enforced (the workloads namespace isolates its apps with them).
    "vpc-cni": {"enableNetworkPolicy": "true"},
    # Container Insights in its standard mode: per-node and per-cluster metrics in the ContainerInsights
    # namespace by ClusterName (node_memory_utilization, cluster_failed_node_count, ... which the alarms read),
    # without enhanced observability's per-pod metrics billed by observation. Container logs stay off: Fluent
    # Bit would create log groups this program neither encrypts nor expires.
    "amazon-cloudwatch-observability": {
        "agent": {"config": {"logs": {"metrics_collected": {"kubernetes": {"enhanced_container_insights": False}}}}},
        "containerLogs": {"enabled": False},
    },
}


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


def kubeconfig(
    cluster_name: str, region: str, endpoint: pulumi.Input[str], ca_data: pulumi.Input[str]
) -> pulumi.Output[str]:
    """A kubeconfig that authenticates with `aws eks get-token` as whoever runs it (the deploy role in CI)."""
    return pulumi.Output.json_dumps(
        {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [
                {"name": cluster_name, "cluster": {"server": endpoint, "certificate-authority-data": ca_data}}
            ],
            "contexts": [{"name": cluster_name, "context": {"cluster": cluster_name, "user": cluster_name}}],
            "current-context": cluster_name,
            "users": [
                {
                    "name": cluster_name,
                    "user": {
                        "exec": {
                            "apiVersion": "client.authentication.k8s.io/v1beta1",
                            "command": "aws",
                            "args": ["eks", "get-token", "--cluster-name", cluster_name, "--region", region],
                        }
                    },
                }
            ],
        }
    )


def _role_label(role_arn: str) -> str:
    """A logical-name fragment for a role ARN: its name, lowercased."""
    return re.sub(r"[^a-z0-9-]+", "-", role_arn.rsplit("/", 1)[1].lower())


def _autoscaling_group_name(resources: Sequence[aws.eks.outputs.NodeGroupResource]) -> str:
    names = [group.name for resource in resources for group in resource.autoscaling_groups or [] if group.name]
    return names[0] if names else ""


@dataclass(frozen=True, kw_only=True)
class ClusterArgs:
    config: ClusterConfig
    nodes: NodesConfig
    network: Vpc
    """The control plane's interfaces and the nodes are in the private subnets."""
    node_security_group_id: pulumi.Input[str]
    """The `webapp` group: what the ALB, the database, the cache and EFS admit."""
    control_plane_security_group_id: pulumi.Input[str]
    """The `controlplane` group: admits the bastion to the API."""
    shared_files: SharedFiles
    """The EFS driver's node plugin, which mounts the shared files with its own identity, may mount them through the
    apps' access point only."""


class Cluster(Component):
    name: pulumi.Output[str]
    version: str
    """The Kubernetes minor version, such as 1.33."""
    endpoint: pulumi.Output[str]
    provider: k8s.Provider
    """The Kubernetes provider every Kubernetes resource uses; it waits for the deploy role's access."""
    kubeconfig: pulumi.Output[str]
    node_group: aws.eks.NodeGroup
    autoscaling_group_name: pulumi.Output[str]
    cluster_security_group_id: pulumi.Output[str]
    """The group EKS creates: the control plane and every node are in it, and it admits itself."""
    node_security_group_ids: list[pulumi.Output[str]]
    """Every group of the nodes: `webapp` and the cluster's own."""

    def __init__(
        self, name: str, platform: Platform, args: ClusterArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, platform, opts)
        config = args.config
        cluster_name = platform.cluster_name
        self._warn_about_support(config.version)

        secrets_key = EncryptionKey(
            f"{name}-secrets",
            platform,
            EncryptionKeyArgs(description=f"Kubernetes secrets of EKS cluster {cluster_name}", purpose="eks-secrets"),
            opts=self.child(),
        )
        log_group = self._control_plane_log_group(name, config)

        role = self.role(f"{name}-cluster", "eks-cluster", service_trust("eks.amazonaws.com", platform.account_id))
        role_grants = [
            self._attach(f"{name}-cluster", role, "AmazonEKSClusterPolicy"),
            aws.iam.RolePolicy(
                f"{name}-cluster-secrets-key",
                role=role.id,
                policy=iam_document(
                    [
                        {
                            "Effect": "Allow",
                            "Action": [*ENCRYPT_DECRYPT, "kms:CreateGrant", "kms:ListGrants"],
                            "Resource": secrets_key.arn,
                        }
                    ]
                ),
                opts=self.child(),
            ),
        ]

        cluster = aws.eks.Cluster(
            name,
            # Fixed name: the subnets' discovery tags, the control-plane log group and the autoscaler's tag
            # conditions name the cluster before it exists (platform.cluster_name is the one source).
            name=cluster_name,
            version=config.version,
            role_arn=role.arn,
            vpc_config=aws.eks.ClusterVpcConfigArgs(
                subnet_ids=args.network.subnet_ids["private"],
                security_group_ids=[args.control_plane_security_group_id],
                endpoint_private_access=True,
                endpoint_public_access=bool(config.public_access_cidrs),
                public_access_cidrs=config.public_access_cidrs or None,
            ),
            access_config=aws.eks.ClusterAccessConfigArgs(
                authentication_mode="API",
                # Cannot change after creation: the creator's implicit admin would be invisible and unrevokable.
                bootstrap_cluster_creator_admin_permissions=False,
            ),
            # Cannot change after creation: the add-ons below are managed, so EKS installs no unmanaged copies.
            bootstrap_self_managed_addons=False,
            encryption_config=aws.eks.ClusterEncryptionConfigArgs(
                provider=aws.eks.ClusterEncryptionConfigProviderArgs(key_arn=secrets_key.arn), resources=["secrets"]
            ),
            enabled_cluster_log_types=list(CONTROL_PLANE_LOG_TYPES),
            # Explicit: a cluster left on EXTENDED keeps running past standard support at extra cost per hour.
            upgrade_policy=aws.eks.ClusterUpgradePolicyArgs(support_type="STANDARD"),
            deletion_protection=platform.protect_stateful,
            tags={"Name": cluster_name},
            opts=self.stateful(depends_on=[log_group, *role_grants]),
        )
        self.name = cluster.name
        self.version = config.version
        self.endpoint = cluster.endpoint
        self.cluster_security_group_id = cluster.vpc_config.cluster_security_group_id
        deploy_access = self._access_entries(name, config, cluster)

        self.kubeconfig = pulumi.Output.secret(
            kubeconfig(
                cluster_name,
                platform.region,
                cluster.endpoint,
                cluster.certificate_authority.apply(lambda authority: authority.data or ""),
            )
        )
        self.provider = k8s.Provider(
            f"{name}-kubernetes",
            kubeconfig=self.kubeconfig,
            # Without it the first `pulumi up` reaches the API before EKS knows the deploy role: Unauthorized.
            opts=self.child(depends_on=[deploy_access]),
        )

        addons_before = [self._addon(name, cluster, addon, args) for addon in addons_at(Stage.BEFORE_NODES)]
        self.node_group = self._node_group(name, cluster, args, depends_on=addons_before)
        self.autoscaling_group_name = self.node_group.resources.apply(_autoscaling_group_name)
        self.node_security_group_ids = [
            pulumi.Output.from_input(args.node_security_group_id),
            self.cluster_security_group_id,
        ]
        for addon in addons_at(Stage.AFTER_NODES):
            self._addon(name, cluster, addon, args, depends_on=[self.node_group])
        self._autoscaler(name, cluster, config)

        self.register_outputs(
            {
                "name": self.name,
                "endpoint": self.endpoint,
                "kubeconfig": self.kubeconfig,
                "autoscalingGroupName": self.autoscaling_group_name,
                "clusterSecurityGroupId": self.cluster_security_group_id,
                "nodeSecurityGroupIds": self.node_security_group_ids,
            }
        )

    def _warn_about_support(self, version: str) -> None:
        ends = STANDARD_SUPPORT_ENDS[version]
        if support_ends_soon(version, datetime.date.today()):
            pulumi.log.warn(
                f"Kubernetes {version} leaves EKS standard support on {ends.isoformat()}: plan the upgrade "
                "(sentinel:cluster.version, the add-on versions and the autoscaler image move together)",
                resource=self,
            )

    def _attach(self, name: str, role: aws.iam.Role, policy: str) -> aws.iam.RolePolicyAttachment:
        """Attaches the AWS managed policy `policy` (`path/name`, as AWS files it) to `role`."""
        return aws.iam.RolePolicyAttachment(
            f"{name}-{policy.rsplit('/', 1)[-1]}",
            role=role.name,
            policy_arn=aws_managed_policy(policy),
            opts=self.child(),
        )

    def _control_plane_log_group(self, name: str, config: ClusterConfig) -> aws.cloudwatch.LogGroup:
        """The log group EKS writes control-plane logs to. It must exist before the cluster, under the name EKS
        uses, or EKS creates its own (unencrypted, kept forever) and this one fails as a duplicate."""
        platform = self.platform
        # The convention EKS writes to, /aws/eks/<cluster>/cluster.
        log_group_name = f"/aws/eks/{platform.cluster_name}/cluster"
        return log_group_with_own_key(
            self,
            f"{name}-control-plane",
            log_group_name,
            config.log_retention_days,
            key_name=f"{name}-logs",
            key_description=f"Control-plane logs of EKS cluster {platform.cluster_name}",
            key_purpose="eks-logs",
        )

    def _access_entries(self, name: str, config: ClusterConfig, cluster: aws.eks.Cluster) -> pulumi.Resource:
        """Cluster admin for the deploy role and the configured admin roles; returns the deploy role's."""
        associations: list[pulumi.Resource] = []
        for role_arn in config.principal_arns:
            label = "deploy" if role_arn == config.deploy_role_arn else f"admin-{_role_label(role_arn)}"
            entry = aws.eks.AccessEntry(
                f"{name}-{label}",
                cluster_name=cluster.name,
                principal_arn=role_arn,
                type="STANDARD",
                tags={"Name": self.platform.name(f"eks-{label}")},
                opts=self.child(),
            )
            associations.append(
                aws.eks.AccessPolicyAssociation(
                    f"{name}-{label}",
                    cluster_name=cluster.name,
                    principal_arn=entry.principal_arn,
                    policy_arn=CLUSTER_ADMIN_POLICY,
                    access_scope=aws.eks.AccessPolicyAssociationAccessScopeArgs(type="cluster"),
                    opts=self.child(),
                )
            )
        return associations[0]

    def _pod_role(self, name: str, purpose: str, managed_policy: str | None = None) -> aws.iam.Role:
        """A role for one service account through EKS Pod Identity."""
        role = self.role(f"{name}-{purpose}", purpose, pod_identity_trust(self.platform.account_id))
        if managed_policy is not None:
            self._attach(f"{name}-{purpose}", role, managed_policy)
        return role

    def _addon(
        self,
        name: str,
        cluster: aws.eks.Cluster,
        addon: AddonName,
        args: ClusterArgs,
        depends_on: Sequence[pulumi.Resource] = (),
    ) -> aws.eks.Addon:
        placement = ADDONS[addon]
        own_associations: list[aws.eks.AddonPodIdentityAssociationArgs] = []
        associated_apart: list[pulumi.Resource] = []
        for service_account in placement.aws_service_accounts:
            role = self._addon_role(name, service_account, args)
            if service_account in placement.associated_apart:
                associated_apart.append(
                    aws.eks.PodIdentityAssociation(
                        f"{name}-{ADDON_IDENTITIES[service_account].role_purpose}",
                        cluster_name=cluster.name,
                        namespace=ADDON_NAMESPACE,
                        service_account=service_account,
                        role_arn=role.arn,
                        tags={"Name": self.platform.name(service_account)},
                        opts=self.child(),
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
            addon_version=args.config.addon_versions[addon],
            configuration_values=pulumi.Output.json_dumps(configuration) if configuration else None,
            # EKS creates these before the add-on's pods; the others exist before the add-on is created.
            pod_identity_associations=own_associations or None,
            # The program owns the add-ons' configuration: values set by hand are overwritten.
            resolve_conflicts_on_create="OVERWRITE",
            resolve_conflicts_on_update="OVERWRITE",
            tags={"Name": self.platform.name(addon)},
            opts=self.child(depends_on=[*depends_on, *associated_apart]),
        )

    def _addon_role(self, name: str, service_account: str, args: ClusterArgs) -> aws.iam.Role:
        identity = ADDON_IDENTITIES[service_account]
        role = self._pod_role(name, identity.role_purpose, identity.managed_policy)
        if identity.managed_policy is None:
            aws.iam.RolePolicy(
                f"{name}-{identity.role_purpose}",
                role=role.id,
                policy=iam_document([mount_statement(args.shared_files)]),
                opts=self.child(),
            )
        return role

    def _node_group(
        self, name: str, cluster: aws.eks.Cluster, args: ClusterArgs, depends_on: Sequence[pulumi.Resource]
    ) -> aws.eks.NodeGroup:
        platform, nodes = self.platform, args.nodes
        role = self.role(f"{name}-nodes", "eks-nodes", service_trust("ec2.amazonaws.com", None))
        attachments = [self._attach(f"{name}-nodes", role, policy) for policy in NODE_POLICIES]
        template = hardened_launch_template(
            self,
            f"{name}-nodes",
            purpose="eks-nodes",
            description=f"EKS nodes of {platform.cluster_name}",
            # The cluster's group too: without it nodes cannot reach the control plane and never join.
            security_group_ids=[args.node_security_group_id, cluster.vpc_config.cluster_security_group_id],
            root_volume_gib=nodes.disk_size_gib,
        )
        return aws.eks.NodeGroup(
            f"{name}-nodes",
            cluster_name=cluster.name,
            node_group_name_prefix=platform.name("nodes-"),
            node_role_arn=role.arn,
            subnet_ids=args.network.subnet_ids["private"],
            # Amazon Linux 2023 through the AMI type (Amazon Linux 2 has no images after Kubernetes 1.32); EKS
            # picks the image of the cluster's version, so the template names none.
            ami_type=AMI_TYPES[Architecture(nodes.architecture)],
            capacity_type="ON_DEMAND",
            instance_types=list(nodes.instance_types),
            launch_template=aws.eks.NodeGroupLaunchTemplateArgs(
                id=template.id, version=template.latest_version.apply(str)
            ),
            scaling_config=aws.eks.NodeGroupScalingConfigArgs(
                min_size=nodes.min_size, desired_size=nodes.desired_size, max_size=nodes.max_size
            ),
            update_config=aws.eks.NodeGroupUpdateConfigArgs(
                max_unavailable_percentage=nodes.max_unavailable_percentage
            ),
            tags={
                "Name": platform.name("eks-nodes"),
                # The Cluster Autoscaler's auto-discovery tags (EKS also puts them on the autoscaling group).
                "k8s.io/cluster-autoscaler/enabled": "true",
                f"k8s.io/cluster-autoscaler/{platform.cluster_name}": "owned",
            },
            opts=self.child(
                depends_on=[*depends_on, *attachments],
                # The autoscaler owns the desired size; a deploy must not reset it.
                ignore_changes=["scalingConfig.desiredSize"],
            ),
        )

    def _autoscaler(self, name: str, cluster: aws.eks.Cluster, config: ClusterConfig) -> None:
        platform = self.platform
        role = self._pod_role(name, "cluster-autoscaler")
        aws.iam.RolePolicy(
            f"{name}-cluster-autoscaler",
            role=role.id,
            policy=iam_document(autoscaler_policy(platform)),
            opts=self.child(),
        )
        association = aws.eks.PodIdentityAssociation(
            f"{name}-cluster-autoscaler",
            cluster_name=cluster.name,
            namespace="kube-system",
            service_account=AUTOSCALER_SERVICE_ACCOUNT,
            role_arn=role.arn,
            tags={"Name": platform.name("cluster-autoscaler")},
            opts=self.child(),
        )
        k8s.helm.v3.Release(
            f"{name}-cluster-autoscaler",
            name="cluster-autoscaler",
            chart="cluster-autoscaler",
            version=config.autoscaler.chart_version,
            repository_opts=k8s.helm.v3.RepositoryOptsArgs(repo=AUTOSCALER_CHART_REPOSITORY),
            namespace="kube-system",
            values={
                "cloudProvider": "aws",
                "autoDiscovery": {"clusterName": platform.cluster_name},
                # Instance metadata is out of reach (hop limit 1): the region must be given.
                "awsRegion": platform.region,
                "image": {"tag": config.autoscaler.image_tag},
                "rbac": {"serviceAccount": {"create": True, "name": AUTOSCALER_SERVICE_ACCOUNT}},
                "extraArgs": {"expander": "least-waste", "balance-similar-node-groups": True},
                "resources": {"requests": {"cpu": "100m", "memory": "300Mi"}, "limits": {"memory": "600Mi"}},
            },
            opts=self.child(provider=self.provider, depends_on=[self.node_group, association]),
        )


def support_ends_soon(version: str, today: datetime.date) -> bool:
    """Whether `version` leaves standard support within the warning window of `today`."""
    return STANDARD_SUPPORT_ENDS[version] - today < SUPPORT_WARNING_WINDOW
