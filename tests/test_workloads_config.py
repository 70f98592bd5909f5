"""The apps' config sections (`apps`, `workloads`): the seed's three apps by default, an override of one app that
keeps the others, and every bad input named by its full key with what is allowed."""

from __future__ import annotations

from offline import REMOVE
from tests.config_cases import BadConfig, named_by_full_key
from tests.helpers import load


def test_prod_defaults_carry_the_seed_apps() -> None:
    assert {app: settings.subdomain for app, settings in load("prod").apps.items()} == {
        "web": "app",
        "api": "api",
        "admin": "admin",
    }


def test_each_secret_is_declared_for_the_apps_that_use_it_and_a_stack_may_change_one() -> None:
    used_by = load("prod").workloads.secrets_used_by
    assert used_by["JWT_SECRET"] == ["api"] and used_by["NEXTAUTH_SECRET"] == ["web", "api", "admin"]
    changed = load("prod", {"sentinel:workloads.secretsUsedBy.JWT_SECRET": ["api", "web"]}).workloads.secrets_used_by
    assert changed["JWT_SECRET"] == ["api", "web"] and changed["ZAI_API_KEY"] == ["api"]


def test_the_seed_admin_alone_migrates_the_database() -> None:
    access = {app: settings.database_access for app, settings in load("prod").apps.items()}
    assert access == {"web": "readWrite", "api": "readWrite", "admin": "migrate"}


def test_a_stack_that_changes_one_app_keeps_the_others() -> None:
    apps = load("prod", {"sentinel:apps.api.nodePort": 30999}).apps
    assert {app: settings.node_port for app, settings in apps.items()} == {"web": 30080, "api": 30999, "admin": 30082}


BAD_WORKLOADS: list[BadConfig] = [
    # (case, overrides, key named in the message, something the message says is allowed)
    ("subdomain not dns-safe", {"sentinel:apps.web.subdomain": "-app"}, "sentinel:apps.web.subdomain", "DNS label"),
    (
        "app name not dns-safe",
        {"sentinel:apps.Web_App": {"subdomain": "x", "nodePort": 30099}},
        "sentinel:apps",
        "DNS label",
    ),
    ("node port", {"sentinel:apps.api.nodePort": 8080}, "sentinel:apps.api.nodePort", "30000"),
    (
        "shared node port",
        {"sentinel:apps.api.nodePort": 30080},
        "sentinel:apps.api.nodePort",
        "already used by app 'web'",
    ),
    (
        "sign-in moved by an override",
        {"sentinel:apps.admin.env.NEXTAUTH_URL": "https://admin.projectsentinel.ai"},
        "sentinel:apps.admin.env.NEXTAUTH_URL",
        "is set from the web app, where sign-in runs",
    ),
    ("latest tag", {"sentinel:apps.web.image.tag": "latest"}, "sentinel:apps.web.image.tag", "must not be latest"),
    ("bad tag", {"sentinel:apps.web.image.tag": "v 1"}, "sentinel:apps.web.image.tag", "letters, digits"),
    ("bad digest", {"sentinel:apps.web.image.digest": "sha256:abc"}, "sentinel:apps.web.image.digest", "64 hex"),
    (
        "tag and digest",
        {"sentinel:apps.web.image.digest": "sha256:" + "a" * 64},
        "sentinel:apps.web.image.digest",
        "give one of them",
    ),
    ("deployed without image", {"sentinel:apps.api.image.tag": REMOVE}, "sentinel:apps.api.image", "pinned image"),
    ("bad quantity", {"sentinel:apps.web.resources.requests.cpu": "lots"}, "sentinel:apps.web.resources", "quantity"),
    (
        "request above limit",
        {"sentinel:apps.web.resources.requests.memory": "2Gi"},
        "sentinel:apps.web.resources.requests.memory",
        "above the limit 768Mi",
    ),
    (
        "pod larger than a node",
        {"sentinel:apps.web.resources.requests.cpu": "1.5", "sentinel:apps.web.resources.limits.cpu": "2"},
        "sentinel:apps.web.resources.requests.cpu",
        "offers pods 1.43 cores",
    ),
    (
        "hpa min above max",
        {"sentinel:apps.web.autoscaling.minReplicas": 21},
        "sentinel:apps.web.autoscaling.minReplicas",
        "1 <= min <= max",
    ),
    ("hpa min zero", {"sentinel:apps.web.autoscaling.minReplicas": 0}, "sentinel:apps.web.autoscaling", "greater"),
    (
        "one pod in prod",
        {"sentinel:apps.admin.autoscaling.minReplicas": 1},
        "sentinel:apps.admin.autoscaling.minReplicas",
        "at least 2 in prod",
    ),
    ("pre-stop sleep", {"sentinel:apps.web.rollout.preStopSleepSeconds": 5}, "sentinel:apps.web.rollout", "10"),
    (
        "probe timeout",
        {"sentinel:apps.web.probes.timeoutSeconds": 10},
        "sentinel:apps.web.probes.timeoutSeconds",
        "below periodSeconds",
    ),
    ("secret in env", {"sentinel:apps.web.env": {"JWT_SECRET": "x"}}, "sentinel:apps.web.env", "Kubernetes Secret"),
    (
        "identity in env",
        {"sentinel:apps.web.env": {"DATABASE_USER": "admin"}},
        "sentinel:apps.web.env",
        "could make it sign in as another app",
    ),
    (
        "database access",
        {"sentinel:apps.web.databaseAccess": "owner"},
        "sentinel:apps.web.databaseAccess",
        "'migrate', 'readWrite' or 'none'",
    ),
    (
        "two apps migrate",
        {"sentinel:apps.web.databaseAccess": "migrate"},
        "sentinel:apps.web.databaseAccess",
        "exactly one app owns the schema",
    ),
    (
        "no app migrates",
        {"sentinel:apps.admin.databaseAccess": "readWrite"},
        "sentinel:apps",
        "names no app with databaseAccess 'migrate'",
    ),
    (
        "secret of an unknown variable",
        {"sentinel:workloads.secretsUsedBy.DATABASE_URL": ["web"]},
        "sentinel:workloads.secretsUsedBy.DATABASE_URL",
        "'NEXTAUTH_SECRET', 'JWT_SECRET'",
    ),
    (
        "secret for an unknown app",
        {"sentinel:workloads.secretsUsedBy.JWT_SECRET": ["worker"]},
        "sentinel:workloads.secretsUsedBy.JWT_SECRET",
        "names worker, not among the apps (admin, api, web)",
    ),
    ("env name", {"sentinel:apps.web.env": {"log-level": "x"}}, "sentinel:apps.web.env", "upper case"),
    ("namespace", {"sentinel:workloads.namespace": "Sentinel"}, "sentinel:workloads.namespace", "DNS label"),
    ("log level", {"sentinel:workloads.logLevel": "trace"}, "sentinel:workloads.logLevel", "'debug'"),
    (
        "backup schedule",
        {"sentinel:workloads.logicalBackup.schedule": "daily"},
        "sentinel:workloads.logicalBackup.schedule",
        "five-field cron",
    ),
    ("zai url", {"sentinel:workloads.zaiApiUrl": "http://api.z-ai.com"}, "sentinel:workloads.zaiApiUrl", "https://"),
    (
        "key missing in prod",
        {"sentinel:workloads.keys.sentryDsn": REMOVE},
        "sentinel:workloads.keys.sentryDsn",
        "required in prod",
    ),
]

test_bad_workloads_config_is_named_by_its_full_key = named_by_full_key(BAD_WORKLOADS)
