"""The data tier on the graph: Aurora behind RDS Proxy with IAM authentication end to end and a master password only
RDS knows, the cache with a user of its own per app, the private names, per environment where they differ."""

from __future__ import annotations

import json
from typing import Any

import pytest

from offline.graph import Graph, Resource
from tests import programs
from tests.graph_queries import SECURITY_GROUP, subnets_by_tier
from tests.helpers import SECRET_SIGNATURE, graph_of

CLUSTER = "aws:rds/cluster:Cluster"
INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
PROXY = "aws:rds/proxy:Proxy"
PROXY_ENDPOINT = "aws:rds/proxyEndpoint:ProxyEndpoint"
REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
RECORD = "aws:route53/record:Record"
PASSWORD = "random:index/randomPassword:RandomPassword"
CACHE_USER = "aws:elasticache/user:User"
USER_GROUP = "aws:elasticache/userGroup:UserGroup"
ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"]


def is_secret(value: object) -> bool:
    return isinstance(value, dict) and all(value.get(key) == mark for key, mark in SECRET_SIGNATURE.items())


def secret_value(value: dict) -> Any:
    return value["value"]


# --- Aurora -------------------------------------------------------------------------------------------------


def test_prod_runs_a_writer_and_two_readers_in_three_zones(prod: Graph) -> None:
    instances = sorted(prod.of_type(INSTANCE), key=lambda instance: instance.name)
    assert [instance.inputs["availabilityZone"] for instance in instances] == ZONES
    assert [instance.inputs["promotionTier"] for instance in instances] == [0, 1, 1]
    [cluster] = prod.of_type(CLUSTER)
    [role] = [r for r in prod.of_type("aws:iam/role:Role") if r.name == "database-monitoring"]
    for instance in instances:
        assert instance.inputs["clusterIdentifier"] == cluster.id
        assert instance.inputs["instanceClass"] == "db.r7g.xlarge"
        assert instance.inputs["monitoringInterval"] == 60
        assert instance.inputs["monitoringRoleArn"] == role.outputs["arn"]
        assert instance.inputs["caCertIdentifier"] == "rds-ca-rsa2048-g1"
        assert instance.inputs["performanceInsightsEnabled"] is True
        assert instance.inputs["publiclyAccessible"] is False


def test_dev_runs_one_serverless_writer_that_pauses_when_idle(dev: Graph) -> None:
    [writer] = dev.of_type(INSTANCE)
    [cluster] = dev.of_type(CLUSTER)
    assert writer.inputs["instanceClass"] == "db.serverless"
    assert cluster.inputs["serverlessv2ScalingConfiguration"] == {"minCapacity": 0, "maxCapacity": 4}
    assert dev.of_type(PROXY_ENDPOINT) == []


def test_the_cluster_is_encrypted_backed_up_and_exports_its_logs(prod: Graph) -> None:
    [cluster] = prod.of_type(CLUSTER)
    key = prod.named("aws:kms/key:Key", "database")
    inputs = cluster.inputs
    assert (inputs["engine"], inputs["engineVersion"]) == ("aurora-postgresql", "16")
    assert inputs["storageEncrypted"] is True
    assert inputs["kmsKeyId"] == inputs["performanceInsightsKmsKeyId"] == key.outputs["arn"]
    assert (inputs["backupRetentionPeriod"], inputs["preferredBackupWindow"]) == (30, "03:00-04:00")
    assert inputs["preferredMaintenanceWindow"] == "sun:04:30-sun:05:30"
    assert inputs["copyTagsToSnapshot"] is True
    assert inputs["iamDatabaseAuthenticationEnabled"] is True
    assert (inputs["databaseInsightsMode"], inputs["performanceInsightsRetentionPeriod"]) == ("standard", 7)
    assert inputs["enabledCloudwatchLogsExports"] == ["postgresql"]
    assert "storageType" not in inputs  # standard Aurora storage, as the API reports it


def test_parameter_groups_force_tls_and_log_slow_statements(prod: Graph) -> None:
    [cluster] = prod.of_type(CLUSTER)
    [cluster_group] = prod.of_type("aws:rds/clusterParameterGroup:ClusterParameterGroup")
    [instance_group] = prod.of_type("aws:rds/parameterGroup:ParameterGroup")
    assert cluster.inputs["dbClusterParameterGroupName"] == cluster_group.outputs["name"]
    assert cluster_group.inputs["family"] == instance_group.inputs["family"] == "aurora-postgresql16"
    assert cluster_group.inputs["parameters"] == [{"name": "rds.force_ssl", "value": "1"}]
    assert instance_group.inputs["parameters"][0]["name"] == "log_min_duration_statement"
    assert instance_group.inputs["parameters"][0]["value"] == "1000"
    assert all(i.inputs["dbParameterGroupName"] == instance_group.outputs["name"] for i in prod.of_type(INSTANCE))


def test_log_groups_exist_encrypted_before_the_cluster_and_proxy_write_to_them(prod: Graph) -> None:
    [cluster] = prod.of_type(CLUSTER)
    [proxy] = prod.of_type(PROXY)
    key = prod.named("aws:kms/key:Key", "database")
    postgres = prod.named(LOG_GROUP, "database-postgresql")
    proxy_logs = prod.named(LOG_GROUP, "database-proxy")
    assert postgres.inputs["name"] == f"/aws/rds/cluster/{cluster.inputs['clusterIdentifier']}/postgresql"
    assert proxy_logs.inputs["name"] == f"/aws/rds/proxy/{proxy.inputs['name']}"
    assert postgres.urn in cluster.dependencies
    assert proxy_logs.urn in proxy.dependencies
    for group in (postgres, proxy_logs):
        assert (group.inputs["kmsKeyId"], group.inputs["retentionInDays"]) == (key.outputs["arn"], 90)
    grant = json.loads(key.inputs["policy"])["Statement"][1]
    assert grant["Condition"]["ArnEquals"]["kms:EncryptionContext:aws:logs:arn"] == [
        postgres.outputs["arn"],
        proxy_logs.outputs["arn"],
    ]


@pytest.mark.parametrize(("stack", "kept"), [("prod", True), ("staging", True), ("dev", False)])
def test_deletion_protection_a_unique_final_snapshot_and_kept_backups_where_the_stack_keeps_data(
    stack: str, kept: bool
) -> None:
    # sentinel:protection.keepDataOnDelete: prod and staging keep their data when the data tier is deleted.
    graph = graph_of(stack)
    [cluster] = graph.of_type(CLUSTER)
    [cache] = graph.of_type(REPLICATION_GROUP)
    assert cluster.inputs["deletionProtection"] is kept
    assert cluster.inputs["skipFinalSnapshot"] is not kept
    suffixes = {r.name: r.outputs["hex"] for r in graph.of_type("random:index/randomId:RandomId")}
    if kept:
        assert cluster.inputs["deleteAutomatedBackups"] is False
        assert (
            cluster.inputs["finalSnapshotIdentifier"]
            == f"sentinel-{stack}-database-final-{suffixes['database-final-snapshot']}"
        )
        assert (
            cache.inputs["finalSnapshotIdentifier"]
            == f"sentinel-{stack}-cache-final-{suffixes['cache-final-snapshot']}"
        )
    else:
        # Dev is torn down freely: the provider's defaults delete the automated backups with the cluster.
        assert suffixes == {}
        assert "deleteAutomatedBackups" not in cluster.inputs
        assert "finalSnapshotIdentifier" not in cluster.inputs
        assert "finalSnapshotIdentifier" not in cache.inputs


def test_rds_manages_the_master_password_under_the_database_key_and_no_program_knows_it(prod: Graph) -> None:
    [cluster] = prod.of_type(CLUSTER)
    key = prod.named("aws:kms/key:Key", "database")
    assert cluster.inputs["manageMasterUserPassword"] is True
    assert cluster.inputs["masterUserSecretKmsKeyId"] == key.outputs["arn"]
    assert "masterPassword" not in cluster.inputs
    database = {r.urn for r in prod.descendants(_component(prod, "Database").urn)}
    assert not [r for r in prod if r.type in (PASSWORD, "aws:secretsmanager/secret:Secret") and r.urn in database]


def master_secret_arn(graph: Graph) -> str:
    [cluster] = graph.of_type(CLUSTER)
    [managed] = cluster.outputs["masterUserSecrets"]
    return managed["secretArn"]


# --- RDS Proxy ------------------------------------------------------------------------------------------------


def test_the_proxy_requires_tls_and_iam_end_to_end_and_signs_in_only_the_master_with_its_secret(prod: Graph) -> None:
    [proxy] = prod.of_type(PROXY)
    [cluster] = prod.of_type(CLUSTER)
    key = prod.named("aws:kms/key:Key", "database")
    role = prod.named("aws:iam/role:Role", "database-proxy")
    groups = {group.inputs["tags"]["Role"]: group.id for group in prod.of_type(SECURITY_GROUP)}
    assert (proxy.inputs["engineFamily"], proxy.inputs["requireTls"]) == ("POSTGRESQL", True)
    assert proxy.inputs["defaultAuthScheme"] == "IAM_AUTH"
    assert proxy.inputs["roleArn"] == role.outputs["arn"]
    [master] = proxy.inputs["auths"]
    assert (master["authScheme"], master["secretArn"], master["iamAuth"]) == (
        "SECRETS",
        master_secret_arn(prod),
        "DISABLED",
    )
    assert proxy.inputs["vpcSecurityGroupIds"] == [groups["proxy"]]
    assert proxy.inputs["vpcSubnetIds"] == [subnet.id for subnet in subnets_by_tier(prod)["data"]]
    assert proxy.inputs["idleClientTimeout"] == 1800
    read, decrypt, connect = json.loads(prod.named("aws:iam/rolePolicy:RolePolicy", "database-proxy").inputs["policy"])[
        "Statement"
    ]
    assert (read["Action"], read["Resource"]) == ("secretsmanager:GetSecretValue", master_secret_arn(prod))
    assert (decrypt["Action"], decrypt["Resource"]) == ("kms:Decrypt", key.outputs["arn"])
    assert decrypt["Condition"] == {"StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}}
    # End to end: the proxy signs in to the cluster as each of the database's users, and as no other.
    users = ("admin", "api", "web", "logical_backup")
    resource_id = cluster.outputs["clusterResourceId"]
    assert connect["Action"] == "rds-db:connect"
    assert sorted(connect["Resource"]) == sorted(
        f"arn:aws:rds-db:us-east-1:111111111111:dbuser:{resource_id}/{user}" for user in users
    )


def test_the_pool_comes_from_config_and_fronts_the_cluster(prod: Graph) -> None:
    [proxy] = prod.of_type(PROXY)
    [cluster] = prod.of_type(CLUSTER)
    [pool] = prod.of_type("aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup")
    [target] = prod.of_type("aws:rds/proxyTarget:ProxyTarget")
    assert pool.inputs["connectionPoolConfig"] == {
        "maxConnectionsPercent": 90,
        "maxIdleConnectionsPercent": 50,
        "connectionBorrowTimeout": 120,
    }
    assert target.inputs["dbProxyName"] == proxy.outputs["name"]
    assert target.inputs["dbClusterIdentifier"] == cluster.outputs["clusterIdentifier"]
    assert {instance.urn for instance in prod.of_type(INSTANCE)} <= target.dependencies
    [reader] = prod.of_type(PROXY_ENDPOINT)
    assert (reader.inputs["dbProxyName"], reader.inputs["targetRole"]) == (proxy.outputs["name"], "READ_ONLY")


# --- Cache ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("stack", "nodes"), [("prod", 3), ("staging", 3), ("dev", 1)])
def test_the_cache_spreads_a_primary_and_its_replicas_over_the_zones(stack: str, nodes: int) -> None:
    [group] = graph_of(stack).of_type(REPLICATION_GROUP)
    inputs = group.inputs
    assert inputs["numCacheClusters"] == nodes
    assert inputs["preferredCacheClusterAzs"] == ZONES[:nodes]
    assert inputs["automaticFailoverEnabled"] is inputs["multiAzEnabled"] is (nodes > 1)
    assert (inputs["engine"], inputs["engineVersion"]) == ("valkey", "8.1")
    assert "clusterMode" not in inputs and "numNodeGroups" not in inputs


def test_the_cache_encrypts_requires_tls_and_a_user_of_its_own_per_app_and_keeps_snapshots(prod: Graph) -> None:
    [group] = prod.of_type(REPLICATION_GROUP)
    inputs = group.inputs
    key = prod.named("aws:kms/key:Key", "cache")
    [parameters] = prod.of_type("aws:elasticache/parameterGroup:ParameterGroup")
    [users] = prod.of_type(USER_GROUP)
    assert (inputs["atRestEncryptionEnabled"], inputs["kmsKeyId"]) == (True, key.outputs["arn"])
    assert (inputs["transitEncryptionEnabled"], inputs["transitEncryptionMode"]) == (True, "required")
    # No shared token: the user group authenticates, and the token of stacks made before it is deleted.
    assert "authToken" not in inputs
    assert inputs["userGroupIds"] == [users.id] and inputs["authTokenUpdateStrategy"] == "DELETE"
    assert (inputs["snapshotRetentionLimit"], inputs["snapshotWindow"]) == (7, "02:00-03:00")
    assert inputs["maintenanceWindow"] == "sun:06:00-sun:07:00"
    assert inputs["nodeType"] == "cache.r7g.xlarge"
    assert (inputs["parameterGroupName"], parameters.inputs["family"]) == (parameters.outputs["name"], "valkey8")
    deliveries = {d["logType"]: d["destination"] for d in inputs["logDeliveryConfigurations"]}
    assert deliveries == {
        log_type: prod.named(LOG_GROUP, f"cache-{log_type}").outputs["name"] for log_type in ("slow-log", "engine-log")
    }
    assert all(prod.named(LOG_GROUP, f"cache-{t}").inputs["kmsKeyId"] == key.outputs["arn"] for t in deliveries)


def test_each_app_signs_in_to_the_cache_as_its_own_iam_user_and_no_one_as_the_default(stack_graph: Graph) -> None:
    [group] = stack_graph.of_type(USER_GROUP)
    users = {user.inputs["userName"]: user.inputs for user in stack_graph.of_type(CACHE_USER)}
    prefix = f"sentinel-{stack_graph.stack}-cache"
    assert sorted(users) == sorted(["default", *(f"{prefix}-{app}" for app in ("admin", "api", "web"))])
    assert sorted(group.inputs["userIds"]) == sorted(user["userId"] for user in users.values())
    default = users.pop("default")
    assert default["accessString"] == "off -@all"
    # The password opens nothing (the user is off), and stays secret all the same.
    assert is_secret(default["authenticationMode"])
    assert secret_value(default["authenticationMode"])["type"] == "password"
    for name, user in users.items():
        assert user["authenticationMode"] == {"type": "iam"}
        assert user["userId"] == name
        assert user["accessString"] == "on ~* &* +@all -flushall -flushdb"
    engine = stack_graph.of_type(REPLICATION_GROUP)[0].inputs["engine"]
    assert {group.inputs["engine"], *(user["engine"] for user in [default, *users.values()])} == {engine}


def test_redis_is_selectable_with_its_own_parameter_family() -> None:
    graph = programs.run(programs.data_tier, "dev", {"sentinel:cache.engine": "redis"})
    [group] = graph.of_type(REPLICATION_GROUP)
    [parameters] = graph.of_type("aws:elasticache/parameterGroup:ParameterGroup")
    assert (group.inputs["engine"], group.inputs["engineVersion"], parameters.inputs["family"]) == (
        "redis",
        "7.1",
        "redis7",
    )


# --- Endpoints and names -------------------------------------------------------------------------------------


def test_without_readers_reads_go_through_the_writer(dev: Graph) -> None:
    [proxy] = dev.of_type(PROXY)
    assert dev.exports["databaseEndpoints"] == {
        "writer": proxy.outputs["endpoint"],
        "reader": proxy.outputs["endpoint"],
    }
    assert dev.named(RECORD, "dns-read-replica").inputs["records"] == [proxy.outputs["endpoint"]]


def test_no_export_carries_a_generated_secret(stack_graph: Graph) -> None:
    secrets = [r.outputs["result"] for r in stack_graph.of_type(PASSWORD)]
    assert not [key for key, value in stack_graph.exports.items() if any(s in json.dumps(value) for s in secrets)]
    assert stack_graph.exports["databaseMasterSecretArn"] == master_secret_arn(stack_graph)


def test_the_private_zone_gives_operators_the_seeds_names(prod: Graph) -> None:
    [zone] = prod.of_type("aws:route53/zone:Zone")
    [vpc] = prod.of_type("aws:ec2/vpc:Vpc")
    [proxy] = prod.of_type(PROXY)
    [reader] = prod.of_type(PROXY_ENDPOINT)
    [group] = prod.of_type(REPLICATION_GROUP)
    assert (zone.inputs["name"], zone.inputs["vpcs"]) == ("sentinel-prod.internal", [{"vpcId": vpc.id}])
    records = {
        r.inputs["name"]: (r.inputs["type"], r.inputs["records"], r.inputs["zoneId"]) for r in prod.of_type(RECORD)
    }
    zone_id = zone.outputs["zoneId"]
    assert records == {
        "primary-db.sentinel-prod.internal": ("CNAME", [proxy.outputs["endpoint"]], zone_id),
        "read-replica.sentinel-prod.internal": ("CNAME", [reader.outputs["endpoint"]], zone_id),
        "redis-cluster.sentinel-prod.internal": ("CNAME", [group.outputs["primaryEndpointAddress"]], zone_id),
        "redis-reader.sentinel-prod.internal": ("CNAME", [group.outputs["readerEndpointAddress"]], zone_id),
    }


# --- The data tier alone, with stand-ins for the network and the alarm topic ----------------------------------


@pytest.fixture(scope="module")
def with_alarm_topic() -> Graph:
    return programs.run(programs.data_tier, "prod")


def test_failover_failure_and_low_storage_events_reach_the_alarm_topic(with_alarm_topic: Graph) -> None:
    subscriptions = {
        s.inputs["sourceType"]: s.inputs
        for s in with_alarm_topic.of_type("aws:rds/eventSubscription:EventSubscription")
    }
    [cluster] = with_alarm_topic.of_type(CLUSTER)
    instances = with_alarm_topic.of_type(INSTANCE)
    assert subscriptions["db-cluster"]["snsTopic"] == subscriptions["db-instance"]["snsTopic"] == programs.TOPIC_ARN
    assert subscriptions["db-cluster"]["sourceIds"] == [cluster.outputs["clusterIdentifier"]]
    assert subscriptions["db-cluster"]["eventCategories"] == ["failover", "failure"]
    assert sorted(subscriptions["db-instance"]["sourceIds"]) == sorted(i.outputs["identifier"] for i in instances)
    assert subscriptions["db-instance"]["eventCategories"] == ["failover", "failure", "low storage"]


def test_every_stack_sends_the_database_events_to_its_alarm_topic(stack_graph: Graph) -> None:
    [topic] = stack_graph.of_type("aws:sns/topic:Topic")
    subscriptions = stack_graph.of_type("aws:rds/eventSubscription:EventSubscription")
    assert sorted(s.inputs["sourceType"] for s in subscriptions) == ["db-cluster", "db-instance"]
    assert {s.inputs["snsTopic"] for s in subscriptions} == {topic.outputs["arn"]}


def test_the_cache_has_no_notification_topic_because_elasticache_cannot_publish_to_an_encrypted_one(
    stack_graph: Graph,
) -> None:
    [topic] = stack_graph.of_type("aws:sns/topic:Topic")
    assert topic.inputs["kmsMasterKeyId"]
    assert "notificationTopicArn" not in stack_graph.of_type(REPLICATION_GROUP)[0].inputs


def _component(graph: Graph, kind: str) -> Resource:
    [component] = graph.of_type(f"sentinel:components:{kind}")
    return component


def test_the_data_tier_sits_under_its_components(prod: Graph) -> None:
    for kind, types in (("Database", (CLUSTER, INSTANCE, PROXY)), ("Cache", (REPLICATION_GROUP,)), ("Dns", (RECORD,))):
        descendants = {r.urn for r in prod.descendants(_component(prod, kind).urn)}
        assert all(r.urn in descendants for t in types for r in prod.of_type(t))
