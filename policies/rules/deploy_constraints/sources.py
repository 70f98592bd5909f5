"""The documentation each deploy constraint cites, one name per page. A limit taken from a provider's own
source (`pulumi_aws/...` under site-packages) is cited beside its constraint instead, with the argument it
names, since no other constraint shares it."""

from __future__ import annotations

# --- Across AWS ----------------------------------------------------------------------------------------------

TAGGING = "https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html"
REGIONS = "https://docs.aws.amazon.com/general/latest/gr/rande.html#regional-endpoints"
ACCOUNT_IDS = "https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html"

# --- EC2 and the VPC -----------------------------------------------------------------------------------------

_EC2_API = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference"
CREATE_SECURITY_GROUP = f"{_EC2_API}/API_CreateSecurityGroup.html"
# A rule's description travels in an IpRange, Ipv6Range, PrefixListId or UserIdGroupPair; the last two forbid "&".
RULE_DESCRIPTION = f"{_EC2_API}/API_UserIdGroupPair.html"
SECURITY_GROUP_RULE_REQUEST = f"{_EC2_API}/API_SecurityGroupRuleRequest.html"
IP_PERMISSION = f"{_EC2_API}/API_IpPermission.html"
CREATE_PREFIX_LIST = f"{_EC2_API}/API_CreateManagedPrefixList.html"
PREFIX_LIST_ENTRY = f"{_EC2_API}/API_AddPrefixListEntry.html"
ALLOCATE_ADDRESS = f"{_EC2_API}/API_AllocateAddress.html"
CREATE_ROUTE = f"{_EC2_API}/API_CreateRoute.html"
CREATE_LAUNCH_TEMPLATE = f"{_EC2_API}/API_CreateLaunchTemplate.html"
METADATA_OPTIONS = f"{_EC2_API}/API_LaunchTemplateInstanceMetadataOptionsRequest.html"
EBS_BLOCK_DEVICE = f"{_EC2_API}/API_LaunchTemplateEbsBlockDeviceRequest.html"
RUN_INSTANCES = f"{_EC2_API}/API_RunInstances.html"
VPC_SIZING = "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html"
SUBNET_SIZING = "https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html"

# --- IAM, KMS, Secrets Manager -------------------------------------------------------------------------------

_IAM_API = "https://docs.aws.amazon.com/IAM/latest/APIReference"
CREATE_ROLE = f"{_IAM_API}/API_CreateRole.html"
PUT_ROLE_POLICY = f"{_IAM_API}/API_PutRolePolicy.html"
ATTACH_ROLE_POLICY = f"{_IAM_API}/API_AttachRolePolicy.html"
CREATE_INSTANCE_PROFILE = f"{_IAM_API}/API_CreateInstanceProfile.html"
IAM_QUOTAS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"
CREATE_KEY = "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html"
CREATE_ALIAS = "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html"
KMS_QUOTAS = "https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html"
CREATE_SECRET = "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html"
PUT_SECRET_VALUE = "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html"
REPLICA_REGION = "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_ReplicaRegionType.html"

# --- CloudWatch, CloudWatch Logs, SNS ------------------------------------------------------------------------

_CLOUDWATCH_API = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference"
PUT_METRIC_ALARM = f"{_CLOUDWATCH_API}/API_PutMetricAlarm.html"
METRIC_DATA_QUERY = f"{_CLOUDWATCH_API}/API_MetricDataQuery.html"
PUT_DASHBOARD = f"{_CLOUDWATCH_API}/API_PutDashboard.html"
_LOGS_API = "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference"
CREATE_LOG_GROUP = f"{_LOGS_API}/API_CreateLogGroup.html"
PUT_RETENTION_POLICY = f"{_LOGS_API}/API_PutRetentionPolicy.html"
CREATE_TOPIC = "https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html"
SET_TOPIC_ATTRIBUTES = "https://docs.aws.amazon.com/sns/latest/api/API_SetTopicAttributes.html"
SUBSCRIBE = "https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html"

# --- EKS, ECR, Helm ------------------------------------------------------------------------------------------

_EKS_API = "https://docs.aws.amazon.com/eks/latest/APIReference"
CREATE_EKS_CLUSTER = f"{_EKS_API}/API_CreateCluster.html"
LOG_SETUP = f"{_EKS_API}/API_LogSetup.html"
CREATE_NODEGROUP = f"{_EKS_API}/API_CreateNodegroup.html"
CREATE_ADDON = f"{_EKS_API}/API_CreateAddon.html"
CUSTOM_NETWORKING = "https://docs.aws.amazon.com/eks/latest/userguide/cni-custom-network-tutorial.html"
VPC_QUOTAS = "https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html"
CREATE_ACCESS_ENTRY = f"{_EKS_API}/API_CreateAccessEntry.html"
ACCESS_SCOPE = f"{_EKS_API}/API_AccessScope.html"
CREATE_POD_IDENTITY_ASSOCIATION = f"{_EKS_API}/API_CreatePodIdentityAssociation.html"
_ECR_API = "https://docs.aws.amazon.com/AmazonECR/latest/APIReference"
CREATE_REPOSITORY = f"{_ECR_API}/API_CreateRepository.html"
ECR_ENCRYPTION = f"{_ECR_API}/API_EncryptionConfiguration.html"
PUT_LIFECYCLE_POLICY = f"{_ECR_API}/API_PutLifecyclePolicy.html"
# Helm refuses a release name longer than 53 characters or not a DNS-1123 label.
HELM_RELEASE_NAME = "https://github.com/helm/helm/blob/v3.17.0/pkg/chartutil/validate_name.go"

# --- Kubernetes ----------------------------------------------------------------------------------------------

_K8S_CONCEPTS = "https://kubernetes.io/docs/concepts"
K8S_NAMES = f"{_K8S_CONCEPTS}/overview/working-with-objects/names/"
K8S_LABELS = f"{_K8S_CONCEPTS}/overview/working-with-objects/labels/#syntax-and-character-set"
K8S_SERVICE = f"{_K8S_CONCEPTS}/services-networking/service/#type-nodeport"
K8S_CRON_JOB = f"{_K8S_CONCEPTS}/workloads/controllers/cron-jobs/#writing-a-cronjob-spec"
K8S_ACCESS_MODES = f"{_K8S_CONCEPTS}/storage/persistent-volumes/#access-modes"
K8S_CONFIG_KEYS = f"{_K8S_CONCEPTS}/configuration/configmap/#configmap-object"
K8S_JOB = f"{_K8S_CONCEPTS}/workloads/controllers/job/#writing-a-job-spec"
K8S_SECRET_KEYS = f"{_K8S_CONCEPTS}/configuration/secret/#restriction-names-data"
# The AWS provider's SecretProviderClass (provider `aws`, parameters such as usePodIdentity, objects with jmesPath).
ASCP_PARAMETERS = "https://docs.aws.amazon.com/secretsmanager/latest/userguide/ascp-examples.html"

# --- Elastic Load Balancing ----------------------------------------------------------------------------------

_ELB_API = "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference"
CREATE_LOAD_BALANCER = f"{_ELB_API}/API_CreateLoadBalancer.html"
LOAD_BALANCER_ATTRIBUTES = f"{_ELB_API}/API_LoadBalancerAttribute.html"
CREATE_TARGET_GROUP = f"{_ELB_API}/API_CreateTargetGroup.html"
TARGET_GROUP_ATTRIBUTES = f"{_ELB_API}/API_TargetGroupAttribute.html"
CREATE_LISTENER = f"{_ELB_API}/API_CreateListener.html"
CREATE_LISTENER_RULE = f"{_ELB_API}/API_CreateRule.html"
HOST_HEADER = f"{_ELB_API}/API_HostHeaderConditionConfig.html"
HTTP_HEADER = f"{_ELB_API}/API_HttpHeaderConditionConfig.html"
ALB_QUOTAS = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html"

# --- S3, EFS, AWS Backup -------------------------------------------------------------------------------------

_S3_GUIDE = "https://docs.aws.amazon.com/AmazonS3/latest/userguide"
BUCKET_NAMING = f"{_S3_GUIDE}/bucketnamingrules.html"
LIFECYCLE_TRANSITIONS = f"{_S3_GUIDE}/lifecycle-transition-general-considerations.html"
BUCKET_POLICY_SIZE = f"{_S3_GUIDE}/BucketRestrictions.html"
EFS_QUOTAS = "https://docs.aws.amazon.com/efs/latest/ug/limits.html"
_BACKUP_API = "https://docs.aws.amazon.com/aws-backup/latest/devguide"
CREATE_BACKUP_VAULT = f"{_BACKUP_API}/API_CreateBackupVault.html"
VAULT_LOCK = f"{_BACKUP_API}/API_PutBackupVaultLockConfiguration.html"
VAULT_NOTIFICATIONS = f"{_BACKUP_API}/API_PutBackupVaultNotifications.html"
BACKUP_PLAN_INPUT = f"{_BACKUP_API}/API_BackupPlanInput.html"
BACKUP_RULE = f"{_BACKUP_API}/API_BackupRuleInput.html"
BACKUP_LIFECYCLE = f"{_BACKUP_API}/API_Lifecycle.html"
BACKUP_SELECTION_INPUT = f"{_BACKUP_API}/API_BackupSelection.html"
RESTORE_TESTING_PLAN = f"{_BACKUP_API}/API_RestoreTestingPlanForCreate.html"
RESTORE_TESTING_SELECTION = f"{_BACKUP_API}/API_RestoreTestingSelectionForCreate.html"

# --- RDS, ElastiCache, Route 53 ------------------------------------------------------------------------------

_RDS_API = "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference"
CREATE_DB_CLUSTER = f"{_RDS_API}/API_CreateDBCluster.html"
SERVERLESS_V2_SCALING = f"{_RDS_API}/API_ServerlessV2ScalingConfiguration.html"
CREATE_DB_INSTANCE = f"{_RDS_API}/API_CreateDBInstance.html"
CREATE_DB_PARAMETER_GROUP = f"{_RDS_API}/API_CreateDBParameterGroup.html"
DB_PARAMETER = f"{_RDS_API}/API_Parameter.html"
CREATE_DB_SUBNET_GROUP = f"{_RDS_API}/API_CreateDBSubnetGroup.html"
CREATE_DB_PROXY = f"{_RDS_API}/API_CreateDBProxy.html"
CREATE_DB_PROXY_ENDPOINT = f"{_RDS_API}/API_CreateDBProxyEndpoint.html"
USER_AUTH_CONFIG = f"{_RDS_API}/API_UserAuthConfig.html"
POOL_CONFIGURATION = f"{_RDS_API}/API_ConnectionPoolConfiguration.html"
REGISTER_PROXY_TARGETS = f"{_RDS_API}/API_RegisterDBProxyTargets.html"
CREATE_EVENT_SUBSCRIPTION = f"{_RDS_API}/API_CreateEventSubscription.html"
_ELASTICACHE_API = "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference"
CREATE_REPLICATION_GROUP = f"{_ELASTICACHE_API}/API_CreateReplicationGroup.html"
CREATE_CACHE_SUBNET_GROUP = f"{_ELASTICACHE_API}/API_CreateCacheSubnetGroup.html"
CREATE_CACHE_PARAMETER_GROUP = f"{_ELASTICACHE_API}/API_CreateCacheParameterGroup.html"
CREATE_USER = f"{_ELASTICACHE_API}/API_CreateUser.html"
CREATE_USER_GROUP = f"{_ELASTICACHE_API}/API_CreateUserGroup.html"
ELASTICACHE_IAM_AUTH = "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth-iam.html"
ELASTICACHE_RBAC = "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Clusters.RBAC.html"
CFN_USER_GROUP = (
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-elasticache-usergroup.html"
)
_ROUTE53_API = "https://docs.aws.amazon.com/Route53/latest/APIReference"
CREATE_HOSTED_ZONE = f"{_ROUTE53_API}/API_CreateHostedZone.html"
HOSTED_ZONE_CONFIG = f"{_ROUTE53_API}/API_HostedZoneConfig.html"
RESOURCE_RECORD_SET = f"{_ROUTE53_API}/API_ResourceRecordSet.html"

# --- The edge: ACM and Cloudflare ----------------------------------------------------------------------------

REQUEST_CERTIFICATE = "https://docs.aws.amazon.com/acm/latest/APIReference/API_RequestCertificate.html"
ACM_QUOTAS = "https://docs.aws.amazon.com/acm/latest/userguide/acm-limits.html"
DNS_RECORD_ATTRIBUTES = "https://developers.cloudflare.com/dns/manage-dns-records/reference/record-attributes/"
RATE_LIMIT_PARAMETERS = "https://developers.cloudflare.com/waf/rate-limiting-rules/parameters/"
SKIP_OPTIONS = "https://developers.cloudflare.com/waf/custom-rules/skip/options/"
REQUEST_HEADER_FORMAT = (
    "https://developers.cloudflare.com/rules/transform/request-header-modification/reference/header-format/"
)
REQUEST_HEADER_MODIFICATION = "https://developers.cloudflare.com/rules/transform/request-header-modification/"
ZONE_SETTINGS = "https://developers.cloudflare.com/api/resources/zones/subresources/settings/methods/edit/"

# --- CodeBuild (the deploy runner) ---------------------------------------------------------------------------

_CODEBUILD_API = "https://docs.aws.amazon.com/codebuild/latest/APIReference"
CREATE_PROJECT = f"{_CODEBUILD_API}/API_CreateProject.html"
PROJECT_SOURCE = f"{_CODEBUILD_API}/API_ProjectSource.html"
SOURCE_AUTH = f"{_CODEBUILD_API}/API_SourceAuth.html"
PROJECT_ARTIFACTS = f"{_CODEBUILD_API}/API_ProjectArtifacts.html"
CODEBUILD_VPC_CONFIG = f"{_CODEBUILD_API}/API_VpcConfig.html"
CLOUDWATCH_LOGS_CONFIG = f"{_CODEBUILD_API}/API_CloudWatchLogsConfig.html"
CREATE_WEBHOOK = f"{_CODEBUILD_API}/API_CreateWebhook.html"
WEBHOOK_FILTER = f"{_CODEBUILD_API}/API_WebhookFilter.html"
