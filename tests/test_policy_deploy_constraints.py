"""Values AWS rejects at deploy time: every stack passes, and each constraint catches a planted value."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pulumi_aws
import pulumi_cloudflare
import pulumi_kubernetes
import pulumi_random
import pytest

from offline.graph import Graph
from policies.rules.deploy_constraints import AWS_DEPLOY_CONSTRAINTS, DEPLOY_CONSTRAINTS
from policies.support.aws import (
    ACM_CERTIFICATE,
    ACM_CERTIFICATE_VALIDATION,
    AUTOSCALING_ATTACHMENT,
    AWS_PROVIDER,
    BACKUP_PLAN,
    BACKUP_RESTORE_TESTING_PLAN,
    BACKUP_RESTORE_TESTING_SELECTION,
    BACKUP_SELECTION,
    BACKUP_VAULT,
    BACKUP_VAULT_LOCK,
    BACKUP_VAULT_NOTIFICATIONS,
    CODEBUILD_PROJECT,
    CODEBUILD_WEBHOOK,
    DASHBOARD,
    DEFAULT_SECURITY_GROUP,
    EC2_INSTANCE,
    ECR_LIFECYCLE_POLICY,
    ECR_REPOSITORY,
    EFS_ACCESS_POINT,
    EFS_BACKUP_POLICY,
    EFS_FILE_SYSTEM,
    EFS_FILE_SYSTEM_POLICY,
    EIP,
    EKS_ACCESS_ENTRY,
    EKS_ACCESS_POLICY_ASSOCIATION,
    EKS_ADDON,
    EKS_CLUSTER,
    EKS_NODE_GROUP,
    EKS_POD_IDENTITY_ASSOCIATION,
    ELASTICACHE_PARAMETER_GROUP,
    ELASTICACHE_REPLICATION_GROUP,
    ELASTICACHE_SUBNET_GROUP,
    FLOW_LOG,
    HELM_RELEASE,
    IAM_INSTANCE_PROFILE,
    IAM_ROLE,
    IAM_ROLE_POLICY,
    IAM_ROLE_POLICY_ATTACHMENT,
    INTERNET_GATEWAY,
    KMS_ALIAS,
    KMS_KEY,
    KUBERNETES_PROVIDER,
    LAUNCH_TEMPLATE,
    LISTENER,
    LISTENER_RULE,
    LOAD_BALANCER,
    LOG_GROUP,
    MANAGED_PREFIX_LIST,
    METRIC_ALARM,
    NAT_GATEWAY,
    RANDOM_ID,
    RANDOM_PASSWORD,
    RDS_CLUSTER,
    RDS_CLUSTER_INSTANCE,
    RDS_CLUSTER_PARAMETER_GROUP,
    RDS_EVENT_SUBSCRIPTION,
    RDS_PARAMETER_GROUP,
    RDS_PROXY,
    RDS_PROXY_DEFAULT_TARGET_GROUP,
    RDS_PROXY_ENDPOINT,
    RDS_PROXY_TARGET,
    RDS_SUBNET_GROUP,
    ROUTE,
    ROUTE53_RECORD,
    ROUTE53_ZONE,
    ROUTE_TABLE,
    ROUTE_TABLE_ASSOCIATION,
    S3_BUCKET,
    S3_BUCKET_CORS,
    S3_BUCKET_ENCRYPTION,
    S3_BUCKET_LIFECYCLE,
    S3_BUCKET_OBJECT_LOCK,
    S3_BUCKET_OWNERSHIP,
    S3_BUCKET_POLICY,
    S3_BUCKET_VERSIONING,
    SECRET,
    SECRET_VERSION,
    SECURITY_GROUP,
    SECURITY_GROUP_EGRESS_RULE,
    SECURITY_GROUP_INGRESS_RULE,
    SNS_TOPIC,
    SNS_TOPIC_POLICY,
    SNS_TOPIC_SUBSCRIPTION,
    SUBNET,
    TARGET_GROUP,
    VPC,
    VPC_ENDPOINT,
)
from policies.support.cloudflare import (
    CLOUDFLARE_BOT_MANAGEMENT,
    CLOUDFLARE_DNS_RECORD,
    CLOUDFLARE_PROVIDER,
    CLOUDFLARE_RULESET,
    CLOUDFLARE_ZONE_SETTING,
)
from policies.support.kubernetes import (
    CONFIG_MAP,
    CRON_JOB,
    DEPLOYMENT,
    HPAS,
    NAMESPACE,
    NETWORK_POLICY,
    PDB,
    PERSISTENT_VOLUME,
    PERSISTENT_VOLUME_CLAIM,
    SERVICE,
    SERVICE_ACCOUNT,
)
from policies.support.kubernetes import (
    SECRET as KUBERNETES_SECRET,
)
from tests.policy_builders import (
    REQUIRED_TAGS,
    UNKNOWN,
    GraphBuilder,
    aws_provider,
    merged,
    messages,
    property_rule_tests,
    single,
)

# Where each SDK's package directory lives: a cited `pulumi_<sdk>/...` file is read from there.
SDK_ROOTS = {
    "pulumi_aws": Path(pulumi_aws.__path__[0]).parent,
    "pulumi_cloudflare": Path(pulumi_cloudflare.__path__[0]).parent,
    "pulumi_kubernetes": Path(pulumi_kubernetes.__path__[0]).parent,
    "pulumi_random": Path(pulumi_random.__path__[0]).parent,
}

TRUST_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "vpc-flow-logs.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)


def _oversized_policy(characters: int) -> str:
    """A policy document of more than `characters` characters besides whitespace."""
    statement = {"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"}
    count = characters // len(json.dumps(statement, separators=(",", ":"))) + 1
    return json.dumps({"Version": "2012-10-17", "Statement": [statement] * count}, indent=4)


ALARM_TOPIC = "arn:aws:sns:us-east-1:111111111111:sentinel-prod-alarms"
BY_QUERY = {"metricName": None, "namespace": None, "statistic": None, "period": None}

# Inputs of each type that AWS accepts, as the program sets them.
COMPLIANT: dict[str, dict[str, Any]] = {
    AWS_PROVIDER: {
        "region": "us-east-1",
        "allowedAccountIds": '["111111111111"]',
        "defaultTags": json.dumps({"tags": REQUIRED_TAGS}),
    },
    VPC: {"cidrBlock": "10.0.0.0/16", "instanceTenancy": "default", "tags": {"Name": "sentinel-prod"}},
    SUBNET: {"vpcId": "vpc-1", "cidrBlock": "10.0.0.0/24", "tags": {"kubernetes.io/role/elb": "1"}},
    DEFAULT_SECURITY_GROUP: {"vpcId": "vpc-1", "ingress": [], "egress": [], "tags": {"Name": "default-unused"}},
    SECURITY_GROUP: {
        "namePrefix": "sentinel-prod-alb-",
        "description": "Application load balancer: HTTPS (and HTTP to redirect) from Cloudflare & friends",
        "ingress": [],
        "tags": {"Name": "sentinel-prod-alb"},
    },
    SECURITY_GROUP_INGRESS_RULE: {
        "securityGroupId": "sg-1",
        "description": "HTTPS from the Cloudflare edge",
        "ipProtocol": "tcp",
        "fromPort": 443,
        "toPort": 443,
        "prefixListId": "pl-1",
    },
    SECURITY_GROUP_EGRESS_RULE: {
        "securityGroupId": "sg-1",
        "description": "Nodes pull images and call AWS APIs through NAT",
        "ipProtocol": "-1",
        "cidrIpv4": "0.0.0.0/0",
    },
    MANAGED_PREFIX_LIST: {
        "name": "sentinel-prod-cloudflare-ipv4",
        "addressFamily": "IPv4",
        "maxEntries": 2,
        "entries": [
            {"cidr": "173.245.48.0/20", "description": "Cloudflare edge"},
            {"cidr": "103.21.244.0/22", "description": "Cloudflare edge"},
        ],
    },
    INTERNET_GATEWAY: {"vpcId": "vpc-1", "tags": {"Name": "sentinel-prod"}},
    EIP: {"domain": "vpc", "tags": {"Name": "sentinel-prod-nat-a"}},
    NAT_GATEWAY: {"allocationId": "eipalloc-1", "subnetId": "subnet-1", "connectivityType": "public"},
    ROUTE_TABLE: {"vpcId": "vpc-1", "routes": [{"cidrBlock": "0.0.0.0/0", "gatewayId": "igw-1"}]},
    ROUTE: {"routeTableId": "rtb-1", "destinationCidrBlock": "0.0.0.0/0", "natGatewayId": "nat-1"},
    ROUTE_TABLE_ASSOCIATION: {"subnetId": "subnet-1", "routeTableId": "rtb-1"},
    VPC_ENDPOINT: {"vpcId": "vpc-1", "serviceName": "com.amazonaws.us-east-1.s3", "vpcEndpointType": "Gateway"},
    FLOW_LOG: {
        "vpcId": "vpc-1",
        "trafficType": "ALL",
        "logDestinationType": "cloud-watch-logs",
        "maxAggregationInterval": 60,
    },
    LOG_GROUP: {"name": "/aws/vpc/sentinel-prod/flow-logs", "retentionInDays": 365},
    IAM_ROLE: {
        "namePrefix": "sentinel-flow-logs-",
        "path": "/service-role/",
        "description": "Delivers VPC flow logs",
        "maxSessionDuration": 3600,
        "assumeRolePolicy": TRUST_POLICY,
    },
    IAM_ROLE_POLICY: {"role": "flow-logs", "name": "deliver-flow-logs", "policy": TRUST_POLICY},
    KMS_KEY: {
        "description": "VPC flow logs of sentinel-prod",
        "deletionWindowInDays": 30,
        "keyUsage": "ENCRYPT_DECRYPT",
        "policy": TRUST_POLICY,
    },
    KMS_ALIAS: {"name": "alias/sentinel-prod/flow-logs", "targetKeyId": "key-1"},
    # tier: observability
    METRIC_ALARM: {
        "name": "sentinel-prod-HighCPUUtilization",
        "alarmDescription": "HighCPUUtilization (seed): CPU utilization is too high.",
        "comparisonOperator": "GreaterThanThreshold",
        "namespace": "AWS/EC2",
        "metricName": "CPUUtilization",
        "statistic": "Average",
        "period": 300,
        "evaluationPeriods": 2,
        "threshold": 80,
        "treatMissingData": "notBreaching",
        "alarmActions": [ALARM_TOPIC],
        "okActions": [ALARM_TOPIC],
        "tags": {"Name": "sentinel-prod-HighCPUUtilization"},
    },
    DASHBOARD: {"dashboardName": "sentinel-prod", "dashboardBody": '{"widgets": []}'},
    SNS_TOPIC: {"namePrefix": "sentinel-prod-alarms-", "kmsMasterKeyId": "arn:aws:kms:us-east-1:1:key/k"},
    SNS_TOPIC_POLICY: {"arn": ALARM_TOPIC, "policy": TRUST_POLICY},
    SNS_TOPIC_SUBSCRIPTION: {"topic": ALARM_TOPIC, "protocol": "email", "endpoint": "oncall@projectsentinel.ai"},
    # Tier 9 (cluster)
    EKS_CLUSTER: {
        "name": "sentinel-prod",
        "enabledClusterLogTypes": ["api", "audit", "authenticator", "controllerManager", "scheduler"],
        "upgradePolicy": {"supportType": "STANDARD"},
        "accessConfig": {"authenticationMode": "API"},
        "tags": {"Name": "sentinel-prod"},
    },
    EKS_NODE_GROUP: {
        "nodeGroupNamePrefix": "sentinel-prod-nodes-",
        "amiType": "AL2023_x86_64_STANDARD",
        "capacityType": "ON_DEMAND",
        "scalingConfig": {"minSize": 2, "desiredSize": 3, "maxSize": 20},
        "updateConfig": {"maxUnavailablePercentage": 33},
    },
    EKS_ADDON: {
        "addonName": "vpc-cni",
        "resolveConflictsOnCreate": "OVERWRITE",
        "resolveConflictsOnUpdate": "OVERWRITE",
        "configurationValues": '{"enableNetworkPolicy": "true"}',
    },
    EKS_ACCESS_ENTRY: {"principalArn": "arn:aws:iam::111111111111:role/sentinel-deploy", "type": "STANDARD"},
    EKS_ACCESS_POLICY_ASSOCIATION: {
        "policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
        "accessScope": {"type": "cluster"},
    },
    EKS_POD_IDENTITY_ASSOCIATION: {"namespace": "kube-system", "serviceAccount": "cluster-autoscaler"},
    LAUNCH_TEMPLATE: {
        "namePrefix": "sentinel-prod-eks-nodes-",
        "description": "EKS nodes of sentinel-prod",
        "metadataOptions": {"httpTokens": "required", "httpPutResponseHopLimit": 1},
        "blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"volumeType": "gp3", "volumeSize": 50}}],
    },
    ECR_REPOSITORY: {
        "name": "sentinel-prod/web",
        "imageTagMutability": "IMMUTABLE",
        "encryptionConfigurations": [{"encryptionType": "KMS", "kmsKey": "key-1"}],
    },
    ECR_LIFECYCLE_POLICY: {
        "repository": "sentinel-prod/web",
        "policy": json.dumps({"rules": [{"rulePriority": 1}]}) * 4,
    },
    IAM_ROLE_POLICY_ATTACHMENT: {"role": "nodes", "policyArn": "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"},
    IAM_INSTANCE_PROFILE: {"namePrefix": "sentinel-prod-bastion-", "role": "bastion"},
    EC2_INSTANCE: {"subnetId": "subnet-1", "tags": {"Name": "sentinel-prod-bastion"}},
    KUBERNETES_PROVIDER: {"kubeconfig": '{"apiVersion": "v1"}'},
    HELM_RELEASE: {"name": "cluster-autoscaler", "chart": "cluster-autoscaler", "version": "9.54.0"},
    # Storage and backup tier.
    S3_BUCKET: {"bucket": "sentinel-prod-111111111111-us-east-1-uploads", "tags": {"Name": "sentinel-prod-uploads"}},
    S3_BUCKET_POLICY: {"bucket": "b", "policy": TRUST_POLICY},
    S3_BUCKET_OWNERSHIP: {"bucket": "b", "rule": {"objectOwnership": "BucketOwnerEnforced"}},
    S3_BUCKET_ENCRYPTION: {
        "bucket": "b",
        "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}}],
    },
    S3_BUCKET_VERSIONING: {"bucket": "b", "versioningConfiguration": {"status": "Enabled"}},
    S3_BUCKET_OBJECT_LOCK: {
        "bucket": "b",
        "objectLockEnabled": "Enabled",
        "rule": {"defaultRetention": {"mode": "GOVERNANCE", "days": 30}},
    },
    S3_BUCKET_LIFECYCLE: {
        "bucket": "b",
        "transitionDefaultMinimumObjectSize": "all_storage_classes_128K",
        "rules": [
            {
                "id": "whole-bucket",
                "status": "Enabled",
                "filter": {"prefix": ""},
                "transitions": [{"days": 30, "storageClass": "STANDARD_IA"}, {"days": 0, "storageClass": "GLACIER"}],
                "noncurrentVersionTransitions": [{"noncurrentDays": 30, "storageClass": "GLACIER"}],
            }
        ],
    },
    S3_BUCKET_CORS: {
        "bucket": "b",
        "corsRules": [{"allowedMethods": ["GET", "PUT"], "allowedOrigins": ["https://a.b"]}],
    },
    EFS_FILE_SYSTEM: {
        "performanceMode": "generalPurpose",
        "throughputMode": "elastic",
        "lifecyclePolicies": [
            {"transitionToIa": "AFTER_30_DAYS"},
            {"transitionToPrimaryStorageClass": "AFTER_1_ACCESS"},
        ],
        "tags": {"Name": "sentinel-prod-shared-files"},
    },
    EFS_ACCESS_POINT: {
        "fileSystemId": "fs-1",
        "rootDirectory": {
            "path": "/sentinel",
            "creationInfo": {"ownerUid": 1001, "ownerGid": 1001, "permissions": "0750"},
        },
        "tags": {"Name": "sentinel-prod-shared-files-apps"},
    },
    EFS_FILE_SYSTEM_POLICY: {"fileSystemId": "fs-1", "policy": TRUST_POLICY},
    EFS_BACKUP_POLICY: {"fileSystemId": "fs-1", "backupPolicy": {"status": "DISABLED"}},
    BACKUP_VAULT: {"name": "backup-1a2b3c4", "tags": {"Name": "sentinel-prod-backup"}},
    BACKUP_VAULT_LOCK: {
        "backupVaultName": "v",
        "minRetentionDays": 30,
        "maxRetentionDays": 365,
        "changeableForDays": 3,
    },
    BACKUP_VAULT_NOTIFICATIONS: {"backupVaultName": "v", "snsTopicArn": "t", "backupVaultEvents": ["COPY_JOB_FAILED"]},
    BACKUP_PLAN: {
        "name": "backup-1a2b3c4",
        "rules": [
            {
                "ruleName": "monthly",
                "targetVaultName": "v",
                "startWindow": 60,
                "lifecycle": {"coldStorageAfter": 30, "deleteAfter": 120},
                "copyActions": [
                    {"destinationVaultArn": "a", "lifecycle": {"coldStorageAfter": 30, "deleteAfter": 365}}
                ],
            }
        ],
        "tags": {"Name": "sentinel-prod-backup"},
    },
    BACKUP_SELECTION: {"name": "backup-uploads-1a2b3c4", "planId": "p", "iamRoleArn": "r"},
    BACKUP_RESTORE_TESTING_PLAN: {
        "name": "sentinel_prod_restore_tests",
        "scheduleExpression": "cron(0 8 15 * ? *)",
        "startWindowHours": 24,
        "recoveryPointSelection": {"algorithm": "LATEST_WITHIN_WINDOW", "selectionWindowDays": 7},
        "tags": {"Name": "sentinel-prod-restore-tests"},
    },
    BACKUP_RESTORE_TESTING_SELECTION: {"name": "efs", "validationWindowHours": 1, "protectedResourceType": "EFS"},
    # Tier 11, the edge
    ACM_CERTIFICATE: {
        "domainName": "admin.projectsentinel.ai",
        "subjectAlternativeNames": ["api.projectsentinel.ai", "app.projectsentinel.ai"],
        "validationMethod": "DNS",
        "keyAlgorithm": "RSA_2048",
        "tags": {"Name": "sentinel-prod-edge"},
    },
    ACM_CERTIFICATE_VALIDATION: {"certificateArn": "arn", "validationRecordFqdns": ["_1.app.projectsentinel.ai"]},
    CLOUDFLARE_PROVIDER: {"apiToken": "token"},
    CLOUDFLARE_DNS_RECORD: {
        "zoneId": "zone-1",
        "name": "app.projectsentinel.ai",
        "type": "CNAME",
        "content": "alb.us-east-1.elb.amazonaws.com",
        "ttl": 1,
        "proxied": True,
        "comment": "The web app of sentinel-prod, through the ALB",
    },
    CLOUDFLARE_RULESET: {
        "zoneId": "zone-1",
        "kind": "zone",
        "phase": "http_ratelimit",
        "name": "sentinel-prod-rate-limit",
        "rules": [
            {
                "ref": "rate_limit_per_ip",
                "action": "block",
                "expression": "true",
                "ratelimit": {
                    "characteristics": ["cf.colo.id", "ip.src"],
                    "period": 60,
                    "requestsPerPeriod": 100,
                    "mitigationTimeout": 60,
                },
            }
        ],
    },
    CLOUDFLARE_ZONE_SETTING: {"zoneId": "zone-1", "settingId": "ssl", "value": "strict"},
    CLOUDFLARE_BOT_MANAGEMENT: {
        "zoneId": "zone-1",
        "sbfmDefinitelyAutomated": "block",
        "sbfmLikelyAutomated": "block",
        "sbfmVerifiedBots": "allow",
    },
    # Data tier
    RDS_CLUSTER: {
        "clusterIdentifier": "sentinel-prod-database",
        "finalSnapshotIdentifier": "sentinel-prod-database-final-0a1b2c3d",
        "databaseName": "projectsentinel",
        "masterUsername": "sentinel",
        "backupRetentionPeriod": 30,
        "performanceInsightsRetentionPeriod": 7,
        "databaseInsightsMode": "standard",
        "storageType": "aurora-iopt1",
        "serverlessv2ScalingConfiguration": {"minCapacity": 0, "maxCapacity": 4},
    },
    RDS_CLUSTER_INSTANCE: {
        "identifier": "sentinel-prod-database-1",
        "promotionTier": 1,
        "monitoringInterval": 60,
        "performanceInsightsRetentionPeriod": 731,
    },
    RDS_CLUSTER_PARAMETER_GROUP: {
        "namePrefix": "sentinel-prod-database-",
        "family": "aurora-postgresql16",
        "parameters": [{"name": "rds.force_ssl", "value": "1", "applyMethod": "pending-reboot"}],
    },
    RDS_PARAMETER_GROUP: {"namePrefix": "sentinel-prod-database-", "family": "aurora-postgresql16"},
    RDS_SUBNET_GROUP: {"namePrefix": "sentinel-prod-database-", "subnetIds": ["subnet-1", "subnet-2"]},
    RDS_PROXY: {"name": "sentinel-prod-database-proxy", "engineFamily": "POSTGRESQL", "idleClientTimeout": 1800},
    RDS_PROXY_DEFAULT_TARGET_GROUP: {
        "dbProxyName": "sentinel-prod-database-proxy",
        "connectionPoolConfig": {
            "maxConnectionsPercent": 90,
            "maxIdleConnectionsPercent": 50,
            "connectionBorrowTimeout": 120,
        },
    },
    RDS_PROXY_TARGET: {"dbProxyName": "proxy", "targetGroupName": "default", "dbClusterIdentifier": "database"},
    RDS_PROXY_ENDPOINT: {
        "dbProxyName": "proxy",
        "dbProxyEndpointName": "sentinel-prod-database-read-only",
        "targetRole": "READ_ONLY",
        "vpcSubnetIds": ["subnet-1"],
    },
    RDS_EVENT_SUBSCRIPTION: {
        "namePrefix": "sentinel-prod-database-cluster-",
        "snsTopic": "arn:aws:sns:us-east-1:111111111111:alarms",
        "sourceType": "db-cluster",
    },
    ELASTICACHE_SUBNET_GROUP: {"name": "cache-subnets", "subnetIds": ["subnet-1"]},
    ELASTICACHE_PARAMETER_GROUP: {"name": "cache-parameters", "family": "valkey8"},
    ELASTICACHE_REPLICATION_GROUP: {
        "replicationGroupId": "sentinel-prod-cache",
        "description": "Redis-compatible cache",
        "numCacheClusters": 3,
        "preferredCacheClusterAzs": ["us-east-1a", "us-east-1b", "us-east-1c"],
        "snapshotRetentionLimit": 7,
        "engine": "valkey",
        "transitEncryptionMode": "required",
        "authTokenUpdateStrategy": "ROTATE",
    },
    SECRET: {"namePrefix": "sentinel-prod-database-", "description": "Credentials", "recoveryWindowInDays": 30},
    SECRET_VERSION: {"secretId": "secret-1", "secretString": "{}"},
    ROUTE53_ZONE: {"name": "sentinel-prod.internal", "comment": "Private names"},
    ROUTE53_RECORD: {"zoneId": "Z1", "name": "primary-db", "type": "CNAME", "ttl": 60, "records": ["db.example"]},
    RANDOM_ID: {"byteLength": 4},
    # The deploy path (design D16)
    CODEBUILD_PROJECT: {
        "name": "sentinel-prod-deploy-runner",
        "description": "GitHub Actions runner of the deploy and preview jobs of sentinel-prod, in its VPC",
        "buildTimeout": 90,
        "queuedTimeout": 480,
        "source": {
            "type": "GITHUB",
            "location": "https://github.com/projectsentinel/platform",
            "auth": {"type": "CODECONNECTIONS", "resource": "arn:aws:codeconnections:us-east-1:1:connection/c"},
        },
        "artifacts": {"type": "NO_ARTIFACTS"},
        "environment": {
            "type": "LINUX_CONTAINER",
            "computeType": "BUILD_GENERAL1_MEDIUM",
            "image": "aws/codebuild/standard:7.0",
            "imagePullCredentialsType": "CODEBUILD",
        },
        "vpcConfig": {"vpcId": "vpc-1", "subnets": ["subnet-1", "subnet-2", "subnet-3"], "securityGroupIds": ["sg-1"]},
        "logsConfig": {"cloudwatchLogs": {"status": "ENABLED", "groupName": "/aws/codebuild/sentinel-prod"}},
        "tags": {"Name": "sentinel-prod-deploy-runner"},
    },
    CODEBUILD_WEBHOOK: {
        "projectName": "sentinel-prod-deploy-runner",
        "buildType": "BUILD",
        "filterGroups": [{"filters": [{"type": "EVENT", "pattern": "WORKFLOW_JOB_QUEUED"}]}],
    },
    # Tier 10 (ingress and workloads)
    LOAD_BALANCER: {
        "loadBalancerType": "application",
        "desyncMitigationMode": "strictest",
        "idleTimeout": 60,
        "tags": {"Name": "sentinel-prod-alb"},
    },
    TARGET_GROUP: {
        "port": 30080,
        "protocol": "HTTP",
        "targetType": "instance",
        "deregistrationDelay": 60,
        "healthCheck": {"interval": 10, "timeout": 5, "healthyThreshold": 2, "unhealthyThreshold": 2},
    },
    LISTENER: {"port": 443, "protocol": "HTTPS", "defaultActions": [{"type": "fixed-response"}]},
    LISTENER_RULE: {"priority": 81, "conditions": [{"hostHeader": {"values": ["app.projectsentinel.ai"]}}]},
    AUTOSCALING_ATTACHMENT: {"autoscalingGroupName": "eks-nodes", "lbTargetGroupArn": "arn:aws:tg"},
    RANDOM_PASSWORD: {"length": 64, "special": False},
    NAMESPACE: {"metadata": {"name": "sentinel", "labels": {"pod-security.kubernetes.io/enforce": "restricted"}}},
    SERVICE_ACCOUNT: {"metadata": {"name": "web", "namespace": "sentinel"}},
    CONFIG_MAP: {"metadata": {"labels": {"app": "web"}}, "data": {"NODE_ENV": "production"}},
    KUBERNETES_SECRET: {"metadata": {"labels": {"app": "web"}}, "stringData": {"JWT_SECRET": "s"}},
    SERVICE: {
        "metadata": {"name": "web"},
        "spec": {"type": "NodePort", "externalTrafficPolicy": "Cluster", "ports": [{"port": 80, "nodePort": 30080}]},
    },
    DEPLOYMENT: {
        "metadata": {"name": "web", "labels": {"app.kubernetes.io/name": "web"}},
        "spec": {"strategy": {"type": "RollingUpdate"}, "template": {"spec": {"containers": [{"name": "web"}]}}},
    },
    HPAS[0]: {
        "metadata": {"name": "web"},
        "spec": {"minReplicas": 3, "maxReplicas": 20, "scaleTargetRef": {"kind": "Deployment", "name": "web"}},
    },
    PDB: {"metadata": {"name": "web"}, "spec": {"maxUnavailable": 1}},
    NETWORK_POLICY: {"metadata": {"name": "default-deny"}, "spec": {"policyTypes": ["Ingress", "Egress"]}},
    CRON_JOB: {
        "metadata": {"name": "logical-backup"},
        "spec": {"schedule": "0 3 * * *", "concurrencyPolicy": "Forbid"},
    },
    PERSISTENT_VOLUME: {
        "metadata": {"name": "sentinel-prod-shared-files"},
        "spec": {"accessModes": ["ReadWriteMany"], "persistentVolumeReclaimPolicy": "Retain"},
    },
    PERSISTENT_VOLUME_CLAIM: {"metadata": {"name": "shared-files"}, "spec": {"accessModes": ["ReadWriteMany"]}},
}

RULE_CHARACTERS = "AWS allows letters, digits, spaces and ._-:/()#,@[]+=;{}!$*"
GROUP_CHARACTERS = "AWS allows letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*"
RULE_PEERS = "exactly one of cidrIpv4, cidrIpv6, prefixListId, referencedSecurityGroupId"
RDS = "AWS allows a letter first, then letters, digits and single hyphens"


def case(type_: str, change: dict[str, Any], expected: str, name: str) -> Any:
    return pytest.param(AWS_DEPLOY_CONSTRAINTS, type_, COMPLIANT[type_], change, expected, id=name)


# (policy, resource type, inputs that pass, the change that makes them fail, the message it then reports)
CASES = [
    # The AWS provider
    case(AWS_PROVIDER, {"region": "US East"}, 'region is "US East": AWS allows region codes', "region"),
    case(AWS_PROVIDER, {"allowedAccountIds": '["1111"]'}, 'allowedAccountIds[0] is "1111": AWS allows 12', "account"),
    case(
        AWS_PROVIDER,
        {"defaultTags": json.dumps({"tags": {"aws:owner": "platform"}})},
        'defaultTags.tags key "aws:owner": AWS allows no value starting with "aws:"',
        "default-tag-key",
    ),
    # Tags (one constraint, shared by every taggable type)
    case(VPC, {"tags": {"Team#1": "platform"}}, 'tags key "Team#1": AWS allows letters', "tag-key-characters"),
    case(VPC, {"tags": {"k" * 129: "v"}}, "tags key", "tag-key-length"),
    case(VPC, {"tags": {"Owner": "Ops' team"}}, 'tags["Owner"] is "Ops\' team": AWS allows letters', "tag-value"),
    case(VPC, {"tags": {"Note": "v" * 257}}, 'tags["Note"] is', "tag-value-length"),
    # Network
    case(
        VPC,
        {"cidrBlock": "10.0.0.0/8"},
        'cidrBlock is "10.0.0.0/8": AWS allows an IPv4 network address from /16 to /28',
        "vpc-too-big",
    ),
    case(VPC, {"cidrBlock": "10.0.0.1/16"}, 'cidrBlock is "10.0.0.1/16": AWS allows an IPv4 network', "host-bits"),
    case(VPC, {"instanceTenancy": "host"}, 'instanceTenancy is "host": AWS allows one of "default"', "tenancy"),
    case(SUBNET, {"cidrBlock": "10.0.0.0/29"}, 'cidrBlock is "10.0.0.0/29": AWS allows an IPv4', "subnet-too-small"),
    case(INTERNET_GATEWAY, {"tags": {"aws:name": "x"}}, 'tags key "aws:name"', "gateway-tags"),
    case(EIP, {"domain": "classic"}, 'domain is "classic": AWS allows one of "vpc", "standard"', "eip-domain"),
    case(NAT_GATEWAY, {"connectivityType": "shared"}, 'connectivityType is "shared": AWS allows one of', "nat-type"),
    case(NAT_GATEWAY, {"availabilityMode": "multi"}, 'availabilityMode is "multi": AWS allows one of', "nat-mode"),
    case(ROUTE_TABLE, {"routes": [{"cidrBlock": "0.0.0.0/33"}]}, 'routes[0].cidrBlock is "0.0.0.0/33"', "routes"),
    case(ROUTE_TABLE, {"routes": [{"ipv6CidrBlock": "::/129"}]}, 'routes[0].ipv6CidrBlock is "::/129"', "routes-v6"),
    case(
        ROUTE,
        {"destinationPrefixListId": "pl-1"},
        'destinationCidrBlock "0.0.0.0/0" and destinationPrefixListId "pl-1" are set together: AWS allows exactly '
        "one of destinationCidrBlock, destinationIpv6CidrBlock, destinationPrefixListId",
        "route-destinations",
    ),
    case(ROUTE, {"natGatewayId": None}, "none of carrierGatewayId, coreNetworkArn,", "route-without-target"),
    case(ROUTE, {"gatewayId": "igw-1"}, 'gatewayId "igw-1" and natGatewayId "nat-1" are set together', "two-targets"),
    case(ROUTE, {"destinationCidrBlock": "10.0.0.0/33"}, 'destinationCidrBlock is "10.0.0.0/33"', "route-cidr"),
    case(
        ROUTE,
        {"destinationCidrBlock": None, "destinationIpv6CidrBlock": "2001:db8::1/32"},
        'destinationIpv6CidrBlock is "2001:db8::1/32": AWS allows an IPv6 network address',
        "route-ipv6-cidr",
    ),
    case(
        ROUTE_TABLE_ASSOCIATION,
        {"gatewayId": "igw-1"},
        'subnetId "subnet-1" and gatewayId "igw-1" are set together: AWS allows exactly one of subnetId, gatewayId',
        "association-both",
    ),
    case(ROUTE_TABLE_ASSOCIATION, {"subnetId": None}, "none of subnetId, gatewayId is set", "association-neither"),
    case(VPC_ENDPOINT, {"vpcEndpointType": "gateway"}, 'vpcEndpointType is "gateway": AWS allows one of', "endpoint"),
    case(VPC_ENDPOINT, {"ipAddressType": "v4"}, 'ipAddressType is "v4": AWS allows one of', "endpoint-address-type"),
    case(VPC_ENDPOINT, {"serviceName": None}, "none of resourceConfigurationArn, serviceName,", "endpoint-service"),
    case(
        FLOW_LOG,
        {"maxAggregationInterval": 300},
        "maxAggregationInterval is 300: AWS allows one of 60, 600",
        "aggregation-interval",
    ),
    case(FLOW_LOG, {"trafficType": "all"}, 'trafficType is "all": AWS allows one of "ACCEPT"', "traffic-type"),
    case(FLOW_LOG, {"logDestinationType": "logs"}, 'logDestinationType is "logs": AWS allows one of', "destination"),
    # Security groups and their rules
    case(
        SECURITY_GROUP,
        {"namePrefix": None, "name": "sg-web"},
        'name is "sg-web": AWS allows no value starting with "sg-"',
        "group-name-first-characters",
    ),
    case(SECURITY_GROUP, {"namePrefix": None, "name": "n" * 256}, "name is", "group-name-length"),
    case(SECURITY_GROUP, {"namePrefix": None, "name": "web's"}, f'name is "web\'s": {GROUP_CHARACTERS}', "group-name"),
    case(SECURITY_GROUP, {"namePrefix": "p" * 230}, "namePrefix is", "group-prefix-length"),
    case(SECURITY_GROUP, {"namePrefix": "sg-alb-"}, 'namePrefix is "sg-alb-": AWS allows no value', "group-prefix"),
    case(SECURITY_GROUP, {"namePrefix": "alb's-"}, f'namePrefix is "alb\'s-": {GROUP_CHARACTERS}', "group-prefix-set"),
    case(
        SECURITY_GROUP,
        {"name": "sentinel-prod-alb"},
        'name "sentinel-prod-alb" and namePrefix "sentinel-prod-alb-" are set together: AWS allows at most one of '
        "name, namePrefix",
        "group-name-and-prefix",
    ),
    case(SECURITY_GROUP, {"description": ""}, 'description is "": AWS allows 1 to 255 characters', "group-no-desc"),
    case(SECURITY_GROUP, {"description": "Cloudflare's"}, f'description is "Cloudflare\'s": {GROUP_CHARACTERS}', "gd"),
    case(
        SECURITY_GROUP,
        {"ingress": [{"description": "SSH from the bastion"}, {"description": "Admin's"}]},
        f'ingress[1].description is "Admin\'s": {RULE_CHARACTERS}',
        "inline-rule",
    ),
    case(DEFAULT_SECURITY_GROUP, {"egress": [{"description": "d" * 256}]}, "egress[0].description is", "default-rule"),
    case(
        DEFAULT_SECURITY_GROUP,
        {"egress": [{"description": "to [a] {b} $c*"}, {"description": "Ops'"}]},
        "egress[1]",
        "default-egress-characters",
    ),
    case(SECURITY_GROUP, {"ingress": [{"description": "d" * 256}]}, "ingress[0].description is", "inline-length"),
    case(
        DEFAULT_SECURITY_GROUP,
        {"ingress": [{"description": "a & b"}]},
        'ingress[0].description is "a & b"',
        "default-ingress-ampersand",
    ),
    case(
        SECURITY_GROUP_INGRESS_RULE,
        {"description": "HTTPS from Cloudflare's edge"},
        f'description is "HTTPS from Cloudflare\'s edge": {RULE_CHARACTERS} (source: '
        "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_UserIdGroupPair.html)",
        "rule-description-apostrophe",
    ),
    case(SECURITY_GROUP_INGRESS_RULE, {"description": "A & B"}, f'description is "A & B": {RULE_CHARACTERS}', "amp"),
    case(SECURITY_GROUP_INGRESS_RULE, {"description": "d" * 256}, "description is", "rule-description-length"),
    case(SECURITY_GROUP_INGRESS_RULE, {"ipProtocol": "https"}, 'ipProtocol is "https": AWS allows tcp', "protocol"),
    case(
        SECURITY_GROUP_INGRESS_RULE,
        {"cidrIpv4": "0.0.0.0/0"},
        f'cidrIpv4 "0.0.0.0/0" and prefixListId "pl-1" are set together: AWS allows {RULE_PEERS}',
        "two-peers",
    ),
    case(
        SECURITY_GROUP_INGRESS_RULE,
        {"prefixListId": None},
        "none of cidrIpv4, cidrIpv6, prefixListId, referencedSecurityGroupId is set",
        "no-peer",
    ),
    case(
        SECURITY_GROUP_INGRESS_RULE,
        {"ipProtocol": "-1", "toPort": None},
        'fromPort is 443 with ipProtocol "-1": AWS allows no ports for all protocols',
        "ports-with-all-protocols",
    ),
    case(
        SECURITY_GROUP_INGRESS_RULE,
        {"toPort": 70000},
        'toPort is 70000 with ipProtocol "tcp": AWS allows whole numbers from 0 to 65535',
        "port-range",
    ),
    case(
        SECURITY_GROUP_INGRESS_RULE,
        {"fromPort": 444},
        "fromPort 444 is above toPort 443: AWS allows ranges whose start is not above their end",
        "reversed-ports",
    ),
    case(
        SECURITY_GROUP_INGRESS_RULE,
        {"ipProtocol": "icmp", "fromPort": 8, "toPort": 256},
        'toPort is 256 with ipProtocol "icmp": AWS allows whole numbers from -1 to 255',
        "icmp-code",
    ),
    case(
        SECURITY_GROUP_INGRESS_RULE,
        {"prefixListId": None, "cidrIpv4": "10.0.0.1/8"},
        'cidrIpv4 is "10.0.0.1/8": AWS allows an IPv4 network address from /0 to /32',
        "rule-cidr",
    ),
    case(
        SECURITY_GROUP_INGRESS_RULE,
        {"prefixListId": None, "cidrIpv6": "10.0.0.0/8"},
        'cidrIpv6 is "10.0.0.0/8": AWS allows an IPv6 network address from /0 to /128',
        "rule-cidr-v6",
    ),
    case(SECURITY_GROUP_EGRESS_RULE, {"description": "NAT's"}, f'description is "NAT\'s": {RULE_CHARACTERS}', "egress"),
    # Managed prefix lists
    case(
        MANAGED_PREFIX_LIST,
        {"name": "com.amazonaws.cloudflare"},
        'name is "com.amazonaws.cloudflare": AWS allows no value starting with "com.amazonaws"',
        "prefix-list-reserved-name",
    ),
    case(MANAGED_PREFIX_LIST, {"name": "n" * 256}, "name is", "prefix-list-name-length"),
    case(MANAGED_PREFIX_LIST, {"addressFamily": "IPv5"}, 'addressFamily is "IPv5": AWS allows one of', "family"),
    case(
        MANAGED_PREFIX_LIST,
        {"entries": [{"cidr": "173.245.48.0/20", "description": "d" * 256}]},
        "entries[0].description is",
        "entry-description",
    ),
    case(
        MANAGED_PREFIX_LIST,
        {"maxEntries": 1},
        "entries has 2 items but maxEntries is 1: AWS allows at most maxEntries entries",
        "max-entries",
    ),
    # Logs, IAM, KMS
    case(LOG_GROUP, {"name": "flow logs"}, 'name is "flow logs": AWS allows letters, digits and ._-/#', "log-group"),
    case(LOG_GROUP, {"name": "/" * 513}, "name is", "log-group-name-length"),
    case(LOG_GROUP, {"name": None, "namePrefix": "/" * 487}, "namePrefix is", "log-group-prefix-length"),
    case(LOG_GROUP, {"name": None, "namePrefix": "flow logs"}, 'namePrefix is "flow logs"', "log-group-prefix"),
    case(LOG_GROUP, {"retentionInDays": 45}, "retentionInDays is 45: AWS allows one of 0, 1, 3, 5, 7, 14", "retention"),
    case(IAM_ROLE, {"namePrefix": None, "name": "r" * 65}, "name is", "role-name-length"),
    case(IAM_ROLE, {"namePrefix": None, "name": "flow logs"}, 'name is "flow logs": AWS allows letters', "role-name"),
    case(IAM_ROLE, {"namePrefix": "r" * 39}, "namePrefix is", "role-prefix-length"),
    case(IAM_ROLE, {"namePrefix": "flow/logs-"}, 'namePrefix is "flow/logs-"', "role-prefix"),
    case(IAM_ROLE, {"name": "flow-logs"}, 'name "flow-logs" and namePrefix', "role-name-and-prefix"),
    case(IAM_ROLE, {"path": "service-role"}, 'path is "service-role": AWS allows / or printable', "role-path"),
    case(IAM_ROLE, {"path": "/" + "p" * 511 + "/"}, "path is", "role-path-length"),
    case(IAM_ROLE, {"description": "d" * 1001}, "description is", "role-description-length"),
    case(IAM_ROLE, {"description": "Flow logs \u2192 CloudWatch"}, "description is", "role-description"),
    case(
        IAM_ROLE,
        {"maxSessionDuration": 60},
        "maxSessionDuration is 60: AWS allows whole numbers from 3600",
        "session-duration",
    ),
    case(IAM_ROLE, {"assumeRolePolicy": _oversized_policy(2048)}, "assumeRolePolicy is", "trust-policy-size"),
    case(IAM_ROLE_POLICY, {"name": "p" * 129}, "name is", "role-policy-name-length"),
    case(IAM_ROLE_POLICY, {"name": "flow logs"}, 'name is "flow logs"', "role-policy-name"),
    case(IAM_ROLE_POLICY, {"name": None, "namePrefix": "p" * 103}, "namePrefix is", "role-policy-prefix-length"),
    case(IAM_ROLE_POLICY, {"name": None, "namePrefix": "a b"}, 'namePrefix is "a b"', "role-policy-prefix"),
    case(
        IAM_ROLE_POLICY,
        {"policy": _oversized_policy(10240)},
        "policy is",
        "role-policy-size",
    ),
    case(KMS_KEY, {"description": "d" * 8193}, "description is", "key-description-length"),
    case(
        KMS_KEY,
        {"deletionWindowInDays": 6},
        "deletionWindowInDays is 6: AWS allows whole numbers from 7 to 30",
        "deletion-window-too-short",
    ),
    case(KMS_KEY, {"deletionWindowInDays": 31}, "deletionWindowInDays is 31", "deletion-window-too-long"),
    case(
        KMS_KEY,
        {"rotationPeriodInDays": 30},
        "rotationPeriodInDays is 30: AWS allows whole numbers from 90",
        "rotation-period",
    ),
    case(KMS_KEY, {"keyUsage": "ENCRYPT"}, 'keyUsage is "ENCRYPT": AWS allows one of', "key-usage"),
    case(KMS_KEY, {"policy": "p" * 32769}, "policy is", "key-policy-size"),
    case(
        KMS_ALIAS,
        {"name": "sentinel-prod/flow-logs"},
        'name is "sentinel-prod/flow-logs": AWS allows values starting with alias/',
        "alias-prefix",
    ),
    case(KMS_ALIAS, {"name": "alias/aws/s3"}, 'name is "alias/aws/s3": AWS allows no value starting', "alias-aws"),
    case(KMS_ALIAS, {"name": "alias/" + "a" * 251}, "name is", "alias-length"),
    case(KMS_ALIAS, {"name": "alias/flow logs"}, 'name is "alias/flow logs": AWS allows letters', "alias-characters"),
    case(KMS_ALIAS, {"name": None, "namePrefix": "alias/" + "a" * 225}, "namePrefix is", "alias-prefix-length"),
    case(KMS_ALIAS, {"name": None, "namePrefix": "alias/a b"}, 'namePrefix is "alias/a b"', "alias-prefix-chars"),
    case(KMS_ALIAS, {"name": None, "namePrefix": "flow-"}, 'namePrefix is "flow-"', "alias-prefix-start"),
    case(KMS_ALIAS, {"name": None, "namePrefix": "alias/aws/"}, 'namePrefix is "alias/aws/"', "alias-prefix-aws"),
    case(KMS_ALIAS, {"namePrefix": "alias/flow-"}, 'name "alias/sentinel-prod/flow-logs" and namePrefix', "alias-two"),
    # CloudWatch alarms and dashboards, SNS (tier: observability)
    case(METRIC_ALARM, {"name": "a" * 256}, "name is", "alarm-name-length"),
    case(METRIC_ALARM, {"alarmDescription": "d" * 1025}, "alarmDescription is", "alarm-description-length"),
    case(
        METRIC_ALARM, {"comparisonOperator": "Above"}, 'comparisonOperator is "Above": AWS allows one of', "comparison"
    ),
    case(METRIC_ALARM, {"statistic": "Mean"}, 'statistic is "Mean": AWS allows one of "SampleCount"', "statistic"),
    case(
        METRIC_ALARM,
        {"statistic": None, "extendedStatistic": "p95.555"},
        'extendedStatistic is "p95.555": AWS allows percentiles p0 to p100',
        "percentile",
    ),
    case(
        METRIC_ALARM,
        {"extendedStatistic": "p95"},
        'statistic "Average" and extendedStatistic "p95" are set together',
        "statistic-and-percentile",
    ),
    case(
        METRIC_ALARM,
        {"metricQueries": [{"id": "result", "expression": "m1"}]},
        'metricName "CPUUtilization" and metricQueries a list of 1 are set together',
        "metric-and-queries",
    ),
    case(METRIC_ALARM, {"metricName": None}, "none of metricName, metricQueries is set", "no-metric"),
    case(METRIC_ALARM, {"treatMissingData": "notbreaching"}, 'treatMissingData is "notbreaching"', "missing-data"),
    case(METRIC_ALARM, {"period": 90}, "period is 90: AWS allows 10, 20, 30 or a multiple of 60", "alarm-period"),
    case(METRIC_ALARM, {"evaluationPeriods": 0}, "evaluationPeriods is 0: AWS allows whole numbers from 1", "periods"),
    case(
        METRIC_ALARM,
        {"evaluationPeriods": 289},
        "period 300 x evaluationPeriods 289 spans 86700 s: AWS allows at most 86400 s for this period",
        "evaluation-range",
    ),
    case(
        METRIC_ALARM, {"alarmActions": [ALARM_TOPIC] * 6}, "alarmActions is a list of 6: AWS allows at most 5", "acts"
    ),
    case(METRIC_ALARM, {"okActions": [ALARM_TOPIC] * 6}, "okActions is a list of 6: AWS allows at most 5", "ok-acts"),
    case(
        METRIC_ALARM,
        {**BY_QUERY, "metricQueries": [{"id": "Result", "expression": "m1", "returnData": True}]},
        'metricQueries[0].id is "Result": AWS allows a lowercase letter',
        "query-id",
    ),
    case(
        METRIC_ALARM,
        {
            **BY_QUERY,
            "metricQueries": [
                {"id": "result", "expression": "m1", "returnData": True},
                {"id": "m1", "metric": {"metricName": "RequestCount", "stat": "Total", "period": 60}},
            ],
        },
        'metricQueries[1].metric.stat is "Total": AWS allows one of',
        "query-statistic",
    ),
    case(METRIC_ALARM, {"tags": {"aws:tier": "edge"}}, 'tags key "aws:tier"', "alarm-tags"),
    case(DASHBOARD, {"dashboardName": "d" * 256}, "dashboardName is", "dashboard-name-length"),
    case(DASHBOARD, {"dashboardName": "sentinel prod"}, 'dashboardName is "sentinel prod": AWS allows', "dashboard"),
    case(SNS_TOPIC, {"namePrefix": None, "name": "t" * 257}, "name is", "topic-name-length"),
    case(SNS_TOPIC, {"namePrefix": None, "name": "alarms topic"}, 'name is "alarms topic": AWS allows', "topic-name"),
    case(SNS_TOPIC, {"namePrefix": "p" * 231}, "namePrefix is", "topic-prefix-length"),
    case(SNS_TOPIC, {"namePrefix": "sentinel.prod-"}, 'namePrefix is "sentinel.prod-": AWS allows', "topic-prefix"),
    case(SNS_TOPIC, {"name": "alarms"}, 'name "alarms" and namePrefix "sentinel-prod-alarms-" are set', "topic-two"),
    case(SNS_TOPIC, {"tags": {"aws:owner": "x"}}, 'tags key "aws:owner"', "topic-tags"),
    case(SNS_TOPIC_POLICY, {"arn": "sentinel-prod-alarms"}, 'arn is "sentinel-prod-alarms": AWS allows values', "tp"),
    case(SNS_TOPIC_SUBSCRIPTION, {"protocol": "EMAIL"}, 'protocol is "EMAIL": AWS allows one of "http"', "protocol"),
    # Tier 9 (cluster): EKS
    case(EKS_CLUSTER, {"name": "c" * 101}, "name is", "cluster-name-length"),
    case(EKS_CLUSTER, {"name": "-sentinel"}, 'name is "-sentinel": AWS allows letters, digits, -', "cluster-name"),
    case(
        EKS_CLUSTER,
        {"enabledClusterLogTypes": ["api", "controller-manager"]},
        'enabledClusterLogTypes[1] is "controller-manager": AWS allows one of "api"',
        "log-type",
    ),
    case(EKS_CLUSTER, {"upgradePolicy": {"supportType": "LTS"}}, 'upgradePolicy.supportType is "LTS"', "support"),
    case(
        EKS_CLUSTER,
        {"accessConfig": {"authenticationMode": "IAM"}},
        'accessConfig.authenticationMode is "IAM": AWS allows one of "API"',
        "authentication-mode",
    ),
    case(EKS_CLUSTER, {"tags": {"aws:eks": "x"}}, 'tags key "aws:eks"', "cluster-tags"),
    case(EKS_NODE_GROUP, {"nodeGroupNamePrefix": "n" * 38}, "nodeGroupNamePrefix is", "node-group-prefix"),
    case(EKS_NODE_GROUP, {"amiType": "AL2023_X86_64"}, 'amiType is "AL2023_X86_64": AWS allows one of', "ami-type"),
    case(EKS_NODE_GROUP, {"capacityType": "RESERVED"}, 'capacityType is "RESERVED": AWS allows one of', "capacity"),
    case(
        EKS_NODE_GROUP,
        {"scalingConfig": {"maxSize": 0}},
        "scalingConfig.maxSize is 0: AWS allows whole numbers from 1 to 450",
        "node-group-max",
    ),
    case(
        EKS_NODE_GROUP,
        {"updateConfig": {"maxUnavailablePercentage": 0}},
        "updateConfig.maxUnavailablePercentage is 0: AWS allows whole numbers from 1 to 100",
        "max-unavailable",
    ),
    case(EKS_NODE_GROUP, {"tags": {"k" * 129: "v"}}, "tags key", "node-group-tags"),
    case(EKS_ADDON, {"resolveConflictsOnCreate": "PRESERVE"}, 'resolveConflictsOnCreate is "PRESERVE"', "conflicts"),
    case(EKS_ADDON, {"resolveConflictsOnUpdate": "MERGE"}, 'resolveConflictsOnUpdate is "MERGE"', "update-conflicts"),
    case(EKS_ADDON, {"configurationValues": "c" * 65537}, "configurationValues is", "addon-configuration"),
    case(EKS_ADDON, {"tags": {"aws:x": "y"}}, 'tags key "aws:x"', "addon-tags"),
    case(EKS_ACCESS_ENTRY, {"type": "ADMIN"}, 'type is "ADMIN": AWS allows one of "STANDARD"', "access-entry-type"),
    case(EKS_ACCESS_ENTRY, {"tags": {"aws:x": "y"}}, 'tags key "aws:x"', "access-entry-tags"),
    case(
        EKS_ACCESS_POLICY_ASSOCIATION,
        {"accessScope": {"type": "Cluster"}},
        'accessScope.type is "Cluster": AWS allows one of "cluster", "namespace"',
        "access-scope",
    ),
    case(
        EKS_ACCESS_POLICY_ASSOCIATION,
        {"policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"},
        'policyArn is "arn:aws:iam::aws:policy/AdministratorAccess": AWS allows values starting with',
        "access-policy",
    ),
    case(
        EKS_POD_IDENTITY_ASSOCIATION,
        {"serviceAccount": "Cluster_Autoscaler"},
        'serviceAccount is "Cluster_Autoscaler": AWS allows Kubernetes object names',
        "service-account",
    ),
    case(EKS_POD_IDENTITY_ASSOCIATION, {"tags": {"aws:x": "y"}}, 'tags key "aws:x"', "association-tags"),
    # Launch templates, ECR, IAM, EC2
    case(LAUNCH_TEMPLATE, {"namePrefix": "n" * 103}, "namePrefix is", "template-prefix-length"),
    case(
        LAUNCH_TEMPLATE, {"namePrefix": "eks nodes"}, 'namePrefix is "eks nodes": AWS allows letters', "template-prefix"
    ),
    case(LAUNCH_TEMPLATE, {"description": "d" * 256}, "description is", "template-description"),
    case(
        LAUNCH_TEMPLATE,
        {"metadataOptions": {"httpTokens": "v2"}},
        'metadataOptions.httpTokens is "v2": AWS allows one of "optional", "required"',
        "http-tokens",
    ),
    case(
        LAUNCH_TEMPLATE,
        {"metadataOptions": {"httpPutResponseHopLimit": 65}},
        "metadataOptions.httpPutResponseHopLimit is 65: AWS allows whole numbers from 1 to 64",
        "hop-limit",
    ),
    case(
        LAUNCH_TEMPLATE,
        {"blockDeviceMappings": [{"ebs": {"volumeType": "gp4"}}]},
        'blockDeviceMappings[0].ebs.volumeType is "gp4": AWS allows one of',
        "volume-type",
    ),
    case(
        LAUNCH_TEMPLATE,
        {"blockDeviceMappings": [{"ebs": {"volumeSize": 0}}]},
        "blockDeviceMappings[0].ebs.volumeSize is 0: AWS allows whole numbers from 1 to 16384",
        "volume-size",
    ),
    case(LAUNCH_TEMPLATE, {"tags": {"aws:x": "y"}}, 'tags key "aws:x"', "template-tags"),
    case(ECR_REPOSITORY, {"name": "w"}, 'name is "w": AWS allows 2 to 256 characters', "repository-name-length"),
    case(ECR_REPOSITORY, {"name": "Sentinel/Web"}, 'name is "Sentinel/Web": AWS allows lowercase', "repository-name"),
    case(ECR_REPOSITORY, {"imageTagMutability": "FROZEN"}, 'imageTagMutability is "FROZEN"', "tag-mutability"),
    case(
        ECR_REPOSITORY,
        {"encryptionConfigurations": [{"encryptionType": "SSE"}]},
        'encryptionConfigurations[0].encryptionType is "SSE": AWS allows one of "AES256", "KMS", "KMS_DSSE"',
        "repository-encryption",
    ),
    case(ECR_REPOSITORY, {"tags": {"aws:x": "y"}}, 'tags key "aws:x"', "repository-tags"),
    case(ECR_LIFECYCLE_POLICY, {"policy": "{}"}, 'policy is "{}": AWS allows 100 to 30720 characters', "lifecycle"),
    case(
        IAM_ROLE_POLICY_ATTACHMENT,
        {"policyArn": "arn:aws:iam::aws:policy/" + "p" * 2030},
        'policyArn is "arn:aws:iam::aws:policy/ppp',
        "policy-arn-length",
    ),
    case(IAM_INSTANCE_PROFILE, {"namePrefix": "p" * 103}, "namePrefix is", "profile-prefix-length"),
    case(IAM_INSTANCE_PROFILE, {"namePrefix": "bastion profile"}, 'namePrefix is "bastion profile"', "profile-prefix"),
    case(IAM_INSTANCE_PROFILE, {"tags": {"aws:x": "y"}}, 'tags key "aws:x"', "profile-tags"),
    case(EC2_INSTANCE, {"tags": {"Name": "bastion's"}}, 'tags["Name"] is "bastion\'s"', "instance-tags"),
    case(
        EC2_INSTANCE,
        {"associatePublicIpAddress": False, "launchTemplate": {"id": "lt-1", "version": "1"}},
        "subnetId, associatePublicIpAddress, launchTemplate are set together: with a subnet and a public-address",
        "instance-network-interface-beside-template-groups",
    ),
    # Kubernetes
    case(KUBERNETES_PROVIDER, {"kubeconfig": None}, "none of kubeconfig is set: AWS requires", "kubeconfig"),
    case(HELM_RELEASE, {"name": "r" * 54}, "name is", "release-name-length"),
    case(HELM_RELEASE, {"name": "Cluster_Autoscaler"}, 'name is "Cluster_Autoscaler": AWS allows lowercase', "release"),
    # Storage and backup tier
    case(S3_BUCKET, {"bucket": "b" * 64}, "bucket is", "bucket-name-length"),
    case(
        S3_BUCKET, {"bucket": "Sentinel_Uploads"}, 'bucket is "Sentinel_Uploads": AWS allows lowercase', "bucket-name"
    ),
    case(S3_BUCKET, {"bucket": "uploads--x-s3"}, 'bucket is "uploads--x-s3": AWS allows lowercase', "bucket-suffix"),
    case(S3_BUCKET, {"bucket": "xn--uploads"}, 'bucket is "xn--uploads": AWS allows no value starting', "bucket-xn"),
    case(S3_BUCKET, {"bucket": None, "bucketPrefix": "p" * 38}, "bucketPrefix is", "bucket-prefix-length"),
    case(S3_BUCKET, {"bucketPrefix": "uploads-"}, 'bucket "sentinel-prod', "bucket-name-and-prefix"),
    case(S3_BUCKET, {"tags": {"aws:x": "y"}}, 'tags key "aws:x"', "bucket-tags"),
    case(S3_BUCKET_POLICY, {"policy": "p" * 20481}, "policy is", "bucket-policy-size"),
    case(S3_BUCKET_OWNERSHIP, {"rule": {"objectOwnership": "Owner"}}, 'rule.objectOwnership is "Owner"', "ownership"),
    case(
        S3_BUCKET_ENCRYPTION,
        {"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "kms"}}]},
        'rules[0].applyServerSideEncryptionByDefault.sseAlgorithm is "kms": AWS allows one of',
        "sse-algorithm",
    ),
    case(S3_BUCKET_VERSIONING, {"versioningConfiguration": {"status": "On"}}, "versioningConfiguration.status", "ver"),
    case(S3_BUCKET_OBJECT_LOCK, {"objectLockEnabled": "true"}, 'objectLockEnabled is "true"', "object-lock-enabled"),
    case(
        S3_BUCKET_OBJECT_LOCK,
        {"rule": {"defaultRetention": {"mode": "governance"}}},
        'rule.defaultRetention.mode is "governance"',
        "object-lock-mode",
    ),
    case(
        S3_BUCKET_LIFECYCLE,
        {"transitionDefaultMinimumObjectSize": "128K"},
        'transitionDefaultMinimumObjectSize is "128K"',
        "minimum-object-size",
    ),
    case(S3_BUCKET_LIFECYCLE, {"rules": [{"id": "i" * 256}]}, "rules[0].id is", "lifecycle-id"),
    case(S3_BUCKET_LIFECYCLE, {"rules": [{"status": "On"}]}, 'rules[0].status is "On"', "lifecycle-status"),
    case(
        S3_BUCKET_LIFECYCLE,
        {"rules": [{"transitions": [{"days": 30, "storageClass": "GLACIER_FLEXIBLE"}]}]},
        'rules[0].transitions[0].storageClass is "GLACIER_FLEXIBLE"',
        "storage-class",
    ),
    case(
        S3_BUCKET_LIFECYCLE,
        {"rules": [{"noncurrentVersionTransitions": [{"noncurrentDays": 30, "storageClass": "ARCHIVE"}]}]},
        'rules[0].noncurrentVersionTransitions[0].storageClass is "ARCHIVE"',
        "noncurrent-storage-class",
    ),
    case(
        S3_BUCKET_LIFECYCLE,
        {"rules": [{"transitions": [{"days": 7, "storageClass": "STANDARD_IA"}]}]},
        "rules[0].transitions[0] is an object: AWS allows transitions to STANDARD_IA or ONEZONE_IA 30 days or more",
        "infrequent-access-too-soon",
    ),
    case(
        S3_BUCKET_CORS,
        {"corsRules": [{"allowedMethods": ["PATCH"]}]},
        'corsRules[0].allowedMethods[0] is "PATCH"',
        "cors",
    ),
    case(EFS_FILE_SYSTEM, {"performanceMode": "fast"}, 'performanceMode is "fast"', "efs-performance-mode"),
    case(EFS_FILE_SYSTEM, {"throughputMode": "burst"}, 'throughputMode is "burst"', "efs-throughput-mode"),
    case(
        EFS_FILE_SYSTEM,
        {"lifecyclePolicies": [{"transitionToIa": "AFTER_2_DAYS"}]},
        'lifecyclePolicies[0].transitionToIa is "AFTER_2_DAYS"',
        "efs-transition-to-ia",
    ),
    case(
        EFS_FILE_SYSTEM,
        {"lifecyclePolicies": [{"transitionToPrimaryStorageClass": "AFTER_2_ACCESSES"}]},
        'lifecyclePolicies[0].transitionToPrimaryStorageClass is "AFTER_2_ACCESSES"',
        "efs-transition-back",
    ),
    case(EFS_ACCESS_POINT, {"rootDirectory": {"path": "/" + "p" * 100}}, "rootDirectory.path is", "efs-root-directory"),
    case(
        EFS_ACCESS_POINT,
        {"rootDirectory": {"creationInfo": {"permissions": "rwxr-x---"}}},
        'rootDirectory.creationInfo.permissions is "rwxr-x---": AWS allows octal modes',
        "efs-permissions",
    ),
    case(EFS_FILE_SYSTEM_POLICY, {"policy": "p" * 20001}, "policy is", "efs-policy-size"),
    case(EFS_BACKUP_POLICY, {"backupPolicy": {"status": "OFF"}}, 'backupPolicy.status is "OFF"', "efs-backup-policy"),
    case(BACKUP_VAULT, {"name": "sentinel prod"}, 'name is "sentinel prod": AWS allows 2 to 50', "vault-name"),
    case(
        BACKUP_VAULT_LOCK, {"changeableForDays": 1}, "changeableForDays is 1: AWS allows whole numbers from 3", "grace"
    ),
    case(BACKUP_VAULT_LOCK, {"minRetentionDays": 0}, "minRetentionDays is 0", "vault-lock-minimum"),
    case(
        BACKUP_VAULT_NOTIFICATIONS,
        {"backupVaultEvents": ["BACKUP_JOB_FAILED"]},
        'backupVaultEvents[0] is "BACKUP_JOB_FAILED": AWS allows one of',
        "deprecated-vault-event",
    ),
    case(BACKUP_PLAN, {"name": "p" * 51}, "name is", "plan-name-length"),
    case(BACKUP_PLAN, {"name": "daily plan"}, 'name is "daily plan": AWS allows letters, digits and ._-', "plan-name"),
    case(BACKUP_PLAN, {"rules": [{"ruleName": "r" * 51}]}, "rules[0].ruleName is", "rule-name-length"),
    case(BACKUP_PLAN, {"rules": [{"ruleName": "every day"}]}, 'rules[0].ruleName is "every day"', "rule-name"),
    case(
        BACKUP_PLAN, {"rules": [{"startWindow": 30}]}, "rules[0].startWindow is 30: AWS allows whole numbers", "start"
    ),
    case(
        BACKUP_PLAN,
        {"rules": [{"lifecycle": {"coldStorageAfter": 30, "deleteAfter": 60}}]},
        "rules[0].lifecycle is an object: AWS allows deleteAfter at least 90 days after coldStorageAfter",
        "cold-storage-span",
    ),
    case(
        BACKUP_PLAN,
        {"rules": [{"copyActions": [{"lifecycle": {"coldStorageAfter": 300, "deleteAfter": 365}}]}]},
        "rules[0].copyActions[0].lifecycle is an object",
        "copy-cold-storage-span",
    ),
    case(BACKUP_PLAN, {"tags": {"aws:x": "y"}}, 'tags key "aws:x"', "plan-tags"),
    case(BACKUP_SELECTION, {"name": "s" * 51}, "name is", "selection-name-length"),
    case(BACKUP_SELECTION, {"name": "uploads bucket"}, 'name is "uploads bucket"', "selection-name"),
    case(
        BACKUP_RESTORE_TESTING_PLAN,
        {"name": "sentinel-prod-restore-tests"},
        'name is "sentinel-prod-restore-tests": AWS allows 1 to 50 letters, digits and _',
        "restore-testing-plan-name",
    ),
    case(BACKUP_RESTORE_TESTING_PLAN, {"startWindowHours": 200}, "startWindowHours is 200", "restore-start-window"),
    case(
        BACKUP_RESTORE_TESTING_PLAN,
        {"recoveryPointSelection": {"algorithm": "LATEST"}},
        'recoveryPointSelection.algorithm is "LATEST"',
        "restore-algorithm",
    ),
    case(
        BACKUP_RESTORE_TESTING_PLAN,
        {"recoveryPointSelection": {"selectionWindowDays": 400}},
        "recoveryPointSelection.selectionWindowDays is 400",
        "restore-selection-window",
    ),
    case(BACKUP_RESTORE_TESTING_SELECTION, {"name": "aurora-db"}, 'name is "aurora-db"', "restore-selection-name"),
    case(BACKUP_RESTORE_TESTING_SELECTION, {"validationWindowHours": 0}, "validationWindowHours is 0", "validation"),
    case(
        BACKUP_RESTORE_TESTING_SELECTION,
        {"protectedResourceType": "aurora"},
        'protectedResourceType is "aurora": AWS allows one of',
        "restore-resource-type",
    ),
    case(
        IAM_ROLE_POLICY_ATTACHMENT,
        {"policyArn": "AWSBackupServiceRolePolicyForBackup"},
        'policyArn is "AWSBackupServiceRolePolicyForBackup": AWS allows values starting with arn:aws:iam::',
        "policy-attachment-arn",
    ),
    # Tier 11, the edge: ACM and Cloudflare
    case(ACM_CERTIFICATE, {"domainName": "a" * 254}, "domainName is", "certificate-domain-length"),
    case(ACM_CERTIFICATE, {"subjectAlternativeNames": ["a" * 254]}, "subjectAlternativeNames[0] is", "san-length"),
    case(
        ACM_CERTIFICATE,
        {"subjectAlternativeNames": [f"host{index}.projectsentinel.ai" for index in range(10)]},
        "subjectAlternativeNames is",
        "certificate-too-many-names",
    ),
    case(ACM_CERTIFICATE, {"validationMethod": "dns"}, 'validationMethod is "dns": AWS allows one of', "validation"),
    case(ACM_CERTIFICATE, {"keyAlgorithm": "RSA_8192"}, 'keyAlgorithm is "RSA_8192": AWS allows one of', "key"),
    case(ACM_CERTIFICATE, {"tags": {"aws:edge": "x"}}, 'tags key "aws:edge"', "certificate-tags"),
    case(
        ACM_CERTIFICATE_VALIDATION,
        {"validationRecordFqdns": ["a" * 254]},
        "validationRecordFqdns[0] is",
        "validation-fqdn-length",
    ),
    case(
        CLOUDFLARE_PROVIDER,
        {"apiKey": "key"},
        'apiKey "key" and apiToken "token" are set together: Cloudflare allows at most one of',
        "cloudflare-credentials",
    ),
    case(CLOUDFLARE_DNS_RECORD, {"type": "ALIAS"}, 'type is "ALIAS": Cloudflare allows one of', "record-type"),
    case(CLOUDFLARE_DNS_RECORD, {"ttl": 30}, "ttl is 30: Cloudflare allows 1 (automatic) or 60 to 86400", "ttl"),
    case(CLOUDFLARE_DNS_RECORD, {"name": "a" * 256}, "name is", "record-name-length"),
    case(CLOUDFLARE_DNS_RECORD, {"comment": "c" * 101}, "comment is", "record-comment-length"),
    case(CLOUDFLARE_RULESET, {"kind": "phase"}, 'kind is "phase": Cloudflare allows one of', "ruleset-kind"),
    case(
        CLOUDFLARE_RULESET,
        {"accountId": "account-1"},
        'accountId "account-1" and zoneId "zone-1" are set together: Cloudflare allows exactly one of',
        "ruleset-account-and-zone",
    ),
    case(
        CLOUDFLARE_RULESET,
        {"rules": [{"action": "deny"}]},
        'rules[0].action is "deny": Cloudflare allows one of',
        "rule-action",
    ),
    case(
        CLOUDFLARE_RULESET,
        {"rules": [{"action": "block", "ratelimit": {"characteristics": ["ip.src"]}}]},
        'rules[0].ratelimit.characteristics is a list of 1: Cloudflare allows lists that hold "cf.colo.id"',
        "rate-limit-without-data-center",
    ),
    case(
        CLOUDFLARE_RULESET,
        {"rules": [{"action": "block", "ratelimit": {"period": 50}}]},
        "rules[0].ratelimit.period is 50: Cloudflare allows one of 10, 15",
        "rate-limit-period",
    ),
    case(
        CLOUDFLARE_RULESET,
        {"rules": [{"action": "block", "ratelimit": {"mitigationTimeout": 5}}]},
        "rules[0].ratelimit.mitigationTimeout is 5",
        "rate-limit-timeout",
    ),
    case(
        CLOUDFLARE_RULESET,
        {"rules": [{"action": "skip", "actionParameters": {"phases": ["http_request_firewall_custom"]}}]},
        'rules[0].actionParameters.phases[0] is "http_request_firewall_custom": Cloudflare allows one of',
        "skip-phase",
    ),
    case(
        CLOUDFLARE_RULESET,
        {"rules": [{"action": "skip", "actionParameters": {"products": ["botFightMode"]}}]},
        'rules[0].actionParameters.products[0] is "botFightMode": Cloudflare allows one of',
        "skip-product",
    ),
    case(
        CLOUDFLARE_ZONE_SETTING,
        {"value": "full_strict"},
        'ssl value is "full_strict": Cloudflare allows one of "off", "flexible", "full", "strict"',
        "ssl-value",
    ),
    case(
        CLOUDFLARE_ZONE_SETTING,
        {"settingId": "security_header", "value": {"strict_transport_security": {"max_age": 63072000}}},
        "security_header value.strict_transport_security.max_age is 63072000: Cloudflare allows whole numbers",
        "hsts-max-age",
    ),
    case(
        CLOUDFLARE_ZONE_SETTING,
        {"settingId": "always_use_http"},
        'settingId is "always_use_http": the program\'s table knows only',
        "unknown-setting",
    ),
    case(
        CLOUDFLARE_BOT_MANAGEMENT,
        {"sbfmDefinitelyAutomated": "deny"},
        'sbfmDefinitelyAutomated is "deny": Cloudflare allows one of',
        "sbfm-definitely",
    ),
    case(CLOUDFLARE_BOT_MANAGEMENT, {"sbfmLikelyAutomated": "log"}, 'sbfmLikelyAutomated is "log"', "sbfm-likely"),
    case(
        CLOUDFLARE_BOT_MANAGEMENT, {"sbfmVerifiedBots": "challenge"}, 'sbfmVerifiedBots is "challenge"', "sbfm-verified"
    ),
    # Data tier: Aurora
    case(RDS_CLUSTER, {"clusterIdentifier": "d" * 64}, "clusterIdentifier is", "cluster-identifier-length"),
    case(RDS_CLUSTER, {"clusterIdentifier": "1database"}, f'clusterIdentifier is "1database": {RDS}', "cluster-id"),
    case(RDS_CLUSTER, {"finalSnapshotIdentifier": "f" * 256}, "finalSnapshotIdentifier is", "final-snapshot-length"),
    case(RDS_CLUSTER, {"finalSnapshotIdentifier": "db--final"}, f'finalSnapshotIdentifier is "db--final": {RDS}', "fs"),
    case(RDS_CLUSTER, {"databaseName": "d" * 64}, "databaseName is", "database-name-length"),
    case(RDS_CLUSTER, {"databaseName": "project-sentinel"}, 'databaseName is "project-sentinel": AWS allows a', "dbn"),
    case(RDS_CLUSTER, {"masterUsername": "u" * 64}, "masterUsername is", "master-username-length"),
    case(RDS_CLUSTER, {"masterUsername": "1admin"}, 'masterUsername is "1admin": AWS allows a letter', "username"),
    case(RDS_CLUSTER, {"backupRetentionPeriod": 36}, "backupRetentionPeriod is 36: AWS allows whole numbers", "br"),
    case(
        RDS_CLUSTER,
        {"performanceInsightsRetentionPeriod": 30},
        "performanceInsightsRetentionPeriod is 30: AWS allows one of 7, 31, 62",
        "insights-retention",
    ),
    case(RDS_CLUSTER, {"databaseInsightsMode": "basic"}, 'databaseInsightsMode is "basic": AWS allows one', "mode"),
    case(RDS_CLUSTER, {"storageType": "gp2"}, 'storageType is "gp2": AWS allows one of', "storage-type"),
    case(
        RDS_CLUSTER,
        {"serverlessv2ScalingConfiguration": {"maxCapacity": 512}},
        "serverlessv2ScalingConfiguration.maxCapacity is 512: AWS allows from 1 to 256",
        "serverless-capacity",
    ),
    case(RDS_CLUSTER_INSTANCE, {"identifier": "i" * 64}, "identifier is", "instance-identifier-length"),
    case(RDS_CLUSTER_INSTANCE, {"identifier": "database-1-"}, f'identifier is "database-1-": {RDS}', "instance-id"),
    case(RDS_CLUSTER_INSTANCE, {"promotionTier": 16}, "promotionTier is 16: AWS allows whole numbers", "tier"),
    case(RDS_CLUSTER_INSTANCE, {"monitoringInterval": 45}, "monitoringInterval is 45: AWS allows one of 0", "monitor"),
    case(
        RDS_CLUSTER_INSTANCE,
        {"performanceInsightsRetentionPeriod": 100},
        "performanceInsightsRetentionPeriod is 100",
        "instance-insights-retention",
    ),
    case(RDS_PARAMETER_GROUP, {"namePrefix": None, "name": "n" * 256}, "name is", "parameter-group-name-length"),
    case(RDS_PARAMETER_GROUP, {"namePrefix": None, "name": "1group"}, f'name is "1group": {RDS}', "pg-name"),
    case(RDS_CLUSTER_PARAMETER_GROUP, {"namePrefix": "p" * 230}, "namePrefix is", "parameter-group-prefix-length"),
    case(RDS_CLUSTER_PARAMETER_GROUP, {"namePrefix": "db_"}, 'namePrefix is "db_": AWS allows a letter', "pg-prefix"),
    case(
        RDS_CLUSTER_PARAMETER_GROUP,
        {"parameters": [{"name": "rds.force_ssl", "value": "1", "applyMethod": "later"}]},
        'parameters[0].applyMethod is "later": AWS allows one of "immediate", "pending-reboot"',
        "apply-method",
    ),
    case(RDS_SUBNET_GROUP, {"namePrefix": None, "name": "n" * 256}, "name is", "db-subnet-group-name-length"),
    case(RDS_SUBNET_GROUP, {"namePrefix": "p" * 230}, "namePrefix is", "db-subnet-group-prefix-length"),
    case(RDS_SUBNET_GROUP, {"namePrefix": "Data!"}, 'namePrefix is "Data!": AWS allows lowercase', "db-subnet-group"),
    case(RDS_PROXY, {"name": "p" * 61}, "name is", "proxy-name-length"),
    case(RDS_PROXY, {"name": "proxy-"}, f'name is "proxy-": {RDS}', "proxy-name"),
    case(RDS_PROXY, {"engineFamily": "postgres"}, 'engineFamily is "postgres": AWS allows one of', "engine-family"),
    case(RDS_PROXY, {"idleClientTimeout": 0}, "idleClientTimeout is 0: AWS allows whole numbers from 1", "idle"),
    case(
        RDS_PROXY_DEFAULT_TARGET_GROUP,
        {"connectionPoolConfig": {"maxConnectionsPercent": 0}},
        "connectionPoolConfig.maxConnectionsPercent is 0: AWS allows whole numbers from 1 to 100",
        "pool-max",
    ),
    case(
        RDS_PROXY_DEFAULT_TARGET_GROUP,
        {"connectionPoolConfig": {"maxIdleConnectionsPercent": 101}},
        "connectionPoolConfig.maxIdleConnectionsPercent is 101",
        "pool-idle",
    ),
    case(
        RDS_PROXY_DEFAULT_TARGET_GROUP,
        {"connectionPoolConfig": {"connectionBorrowTimeout": 3601}},
        "connectionPoolConfig.connectionBorrowTimeout is 3601",
        "pool-borrow",
    ),
    case(
        RDS_PROXY_TARGET,
        {"dbInstanceIdentifier": "database-1"},
        'dbClusterIdentifier "database" and dbInstanceIdentifier "database-1" are set together',
        "proxy-target",
    ),
    case(RDS_PROXY_ENDPOINT, {"dbProxyEndpointName": "e" * 64}, "dbProxyEndpointName is", "endpoint-name-length"),
    case(RDS_PROXY_ENDPOINT, {"dbProxyEndpointName": "read_only"}, 'dbProxyEndpointName is "read_only"', "endpoint"),
    case(RDS_PROXY_ENDPOINT, {"targetRole": "READER"}, 'targetRole is "READER": AWS allows one of', "target-role"),
    case(RDS_EVENT_SUBSCRIPTION, {"namePrefix": "p" * 230}, "namePrefix is", "subscription-prefix-length"),
    case(RDS_EVENT_SUBSCRIPTION, {"namePrefix": "1db-"}, 'namePrefix is "1db-": AWS allows a letter', "sub-prefix"),
    case(RDS_EVENT_SUBSCRIPTION, {"sourceType": "cluster"}, 'sourceType is "cluster": AWS allows one of', "source"),
    # ElastiCache
    case(ELASTICACHE_SUBNET_GROUP, {"name": "n" * 256}, "name is", "cache-subnet-group-name-length"),
    case(ELASTICACHE_SUBNET_GROUP, {"name": "Cache_Subnets"}, 'name is "Cache_Subnets": AWS allows lowercase', "csg"),
    case(ELASTICACHE_PARAMETER_GROUP, {"name": "n" * 256}, "name is", "cache-parameter-group-name-length"),
    case(ELASTICACHE_PARAMETER_GROUP, {"name": "cache-"}, f'name is "cache-": {RDS}', "cache-parameter-group-name"),
    case(ELASTICACHE_REPLICATION_GROUP, {"replicationGroupId": "r" * 41}, "replicationGroupId is", "group-id-length"),
    case(ELASTICACHE_REPLICATION_GROUP, {"replicationGroupId": "cache--1"}, 'replicationGroupId is "cache--1"', "gid"),
    case(
        ELASTICACHE_REPLICATION_GROUP,
        {"numCacheClusters": 7, "preferredCacheClusterAzs": None},
        "numCacheClusters is 7: AWS allows whole numbers from 1 to 6",
        "cache-clusters",
    ),
    case(
        ELASTICACHE_REPLICATION_GROUP,
        {"numCacheClusters": 2},
        "preferredCacheClusterAzs has 3 items but numCacheClusters is 2",
        "cache-zones",
    ),
    case(ELASTICACHE_REPLICATION_GROUP, {"snapshotRetentionLimit": 36}, "snapshotRetentionLimit is 36", "snapshots"),
    case(ELASTICACHE_REPLICATION_GROUP, {"engine": "memcached"}, 'engine is "memcached": AWS allows one of', "engine"),
    case(
        ELASTICACHE_REPLICATION_GROUP,
        {"transitEncryptionMode": "optional"},
        'transitEncryptionMode is "optional": AWS allows one of "preferred", "required"',
        "transit-mode",
    ),
    case(ELASTICACHE_REPLICATION_GROUP, {"authTokenUpdateStrategy": "REPLACE"}, "authTokenUpdateStrategy is", "ats"),
    # Secrets, names, roles, generated values
    case(SECRET, {"namePrefix": None, "name": "n" * 513}, "name is", "secret-name-length"),
    case(SECRET, {"namePrefix": "p" * 487}, "namePrefix is", "secret-prefix-length"),
    case(SECRET, {"namePrefix": "db secret"}, 'namePrefix is "db secret": AWS allows letters', "secret-prefix"),
    case(SECRET, {"description": "d" * 2049}, "description is", "secret-description-length"),
    case(SECRET, {"recoveryWindowInDays": 3}, "recoveryWindowInDays is 3: AWS allows 0 (delete at once)", "recovery"),
    case(SECRET_VERSION, {"secretBinary": "AAAA"}, 'secretString "{}" and secretBinary "AAAA" are set together', "sv"),
    case(ROUTE53_ZONE, {"name": "n" * 1025}, "name is", "zone-name-length"),
    case(ROUTE53_ZONE, {"comment": "c" * 257}, "comment is", "zone-comment-length"),
    case(ROUTE53_RECORD, {"type": "ALIAS"}, 'type is "ALIAS": AWS allows one of', "record-type"),
    case(ROUTE53_RECORD, {"ttl": -1}, "ttl is -1: AWS allows whole numbers from 0", "record-ttl"),
    case(ROUTE53_RECORD, {"records": None}, "none of records, aliases is set", "record-target"),
    case(
        IAM_ROLE_POLICY_ATTACHMENT,
        {"policyArn": "AmazonRDSEnhancedMonitoringRole"},
        'policyArn is "AmazonRDSEnhancedMonitoringRole": AWS allows values starting with arn:aws:iam::',
        "policy-arn",
    ),
    case(RANDOM_ID, {"byteLength": 0}, "byteLength is 0: AWS allows whole numbers from 1 to 32", "random-id"),
    # The deploy path (design D16)
    case(CODEBUILD_PROJECT, {"name": "x"}, 'name is "x": AWS allows 2 to 150 characters', "project-name-length"),
    case(CODEBUILD_PROJECT, {"name": "-runner"}, 'name is "-runner": AWS allows letters, digits', "project-name"),
    case(CODEBUILD_PROJECT, {"description": "d" * 256}, "description is", "project-description"),
    case(CODEBUILD_PROJECT, {"buildTimeout": 2161}, "buildTimeout is 2161: AWS allows whole numbers", "build-timeout"),
    case(CODEBUILD_PROJECT, {"queuedTimeout": 4}, "queuedTimeout is 4: AWS allows whole numbers", "queued-timeout"),
    case(CODEBUILD_PROJECT, {"source": {"type": "GITHUB_APP"}}, 'source.type is "GITHUB_APP"', "source-type"),
    case(CODEBUILD_PROJECT, {"source": {"auth": {"type": "TOKEN"}}}, 'source.auth.type is "TOKEN"', "source-auth"),
    case(CODEBUILD_PROJECT, {"artifacts": {"type": "NONE"}}, 'artifacts.type is "NONE"', "artifacts-type"),
    case(CODEBUILD_PROJECT, {"environment": {"type": "LINUX"}}, 'environment.type is "LINUX"', "environment-type"),
    case(
        CODEBUILD_PROJECT,
        {"environment": {"computeType": "BUILD_GENERAL1_HUGE"}},
        'environment.computeType is "BUILD_GENERAL1_HUGE"',
        "compute-type",
    ),
    case(
        CODEBUILD_PROJECT,
        {"environment": {"imagePullCredentialsType": "ECR"}},
        'environment.imagePullCredentialsType is "ECR"',
        "image-pull-credentials",
    ),
    case(
        CODEBUILD_PROJECT,
        {"vpcConfig": {"subnets": [f"subnet-{index}" for index in range(17)]}},
        "vpcConfig.subnets is",
        "vpc-subnets",
    ),
    case(
        CODEBUILD_PROJECT,
        {"vpcConfig": {"securityGroupIds": [f"sg-{index}" for index in range(6)]}},
        "vpcConfig.securityGroupIds is",
        "vpc-groups",
    ),
    case(
        CODEBUILD_PROJECT,
        {"logsConfig": {"cloudwatchLogs": {"status": "ON"}}},
        'logsConfig.cloudwatchLogs.status is "ON"',
        "logs-status",
    ),
    case(CODEBUILD_PROJECT, {"tags": {"aws:name": "x"}}, 'tags key "aws:name"', "project-tags"),
    case(CODEBUILD_WEBHOOK, {"projectName": "p"}, 'projectName is "p": AWS allows 2 to 255', "webhook-project"),
    case(CODEBUILD_WEBHOOK, {"buildType": "RUNNER"}, 'buildType is "RUNNER"', "webhook-build-type"),
    case(
        CODEBUILD_WEBHOOK,
        {"filterGroups": [{"filters": [{"type": "WORKFLOW_NAME", "pattern": "Deploy"}]}]},
        "filterGroups[0] is",
        "webhook-event-filter",
    ),
    case(
        CODEBUILD_WEBHOOK,
        {"filterGroups": [{"filters": [{"type": "EVENT", "pattern": "PUSH"}, {"type": "BRANCH", "pattern": "main"}]}]},
        'filterGroups[0].filters[1].type is "BRANCH"',
        "webhook-filter-type",
    ),
    # Tier 10 (ingress and workloads)
    case(LOAD_BALANCER, {"name": "sentinel-production-application-lb"}, "name is", "alb-name"),
    case(LOAD_BALANCER, {"loadBalancerType": "classic"}, 'loadBalancerType is "classic"', "alb-type"),
    case(LOAD_BALANCER, {"desyncMitigationMode": "strict"}, 'desyncMitigationMode is "strict"', "desync"),
    case(LOAD_BALANCER, {"idleTimeout": 4001}, "idleTimeout is 4001: AWS allows whole numbers from 1 to 4000", "idle"),
    case(LOAD_BALANCER, {"tags": {"aws:x": "y"}}, 'tags key "aws:x"', "alb-tags"),
    case(TARGET_GROUP, {"namePrefix": "sentinel-"}, 'namePrefix is "sentinel-": AWS allows 1 to 6', "tg-prefix"),
    case(TARGET_GROUP, {"port": 70000}, "port is 70000: AWS allows whole numbers from 1 to 65535", "tg-port"),
    case(TARGET_GROUP, {"protocol": "HTTP2"}, 'protocol is "HTTP2"', "tg-protocol"),
    case(TARGET_GROUP, {"targetType": "node"}, 'targetType is "node"', "tg-target-type"),
    case(TARGET_GROUP, {"deregistrationDelay": 3601}, "deregistrationDelay is 3601", "tg-deregistration"),
    case(TARGET_GROUP, {"healthCheck": {"interval": 1}}, "healthCheck.interval is 1", "tg-interval"),
    case(TARGET_GROUP, {"healthCheck": {"timeout": 1}}, "healthCheck.timeout is 1", "tg-timeout"),
    case(TARGET_GROUP, {"healthCheck": {"healthyThreshold": 1}}, "healthCheck.healthyThreshold is 1", "tg-healthy"),
    case(
        TARGET_GROUP,
        {"healthCheck": {"unhealthyThreshold": 11}},
        "healthCheck.unhealthyThreshold is 11",
        "tg-unhealthy",
    ),
    case(TARGET_GROUP, {"tags": {"aws:x": "y"}}, 'tags key "aws:x"', "tg-tags"),
    case(LISTENER, {"port": 0}, "port is 0", "listener-port"),
    case(LISTENER, {"protocol": "HTTP2"}, 'protocol is "HTTP2"', "listener-protocol"),
    case(LISTENER, {"defaultActions": [{"type": "deny"}]}, 'defaultActions[0].type is "deny"', "listener-action"),
    case(LISTENER, {"tags": {"aws:x": "y"}}, 'tags key "aws:x"', "listener-tags"),
    case(LISTENER_RULE, {"priority": 50001}, "priority is 50001", "rule-priority"),
    case(
        LISTENER_RULE,
        {"conditions": [{"hostHeader": {"values": ["h" * 129]}}]},
        "conditions[0].hostHeader.values[0] is",
        "rule-host",
    ),
    case(LISTENER_RULE, {"tags": {"aws:x": "y"}}, 'tags key "aws:x"', "rule-tags"),
    case(AUTOSCALING_ATTACHMENT, {"lbTargetGroupArn": None}, "none of elb, lbTargetGroupArn is set", "attachment"),
    case(RANDOM_PASSWORD, {"length": 0}, "length is 0: AWS allows whole numbers from 1 to 1024", "password-length"),
    case(NAMESPACE, {"metadata": {"name": "n" * 64}}, "metadata.name is", "namespace-length"),
    case(
        NAMESPACE, {"metadata": {"name": "Sentinel"}}, 'metadata.name is "Sentinel": AWS allows lowercase', "namespace"
    ),
    case(NAMESPACE, {"metadata": {"labels": {"a": "not valid!"}}}, "metadata.labels is", "namespace-labels"),
    case(SERVICE_ACCOUNT, {"metadata": {"name": "s" * 254}}, "metadata.name is", "account-length"),
    case(SERVICE_ACCOUNT, {"metadata": {"name": "Web_App"}}, 'metadata.name is "Web_App"', "account-name"),
    case(CONFIG_MAP, {"metadata": {"labels": {"a": "v" * 64}}}, "metadata.labels is", "config-map-labels"),
    case(CONFIG_MAP, {"data": {"NODE ENV": "x"}}, "data is", "config-map-keys"),
    case(KUBERNETES_SECRET, {"metadata": {"labels": {"a": "-x"}}}, "metadata.labels is", "secret-labels"),
    case(KUBERNETES_SECRET, {"stringData": {"JWT/SECRET": "x"}}, "stringData is", "secret-keys"),
    case(SERVICE, {"metadata": {"name": "w" * 64}}, "metadata.name is", "service-length"),
    case(SERVICE, {"metadata": {"name": "web.app"}}, 'metadata.name is "web.app"', "service-name"),
    case(SERVICE, {"spec": {"type": "Ingress"}}, 'spec.type is "Ingress"', "service-type"),
    case(SERVICE, {"spec": {"externalTrafficPolicy": "Node"}}, 'spec.externalTrafficPolicy is "Node"', "traffic"),
    case(SERVICE, {"spec": {"ports": [{"nodePort": 8080}]}}, "spec.ports[0].nodePort is 8080", "node-port"),
    case(DEPLOYMENT, {"metadata": {"name": "d" * 254}}, "metadata.name is", "deployment-length"),
    case(DEPLOYMENT, {"metadata": {"name": "Web"}}, 'metadata.name is "Web"', "deployment-name"),
    case(DEPLOYMENT, {"metadata": {"labels": {"a": "b c"}}}, "metadata.labels is", "deployment-labels"),
    case(DEPLOYMENT, {"spec": {"strategy": {"type": "BlueGreen"}}}, 'spec.strategy.type is "BlueGreen"', "strategy"),
    case(
        DEPLOYMENT,
        {"spec": {"template": {"spec": {"containers": [{"name": "c" * 64}]}}}},
        "spec.template.spec.containers[0].name is",
        "container-length",
    ),
    case(
        DEPLOYMENT,
        {"spec": {"template": {"spec": {"containers": [{"name": "Web_1"}]}}}},
        'spec.template.spec.containers[0].name is "Web_1"',
        "container-name",
    ),
    case(HPAS[0], {"metadata": {"name": "h" * 254}}, "metadata.name is", "hpa-length"),
    case(HPAS[0], {"metadata": {"name": "Web"}}, 'metadata.name is "Web"', "hpa-name"),
    case(HPAS[0], {"spec": {"minReplicas": 0}}, "spec.minReplicas is 0", "hpa-min"),
    case(HPAS[0], {"spec": {"scaleTargetRef": {"kind": "Pod"}}}, 'spec.scaleTargetRef.kind is "Pod"', "hpa-target"),
    case(PDB, {"metadata": {"name": "p" * 254}}, "metadata.name is", "pdb-length"),
    case(PDB, {"metadata": {"name": "Web"}}, 'metadata.name is "Web"', "pdb-name"),
    case(PDB, {"spec": {"minAvailable": 1}}, "spec.minAvailable 1 and spec.maxUnavailable 1 are set together", "pdb"),
    case(NETWORK_POLICY, {"metadata": {"name": "n" * 254}}, "metadata.name is", "policy-length"),
    case(NETWORK_POLICY, {"metadata": {"name": "Deny All"}}, 'metadata.name is "Deny All"', "policy-name"),
    case(NETWORK_POLICY, {"spec": {"policyTypes": ["Both"]}}, 'spec.policyTypes[0] is "Both"', "policy-types"),
    case(CRON_JOB, {"metadata": {"name": "c" * 53}}, "metadata.name is", "cron-job-name"),
    case(CRON_JOB, {"spec": {"concurrencyPolicy": "Never"}}, 'spec.concurrencyPolicy is "Never"', "concurrency"),
    case(CRON_JOB, {"spec": {"schedule": "@daily at 3"}}, 'spec.schedule is "@daily at 3"', "schedule"),
    case(PERSISTENT_VOLUME, {"metadata": {"name": "v" * 254}}, "metadata.name is", "volume-length"),
    case(PERSISTENT_VOLUME, {"metadata": {"name": "Shared"}}, 'metadata.name is "Shared"', "volume-name"),
    case(
        PERSISTENT_VOLUME, {"spec": {"accessModes": ["ReadWriteAll"]}}, 'spec.accessModes[0] is "ReadWriteAll"', "mode"
    ),
    case(
        PERSISTENT_VOLUME,
        {"spec": {"persistentVolumeReclaimPolicy": "Keep"}},
        'spec.persistentVolumeReclaimPolicy is "Keep"',
        "reclaim",
    ),
    case(PERSISTENT_VOLUME_CLAIM, {"metadata": {"name": "c" * 254}}, "metadata.name is", "claim-length"),
    case(PERSISTENT_VOLUME_CLAIM, {"metadata": {"name": "Files"}}, 'metadata.name is "Files"', "claim-name"),
    case(PERSISTENT_VOLUME_CLAIM, {"spec": {"accessModes": ["RWX"]}}, 'spec.accessModes[0] is "RWX"', "claim-mode"),
]

test_compliant_values_pass, test_each_constraint_reports_its_planted_value = property_rule_tests(CASES)


def test_every_constraint_of_the_table_has_a_failing_case() -> None:
    """A constraint added to the table without a case here would never be seen to catch anything."""
    broken: set[Any] = set()
    for param in CASES:
        _policy, type_, compliant, change, _expected = param.values
        props = merged(compliant, change)
        broken.update(constraint for constraint in DEPLOY_CONSTRAINTS[type_] if any(constraint.violations(props, None)))
    untested = [
        (type_, constraint)
        for type_, table in DEPLOY_CONSTRAINTS.items()
        for constraint in table
        if constraint not in broken
    ]
    assert untested == []


def test_every_stack_meets_the_deploy_constraints(stack_graph: Graph) -> None:
    assert messages(AWS_DEPLOY_CONSTRAINTS, stack_graph) == []


def _types_without_constraints(graph: Graph) -> set[str]:
    """The types of a graph's resources with no entry in the table. Components are left out: they are the
    program's own groupings, sent to no cloud API."""
    return {resource.type for resource in graph if resource.custom} - set(DEPLOY_CONSTRAINTS)


def test_every_resource_type_of_the_stacks_has_deploy_constraints(stack_graph: Graph) -> None:
    missing = _types_without_constraints(stack_graph)
    assert not missing, (
        f"{stack_graph.stack} creates {sorted(missing)}: add its deploy constraints to "
        "policies/rules/deploy_constraints.py"
    )


def test_a_type_without_constraints_is_found() -> None:
    builder = GraphBuilder()
    builder.add("sentinel:components:Network", "network")
    builder.add("aws:rds/instance:Instance", "db", {"instanceClass": "db.r6g.large"})
    assert _types_without_constraints(builder.build()) == {"aws:rds/instance:Instance"}


def test_every_constraint_cites_documentation_or_a_provider_source_that_exists() -> None:
    for type_, table in DEPLOY_CONSTRAINTS.items():
        for constraint in table:
            cited = re.findall(
                r"https://docs\.aws\.amazon\.com/\S+|https://developers\.cloudflare\.com/\S+|"
                r"pulumi_(?:aws|cloudflare|kubernetes|random)/\S+\.py|https://github\.com/helm/\S+|"
                r"https://kubernetes\.io/docs/\S+",
                constraint.source,
            )
            assert cited, f"{type_}: {constraint} cites no AWS or Cloudflare documentation or provider source"
            for sdk_file in (path for path in cited if path.startswith("pulumi_")):
                text = (SDK_ROOTS[sdk_file.split("/")[0]] / sdk_file).read_text()
                for cited_text in re.findall(rf'{re.escape(sdk_file)} \("([^"]+)"\)', constraint.source):
                    assert cited_text in text, f"{sdk_file} does not say {cited_text!r}"
                for arguments in re.findall(rf"{re.escape(sdk_file)} \(([a-z_, ]+)\)", constraint.source):
                    for name in arguments.split(", "):
                        assert f"{name}:" in text, f"{sdk_file} has no argument {name}"


def test_tags_count_with_the_providers_default_tags() -> None:
    builder = GraphBuilder()
    builder.aws_provider = aws_provider(builder, {f"Default{index}": "x" for index in range(45)})
    builder.add(VPC, "crowded", {"tags": {f"Own{index}": "x" for index in range(6)}})
    builder.add(VPC, "overriding", {"tags": {f"Default{index}": "y" for index in range(5)}})
    assert messages(AWS_DEPLOY_CONSTRAINTS, builder.build()) == [
        "tags come to 51 tags with the provider's default tags: AWS allows at most 50 per resource (source: "
        "https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html)"
    ]


UNKNOWN_CASES = [
    pytest.param(SECURITY_GROUP_INGRESS_RULE, {"description": UNKNOWN}, id="description"),
    pytest.param(SECURITY_GROUP_INGRESS_RULE, {"cidrIpv4": UNKNOWN}, id="second-peer"),
    pytest.param(SECURITY_GROUP_INGRESS_RULE, {"ipProtocol": "-1", "fromPort": UNKNOWN, "toPort": None}, id="ports"),
    pytest.param(SECURITY_GROUP_INGRESS_RULE, {"ipProtocol": UNKNOWN, "toPort": 70000}, id="protocol"),
    pytest.param(SECURITY_GROUP, {"name": UNKNOWN}, id="name-beside-prefix"),
    pytest.param(SECURITY_GROUP, {"tags": {"Owner": UNKNOWN}}, id="tag-value"),
    pytest.param(MANAGED_PREFIX_LIST, {"entries": UNKNOWN, "maxEntries": 1}, id="entries"),
    pytest.param(MANAGED_PREFIX_LIST, {"maxEntries": UNKNOWN}, id="max-entries"),
    pytest.param(ROUTE_TABLE, {"routes": [{"cidrBlock": UNKNOWN}]}, id="route-cidr"),
    pytest.param(IAM_ROLE, {"assumeRolePolicy": UNKNOWN}, id="trust-policy"),
    pytest.param(AWS_PROVIDER, {"defaultTags": UNKNOWN}, id="default-tags"),
]


@pytest.mark.parametrize(("type_", "change"), UNKNOWN_CASES)
def test_unknown_values_are_not_violations(type_: str, change: dict[str, Any]) -> None:
    assert messages(AWS_DEPLOY_CONSTRAINTS, single(type_, merged(COMPLIANT[type_], change))) == []


def test_unknown_default_tags_leave_the_count_to_the_deploy() -> None:
    builder = GraphBuilder()
    builder.aws_provider = builder.add(AWS_PROVIDER, "aws", {"region": "us-east-1", "defaultTags": UNKNOWN})
    builder.add(VPC, "vpc", {"tags": {f"Own{index}": "x" for index in range(50)}})
    assert messages(AWS_DEPLOY_CONSTRAINTS, builder.build()) == []
