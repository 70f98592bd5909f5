"""The stack config model: the real stack files load, and every bad input is named by its full key."""

from __future__ import annotations

import ipaddress
import json
from typing import Any

import pytest

from components.config import CLOUDFLARE_IPV4_RANGES, ConfigError, StackConfig
from components.config.loading import with_defaults
from offline import REMOVE, stackfiles
from tests.helpers import STACKS, load, problems_of


@pytest.mark.parametrize("stack", STACKS)
def test_every_stack_file_loads(stack: str) -> None:
    config = load(stack)
    assert config.environment == stack
    assert len(config.network.availability_zones) == 3
    assert config.domain.endswith("projectsentinel.ai")


def test_environment_defaults_apply_and_stack_files_override_them() -> None:
    assert load("dev").network.nat_gateways == "single"
    assert load("dev").network.flow_log_retention_days == 30
    assert load("staging").network.nat_gateways == "perAz"
    assert load("prod").network.flow_log_retention_days == 365
    assert load("dev", {"sentinel:network.natGateways": "perAz"}).network.nat_gateways == "perAz"


def test_prod_defaults_carry_cloudflare_ranges_and_the_seed_apps() -> None:
    config = load("prod")
    assert tuple(config.cloudflare.ipv4_ranges) == CLOUDFLARE_IPV4_RANGES
    assert {app: settings.subdomain for app, settings in config.apps.items()} == {
        "web": "app",
        "api": "api",
        "admin": "admin",
    }


def test_carved_subnets_fit_the_vpc_and_never_overlap() -> None:
    for stack in STACKS:
        network = load(stack).network
        vpc = ipaddress.IPv4Network(network.vpc_cidr)
        subnets = [subnet for tier in network.subnet_layout().values() for subnet in tier]
        assert len(subnets) == 3 * len(network.availability_zones)
        assert all(subnet.subnet_of(vpc) for subnet in subnets)
        assert not any(a.overlaps(b) for i, a in enumerate(subnets) for b in subnets[i + 1 :])


def test_explicit_subnet_cidrs_are_used_as_given() -> None:
    cidrs = {
        "public": ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"],
        "private": ["10.0.32.0/19", "10.0.64.0/19", "10.0.96.0/19"],
        "data": ["10.0.3.0/24", "10.0.4.0/24", "10.0.5.0/24"],
    }
    layout = load("prod", {"sentinel:network.subnetCidrs": cidrs}).network.subnet_layout()
    assert {tier: [str(subnet) for subnet in subnets] for tier, subnets in layout.items()} == cidrs


BAD_CONFIGS: list[tuple[str, dict[str, Any], str, str]] = [
    # (case, overrides, key named in the message, something the message says is allowed)
    ("malformed vpc cidr", {"sentinel:network.vpcCidr": "10.0.0.0/33"}, "sentinel:network.vpcCidr", "IPv4 CIDR"),
    ("host bits set", {"sentinel:network.vpcCidr": "10.0.0.1/16"}, "sentinel:network.vpcCidr", "no host bits"),
    ("public vpc cidr", {"sentinel:network.vpcCidr": "8.8.0.0/16"}, "sentinel:network.vpcCidr", "private range"),
    ("vpc too large", {"sentinel:network.vpcCidr": "10.0.0.0/8"}, "sentinel:network.vpcCidr", "/16 to /22"),
    (
        "subnets do not fit",
        {"sentinel:network.vpcCidr": "10.0.0.0/20"},
        "sentinel:network.subnetPrefixLengths",
        "larger vpcCidr",
    ),
    (
        "explicit subnet outside the vpc",
        {
            "sentinel:network.subnetCidrs": {
                "public": ["10.0.0.0/24", "10.0.1.0/24", "10.9.2.0/24"],
                "private": ["10.0.32.0/19", "10.0.64.0/19", "10.0.96.0/19"],
                "data": ["10.0.3.0/24", "10.0.4.0/24", "10.0.5.0/24"],
            }
        },
        "sentinel:network.subnetCidrs.public[2]",
        "inside vpcCidr",
    ),
    (
        "overlapping subnets",
        {
            "sentinel:network.subnetCidrs": {
                "public": ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"],
                "private": ["10.0.0.0/19", "10.0.64.0/19", "10.0.96.0/19"],
                "data": ["10.0.3.0/24", "10.0.4.0/24", "10.0.5.0/24"],
            }
        },
        "sentinel:network.subnetCidrs.private[0]",
        "must not overlap",
    ),
    (
        "a subnet per zone",
        {
            "sentinel:network.subnetCidrs": {
                "public": ["10.0.0.0/24"],
                "private": ["10.0.32.0/19", "10.0.64.0/19", "10.0.96.0/19"],
                "data": ["10.0.3.0/24", "10.0.4.0/24", "10.0.5.0/24"],
            }
        },
        "sentinel:network.subnetCidrs.public",
        "one per availability zone",
    ),
    (
        "one zone",
        {"sentinel:network.availabilityZones": ["us-east-1a"]},
        "sentinel:network.availabilityZones",
        "at least 2",
    ),
    (
        "duplicate zones",
        {"sentinel:network.availabilityZones": ["us-east-1a", "us-east-1a", "us-east-1b"]},
        "sentinel:network.availabilityZones",
        "more than once",
    ),
    (
        "zone outside the region",
        {"sentinel:network.availabilityZones": ["us-east-1a", "us-east-1b", "eu-west-1c"]},
        "sentinel:network.availabilityZones[2]",
        "us-east-1a, us-east-1b",
    ),
    (
        "unknown environment",
        {"sentinel:environment": "production"},
        "sentinel:environment",
        "'dev', 'staging' or 'prod'",
    ),
    ("unknown region", {"sentinel:region": "mars-north-1"}, "sentinel:region", "us-east-1"),
    ("name not dns-safe", {"sentinel:name": "Sentinel_App"}, "sentinel:name", "DNS label"),
    ("domain not dns-safe", {"sentinel:domain": "project sentinel.ai"}, "sentinel:domain", "DNS domain"),
    ("subdomain not dns-safe", {"sentinel:apps.web.subdomain": "-app"}, "sentinel:apps.web.subdomain", "DNS label"),
    (
        "app name not dns-safe",
        {"sentinel:apps.Web_App": {"subdomain": "x", "nodePort": 30099}},
        "sentinel:apps",
        "DNS label",
    ),
    ("typo in a section", {"sentinel:network.vpcCIDR": "10.0.0.0/16"}, "sentinel:network.vpcCIDR", "vpcCidr"),
    ("typo in a top-level key", {"sentinel:netwrok": {"vpcCidr": "10.0.0.0/16"}}, "sentinel:netwrok", "network"),
    (
        "wrong type: zones as text",
        {"sentinel:network.availabilityZones": "us-east-1a"},
        "sentinel:network.availabilityZones",
        "list",
    ),
    (
        "wrong type: number as text",
        {"sentinel:network.flowLogRetentionDays": "a year"},
        "sentinel:network.flowLogRetentionDays",
        "integer",
    ),
    (
        "retention not offered",
        {"sentinel:network.flowLogRetentionDays": 42},
        "sentinel:network.flowLogRetentionDays",
        "365",
    ),
    (
        "unknown NAT mode",
        {"sentinel:network.natGateways": "two"},
        "sentinel:network.natGateways",
        "'single' or 'perAz'",
    ),
    ("account id", {"sentinel:accountId": "1234"}, "sentinel:accountId", "12-digit"),
    ("node port", {"sentinel:apps.api.nodePort": 8080}, "sentinel:apps.api.nodePort", "30000"),
    (
        "shared node port",
        {"sentinel:apps.api.nodePort": 30080},
        "sentinel:apps.api.nodePort",
        "already used by app 'web'",
    ),
    (
        "cloudflare range private",
        {"sentinel:cloudflare.ipv4Ranges": ["10.0.0.0/8"]},
        "sentinel:cloudflare.ipv4Ranges[0]",
        "public",
    ),
    (
        "cloudflare range is the world",
        {"sentinel:cloudflare.ipv4Ranges": ["0.0.0.0/0"]},
        "sentinel:cloudflare.ipv4Ranges[0]",
        "non-default",
    ),
    (
        "cloudflare v6 in v4",
        {"sentinel:cloudflare.ipv4Ranges": ["2400:cb00::/32"]},
        "sentinel:cloudflare.ipv4Ranges[0]",
        "IPv4",
    ),
    ("reserved tag key", {"sentinel:tags.extra": {"Owner": "someone"}}, "sentinel:tags.extra", "reserved"),
    ("bad tag value", {"sentinel:tags.owner": "team<script>"}, "sentinel:tags.owner", "AWS tag rules"),
    ("missing owner", {"sentinel:tags.owner": REMOVE}, "sentinel:tags.owner", "required"),
    ("missing vpc cidr", {"sentinel:network.vpcCidr": REMOVE}, "sentinel:network.vpcCidr", "required"),
    # Storage and backup tier
    (
        "cors origin over http",
        {"sentinel:storage.uploads.corsOrigins": ["http://app.projectsentinel.ai"]},
        "sentinel:storage.uploads.corsOrigins[0]",
        "https:// origin",
    ),
    (
        "cors origin with a path",
        {"sentinel:storage.uploads.corsOrigins": ["https://app.projectsentinel.ai/"]},
        "sentinel:storage.uploads.corsOrigins[0]",
        "no path or trailing slash",
    ),
    (
        "infrequent access too soon",
        {"sentinel:storage.uploads.infrequentAccessAfterDays": 10},
        "sentinel:storage.uploads.infrequentAccessAfterDays",
        "at least 30",
    ),
    (
        "deep archive before glacier",
        {"sentinel:storage.backups.deepArchiveAfterDays": 20},
        "sentinel:storage.backups.deepArchiveAfterDays",
        "later than glacierAfterDays (30)",
    ),
    (
        "expiry before deep archive",
        {"sentinel:storage.backups.expireAfterDays": 100},
        "sentinel:storage.backups.expireAfterDays",
        "later than deepArchiveAfterDays (120)",
    ),
    (
        "lock outlives the object",
        {"sentinel:storage.backups.objectLockDays": 3000},
        "sentinel:storage.backups.objectLockDays",
        "must not exceed expireAfterDays (2555)",
    ),
    (
        "writer is not a role arn",
        {"sentinel:storage.backups.writerRoleArns": ["arn:aws:iam::111111111111:user/ops"]},
        "sentinel:storage.backups.writerRoleArns[0]",
        "IAM role ARN",
    ),
    (
        "noncurrent expiry zero",
        {"sentinel:storage.uploads.noncurrentVersionExpiryDays": 0},
        "sentinel:storage.uploads.noncurrentVersionExpiryDays",
        "greater than or equal to 1",
    ),
    (
        "cold storage too short before deletion",
        {"sentinel:backup.monthlyRetentionDays": 100},
        "sentinel:backup.monthlyRetentionDays",
        "at least monthlyColdStorageAfterDays + 90 (120)",
    ),
    (
        "dr copies kept too short for cold storage",
        {"sentinel:backup.drMonthlyRetentionDays": 60},
        "sentinel:backup.drMonthlyRetentionDays",
        "cold storage 90 days at least",
    ),
    (
        "dr region is the stack's",
        {"sentinel:backup.drRegion": "us-east-1"},
        "sentinel:backup.drRegion",
        "stack's own region",
    ),
    ("dr region unknown", {"sentinel:backup.drRegion": "us-middle-9x"}, "sentinel:backup.drRegion", "us-east-1"),
    (
        "compliance lock without the second key",
        {"sentinel:backup.vaultLock": "compliance"},
        "sentinel:backup.vaultLock",
        "acceptPermanentComplianceLock: true",
    ),
    (
        "unknown vault lock",
        {"sentinel:backup.vaultLock": "strict"},
        "sentinel:backup.vaultLock",
        "'none', 'governance' or 'compliance'",
    ),
    (
        "compliance grace too short",
        {"sentinel:backup.complianceLockGraceDays": 1},
        "sentinel:backup.complianceLockGraceDays",
        "greater than or equal to 3",
    ),
    (
        "daily retention zero",
        {"sentinel:backup.dailyRetentionDays": 0},
        "sentinel:backup.dailyRetentionDays",
        "greater than or equal to 1",
    ),
    ("name too long for buckets", {"sentinel:name": "s" * 30}, "sentinel:name", "longer than S3's 63 characters"),
    # Tier 11, the edge
    ("zone id", {"sentinel:cloudflare.zoneId": "projectsentinel.ai"}, "sentinel:cloudflare.zoneId", "32 lowercase"),
    ("missing zone id", {"sentinel:cloudflare.zoneId": REMOVE}, "sentinel:cloudflare.zoneId", "required"),
    ("unknown plan", {"sentinel:cloudflare.plan": "team"}, "sentinel:cloudflare.plan", "'business' or 'enterprise'"),
    (
        "domain below the apex",
        {"sentinel:domain": "dev.projectsentinel.ai"},
        "sentinel:domain",
        "app-dev",
    ),
    (
        "period the plan lacks",
        {"sentinel:cloudflare.rateLimit.period": 600},
        "sentinel:cloudflare.rateLimit.period",
        "pro plan's counting periods are [10, 15, 20, 30, 40, 45, 60]",
    ),
    (
        "period cloudflare does not offer",
        {"sentinel:cloudflare.rateLimit.period": 50},
        "sentinel:cloudflare.rateLimit.period",
        "10, 15, 20",
    ),
    (
        "timeout the plan lacks",
        {"sentinel:cloudflare.rateLimit.mitigationTimeout": 86400},
        "sentinel:cloudflare.rateLimit.mitigationTimeout",
        "mitigation timeouts",
    ),
    (
        "authentication period the plan lacks",
        {"sentinel:cloudflare.rateLimit.authentication.period": 300},
        "sentinel:cloudflare.rateLimit.authentication.period",
        "counting periods",
    ),
    ("no requests", {"sentinel:cloudflare.rateLimit.requests": 0}, "sentinel:cloudflare.rateLimit.requests", "1"),
    (
        "rate below one request per 10 s on free",
        {"sentinel:cloudflare.plan": "free", "sentinel:cloudflare.rateLimit.requests": 5},
        "sentinel:cloudflare.rateLimit.requests",
        "less than one request",
    ),
    ("log below enterprise", {"sentinel:cloudflare.waf.action": "log"}, "sentinel:cloudflare.waf.action", "Enterprise"),
    ("paranoia level", {"sentinel:cloudflare.waf.paranoiaLevel": 5}, "sentinel:cloudflare.waf.paranoiaLevel", "4"),
    ("score threshold", {"sentinel:cloudflare.waf.scoreThreshold": 30}, "sentinel:cloudflare.waf.scoreThreshold", "25"),
    (
        "authentication app, a key no more",
        {"sentinel:cloudflare.rateLimit.authentication.app": "api"},
        "sentinel:cloudflare.rateLimit.authentication.app",
        "the host of the app where sign-in runs (web, AUTHENTICATION_APP in components/authentication.py)",
    ),
    (
        "sign-in moved by an override",
        {"sentinel:apps.admin.env.NEXTAUTH_URL": "https://admin.projectsentinel.ai"},
        "sentinel:apps.admin.env.NEXTAUTH_URL",
        "is set from the web app, where sign-in runs",
    ),
    (
        "authentication path",
        {"sentinel:cloudflare.rateLimit.authentication.paths": ["auth"]},
        "sentinel:cloudflare.rateLimit.authentication.paths[0]",
        "leading /",
    ),
    (
        "header value with a line break",
        {"sentinel:cloudflare.headers.referrerPolicy": "no-referrer\r\nSet-Cookie: x"},
        "sentinel:cloudflare.headers.referrerPolicy",
        "printable ASCII",
    ),
    ("unknown edge key", {"sentinel:cloudflare.rateLimits": {}}, "sentinel:cloudflare.rateLimits", "rateLimit"),
    # Data tier: database
    ("postgres too old", {"sentinel:database.engineVersion": 14}, "sentinel:database.engineVersion", "15, 16 or 17"),
    ("postgres as text", {"sentinel:database.engineVersion": "16.4"}, "sentinel:database.engineVersion", "16"),
    (
        "database class not aurora",
        {"sentinel:database.instanceClass": "db.m6g.large"},
        "sentinel:database.instanceClass",
        "db.r7g.large",
    ),
    ("too many readers", {"sentinel:database.readers": 6}, "sentinel:database.readers", "less than or equal to 5"),
    ("negative readers", {"sentinel:database.readers": -1}, "sentinel:database.readers", "greater than or equal to 0"),
    ("readers beyond zones", {"sentinel:database.readers": 4}, "sentinel:database.readers", "3 availability zones"),
    (
        "serverless range upside down",
        {"sentinel:database.serverlessCapacity": {"minimum": 8, "maximum": 4}},
        "sentinel:database.serverlessCapacity.maximum",
        "at least minimum",
    ),
    (
        "serverless half units",
        {"sentinel:database.serverlessCapacity": {"minimum": 0.25, "maximum": 4}},
        "sentinel:database.serverlessCapacity.minimum",
        "multiple of 0.5",
    ),
    (
        "serverless too large",
        {"sentinel:database.serverlessCapacity": {"minimum": 0, "maximum": 512}},
        "sentinel:database.serverlessCapacity.maximum",
        "less than or equal to 256",
    ),
    ("storage type", {"sentinel:database.storageType": "gp3"}, "sentinel:database.storageType", "'aurora-iopt1'"),
    ("database name", {"sentinel:database.databaseName": "Sentinel-DB"}, "sentinel:database.databaseName", "letter"),
    (
        "backups kept too long",
        {"sentinel:database.backupRetentionDays": 36},
        "sentinel:database.backupRetentionDays",
        "less than or equal to 35",
    ),
    (
        "no backups",
        {"sentinel:database.backupRetentionDays": 0},
        "sentinel:database.backupRetentionDays",
        "greater than or equal to 1",
    ),
    ("backup window format", {"sentinel:database.backupWindow": "3am-4am"}, "sentinel:database.backupWindow", "03:00"),
    (
        "backup window too short",
        {"sentinel:database.backupWindow": "03:00-03:20"},
        "sentinel:database.backupWindow",
        "at least 30 minutes",
    ),
    (
        "maintenance window format",
        {"sentinel:database.maintenanceWindow": "sunday 05:00"},
        "sentinel:database.maintenanceWindow",
        "sun:05:00-sun:06:00",
    ),
    (
        "maintenance window too long",
        {"sentinel:database.maintenanceWindow": "sat:05:00-sun:06:00"},
        "sentinel:database.maintenanceWindow",
        "at most 24 hours",
    ),
    (
        "maintenance during backups",
        {"sentinel:database.maintenanceWindow": "wed:03:30-wed:04:30"},
        "sentinel:database.maintenanceWindow",
        "overlaps backupWindow 03:00-04:00",
    ),
    (
        "maintenance during backups past midnight",
        {"sentinel:database.backupWindow": "23:30-00:30", "sentinel:database.maintenanceWindow": "sun:00:00-sun:01:00"},
        "sentinel:database.maintenanceWindow",
        "overlaps backupWindow",
    ),
    (
        "slow statement threshold",
        {"sentinel:database.slowStatementMilliseconds": 0},
        "sentinel:database.slowStatementMilliseconds",
        "greater than or equal to 100",
    ),
    (
        "insights retention",
        {"sentinel:database.insightsRetentionDays": 30},
        "sentinel:database.insightsRetentionDays",
        "multiple of 31",
    ),
    (
        "database log retention",
        {"sentinel:database.logRetentionDays": 10},
        "sentinel:database.logRetentionDays",
        "retention periods",
    ),
    (
        "proxy share",
        {"sentinel:database.proxy": {"maxConnectionsPercent": 101}},
        "sentinel:database.proxy.maxConnectionsPercent",
        "less than or equal to 100",
    ),
    (
        "proxy idle share above its share",
        {"sentinel:database.proxy": {"maxConnectionsPercent": 40}},
        "sentinel:database.proxy.maxIdleConnectionsPercent",
        "must not exceed maxConnectionsPercent (40)",
    ),
    (
        "proxy borrow timeout",
        {"sentinel:database.proxy": {"connectionBorrowTimeoutSeconds": 3601}},
        "sentinel:database.proxy.connectionBorrowTimeoutSeconds",
        "less than or equal to 3600",
    ),
    (
        "proxy idle client timeout",
        {"sentinel:database.proxy": {"idleClientTimeoutSeconds": 0}},
        "sentinel:database.proxy.idleClientTimeoutSeconds",
        "greater than or equal to 1",
    ),
    ("typo in database", {"sentinel:database.reader": 2}, "sentinel:database.reader", "readers"),
    # Data tier: cache
    ("cache engine", {"sentinel:cache.engine": "memcached"}, "sentinel:cache.engine", "'valkey' or 'redis'"),
    ("valkey version", {"sentinel:cache.engineVersion": "7.1"}, "sentinel:cache.engineVersion", "'8.1'"),
    (
        "redis version of valkey",
        {"sentinel:cache.engine": "redis", "sentinel:cache.engineVersion": "8.0"},
        "sentinel:cache.engineVersion",
        "not a redis version",
    ),
    ("cache node type", {"sentinel:cache.nodeType": "cache.r5.large"}, "sentinel:cache.nodeType", "cache.r7g.large"),
    ("too many replicas", {"sentinel:cache.replicas": 6}, "sentinel:cache.replicas", "less than or equal to 5"),
    ("replicas beyond zones", {"sentinel:cache.replicas": 4}, "sentinel:cache.replicas", "3 availability zones"),
    (
        "snapshots kept too long",
        {"sentinel:cache.snapshotRetentionDays": 36},
        "sentinel:cache.snapshotRetentionDays",
        "less than or equal to 35",
    ),
    (
        "snapshot window too short",
        {"sentinel:cache.snapshotWindow": "02:00-02:30"},
        "sentinel:cache.snapshotWindow",
        "at least 60 minutes",
    ),
    (
        "cache maintenance window too short",
        {"sentinel:cache.maintenanceWindow": "sun:06:00-sun:06:30"},
        "sentinel:cache.maintenanceWindow",
        "at least 60 minutes",
    ),
    (
        "cache maintenance during snapshots",
        {"sentinel:cache.maintenanceWindow": "mon:02:30-mon:03:30"},
        "sentinel:cache.maintenanceWindow",
        "overlaps snapshotWindow 02:00-03:00",
    ),
    ("cache log retention", {"sentinel:cache.logRetentionDays": 2}, "sentinel:cache.logRetentionDays", "periods"),
    # Tier 10 (ingress and workloads)
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
    ("env name", {"sentinel:apps.web.env": {"log-level": "x"}}, "sentinel:apps.web.env", "upper case"),
    ("idle timeout", {"sentinel:ingress.idleTimeoutSeconds": 0}, "sentinel:ingress.idleTimeoutSeconds", "1"),
    (
        "draining shorter than a check",
        {"sentinel:ingress.deregistrationDelaySeconds": 5},
        "sentinel:ingress.deregistrationDelaySeconds",
        "health check interval",
    ),
    (
        "health check timeout",
        {"sentinel:ingress.healthCheck.timeoutSeconds": 10},
        "sentinel:ingress.healthCheck.timeoutSeconds",
        "below intervalSeconds",
    ),
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


@pytest.mark.parametrize(
    ("overrides", "key", "allowed"), [case[1:] for case in BAD_CONFIGS], ids=[c[0] for c in BAD_CONFIGS]
)
def test_bad_config_is_named_by_its_full_key(overrides: dict[str, Any], key: str, allowed: str) -> None:
    problems = problems_of(overrides)
    matching = [problem for problem in problems if problem.startswith(key)]
    assert matching, f"no problem names {key}: {problems}"
    assert any(allowed in problem for problem in matching), matching


def test_the_bad_value_is_quoted() -> None:
    [problem] = problems_of({"sentinel:network.vpcCidr": "10.0.0.0/33"})
    assert '"10.0.0.0/33"' in problem


def test_every_problem_is_reported_at_once() -> None:
    problems = problems_of(
        {
            "sentinel:environment": "qa",
            "sentinel:region": "nowhere",
            "sentinel:network.vpcCidr": "bad",
            "sentinel:tags.costCenter": REMOVE,
            "sentinel:extra": 1,
        }
    )
    named = {problem.split(" ")[0].rstrip(":") for problem in problems}
    assert named >= {
        "sentinel:environment",
        "sentinel:region",
        "sentinel:network.vpcCidr",
        "sentinel:tags.costCenter",
        "sentinel:extra",
    }


def test_config_error_message_lists_the_stack_and_each_problem() -> None:
    with pytest.raises(ConfigError) as caught:
        load("prod", {"sentinel:network.vpcCidr": "10.0.0.0/33", "sentinel:region": "nowhere"})
    message = str(caught.value)
    assert "stack 'prod'" in message
    assert "2 problem(s)" in message
    assert message.count("\n  - sentinel:") == 2


def _repeated(stack_value: Any, default: Any, key: str) -> list[str]:
    if isinstance(stack_value, dict) and isinstance(default, dict):
        return [
            found for k in stack_value if k in default for found in _repeated(stack_value[k], default[k], f"{key}.{k}")
        ]
    return [key] if stack_value == default else []


@pytest.mark.parametrize("stack", STACKS)
def test_stack_files_do_not_repeat_their_environments_defaults(stack: str) -> None:
    # Each environment's value lives beside its field (by_environment); a copy in a stack file would hide a
    # later change of the default.
    _, config, _ = stackfiles.load(stackfiles.stack_file(stack))
    raw = {key.removeprefix("sentinel:"): json.loads(v) if v[:1] in "{[" else v for key, v in config.items()}
    defaults = with_defaults(StackConfig, {}, stack)
    assert [found for key in raw if key in defaults for found in _repeated(raw[key], defaults[key], key)] == []


@pytest.mark.parametrize(
    ("stack", "nat_gateways", "retention"), [("dev", "single", 30), ("staging", "perAz", 90), ("prod", "perAz", 365)]
)
def test_each_environment_gets_the_defaults_declared_beside_the_fields(
    stack: str, nat_gateways: str, retention: int
) -> None:
    network = load(stack).network
    assert (network.nat_gateways, network.flow_log_retention_days) == (nat_gateways, retention)


def test_a_stack_that_changes_one_app_keeps_the_others() -> None:
    apps = load("prod", {"sentinel:apps.api.nodePort": 30999}).apps
    assert {app: settings.node_port for app, settings in apps.items()} == {"web": 30080, "api": 30999, "admin": 30082}


def test_dev_and_staging_share_prods_zone_under_hosts_of_their_own() -> None:
    for stack, suffix in (("dev", "-dev"), ("staging", "-staging"), ("prod", "")):
        config = load(stack)
        assert config.domain == "projectsentinel.ai"
        assert {settings.subdomain for settings in config.apps.values()} == {
            f"{label}{suffix}" for label in ("app", "api", "admin")
        }
        assert config.cloudflare.manages_zone is config.cloudflare.hsts_preload is (stack == "prod")


def test_a_delegated_subdomain_zone_is_allowed_on_enterprise_and_country_domains_everywhere() -> None:
    assert load("dev", {"sentinel:domain": "dev.projectsentinel.ai", "sentinel:cloudflare.plan": "enterprise"})
    assert load("prod", {"sentinel:domain": "projectsentinel.co.uk"}).domain == "projectsentinel.co.uk"


def test_free_accepts_the_seeds_rate_it_converts() -> None:
    config = load("prod", {"sentinel:cloudflare.plan": "free"})
    assert (config.cloudflare.rate_limit.period, config.cloudflare.rate_limit.mitigation_timeout) == (60, 60)


@pytest.mark.parametrize(
    ("stack", "instance_class", "readers", "node_type", "replicas"),
    [
        ("dev", "db.serverless", 0, "cache.t4g.small", 0),
        ("staging", "db.r7g.large", 2, "cache.r7g.large", 2),
        ("prod", "db.r7g.xlarge", 2, "cache.r7g.xlarge", 2),
    ],
)
def test_each_environment_gets_its_data_tier_defaults(
    stack: str, instance_class: str, readers: int, node_type: str, replicas: int
) -> None:
    config = load(stack)
    assert (config.database.instance_class, config.database.readers) == (instance_class, readers)
    assert (config.cache.node_type, config.cache.replicas) == (node_type, replicas)
    assert config.database.backup_retention_days == (30 if stack != "dev" else 7)


def test_the_cache_engine_picks_its_newest_version_and_its_parameter_family() -> None:
    assert (load().cache.version, load().cache.parameter_family) == ("8.1", "valkey8")
    redis = load("prod", {"sentinel:cache.engine": "redis"}).cache
    assert (redis.version, redis.parameter_family) == ("7.1", "redis7")
