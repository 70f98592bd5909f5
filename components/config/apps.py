"""`sentinel:apps`: the web, api and admin apps, each with its public host label and the NodePort the ALB forwards
to, its image, its pods' size, how it scales, how it is probed and rolled out, and whether it runs yet.

Sizes are Kubernetes quantities. Each pod must fit one node after the kubelet's and the add-ons' reservations,
and the HPAs' maximums must fit the node group (the policy `node-group-fits-hpa-maximum` checks the sum).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import AfterValidator, Field, model_validator

from components.config.types import DnsLabel, Environment, Key, Section, SectionError, by_environment
from facts.instance_classes import DAEMON_SET_RESERVE, NODE_INSTANCE_TYPES, allocatable
from facts.quantities import parse_quantity

# Kubernetes' NodePort range; the ALB forwards to nodes on these ports.
NODE_PORT_RANGE = range(30000, 32768)

# The runtime variables of the seed's production environment the Kubernetes Secret carries; an `env` override
# may not name them (they would leave the Secret for the ConfigMap, in plain text).
SECRET_VARIABLES = (
    "DATABASE_URL",
    "DATABASE_READ_REPLICA_URL",
    "REDIS_URL",
    "REDIS_PASSWORD",
    "NEXTAUTH_SECRET",
    "JWT_SECRET",
    "ENCRYPTION_KEY",
    "ZAI_API_KEY",
    "EMAIL_SMTP_USER",
    "EMAIL_SMTP_PASS",
    "NEW_RELIC_LICENSE_KEY",
    "SENTRY_DSN",
)

# Docker's grammar for a tag, and an OCI digest of SHA-256.
# https://github.com/distribution/reference/blob/main/reference.go
_IMAGE_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
_DIGEST = re.compile(r"sha256:[a-f0-9]{64}")
_ENV_NAME = re.compile(r"[A-Z_][A-Z0-9_]*")


def _image_tag(value: str) -> str:
    if not _IMAGE_TAG.fullmatch(value):
        raise ValueError("must be an image tag: letters, digits, _ . -, at most 128 characters, such as 1.4.2")
    if value == "latest":
        raise ValueError("must not be latest: pin the version, so a rollback restores exactly what ran")
    return value


def _digest(value: str) -> str:
    if not _DIGEST.fullmatch(value):
        raise ValueError("must be an image digest sha256:<64 hex digits>")
    return value


def _quantity(value: str) -> str:
    if parse_quantity(value) is None or (parse_quantity(value) or 0) <= 0:
        raise ValueError("must be a positive Kubernetes quantity such as 250m or 0.5 (CPU), 512Mi or 1Gi (memory)")
    return value


def _environment_variables(values: dict[str, str]) -> dict[str, str]:
    bad = sorted(name for name in values if not _ENV_NAME.fullmatch(name))
    if bad:
        raise ValueError(f"names {bad}: environment variable names are upper case letters, digits and _")
    secret = sorted(set(values) & set(SECRET_VARIABLES))
    if secret:
        raise ValueError(f"overrides {secret}, which the app's Kubernetes Secret carries; they cannot be plain config")
    return values


ImageTag = Annotated[str, AfterValidator(_image_tag)]
Digest = Annotated[str, AfterValidator(_digest)]
Quantity = Annotated[str, AfterValidator(_quantity)]


class ImageConfig(Section):
    """What a Deployment runs: a repository (the app's ECR repository unless given) and a tag or a digest."""

    repository: str | None = None
    tag: ImageTag | None = None
    digest: Digest | None = None

    @model_validator(mode="after")
    def _check_one_reference(self) -> ImageConfig:
        if self.tag is not None and self.digest is not None:
            raise SectionError([(("digest",), "is set with tag; give one of them (the digest wins in Kubernetes)")])
        return self


class Amounts(Section):
    cpu: Quantity
    memory: Quantity


class ResourcesConfig(Section):
    requests: Amounts
    limits: Amounts

    @model_validator(mode="after")
    def _check_requests_within_limits(self) -> ResourcesConfig:
        problems: list[tuple[Key, str]] = []
        for resource in ("cpu", "memory"):
            request, limit = getattr(self.requests, resource), getattr(self.limits, resource)
            if (parse_quantity(request) or 0) > (parse_quantity(limit) or 0):
                problems.append(((("requests", resource)), f"{request} is above the limit {limit}"))
        if problems:
            raise SectionError(problems)
        return self

    @property
    def request_amounts(self) -> tuple[float, float]:
        """(cores, bytes) the scheduler reserves for one pod."""
        return parse_quantity(self.requests.cpu) or 0.0, parse_quantity(self.requests.memory) or 0.0


class AutoscalingConfig(Section):
    """The HorizontalPodAutoscaler (seed 002: min 3, max 20, CPU 70 %)."""

    min_replicas: int = Field(ge=1)
    max_replicas: int = Field(ge=1)
    cpu_percent: int = Field(default=70, ge=10, le=100)
    # Scale down only after load has stayed low this long: a brief dip does not remove pods a spike needs again.
    scale_down_stabilization_seconds: int = Field(default=300, ge=0, le=3600)

    @model_validator(mode="after")
    def _check_range(self) -> AutoscalingConfig:
        if self.min_replicas > self.max_replicas:
            raise SectionError(
                [
                    (
                        ("minReplicas",),
                        f"{self.min_replicas} is above maxReplicas {self.max_replicas}; need 1 <= min <= max",
                    )
                ]
            )
        return self


class ProbesConfig(Section):
    """The probes on `/health`: readiness gates traffic, liveness restarts a hung pod, startup gives a slow start
    time before liveness counts."""

    period_seconds: int = Field(default=10, ge=1, le=300)
    timeout_seconds: int = Field(default=3, ge=1, le=60)
    failure_threshold: int = Field(default=3, ge=1, le=30)
    # How long the app may take to start serving /health before the startup probe gives up and restarts it.
    startup_seconds: int = Field(default=120, ge=10, le=600)

    @model_validator(mode="after")
    def _check_timeout(self) -> ProbesConfig:
        if self.timeout_seconds >= self.period_seconds:
            raise SectionError(
                [(("timeoutSeconds",), f"{self.timeout_seconds} s must be below periodSeconds {self.period_seconds}")]
            )
        return self


class RolloutConfig(Section):
    """How a pod leaves without dropping a request (see the README's "Zero-downtime rollouts")."""

    # The pod keeps serving while every node's kube-proxy drops it from the Service (usually 1-3 s after the pod
    # starts terminating, longer on a busy API server).
    pre_stop_sleep_seconds: int = Field(default=15, ge=10, le=15)
    # What the app needs after SIGTERM to finish its in-flight requests and close its pools.
    drain_seconds: int = Field(default=30, ge=1, le=300)
    # Room for the kubelet's own work after the drain before it kills the container.
    margin_seconds: int = Field(default=5, ge=1, le=60)

    @property
    def termination_grace_period_seconds(self) -> int:
        return self.pre_stop_sleep_seconds + self.drain_seconds + self.margin_seconds


class AppConfig(Section):
    subdomain: DnsLabel
    node_port: int = Field(ge=NODE_PORT_RANGE.start, le=NODE_PORT_RANGE.stop - 1)
    # Off until the app's image exists in its repository: a Deployment of a missing image never becomes ready and
    # `pulumi up` fails waiting for it (the README's bootstrap order).
    deploy: bool = False
    image: ImageConfig = ImageConfig()
    container_port: int = Field(default=3000, ge=1, le=65535)
    resources: ResourcesConfig
    autoscaling: AutoscalingConfig
    probes: ProbesConfig = ProbesConfig()
    rollout: RolloutConfig = RolloutConfig()
    # Plain runtime variables of this app over the computed ones (LOG_LEVEL, feature flags, ...).
    env: Annotated[dict[str, str], AfterValidator(_environment_variables)] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check_deployable(self) -> AppConfig:
        if self.deploy and self.image.tag is None and self.image.digest is None:
            raise SectionError([(("image",), "names no tag or digest; a deployed app runs a pinned image")])
        return self


def _resources(cpu: str, memory: str, cpu_limit: str, memory_limit: str) -> dict[str, Any]:
    return {"requests": {"cpu": cpu, "memory": memory}, "limits": {"cpu": cpu_limit, "memory": memory_limit}}


def _seed_apps(host_suffix: str, min_replicas: int, max_replicas: int) -> dict[str, dict[str, Any]]:
    """The three apps with an environment's hosts and HPA range. Every stack serves from the one Cloudflare zone,
    whose Universal SSL certificate covers one level below the apex: dev and staging hosts are
    app-dev.<domain>, not app.dev.<domain>. Memory limits sit close to requests (memory cannot be reclaimed from
    a pod without killing it); CPU may burst to a core on a node's spare cycles."""
    scaling = {"minReplicas": min_replicas, "maxReplicas": max_replicas}
    return {
        "web": {
            "subdomain": f"app{host_suffix}",
            "nodePort": 30080,
            "resources": _resources("250m", "512Mi", "1", "768Mi"),
            "autoscaling": scaling,
        },
        "api": {
            "subdomain": f"api{host_suffix}",
            "nodePort": 30081,
            "resources": _resources("250m", "512Mi", "1", "768Mi"),
            "autoscaling": scaling,
        },
        "admin": {
            "subdomain": f"admin{host_suffix}",
            "nodePort": 30082,
            "resources": _resources("100m", "256Mi", "500m", "384Mi"),
            "autoscaling": scaling,
        },
    }


# Seed 002's HPA is prod's 3-20; staging keeps two pods through a node's loss, dev one.
SEED_APPS = by_environment(
    dev=_seed_apps("-dev", 1, 3), staging=_seed_apps("-staging", 2, 6), prod=_seed_apps("", 3, 20)
)


def app_problems(
    environment: Environment, apps: Mapping[str, AppConfig], instance_types: list[str]
) -> list[tuple[Key, str]]:
    """What depends on other sections: at least two pods outside dev, and each pod fitting one node of the node
    group's smallest type after the kubelet's reservations and the add-ons' DaemonSets."""
    problems: list[tuple[Key, str]] = []
    offers = [allocatable(NODE_INSTANCE_TYPES[name]) for name in instance_types if name in NODE_INSTANCE_TYPES]
    reserve = (parse_quantity(DAEMON_SET_RESERVE["cpu"]) or 0.0, parse_quantity(DAEMON_SET_RESERVE["memory"]) or 0.0)
    room = (
        min(cpu for cpu, _ in offers) - reserve[0] if offers else None,
        min(memory for _, memory in offers) - reserve[1] if offers else None,
    )
    for app, settings in apps.items():
        if environment != "dev" and settings.autoscaling.min_replicas < 2:
            problems.append(
                (
                    ("apps", app, "autoscaling", "minReplicas"),
                    f"must be at least 2 in {environment}: one pod's restart would take {app} down",
                )
            )
        requested = settings.resources.request_amounts
        for index, (resource, unit, scale) in enumerate((("cpu", "cores", 1.0), ("memory", "GiB", 2.0**30))):
            available = room[index]
            if available is not None and requested[index] > available:
                problems.append(
                    (
                        ("apps", app, "resources", "requests", resource),
                        f"{requested[index] / scale:.2f} {unit} do not fit one {', '.join(instance_types)} node, "
                        f"which offers pods {available / scale:.2f} {unit} after the kubelet's reservations and "
                        f"{DAEMON_SET_RESERVE[resource]} for the add-ons' DaemonSets",
                    )
                )
    return problems


def app_hosts(apps: Mapping[str, AppConfig], domain: str) -> dict[str, str]:
    """Each app's public host name, one label below the zone's apex (as Universal SSL covers)."""
    return {app: f"{settings.subdomain}.{domain}" for app, settings in apps.items()}
