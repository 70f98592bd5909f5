"""The root of the stack config: identity (environment, name, region, account, domain) and one key per section."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field, model_validator
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
from components.config.registry import RegistryConfig
from components.config.storage import BUCKET_NAME_LIMIT, BUCKET_PURPOSES, StorageConfig, bucket_name
from components.config.tags import TagsConfig
from components.config.types import (
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
    name: DnsLabel = "sentinel"
    region: AwsRegion
    account_id: Annotated[str, AfterValidator(_account_id)]
    domain: Annotated[str, AfterValidator(_domain)]
    tags: TagsConfig
    network: NetworkConfig
    apps: Annotated[dict[DnsLabel, AppConfig], Field(min_length=1), SEED_APPS]
    cloudflare: CloudflareConfig
    cluster: ClusterConfig
    # Sections a stack file may omit: each setting's default for every environment is declared in the section's
    # module, and an omitted section starts empty so those defaults fill it.
    nodes: Annotated[NodesConfig, in_every_environment({})]
    bastion: Annotated[BastionConfig, in_every_environment({})]
    registry: Annotated[RegistryConfig, in_every_environment({})]
    database: Annotated[DatabaseConfig, in_every_environment({})]
    cache: Annotated[CacheConfig, in_every_environment({})]
    storage: Annotated[StorageConfig, in_every_environment({})]
    backup: Annotated[BackupConfig, in_every_environment({})]
    monitoring: Annotated[MonitoringConfig, in_every_environment({})]
    ingress: Annotated[IngressConfig, in_every_environment({})]
    workloads: Annotated[WorkloadsConfig, in_every_environment({})]
    deploy_runner: Annotated[DeployRunnerConfig, in_every_environment({})]

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
        problems += require_recipients(self.monitoring, self.is_prod)  # tier: observability
        problems += self._edge_problems()
        # Tier 9 (cluster)
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
        problems += key_problems(self.environment, self.workloads)
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
        """Tier 11, the edge: the hosts must be ones the zone's Universal SSL certificate covers, and sign-in must
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
