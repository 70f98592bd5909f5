"""The stack configuration: one pydantic model for everything a stack file may say.

Keys live in the `sentinel` config namespace, one top-level key per section (`sentinel:network`,
`sentinel:tags`, ...), camelCase inside; each section is a module of this package. A default that differs
by environment is written beside its field (`by_environment(dev=..., staging=..., prod=...)`); a stack file
overrides any of them key by key. Validation happens before any resource is registered and reports every
problem at once, each under its full key (`sentinel:network.vpcCidr`), with the bad value and what is
allowed.
"""

from components.config.apps import AppConfig, app_hosts
from components.config.cache import CacheConfig
from components.config.cloudflare import CLOUDFLARE_IPV4_RANGES, CLOUDFLARE_IPV6_RANGES, CloudflareConfig
from components.config.database import DatabaseConfig
from components.config.errors import ConfigError
from components.config.loading import load, load_cloudflare_api_token, parse, validate
from components.config.monitoring import AlarmSettings, MonitoringConfig, Thresholds
from components.config.network import TIERS, NetworkConfig, Tier
from components.config.stack import StackConfig
from components.config.tags import TagsConfig
from components.config.types import ENVIRONMENTS, NAMESPACE, Environment, Secret

__all__ = [
    "CLOUDFLARE_IPV4_RANGES",
    "CLOUDFLARE_IPV6_RANGES",
    "ENVIRONMENTS",
    "NAMESPACE",
    "TIERS",
    "AlarmSettings",
    "AppConfig",
    "CacheConfig",
    "CloudflareConfig",
    "ConfigError",
    "DatabaseConfig",
    "Environment",
    "MonitoringConfig",
    "NetworkConfig",
    "Secret",
    "StackConfig",
    "TagsConfig",
    "Thresholds",
    "Tier",
    "app_hosts",
    "load",
    "load_cloudflare_api_token",
    "parse",
    "validate",
]
