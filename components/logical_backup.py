"""The seed's daily logical backup: a CronJob in the apps' namespace that dumps the database with `pg_dump` to the
backups bucket, with its own ServiceAccount and IAM role (through EKS Pod Identity), signing in as the database's
read-only `logical_backup` user with an IAM token, and reports each success as a metric whose absence the
`LogicalBackupMissing` alarm watches.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from components.base import Component, Platform
from components.config.workloads import LogicalBackupConfig
from components.database import PORT
from components.database_roles import LOGICAL_BACKUP_USER
from components.interfaces import AppNamespace, DatabaseConnection, EncryptedBucket, KubernetesCluster
from components.pod_identity import bucket_key_statement, database_connect_statement, metrics_statement, pod_identity
from components.pods import job_pod, labels_of, namespaced, restricted_container
from facts.metrics import APP_METRICS_NAMESPACE, LOGICAL_BACKUP_METRIC

LOGICAL_BACKUP = "logical-backup"
"""The CronJob's and its ServiceAccount's name."""
LOGICAL_BACKUP_PREFIX = "logical"
"""Where in the backups bucket the dumps go."""
# The images (postgres, AWS CLI) default to root; `nobody` runs both.


@dataclass(frozen=True, kw_only=True)
class LogicalBackupArgs:
    config: LogicalBackupConfig
    namespace: AppNamespace
    """The apps' namespace: the job runs there, under its network policies."""
    cluster: KubernetesCluster
    database: DatabaseConnection
    """What is dumped, through the proxy's read-write endpoint, as the read-only `logical_backup` user."""
    database_users: pulumi.Resource
    """What creates that user (components/database_roles.py): the job waits for it."""
    bucket: EncryptedBucket
    """The backups bucket."""
    previous_parent: pulumi.Resource
    """The Workloads component, which these resources belonged to before the logical backup had a component of its
    own: an alias to it moves each of them rather than replacing it. Removable once every stack has been updated."""


class LogicalBackup(Component):
    cron_job_name: str

    def __init__(
        self, name: str, platform: Platform, args: LogicalBackupArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, platform, opts)
        self._previous_parent = args.previous_parent
        config, namespace, bucket, labels = args.config, args.namespace, args.bucket, labels_of(LOGICAL_BACKUP)
        identity = pod_identity(
            self,
            name,
            service_account=LOGICAL_BACKUP,
            namespace=namespace.namespace_name,
            cluster=args.cluster,
            statements=[
                metrics_statement(),
                {
                    "Sid": "PutDumps",
                    "Effect": "Allow",
                    "Action": "s3:PutObject",
                    "Resource": pulumi.Output.concat(bucket.arn, f"/{LOGICAL_BACKUP_PREFIX}/*"),
                },
                # Decrypt too: `aws s3 cp` uploads a dump over 8 MB in parts, and S3 decrypts the data key to join them.
                bucket_key_statement(bucket, platform.region, ["kms:Decrypt", "kms:GenerateDataKey"]),
                database_connect_statement(args.database, LOGICAL_BACKUP_USER.name),
            ],
        )
        scratch = k8s.core.v1.VolumeMountArgs(name="scratch", mount_path="/backup")
        tmp = k8s.core.v1.VolumeMountArgs(name="tmp", mount_path="/tmp")
        token = k8s.core.v1.VolumeMountArgs(name="token", mount_path="/token")
        host = k8s.core.v1.EnvVarArgs(name="DATABASE_HOST", value=args.database.writer_endpoint)
        region = k8s.core.v1.EnvVarArgs(name="AWS_REGION", value=platform.region)
        home = k8s.core.v1.EnvVarArgs(name="HOME", value="/tmp")
        resources = k8s.core.v1.ResourceRequirementsArgs(
            requests={"cpu": "100m", "memory": "256Mi"}, limits={"cpu": "1", "memory": "512Mi"}
        )
        # The metric only after the upload: a failed, hung or skipped run sends nothing.
        upload = (
            'set -eu; key="' + LOGICAL_BACKUP_PREFIX + '/$(date -u +%Y/%m/%d)/$(date -u +%Y%m%dT%H%M%SZ).dump"; '
            'aws s3 cp /backup/database.dump "s3://${BACKUP_S3_BUCKET}/${key}"; '
            f"aws cloudwatch put-metric-data --namespace {APP_METRICS_NAMESPACE} --metric-name {LOGICAL_BACKUP_METRIC} "
            f"--dimensions CronJob={LOGICAL_BACKUP} --value 1"
        )
        k8s.batch.v1.CronJob(
            name,
            metadata=namespaced(namespace.namespace_name, LOGICAL_BACKUP, labels),
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
                        template=job_pod(
                            labels,
                            identity.account.metadata.name,
                            volumes=[
                                k8s.core.v1.VolumeArgs(
                                    name="scratch",
                                    empty_dir=k8s.core.v1.EmptyDirVolumeSourceArgs(size_limit=config.scratch_size),
                                ),
                                k8s.core.v1.VolumeArgs(name="tmp", empty_dir=k8s.core.v1.EmptyDirVolumeSourceArgs()),
                                # The token in memory: it signs in as the backup's user for 15 minutes.
                                k8s.core.v1.VolumeArgs(
                                    name="token",
                                    empty_dir=k8s.core.v1.EmptyDirVolumeSourceArgs(medium="Memory", size_limit="1Mi"),
                                ),
                            ],
                            init_containers=[
                                # An IAM token for the proxy's endpoint, signed with the pod's role (no call).
                                restricted_container(
                                    name="token",
                                    image=f"public.ecr.aws/aws-cli/aws-cli:{config.aws_cli_image_tag}",
                                    command=[
                                        "sh",
                                        "-c",
                                        'aws rds generate-db-auth-token --hostname "$DATABASE_HOST" '
                                        f"--port {PORT} --username {LOGICAL_BACKUP_USER.name} "
                                        '--region "$AWS_REGION" > /token/password',
                                    ],
                                    env=[host, region, home],
                                    resources=resources,
                                    volume_mounts=[token, tmp],
                                ),
                                restricted_container(
                                    name="dump",
                                    image=f"public.ecr.aws/docker/library/postgres:{config.postgres_image_tag}",
                                    command=[
                                        "sh",
                                        "-c",
                                        'PGPASSWORD="$(cat /token/password)" exec pg_dump --format=custom '
                                        '--compress=9 --no-owner --file=/backup/database.dump --dbname="host='
                                        f"$DATABASE_HOST port={PORT} dbname={args.database.database_name} "
                                        f'user={LOGICAL_BACKUP_USER.name} sslmode=require"',
                                    ],
                                    env=[host],
                                    resources=resources,
                                    volume_mounts=[scratch, tmp, token],
                                ),
                            ],
                            containers=[
                                restricted_container(
                                    name="upload",
                                    image=f"public.ecr.aws/aws-cli/aws-cli:{config.aws_cli_image_tag}",
                                    command=["sh", "-c", upload],
                                    env=[
                                        k8s.core.v1.EnvVarArgs(name="BACKUP_S3_BUCKET", value=bucket.name),
                                        region,
                                        home,
                                    ],
                                    resources=resources,
                                    volume_mounts=[scratch, tmp],
                                )
                            ],
                        ),
                    )
                ),
            ),
            opts=self.child(
                provider=args.cluster.provider,
                depends_on=[identity.association, *namespace.network_policies, args.database_users],
            ),
        )
        # Its name as given, not from the CronJob: the alarm on its metric need not wait for the CronJob, which waits
        # for the database users.
        self.cron_job_name = LOGICAL_BACKUP
        self.register_outputs({"cronJobName": self.cron_job_name})

    def child(self, **options: Any) -> pulumi.ResourceOptions:
        """Options for a child, with the alias to its previous parent (LogicalBackupArgs.previous_parent)."""
        return super().child(aliases=[pulumi.Alias(parent=self._previous_parent)], **options)
