"""Data protection: everything stored is encrypted at rest (`at_rest`), and everything that carries data refuses
unencrypted connections (`in_transit`)."""

from __future__ import annotations

from pulumi_policy import Policy

from policies.rules.data_protection.at_rest import (
    ECR_IMMUTABLE_AND_SCANNED,
    EFS_ENCRYPTED,
    EKS_SECRETS_ENCRYPTED,
    ELASTICACHE_ENCRYPTED_AT_REST,
    KMS_KEY_DESTRUCTION_GUARDED,
    KMS_KEY_ROTATION,
    LAUNCH_TEMPLATE_EBS_ENCRYPTED,
    LOG_GROUP_ENCRYPTED,
    RDS_STORAGE_ENCRYPTED,
    S3_BUCKET_ENCRYPTED,
    SNS_TOPIC_ENCRYPTED,
)
from policies.rules.data_protection.in_transit import (
    ALB_TLS_POLICY_CURRENT,
    EFS_TLS_ONLY,
    ELASTICACHE_AUTH_TOKEN,
    ELASTICACHE_ENCRYPTED_IN_TRANSIT,
    RDS_FORCE_SSL,
    RDS_PROXY_REQUIRES_TLS,
    S3_BUCKET_TLS_ONLY,
)

# The pack's order, in which a resource's violations are reported.
POLICIES: tuple[Policy, ...] = (
    RDS_STORAGE_ENCRYPTED,
    ELASTICACHE_ENCRYPTED_AT_REST,
    S3_BUCKET_ENCRYPTED,
    EFS_ENCRYPTED,
    LAUNCH_TEMPLATE_EBS_ENCRYPTED,
    SNS_TOPIC_ENCRYPTED,
    LOG_GROUP_ENCRYPTED,
    KMS_KEY_ROTATION,
    KMS_KEY_DESTRUCTION_GUARDED,
    RDS_FORCE_SSL,
    ELASTICACHE_ENCRYPTED_IN_TRANSIT,
    S3_BUCKET_TLS_ONLY,
    EFS_TLS_ONLY,
    EKS_SECRETS_ENCRYPTED,
    ECR_IMMUTABLE_AND_SCANNED,
    RDS_PROXY_REQUIRES_TLS,
    ELASTICACHE_AUTH_TOKEN,
    ALB_TLS_POLICY_CURRENT,
)
