"""Why the program makes a resource wait for another: one reason for each kind of wait that AWS, Cloudflare or
Kubernetes needs, so that every wait a reviewer sees has one and a wait no one needs shows up.

A wait costs the first deploy time only on its critical path (offline/critical_path.py), which prints each step's
reason from here. tests/test_serialisation.py holds every stack to this table in two places: each explicit
`depends_on` (a dependency no input carries), and each wait on the critical path, whatever made it. An input taken
from a resource where config already knows the value (a name, an identifier) makes a wait there that nothing needs;
it has no reason here, and the test names it.

A resource's kind is its type, and for an EKS add-on the add-on too, since add-ons wait for different things. Where
the add-ons' order against the nodes is concerned, the reason is facts/eks_addons.py's, which the cluster builds from.
"""

from __future__ import annotations

from collections.abc import Mapping

from facts.eks_addons import ADDONS, POD_NETWORKING_ADDON, SECRETS_STORE_ADDON, Stage
from offline.graph import Resource
from policies.support.aws import (
    CODEBUILD_PROJECT,
    EKS_ACCESS_POLICY_ASSOCIATION,
    EKS_ADDON,
    EKS_CLUSTER,
    EKS_NODE_GROUP,
    EKS_POD_IDENTITY_ASSOCIATION,
    FLOW_LOG,
    HELM_RELEASE,
    IAM_ROLE_POLICY,
    IAM_ROLE_POLICY_ATTACHMENT,
    INTERNET_GATEWAY,
    KMS_KEY,
    KUBERNETES_PROVIDER,
    LISTENER_RULE,
    LOAD_BALANCER,
    LOG_GROUP,
    NAT_GATEWAY,
    RDS_CLUSTER,
    RDS_CLUSTER_INSTANCE,
    RDS_PROXY,
    RDS_PROXY_TARGET,
    S3_BUCKET_CORS,
    S3_BUCKET_ENCRYPTION,
    S3_BUCKET_LIFECYCLE,
    S3_BUCKET_LOGGING,
    S3_BUCKET_OBJECT_LOCK,
    S3_BUCKET_OWNERSHIP,
    S3_BUCKET_POLICY,
    S3_BUCKET_VERSIONING,
    S3_PUBLIC_ACCESS_BLOCK,
    SUBNET,
    VPC_CIDR_BLOCK_ASSOCIATION,
)
from policies.support.cloudflare import CLOUDFLARE_RULESET
from policies.support.kubernetes import CRON_JOB, DEPLOYMENT, ENI_CONFIG, JOB, NETWORK_POLICY, SECRET_PROVIDER_CLASS


def addon_kind(addon: str) -> str:
    return f"{EKS_ADDON}[{addon}]"


def kind_of(resource: Resource) -> str:
    """The resource's type, with the add-on's name for an EKS add-on."""
    return addon_kind(resource.inputs.get("addonName", "")) if resource.type == EKS_ADDON else resource.type


_POD_IDENTITY_FIRST = "Pod Identity gives credentials only to pods started after their association exists"
_NETWORK_POLICIES_FIRST = "a pod started before its namespace's network policies runs unrestricted"
_DATABASE_USERS_FIRST = "it signs in to the database as its own user, which the database-roles Job creates"
_S3_ONE_CHANGE_AT_A_TIME = (
    "S3 refuses a second change to one bucket's settings while another is in progress (conflicting conditional "
    "operation), so each setting of a bucket waits for the one before it (components/bucket.py)"
)
# In the order components/bucket.py applies them.
_S3_SETTINGS = (
    S3_PUBLIC_ACCESS_BLOCK,
    S3_BUCKET_POLICY,
    S3_BUCKET_OWNERSHIP,
    S3_BUCKET_ENCRYPTION,
    S3_BUCKET_VERSIONING,
    S3_BUCKET_OBJECT_LOCK,
    S3_BUCKET_LIFECYCLE,
    S3_BUCKET_LOGGING,
    S3_BUCKET_CORS,
)

EXPLAINED: Mapping[tuple[str, str], str] = {
    # Network
    (SUBNET, VPC_CIDR_BLOCK_ASSOCIATION): (
        "a subnet of the VPC's secondary range (the pods') can be created only once the VPC holds that range"
    ),
    (NAT_GATEWAY, INTERNET_GATEWAY): (
        "a public NAT gateway sends out through the VPC's internet gateway, which AWS documents must exist first"
    ),
    (FLOW_LOG, IAM_ROLE_POLICY): (
        "delivery starts with the flow log, as its role: the role's permissions must be in place by then"
    ),
    (LOAD_BALANCER, S3_BUCKET_POLICY): (
        "ELB test-writes under the access-log prefix when logging is switched on, and refuses the setting unless "
        "the bucket's policy admits it"
    ),
    (CODEBUILD_PROJECT, IAM_ROLE_POLICY): (
        "CodeBuild checks at creation that the project's role may manage the build's network interfaces"
    ),
    (CLOUDFLARE_RULESET, LISTENER_RULE): (
        "Cloudflare starts sending a new origin secret only once the load balancer's rules accept it"
    ),
    # Encryption and logs
    (
        LOG_GROUP,
        KMS_KEY,
    ): "the log group is encrypted with the key, which must exist and admit CloudWatch Logs",
    (EKS_CLUSTER, LOG_GROUP): (
        "EKS creates its control-plane log group itself, unencrypted and kept forever, if it does not exist when the "
        "cluster starts logging"
    ),
    (RDS_CLUSTER, LOG_GROUP): (
        "Aurora writes to log groups named after the cluster, which must exist (encrypted, with retention) before "
        "it exports to them, or Aurora creates them unencrypted and kept forever"
    ),
    (RDS_PROXY, LOG_GROUP): (
        "RDS Proxy writes to a log group named after it, which must exist (encrypted, with retention) first"
    ),
    # Roles a service assumes when the resource is created
    (
        EKS_CLUSTER,
        IAM_ROLE_POLICY,
    ): "EKS checks at creation that the cluster role may use the key that encrypts its secrets",
    (
        EKS_CLUSTER,
        IAM_ROLE_POLICY_ATTACHMENT,
    ): "EKS creates the cluster as its role, which needs AmazonEKSClusterPolicy",
    (EKS_NODE_GROUP, IAM_ROLE_POLICY_ATTACHMENT): (
        "a node joins the cluster and pulls images with its role's managed policies; one started without them never "
        "joins"
    ),
    (RDS_CLUSTER_INSTANCE, IAM_ROLE_POLICY_ATTACHMENT): (
        "RDS checks at creation that it may assume the enhanced-monitoring role, which needs its managed policy"
    ),
    (RDS_PROXY, IAM_ROLE_POLICY): "the proxy reads the master user's secret as its role from the start",
    # The database behind its proxy
    (RDS_PROXY_TARGET, RDS_CLUSTER_INSTANCE): (
        "the proxy signs in to the cluster's instances, which must exist when the cluster is registered behind it"
    ),
    (JOB, RDS_PROXY_TARGET): (
        "the Job connects through the proxy, which reaches the database only once the cluster is registered behind it"
    ),
    # The cluster, its nodes and its API
    (KUBERNETES_PROVIDER, EKS_ACCESS_POLICY_ASSOCIATION): (
        "the provider reaches the Kubernetes API as the deploy role, which EKS admits only once its access policy "
        "is associated (Unauthorized before)"
    ),
    (ENI_CONFIG, addon_kind(POD_NETWORKING_ADDON)): "the VPC CNI add-on brings the ENIConfig kind",
    (EKS_NODE_GROUP, ENI_CONFIG): "a node started before its zone's ENIConfig gives its pods no address",
    (HELM_RELEASE, EKS_NODE_GROUP): "the Cluster Autoscaler runs as a Deployment, whose pods need nodes",
    (HELM_RELEASE, EKS_POD_IDENTITY_ASSOCIATION): _POD_IDENTITY_FIRST,
    # The apps and jobs
    (SECRET_PROVIDER_CLASS, addon_kind(SECRETS_STORE_ADDON)): "the Secrets Store CSI driver brings its kind",
    (JOB, SECRET_PROVIDER_CLASS): "the Job's pod mounts its secrets through it and fails to start without it",
    (DEPLOYMENT, SECRET_PROVIDER_CLASS): "the app's pods mount their secrets through it and fail to start without it",
    (DEPLOYMENT, JOB): _DATABASE_USERS_FIRST,
    (CRON_JOB, JOB): _DATABASE_USERS_FIRST,
    **{(workload, EKS_POD_IDENTITY_ASSOCIATION): _POD_IDENTITY_FIRST for workload in (DEPLOYMENT, JOB, CRON_JOB)},
    **{(workload, NETWORK_POLICY): _NETWORK_POLICIES_FIRST for workload in (DEPLOYMENT, JOB, CRON_JOB)},
    # Each add-on against the cluster, the nodes and its own associations
    **{(addon_kind(addon), EKS_CLUSTER): "an add-on is installed into its cluster" for addon in ADDONS},
    **{
        (EKS_NODE_GROUP, addon_kind(addon)): placement.reason
        for addon, placement in ADDONS.items()
        if placement.stage is Stage.BEFORE_NODES
    },
    **{
        (addon_kind(addon), EKS_NODE_GROUP): placement.reason
        for addon, placement in ADDONS.items()
        if placement.stage is Stage.AFTER_NODES
    },
    **{
        (
            addon_kind(addon),
            EKS_POD_IDENTITY_ASSOCIATION,
        ): f"{_POD_IDENTITY_FIRST}, and the add-on cannot carry this one itself"
        for addon, placement in ADDONS.items()
        if placement.associated_apart
    },
    # A bucket's settings, one at a time
    **{
        (later, earlier): _S3_ONE_CHANGE_AT_A_TIME
        for index, later in enumerate(_S3_SETTINGS)
        for earlier in _S3_SETTINGS[:index]
    },
}
"""By (the kind that waits, the kind it waits for): why it must."""


def why(waiting: Resource, waited_for: Resource) -> str | None:
    """Why `waiting` must wait for `waited_for`, or None if nothing here says it must."""
    return EXPLAINED.get((kind_of(waiting), kind_of(waited_for)))
