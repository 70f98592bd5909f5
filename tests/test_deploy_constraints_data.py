"""Deploy constraints of the database (Aurora, RDS Proxy, the private zone): the inputs the program sets pass, and each
constraint reports the value that breaks it."""

from __future__ import annotations

from typing import Any

from policies.rules.deploy_constraints import data
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
from tests.deploy_constraint_cases import constraint_case, untested_constraints
from tests.policy_builders import property_rule_tests

RDS = "AWS allows a letter first, then letters, digits and single hyphens"

COMPLIANT: dict[str, dict[str, Any]] = {
    RDS_CLUSTER: {
        "clusterIdentifier": "sentinel-prod-database",
        "finalSnapshotIdentifier": "sentinel-prod-database-final-0a1b2c3d",
        "databaseName": "projectsentinel",
        "masterUsername": "sentinel",
        "manageMasterUserPassword": True,
        "backupRetentionPeriod": 30,
        "performanceInsightsRetentionPeriod": 7,
        "databaseInsightsMode": "standard",
        "storageType": "aurora-iopt1",
        "serverlessv2ScalingConfiguration": {"minCapacity": 0, "maxCapacity": 4},
    },
    RDS_CLUSTER_INSTANCE: {
        "identifier": "sentinel-prod-database-1",
        "promotionTier": 1,
        "monitoringInterval": 60,
        "performanceInsightsRetentionPeriod": 731,
    },
    RDS_CLUSTER_PARAMETER_GROUP: {
        "namePrefix": "sentinel-prod-database-",
        "family": "aurora-postgresql16",
        "parameters": [{"name": "rds.force_ssl", "value": "1", "applyMethod": "pending-reboot"}],
    },
    RDS_PARAMETER_GROUP: {"namePrefix": "sentinel-prod-database-", "family": "aurora-postgresql16"},
    RDS_SUBNET_GROUP: {"namePrefix": "sentinel-prod-database-", "subnetIds": ["subnet-1", "subnet-2"]},
    RDS_PROXY: {
        "name": "sentinel-prod-database-proxy",
        "engineFamily": "POSTGRESQL",
        "idleClientTimeout": 1800,
        "defaultAuthScheme": "IAM_AUTH",
        "auths": [{"authScheme": "SECRETS", "iamAuth": "DISABLED", "secretArn": "arn:aws:secretsmanager:x"}],
    },
    RDS_PROXY_DEFAULT_TARGET_GROUP: {
        "dbProxyName": "sentinel-prod-database-proxy",
        "connectionPoolConfig": {
            "maxConnectionsPercent": 90,
            "maxIdleConnectionsPercent": 50,
            "connectionBorrowTimeout": 120,
        },
    },
    RDS_PROXY_TARGET: {"dbProxyName": "proxy", "targetGroupName": "default", "dbClusterIdentifier": "database"},
    RDS_PROXY_ENDPOINT: {
        "dbProxyName": "proxy",
        "dbProxyEndpointName": "sentinel-prod-database-read-only",
        "targetRole": "READ_ONLY",
        "vpcSubnetIds": ["subnet-1"],
    },
    RDS_EVENT_SUBSCRIPTION: {
        "namePrefix": "sentinel-prod-database-cluster-",
        "snsTopic": "arn:aws:sns:us-east-1:111111111111:alarms",
        "sourceType": "db-cluster",
    },
    ROUTE53_ZONE: {"name": "sentinel-prod.internal", "comment": "Private names"},
    ROUTE53_RECORD: {"zoneId": "Z1", "name": "primary-db", "type": "CNAME", "ttl": 60, "records": ["db.example"]},
    RANDOM_ID: {"byteLength": 4},
}

case = constraint_case(COMPLIANT)

# (resource type, the change that breaks its compliant inputs, the start of the message it then reports, id)
CASES = [
    case(RDS_CLUSTER, {"clusterIdentifier": "d" * 64}, "clusterIdentifier is", "cluster-identifier-length"),
    case(RDS_CLUSTER, {"clusterIdentifier": "1database"}, f'clusterIdentifier is "1database": {RDS}', "cluster-id"),
    case(RDS_CLUSTER, {"finalSnapshotIdentifier": "f" * 256}, "finalSnapshotIdentifier is", "final-snapshot-length"),
    case(RDS_CLUSTER, {"finalSnapshotIdentifier": "db--final"}, f'finalSnapshotIdentifier is "db--final": {RDS}', "fs"),
    case(RDS_CLUSTER, {"databaseName": "d" * 64}, "databaseName is", "database-name-length"),
    case(RDS_CLUSTER, {"databaseName": "project-sentinel"}, 'databaseName is "project-sentinel": AWS allows a', "dbn"),
    case(RDS_CLUSTER, {"masterUsername": "u" * 64}, "masterUsername is", "master-username-length"),
    case(RDS_CLUSTER, {"masterUsername": "1admin"}, 'masterUsername is "1admin": AWS allows a letter', "username"),
    case(
        RDS_CLUSTER,
        {"masterPassword": "generated"},
        "masterPassword, manageMasterUserPassword are set together: RDS refuses",
        "managed-password",
    ),
    case(RDS_CLUSTER, {"backupRetentionPeriod": 36}, "backupRetentionPeriod is 36: AWS allows whole numbers", "br"),
    case(
        RDS_CLUSTER,
        {"performanceInsightsRetentionPeriod": 30},
        "performanceInsightsRetentionPeriod is 30: AWS allows one of 7, 31, 62",
        "insights-retention",
    ),
    case(RDS_CLUSTER, {"databaseInsightsMode": "basic"}, 'databaseInsightsMode is "basic": AWS allows one', "mode"),
    case(RDS_CLUSTER, {"storageType": "gp2"}, 'storageType is "gp2": AWS allows one of', "storage-type"),
    case(
        RDS_CLUSTER,
        {"serverlessv2ScalingConfiguration": {"maxCapacity": 512}},
        "serverlessv2ScalingConfiguration.maxCapacity is 512: AWS allows from 1 to 256",
        "serverless-capacity",
    ),
    # Tags, one constraint shared by every taggable type, tested here once for the data tier's.
    case(RDS_CLUSTER, {"tags": {"aws:x": "y"}}, 'tags key "aws:x"', "database-tags"),
    case(RDS_CLUSTER_INSTANCE, {"identifier": "i" * 64}, "identifier is", "instance-identifier-length"),
    case(RDS_CLUSTER_INSTANCE, {"identifier": "database-1-"}, f'identifier is "database-1-": {RDS}', "instance-id"),
    case(RDS_CLUSTER_INSTANCE, {"promotionTier": 16}, "promotionTier is 16: AWS allows whole numbers", "tier"),
    case(RDS_CLUSTER_INSTANCE, {"monitoringInterval": 45}, "monitoringInterval is 45: AWS allows one of 0", "monitor"),
    case(
        RDS_CLUSTER_INSTANCE,
        {"performanceInsightsRetentionPeriod": 100},
        "performanceInsightsRetentionPeriod is 100",
        "instance-insights-retention",
    ),
    case(RDS_PARAMETER_GROUP, {"namePrefix": None, "name": "n" * 256}, "name is", "parameter-group-name-length"),
    case(RDS_PARAMETER_GROUP, {"namePrefix": None, "name": "1group"}, f'name is "1group": {RDS}', "pg-name"),
    case(RDS_CLUSTER_PARAMETER_GROUP, {"namePrefix": "p" * 230}, "namePrefix is", "parameter-group-prefix-length"),
    case(RDS_CLUSTER_PARAMETER_GROUP, {"namePrefix": "db_"}, 'namePrefix is "db_": AWS allows a letter', "pg-prefix"),
    case(
        RDS_CLUSTER_PARAMETER_GROUP,
        {"parameters": [{"name": "rds.force_ssl", "value": "1", "applyMethod": "later"}]},
        'parameters[0].applyMethod is "later": AWS allows one of "immediate", "pending-reboot"',
        "apply-method",
    ),
    case(RDS_SUBNET_GROUP, {"namePrefix": None, "name": "n" * 256}, "name is", "db-subnet-group-name-length"),
    case(RDS_SUBNET_GROUP, {"namePrefix": "p" * 230}, "namePrefix is", "db-subnet-group-prefix-length"),
    case(RDS_SUBNET_GROUP, {"namePrefix": "Data!"}, 'namePrefix is "Data!": AWS allows lowercase', "db-subnet-group"),
    case(RDS_PROXY, {"name": "p" * 61}, "name is", "proxy-name-length"),
    case(RDS_PROXY, {"name": "proxy-"}, f'name is "proxy-": {RDS}', "proxy-name"),
    case(RDS_PROXY, {"engineFamily": "postgres"}, 'engineFamily is "postgres": AWS allows one of', "engine-family"),
    case(RDS_PROXY, {"idleClientTimeout": 0}, "idleClientTimeout is 0: AWS allows whole numbers from 1", "idle"),
    case(RDS_PROXY, {"defaultAuthScheme": "IAM"}, 'defaultAuthScheme is "IAM": AWS allows one of', "auth-scheme"),
    case(RDS_PROXY, {"auths": [{"authScheme": "IAM"}]}, 'auths[0].authScheme is "IAM"', "auth-entry-scheme"),
    case(RDS_PROXY, {"auths": [{"iamAuth": "OPTIONAL"}]}, 'auths[0].iamAuth is "OPTIONAL"', "auth-entry-iam"),
    case(RDS_PROXY, {"auths": [{"description": "d" * 1001}]}, "auths[0].description is", "auth-description"),
    case(
        RDS_PROXY_DEFAULT_TARGET_GROUP,
        {"connectionPoolConfig": {"maxConnectionsPercent": 0}},
        "connectionPoolConfig.maxConnectionsPercent is 0: AWS allows whole numbers from 1 to 100",
        "pool-max",
    ),
    case(
        RDS_PROXY_DEFAULT_TARGET_GROUP,
        {"connectionPoolConfig": {"maxIdleConnectionsPercent": 101}},
        "connectionPoolConfig.maxIdleConnectionsPercent is 101",
        "pool-idle",
    ),
    case(
        RDS_PROXY_DEFAULT_TARGET_GROUP,
        {"connectionPoolConfig": {"connectionBorrowTimeout": 3601}},
        "connectionPoolConfig.connectionBorrowTimeout is 3601",
        "pool-borrow",
    ),
    case(
        RDS_PROXY_TARGET,
        {"dbInstanceIdentifier": "database-1"},
        'dbClusterIdentifier "database" and dbInstanceIdentifier "database-1" are set together',
        "proxy-target",
    ),
    case(RDS_PROXY_ENDPOINT, {"dbProxyEndpointName": "e" * 64}, "dbProxyEndpointName is", "endpoint-name-length"),
    case(RDS_PROXY_ENDPOINT, {"dbProxyEndpointName": "read_only"}, 'dbProxyEndpointName is "read_only"', "endpoint"),
    case(RDS_PROXY_ENDPOINT, {"targetRole": "READER"}, 'targetRole is "READER": AWS allows one of', "target-role"),
    case(RDS_EVENT_SUBSCRIPTION, {"namePrefix": "p" * 230}, "namePrefix is", "subscription-prefix-length"),
    case(RDS_EVENT_SUBSCRIPTION, {"namePrefix": "1db-"}, 'namePrefix is "1db-": AWS allows a letter', "sub-prefix"),
    case(RDS_EVENT_SUBSCRIPTION, {"sourceType": "cluster"}, 'sourceType is "cluster": AWS allows one of', "source"),
    case(ROUTE53_ZONE, {"name": "n" * 1025}, "name is", "zone-name-length"),
    case(ROUTE53_ZONE, {"comment": "c" * 257}, "comment is", "zone-comment-length"),
    case(ROUTE53_RECORD, {"type": "ALIAS"}, 'type is "ALIAS": AWS allows one of', "record-type"),
    case(ROUTE53_RECORD, {"ttl": -1}, "ttl is -1: AWS allows whole numbers from 0", "record-ttl"),
    case(ROUTE53_RECORD, {"records": None}, "none of records, aliases is set", "record-target"),
    case(RANDOM_ID, {"byteLength": 0}, "byteLength is 0: AWS allows whole numbers from 1 to 32", "random-id"),
]

test_compliant_values_pass, test_each_constraint_reports_its_planted_value = property_rule_tests(CASES)


def test_every_constraint_has_a_failing_case() -> None:
    assert untested_constraints(data.CONSTRAINTS, CASES) == []
