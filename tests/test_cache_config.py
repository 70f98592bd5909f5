"""`sentinel:cache`: each environment's cache by default, the engine's version and parameter family, and every bad
input named by its full key with what is allowed."""

from __future__ import annotations

import pytest

from tests.config_cases import BadConfig, named_by_full_key
from tests.helpers import load


@pytest.mark.parametrize(
    ("stack", "node_type", "replicas"),
    [("dev", "cache.t4g.small", 0), ("staging", "cache.r7g.large", 2), ("prod", "cache.r7g.xlarge", 2)],
)
def test_each_environment_gets_its_cache_defaults(stack: str, node_type: str, replicas: int) -> None:
    cache = load(stack).cache
    assert (cache.node_type, cache.replicas) == (node_type, replicas)


def test_the_cache_engine_picks_its_newest_version_and_its_parameter_family() -> None:
    assert (load().cache.version, load().cache.parameter_family) == ("8.1", "valkey8")
    redis = load("prod", {"sentinel:cache.engine": "redis"}).cache
    assert (redis.version, redis.parameter_family) == ("7.1", "redis7")


BAD_CACHE: list[BadConfig] = [
    # (case, overrides, key named in the message, something the message says is allowed)
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
]

test_bad_cache_config_is_named_by_its_full_key = named_by_full_key(BAD_CACHE)
