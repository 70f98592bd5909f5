"""The database: the Aurora cluster, its instances, parameter groups, subnet group, proxy and event subscription; the
private Route 53 zone that names the data tier; and the random suffix of a final snapshot's name (the cache's is in
`cache`)."""

from __future__ import annotations

from policies.rules.deploy_constraints.allowed import UNIQUE_SUFFIX, Allowed, among, between, characters, length
from policies.rules.deploy_constraints.kinds import Constraint, Constraints, OneOf, RefusedTogether, Tags, Value
from policies.rules.deploy_constraints.sources import (
    CREATE_DB_CLUSTER,
    CREATE_DB_INSTANCE,
    CREATE_DB_PARAMETER_GROUP,
    CREATE_DB_PROXY,
    CREATE_DB_PROXY_ENDPOINT,
    CREATE_DB_SUBNET_GROUP,
    CREATE_EVENT_SUBSCRIPTION,
    CREATE_HOSTED_ZONE,
    DB_PARAMETER,
    HOSTED_ZONE_CONFIG,
    POOL_CONFIGURATION,
    REGISTER_PROXY_TARGETS,
    RESOURCE_RECORD_SET,
    SERVERLESS_V2_SCALING,
    USER_AUTH_CONFIG,
)
from policies.support.aws import (
    RANDOM_ID,
    RDS_CLUSTER,
    RDS_CLUSTER_INSTANCE,
    RDS_CLUSTER_PARAMETER_GROUP,
    RDS_EVENT_SUBSCRIPTION,
    RDS_PARAMETER_GROUP,
    RDS_PROXY,
    RDS_PROXY_DEFAULT_TARGET_GROUP,
    RDS_PROXY_ENDPOINT,
    RDS_PROXY_TARGET,
    RDS_SUBNET_GROUP,
    ROUTE53_RECORD,
    ROUTE53_ZONE,
)
from policies.support.values import number

# RDS identifiers (clusters, instances, snapshots, proxies, parameter groups), and ElastiCache's too: a letter first,
# then letters, digits and single hyphens, never a hyphen last.
IDENTIFIER = characters(
    r"[A-Za-z](?!.*--)[A-Za-z0-9-]*(?<!-)", "a letter first, then letters, digits and single hyphens, no hyphen last"
)
# A prefix is completed by the provider's suffix, so it may end in a hyphen.
_RDS_IDENTIFIER_PREFIX = characters(
    r"[A-Za-z](?!.*--)[A-Za-z0-9-]*", "a letter first, then letters, digits and single hyphens"
)
_SQL_IDENTIFIER = characters(r"[A-Za-z][A-Za-z0-9_]*", "a letter first, then letters, digits and underscores")
# Performance Insights keeps 7 days, whole months of 31 days up to 23, or 731 days.
_INSIGHTS_RETENTION = among(7, *(31 * months for months in range(1, 24)), 731)


def _rds_name(path: str, maximum: int, source: str) -> tuple[Constraint, ...]:
    return (Value(path, length(maximum), source), Value(path, IDENTIFIER, source))


def _rds_name_prefix(path: str, maximum: int, source: str) -> tuple[Constraint, ...]:
    return (Value(path, length(maximum - UNIQUE_SUFFIX), source), Value(path, _RDS_IDENTIFIER_PREFIX, source))


_RDS_PARAMETER_GROUP = (
    *_rds_name("name", 255, CREATE_DB_PARAMETER_GROUP),
    *_rds_name_prefix("namePrefix", 255, CREATE_DB_PARAMETER_GROUP),
    Value("parameters[].applyMethod", among("immediate", "pending-reboot"), DB_PARAMETER),
    Tags(),
)

CONSTRAINTS: Constraints = {
    RDS_CLUSTER: (
        *_rds_name("clusterIdentifier", 63, CREATE_DB_CLUSTER),
        *_rds_name("finalSnapshotIdentifier", 255, CREATE_DB_CLUSTER),
        Value("databaseName", length(63), CREATE_DB_CLUSTER),
        Value("databaseName", _SQL_IDENTIFIER, CREATE_DB_CLUSTER),
        Value("masterUsername", length(63), CREATE_DB_CLUSTER),
        Value("masterUsername", _SQL_IDENTIFIER, CREATE_DB_CLUSTER),
        RefusedTogether(
            ("masterPassword", "manageMasterUserPassword"),
            "RDS refuses a master password beside its own management of it",
            "pulumi_aws/rds/cluster.py (manage_master_user_password) and " + CREATE_DB_CLUSTER,
        ),
        Value("backupRetentionPeriod", between(1, 35), CREATE_DB_CLUSTER),
        Value("performanceInsightsRetentionPeriod", _INSIGHTS_RETENTION, CREATE_DB_CLUSTER),
        Value("databaseInsightsMode", among("standard", "advanced"), CREATE_DB_CLUSTER),
        Value("storageType", among("aurora", "aurora-iopt1", "io1", "io2", "gp3"), CREATE_DB_CLUSTER),
        Value(
            "serverlessv2ScalingConfiguration.maxCapacity",
            Allowed(lambda v: 1 <= (number(v) or 0) <= 256, "from 1 to 256 capacity units"),
            SERVERLESS_V2_SCALING,
        ),
        Tags(),
    ),
    RDS_CLUSTER_INSTANCE: (
        *_rds_name("identifier", 63, CREATE_DB_INSTANCE),
        Value("promotionTier", between(0, 15), CREATE_DB_INSTANCE),
        Value("monitoringInterval", among(0, 1, 5, 10, 15, 30, 60), CREATE_DB_INSTANCE),
        Value("performanceInsightsRetentionPeriod", _INSIGHTS_RETENTION, CREATE_DB_INSTANCE),
        Tags(),
    ),
    RDS_CLUSTER_PARAMETER_GROUP: _RDS_PARAMETER_GROUP,
    RDS_PARAMETER_GROUP: _RDS_PARAMETER_GROUP,
    RDS_SUBNET_GROUP: (
        Value("name", length(255), CREATE_DB_SUBNET_GROUP),
        Value("namePrefix", length(255 - UNIQUE_SUFFIX), CREATE_DB_SUBNET_GROUP),
        Value(
            "namePrefix",
            characters(r"[a-z0-9 ._-]+", "lowercase letters, digits, spaces and ._-"),
            CREATE_DB_SUBNET_GROUP,
        ),
        Tags(),
    ),
    RDS_PROXY: (
        *_rds_name("name", 60, CREATE_DB_PROXY),
        Value("engineFamily", among("MYSQL", "POSTGRESQL", "SQLSERVER"), CREATE_DB_PROXY),
        Value("idleClientTimeout", between(1, 28800), CREATE_DB_PROXY),
        Value("defaultAuthScheme", among("NONE", "IAM_AUTH"), CREATE_DB_PROXY),
        Value("auths[].authScheme", among("SECRETS"), CREATE_DB_PROXY),
        Value("auths[].iamAuth", among("DISABLED", "REQUIRED", "ENABLED"), CREATE_DB_PROXY),
        Value("auths[].description", length(1000), USER_AUTH_CONFIG),
        Tags(),
    ),
    RDS_PROXY_DEFAULT_TARGET_GROUP: (
        Value("connectionPoolConfig.maxConnectionsPercent", between(1, 100), POOL_CONFIGURATION),
        Value("connectionPoolConfig.maxIdleConnectionsPercent", between(0, 100), POOL_CONFIGURATION),
        Value("connectionPoolConfig.connectionBorrowTimeout", between(0, 3600), POOL_CONFIGURATION),
    ),
    RDS_PROXY_TARGET: (OneOf(("dbClusterIdentifier", "dbInstanceIdentifier"), REGISTER_PROXY_TARGETS),),
    RDS_PROXY_ENDPOINT: (
        *_rds_name("dbProxyEndpointName", 63, CREATE_DB_PROXY_ENDPOINT),
        Value("targetRole", among("READ_WRITE", "READ_ONLY"), CREATE_DB_PROXY_ENDPOINT),
        Tags(),
    ),
    RDS_EVENT_SUBSCRIPTION: (
        Value("namePrefix", length(255 - UNIQUE_SUFFIX), CREATE_EVENT_SUBSCRIPTION),
        Value("namePrefix", _RDS_IDENTIFIER_PREFIX, CREATE_EVENT_SUBSCRIPTION),
        Value(
            "sourceType",
            among(
                "db-instance",
                "db-cluster",
                "db-parameter-group",
                "db-security-group",
                "db-snapshot",
                "db-cluster-snapshot",
                "db-proxy",
            ),
            CREATE_EVENT_SUBSCRIPTION,
        ),
        Tags(),
    ),
    ROUTE53_ZONE: (
        Value("name", length(1024), CREATE_HOSTED_ZONE),
        Value("comment", length(256, minimum=0), HOSTED_ZONE_CONFIG),
        Tags(),
    ),
    ROUTE53_RECORD: (
        Value(
            "type",
            among(
                "A",
                "AAAA",
                "CAA",
                "CNAME",
                "DS",
                "HTTPS",
                "MX",
                "NAPTR",
                "NS",
                "PTR",
                "SOA",
                "SPF",
                "SRV",
                "SSHFP",
                "SVCB",
                "TLSA",
                "TXT",
            ),
            RESOURCE_RECORD_SET,
        ),
        Value("ttl", between(0, 2147483647), RESOURCE_RECORD_SET),
        OneOf(("records", "aliases"), RESOURCE_RECORD_SET),
    ),
    # The suffix of a final snapshot's identifier, which RDS and ElastiCache limit to 255 characters.
    RANDOM_ID: (Value("byteLength", between(1, 32), f"{CREATE_DB_CLUSTER} (FinalDBSnapshotIdentifier)"),),
}
