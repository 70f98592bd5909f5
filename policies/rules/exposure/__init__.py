"""Exposure: only the ALB faces the internet (and only on HTTP/HTTPS); data stores, the cluster's API and
instance metadata stay private. What the network lets through is in `network`, what each service opens itself in
`endpoints`, whom resource policies let in in `resource_policies`."""

from __future__ import annotations

from pulumi_policy import Policy

from policies.rules.exposure.endpoints import (
    ALB_LISTENERS_HTTPS_OR_REDIRECT,
    EKS_ENDPOINT_NOT_PUBLIC,
    K8S_NO_LOAD_BALANCER_SERVICES,
    LAUNCH_TEMPLATE_IMDSV2,
    RDS_NOT_PUBLICLY_ACCESSIBLE,
    S3_PUBLIC_ACCESS_BLOCKED,
)
from policies.rules.exposure.network import (
    DATA_STORES_IN_PRIVATE_SUBNETS,
    K8S_NAMESPACE_DEFAULT_DENY,
    SECURITY_GROUP_NO_WORLD_INGRESS,
)
from policies.rules.exposure.resource_policies import RESOURCE_POLICY_NO_PUBLIC_PRINCIPAL

# The pack's order, in which a resource's violations are reported.
POLICIES: tuple[Policy, ...] = (
    SECURITY_GROUP_NO_WORLD_INGRESS,
    RDS_NOT_PUBLICLY_ACCESSIBLE,
    DATA_STORES_IN_PRIVATE_SUBNETS,
    S3_PUBLIC_ACCESS_BLOCKED,
    EKS_ENDPOINT_NOT_PUBLIC,
    LAUNCH_TEMPLATE_IMDSV2,
    K8S_NO_LOAD_BALANCER_SERVICES,
    ALB_LISTENERS_HTTPS_OR_REDIRECT,
    K8S_NAMESPACE_DEFAULT_DENY,
    RESOURCE_POLICY_NO_PUBLIC_PRINCIPAL,
)
