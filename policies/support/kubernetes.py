"""Kubernetes knowledge several concerns share: where a workload keeps its pod spec, how an HPA or a
PodDisruptionBudget finds the workloads it governs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_policy import PolicyResource

from policies.support.stack import Stack
from policies.support.values import UNKNOWN, Unknown, elements, entries, field, is_unknown

DEPLOYMENT = "kubernetes:apps/v1:Deployment"
STATEFUL_SET = "kubernetes:apps/v1:StatefulSet"
DAEMON_SET = "kubernetes:apps/v1:DaemonSet"
REPLICA_SET = "kubernetes:apps/v1:ReplicaSet"
JOB = "kubernetes:batch/v1:Job"
CRON_JOB = "kubernetes:batch/v1:CronJob"
POD = "kubernetes:core/v1:Pod"
SERVICE = "kubernetes:core/v1:Service"
CONFIG_MAP = "kubernetes:core/v1:ConfigMap"
PDB = "kubernetes:policy/v1:PodDisruptionBudget"
# Tier 10 (workloads)
NAMESPACE = "kubernetes:core/v1:Namespace"
SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount"
SECRET = "kubernetes:core/v1:Secret"
NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
PERSISTENT_VOLUME = "kubernetes:core/v1:PersistentVolume"
PERSISTENT_VOLUME_CLAIM = "kubernetes:core/v1:PersistentVolumeClaim"
HPAS = ("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "kubernetes:autoscaling/v1:HorizontalPodAutoscaler")
# The Secrets Store CSI driver's resource: which Secrets Manager secrets a pod mounts.
SECRET_PROVIDER_CLASS = "kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass"
ENI_CONFIG = "kubernetes:crd.k8s.amazonaws.com/v1alpha1:ENIConfig"
"""Where the VPC CNI's custom networking puts the pods of a zone's nodes: a subnet and its security groups."""

# Where each kind of workload keeps the spec of the pods it runs.
POD_SPEC_PATHS: Mapping[str, tuple[str, ...]] = {
    DEPLOYMENT: ("spec", "template", "spec"),
    STATEFUL_SET: ("spec", "template", "spec"),
    DAEMON_SET: ("spec", "template", "spec"),
    REPLICA_SET: ("spec", "template", "spec"),
    JOB: ("spec", "template", "spec"),
    CRON_JOB: ("spec", "jobTemplate", "spec", "template", "spec"),
    POD: ("spec",),
}
WORKLOADS = frozenset(POD_SPEC_PATHS)
LONG_RUNNING_WORKLOADS = frozenset({DEPLOYMENT, STATEFUL_SET, DAEMON_SET, REPLICA_SET})

# The kinds an HPA can scale (its `scaleTargetRef.kind`), by resource type.
SCALABLE_KINDS: Mapping[str, str] = {DEPLOYMENT: "Deployment", STATEFUL_SET: "StatefulSet"}


@dataclass(frozen=True)
class Container:
    """One container of a pod spec; `label` names it in messages ("container web", "init container migrate")."""

    label: str
    spec: Any
    is_init: bool


def pod_spec(resource_type: str, props: Any) -> Any:
    return field(props, *POD_SPEC_PATHS[resource_type])


def containers(spec: Any, *, include_init: bool = True) -> list[Container]:
    """The containers of a pod spec whose definition is known (init containers first, as they run)."""
    lists = [("init container", "initContainers", True)] if include_init else []
    lists.append(("container", "containers", False))
    found: list[Container] = []
    for kind, key, is_init in lists:
        for index, container in enumerate(elements(field(spec, key))):
            if is_unknown(container):
                continue
            name = field(container, "name")
            found.append(Container(f"{kind} {name if isinstance(name, str) else f'#{index}'}", container, is_init))
    return found


def name_of(props: Any) -> Any:
    return field(props, "metadata", "name")


def namespace_of(props: Any) -> Any:
    namespace = field(props, "metadata", "namespace")
    return "default" if namespace is None else namespace


def pod_labels(resource_type: str, props: Any) -> dict[str, Any] | Unknown:
    """The labels of the pods a workload runs (from its pod template)."""
    labels = field(props, *POD_SPEC_PATHS[resource_type][:-1], "metadata", "labels")
    return UNKNOWN if is_unknown(labels) else entries(labels)


def selects(selector: Any, labels: Mapping[str, Any] | Unknown) -> bool:
    """Whether a label selector (matchLabels and matchExpressions) selects pods with `labels`; a missing
    selector selects nothing. A value not known yet counts as a match: the policy cannot judge it before."""
    if selector is None:
        return False
    if is_unknown(selector) or isinstance(labels, Unknown):
        return True
    for key, wanted in entries(field(selector, "matchLabels")).items():
        actual = labels.get(key)
        if not (is_unknown(wanted) or is_unknown(actual) or actual == wanted):
            return False
    for expression in elements(field(selector, "matchExpressions")):
        key, operator = field(expression, "key"), field(expression, "operator")
        values = elements(field(expression, "values"))
        if is_unknown(key) or is_unknown(operator) or UNKNOWN in values or is_unknown(labels.get(key)):
            continue
        present = key in labels
        satisfied = {
            "In": present and labels.get(key) in values,
            "NotIn": not present or labels.get(key) not in values,
            "Exists": present,
            "DoesNotExist": not present,
        }.get(operator, False)
        if not satisfied:
            return False
    return True


def autoscalers(stack: Stack) -> dict[str, list[PolicyResource]]:
    """For each Deployment and StatefulSet, by URN, the HorizontalPodAutoscalers that scale it.

    An HPA names its target by kind, namespace and name. A target autonamed by Pulumi has no name until it is
    created, so during a preview the HPA's dependency on the target's name links them instead.
    """
    by_identity: dict[tuple[str, Any, Any], list[PolicyResource]] = defaultdict(list)
    for workload in stack.of_type(*SCALABLE_KINDS):
        kind = SCALABLE_KINDS[workload.resource_type]
        by_identity[(kind, namespace_of(workload.props), name_of(workload.props))].append(workload)
    scaled_by: dict[str, list[PolicyResource]] = defaultdict(list)
    for hpa in stack.of_type(*HPAS):
        target = field(hpa.props, "spec", "scaleTargetRef")
        kind, name = field(target, "kind"), field(target, "name")
        identity = (kind, namespace_of(hpa.props), name)
        targets = [] if any(is_unknown(part) or part is None for part in identity) else by_identity.get(identity, [])
        if not targets:
            targets = [
                dependency
                for dependency in hpa.property_dependencies.get("spec", ())
                if SCALABLE_KINDS.get(dependency.resource_type) == kind
            ]
        for workload in targets:
            scaled_by[workload.urn].append(hpa)
    return scaled_by
