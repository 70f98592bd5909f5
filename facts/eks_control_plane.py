"""What the EKS control plane can send to CloudWatch Logs: every log type it offers, which the cluster enables and
the `eks-control-plane-logs` policy requires."""

from __future__ import annotations

# https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html
CONTROL_PLANE_LOG_TYPES = ("api", "audit", "authenticator", "controllerManager", "scheduler")
