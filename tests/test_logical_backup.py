"""The logical backup on the graph: a component of its own whose CronJob dumps the database daily, as the read-only
`logical_backup` user signing in with an IAM token, to its prefix of the backups bucket and reports each success under
the name its alarm watches; its resources moved there from the workloads under the names they had, each with an alias
to its old URN, so Pulumi moves them rather than replacing them."""

from __future__ import annotations

import json

from offline.graph import Graph
from tests.helpers import load, prod_outputs

CRON_JOB = "kubernetes:batch/v1:CronJob"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
RESOURCE_NAME = "workloads-logical-backup"


def test_the_logical_backup_dumps_daily_to_its_prefix_and_reports_success(prod: Graph) -> None:
    job = prod.named(CRON_JOB, RESOURCE_NAME)
    spec = job.inputs["spec"]
    assert spec["schedule"] == load("prod").workloads.logical_backup.schedule
    assert spec["concurrencyPolicy"] == "Forbid"
    template = spec["jobTemplate"]["spec"]["template"]["spec"]
    [_, dump], [upload] = template["initContainers"], template["containers"]
    assert "pg_dump --format=custom" in dump["command"][-1]
    script = upload["command"][-1]
    assert 's3://${BACKUP_S3_BUCKET}/${key}"' in script and 'key="logical/$(date -u +%Y/%m/%d)/' in script
    # Success is reported after the upload.
    assert script.index("aws s3 cp") < script.index("--namespace ProjectSentinel --metric-name LogicalBackupSucceeded")
    statements = json.loads(prod.named(ROLE_POLICY, RESOURCE_NAME).inputs["policy"])["Statement"]
    put = {statement["Sid"]: statement for statement in statements}
    assert put["PutDumps"] == {
        "Sid": "PutDumps",
        "Effect": "Allow",
        "Action": "s3:PutObject",
        "Resource": f"{prod_outputs()['backups']}/logical/*",
    }
    assert set(put) == {"PutAppMetrics", "PutDumps", "UseTheBucketKey", "ConnectAsOwnDatabaseUser"}
    assert put["UseTheBucketKey"]["Action"] == ["kms:Decrypt", "kms:GenerateDataKey"]


def test_the_dump_signs_in_as_the_read_only_backup_user_with_a_token_in_memory(prod: Graph) -> None:
    job = prod.named(CRON_JOB, RESOURCE_NAME)
    template = job.inputs["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    [token, dump] = template["initContainers"]
    [proxy] = prod.of_type("aws:rds/proxy:Proxy")
    host = {"name": "DATABASE_HOST", "value": proxy.outputs["endpoint"]}
    assert host in token["env"] and host in dump["env"]
    assert "aws rds generate-db-auth-token" in token["command"][-1]
    assert "--username logical_backup" in token["command"][-1] and "--port 5432" in token["command"][-1]
    assert 'PGPASSWORD="$(cat /token/password)"' in dump["command"][-1]
    assert "user=logical_backup sslmode=require" in dump["command"][-1]
    [memory] = [volume for volume in template["volumes"] if volume["name"] == "token"]
    assert memory["emptyDir"]["medium"] == "Memory"
    grant = {
        statement["Sid"]: statement
        for statement in json.loads(prod.named(ROLE_POLICY, RESOURCE_NAME).inputs["policy"])["Statement"]
    }["ConnectAsOwnDatabaseUser"]
    proxy_id = proxy.outputs["arn"].rsplit(":", 1)[1]
    assert (grant["Action"], grant["Resource"]) == (
        "rds-db:connect",
        f"arn:aws:rds-db:us-east-1:111111111111:dbuser:{proxy_id}/logical_backup",
    )
    # It waits for the user it signs in as.
    [roles] = prod.of_type("kubernetes:batch/v1:Job")
    assert roles.urn in job.dependencies


def test_the_alarm_watches_the_dimension_the_job_reports_under(stack_graph: Graph) -> None:
    job = stack_graph.named(CRON_JOB, RESOURCE_NAME)
    name = job.outputs["metadata"]["name"]
    script = job.inputs["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["command"][-1]
    assert f"--dimensions CronJob={name} " in script
    [missing] = [
        alarm
        for alarm in stack_graph.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
        if alarm.inputs["name"] == f"sentinel-{stack_graph.stack}-LogicalBackupMissing"
    ]
    assert (missing.inputs["namespace"], missing.inputs["metricName"]) == ("ProjectSentinel", "LogicalBackupSucceeded")
    assert missing.inputs["dimensions"] == {"CronJob": name}


def test_its_resources_moved_from_the_workloads_under_their_names_each_aliased_to_its_old_urn(
    stack_graph: Graph,
) -> None:
    [component] = stack_graph.of_type("sentinel:components:LogicalBackup")
    [workloads] = stack_graph.of_type("sentinel:components:Workloads")
    children = stack_graph.children(component.urn)
    assert sorted(child.type for child in children) == [
        "aws:eks/podIdentityAssociation:PodIdentityAssociation",
        "aws:iam/role:Role",
        ROLE_POLICY,
        CRON_JOB,
        "kubernetes:core/v1:ServiceAccount",
    ]
    # A child's URN is its parent's type chain, its own type and its name.
    workloads_chain = workloads.urn.rsplit("::", 1)[0]
    for child in children:
        assert child.name == RESOURCE_NAME
        # The Kubernetes SDK adds aliases of its own, for the type's earlier API versions.
        assert f"{workloads_chain}${child.type}::{child.name}" in child.options.aliases
    assert not [child for child in stack_graph.children(workloads.urn) if child.name == RESOURCE_NAME]
