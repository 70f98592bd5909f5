"""Pod identities: a Kubernetes ServiceAccount whose pods get an IAM role of their own through EKS Pod Identity, and
the statements the platform's pods are granted (their own metrics, a bucket's key through S3, signing in to the
database as their own user, reading their own secrets)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from components.base import Component, iam_document, service_trust
from components.interfaces import DatabaseConnection, EncryptedBucket, KubernetesCluster
from components.pods import namespaced
from facts.metrics import APP_METRICS_NAMESPACE

POD_IDENTITY = "pods.eks.amazonaws.com"


def pod_identity_trust(account_id: str) -> pulumi.Output[str]:
    """Trust for EKS Pod Identity, which tags the session with the pod's cluster, namespace and account."""
    return service_trust(POD_IDENTITY, account_id, actions=("sts:AssumeRole", "sts:TagSession"))


@dataclass(frozen=True)
class PodIdentity:
    """A ServiceAccount, the ARN of the role its pods get, and the association that gives it to them."""

    account: k8s.core.v1.ServiceAccount
    role_arn: pulumi.Output[str]
    association: aws.eks.PodIdentityAssociation
    """Pod Identity gives credentials only to pods created after it exists: a pod of the account waits for it."""


def pod_identity(
    component: Component,
    resource_name: str,
    *,
    service_account: str,
    namespace: str,
    cluster: KubernetesCluster,
    statements: Sequence[Mapping[str, Any]],
) -> PodIdentity:
    """The ServiceAccount `service_account` of `namespace` and the IAM role its pods assume through EKS Pod Identity,
    allowed `statements` only; each resource is `component`'s child named `resource_name`."""
    account = k8s.core.v1.ServiceAccount(
        resource_name,
        metadata=namespaced(namespace, service_account),
        automount_service_account_token=False,
        opts=component.child(provider=cluster.provider),
    )
    platform = component.platform
    role = component.role(resource_name, service_account, pod_identity_trust(platform.account_id))
    aws.iam.RolePolicy(resource_name, role=role.id, policy=iam_document(list(statements)), opts=component.child())
    association = aws.eks.PodIdentityAssociation(
        resource_name,
        cluster_name=cluster.name,
        namespace=namespace,
        service_account=service_account,
        role_arn=role.arn,
        tags={"Name": platform.name(service_account)},
        opts=component.child(),
    )
    return PodIdentity(account, role.arn, association)


def metrics_statement() -> dict[str, Any]:
    """PutMetricData accepts no resource: the condition keeps each role to the apps' own namespace."""
    return {
        "Sid": "PutAppMetrics",
        "Effect": "Allow",
        "Action": "cloudwatch:PutMetricData",
        "Resource": "*",
        "Condition": {"StringEquals": {"cloudwatch:namespace": APP_METRICS_NAMESPACE}},
    }


def bucket_key_statement(bucket: EncryptedBucket, region: str, actions: Sequence[str]) -> dict[str, Any]:
    """Use of a bucket's KMS key through S3 for that bucket only (its ARN is the encryption context)."""
    return {
        "Sid": "UseTheBucketKey",
        "Effect": "Allow",
        "Action": list(actions),
        "Resource": bucket.key_arn,
        "Condition": {
            "StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"},
            "StringLike": {"kms:EncryptionContext:aws:s3:arn": [bucket.arn, pulumi.Output.concat(bucket.arn, "/*")]},
        },
    }


def read_secrets_statements(
    secret_arns: Sequence[pulumi.Input[str]], key_arn: pulumi.Input[str], region: str
) -> list[dict[str, Any]]:
    """Reading these Secrets Manager secrets (the Secrets Store CSI driver's provider reads them as the pod's role:
    GetSecretValue, and DescribeSecret to notice a new version) and decrypting them through Secrets Manager, each
    under its own encryption context, so the key opens no other secret."""
    return [
        {
            "Sid": "ReadOwnSecrets",
            "Effect": "Allow",
            "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
            "Resource": list(secret_arns),
        },
        {
            "Sid": "DecryptOwnSecrets",
            "Effect": "Allow",
            "Action": "kms:Decrypt",
            "Resource": key_arn,
            # Secrets Manager decrypts a secret under the context {"SecretARN": <its ARN>, ...}.
            # https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html
            "Condition": {
                "StringEquals": {
                    "kms:ViaService": f"secretsmanager.{region}.amazonaws.com",
                    "kms:EncryptionContext:SecretARN": list(secret_arns),
                }
            },
        },
    ]


def database_connect_statement(database: DatabaseConnection, user: str) -> dict[str, Any]:
    """Signing in to the database through RDS Proxy as `user` (with an IAM token), and as no other user."""
    return {
        "Sid": "ConnectAsOwnDatabaseUser",
        "Effect": "Allow",
        "Action": "rds-db:connect",
        "Resource": database.connect_arn(user),
    }
