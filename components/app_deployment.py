"""One app on the cluster: the NodePort Service the ALB targets, its PodDisruptionBudget and, once it deploys, the
Deployment of its pods and the HPA that scales them.

Zero-downtime rollouts (docs/apps.md#zero-downtime-rollouts-precisely): the ALB sends to NodePorts and never sees
a pod leave, so a pod is safe to stop once no node's kube-proxy routes to it. `maxUnavailable: 0` starts the new pod
first and readiness admits it; the terminating pod sleeps in `preStop` while kube-proxy drops it from the Service,
then gets SIGTERM and drains within `terminationGracePeriodSeconds`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from components.base import Component
from components.config.apps import AppConfig
from components.ingress import HEALTH_PATH
from components.pod_identity import PodIdentity
from components.pods import APP_USER, labels_of, namespaced, restricted_container, restricted_pod
from components.secrets_store import secrets_volume

SHARED_FILES = "shared-files"
SECRETS = "secrets"
# Where the pod sees its secrets as files (the driver needs a mount to sync them into the Kubernetes Secret).
SECRETS_PATH = "/mnt/secrets"
SECRET_VERSIONS = "sentinel/secret-versions"
"""The pod annotation that names the versions of the app's secrets: a new version rolls the pods, which read their
environment once, at start."""


@dataclass(frozen=True)
class SecretsMount:
    """The app's secrets as its pods read them: the SecretProviderClass they mount (with the pod's role), the
    Kubernetes Secret the driver syncs that mount into (the pods' environment), and the versions they are at."""

    provider_class: str
    synced_secret: str
    versions: pulumi.Input[str]


def image_of(app: AppConfig, repository_url: pulumi.Input[str]) -> pulumi.Output[str]:
    repository = pulumi.Output.from_input(app.image.repository or repository_url)
    reference = f"@{app.image.digest}" if app.image.digest else f":{app.image.tag}"
    return repository.apply(lambda base: base + reference)


def app_workload(
    component: Component,
    resource_name: str,
    app: str,
    settings: AppConfig,
    *,
    namespace: str,
    provider: k8s.Provider,
    repository_url: pulumi.Input[str],
    identity: PodIdentity,
    config_map: k8s.core.v1.ConfigMap,
    secrets: SecretsMount | None,
    shared_files: k8s.core.v1.PersistentVolumeClaim,
    shared_files_path: str,
    started_after: Sequence[pulumi.Resource],
) -> pulumi.Output[str] | None:
    """The app's Service and PodDisruptionBudget and, if it deploys, its Deployment and HPA, each `component`'s
    child named `resource_name`, the Deployment after `started_after` (what must be in place before a pod starts);
    returns the Deployment's name, or None while the app does not deploy."""
    labels = labels_of(app)

    def on_cluster(depends_on: Sequence[pulumi.Resource] = ()) -> pulumi.ResourceOptions:
        return component.child(provider=provider, depends_on=list(depends_on) or None)

    selector = k8s.meta.v1.LabelSelectorArgs(match_labels=labels)
    k8s.core.v1.Service(
        resource_name,
        metadata=namespaced(namespace, app, labels),
        spec=k8s.core.v1.ServiceSpecArgs(
            type="NodePort",
            # Cluster: every node forwards to any ready pod, so the ALB's view of a node never changes with a rollout
            # (Local would drop requests on a node whose last pod is leaving until the ALB's health checks notice).
            external_traffic_policy="Cluster",
            selector=labels,
            ports=[
                k8s.core.v1.ServicePortArgs(
                    name="http", port=80, target_port="http", node_port=settings.node_port, protocol="TCP"
                )
            ],
        ),
        opts=on_cluster(),
    )
    k8s.policy.v1.PodDisruptionBudget(
        resource_name,
        metadata=namespaced(namespace, app, labels),
        # One pod at a time, whatever the replica count: a minAvailable equal to dev's single replica would block
        # every node drain.
        spec=k8s.policy.v1.PodDisruptionBudgetSpecArgs(max_unavailable=1, selector=selector),
        opts=on_cluster(),
    )
    if not settings.deploy:
        return None
    deployment = k8s.apps.v1.Deployment(
        resource_name,
        metadata=namespaced(namespace, app, labels),
        spec=k8s.apps.v1.DeploymentSpecArgs(
            # No replicas: the HPA owns the count, and a deploy must not reset it.
            selector=selector,
            strategy=k8s.apps.v1.DeploymentStrategyArgs(
                type="RollingUpdate",
                rolling_update=k8s.apps.v1.RollingUpdateDeploymentArgs(max_unavailable=0, max_surge="25%"),
            ),
            template=k8s.core.v1.PodTemplateSpecArgs(
                metadata=k8s.meta.v1.ObjectMetaArgs(
                    labels=labels, annotations={SECRET_VERSIONS: secrets.versions} if secrets else None
                ),
                spec=app_pod_spec(
                    app,
                    settings,
                    image=image_of(settings, repository_url),
                    account=identity.account,
                    config_map=config_map,
                    secrets=secrets,
                    shared_files=shared_files,
                    shared_files_path=shared_files_path,
                ),
            ),
        ),
        # The association first: Pod Identity gives credentials only to pods created after it exists. The network
        # policies first: a pod started before them runs unrestricted. The database users first: the app signs in
        # as its own.
        opts=on_cluster([identity.association, *started_after]),
    )
    scaling = settings.autoscaling
    k8s.autoscaling.v2.HorizontalPodAutoscaler(
        resource_name,
        metadata=namespaced(namespace, app, labels),
        spec=k8s.autoscaling.v2.HorizontalPodAutoscalerSpecArgs(
            # By the name the Deployment is given, not its output: an HPA may exist before its target, so it need
            # not wait for the Deployment's rollout (the last wait of a first deploy).
            scale_target_ref=k8s.autoscaling.v2.CrossVersionObjectReferenceArgs(
                api_version="apps/v1", kind="Deployment", name=app
            ),
            min_replicas=scaling.min_replicas,
            max_replicas=scaling.max_replicas,
            metrics=[
                k8s.autoscaling.v2.MetricSpecArgs(
                    type="Resource",
                    resource=k8s.autoscaling.v2.ResourceMetricSourceArgs(
                        name="cpu",
                        target=k8s.autoscaling.v2.MetricTargetArgs(
                            type="Utilization", average_utilization=scaling.cpu_percent
                        ),
                    ),
                )
            ],
            behavior=k8s.autoscaling.v2.HorizontalPodAutoscalerBehaviorArgs(
                scale_down=k8s.autoscaling.v2.HPAScalingRulesArgs(
                    stabilization_window_seconds=scaling.scale_down_stabilization_seconds
                )
            ),
        ),
        opts=on_cluster(),
    )
    return deployment.metadata.name


def app_pod_spec(
    app: str,
    settings: AppConfig,
    *,
    image: pulumi.Input[str],
    account: k8s.core.v1.ServiceAccount,
    config_map: k8s.core.v1.ConfigMap,
    secrets: SecretsMount | None,
    shared_files: k8s.core.v1.PersistentVolumeClaim,
    shared_files_path: str,
) -> k8s.core.v1.PodSpecArgs:
    """The app's pod: its environment from the ConfigMap and from its secrets (mounted with its role, synced into a
    Secret), probes on /health, the shared files, spread over zones and nodes, and the rollout's timings."""
    probes, rollout = settings.probes, settings.rollout
    health = k8s.core.v1.HTTPGetActionArgs(path=HEALTH_PATH, port="http")

    def probe(failure_threshold: int) -> k8s.core.v1.ProbeArgs:
        return k8s.core.v1.ProbeArgs(
            http_get=health,
            period_seconds=probes.period_seconds,
            timeout_seconds=probes.timeout_seconds,
            failure_threshold=failure_threshold,
        )

    volumes = [
        k8s.core.v1.VolumeArgs(name="tmp", empty_dir=k8s.core.v1.EmptyDirVolumeSourceArgs(size_limit="1Gi")),
        k8s.core.v1.VolumeArgs(
            name=SHARED_FILES,
            persistent_volume_claim=k8s.core.v1.PersistentVolumeClaimVolumeSourceArgs(
                claim_name=shared_files.metadata.name
            ),
        ),
    ]
    mounts = [
        k8s.core.v1.VolumeMountArgs(name="tmp", mount_path="/tmp"),
        k8s.core.v1.VolumeMountArgs(name=SHARED_FILES, mount_path=shared_files_path),
    ]
    environment = [
        k8s.core.v1.EnvFromSourceArgs(config_map_ref=k8s.core.v1.ConfigMapEnvSourceArgs(name=config_map.metadata.name))
    ]
    if secrets is not None:
        volumes.append(secrets_volume(SECRETS, secrets.provider_class))
        mounts.append(k8s.core.v1.VolumeMountArgs(name=SECRETS, mount_path=SECRETS_PATH, read_only=True))
        environment.append(
            k8s.core.v1.EnvFromSourceArgs(secret_ref=k8s.core.v1.SecretEnvSourceArgs(name=secrets.synced_secret))
        )
    spread = [
        k8s.core.v1.TopologySpreadConstraintArgs(
            # ScheduleAnyway: the one node group spans the zones, and a pod must not wait for a zone's node.
            max_skew=1,
            topology_key=key,
            when_unsatisfiable="ScheduleAnyway",
            label_selector=k8s.meta.v1.LabelSelectorArgs(match_labels=labels_of(app)),
            # Spread each revision on its own, so a rollout's new pods spread too.
            match_label_keys=["pod-template-hash"],
        )
        for key in ("topology.kubernetes.io/zone", "kubernetes.io/hostname")
    ]
    return k8s.core.v1.PodSpecArgs(
        service_account_name=account.metadata.name,
        automount_service_account_token=False,
        security_context=restricted_pod(APP_USER),
        termination_grace_period_seconds=rollout.termination_grace_period_seconds,
        topology_spread_constraints=spread,
        volumes=volumes,
        containers=[
            restricted_container(
                name=app,
                image=image,
                ports=[k8s.core.v1.ContainerPortArgs(name="http", container_port=settings.container_port)],
                env_from=environment,
                resources=k8s.core.v1.ResourceRequirementsArgs(
                    requests=settings.resources.requests.model_dump(),
                    limits=settings.resources.limits.model_dump(),
                ),
                readiness_probe=probe(probes.failure_threshold),
                liveness_probe=probe(probes.failure_threshold),
                startup_probe=probe(math.ceil(probes.startup_seconds / probes.period_seconds)),
                lifecycle=k8s.core.v1.LifecycleArgs(
                    pre_stop=k8s.core.v1.LifecycleHandlerArgs(
                        sleep=k8s.core.v1.SleepActionArgs(seconds=rollout.pre_stop_sleep_seconds)
                    )
                ),
                volume_mounts=mounts,
            )
        ],
    )
