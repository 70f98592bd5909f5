"""The apps on EKS: one namespace under Pod Security Admission `restricted` with its network policies
(components/network_policies.py), the database users the apps sign in as (components/database_roles.py) and the
apps' secrets in Secrets Manager (components/app_secrets.py); per app (web, api, admin) a ServiceAccount with its own
IAM role through EKS Pod Identity (components/pod_identity.py), which may sign in to the database and the cache as the
app's own users and read the secrets it declares, and no others, a ConfigMap carrying the seed's plain runtime
environment (components/app_environment.py), a SecretProviderClass of its secrets (components/secrets_store.py), and
the Service, PodDisruptionBudget, Deployment and HPA that run it (components/app_deployment.py); and the shared EFS
files the apps mount.

ConfigMaps are auto-named: Pulumi replaces one whose data changes under a new name, the Deployment's pod template
names the new one, and the change rolls the pods; a new version of a secret rolls them through the template's
annotation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from components.app_deployment import SHARED_FILES, SecretsMount, app_workload
from components.app_environment import generated_secrets, plain_environment, secret_values
from components.app_secrets import AppSecrets, AppSecretsArgs, DisasterRecoveryKey
from components.base import Component, Platform
from components.config.apps import AppConfig, SecretVariable
from components.config.workloads import WorkloadsConfig, missing_keys, secrets_of
from components.database_roles import DatabaseRoles, DatabaseRolesArgs, DatabaseUser, app_user
from components.file_system import mount_statement
from components.interfaces import (
    Bucket,
    CacheConnection,
    DatabaseAdministration,
    EncryptedBucket,
    ImageRegistry,
    SecretsStoreCluster,
    SharedFiles,
    Vpc,
)
from components.network_policies import network_policies
from components.pod_identity import (
    bucket_key_statement,
    database_connect_statement,
    metrics_statement,
    pod_identity,
    read_secrets_statements,
)
from components.pods import labels_of, namespaced
from components.secrets_store import MountedSecret, secret_provider_class

EFS_DRIVER = "efs.csi.aws.com"


@dataclass(frozen=True, kw_only=True)
class WorkloadsArgs:
    config: WorkloadsConfig
    apps: Mapping[str, AppConfig]
    domain: str
    cluster: SecretsStoreCluster
    registry: ImageRegistry
    network: Vpc
    """The nodes in its private subnets forward the ALB's traffic to the pods (`externalTrafficPolicy: Cluster`);
    the database and the cache are in its data subnets."""
    database: DatabaseAdministration
    database_users: Sequence[DatabaseUser]
    """Every database user (components/database_roles.py), created here before any app starts."""
    database_roles_image_tag: str
    """The postgres image's tag whose psql creates them."""
    secrets_replica: DisasterRecoveryKey | None
    """Where the apps' secrets have their replica (`sentinel:backup.drRegion`, under its key)."""
    cache: CacheConnection
    uploads_bucket: EncryptedBucket
    """AWS_S3_BUCKET: the api reads and writes the apps' files there."""
    backups_bucket: Bucket
    """BACKUP_S3_BUCKET."""
    shared_files: SharedFiles


class Workloads(Component):
    namespace: pulumi.Output[str]
    namespace_name: str
    network_policies: list[pulumi.Resource]
    """Every pod of the namespace is created after them: a pod started earlier runs unrestricted."""
    deployment_names: dict[str, pulumi.Output[str]]
    role_arns: dict[str, pulumi.Output[str]]
    database_roles: DatabaseRoles
    secrets: AppSecrets

    def __init__(
        self, name: str, platform: Platform, args: WorkloadsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, platform, opts)
        self._args = args
        config = args.config
        self._warn_about_missing_keys(config)
        namespace = k8s.core.v1.Namespace(
            f"{name}-namespace",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                # Fixed name: the Pod Identity associations name the namespace before it exists.
                name=config.namespace,
                labels={
                    f"pod-security.kubernetes.io/{mode}": value
                    for mode in ("enforce", "audit", "warn")
                    for value in ["restricted"]
                }
                | {"pod-security.kubernetes.io/enforce-version": f"v{args.cluster.version}"},
            ),
            opts=self._on_cluster(),
        )
        self.namespace = namespace.metadata.name
        self.namespace_name = config.namespace
        self.network_policies = network_policies(
            self,
            name,
            namespace=config.namespace,
            apps=args.apps,
            network=args.network,
            smtp_port=config.smtp_port,
            provider=args.cluster.provider,
        )
        self.database_roles = DatabaseRoles(
            f"{name}-database-roles",
            platform,
            DatabaseRolesArgs(
                users=args.database_users,
                database=args.database,
                namespace=self,
                cluster=args.cluster,
                image_tag=args.database_roles_image_tag,
            ),
            opts=self.child(),
        )
        self.secrets = AppSecrets(
            f"{name}-secrets",
            platform,
            AppSecretsArgs(
                values=secret_values(generated_secrets(self, name), config),
                # The data key: the database's, which holds the master's secret too.
                key_arn=args.database.key_arn,
                disaster_recovery=args.secrets_replica,
            ),
            opts=self.child(),
        )
        claim = self._shared_files(name, args.shared_files)
        self.deployment_names, self.role_arns = {}, {}
        for app, settings in sorted(args.apps.items()):
            self._app(name, app, settings, claim=claim)
        self.register_outputs(
            {"namespace": self.namespace, "deploymentNames": self.deployment_names, "roleArns": self.role_arns}
        )

    def _warn_about_missing_keys(self, config: WorkloadsConfig) -> None:
        keys = missing_keys(config.keys)
        if keys:
            # Config refuses this in prod; elsewhere an app may run without its error tracker or mail.
            pulumi.log.warn(
                f"sentinel:workloads.keys has no {', '.join(keys)}: the apps run without them", resource=self
            )

    def _on_cluster(self) -> pulumi.ResourceOptions:
        return self.child(provider=self._args.cluster.provider)

    def _shared_files(self, name: str, shared: SharedFiles) -> k8s.core.v1.PersistentVolumeClaim:
        """A static volume on the storage tier's access point (the EFS CSI driver mounts `fs-…::fsap-…` with TLS and
        IAM authorization) and the ReadWriteMany claim the apps mount."""
        # With `iam`, the driver's node plugin mounts with its own identity, not the app pod's: the cluster gives it a
        # role, created with the EFS add-on, that may mount through the apps' access point only.
        volume = k8s.core.v1.PersistentVolume(
            f"{name}-{SHARED_FILES}",
            # Fixed name: the claim binds to it by name.
            metadata=k8s.meta.v1.ObjectMetaArgs(name=self.platform.name(SHARED_FILES)),
            spec=k8s.core.v1.PersistentVolumeSpecArgs(
                # EFS grows as it is written; Kubernetes requires a figure, which it does not enforce here.
                capacity={"storage": "100Gi"},
                access_modes=["ReadWriteMany"],
                persistent_volume_reclaim_policy="Retain",
                storage_class_name="",
                mount_options=["tls", "iam"],
                csi=k8s.core.v1.CSIPersistentVolumeSourceArgs(
                    driver=EFS_DRIVER,
                    volume_handle=pulumi.Output.concat(shared.id, "::", shared.access_point_id),
                ),
            ),
            opts=self._on_cluster(),
        )
        return k8s.core.v1.PersistentVolumeClaim(
            f"{name}-{SHARED_FILES}",
            metadata=namespaced(self.namespace_name, SHARED_FILES),
            spec=k8s.core.v1.PersistentVolumeClaimSpecArgs(
                access_modes=["ReadWriteMany"],
                storage_class_name="",
                volume_name=volume.metadata.name,
                resources=k8s.core.v1.VolumeResourceRequirementsArgs(requests={"storage": "100Gi"}),
            ),
            opts=self._on_cluster(),
        )

    def _app(
        self,
        name: str,
        app: str,
        settings: AppConfig,
        *,
        claim: k8s.core.v1.PersistentVolumeClaim,
    ) -> None:
        args, resource_name, labels = self._args, f"{name}-{app}", labels_of(app)
        # Exactly the secrets the app declares (a third-party key not set has none).
        variables: list[SecretVariable] = [v for v in secrets_of(app, args.config) if v in self.secrets.arns]
        identity = pod_identity(
            self,
            resource_name,
            service_account=app,
            namespace=self.namespace_name,
            cluster=args.cluster,
            statements=self._app_statements(app, settings, variables),
        )
        self.role_arns[app] = identity.role_arn
        config_map = k8s.core.v1.ConfigMap(
            resource_name,
            metadata=namespaced(self.namespace_name, labels=labels),
            data=plain_environment(
                app,
                settings,
                apps=args.apps,
                domain=args.domain,
                config=args.config,
                uploads_bucket=args.uploads_bucket,
                backups_bucket=args.backups_bucket,
                region=self.platform.region,
                database=args.database,
                cache=args.cache,
            ),
            opts=self._on_cluster(),
        )
        secrets, provider_class = self._secrets_mount(resource_name, app, variables)
        deployment_name = app_workload(
            self,
            resource_name,
            app,
            settings,
            namespace=self.namespace_name,
            provider=args.cluster.provider,
            repository_url=args.registry.repository_urls[app],
            identity=identity,
            config_map=config_map,
            secrets=secrets,
            shared_files=claim,
            shared_files_path=args.config.shared_files_path,
            started_after=[*self.network_policies, self.database_roles.job, *provider_class],
        )
        if deployment_name is not None:
            self.deployment_names[app] = deployment_name

    def _secrets_mount(
        self, resource_name: str, app: str, variables: Sequence[SecretVariable]
    ) -> tuple[SecretsMount | None, list[pulumi.Resource]]:
        """The app's SecretProviderClass of `variables`, each mounted and synced under its own name into the Secret
        `<app>-secrets`, and how its pods read it; none for an app that uses no secret."""
        if not variables:
            return None, []
        synced = f"{app}-secrets"
        provider_class = secret_provider_class(
            self,
            resource_name,
            name=synced,
            namespace=self.namespace_name,
            cluster=self._args.cluster,
            region=self.platform.region,
            secrets=[MountedSecret(self.secrets.arns[variable], alias=variable) for variable in variables],
            synced_secret=synced,
        )
        versions = pulumi.Output.all(*(self.secrets.version_ids[variable] for variable in variables)).apply(",".join)
        return SecretsMount(provider_class=synced, synced_secret=synced, versions=versions), [provider_class]

    def _app_statements(
        self, app: str, settings: AppConfig, variables: Sequence[SecretVariable]
    ) -> list[dict[str, Any]]:
        args = self._args
        statements = [metrics_statement(), cache_statement(app, args.cache)]
        if settings.database_access != "none":
            statements.append(database_connect_statement(args.database, app_user(app)))
        if variables:
            statements += read_secrets_statements(
                [self.secrets.arns[variable] for variable in variables], args.database.key_arn, self.platform.region
            )
        uploads = args.uploads_bucket
        if app == "api":
            statements += [
                {
                    "Sid": "ReadAndWriteUploads",
                    "Effect": "Allow",
                    "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                    "Resource": pulumi.Output.concat(uploads.arn, "/*"),
                },
                {"Sid": "ListUploads", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": uploads.arn},
                bucket_key_statement(uploads, self.platform.region, ["kms:Decrypt", "kms:GenerateDataKey"]),
            ]
        statements.append(mount_statement(args.shared_files))
        return statements


def cache_statement(app: str, cache: CacheConnection) -> dict[str, Any]:
    """Signing in to the cache as the app's own user: IAM authentication names both the cache and the user.
    https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth-iam.html"""
    return {
        "Sid": "ConnectAsOwnCacheUser",
        "Effect": "Allow",
        "Action": "elasticache:Connect",
        "Resource": [cache.arn, cache.user_arns[app]],
    }
