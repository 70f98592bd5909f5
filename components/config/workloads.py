"""`sentinel:workloads`: what the apps share in the cluster: their namespace, the seed's runtime settings (pool
sizes, timeouts, rate limits, security-header flags, log level), the third-party keys they call out with, and
the daily logical backup.

The apps' own settings (image, size, scaling, probes) are under `sentinel:apps`; connection URLs, buckets and
generated secrets come from the components that own them.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from components.config.apps import ImageTag
from components.config.types import DnsLabel, Environment, Key, Secret, Section, by_environment

LogLevel = Literal["debug", "info", "warn", "error"]

# Five cron fields (minute hour day-of-month month day-of-week), as a CronJob's schedule takes them.
_CRON = re.compile(r"(\S+\s+){4}\S+")
_HOST = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")


def _cron(value: str) -> str:
    if not _CRON.fullmatch(value.strip()):
        raise ValueError("must be a five-field cron schedule such as '0 3 * * *' (03:00 UTC daily)")
    return value


def _https_url(value: str) -> str:
    if not re.fullmatch(r"https://[^\s/]+(/\S*)?", value):
        raise ValueError("must be an https:// URL")
    return value


def _host(value: str) -> str:
    if not _HOST.fullmatch(value):
        raise ValueError("must be a host name such as smtp.sendgrid.net")
    return value


class ThirdPartyKeys(Section):
    """Keys the apps call other services with, each stored with `pulumi config set --secret --path`. Each is
    optional outside prod (the program warns) and required in prod."""

    zai_api_key: Secret | None = None
    sentry_dsn: Secret | None = None
    new_relic_license_key: Secret | None = None
    smtp_user: Secret | None = None
    smtp_password: Secret | None = None


class LogicalBackupConfig(Section):
    """The seed's daily `pg_dump` to the backups bucket, beside AWS Backup's snapshots: a logical copy that
    restores into any PostgreSQL."""

    schedule: Annotated[str, AfterValidator(_cron)] = "0 3 * * *"
    # postgres (pg_dump) and AWS CLI images of the official public repositories; pg_dump's major must be at least
    # the server's.
    postgres_image_tag: ImageTag = "16.6-alpine"
    aws_cli_image_tag: ImageTag = "2.22.35"
    # The dump is written to the pod's ephemeral storage before the upload.
    scratch_size: str = "4Gi"


class WorkloadsConfig(Section):
    # The one namespace of the apps (Pod Security Admission `restricted`, default-deny network policy).
    namespace: DnsLabel = "sentinel"
    log_level: Annotated[LogLevel, by_environment(dev="debug", staging="info", prod="info")]
    # Each pod's Prisma pool (seed: 20); maxReplicas x this must fit the database's connection budget.
    database_pool_size: int = Field(default=20, ge=1, le=500)
    database_connection_timeout_ms: int = Field(default=30000, ge=1000, le=600000)
    redis_db: int = Field(default=0, ge=0, le=15)
    zai_api_url: Annotated[str, AfterValidator(_https_url)] = "https://api.z-ai.com"
    smtp_host: Annotated[str, AfterValidator(_host)] = "smtp.sendgrid.net"
    # 587: submission with STARTTLS (the seed's); the network policy opens egress on this port.
    smtp_port: int = Field(default=587, ge=1, le=65535)
    # The seed's in-app rate limit, behind Cloudflare's own (100 requests per 60 s per IP).
    rate_limit_requests: int = Field(default=100, ge=1)
    rate_limit_window_ms: int = Field(default=60000, ge=1000)
    csp_enabled: bool = True
    hsts_enabled: bool = True
    xss_protection: bool = True
    # Where the apps find the shared EFS file system (the seed's uploads directory).
    shared_files_path: str = Field(default="/var/www/projectsentinel/uploads", pattern=r"^/[^\s]*$")
    backup_retention_days: int = Field(default=30, ge=1, le=3650)
    keys: ThirdPartyKeys = ThirdPartyKeys()
    logical_backup: LogicalBackupConfig = LogicalBackupConfig()


def missing_keys(keys: ThirdPartyKeys) -> list[str]:
    """The config keys of the third-party keys not set."""
    return [field.alias or name for name, field in ThirdPartyKeys.model_fields.items() if getattr(keys, name) is None]


def key_problems(environment: Environment, workloads: WorkloadsConfig) -> list[tuple[Key, str]]:
    """In prod every third-party key is set: an app without its error tracker or mail credentials fails quietly."""
    if environment != "prod":
        return []
    return [
        (("workloads", "keys", key), "is required in prod: store it with `pulumi config set --secret --path`")
        for key in missing_keys(workloads.keys)
    ]
