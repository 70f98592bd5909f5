"""The root of the stack config: identity (environment, name, region, account, domain) and one key per section."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field, model_validator
from pydantic.alias_generators import to_camel

from components.config.apps import SEED_APPS, AppConfig, app_problems
from components.config.bastion import BastionConfig
from components.config.cloudflare import CloudflareConfig
from components.config.cluster import ClusterConfig, NodesConfig, node_problems
from components.config.ingress import IngressConfig
from components.config.monitoring import MonitoringConfig, require_recipients
from components.config.network import NetworkConfig
from components.config.registry import RegistryConfig
from components.config.tags import TagsConfig
from components.config.types import DnsLabel, Environment, Key, Section, SectionError, is_dns_label
from components.config.workloads import WorkloadsConfig, key_problems

_REGION = re.compile(r"^(us|eu|ap|ca|sa|me|af|il|mx)-[a-z]+-\d$")


def _domain(value: str) -> str:
    labels = value.split(".")
    if len(value) > 253 or len(labels) < 2 or not all(is_dns_label(label) for label in labels):
        raise ValueError("must be a lowercase DNS domain such as projectsentinel.ai")
    return value


def _region(value: str) -> str:
    if not _REGION.fullmatch(value):
        raise ValueError("must be an AWS commercial region name such as us-east-1 or eu-west-2")
    return value


def _account_id(value: str) -> str:
    if not re.fullmatch(r"\d{12}", value):
        raise ValueError("must be a 12-digit AWS account id, quoted so YAML keeps leading zeros")
    return value


class StackConfig(Section):
    """Everything under the `sentinel` namespace of one stack."""

    environment: Environment
    name: DnsLabel = "sentinel"
    region: Annotated[str, AfterValidator(_region)]
    account_id: Annotated[str, AfterValidator(_account_id)]
    domain: Annotated[str, AfterValidator(_domain)]
    tags: TagsConfig
    network: NetworkConfig
    apps: Annotated[dict[DnsLabel, AppConfig], Field(min_length=1), SEED_APPS]
    cloudflare: CloudflareConfig = CloudflareConfig()
    # tier: observability
    monitoring: MonitoringConfig = MonitoringConfig()
    # Tier 9 (cluster). Sections whose every setting has a default: a stack file that omits one gets its
    # environment's defaults from `with_defaults` before validation, so the None below is never used (and
    # would be refused if it were).
    cluster: ClusterConfig
    nodes: NodesConfig = Field(default=None, validate_default=True)
    bastion: BastionConfig = Field(default=None, validate_default=True)
    registry: RegistryConfig = Field(default=None, validate_default=True)
    # Tier 10 (ingress and workloads)
    ingress: IngressConfig = IngressConfig()
    workloads: WorkloadsConfig = Field(default=None, validate_default=True)

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
        # Tier 9 (cluster)
        problems += node_problems(self.environment, self.nodes)
        # Tier 10 (ingress and workloads)
        problems += app_problems(self.environment, self.apps, self.nodes.instance_types)
        problems += key_problems(self.environment, self.workloads)
        if problems:
            raise SectionError(problems)
        return self

    @property
    def is_prod(self) -> bool:
        return self.environment == "prod"

    @property
    def name_prefix(self) -> str:
        """Prefix of every physical name, so stacks can share an account without collisions."""
        return f"{self.name}-{self.environment}"
