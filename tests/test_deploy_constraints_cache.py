"""Deploy constraints of the cache (the ElastiCache replication group, its subnet and parameter groups, its users and
user group): the inputs the program sets pass, and each constraint reports the value that breaks it."""

from __future__ import annotations

from typing import Any

from policies.rules.deploy_constraints import cache
from policies.support.aws import (
    ELASTICACHE_PARAMETER_GROUP,
    ELASTICACHE_REPLICATION_GROUP,
    ELASTICACHE_SUBNET_GROUP,
    ELASTICACHE_USER,
    ELASTICACHE_USER_GROUP,
)
from tests.deploy_constraint_cases import constraint_case, untested_constraints
from tests.policy_builders import property_rule_tests

RDS = "AWS allows a letter first, then letters, digits and single hyphens"

COMPLIANT: dict[str, dict[str, Any]] = {
    ELASTICACHE_SUBNET_GROUP: {"name": "cache-subnets", "subnetIds": ["subnet-1"]},
    ELASTICACHE_PARAMETER_GROUP: {"name": "cache-parameters", "family": "valkey8"},
    ELASTICACHE_REPLICATION_GROUP: {
        "replicationGroupId": "sentinel-prod-cache",
        "description": "Redis-compatible cache",
        "numCacheClusters": 3,
        "preferredCacheClusterAzs": ["us-east-1a", "us-east-1b", "us-east-1c"],
        "snapshotRetentionLimit": 7,
        "engine": "valkey",
        "transitEncryptionMode": "required",
        "authTokenUpdateStrategy": "DELETE",
        "userGroupIds": ["sentinel-prod-cache"],
    },
    ELASTICACHE_USER: {
        "userId": "sentinel-prod-cache-web",
        "userName": "sentinel-prod-cache-web",
        "engine": "valkey",
        "accessString": "on ~* &* +@all -flushall -flushdb",
        "authenticationMode": {"type": "iam"},
    },
    ELASTICACHE_USER_GROUP: {
        "userGroupId": "sentinel-prod-cache",
        "engine": "valkey",
        "userIds": ["sentinel-prod-cache-default", "sentinel-prod-cache-web"],
    },
}

case = constraint_case(COMPLIANT)

# (resource type, the change that breaks its compliant inputs, the start of the message it then reports, id)
CASES = [
    case(ELASTICACHE_SUBNET_GROUP, {"name": "n" * 256}, "name is", "cache-subnet-group-name-length"),
    case(ELASTICACHE_SUBNET_GROUP, {"name": "Cache_Subnets"}, 'name is "Cache_Subnets": AWS allows lowercase', "csg"),
    case(ELASTICACHE_PARAMETER_GROUP, {"name": "n" * 256}, "name is", "cache-parameter-group-name-length"),
    case(ELASTICACHE_PARAMETER_GROUP, {"name": "cache-"}, f'name is "cache-": {RDS}', "cache-parameter-group-name"),
    case(ELASTICACHE_REPLICATION_GROUP, {"replicationGroupId": "r" * 41}, "replicationGroupId is", "group-id-length"),
    case(ELASTICACHE_REPLICATION_GROUP, {"replicationGroupId": "cache--1"}, 'replicationGroupId is "cache--1"', "gid"),
    case(
        ELASTICACHE_REPLICATION_GROUP,
        {"numCacheClusters": 7, "preferredCacheClusterAzs": None},
        "numCacheClusters is 7: AWS allows whole numbers from 1 to 6",
        "cache-clusters",
    ),
    case(
        ELASTICACHE_REPLICATION_GROUP,
        {"numCacheClusters": 2},
        "preferredCacheClusterAzs has 3 items but numCacheClusters is 2",
        "cache-zones",
    ),
    case(ELASTICACHE_REPLICATION_GROUP, {"snapshotRetentionLimit": 36}, "snapshotRetentionLimit is 36", "snapshots"),
    case(ELASTICACHE_REPLICATION_GROUP, {"engine": "memcached"}, 'engine is "memcached": AWS allows one of', "engine"),
    case(
        ELASTICACHE_REPLICATION_GROUP,
        {"transitEncryptionMode": "optional"},
        'transitEncryptionMode is "optional": AWS allows one of "preferred", "required"',
        "transit-mode",
    ),
    case(ELASTICACHE_REPLICATION_GROUP, {"authTokenUpdateStrategy": "REPLACE"}, "authTokenUpdateStrategy is", "ats"),
    case(ELASTICACHE_REPLICATION_GROUP, {"userGroupIds": ["a", "b"]}, "userGroupIds is", "one-user-group"),
    case(ELASTICACHE_USER, {"userId": "1web", "userName": "1web"}, 'userId is "1web": AWS allows a letter', "user-id"),
    case(
        ELASTICACHE_USER,
        {"userName": "", "authenticationMode": {"type": "password"}},
        'userName is "": AWS allows names of one',
        "user-name",
    ),
    case(ELASTICACHE_USER, {"engine": "memcached"}, 'engine is "memcached"', "user-engine"),
    case(ELASTICACHE_USER, {"accessString": "   "}, 'accessString is "   "', "access-string"),
    case(ELASTICACHE_USER, {"authenticationMode": {"type": "token"}}, 'authenticationMode.type is "token"', "auth"),
    case(
        ELASTICACHE_USER,
        {"userName": "web"},
        'userName "web" is not userId "sentinel-prod-cache-web": AWS authenticates an IAM user only',
        "iam-user-name",
    ),
    case(ELASTICACHE_USER, {"tags": {"aws:x": "y"}}, 'tags key "aws:x"', "user-tags"),
    case(ELASTICACHE_USER_GROUP, {"userGroupId": "Cache"}, 'userGroupId is "Cache": AWS allows a lowercase', "ugid"),
    case(ELASTICACHE_USER_GROUP, {"engine": "memcached"}, 'engine is "memcached"', "user-group-engine"),
    case(ELASTICACHE_USER_GROUP, {"userIds": []}, "userIds is a list of 0: AWS allows at least one user", "user-ids"),
    case(ELASTICACHE_USER_GROUP, {"userIds": ["web_1"]}, 'userIds[0] is "web_1"', "user-group-member"),
    case(ELASTICACHE_USER_GROUP, {"tags": {"aws:x": "y"}}, 'tags key "aws:x"', "user-group-tags"),
]

test_compliant_values_pass, test_each_constraint_reports_its_planted_value = property_rule_tests(CASES)


def test_every_constraint_has_a_failing_case() -> None:
    assert untested_constraints(cache.CONSTRAINTS, CASES) == []
