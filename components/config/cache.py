"""`sentinel:cache`: the Redis-compatible ElastiCache replication group (design D7).

The seed's "Redis Cluster: 3 nodes (1 master + 2 replicas)" is a replication group with cluster mode disabled:
a primary and `replicas` replicas in distinct zones, each holding the whole data set.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from components.config.types import (
    CacheNodeType,
    Key,
    LogRetentionDays,
    Section,
    SectionError,
    by_environment,
    daily_window,
    weekly_window,
    windows_overlap,
)

CacheEngine = Literal["valkey", "redis"]

# The engine versions the platform accepts (major.minor, as ElastiCache requires from version 7), each with
# the parameter group family it takes. Redis OSS before 7.0.5 cannot require TLS with transitEncryptionMode.
# https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/supported-engine-versions.html
# https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/ParameterGroups.Engine.html
ENGINE_VERSIONS: dict[CacheEngine, dict[str, str]] = {
    "valkey": {"7.2": "valkey7", "8.0": "valkey8", "8.1": "valkey8"},
    "redis": {"7.0": "redis7", "7.1": "redis7"},
}


class CacheConfig(Section):
    engine: CacheEngine = "valkey"
    """Valkey, the maintained and cheaper Redis-protocol engine, or Redis OSS. Choose at creation: ElastiCache
    moves Redis OSS to Valkey in place but never back, and a change replaces the cache."""
    engine_version: str | None = None
    """major.minor of the engine (`ENGINE_VERSIONS` in `components/config/cache.py`: valkey 7.2, 8.0, 8.1; redis
    7.0, 7.1); the newest listed for the engine when unset."""
    node_type: Annotated[
        CacheNodeType, by_environment(dev="cache.t4g.small", staging="cache.r7g.large", prod="cache.r7g.xlarge")
    ]
    """An ElastiCache node type of `facts/instance_classes.py`. Every node holds the whole data set (docs/data.md
    sizes it for the seed's 16 GB)."""
    replicas: Annotated[int, Field(ge=0, le=5), by_environment(dev=0, staging=2, prod=2)]
    """Replicas beside the primary, each in a zone of its own (at most the stack's zones), with automatic
    failover and Multi-AZ."""
    snapshot_retention_days: Annotated[int, Field(ge=1, le=35), by_environment(dev=1, staging=7, prod=7)]
    """Daily snapshots kept."""
    snapshot_window: Annotated[str, daily_window(60)] = "02:00-03:00"
    """The daily snapshot window, UTC, at least 60 minutes, apart from the maintenance window."""
    maintenance_window: Annotated[str, weekly_window(60)] = "sun:06:00-sun:07:00"
    """The weekly maintenance window, UTC, at least 60 minutes."""
    log_retention_days: Annotated[LogRetentionDays, by_environment(dev=7, staging=30, prod=90)]
    """How long the slow and engine logs are kept."""

    @model_validator(mode="after")
    def _check(self) -> CacheConfig:
        problems: list[tuple[Key, str]] = []
        versions = ENGINE_VERSIONS[self.engine]
        if self.engine_version is not None and self.engine_version not in versions:
            problems.append((("engineVersion",), f"is not a {self.engine} version; must be one of {list(versions)}"))
        if windows_overlap(self.snapshot_window, self.maintenance_window):
            problems.append(
                (
                    ("maintenanceWindow",),
                    f"overlaps snapshotWindow {self.snapshot_window}; ElastiCache requires them apart",
                )
            )
        if problems:
            raise SectionError(problems)
        return self

    @property
    def version(self) -> str:
        return self.engine_version or list(ENGINE_VERSIONS[self.engine])[-1]

    @property
    def parameter_family(self) -> str:
        return ENGINE_VERSIONS[self.engine][self.version]
