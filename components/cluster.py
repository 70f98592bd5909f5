"""The EKS cluster: control plane, access entries, the managed node group (components/cluster_nodes.py), add-ons
in dependency order (components/cluster_addons.py), the Kubernetes provider every Kubernetes resource uses, and the
Cluster Autoscaler (components/cluster_autoscaler.py).

Order matters at creation, and the dependencies below encode it:

    keys, log group, cluster role -> cluster -> access entries -> Kubernetes provider -> autoscaler release
                                            \\-> vpc-cni, kube-proxy, pod identity agent -> node group
                                                    -> coredns, metrics-server, observability, EFS CSI driver

Which add-on goes where, and why, is the table in facts/eks_addons.py.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from components.base import Component, Platform, iam_document, service_trust
from components.cluster_addons import cluster_addons
from components.cluster_autoscaler import cluster_autoscaler
from components.cluster_nodes import autoscaling_group_name, node_group
from components.config.cluster import STANDARD_SUPPORT_ENDS, SUPPORT_WARNING_WINDOW, ClusterConfig, NodesConfig
from components.interfaces import SharedFiles, Vpc
from components.kms import EncryptionKey, EncryptionKeyArgs, log_group_with_own_key
from facts.eks_addons import POD_NETWORKING_ADDON, SECRETS_STORE_ADDON, Stage
from facts.eks_control_plane import CONTROL_PLANE_LOG_TYPES

CLUSTER_ADMIN_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
# What the control plane does with the secrets key as the cluster role: encrypt and decrypt the data keys of
# envelope encryption (https://docs.aws.amazon.com/eks/latest/userguide/envelope-encryption.html), describe the key
# and list its grants in its health checks (terraform-aws-modules/terraform-aws-eks#1913). Nothing re-encrypts or
# generates data keys under it, and the grant EKS works through is created with the cluster by the caller of
# CreateCluster, which alone needs kms:CreateGrant (https://docs.aws.amazon.com/eks/latest/userguide/enable-kms.html).
SECRETS_KEY_ACTIONS = ("kms:Encrypt", "kms:Decrypt", "kms:DescribeKey", "kms:ListGrants")


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
    configured_name: str
    """The same name as config gives it, for what may name the cluster before it exists (its metrics)."""
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
    secrets_store: aws.eks.Addon
    """The Secrets Store CSI driver with its AWS provider: what a SecretProviderClass, and a pod mounting one, wait
    for."""

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
            self.attach_managed_policy(f"{name}-cluster", role, "AmazonEKSClusterPolicy"),
            aws.iam.RolePolicy(
                f"{name}-cluster-secrets-key",
                role=role.id,
                policy=iam_document(
                    [
                        {
                            "Effect": "Allow",
                            "Action": list(SECRETS_KEY_ACTIONS),
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
        self.configured_name = cluster_name
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

        before_nodes = cluster_addons(
            self,
            name,
            Stage.BEFORE_NODES,
            cluster=cluster,
            versions=config.addon_versions,
            shared_files=args.shared_files,
        )
        self.node_group = node_group(
            self,
            name,
            cluster=cluster,
            nodes=args.nodes,
            network=args.network,
            node_security_group_id=args.node_security_group_id,
            provider=self.provider,
            pod_networking=before_nodes[POD_NETWORKING_ADDON],
            depends_on=list(before_nodes.values()),
        )
        self.autoscaling_group_name = autoscaling_group_name(self.node_group)
        self.node_security_group_ids = [
            pulumi.Output.from_input(args.node_security_group_id),
            self.cluster_security_group_id,
        ]
        after_nodes = cluster_addons(
            self,
            name,
            Stage.AFTER_NODES,
            cluster=cluster,
            versions=config.addon_versions,
            shared_files=args.shared_files,
            depends_on=[self.node_group],
        )
        self.secrets_store = after_nodes[SECRETS_STORE_ADDON]
        cluster_autoscaler(
            self,
            name,
            cluster=cluster,
            config=config.autoscaler,
            provider=self.provider,
            node_group=self.node_group,
        )

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
            audit=True,
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


def support_ends_soon(version: str, today: datetime.date) -> bool:
    """Whether `version` leaves standard support within the warning window of `today`."""
    return STANDARD_SUPPORT_ENDS[version] - today < SUPPORT_WARNING_WINDOW
