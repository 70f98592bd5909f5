"""The platform's S3 buckets (seed: "Storage Layer"): `uploads` for the apps' files, `backups` for the seed's
backup job (Glacier for long-term backups), and `logs` for the S3 and ALB access logs of the others."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi

from components.base import Component, Platform
from components.bucket import Lifecycle, LogDestination, PrivateBucket, PrivateBucketArgs
from components.config import AppConfig, app_hosts
from components.config.storage import StorageConfig, bucket_name

# Where in the log bucket each service writes: the policy admits it there and nowhere else, and the writers
# take their prefix from here (Storage.alb_logs, Storage.s3_access_logs).
ALB_LOG_PREFIX = "alb"
S3_ACCESS_LOG_PREFIX = "s3"

# Load balancers deliver access logs as an AWS account of their region, in regions opened before August 2022
# (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html); later
# regions deliver as the service principal below.
ELB_LOG_ACCOUNTS = {
    "us-east-1": "127311923021",
    "us-east-2": "033677994240",
    "us-west-1": "027434742980",
    "us-west-2": "797873946194",
    "af-south-1": "098369216593",
    "ap-east-1": "754344448648",
    "ap-south-1": "718504428378",
    "ap-northeast-1": "582318560864",
    "ap-northeast-2": "600734575887",
    "ap-northeast-3": "383597477331",
    "ap-southeast-1": "114774131450",
    "ap-southeast-2": "783225319266",
    "ca-central-1": "985666609251",
    "eu-central-1": "054676820928",
    "eu-west-1": "156460612806",
    "eu-west-2": "652711504416",
    "eu-west-3": "009996457667",
    "eu-south-1": "635631232127",
    "eu-north-1": "897822967062",
    "me-south-1": "076674570225",
    "sa-east-1": "507241528517",
}
ELB_LOG_DELIVERY_SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com"
# Expired logs (a delete marker once they reach their age) are removed for good a week later.
LOG_NONCURRENT_DAYS = 7
# A backup upload that has not completed in a day has failed; its parts would be billed until removed.
BACKUP_INCOMPLETE_UPLOAD_DAYS = 1
BACKUP_DELETES = ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:BypassGovernanceRetention"]


@dataclass(frozen=True, kw_only=True)
class StorageArgs:
    config: StorageConfig
    apps: Mapping[str, AppConfig]
    domain: str


class Storage(Component):
    uploads: PrivateBucket
    backups: PrivateBucket
    logs: PrivateBucket
    alb_logs: LogDestination
    """Where the ALB writes its access logs (IngressArgs.access_logs)."""
    s3_access_logs: LogDestination

    def __init__(
        self, name: str, platform: Platform, args: StorageArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, platform, opts)
        config = args.config
        for warning in config.backups.early_deletion_warnings():
            pulumi.log.warn(warning, self)

        self.logs = PrivateBucket(
            f"{name}-logs",
            platform,
            PrivateBucketArgs(
                purpose="logs",
                encryption="s3-managed",
                log_destination=None,  # a log bucket logging to itself would log its own log deliveries forever
                lifecycle=Lifecycle(
                    expire_after_days=config.logs.expire_after_days,
                    noncurrent_expire_after_days=LOG_NONCURRENT_DAYS,
                    abort_incomplete_uploads_after_days=1,
                ),
                policy_statements=self._log_delivery,
            ),
            opts=self.child(),
        )
        self.alb_logs = self.logs.log_destination(ALB_LOG_PREFIX)
        self.s3_access_logs = self.logs.log_destination(S3_ACCESS_LOG_PREFIX)
        uploads = config.uploads
        self.uploads = PrivateBucket(
            f"{name}-uploads",
            platform,
            PrivateBucketArgs(
                purpose="uploads",
                log_destination=self.s3_access_logs,
                lifecycle=Lifecycle(
                    transitions=[(uploads.infrequent_access_after_days, "STANDARD_IA")]
                    if uploads.infrequent_access_after_days
                    else (),
                    noncurrent_expire_after_days=uploads.noncurrent_version_expiry_days,
                    abort_incomplete_uploads_after_days=uploads.abort_incomplete_uploads_after_days,
                ),
                cors_origins=uploads.cors_origins
                if uploads.cors_origins is not None
                else [f"https://{host}" for host in app_hosts(args.apps, args.domain).values()],
            ),
            opts=self.child(),
        )
        backups = config.backups
        self.backups = PrivateBucket(
            f"{name}-backups",
            platform,
            PrivateBucketArgs(
                purpose="backups",
                log_destination=self.s3_access_logs,
                lifecycle=Lifecycle(
                    transitions=[
                        (backups.glacier_after_days, "GLACIER"),
                        (backups.deep_archive_after_days, "DEEP_ARCHIVE"),
                    ],
                    noncurrent_transitions=True,
                    expire_after_days=backups.expire_after_days,
                    noncurrent_expire_after_days=backups.expire_after_days,
                    abort_incomplete_uploads_after_days=BACKUP_INCOMPLETE_UPLOAD_DAYS,
                ),
                object_lock_days=backups.object_lock_days if backups.object_lock else None,
                policy_statements=lambda arn: [_deny_deletes_but_by(backups.writer_role_arns, arn)],
            ),
            opts=self.child(),
        )
        self.register_outputs(
            {
                "uploadsBucket": self.uploads.name,
                "backupsBucket": self.backups.name,
                "logsBucket": self.logs.name,
                "albLogPrefix": self.alb_logs.prefix,
            }
        )

    def _log_delivery(self, arn: pulumi.Output[str]) -> list[dict[str, Any]]:
        """Who may write logs (ACLs are off, so only the policy can let them): S3 server access logging for this
        stack's buckets, and the region's load-balancer log delivery under the ALB's prefix."""
        platform = self.platform
        sources = bucket_name(platform.name_prefix, platform.account_id, platform.region, "*")
        account = platform.account_id
        elb_account = ELB_LOG_ACCOUNTS.get(platform.region)
        elb_principal = (
            {"AWS": f"arn:aws:iam::{elb_account}:root"} if elb_account else {"Service": ELB_LOG_DELIVERY_SERVICE}
        )
        return [
            {
                "Sid": "S3ServerAccessLogs",
                "Effect": "Allow",
                "Principal": {"Service": "logging.s3.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": pulumi.Output.concat(arn, f"/{S3_ACCESS_LOG_PREFIX}/*"),
                "Condition": {
                    "ArnLike": {"aws:SourceArn": f"arn:aws:s3:::{sources}"},
                    "StringEquals": {"aws:SourceAccount": account},
                },
            },
            {
                "Sid": "LoadBalancerAccessLogs",
                "Effect": "Allow",
                "Principal": elb_principal,
                "Action": "s3:PutObject",
                "Resource": pulumi.Output.concat(arn, f"/{ALB_LOG_PREFIX}/AWSLogs/{account}/*"),
            },
        ]


def _deny_deletes_but_by(writers: Sequence[str], arn: pulumi.Output[str]) -> dict[str, Any]:
    """Backups are deleted by their writers and by lifecycle expiry alone. Only object deletes are denied:
    administrators can still change the policy and the lifecycle."""
    statement: dict[str, Any] = {
        "Sid": "DenyBackupDeletesButByWriters",
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": BACKUP_DELETES,
        "Resource": pulumi.Output.concat(arn, "/*"),
    }
    if writers:
        statement["Condition"] = {"ArnNotLike": {"aws:PrincipalArn": list(writers)}}
    return statement
