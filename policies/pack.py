"""The Sentinel policy pack: its name and every policy, grouped by concern."""

from __future__ import annotations

from pulumi_policy import Policy

from policies.rules import (
    capacity,
    data_protection,
    deploy_constraints,
    edge,
    edge_token,
    exposure,
    kubernetes,
    observability,
    operations,
    ordering,
    origin,
    recovery,
    resilience,
)

PACK_NAME = "sentinel"  # the pack's description is in PulumiPolicy.yaml

POLICIES: tuple[Policy, ...] = (
    *data_protection.POLICIES,
    *exposure.POLICIES,
    *resilience.POLICIES,
    *kubernetes.POLICIES,
    *operations.POLICIES,
    *ordering.POLICIES,
    *edge.POLICIES,
    *edge_token.POLICIES,
    *origin.POLICIES,
    *capacity.POLICIES,
    *deploy_constraints.POLICIES,
    *observability.POLICIES,  # tier: observability
    *recovery.POLICIES,
)
