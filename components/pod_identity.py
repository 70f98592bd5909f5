"""Pod identities: a Kubernetes ServiceAccount whose pods get an IAM role of their own through EKS Pod Identity, and
the statements the platform's pods are granted (their own metrics, a bucket's key through S3)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from components.base import Component, iam_document, service_trust
from components.interfaces import EncryptedBucket, KubernetesCluster
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
