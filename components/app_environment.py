"""The apps' runtime environment: the seed's plain variables (each app's ConfigMap), with who the app is to the
database and the cache (its own users, which sign in with IAM tokens, so no password is among them), and the values
of the secret ones: the third-party keys and the secrets the apps share, generated here (components/app_secrets.py
keeps them in Secrets Manager, and each app reads those it declares)."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

import pulumi
import pulumi_random as random

from components import cache as cache_tier
from components import database as database_tier
from components.authentication import AUTHENTICATION_APP
from components.base import Component
from components.config.apps import AppConfig, SecretVariable, app_hosts
from components.config.workloads import WorkloadsConfig, key_values
from components.database_roles import app_user
from components.interfaces import Bucket, CacheConnection, DatabaseConnection

# The generated secrets every app shares: NextAuth signs sessions that the api verifies, and data encrypted by one
# app is read by another. Protected in prod: a new value logs everyone out and makes encrypted data unreadable.
GENERATED_SECRETS: tuple[SecretVariable, ...] = ("NEXTAUTH_SECRET", "JWT_SECRET", "ENCRYPTION_KEY")


def generated_secrets(component: Component, name: str) -> dict[SecretVariable, pulumi.Output[str]]:
    """GENERATED_SECRETS, by variable, as `component`'s stateful children."""
    return {
        variable: random.RandomPassword(
            f"{name}-{variable.lower().replace('_', '-')}", length=64, special=False, opts=component.stateful()
        ).result
        for variable in GENERATED_SECRETS
    }


def plain_environment(
    app: str,
    settings: AppConfig,
    *,
    apps: Mapping[str, AppConfig],
    domain: str,
    config: WorkloadsConfig,
    uploads_bucket: Bucket,
    backups_bucket: Bucket,
    region: str,
    database: DatabaseConnection,
    cache: CacheConnection,
) -> dict[str, pulumi.Input[str]]:
    """The seed's runtime variables that are not secret, with the app's database and cache users, then the app's own
    overrides. `NEXT_PUBLIC_*` are baked
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
        **cache_environment(app, cache, config),
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
    if settings.database_access != "none":
        environment |= database_environment(app_user(app), database, config)
    return {**environment, **settings.env}


def database_environment(
    user: str, database: DatabaseConnection, config: WorkloadsConfig
) -> dict[str, pulumi.Input[str]]:
    """Where the app's database user connects, through RDS Proxy over TLS: the URLs carry no password, since the app
    signs an IAM token for `DATABASE_USER` at `DATABASE_HOST` (or the read host) and `DATABASE_PORT` and passes it as
    the password (README, "What the apps must do")."""
    path = f":{database_tier.PORT}/{database.database_name}?sslmode=require"

    def url(host: pulumi.Input[str]) -> pulumi.Output[str]:
        return pulumi.Output.concat(f"postgresql://{quote(user, safe='')}@", host, path)

    return {
        "DATABASE_URL": url(database.writer_endpoint),
        "DATABASE_READ_REPLICA_URL": url(database.reader_endpoint),
        "DATABASE_HOST": database.writer_endpoint,
        "DATABASE_READ_HOST": database.reader_endpoint,
        "DATABASE_PORT": str(database_tier.PORT),
        "DATABASE_NAME": database.database_name,
        "DATABASE_USER": user,
        "DATABASE_IAM_AUTH": "true",
        "DATABASE_POOL_SIZE": str(config.database_pool_size),
        "DATABASE_CONNECTION_TIMEOUT": str(config.database_connection_timeout_ms),
    }


def cache_environment(app: str, cache: CacheConnection, config: WorkloadsConfig) -> dict[str, pulumi.Input[str]]:
    """Where the app's cache user connects, over TLS (`rediss://`): no password, since the app signs an IAM token for
    `REDIS_USER` and the cache `REDIS_CACHE_NAME` and sends it with AUTH (README, "What the apps must do")."""
    user = cache.user_ids[app]
    return {
        "REDIS_URL": pulumi.Output.concat(
            f"rediss://{quote(user, safe='')}@", cache.primary_endpoint, f":{cache_tier.PORT}"
        ),
        "REDIS_HOST": cache.primary_endpoint,
        "REDIS_PORT": str(cache_tier.PORT),
        "REDIS_USER": user,
        "REDIS_CACHE_NAME": cache.replication_group_id,
        "REDIS_IAM_AUTH": "true",
        "REDIS_DB": str(config.redis_db),
    }


def secret_values(
    generated: Mapping[SecretVariable, pulumi.Output[str]], config: WorkloadsConfig
) -> dict[SecretVariable, pulumi.Input[str]]:
    """Every secret variable's value: the generated ones, and the third-party keys set in config."""
    return {**generated, **{variable: key.output for variable, key in key_values(config.keys).items()}}
