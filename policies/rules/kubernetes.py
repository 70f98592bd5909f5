"""Kubernetes hygiene: every container is sized, health-checked, unprivileged and reproducible, and the
HPA alone decides how many pods a Deployment runs, at the seed's CPU target. Checked on each workload's inputs (its
pod template) and each HPA's."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from pulumi_policy import Policy, ResourceValidationArgs, Severity

from facts.seed_autoscaling import SEED_CPU_TARGET_PERCENT
from policies.support.declare import Concern, ResourcePolicy, ResourceRule, Settings
from policies.support.kubernetes import (
    DEPLOYMENT,
    HPAS,
    LONG_RUNNING_WORKLOADS,
    WORKLOADS,
    Container,
    containers,
    pod_spec,
)
from policies.support.values import (
    defines,
    elements,
    field,
    is_false,
    is_set,
    is_true,
    is_unknown,
    number,
    shown,
    violated,
)

ContainerCheck = Callable[[Container, Any], Iterable[str]]
"""Problems with one container, given the container and its pod spec."""


def per_container(check: ContainerCheck, *, include_init: bool = True) -> ResourceRule:
    """A resource rule applying `check` to every container of a workload's pods."""

    def rule(args: ResourceValidationArgs, _settings: Settings) -> Iterable[str]:
        spec = pod_spec(args.resource_type, args.props)
        for container in containers(spec, include_init=include_init):
            for problem in check(container, spec):
                yield f"{container.label}: {problem}"

    return rule


def _security_setting(container: Container, spec: Any, key: str) -> Any:
    """A security-context setting as the kubelet applies it: the container's own, else the pod's."""
    own = field(container.spec, "securityContext", key)
    return field(spec, "securityContext", key) if own is None else own


_SIZING = [f"resources.{kind}.{resource}" for kind in ("requests", "limits") for resource in ("cpu", "memory")]


def _sized(container: Container, _spec: Any) -> Iterable[str]:
    missing = [path for path in _SIZING if violated(field(container.spec, *path.split(".")), is_set)]
    if missing:
        yield f"set {', '.join(missing)}"


K8S_CONTAINER_RESOURCES = ResourcePolicy(
    name="k8s-container-resources",
    description=(
        "Every container, init containers included, sets resources.requests and resources.limits for cpu and "
        "memory, so the scheduler, the HPA and the capacity checks can count on them and no pod starves another."
    ),
    concern=Concern.RESILIENCE,
    severity=Severity.MEDIUM,
    resource_types=WORKLOADS,
    rule=per_container(_sized),
)


def _probed(container: Container, _spec: Any) -> Iterable[str]:
    for probe in ("readinessProbe", "livenessProbe"):
        if violated(field(container.spec, probe), is_set):
            yield f"define {probe}"


K8S_CONTAINER_PROBES = ResourcePolicy(
    name="k8s-container-probes",
    description=(
        "Every container of a long-running workload (Deployment, StatefulSet, DaemonSet, ReplicaSet) defines a "
        "readinessProbe and a livenessProbe (the apps serve /health), so traffic reaches only ready pods and "
        "hung ones restart."
    ),
    concern=Concern.RESILIENCE,
    severity=Severity.MEDIUM,
    resource_types=LONG_RUNNING_WORKLOADS,
    rule=per_container(_probed, include_init=False),
)


def _non_root(container: Container, spec: Any) -> Iterable[str]:
    run_as_non_root = _security_setting(container, spec, "runAsNonRoot")
    if violated(run_as_non_root, is_true):
        yield f"runAsNonRoot is {shown(run_as_non_root)}: set securityContext.runAsNonRoot=true"
    if number(_security_setting(container, spec, "runAsUser")) == 0:
        yield "runAsUser is 0 (root): run as the image's unprivileged user"


K8S_RUN_AS_NON_ROOT = ResourcePolicy(
    name="k8s-run-as-non-root",
    description=(
        "Every container runs as a non-root user: set securityContext.runAsNonRoot=true on the pod or the "
        "container, and never runAsUser 0."
    ),
    concern=Concern.SECURITY,
    severity=Severity.HIGH,
    resource_types=WORKLOADS,
    rule=per_container(_non_root),
)


def _unprivileged(container: Container, _spec: Any) -> Iterable[str]:
    privileged = field(container.spec, "securityContext", "privileged")
    if not is_unknown(privileged) and is_true(privileged):
        yield "securityContext.privileged is true: remove it"
    # Kubernetes allows privilege escalation unless told otherwise, so only an explicit false passes.
    escalation = field(container.spec, "securityContext", "allowPrivilegeEscalation")
    if violated(escalation, is_false):
        yield f"allowPrivilegeEscalation is {shown(escalation)}: set securityContext.allowPrivilegeEscalation=false"


K8S_NO_PRIVILEGE_ESCALATION = ResourcePolicy(
    name="k8s-no-privilege-escalation",
    description=(
        "No container is privileged or can gain privileges: never set securityContext.privileged, and set "
        "securityContext.allowPrivilegeEscalation=false on every container."
    ),
    concern=Concern.SECURITY,
    severity=Severity.CRITICAL,
    resource_types=WORKLOADS,
    rule=per_container(_unprivileged),
)


def _read_only_root(container: Container, _spec: Any) -> Iterable[str]:
    read_only = field(container.spec, "securityContext", "readOnlyRootFilesystem")
    if violated(read_only, is_true):
        yield f"readOnlyRootFilesystem is {shown(read_only)}: set securityContext.readOnlyRootFilesystem=true"


K8S_READ_ONLY_ROOT_FILESYSTEM = ResourcePolicy(
    name="k8s-read-only-root-filesystem",
    description=(
        "Every container's root filesystem is read-only (securityContext.readOnlyRootFilesystem=true); mount an "
        "emptyDir volume where the app must write (such as /tmp or the Next.js cache)."
    ),
    concern=Concern.SECURITY,
    severity=Severity.MEDIUM,
    resource_types=WORKLOADS,
    rule=per_container(_read_only_root),
)


def _is_pinned(image: Any) -> bool:
    """Whether an image reference names a digest or a tag other than "latest" (a registry's ":port" is not
    a tag: only a colon in the last path segment is)."""
    if not isinstance(image, str) or not image:
        return False
    if "@" in image:
        return True
    _, colon, tag = image.rpartition("/")[2].partition(":")
    return bool(colon) and tag not in ("", "latest")


def _pinned(container: Container, _spec: Any) -> Iterable[str]:
    image = field(container.spec, "image")
    if violated(image, _is_pinned):
        yield f"image {shown(image)} is untagged or :latest: pin a version tag or a digest"


K8S_PINNED_IMAGES = ResourcePolicy(
    name="k8s-pinned-images",
    description=(
        "Every container image is pinned to a version tag or a digest, never :latest or untagged, so a rollout "
        "runs exactly what was tested and a rollback restores exactly what ran."
    ),
    concern=Concern.SECURITY,
    severity=Severity.HIGH,
    resource_types=WORKLOADS,
    rule=per_container(_pinned),
)


def _replicas_left_to_autoscaler(args: ResourceValidationArgs, _settings: Settings) -> Iterable[str]:
    if defines(field(args.props, "spec"), "replicas"):
        yield "spec.replicas is set: remove it and let the HorizontalPodAutoscaler own the replica count"


# A resource policy on the Deployment's inputs, not a stack policy on its outputs: the live object always
# has spec.replicas (the API server defaults it and the HPA writes it), so only the inputs show whether the
# program sets it. Every Deployment is scaled by an HPA (deployment-has-pdb-and-hpa), so every one applies.
K8S_REPLICAS_LEFT_TO_HPA = ResourcePolicy(
    name="k8s-replicas-left-to-hpa",
    description=(
        "Deployments, which their HorizontalPodAutoscaler scales, do not set spec.replicas: each update would "
        "reset the replica count the HPA chose (scaling the app down under load)."
    ),
    concern=Concern.RESILIENCE,
    severity=Severity.HIGH,
    resource_types=(DEPLOYMENT,),
    rule=_replicas_left_to_autoscaler,
)


def _cpu_targets(args: ResourceValidationArgs, settings: Settings) -> Iterable[str]:
    """What keeps an HPA from scaling on average CPU utilization alone, at the seed's target."""
    wanted = settings["targetPercent"]
    spec = field(args.props, "spec")
    if args.resource_type.endswith("v1:HorizontalPodAutoscaler"):
        target = field(spec, "targetCPUUtilizationPercentage")
        if violated(target, lambda value: number(value) == wanted):
            yield f"spec.targetCPUUtilizationPercentage is {shown(target)}: set it to {shown(wanted)}"
        return
    metrics = field(spec, "metrics")
    if is_unknown(metrics):
        return
    cpu = [
        field(metric, "resource", "target")
        for metric in elements(metrics)
        if field(metric, "type") == "Resource" and field(metric, "resource", "name") == "cpu"
    ]
    others = len(elements(metrics)) - len(cpu)
    utilizations = [field(target, "averageUtilization") for target in cpu if field(target, "type") == "Utilization"]
    if not utilizations:
        yield f"spec.metrics has no cpu Resource metric of type Utilization: target {shown(wanted)} % average CPU"
    for utilization in utilizations:
        if violated(utilization, lambda value: number(value) == wanted):
            yield f"the cpu metric's averageUtilization is {shown(utilization)}: set it to {shown(wanted)}"
    if others:
        yield f"spec.metrics scales on {others} other metric(s) as well: the seed scales on CPU alone"


HPA_CPU_TARGET = ResourcePolicy(
    name="hpa-cpu-target",
    description=(
        "HorizontalPodAutoscalers scale on average CPU utilization alone, at the seed's target of 70 % of the pods' "
        "requests (seed 002): one cpu Resource metric of type Utilization with averageUtilization 70. Another target "
        "changes how many pods, nodes and database connections peak load takes."
    ),
    concern=Concern.GOVERNANCE,
    severity=Severity.MEDIUM,
    resource_types=HPAS,
    rule=_cpu_targets,
    config={"targetPercent": {"type": "integer", "minimum": 1, "maximum": 100, "default": SEED_CPU_TARGET_PERCENT}},
)

POLICIES: tuple[Policy, ...] = (
    K8S_CONTAINER_RESOURCES,
    K8S_CONTAINER_PROBES,
    K8S_RUN_AS_NON_ROOT,
    K8S_NO_PRIVILEGE_ESCALATION,
    K8S_READ_ONLY_ROOT_FILESYSTEM,
    K8S_PINNED_IMAGES,
    K8S_REPLICAS_LEFT_TO_HPA,
    HPA_CPU_TARGET,
)
