"""The apps on EKS: one namespace under Pod Security Admission `restricted` and a default-deny network policy;
per app (web, api, admin) a Deployment the HPA scales, a NodePort Service the ALB targets, a PodDisruptionBudget,
a ServiceAccount with its own IAM role through EKS Pod Identity, and a ConfigMap and a Secret carrying the seed's
runtime environment; the shared EFS files; and the seed's daily logical backup as a CronJob.

Zero-downtime rollouts (README, "Zero-downtime rollouts"): the ALB sends to NodePorts and never sees a pod
leave, so a pod is safe to stop once no node's kube-proxy routes to it. `maxUnavailable: 0` starts the new pod
first and readiness admits it; the terminating pod sleeps in `preStop` while kube-proxy drops it from the
Service, then gets SIGTERM and drains within `terminationGracePeriodSeconds`.

ConfigMaps and Secrets are auto-named: Pulumi replaces one whose data changes under a new name, the Deployment's
pod template names the new one, and the change rolls the pods.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s
import pulumi_random as random

from components.authentication import AUTHENTICATION_APP
from components.base import Component, Platform, iam_document
from components.cluster import pod_identity_trust
from components.config.apps import AppConfig
from components.config.workloads import WorkloadsConfig, missing_keys
from components.file_system import mount_statement
from components.ingress import HEALTH_PATH, host_of

METRICS_NAMESPACE = "ProjectSentinel"
POD_IDENTITY_AGENT = "169.254.170.23/32"
POSTGRES, REDIS, HTTPS, DNS = 5432, 6379, 443, 53
EFS_DRIVER = "efs.csi.aws.com"
# The uid of the unprivileged user the apps' images run as (the Next.js Dockerfile's `nextjs`).
APP_USER = 1001
# The backup's images (postgres, AWS CLI) default to root; `nobody` runs both.
NOBODY = 65534
LOGICAL_BACKUP = "logical-backup"
LOGICAL_BACKUP_PREFIX = "logical"
SHARED_FILES = "shared-files"
# The generated secrets every app shares: NextAuth signs sessions that the api verifies, and data encrypted by one
# app is read by another. Protected in prod: a new value logs everyone out and makes encrypted data unreadable.
GENERATED_SECRETS = ("NEXTAUTH_SECRET", "JWT_SECRET", "ENCRYPTION_KEY")


@dataclass(frozen=True)
class DataEndpoints:
    """The data tier's connection URLs, each a secret Output (they carry credentials)."""

    database_url: pulumi.Input[str]
    database_read_replica_url: pulumi.Input[str]
    redis_url: pulumi.Input[str]
    redis_password: pulumi.Input[str]


@dataclass(frozen=True)
class Bucket:
    """A storage-tier bucket and the KMS key its objects are encrypted with."""

    name: pulumi.Input[str]
    arn: pulumi.Input[str]
    kms_key_arn: pulumi.Input[str]


@dataclass(frozen=True)
class SharedFiles:
    """The storage tier's EFS file system and the access point the apps mount."""

    file_system_id: pulumi.Input[str]
    file_system_arn: pulumi.Input[str]
    access_point_id: pulumi.Input[str]
    access_point_arn: pulumi.Input[str]


@dataclass(frozen=True)
class WorkloadsArgs:
    config: WorkloadsConfig
    apps: Mapping[str, AppConfig]
    domain: str
    kubernetes_version: str
    cluster_name: pulumi.Input[str]
    provider: k8s.Provider
    repository_urls: Mapping[str, pulumi.Input[str]]
    node_cidrs: Sequence[str]
    """The private subnets: with `externalTrafficPolicy: Cluster` the ALB's traffic reaches pods from the nodes."""
    data_cidrs: Sequence[str]
    data: DataEndpoints | None = None
    uploads_bucket: Bucket | None = None
    backups_bucket: Bucket | None = None
    shared_files: SharedFiles | None = None


def labels_of(app: str) -> dict[str, str]:
    return {"app.kubernetes.io/name": app, "app.kubernetes.io/part-of": "sentinel"}


def plain_environment(
    app: AppConfig, apps: Mapping[str, AppConfig], config: WorkloadsConfig, args: WorkloadsArgs, region: str
) -> dict[str, pulumi.Input[str]]:
    """The seed's runtime variables that are not secret, then the app's own overrides. `NEXT_PUBLIC_*` are baked
    into the client bundle at build time; these serve the server runtime. Server-side calls to the API use
    `API_INTERNAL_URL`, the api Service inside the cluster: through the public URL they would leave by the NAT
    gateways and come back through Cloudflare's rate limits and bot protection."""

    def url(name: str, scheme: str = "https") -> str:
        return f"{scheme}://{host_of(apps[name], args.domain)}"

    environment: dict[str, pulumi.Input[str]] = {
        "NODE_ENV": "production",
        "NEXT_PUBLIC_APP_URL": url("web"),
        "NEXT_PUBLIC_API_URL": url("api"),
        "NEXT_PUBLIC_WS_URL": url("api", "wss"),
        # The api Service's cluster DNS name; its port is 80, plain HTTP's own.
        "API_INTERNAL_URL": f"http://api.{config.namespace}.svc.cluster.local",
        "NEXTAUTH_URL": url(AUTHENTICATION_APP),
        "DATABASE_POOL_SIZE": str(config.database_pool_size),
        "DATABASE_CONNECTION_TIMEOUT": str(config.database_connection_timeout_ms),
        "REDIS_DB": str(config.redis_db),
        "ZAI_API_URL": config.zai_api_url,
        "EMAIL_SMTP_HOST": config.smtp_host,
        "EMAIL_SMTP_PORT": str(config.smtp_port),
        "AWS_REGION": region,
        "LOG_LEVEL": config.log_level,
        "BACKUP_ENABLED": "true",
        "BACKUP_SCHEDULE": "daily",
        "BACKUP_RETENTION_DAYS": str(config.backup_retention_days),
        "BACKUP_COMPRESSION": "true",
        "BACKUP_DESTINATION": "s3",
        "RATE_LIMIT_REQUESTS": str(config.rate_limit_requests),
        "RATE_LIMIT_WINDOW": str(config.rate_limit_window_ms),
        "CSP_ENABLED": str(config.csp_enabled).lower(),
        "HSTS_ENABLED": str(config.hsts_enabled).lower(),
        "XSS_PROTECTION": str(config.xss_protection).lower(),
    }
    if args.uploads_bucket is not None:
        environment["AWS_S3_BUCKET"] = args.uploads_bucket.name
    if args.backups_bucket is not None:
        environment["BACKUP_S3_BUCKET"] = args.backups_bucket.name
    return {**environment, **app.env}


def image_of(app: AppConfig, repository_url: pulumi.Input[str]) -> pulumi.Output[str]:
    repository = pulumi.Output.from_input(app.image.repository or repository_url)
    reference = f"@{app.image.digest}" if app.image.digest else f":{app.image.tag}"
    return repository.apply(lambda base: base + reference)


def restricted_container(**settings: Any) -> k8s.core.v1.ContainerArgs:
    """A container as Pod Security Admission `restricted` wants it: no privilege, no capabilities, read-only root."""
    return k8s.core.v1.ContainerArgs(
        security_context=k8s.core.v1.SecurityContextArgs(
            allow_privilege_escalation=False,
            read_only_root_filesystem=True,
            run_as_non_root=True,
            capabilities=k8s.core.v1.CapabilitiesArgs(drop=["ALL"]),
        ),
        **settings,
    )


def restricted_pod(user: int) -> k8s.core.v1.PodSecurityContextArgs:
    return k8s.core.v1.PodSecurityContextArgs(
        run_as_non_root=True,
        run_as_user=user,
        run_as_group=user,
        fs_group=user,
        seccomp_profile=k8s.core.v1.SeccompProfileArgs(type="RuntimeDefault"),
    )


def metrics_statement() -> dict[str, Any]:
    """PutMetricData accepts no resource: the condition keeps each role to the apps' own namespace."""
    return {
        "Sid": "PutAppMetrics",
        "Effect": "Allow",
        "Action": "cloudwatch:PutMetricData",
        "Resource": "*",
        "Condition": {"StringEquals": {"cloudwatch:namespace": METRICS_NAMESPACE}},
    }


def bucket_key_statement(bucket: Bucket, region: str, actions: Sequence[str]) -> dict[str, Any]:
    """Use of a bucket's KMS key through S3 for that bucket only (its ARN is the encryption context)."""
    return {
        "Sid": "UseTheBucketKey",
        "Effect": "Allow",
        "Action": list(actions),
        "Resource": bucket.kms_key_arn,
        "Condition": {
            "StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"},
            "StringLike": {"kms:EncryptionContext:aws:s3:arn": [bucket.arn, pulumi.Output.concat(bucket.arn, "/*")]},
        },
    }


class Workloads(Component):
    namespace: pulumi.Output[str]
    deployment_names: dict[str, pulumi.Output[str]]
    role_arns: dict[str, pulumi.Output[str]]
    logical_backup_name: pulumi.Output[str] | None
    """The logical-backup CronJob, once the database and the backups bucket are given."""

    def __init__(
        self, name: str, platform: Platform, args: WorkloadsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, platform, opts)
        self._args = args
        self._warn_about_missing_inputs(args)
        on_cluster = self.child(provider=args.provider)
        namespace = k8s.core.v1.Namespace(
            f"{name}-namespace",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                # Fixed name: the Pod Identity associations name the namespace before it exists.
                name=args.config.namespace,
                labels={
                    f"pod-security.kubernetes.io/{mode}": value
                    for mode in ("enforce", "audit", "warn")
                    for value in ["restricted"]
                }
                | {"pod-security.kubernetes.io/enforce-version": f"v{args.kubernetes_version}"},
            ),
            opts=on_cluster,
        )
        self.namespace = namespace.metadata.name
        network_policies = self._network_policies(name, args)
        generated = {
            variable: random.RandomPassword(
                f"{name}-{variable.lower().replace('_', '-')}", length=64, special=False, opts=self.stateful()
            ).result
            for variable in GENERATED_SECRETS
        }
        self.deployment_names, self.role_arns = {}, {}
        claim = self._shared_files(name, args.shared_files) if args.shared_files is not None else None
        for app, settings in sorted(args.apps.items()):
            self._app(name, app, settings, generated=generated, claim=claim, network_policies=network_policies)
        self.logical_backup_name = (
            self._logical_backup(name, args.data, args.backups_bucket, network_policies)
            if args.data is not None and args.backups_bucket is not None
            else None
        )
        self.register_outputs(
            {
                "namespace": self.namespace,
                "deploymentNames": self.deployment_names,
                "roleArns": self.role_arns,
                "logicalBackupName": self.logical_backup_name,
            }
        )

    # --- What is not there yet -------------------------------------------------------------------------------

    def _warn_about_missing_inputs(self, args: WorkloadsArgs) -> None:
        missing = [
            what
            for what, given in (
                ("the data tier's connection URLs (DATABASE_URL, DATABASE_READ_REPLICA_URL, REDIS_URL)", args.data),
                ("the uploads bucket (AWS_S3_BUCKET)", args.uploads_bucket),
                ("the backups bucket (BACKUP_S3_BUCKET, the logical backup)", args.backups_bucket),
                ("the shared EFS files", args.shared_files),
            )
            if given is None
        ]
        if missing:
            pulumi.log.warn(f"the apps run without {'; '.join(missing)}: WorkloadsArgs takes each", resource=self)
        keys = missing_keys(args.config.keys)
        if keys:
            # Config refuses this in prod; elsewhere an app may run without its error tracker or mail.
            pulumi.log.warn(
                f"sentinel:workloads.keys has no {', '.join(keys)}: the apps run without them", resource=self
            )

    # --- Namespace-wide ----------------------------------------------------------------------------------------

    def _k8s(self, **options: Any) -> pulumi.ResourceOptions:
        return self.child(provider=self._args.provider, **options)

    def _metadata(self, name: str | None = None, labels: Mapping[str, str] | None = None) -> k8s.meta.v1.ObjectMetaArgs:
        return k8s.meta.v1.ObjectMetaArgs(name=name, namespace=self._args.config.namespace, labels=dict(labels or {}))

    def _network_policies(self, name: str, args: WorkloadsArgs) -> list[pulumi.Resource]:
        """Nothing in or out of the namespace unless allowed below: ingress to each app's port from the nodes (the
        ALB's traffic arrives through a node's NodePort, source-NATed to that node's address under
        `externalTrafficPolicy: Cluster`); egress to DNS, the Pod Identity agent, the data tier and HTTPS; and the
        other apps' server-side calls to the api (API_INTERNAL_URL), out of their pods and into the api's, on the
        api's container port (a policy sees the pod's port: the Service's is translated before it applies)."""

        def ports(*numbers: int, protocol: str = "TCP") -> list[k8s.networking.v1.NetworkPolicyPortArgs]:
            return [k8s.networking.v1.NetworkPolicyPortArgs(port=port, protocol=protocol) for port in numbers]

        def to_cidrs(cidrs: Sequence[str]) -> list[k8s.networking.v1.NetworkPolicyPeerArgs]:
            return [
                k8s.networking.v1.NetworkPolicyPeerArgs(ip_block=k8s.networking.v1.IPBlockArgs(cidr=c)) for c in cidrs
            ]

        def pods_of(app: str) -> k8s.meta.v1.LabelSelectorArgs:
            return k8s.meta.v1.LabelSelectorArgs(match_labels=labels_of(app))

        def peer(app: str) -> k8s.networking.v1.NetworkPolicyPeerArgs:
            return k8s.networking.v1.NetworkPolicyPeerArgs(pod_selector=pods_of(app))

        everything = k8s.meta.v1.LabelSelectorArgs()
        default_deny = k8s.networking.v1.NetworkPolicy(
            f"{name}-default-deny",
            metadata=self._metadata("default-deny"),
            spec=k8s.networking.v1.NetworkPolicySpecArgs(pod_selector=everything, policy_types=["Ingress", "Egress"]),
            opts=self._k8s(),
        )
        kube_dns = k8s.networking.v1.NetworkPolicyPeerArgs(
            namespace_selector=k8s.meta.v1.LabelSelectorArgs(
                match_labels={"kubernetes.io/metadata.name": "kube-system"}
            ),
            pod_selector=k8s.meta.v1.LabelSelectorArgs(match_labels={"k8s-app": "kube-dns"}),
        )
        egress = k8s.networking.v1.NetworkPolicy(
            f"{name}-egress",
            metadata=self._metadata("allow-egress"),
            spec=k8s.networking.v1.NetworkPolicySpecArgs(
                pod_selector=everything,
                policy_types=["Egress"],
                egress=[
                    k8s.networking.v1.NetworkPolicyEgressRuleArgs(
                        to=[kube_dns], ports=[*ports(DNS, protocol="UDP"), *ports(DNS)]
                    ),
                    k8s.networking.v1.NetworkPolicyEgressRuleArgs(to=to_cidrs([POD_IDENTITY_AGENT]), ports=ports(80)),
                    k8s.networking.v1.NetworkPolicyEgressRuleArgs(
                        to=to_cidrs(args.data_cidrs), ports=ports(POSTGRES, REDIS)
                    ),
                    # AWS APIs, the S3 gateway endpoint's public ranges, and the third-party services; SMTP submission.
                    k8s.networking.v1.NetworkPolicyEgressRuleArgs(
                        to=to_cidrs(["0.0.0.0/0"]), ports=ports(HTTPS, args.config.smtp_port)
                    ),
                ],
            ),
            opts=self._k8s(),
        )
        ingress = [
            k8s.networking.v1.NetworkPolicy(
                f"{name}-{app}-ingress",
                metadata=self._metadata(f"allow-{app}-from-nodes"),
                spec=k8s.networking.v1.NetworkPolicySpecArgs(
                    pod_selector=pods_of(app),
                    policy_types=["Ingress"],
                    ingress=[
                        k8s.networking.v1.NetworkPolicyIngressRuleArgs(
                            from_=to_cidrs(args.node_cidrs), ports=ports(settings.container_port)
                        )
                    ],
                ),
                opts=self._k8s(),
            )
            for app, settings in sorted(args.apps.items())
        ]
        clients = sorted(app for app in args.apps if app != "api")
        api_port = ports(args.apps["api"].container_port)
        to_api = [
            k8s.networking.v1.NetworkPolicy(
                f"{name}-{client}-to-api",
                metadata=self._metadata(f"allow-{client}-to-api"),
                spec=k8s.networking.v1.NetworkPolicySpecArgs(
                    pod_selector=pods_of(client),
                    policy_types=["Egress"],
                    egress=[k8s.networking.v1.NetworkPolicyEgressRuleArgs(to=[peer("api")], ports=api_port)],
                ),
                opts=self._k8s(),
            )
            for client in clients
        ]
        api_from_clients = k8s.networking.v1.NetworkPolicy(
            f"{name}-api-from-apps",
            metadata=self._metadata("allow-api-from-apps"),
            spec=k8s.networking.v1.NetworkPolicySpecArgs(
                pod_selector=pods_of("api"),
                policy_types=["Ingress"],
                ingress=[
                    k8s.networking.v1.NetworkPolicyIngressRuleArgs(
                        from_=[peer(client) for client in clients], ports=api_port
                    )
                ],
            ),
            opts=self._k8s(),
        )
        return [default_deny, egress, *ingress, *to_api, api_from_clients]

    def _shared_files(self, name: str, shared: SharedFiles) -> k8s.core.v1.PersistentVolumeClaim:
        """A static volume on the storage tier's access point (the EFS CSI driver mounts `fs-…::fsap-…` with TLS and
        IAM authorization) and the ReadWriteMany claim the apps mount."""
        # With `iam`, the driver's node plugin mounts with its own identity, not the app pod's: the cluster gives it a
        # role, created with the EFS add-on, that may mount through the apps' access point only.
        volume_name = self.platform.name(SHARED_FILES)
        volume = k8s.core.v1.PersistentVolume(
            f"{name}-{SHARED_FILES}",
            # Fixed name: the claim binds to it by name.
            metadata=k8s.meta.v1.ObjectMetaArgs(name=volume_name),
            spec=k8s.core.v1.PersistentVolumeSpecArgs(
                # EFS grows as it is written; Kubernetes requires a figure, which it does not enforce here.
                capacity={"storage": "100Gi"},
                access_modes=["ReadWriteMany"],
                persistent_volume_reclaim_policy="Retain",
                storage_class_name="",
                mount_options=["tls", "iam"],
                csi=k8s.core.v1.CSIPersistentVolumeSourceArgs(
                    driver=EFS_DRIVER,
                    volume_handle=pulumi.Output.concat(shared.file_system_id, "::", shared.access_point_id),
                ),
            ),
            opts=self._k8s(),
        )
        return k8s.core.v1.PersistentVolumeClaim(
            f"{name}-{SHARED_FILES}",
            metadata=self._metadata(SHARED_FILES),
            spec=k8s.core.v1.PersistentVolumeClaimSpecArgs(
                access_modes=["ReadWriteMany"],
                storage_class_name="",
                volume_name=volume.metadata.name,
                resources=k8s.core.v1.VolumeResourceRequirementsArgs(requests={"storage": "100Gi"}),
            ),
            opts=self._k8s(),
        )

    # --- Identity ----------------------------------------------------------------------------------------------

    def _identity(
        self, name: str, service_account: str, statements: Sequence[Mapping[str, Any]]
    ) -> tuple[k8s.core.v1.ServiceAccount, aws.eks.PodIdentityAssociation]:
        """A ServiceAccount and the IAM role its pods assume through EKS Pod Identity, allowed `statements` only."""
        account = k8s.core.v1.ServiceAccount(
            f"{name}-{service_account}",
            metadata=self._metadata(service_account),
            automount_service_account_token=False,
            opts=self._k8s(),
        )
        platform = self.platform
        role = self.role(f"{name}-{service_account}", service_account, pod_identity_trust(platform.account_id))
        aws.iam.RolePolicy(
            f"{name}-{service_account}", role=role.id, policy=iam_document(list(statements)), opts=self.child()
        )
        self.role_arns[service_account] = role.arn
        association = aws.eks.PodIdentityAssociation(
            f"{name}-{service_account}",
            cluster_name=self._args.cluster_name,
            namespace=self._args.config.namespace,
            service_account=service_account,
            role_arn=role.arn,
            tags={"Name": platform.name(service_account)},
            opts=self.child(),
        )
        return account, association

    def _app_statements(self, app: str) -> list[dict[str, Any]]:
        args, region = self._args, self.platform.region
        statements = [metrics_statement()]
        uploads = args.uploads_bucket
        if app == "api" and uploads is not None:
            statements += [
                {
                    "Sid": "ReadAndWriteUploads",
                    "Effect": "Allow",
                    "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                    "Resource": pulumi.Output.concat(uploads.arn, "/*"),
                },
                {"Sid": "ListUploads", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": uploads.arn},
                bucket_key_statement(uploads, region, ["kms:Decrypt", "kms:GenerateDataKey"]),
            ]
        shared = args.shared_files
        if shared is not None:
            statements.append(mount_statement(shared.file_system_arn, shared.access_point_arn))
        return statements

    # --- The apps ----------------------------------------------------------------------------------------------

    def _secret_environment(self, generated: Mapping[str, pulumi.Output[str]]) -> dict[str, pulumi.Input[str]]:
        args = self._args
        values: dict[str, pulumi.Input[str]] = dict(generated)
        if args.data is not None:
            values |= {
                "DATABASE_URL": args.data.database_url,
                "DATABASE_READ_REPLICA_URL": args.data.database_read_replica_url,
                "REDIS_URL": args.data.redis_url,
                "REDIS_PASSWORD": args.data.redis_password,
            }
        keys = args.config.keys
        for variable, key in (
            ("ZAI_API_KEY", keys.zai_api_key),
            ("SENTRY_DSN", keys.sentry_dsn),
            ("NEW_RELIC_LICENSE_KEY", keys.new_relic_license_key),
            ("EMAIL_SMTP_USER", keys.smtp_user),
            ("EMAIL_SMTP_PASS", keys.smtp_password),
        ):
            if key is not None:
                values[variable] = key.output
        # Secret end to end: whatever a caller passed, the Secret's data is a secret Output in state and previews.
        return {variable: pulumi.Output.secret(value) for variable, value in values.items()}

    def _app(
        self,
        name: str,
        app: str,
        settings: AppConfig,
        *,
        generated: Mapping[str, pulumi.Output[str]],
        claim: k8s.core.v1.PersistentVolumeClaim | None,
        network_policies: Sequence[pulumi.Resource],
    ) -> None:
        args, labels = self._args, labels_of(app)
        account, association = self._identity(name, app, self._app_statements(app))
        config_map = k8s.core.v1.ConfigMap(
            f"{name}-{app}",
            metadata=self._metadata(labels=labels),
            data=plain_environment(settings, args.apps, args.config, args, self.platform.region),
            opts=self._k8s(),
        )
        secret = k8s.core.v1.Secret(
            f"{name}-{app}",
            metadata=self._metadata(labels=labels),
            type="Opaque",
            string_data=self._secret_environment(generated),
            opts=self._k8s(),
        )
        selector = k8s.meta.v1.LabelSelectorArgs(match_labels=labels)
        k8s.core.v1.Service(
            f"{name}-{app}",
            metadata=self._metadata(app, labels),
            spec=k8s.core.v1.ServiceSpecArgs(
                type="NodePort",
                # Cluster: every node forwards to any ready pod, so the ALB's view of a node never changes with a
                # rollout (Local would drop requests on a node whose last pod is leaving until the ALB's health
                # checks notice).
                external_traffic_policy="Cluster",
                selector=labels,
                ports=[
                    k8s.core.v1.ServicePortArgs(
                        name="http", port=80, target_port="http", node_port=settings.node_port, protocol="TCP"
                    )
                ],
            ),
            opts=self._k8s(),
        )
        k8s.policy.v1.PodDisruptionBudget(
            f"{name}-{app}",
            metadata=self._metadata(app, labels),
            # One pod at a time, whatever the replica count: a minAvailable equal to dev's single replica would
            # block every node drain.
            spec=k8s.policy.v1.PodDisruptionBudgetSpecArgs(max_unavailable=1, selector=selector),
            opts=self._k8s(),
        )
        if not settings.deploy:
            return
        deployment = k8s.apps.v1.Deployment(
            f"{name}-{app}",
            metadata=self._metadata(app, labels),
            spec=k8s.apps.v1.DeploymentSpecArgs(
                # No replicas: the HPA owns the count, and a deploy must not reset it.
                selector=selector,
                strategy=k8s.apps.v1.DeploymentStrategyArgs(
                    type="RollingUpdate",
                    rolling_update=k8s.apps.v1.RollingUpdateDeploymentArgs(max_unavailable=0, max_surge="25%"),
                ),
                template=k8s.core.v1.PodTemplateSpecArgs(
                    metadata=k8s.meta.v1.ObjectMetaArgs(labels=labels),
                    spec=self._pod_spec(
                        app, settings, account=account, config_map=config_map, secret=secret, claim=claim
                    ),
                ),
            ),
            # The association first: Pod Identity gives credentials only to pods created after it exists. The network
            # policies first: a pod started before them runs unrestricted.
            opts=self._k8s(depends_on=[association, *network_policies]),
        )
        self.deployment_names[app] = deployment.metadata.name
        scaling = settings.autoscaling
        k8s.autoscaling.v2.HorizontalPodAutoscaler(
            f"{name}-{app}",
            metadata=self._metadata(app, labels),
            spec=k8s.autoscaling.v2.HorizontalPodAutoscalerSpecArgs(
                scale_target_ref=k8s.autoscaling.v2.CrossVersionObjectReferenceArgs(
                    api_version="apps/v1", kind="Deployment", name=deployment.metadata.name
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
            opts=self._k8s(),
        )

    def _pod_spec(
        self,
        app: str,
        settings: AppConfig,
        *,
        account: k8s.core.v1.ServiceAccount,
        config_map: k8s.core.v1.ConfigMap,
        secret: k8s.core.v1.Secret,
        claim: k8s.core.v1.PersistentVolumeClaim | None,
    ) -> k8s.core.v1.PodSpecArgs:
        args, probes, rollout = self._args, settings.probes, settings.rollout
        health = k8s.core.v1.HTTPGetActionArgs(path=HEALTH_PATH, port="http")

        def probe(failure_threshold: int) -> k8s.core.v1.ProbeArgs:
            return k8s.core.v1.ProbeArgs(
                http_get=health,
                period_seconds=probes.period_seconds,
                timeout_seconds=probes.timeout_seconds,
                failure_threshold=failure_threshold,
            )

        volumes = [k8s.core.v1.VolumeArgs(name="tmp", empty_dir=k8s.core.v1.EmptyDirVolumeSourceArgs(size_limit="1Gi"))]
        mounts = [k8s.core.v1.VolumeMountArgs(name="tmp", mount_path="/tmp")]
        if claim is not None:
            volumes.append(
                k8s.core.v1.VolumeArgs(
                    name=SHARED_FILES,
                    persistent_volume_claim=k8s.core.v1.PersistentVolumeClaimVolumeSourceArgs(
                        claim_name=claim.metadata.name
                    ),
                )
            )
            mounts.append(k8s.core.v1.VolumeMountArgs(name=SHARED_FILES, mount_path=args.config.shared_files_path))
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
                    image=image_of(settings, args.repository_urls[app]),
                    ports=[k8s.core.v1.ContainerPortArgs(name="http", container_port=settings.container_port)],
                    env_from=[
                        k8s.core.v1.EnvFromSourceArgs(
                            config_map_ref=k8s.core.v1.ConfigMapEnvSourceArgs(name=config_map.metadata.name)
                        ),
                        k8s.core.v1.EnvFromSourceArgs(
                            secret_ref=k8s.core.v1.SecretEnvSourceArgs(name=secret.metadata.name)
                        ),
                    ],
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

    # --- The logical backup ------------------------------------------------------------------------------------

    def _logical_backup(
        self, name: str, data: DataEndpoints, bucket: Bucket, network_policies: Sequence[pulumi.Resource]
    ) -> pulumi.Output[str]:
        """The seed's daily `pg_dump`: the dump, compressed (pg_dump's custom format), to the backups bucket under
        `logical/<yyyy>/<mm>/<dd>/`. Its success is the metric `LogicalBackupSucceeded` (CronJob = its name), put
        only after the upload: a failed, hung or skipped run sends nothing, which the monitoring tier's
        `LogicalBackupMissing` alarm treats as breaching."""
        config = self._args.config.logical_backup
        account, association = self._identity(
            name,
            LOGICAL_BACKUP,
            [
                metrics_statement(),
                {
                    "Sid": "PutDumps",
                    "Effect": "Allow",
                    "Action": "s3:PutObject",
                    "Resource": pulumi.Output.concat(bucket.arn, f"/{LOGICAL_BACKUP_PREFIX}/*"),
                },
                # Decrypt too: `aws s3 cp` uploads a dump over 8 MB in parts, and S3 decrypts the data key to join them.
                bucket_key_statement(bucket, self.platform.region, ["kms:Decrypt", "kms:GenerateDataKey"]),
            ],
        )
        secret = k8s.core.v1.Secret(
            f"{name}-{LOGICAL_BACKUP}",
            metadata=self._metadata(labels=labels_of(LOGICAL_BACKUP)),
            type="Opaque",
            string_data={"DATABASE_URL": pulumi.Output.secret(data.database_url)},
            opts=self._k8s(),
        )
        scratch = k8s.core.v1.VolumeMountArgs(name="scratch", mount_path="/backup")
        tmp = k8s.core.v1.VolumeMountArgs(name="tmp", mount_path="/tmp")
        resources = k8s.core.v1.ResourceRequirementsArgs(
            requests={"cpu": "100m", "memory": "256Mi"}, limits={"cpu": "1", "memory": "512Mi"}
        )
        upload = (
            'set -eu; key="' + LOGICAL_BACKUP_PREFIX + '/$(date -u +%Y/%m/%d)/$(date -u +%Y%m%dT%H%M%SZ).dump"; '
            'aws s3 cp /backup/database.dump "s3://${BACKUP_S3_BUCKET}/${key}"; '
            f"aws cloudwatch put-metric-data --namespace {METRICS_NAMESPACE} --metric-name LogicalBackupSucceeded "
            f"--dimensions CronJob={LOGICAL_BACKUP} --value 1"
        )
        cron_job = k8s.batch.v1.CronJob(
            f"{name}-{LOGICAL_BACKUP}",
            metadata=self._metadata(LOGICAL_BACKUP, labels_of(LOGICAL_BACKUP)),
            spec=k8s.batch.v1.CronJobSpecArgs(
                schedule=config.schedule,
                time_zone="Etc/UTC",
                concurrency_policy="Forbid",
                starting_deadline_seconds=3600,
                successful_jobs_history_limit=3,
                failed_jobs_history_limit=3,
                job_template=k8s.batch.v1.JobTemplateSpecArgs(
                    spec=k8s.batch.v1.JobSpecArgs(
                        backoff_limit=2,
                        active_deadline_seconds=3 * 3600,
                        ttl_seconds_after_finished=86400,
                        template=k8s.core.v1.PodTemplateSpecArgs(
                            metadata=k8s.meta.v1.ObjectMetaArgs(labels=labels_of(LOGICAL_BACKUP)),
                            spec=k8s.core.v1.PodSpecArgs(
                                service_account_name=account.metadata.name,
                                automount_service_account_token=False,
                                restart_policy="Never",
                                security_context=restricted_pod(NOBODY),
                                volumes=[
                                    k8s.core.v1.VolumeArgs(
                                        name="scratch",
                                        empty_dir=k8s.core.v1.EmptyDirVolumeSourceArgs(size_limit=config.scratch_size),
                                    ),
                                    k8s.core.v1.VolumeArgs(
                                        name="tmp", empty_dir=k8s.core.v1.EmptyDirVolumeSourceArgs()
                                    ),
                                ],
                                init_containers=[
                                    restricted_container(
                                        name="dump",
                                        image=f"public.ecr.aws/docker/library/postgres:{config.postgres_image_tag}",
                                        command=[
                                            "sh",
                                            "-c",
                                            'pg_dump --format=custom --compress=9 --no-owner --dbname="$DATABASE_URL" '
                                            "--file=/backup/database.dump",
                                        ],
                                        env_from=[
                                            k8s.core.v1.EnvFromSourceArgs(
                                                secret_ref=k8s.core.v1.SecretEnvSourceArgs(name=secret.metadata.name)
                                            )
                                        ],
                                        resources=resources,
                                        volume_mounts=[scratch, tmp],
                                    )
                                ],
                                containers=[
                                    restricted_container(
                                        name="upload",
                                        image=f"public.ecr.aws/aws-cli/aws-cli:{config.aws_cli_image_tag}",
                                        command=["sh", "-c", upload],
                                        env=[
                                            k8s.core.v1.EnvVarArgs(name="BACKUP_S3_BUCKET", value=bucket.name),
                                            k8s.core.v1.EnvVarArgs(name="AWS_REGION", value=self.platform.region),
                                            k8s.core.v1.EnvVarArgs(name="HOME", value="/tmp"),
                                        ],
                                        resources=resources,
                                        volume_mounts=[scratch, tmp],
                                    )
                                ],
                            ),
                        ),
                    )
                ),
            ),
            opts=self._k8s(depends_on=[association, *network_policies]),
        )
        return cron_job.metadata.name
