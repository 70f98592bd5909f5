"""Capacity: at full scale the platform still fits. The node groups at their maximum size can schedule every
HPA at its maximum replicas (`cluster`), and the database accepts every connection the apps' pools can then open
(`database`); both count the workloads at their peak (`peak`)."""

from __future__ import annotations

from pulumi_policy import Policy

from policies.rules.capacity.cluster import EKS_NODE_GROUP_MAXIMUM, NODE_GROUP_FITS_HPA_MAXIMUM
from policies.rules.capacity.database import DATABASE_CONNECTION_BUDGET

POLICIES: tuple[Policy, ...] = (NODE_GROUP_FITS_HPA_MAXIMUM, DATABASE_CONNECTION_BUDGET, EKS_NODE_GROUP_MAXIMUM)
