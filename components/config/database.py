"""`sentinel:database`: the Aurora PostgreSQL cluster (design D5), its instances, backups and the RDS Proxy pool.

The seed asks for PostgreSQL 15+, two read replicas, PgBouncer-style pooling and daily backups with WAL
archiving: an Aurora cluster with a writer and `readers` reader instances in distinct zones, behind RDS Proxy,
with point-in-time recovery over `backupRetentionDays`.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from components.config.apps import ImageTag
from components.config.types import (
    AuroraInstanceClass,
    LogRetentionDays,
    Section,
    SectionError,
    by_environment,
    daily_window,
    weekly_window,
    windows_overlap,
)
from facts.instance_classes import AURORA_SERVERLESS

# Aurora PostgreSQL majors the platform accepts: the seed wants 15 or later, and only the major is stored, so
# automatic minor upgrades never show as a diff.
# https://docs.aws.amazon.com/AmazonRDS/latest/AuroraPostgreSQLReleaseNotes/AuroraPostgreSQL.Updates.html
AuroraPostgresMajor = Literal[15, 16, 17]

# Performance Insights keeps 7 days free (Database Insights standard), then whole months of 31 days up to 23,
# or two years. https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html
INSIGHTS_RETENTION_DAYS = (7, *(31 * months for months in range(1, 24)), 731)

# Aurora Serverless v2 capacity in Aurora capacity units (ACUs, about 2 GiB each), in steps of half a unit;
# a minimum of 0 pauses the writer when idle.
# https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2.setting-capacity.html
_SMALLEST_ACU, _LARGEST_ACU, _ACU_STEP = 0.0, 256.0, 0.5

# PostgreSQL identifiers RDS accepts as a database name: a letter, then letters, digits or underscores.
_DATABASE_NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")


def _insights_retention(days: int) -> int:
    if days not in INSIGHTS_RETENTION_DAYS:
        raise ValueError("must be 7 (free), a multiple of 31 up to 713, or 731 (Performance Insights retention)")
    return days


def _database_name(name: str) -> str:
    if not _DATABASE_NAME.fullmatch(name):
        raise ValueError("must be 1-63 lowercase letters, digits or underscores, starting with a letter")
    return name


def _capacity(units: float) -> float:
    if units % _ACU_STEP:
        raise ValueError(f"must be a multiple of {_ACU_STEP} Aurora capacity units")
    return units


Capacity = Annotated[float, Field(ge=_SMALLEST_ACU, le=_LARGEST_ACU), AfterValidator(_capacity)]


class ServerlessCapacity(Section):
    """The range Aurora Serverless v2 scales in, used when `instanceClass` is `db.serverless`."""

    minimum: Capacity = 0.0
    """The fewest Aurora capacity units (about 2 GiB each) the writer scales down to; 0 pauses it when idle."""
    maximum: Capacity = 4.0
    """The most capacity units it scales up to: at least 1 and at least `minimum`."""

    @model_validator(mode="after")
    def _check_range(self) -> ServerlessCapacity:
        if self.maximum < max(self.minimum, 1.0):
            raise SectionError(
                [(("maximum",), f"{self.maximum:g} must be at least 1 and at least minimum ({self.minimum:g})")]
            )
        return self


class ProxyPool(Section):
    """RDS Proxy's pool (the seed's PgBouncer). Prisma pins every session, so each client connection holds one
    server connection: size `maxConnectionsPercent` of max_connections for pods x DATABASE_POOL_SIZE."""

    max_connections_percent: int = Field(default=90, ge=1, le=100)
    """The share of the database's `max_connections` the proxy may open. Prisma pins every session, so each
    client connection holds one server connection: size it for pods x `DATABASE_POOL_SIZE`."""
    max_idle_connections_percent: int = Field(default=50, ge=0, le=100)
    """The share of `max_connections` the proxy keeps open while idle, at most `maxConnectionsPercent`."""
    connection_borrow_timeout_seconds: int = Field(default=120, ge=0, le=3600)
    """How long a client waits for a connection from a full pool before its request fails."""
    idle_client_timeout_seconds: int = Field(default=1800, ge=1, le=28800)
    """How long the proxy keeps an idle client connection open."""

    @model_validator(mode="after")
    def _check_idle_share(self) -> ProxyPool:
        if self.max_idle_connections_percent > self.max_connections_percent:
            raise SectionError(
                [
                    (
                        ("maxIdleConnectionsPercent",),
                        f"{self.max_idle_connections_percent} must not exceed maxConnectionsPercent "
                        f"({self.max_connections_percent})",
                    )
                ]
            )
        return self


class DatabaseConfig(Section):
    engine_version: AuroraPostgresMajor = 16
    """The Aurora PostgreSQL major (the seed: 15 or later). Only the major is set: RDS picks and upgrades the
    minor, so automatic minor upgrades never show as a diff. A new major is an operation (docs/data.md): RDS refuses
    it unless `allowMajorVersionUpgrade` is true, and the logical backup's `postgresImageTag` moves with it."""
    allow_major_version_upgrade: bool = False
    """Whether RDS may move the cluster to a new major: set it in the change that raises `engineVersion` (RDS then
    upgrades the cluster in place, its instances taking the new family's parameter group in the same call), and back
    to false afterwards. Left false, a new major fails at apply, and `python -m offline diff` says so beforehand."""
    instance_class: Annotated[
        AuroraInstanceClass, by_environment(dev=AURORA_SERVERLESS, staging="db.r7g.large", prod="db.r7g.xlarge")
    ]
    """An Aurora class of `facts/instance_classes.py`, or `db.serverless`. Dev runs one Serverless v2 writer that
    pauses when idle; staging and prod run the seed's writer and readers on memory-optimized Graviton classes
    (docs/data.md explains the sizing)."""
    readers: Annotated[int, Field(ge=0, le=5), by_environment(dev=0, staging=2, prod=2)]
    """Reader instances beside the writer (the seed's two read replicas), each in a zone of its own: at most the
    stack's zones."""
    serverless_capacity: ServerlessCapacity = ServerlessCapacity()
    """The range Aurora Serverless v2 scales in, used when `instanceClass` is `db.serverless`."""
    storage_type: Literal["aurora", "aurora-iopt1"] = "aurora"
    """Aurora Standard, or I/O-Optimized (`aurora-iopt1`) for I/O-heavy loads."""
    database_name: Annotated[str, AfterValidator(_database_name)] = "projectsentinel"
    """The database the connection URLs name. Changing it replaces the cluster, which prod's protection
    refuses."""
    backup_retention_days: Annotated[int, Field(ge=1, le=35), by_environment(dev=7, staging=30, prod=30)]
    """The point-in-time recovery window: the seed's daily backups with WAL archiving."""
    backup_window: Annotated[str, daily_window(30)] = "03:00-04:00"
    """The daily backup window, UTC, at least 30 minutes, apart from the maintenance window."""
    maintenance_window: Annotated[str, weekly_window(30)] = "sun:04:30-sun:05:30"
    """The weekly maintenance window, UTC, at least 30 minutes."""
    slow_statement_milliseconds: int = Field(default=1000, ge=100, le=3_600_000)
    """`log_min_duration_statement`: statements slower than this are logged."""
    insights_retention_days: Annotated[int, AfterValidator(_insights_retention)] = 7
    """Performance Insights retention: 7 days (free), whole months of 31 days up to 23, or 731."""
    log_retention_days: Annotated[LogRetentionDays, by_environment(dev=7, staging=30, prod=90)]
    """How long the PostgreSQL and proxy logs are kept."""
    proxy: ProxyPool = ProxyPool()
    """RDS Proxy's pool (the seed's PgBouncer)."""
    roles_image_tag: ImageTag = "16.6-alpine"
    """The tag of the official `postgres` image whose `psql` creates the apps' database users and grants (a Job
    that runs again whenever they change)."""

    @model_validator(mode="after")
    def _check_windows(self) -> DatabaseConfig:
        if windows_overlap(self.backup_window, self.maintenance_window):
            raise SectionError(
                [(("maintenanceWindow",), f"overlaps backupWindow {self.backup_window}; RDS requires them apart")]
            )
        return self

    @property
    def serverless(self) -> bool:
        return self.instance_class == AURORA_SERVERLESS
