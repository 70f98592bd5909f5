"""`sentinel:workloads`: what the apps share in the cluster: their namespace, the seed's runtime settings (pool
sizes, timeouts, rate limits, security-header flags, log level), the third-party keys they call out with, and
the daily logical backup.

The apps' own settings (image, size, scaling, probes) are under `sentinel:apps`; connection URLs, buckets and
generated secrets come from the components that own them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from components.config.apps import AppConfig, ImageTag, SecretVariable
from components.config.types import DnsLabel, Environment, Key, Secret, Section, by_environment, in_every_environment

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
    """`ZAI_API_KEY`, the Z.ai API key."""
    sentry_dsn: Secret | None = None
    """`SENTRY_DSN`, where the apps report errors."""
    new_relic_license_key: Secret | None = None
    """`NEW_RELIC_LICENSE_KEY`."""
    smtp_user: Secret | None = None
    """`EMAIL_SMTP_USER`, the mail relay's user."""
    smtp_password: Secret | None = None
    """`EMAIL_SMTP_PASS`, the mail relay's password."""


# Which apps use each secret, from what each does in the seed: NextAuth signs sessions in web (where sign-in runs),
# and the api and admin verify them; the api issues and checks its own JWTs, calls Z.ai and sends the mail; data the
# api encrypts, the admin app reads back for operators; every app reports errors and metrics.
SEED_SECRET_USE: dict[SecretVariable, list[str]] = {
    "NEXTAUTH_SECRET": ["web", "api", "admin"],
    "JWT_SECRET": ["api"],
    "ENCRYPTION_KEY": ["api", "admin"],
    "ZAI_API_KEY": ["api"],
    "EMAIL_SMTP_USER": ["api"],
    "EMAIL_SMTP_PASS": ["api"],
    "NEW_RELIC_LICENSE_KEY": ["web", "api", "admin"],
    "SENTRY_DSN": ["web", "api", "admin"],
}


class LogicalBackupConfig(Section):
    """The seed's daily `pg_dump` to the backups bucket, beside AWS Backup's snapshots: a logical copy that
    restores into any PostgreSQL."""

    schedule: Annotated[str, AfterValidator(_cron)] = "0 3 * * *"
    """When the dump runs: a five-field cron schedule, UTC."""
    postgres_image_tag: ImageTag = "16.6-alpine"
    """The tag of the official `postgres` image that runs `pg_dump`, whose major must be at least the server's."""
    aws_cli_image_tag: ImageTag = "2.22.35"
    """The tag of the official AWS CLI image that uploads the dump and reports success."""
    scratch_size: str = "4Gi"
    """The pod's ephemeral storage, where the dump is written before the upload."""


class WorkloadsConfig(Section):
    namespace: DnsLabel = "sentinel"
    """The one namespace of the apps, under Pod Security Admission `restricted` and a default-deny network
    policy."""
    log_level: Annotated[LogLevel, by_environment(dev="debug", staging="info", prod="info")]
    """`LOG_LEVEL` of every app."""
    database_pool_size: int = Field(default=20, ge=1, le=500)
    """`DATABASE_POOL_SIZE`, each pod's Prisma pool (the seed's 20): `maxReplicas` x this must fit the
    database's connection budget (`database-connection-budget`)."""
    database_connection_timeout_ms: int = Field(default=30000, ge=1000, le=600000)
    """`DATABASE_CONNECTION_TIMEOUT`."""
    redis_db: int = Field(default=0, ge=0, le=15)
    """`REDIS_DB`, the Redis database number."""
    zai_api_url: Annotated[str, AfterValidator(_https_url)] = "https://api.z-ai.com"
    """`ZAI_API_URL`, an `https://` URL."""
    smtp_host: Annotated[str, AfterValidator(_host)] = "smtp.sendgrid.net"
    """`EMAIL_SMTP_HOST`, the mail relay."""
    smtp_port: int = Field(default=587, ge=1, le=65535)
    """`EMAIL_SMTP_PORT`: 587 is submission with STARTTLS (the seed's). The network policy opens egress on it."""
    rate_limit_requests: int = Field(default=100, ge=1)
    """`RATE_LIMIT_REQUESTS`, the seed's in-app rate limit, behind Cloudflare's own."""
    rate_limit_window_ms: int = Field(default=60000, ge=1000)
    """`RATE_LIMIT_WINDOW`, the window of the in-app rate limit, in milliseconds."""
    csp_enabled: bool = True
    """`CSP_ENABLED`, the seed's flag."""
    hsts_enabled: bool = True
    """`HSTS_ENABLED`, the seed's flag."""
    xss_protection: bool = True
    """`XSS_PROTECTION`, the seed's flag."""
    shared_files_path: str = Field(default="/var/www/projectsentinel/uploads", pattern=r"^/[^\s]*$")
    """Where every app mounts the shared EFS files, read-write (the seed's uploads directory)."""
    backup_retention_days: int = Field(default=30, ge=1, le=3650)
    """`BACKUP_RETENTION_DAYS`, the seed's variable."""
    keys: ThirdPartyKeys = ThirdPartyKeys()
    """Third-party keys the apps call other services with, each a secret (`pulumi config set --secret
    --path`). A missing one is a warning outside prod and an error in prod. The prod stack file's ciphertexts
    are placeholders: set your own."""
    secrets_used_by: Annotated[dict[SecretVariable, list[DnsLabel]], in_every_environment(SEED_SECRET_USE)]
    """Which apps use each secret variable: an app's Secret carries exactly the variables that name it here, and
    its role may read only their Secrets Manager secrets. A stack that sets one variable keeps the others' defaults
    (the seed's: NEXTAUTH_SECRET for every app, JWT_SECRET, ZAI_API_KEY and the mail credentials for the api,
    ENCRYPTION_KEY for the api and admin, Sentry and New Relic for every app)."""
    logical_backup: LogicalBackupConfig = LogicalBackupConfig()
    """The seed's daily `pg_dump` to the backups bucket, beside AWS Backup's snapshots: a logical copy that
    restores into any PostgreSQL."""


# The variable each third-party key is given to the apps as.
KEY_VARIABLES: dict[str, SecretVariable] = {
    "zai_api_key": "ZAI_API_KEY",
    "sentry_dsn": "SENTRY_DSN",
    "new_relic_license_key": "NEW_RELIC_LICENSE_KEY",
    "smtp_user": "EMAIL_SMTP_USER",
    "smtp_password": "EMAIL_SMTP_PASS",
}


def key_values(keys: ThirdPartyKeys) -> dict[SecretVariable, Secret]:
    """The third-party keys that are set, by the variable each is given as."""
    return {variable: key for name, variable in KEY_VARIABLES.items() if (key := getattr(keys, name)) is not None}


def missing_keys(keys: ThirdPartyKeys) -> list[str]:
    """The config keys of the third-party keys not set."""
    return [field.alias or name for name, field in ThirdPartyKeys.model_fields.items() if getattr(keys, name) is None]


def key_problems(
    environment: Environment, workloads: WorkloadsConfig, apps: Mapping[str, AppConfig]
) -> list[tuple[Key, str]]:
    """Every app a secret is declared for exists; in prod every third-party key is set: an app without its error
    tracker or mail credentials fails quietly."""
    problems: list[tuple[Key, str]] = [
        (
            ("workloads", "secretsUsedBy", variable),
            f"names {', '.join(sorted(unknown))}, not among the apps ({', '.join(sorted(apps))})",
        )
        for variable, users in workloads.secrets_used_by.items()
        if (unknown := set(users) - set(apps))
    ]
    if environment == "prod":
        problems += [
            (("workloads", "keys", key), "is required in prod: store it with `pulumi config set --secret --path`")
            for key in missing_keys(workloads.keys)
        ]
    return problems


def secrets_of(app: str, workloads: WorkloadsConfig) -> list[SecretVariable]:
    """The secret variables `app` uses, as `secretsUsedBy` declares them."""
    return sorted(variable for variable, users in workloads.secrets_used_by.items() if app in users)
