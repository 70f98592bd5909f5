"""The apps' runtime environment: the seed's plain variables (each app's ConfigMap) and its secret ones (each app's
Secret): the data tier's URLs, the buckets, the third-party keys and the secrets the apps share, generated here."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_random as random

from components.authentication import AUTHENTICATION_APP
from components.base import Component
from components.config.apps import AppConfig, app_hosts
from components.config.workloads import WorkloadsConfig
from components.interfaces import Bucket, CacheConnection, DatabaseConnection

# The generated secrets every app shares: NextAuth signs sessions that the api verifies, and data encrypted by one
# app is read by another. Protected in prod: a new value logs everyone out and makes encrypted data unreadable.
GENERATED_SECRETS = ("NEXTAUTH_SECRET", "JWT_SECRET", "ENCRYPTION_KEY")


def generated_secrets(component: Component, name: str) -> dict[str, pulumi.Output[str]]:
    """GENERATED_SECRETS, by variable, as `component`'s stateful children."""
    return {
        variable: random.RandomPassword(
            f"{name}-{variable.lower().replace('_', '-')}", length=64, special=False, opts=component.stateful()
        ).result
        for variable in GENERATED_SECRETS
    }


def plain_environment(
    app: AppConfig,
    *,
    apps: Mapping[str, AppConfig],
    domain: str,
    config: WorkloadsConfig,
    uploads_bucket: Bucket,
    backups_bucket: Bucket,
    region: str,
) -> dict[str, pulumi.Input[str]]:
    """The seed's runtime variables that are not secret, then the app's own overrides. `NEXT_PUBLIC_*` are baked
    into the client bundle at build time; these serve the server runtime. Server-side calls to the API use
    `API_INTERNAL_URL`, the api Service inside the cluster: through the public URL they would leave by the NAT
    gateways and come back through Cloudflare's rate limits and bot protection."""
    hosts = app_hosts(apps, domain)

    def url(name: str, scheme: str = "https") -> str:
        return f"{scheme}://{hosts[name]}"

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
        "AWS_S3_BUCKET": uploads_bucket.name,
        "BACKUP_S3_BUCKET": backups_bucket.name,
    }
    return {**environment, **app.env}


def secret_environment(
    *,
    generated: Mapping[str, pulumi.Output[str]],
    database: DatabaseConnection,
    cache: CacheConnection,
    config: WorkloadsConfig,
) -> dict[str, pulumi.Input[str]]:
    """The seed's secret runtime variables, each a secret Output whatever the caller passed, so the Secret's data is
    secret in state and previews."""
    values: dict[str, pulumi.Input[str]] = {
        **generated,
        "DATABASE_URL": database.url,
        "DATABASE_READ_REPLICA_URL": database.read_replica_url,
        "REDIS_URL": cache.url,
        "REDIS_PASSWORD": cache.auth_token,
    }
    keys = config.keys
    for variable, key in (
        ("ZAI_API_KEY", keys.zai_api_key),
        ("SENTRY_DSN", keys.sentry_dsn),
        ("NEW_RELIC_LICENSE_KEY", keys.new_relic_license_key),
        ("EMAIL_SMTP_USER", keys.smtp_user),
        ("EMAIL_SMTP_PASS", keys.smtp_password),
    ):
        if key is not None:
            values[variable] = key.output
    return {variable: pulumi.Output.secret(value) for variable, value in values.items()}
