"""AWS type tokens (pulumi-aws v7) and the AWS knowledge several concerns share."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Collection, Iterable
from typing import Any

from pulumi_policy import PolicyResource

from policies.support.stack import Stack
from policies.support.values import UNKNOWN, elements, field, is_set, is_unknown

AWS_PROVIDER = "pulumi:providers:aws"
RDS_INSTANCE = "aws:rds/instance:Instance"
RDS_CLUSTER = "aws:rds/cluster:Cluster"
RDS_CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
RDS_PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup"
RDS_SUBNET_GROUP = "aws:rds/subnetGroup:SubnetGroup"
RDS_PROXY = "aws:rds/proxy:Proxy"
RDS_PROXY_DEFAULT_TARGET_GROUP = "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup"
RDS_PROXY_TARGET = "aws:rds/proxyTarget:ProxyTarget"
ELASTICACHE_REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
ELASTICACHE_SUBNET_GROUP = "aws:elasticache/subnetGroup:SubnetGroup"
# v7 renamed BucketV2 to Bucket (and the V2 configuration resources likewise); the old tokens still exist.
S3_BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
S3_ENCRYPTION_CONFIGURATIONS = (
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
)
S3_PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
S3_BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
EFS_FILE_SYSTEM = "aws:efs/fileSystem:FileSystem"
EFS_FILE_SYSTEM_POLICY = "aws:efs/fileSystemPolicy:FileSystemPolicy"
EFS_MOUNT_TARGET = "aws:efs/mountTarget:MountTarget"
KMS_KEY = "aws:kms/key:Key"
KMS_ALIAS = "aws:kms/alias:Alias"
IAM_ROLE = "aws:iam/role:Role"
IAM_ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
EKS_CLUSTER = "aws:eks/cluster:Cluster"
EKS_NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
DEFAULT_SECURITY_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
SECURITY_GROUP_INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
SECURITY_GROUP_EGRESS_RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
MANAGED_PREFIX_LIST = "aws:ec2/managedPrefixList:ManagedPrefixList"
MANAGED_PREFIX_LIST_ENTRY = "aws:ec2/managedPrefixListEntry:ManagedPrefixListEntry"
VPC = "aws:ec2/vpc:Vpc"
VPC_CIDR_BLOCK_ASSOCIATION = "aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation"
SUBNET = "aws:ec2/subnet:Subnet"
ROUTE_TABLE = "aws:ec2/routeTable:RouteTable"
DEFAULT_ROUTE_TABLE = "aws:ec2/defaultRouteTable:DefaultRouteTable"
ROUTE = "aws:ec2/route:Route"
ROUTE_TABLE_ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation"
MAIN_ROUTE_TABLE_ASSOCIATION = "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation"
INTERNET_GATEWAY = "aws:ec2/internetGateway:InternetGateway"
NAT_GATEWAY = "aws:ec2/natGateway:NatGateway"
EIP = "aws:ec2/eip:Eip"
VPC_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
COMPOSITE_ALARM = "aws:cloudwatch/compositeAlarm:CompositeAlarm"
SNS_TOPIC = "aws:sns/topic:Topic"
# tier: observability
SNS_TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy"
SNS_TOPIC_SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
DASHBOARD = "aws:cloudwatch/dashboard:Dashboard"
# Tier 9 (cluster)
EKS_ADDON = "aws:eks/addon:Addon"
EKS_ACCESS_ENTRY = "aws:eks/accessEntry:AccessEntry"
EKS_ACCESS_POLICY_ASSOCIATION = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"
EKS_POD_IDENTITY_ASSOCIATION = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
ECR_REPOSITORY = "aws:ecr/repository:Repository"
ECR_LIFECYCLE_POLICY = "aws:ecr/lifecyclePolicy:LifecyclePolicy"
IAM_ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
IAM_INSTANCE_PROFILE = "aws:iam/instanceProfile:InstanceProfile"
EC2_INSTANCE = "aws:ec2/instance:Instance"
KUBERNETES_PROVIDER = "pulumi:providers:kubernetes"
# Tier 10 (ingress and workloads)
LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer"
TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"
LISTENER = "aws:lb/listener:Listener"
LISTENER_RULE = "aws:lb/listenerRule:ListenerRule"
AUTOSCALING_ATTACHMENT = "aws:autoscaling/attachment:Attachment"
RANDOM_PASSWORD = "random:index/randomPassword:RandomPassword"
HELM_RELEASE = "kubernetes:helm.sh/v3:Release"
# Storage and backup tier.
S3_BUCKET = "aws:s3/bucket:Bucket"
S3_BUCKET_VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
S3_BUCKET_VERSIONINGS = (S3_BUCKET_VERSIONING, "aws:s3/bucketVersioningV2:BucketVersioningV2")
S3_BUCKET_LOGGING = "aws:s3/bucketLogging:BucketLogging"
S3_BUCKET_LOGGINGS = (S3_BUCKET_LOGGING, "aws:s3/bucketLoggingV2:BucketLoggingV2")
S3_BUCKET_LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
S3_BUCKET_LIFECYCLES = (S3_BUCKET_LIFECYCLE, "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2")
S3_BUCKET_ENCRYPTION = S3_ENCRYPTION_CONFIGURATIONS[0]
S3_BUCKET_OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
S3_BUCKET_OBJECT_LOCK = "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration"
S3_BUCKET_CORS = "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration"
EFS_ACCESS_POINT = "aws:efs/accessPoint:AccessPoint"
EFS_BACKUP_POLICY = "aws:efs/backupPolicy:BackupPolicy"
BACKUP_VAULT = "aws:backup/vault:Vault"
BACKUP_VAULT_LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"
BACKUP_VAULT_NOTIFICATIONS = "aws:backup/vaultNotifications:VaultNotifications"
BACKUP_PLAN = "aws:backup/plan:Plan"
BACKUP_SELECTION = "aws:backup/selection:Selection"
BACKUP_RESTORE_TESTING_PLAN = "aws:backup/restoreTestingPlan:RestoreTestingPlan"
BACKUP_RESTORE_TESTING_SELECTION = "aws:backup/restoreTestingSelection:RestoreTestingSelection"
# Tier 11, the edge: the certificate the ALB presents, validated through Cloudflare.
ACM_CERTIFICATE = "aws:acm/certificate:Certificate"
ACM_CERTIFICATE_VALIDATION = "aws:acm/certificateValidation:CertificateValidation"

# Data tier
RDS_CLUSTER_PARAMETER_GROUP = "aws:rds/clusterParameterGroup:ClusterParameterGroup"
RDS_PROXY_ENDPOINT = "aws:rds/proxyEndpoint:ProxyEndpoint"
RDS_EVENT_SUBSCRIPTION = "aws:rds/eventSubscription:EventSubscription"
ELASTICACHE_PARAMETER_GROUP = "aws:elasticache/parameterGroup:ParameterGroup"
ELASTICACHE_USER = "aws:elasticache/user:User"
ELASTICACHE_USER_GROUP = "aws:elasticache/userGroup:UserGroup"
SECRET = "aws:secretsmanager/secret:Secret"
SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion"
ROUTE53_ZONE = "aws:route53/zone:Zone"
ROUTE53_RECORD = "aws:route53/record:Record"
RANDOM_PASSWORD = "random:index/randomPassword:RandomPassword"
RANDOM_ID = "random:index/randomId:RandomId"
# The deploy path (design D16): the CodeBuild-hosted GitHub Actions runner in the VPC.
CODEBUILD_PROJECT = "aws:codebuild/project:Project"
CODEBUILD_WEBHOOK = "aws:codebuild/webhook:Webhook"

SECURITY_GROUPS = (SECURITY_GROUP, DEFAULT_SECURITY_GROUP)
# A VPC's default (originally main) route table is the same kind of table, managed by another resource type.
ROUTE_TABLES = (ROUTE_TABLE, DEFAULT_ROUTE_TABLE)


def is_read_replica(props: Any) -> bool:
    """Whether an RDS instance replicates another (an unknown source still makes it a replica)."""
    source = field(props, "replicateSourceDb")
    return source is UNKNOWN or is_set(source)


def is_primary_database(props: Any) -> bool:
    return not is_read_replica(props)


def replication_source(stack: Stack, instance: PolicyResource) -> PolicyResource | None:
    sources = stack.referenced(instance, "replicateSourceDb", (RDS_INSTANCE,))
    return sources[0] if sources else None


def rds_engine(stack: Stack, instance: PolicyResource) -> Any:
    """An RDS instance's engine; a read replica inherits its source's."""
    engine = field(instance.props, "engine")
    if engine is None and is_read_replica(instance.props):
        source = replication_source(stack, instance)
        return field(source.props, "engine") if source else None
    return engine


def parameter(group: PolicyResource, name: str) -> Any:
    """The value a DB parameter group sets for parameter `name` (None if it leaves it at the default)."""
    for entry in elements(field(group.props, "parameters")):
        entry_name = field(entry, "name")
        if is_unknown(entry_name):
            return UNKNOWN
        if entry_name == name:
            return field(entry, "value")
    return None


AttachmentTest = Callable[[PolicyResource], bool]


def buckets_without(
    stack: Stack, attachment_types: Collection[str], satisfies: AttachmentTest
) -> Iterable[PolicyResource]:
    """The buckets none of whose attachments of `attachment_types` (resources with a `bucket` input, such as
    an encryption configuration or a bucket policy) `satisfies`."""
    attached = stack.referrers(attachment_types, "bucket", S3_BUCKETS)
    for bucket in stack.of_type(*S3_BUCKETS):
        if not any(satisfies(attachment) for attachment in attached.get(bucket.urn, ())):
            yield bucket


def covers_every_address(cidrs: Iterable[Any]) -> bool:
    """Whether CIDR blocks together span a whole address family (0.0.0.0/0 or ::/0), even when split into
    smaller blocks; unknown or malformed entries are left out."""
    networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
    for cidr in cidrs:
        if isinstance(cidr, str) and not is_unknown(cidr):
            try:
                networks.append(ipaddress.ip_network(cidr, strict=False))
            except ValueError:
                continue
    ipv4 = ipaddress.collapse_addresses(n for n in networks if isinstance(n, ipaddress.IPv4Network))
    ipv6 = ipaddress.collapse_addresses(n for n in networks if isinstance(n, ipaddress.IPv6Network))
    return any(network.prefixlen == 0 for network in [*ipv4, *ipv6])


# --- Data tier: Aurora ---------------------------------------------------------------------------------------


def is_aurora(cluster: PolicyResource) -> bool:
    """Whether an RDS cluster is Aurora (instances of its own) rather than a Multi-AZ DB cluster."""
    engine = field(cluster.props, "engine")
    return isinstance(engine, str) and engine.startswith("aurora")


def cluster_members(stack: Stack) -> dict[str, list[PolicyResource]]:
    """The instances of each Aurora cluster, by the cluster's URN, the preferred writer (lowest promotion tier,
    RDS's default 1 when unset) first."""
    members = stack.referrers((RDS_CLUSTER_INSTANCE,), "clusterIdentifier", (RDS_CLUSTER,))
    return {urn: sorted(found, key=_promotion_tier) for urn, found in members.items()}


def _promotion_tier(instance: PolicyResource) -> float:
    tier = field(instance.props, "promotionTier")
    return 1.0 if tier is None or is_unknown(tier) else float(tier)
