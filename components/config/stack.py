"""The root of the stack config: identity (environment, name, region, account, domain) and one key per section."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field, ValidationInfo, field_validator, model_validator
from pydantic.alias_generators import to_camel

from components.authentication import AUTHENTICATION_APP
from components.config.apps import SEED_APPS, AppConfig, app_problems
from components.config.backup import BackupConfig
from components.config.bastion import BastionConfig
from components.config.cache import CacheConfig
from components.config.cloudflare import CloudflareConfig
from components.config.cluster import ClusterConfig, NodesConfig, node_problems
from components.config.database import DatabaseConfig
from components.config.deploy_runner import DeployRunnerConfig
from components.config.ingress import IngressConfig
from components.config.monitoring import MonitoringConfig, require_recipients
from components.config.network import NetworkConfig
from components.config.protection import ProtectionConfig
from components.config.registry import RegistryConfig
from components.config.storage import BUCKET_NAME_LIMIT, BUCKET_PURPOSES, StorageConfig, bucket_name
from components.config.tags import TagsConfig
from components.config.types import (
    ENVIRONMENTS,
    AwsRegion,
    DnsLabel,
    Environment,
    Key,
    Section,
    SectionError,
    in_every_environment,
    is_dns_label,
)
from components.config.workloads import WorkloadsConfig, key_problems


def _domain(value: str) -> str:
    labels = value.split(".")
    if len(value) > 253 or len(labels) < 2 or not all(is_dns_label(label) for label in labels):
        raise ValueError("must be a lowercase DNS domain such as projectsentinel.ai")
    return value


# Second-level labels under which country-code registries sell domains (example.co.uk, example.com.au): a
# domain of three labels is an apex only beneath one of these.
_COUNTRY_SECOND_LEVELS = frozenset({"ac", "co", "com", "edu", "gov", "net", "org"})


def is_registrable_domain(domain: str) -> bool:
    """Whether `domain` is a name one registers (and so a zone on any plan), rather than a subdomain of one."""
    labels = domain.split(".")
    return len(labels) == 2 or (len(labels) == 3 and labels[1] in _COUNTRY_SECOND_LEVELS and len(labels[2]) == 2)


def _account_id(value: str) -> str:
    if not re.fullmatch(r"\d{12}", value):
        raise ValueError("must be a 12-digit AWS account id, quoted so YAML keeps leading zeros")
    return value


class StackConfig(Section):
    """Everything under the `sentinel` namespace of one stack."""

    environment: Environment
    """The stack's environment: it selects every default that differs by environment, and the policy levels the
    stack runs at (`policies/config/<environment>.json`), so a short-lived stack needs no files of its own."""
    name: DnsLabel = "sentinel"
    """The DNS label that prefixes physical names (`<name>-<environment>-...`), so stacks can share an account."""
    region: AwsRegion
    """The AWS region of the stack's resources (the disaster-recovery copies aside: `backup.drRegion`)."""
    account_id: Annotated[str, AfterValidator(_account_id)]
    """The AWS account the stack may touch, quoted; the provider refuses any other (`allowedAccountIds`), so a
    shell's credentials for another account cannot deploy there. The stack files hold example ids: set yours."""
    domain: Annotated[str, AfterValidator(_domain)]
    """The apex of the Cloudflare zone the apps are served under (`<subdomain>.<domain>`). Universal SSL covers
    one level below the apex, and a zone for a subdomain needs Enterprise."""
    tags: TagsConfig
    """Who owns the stack and pays for it: tags on every AWS resource, through the provider's default tags."""
    network: NetworkConfig
    """The VPC's address space, its zones and the subnet plan (design D13)."""
    apps: Annotated[dict[DnsLabel, AppConfig], Field(min_length=1), SEED_APPS]
    """The apps by name (web, api, admin): each one's public host, NodePort, image, pod size, scaling, probes,
    rollout and whether it runs yet. A stack that changes one app's setting keeps the rest (merged key by key)."""
    cloudflare: CloudflareConfig
    """The edge: the Cloudflare ranges the ALB admits, and the zone the apps are served from with its WAF, rate
    limits, bot protection and security headers, as far as its plan allows."""
    cluster: ClusterConfig
    """The EKS control plane: Kubernetes version, endpoint access, who administers it, add-on and autoscaler
    versions. Versions are pinned, not resolved at deploy time, so a preview shows what `pulumi up` installs."""
    # Sections a stack file may omit: each setting's default for every environment is declared in the section's
    # module, and an omitted section starts empty so those defaults fill it.
    nodes: Annotated[NodesConfig, in_every_environment({})]
    """The EKS managed node group: the guide's 2 vCPU / 4 GiB nodes, 2 to 20 of them in prod."""
    bastion: Annotated[BastionConfig, in_every_environment({})]
    """The operators' bastion: one small instance in a private subnet, reached through SSM Session Manager only."""
    registry: Annotated[RegistryConfig, in_every_environment({})]
    """The ECR repositories of the apps' images."""
    database: Annotated[DatabaseConfig, in_every_environment({})]
    """The Aurora PostgreSQL cluster (design D5): a writer and readers in distinct zones behind RDS Proxy, with
    point-in-time recovery. The guide asks for PostgreSQL 15+, two read replicas, pooling and daily backups."""
    cache: Annotated[CacheConfig, in_every_environment({})]
    """The Redis-compatible ElastiCache replication group (design D7): cluster mode disabled, a primary and its
    replicas in distinct zones, each holding the whole data set (the guide's "3 nodes: 1 master + 2 replicas")."""
    storage: Annotated[StorageConfig, in_every_environment({})]
    """The S3 buckets `uploads`, `backups` and `logs`: their lifecycles, the uploads bucket's CORS origins and who
    may delete backups. Ages are days since an object was written (noncurrent: since it was replaced)."""
    backup: Annotated[BackupConfig, in_every_environment({})]
    """AWS Backup (design D15): its daily and monthly rules, the vault lock, disaster-recovery copies and restore
    tests."""
    monitoring: Annotated[MonitoringConfig, in_every_environment({})]
    """Who the alarms notify, and the numbers they alarm at: the guide's three alarms by name, the others'
    thresholds."""
    ingress: Annotated[IngressConfig, in_every_environment({})]
    """The application load balancer's timeouts, and its target groups' health checks and draining."""
    workloads: Annotated[WorkloadsConfig, in_every_environment({})]
    """What the apps share in the cluster: their namespace, the guide's runtime settings, the third-party keys
    they call out with, and the daily logical backup. Each app's own settings are under `apps`."""
    deploy_runner: Annotated[DeployRunnerConfig, in_every_environment({})]
    """The CodeBuild-hosted GitHub Actions runner in the private subnets that runs the deploy and preview jobs,
    so they reach the private EKS API endpoint (design D16)."""
    protection: Annotated[ProtectionConfig, in_every_environment({})]
    """What keeps the stack's data through a bad diff or a deletion: Pulumi's `protect` on stateful resources, and
    AWS's deletion protection and final snapshots on the data tier. Written out in the prod and staging stack
    files, so an edit of `environment` alone cannot drop it."""

    @field_validator("environment")
    @classmethod
    def _named_stack_keeps_its_environment(cls, environment: Environment, info: ValidationInfo) -> Environment:
        """A stack named dev, staging or prod is that environment; an ephemeral one (pr-123) chooses its own."""
        stack = (info.context or {}).get("stack")
        if stack in ENVIRONMENTS and environment != stack:
            raise ValueError(
                f"must be {stack!r} in stack {stack!r}: the environment chooses protection, sizing and policy "
                "levels, so a prod stack file that said staging would drop protection from every stateful resource; "
                "only an ephemeral stack (such as pr-123) chooses its own environment"
            )
        return environment

    @model_validator(mode="after")
    def _check_cross_section(self) -> StackConfig:
        problems: list[tuple[Key, str]] = []
        for index, zone in enumerate(self.network.availability_zones):
            if not re.fullmatch(re.escape(self.region) + r"[a-z]", zone):
                problems.append(
                    (
                        ("network", "availabilityZones", index),
                        f"is not a zone of region {self.region}; expected {self.region}a, {self.region}b, ...",
                    )
                )
        for field_name in ("subdomain", "node_port"):
            seen: dict[object, str] = {}
            for app, settings in self.apps.items():
                value = getattr(settings, field_name)
                if value in seen:
                    problems.append(
                        (
                            ("apps", app, to_camel(field_name)),
                            f"{value!r} is already used by app {seen[value]!r}; each app needs its own",
                        )
                    )
                seen[value] = app
        problems += require_recipients(self.monitoring, self.is_prod)
        problems += self._edge_problems()
        problems += node_problems(self.environment, self.nodes)
        problems += self._deploy_path_problems()
        # Data tier: each reader or replica takes a zone of its own.
        zones = len(self.network.availability_zones)
        for key, count in (
            (("database", "readers"), self.database.readers),
            (("cache", "replicas"), self.cache.replicas),
        ):
            if count > zones:
                problems.append(
                    (key, f"{count} exceeds the stack's {zones} availability zones; each needs a zone of its own")
                )
        problems += app_problems(self.environment, self.apps, self.nodes.instance_types)
        problems += key_problems(self.environment, self.workloads, self.apps)
        problems += self._dump_client_problems()
        problems += self._protection_problems()
        if problems:
            raise SectionError(problems)
        return self

    @model_validator(mode="after")
    def _check_storage_and_backup(self) -> StackConfig:
        problems: list[tuple[Key, str]] = []
        if self.backup.dr_region == self.region:
            problems.append(
                (("backup", "drRegion"), f"is the stack's own region {self.region}; name another region, or none")
            )
        problems += self._break_glass_problems()
        longest = max(
            (bucket_name(self.name_prefix, self.account_id, self.region, p) for p in BUCKET_PURPOSES), key=len
        )
        if len(longest) > BUCKET_NAME_LIMIT:
            problems.append(
                (
                    ("name",),
                    f"makes bucket names such as {longest} longer than S3's {BUCKET_NAME_LIMIT} characters; use "
                    f"a name {len(longest) - BUCKET_NAME_LIMIT} characters shorter",
                )
            )
        if problems:
            raise SectionError(problems)
        return self

    def _break_glass_problems(self) -> list[tuple[Key, str]]:
        """The keys' break-glass role is a role of this account and, in prod, not the role every deploy runs as."""
        role, key = self.backup.break_glass_role_arn, ("backup", "breakGlassRoleArn")
        if not role.startswith(f"arn:aws:iam::{self.account_id}:role/"):
            return [(key, f"must be a role of the stack's account {self.account_id}, which owns the keys")]
        if self.is_prod and role == self.cluster.deploy_role_arn:
            return [
                (
                    key,
                    "must not be cluster.deployRoleArn in prod: a key the deploy job may delete takes every snapshot "
                    "and recovery point encrypted with it, their copies in the DR region included; name a role of its "
                    "own",
                )
            ]
        return []

    def _protection_problems(self) -> list[tuple[Key, str]]:
        """Prod's data stays protected (design D11): neither setting may be turned off there."""
        if not self.is_prod:
            return []
        reasons = {
            "protectState": "without Pulumi's protect a single diff could delete or replace the database, cache, "
            "buckets, keys and audit logs of prod",
            "keepDataOnDelete": "without deletion protection and final snapshots a deleted prod database or cache "
            "would leave no copy of its data behind",
        }
        settings = {
            "protectState": self.protection.protect_state,
            "keepDataOnDelete": self.protection.keep_data_on_delete,
        }
        return [
            (
                ("protection", key),
                f"must stay true in prod: {reasons[key]}; to remove a resource on purpose, "
                "unprotect it alone (`pulumi state unprotect <urn>`) rather than the whole stack",
            )
            for key, value in settings.items()
            if not value
        ]

    def _dump_client_problems(self) -> list[tuple[Key, str]]:
        """pg_dump refuses a server of a newer major than its own ("aborting because of server version mismatch"),
        so the logical backup's client moves with the database's engine version, never behind it."""
        tag = self.workloads.logical_backup.postgres_image_tag
        client = re.match(r"\d+", tag)
        server = self.database.engine_version
        key = ("workloads", "logicalBackup", "postgresImageTag")
        if client is None:
            return [(key, f"names no PostgreSQL major: use a tag that starts with one, such as '{server}-alpine'")]
        if int(client.group()) < server:
            return [
                (
                    key,
                    f"runs a pg_dump older than the database's engine (sentinel:database.engineVersion {server}), "
                    f"which pg_dump refuses to dump: use a {server} tag or newer, such as '{server}-alpine'",
                )
            ]
        return []

    def _deploy_path_problems(self) -> list[tuple[Key, str]]:
        """The deploy job must reach the cluster's API: through the runner in the VPC, or, outside prod, through
        public access for listed ranges (design D16: prod's endpoint stays private)."""
        if self.deploy_runner.enabled:
            return []
        if self.is_prod:
            return [
                (
                    ("deployRunner", "enabled"),
                    "must stay true in prod: its API endpoint stays private, and the runner is the deploy's way in",
                )
            ]
        if not self.cluster.public_access_cidrs:
            return [
                (
                    ("deployRunner", "enabled"),
                    "is false while cluster.publicAccessCidrs is empty: nothing could reach the private API endpoint "
                    "to deploy the Kubernetes resources; enable the runner or list the deploy runners' ranges there",
                )
            ]
        return []

    def _edge_problems(self) -> list[tuple[Key, str]]:
        """The edge: the hosts must be ones the zone's Universal SSL certificate covers, and sign-in must
        run where the authentication rate limit looks: in the app NEXTAUTH_URL names, which no override moves."""
        problems: list[tuple[Key, str]] = []
        if self.cloudflare.plan != "enterprise" and not is_registrable_domain(self.domain):
            problems.append(
                (
                    ("domain",),
                    "must be the Cloudflare zone's apex (such as projectsentinel.ai, or example.co.uk): Universal SSL "
                    "covers one level below it, and a zone for a subdomain needs Enterprise; give dev and staging "
                    "hosts of their own under the apex (apps.<app>.subdomain such as app-dev)",
                )
            )
        problems += [
            (
                ("apps", app, "env", "NEXTAUTH_URL"),
                f"is set from the {AUTHENTICATION_APP} app, where sign-in runs and whose host the edge's "
                "authentication rate limit guards; an override would leave sign-in unguarded: remove it",
            )
            for app, settings in self.apps.items()
            if "NEXTAUTH_URL" in settings.env
        ]
        return problems

    @property
    def is_prod(self) -> bool:
        return self.environment == "prod"

    @property
    def name_prefix(self) -> str:
        """Prefix of every physical name, so stacks can share an account without collisions."""
        return f"{self.name}-{self.environment}"
