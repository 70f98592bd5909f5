"""`sentinel:database`: the Aurora PostgreSQL cluster (design D5), its instances, backups and the RDS Proxy pool.

The seed asks for PostgreSQL 15+, two read replicas, PgBouncer-style pooling and daily backups with WAL
archiving: an Aurora cluster with a writer and `readers` reader instances in distinct zones, behind RDS Proxy,
with point-in-time recovery over `backupRetentionDays`.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

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
    maximum: Capacity = 4.0

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
    max_idle_connections_percent: int = Field(default=50, ge=0, le=100)
    connection_borrow_timeout_seconds: int = Field(default=120, ge=0, le=3600)
    idle_client_timeout_seconds: int = Field(default=1800, ge=1, le=28800)

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
    # Dev runs one Serverless v2 writer that pauses when idle; staging and prod run the seed's writer and two
    # readers on memory-optimized Graviton classes (see the README's data tier section for the sizing).
    instance_class: Annotated[
        AuroraInstanceClass, by_environment(dev=AURORA_SERVERLESS, staging="db.r7g.large", prod="db.r7g.xlarge")
    ]
    readers: Annotated[int, Field(ge=0, le=5), by_environment(dev=0, staging=2, prod=2)]
    serverless_capacity: ServerlessCapacity = ServerlessCapacity()
    storage_type: Literal["aurora", "aurora-iopt1"] = "aurora"
    database_name: Annotated[str, AfterValidator(_database_name)] = "projectsentinel"
    backup_retention_days: Annotated[int, Field(ge=1, le=35), by_environment(dev=7, staging=30, prod=30)]
    backup_window: Annotated[str, daily_window(30)] = "03:00-04:00"
    maintenance_window: Annotated[str, weekly_window(30)] = "sun:04:30-sun:05:30"
    slow_statement_milliseconds: int = Field(default=1000, ge=100, le=3_600_000)
    insights_retention_days: Annotated[int, AfterValidator(_insights_retention)] = 7
    log_retention_days: Annotated[LogRetentionDays, by_environment(dev=7, staging=30, prod=90)]
    proxy: ProxyPool = ProxyPool()

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
