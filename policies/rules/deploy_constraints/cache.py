"""The cache: the ElastiCache replication group with its subnet and parameter groups, and the users and user group
the apps sign in with."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from policies.rules.deploy_constraints.allowed import Allowed, among, at_most_items, between, characters, length
from policies.rules.deploy_constraints.data import IDENTIFIER
from policies.rules.deploy_constraints.kinds import Constraints, Fits, Tags, Value, cited
from policies.rules.deploy_constraints.sources import (
    CFN_USER_GROUP,
    CREATE_CACHE_PARAMETER_GROUP,
    CREATE_CACHE_SUBNET_GROUP,
    CREATE_REPLICATION_GROUP,
    CREATE_USER,
    CREATE_USER_GROUP,
    ELASTICACHE_IAM_AUTH,
)
from policies.support.aws import (
    ELASTICACHE_PARAMETER_GROUP,
    ELASTICACHE_REPLICATION_GROUP,
    ELASTICACHE_SUBNET_GROUP,
    ELASTICACHE_USER,
    ELASTICACHE_USER_GROUP,
)
from policies.support.values import elements, field, is_unknown, shown

# ElastiCache user ids, as a user group lists them too.
_CACHE_USER_ID = characters(r"[a-zA-Z][a-zA-Z0-9-]*", "a letter first, then letters, digits and hyphens")
_CACHE_ENGINES = among("redis", "valkey")


@dataclass(frozen=True)
class IamUserNamedAsItsId:
    """An ElastiCache user that authenticates with IAM has its id as its name."""

    source: str = ELASTICACHE_IAM_AUTH

    def violations(self, props: Any, _provider_props: Any, /) -> Iterator[str]:
        kind, user_id, user_name = (
            field(props, "authenticationMode", "type"),
            field(props, "userId"),
            field(props, "userName"),
        )
        if kind != "iam" or any(value is None or is_unknown(value) for value in (user_id, user_name)):
            return
        if user_id != user_name:
            yield cited(
                f"userName {shown(user_name)} is not userId {shown(user_id)}: AWS authenticates an IAM user only "
                "when its name is its id",
                self.source,
            )


CONSTRAINTS: Constraints = {
    ELASTICACHE_SUBNET_GROUP: (
        Value("name", length(255), CREATE_CACHE_SUBNET_GROUP),
        Value("name", characters(r"[a-z0-9-]+", "lowercase letters, digits and hyphens"), CREATE_CACHE_SUBNET_GROUP),
        Tags(),
    ),
    ELASTICACHE_PARAMETER_GROUP: (
        Value("name", length(255), CREATE_CACHE_PARAMETER_GROUP),
        Value("name", IDENTIFIER, CREATE_CACHE_PARAMETER_GROUP),
        Tags(),
    ),
    ELASTICACHE_REPLICATION_GROUP: (
        Value("replicationGroupId", length(40), CREATE_REPLICATION_GROUP),
        Value("replicationGroupId", IDENTIFIER, CREATE_REPLICATION_GROUP),
        Value("numCacheClusters", between(1, 6), CREATE_REPLICATION_GROUP),
        Fits("preferredCacheClusterAzs", "numCacheClusters", CREATE_REPLICATION_GROUP),
        Value("snapshotRetentionLimit", between(0, 35), CREATE_REPLICATION_GROUP),
        Value("engine", _CACHE_ENGINES, CREATE_REPLICATION_GROUP),
        Value("transitEncryptionMode", among("preferred", "required"), CREATE_REPLICATION_GROUP),
        Value("authTokenUpdateStrategy", among("SET", "ROTATE", "DELETE"), CREATE_REPLICATION_GROUP),
        Value("userGroupIds", at_most_items(1), "pulumi_aws/elasticache/replication_group.py (user_group_ids)"),
        Tags(),
    ),
    ELASTICACHE_USER: (
        Value("userId", _CACHE_USER_ID, CREATE_USER),
        Value("userName", characters(r"(?s).+", "names of one character or more"), CREATE_USER),
        Value("engine", _CACHE_ENGINES, CREATE_USER),
        Value("accessString", characters(r".*\S.*", "a string with a character other than whitespace"), CREATE_USER),
        Value(
            "authenticationMode.type",
            among("password", "no-password-required", "iam"),
            "pulumi_aws/elasticache/_inputs.py (UserAuthenticationModeArgs.type)",
        ),
        IamUserNamedAsItsId(),
        Tags(),
    ),
    ELASTICACHE_USER_GROUP: (
        Value(
            "userGroupId",
            characters(r"[a-z][a-z0-9-]*", "a lowercase letter first, then a-z, 0-9 and -"),
            CFN_USER_GROUP,
        ),
        Value("engine", _CACHE_ENGINES, CREATE_USER_GROUP),
        Value("userIds", Allowed(lambda value: len(elements(value)) >= 1, "at least one user"), CREATE_USER_GROUP),
        Value("userIds[]", _CACHE_USER_ID, CREATE_USER_GROUP),
        Tags(),
    ),
}
