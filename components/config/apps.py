"""`sentinel:apps`: the web, api and admin apps, each with its public host label and the NodePort the ALB forwards
to, its image, its pods' size, how it scales, how it is probed and rolled out, and whether it runs yet.

Sizes are Kubernetes quantities. Each pod must fit one node after the kubelet's and the add-ons' reservations,
and the HPAs' maximums must fit the node group (the policy `node-group-fits-hpa-maximum` checks the sum).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, Field, model_validator

from components.config.types import DnsLabel, Environment, Key, Section, SectionError, by_environment
from facts.instance_classes import DAEMON_SET_RESERVE, NODE_INSTANCE_TYPES, allocatable
from facts.quantities import parse_quantity

# Kubernetes' NodePort range; the ALB forwards to nodes on these ports.
NODE_PORT_RANGE = range(30000, 32768)

# The seed's secret runtime variables: each app's Secret carries those of them the app uses
# (`sentinel:workloads.secretsUsedBy`), synced from Secrets Manager; an `env` override may not name them (they would
# leave the Secret for the ConfigMap, in plain text).
SecretVariable = Literal[
    "NEXTAUTH_SECRET",
    "JWT_SECRET",
    "ENCRYPTION_KEY",
    "ZAI_API_KEY",
    "EMAIL_SMTP_USER",
    "EMAIL_SMTP_PASS",
    "NEW_RELIC_LICENSE_KEY",
    "SENTRY_DSN",
]
SECRET_VARIABLES: tuple[SecretVariable, ...] = get_args(SecretVariable)
# Who an app is to the database and the cache: its own user on each, signing in with IAM, set from its identity; an
# `env` override may not name them (it could make an app sign in as another).
IDENTITY_VARIABLES = (
    "DATABASE_URL",
    "DATABASE_READ_REPLICA_URL",
    "DATABASE_HOST",
    "DATABASE_READ_HOST",
    "DATABASE_PORT",
    "DATABASE_NAME",
    "DATABASE_USER",
    "DATABASE_IAM_AUTH",
    "REDIS_URL",
    "REDIS_HOST",
    "REDIS_PORT",
    "REDIS_USER",
    "REDIS_CACHE_NAME",
    "REDIS_IAM_AUTH",
)

DatabaseAccess = Literal["migrate", "readWrite", "none"]
"""What an app may do in the database: own the schema and migrate it, read and write its data, or not connect."""

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
    identity = sorted(set(values) & set(IDENTITY_VARIABLES))
    if identity:
        raise ValueError(
            f"overrides {identity}, which name the app's own database and cache users: an override could make it sign "
            "in as another app"
        )
    return values


ImageTag = Annotated[str, AfterValidator(_image_tag)]
Digest = Annotated[str, AfterValidator(_digest)]
Quantity = Annotated[str, AfterValidator(_quantity)]


class ImageConfig(Section):
    """What a Deployment runs: a repository (the app's ECR repository unless given) and a tag or a digest."""

    repository: str | None = None
    """The image's repository; unset, the app's own ECR repository (`<prefix>/<app>`)."""
    tag: ImageTag | None = None
    """The image tag to run, never `latest`: a pinned version, so a rollback restores exactly what ran."""
    digest: Digest | None = None
    """The image digest to run, instead of a tag (not both)."""

    @model_validator(mode="after")
    def _check_one_reference(self) -> ImageConfig:
        if self.tag is not None and self.digest is not None:
            raise SectionError([(("digest",), "is set with tag; give one of them (the digest wins in Kubernetes)")])
        return self


class Amounts(Section):
    cpu: Quantity
    """CPU as a Kubernetes quantity (`250m`, `0.5`, `1`)."""
    memory: Quantity
    """Memory as a Kubernetes quantity (`512Mi`, `1Gi`)."""


class ResourcesConfig(Section):
    requests: Amounts
    """What the scheduler reserves for each pod; a pod's requests must fit one node after the kubelet's
    reservations and 500m / 512Mi for the add-ons' DaemonSets."""
    limits: Amounts
    """What a pod may use at most, at or above its requests. Memory limits sit close to requests (memory cannot
    be taken back from a pod without killing it); CPU may burst to a core on a node's spare cycles."""

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
    """The fewest pods the HPA keeps, at most `maxReplicas`; at least 2 outside dev, so one pod's restart does
    not take the app down."""
    max_replicas: int = Field(ge=1)
    """The most pods the HPA may run. Every HPA at its maximum must fit the node group at its maximum
    (`node-group-fits-hpa-maximum`), and their database pools the database (`database-connection-budget`)."""
    cpu_percent: int = Field(default=70, ge=10, le=100)
    """The average CPU utilization, as a share of the pods' requests, that the HPA holds the app at."""
    scale_down_stabilization_seconds: int = Field(default=300, ge=0, le=3600)
    """How long load must stay low before the HPA scales down: a brief dip does not remove pods a spike needs
    again."""

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
    """How often the readiness and liveness probes ask `/health`."""
    timeout_seconds: int = Field(default=3, ge=1, le=60)
    """How long a probe waits for an answer; below `periodSeconds`."""
    failure_threshold: int = Field(default=3, ge=1, le=30)
    """Failed probes in a row before a pod is taken out of its Service (readiness) or restarted (liveness)."""
    startup_seconds: int = Field(default=120, ge=10, le=600)
    """How long the app may take to start serving `/health` before the startup probe gives up and restarts it."""

    @model_validator(mode="after")
    def _check_timeout(self) -> ProbesConfig:
        if self.timeout_seconds >= self.period_seconds:
            raise SectionError(
                [(("timeoutSeconds",), f"{self.timeout_seconds} s must be below periodSeconds {self.period_seconds}")]
            )
        return self


class RolloutConfig(Section):
    """How a pod leaves without dropping a request (docs/apps.md#zero-downtime-rollouts-precisely)."""

    pre_stop_sleep_seconds: int = Field(default=15, ge=10, le=15)
    """The native `preStop` sleep: the pod keeps serving while every node's kube-proxy drops it from the
    Service (usually 1-3 s after the pod starts terminating, longer on a busy API server)."""
    drain_seconds: int = Field(default=30, ge=1, le=300)
    """What the app needs after SIGTERM to finish its in-flight requests and close its pools."""
    margin_seconds: int = Field(default=5, ge=1, le=60)
    """Room for the kubelet's own work after the drain. Sleep, drain and margin add up to the pod's
    `terminationGracePeriodSeconds`, so the kubelet never kills a draining app."""

    @property
    def termination_grace_period_seconds(self) -> int:
        return self.pre_stop_sleep_seconds + self.drain_seconds + self.margin_seconds


class AppConfig(Section):
    subdomain: DnsLabel
    """The app's public host label: it is served at `<subdomain>.<domain>`. Every stack serves from one zone,
    whose Universal SSL certificate covers one level below the apex: dev's hosts are `app-dev.<domain>`, not
    `app.dev.<domain>`."""
    node_port: int = Field(ge=NODE_PORT_RANGE.start, le=NODE_PORT_RANGE.stop - 1)
    """The NodePort of the app's Service, which the ALB's target group forwards to; one per app."""
    deploy: bool = False
    """Whether the app runs (its Deployment and HPA): off until its image is in its repository, since a
    Deployment of a missing image never becomes ready and `pulumi up` fails waiting for it
    (docs/apps.md#first-deploy). The stack files turn it on."""
    image: ImageConfig = ImageConfig()
    """The image the app runs: a tag or a digest; a deployed app needs one."""
    container_port: int = Field(default=3000, ge=1, le=65535)
    """The port the app listens on and serves `/health` at."""
    resources: ResourcesConfig
    """The pods' requests and limits."""
    autoscaling: AutoscalingConfig
    """The HorizontalPodAutoscaler (seed 002: 3 to 20 pods at 70 % CPU in prod)."""
    probes: ProbesConfig = ProbesConfig()
    """The probes on `/health`: readiness gates traffic, liveness restarts a hung pod, startup gives a slow start
    time before liveness counts."""
    rollout: RolloutConfig = RolloutConfig()
    """How a pod leaves without dropping a request."""
    env: Annotated[dict[str, str], AfterValidator(_environment_variables)] = Field(default_factory=dict)
    """Plain runtime variables of this app over the computed ones (LOG_LEVEL, feature flags, ...): upper-case
    names, never one the app's Secret carries, one naming its database or cache user, nor `NEXTAUTH_URL`."""
    database_access: DatabaseAccess = "none"
    """What the app may do in the database, as a user of its own that signs in with IAM through RDS Proxy:
    `migrate` (owns the schema: exactly one app, the seed's admin), `readWrite` (reads and writes the data, changes
    no table) or `none` (no database user, no DATABASE_* variables)."""

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
            "databaseAccess": "readWrite",
            "resources": _resources("250m", "512Mi", "1", "768Mi"),
            "autoscaling": scaling,
        },
        "api": {
            "subdomain": f"api{host_suffix}",
            "nodePort": 30081,
            "databaseAccess": "readWrite",
            "resources": _resources("250m", "512Mi", "1", "768Mi"),
            "autoscaling": scaling,
        },
        "admin": {
            "subdomain": f"admin{host_suffix}",
            "nodePort": 30082,
            # The operators' app runs the schema's migrations: the only app that may change a table.
            "databaseAccess": "migrate",
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
    """What depends on other sections: at least two pods outside dev, each pod fitting one node of the node
    group's smallest type after the kubelet's reservations and the add-ons' DaemonSets, and one app owning the
    database's schema."""
    problems: list[tuple[Key, str]] = migration_problems(apps)
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


def migration_problems(apps: Mapping[str, AppConfig]) -> list[tuple[Key, str]]:
    """Exactly one app migrates: it owns the schema, so the tables it creates are granted to the others; two owners
    would each create tables the other could not alter, and none would leave the schema without one."""
    migrating = sorted(app for app, settings in apps.items() if settings.database_access == "migrate")
    if len(migrating) == 1:
        return []
    if not migrating:
        return [(("apps",), "names no app with databaseAccess 'migrate': one app (the seed's admin) owns the schema")]
    return [
        (
            ("apps", app, "databaseAccess"),
            f"is 'migrate' as in {', '.join(other for other in migrating if other != app)}: exactly one app owns the "
            "schema; make the others 'readWrite'",
        )
        for app in migrating
    ]


def app_hosts(apps: Mapping[str, AppConfig], domain: str) -> dict[str, str]:
    """Each app's public host name, one label below the zone's apex (as Universal SSL covers)."""
    return {app: f"{settings.subdomain}.{domain}" for app, settings in apps.items()}
