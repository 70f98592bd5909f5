"""The database's users on the graph and in the script that makes them: a user per app that connects and one for the
logical backup, each signing in with IAM only; the migrating app owns the schema, the others read and write rows, the
backup reads; a Job runs the script as the master, whose secret no other pod's role may read; the apps start after
it."""

from __future__ import annotations

import json
from typing import Any

from components.database_roles import DatabaseUser, database_users, roles_script
from offline.graph import Graph, Resource
from tests.helpers import load

JOB = "kubernetes:batch/v1:Job"
CONFIG_MAP = "kubernetes:core/v1:ConfigMap"
PROVIDER_CLASS = "kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ASSOCIATION = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
RESOURCE_NAME = "workloads-database-roles"


def master_secret_arn(graph: Graph) -> str:
    [cluster] = graph.of_type("aws:rds/cluster:Cluster")
    [managed] = cluster.outputs["masterUserSecrets"]
    return managed["secretArn"]


def pod_spec(job: Resource) -> dict[str, Any]:
    return job.inputs["spec"]["template"]["spec"]


# --- Who the users are, and what the script grants them ------------------------------------------------------------


def test_each_app_that_connects_and_the_logical_backup_has_a_user_of_its_own() -> None:
    assert database_users(load("prod").apps) == [
        DatabaseUser("admin", "migrate"),
        DatabaseUser("api", "readWrite"),
        DatabaseUser("web", "readWrite"),
        DatabaseUser("logical_backup", "readOnly"),
    ]
    without_web = load("prod", {"sentinel:apps.web.databaseAccess": "none"}).apps
    assert "web" not in {user.name for user in database_users(without_web)}


def test_the_script_makes_every_user_sign_in_with_iam_only_and_grants_each_its_access() -> None:
    script = roles_script(database_users(load("prod").apps), "projectsentinel").splitlines()
    for user in ("admin", "api", "web", "logical_backup"):
        assert f'    CREATE ROLE "{user}" LOGIN;' in script
        assert f'GRANT rds_iam TO "{user}";' in script
    assert 'GRANT CONNECT ON DATABASE "projectsentinel" TO "admin", "api", "web", "logical_backup";' in script
    assert 'ALTER SCHEMA public OWNER TO "admin";' in script
    assert "REVOKE CREATE ON SCHEMA public FROM PUBLIC;" in script
    writers = '"api", "web"'
    assert f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {writers};" in script
    assert (
        'ALTER DEFAULT PRIVILEGES FOR ROLE "admin" IN SCHEMA public '
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {writers};"
    ) in script
    assert 'GRANT pg_read_all_data TO "logical_backup";' in script
    # No one but the owner may change a table: nothing grants DDL, TRUNCATE or the owner's role to another user.
    assert not [line for line in script if "TRUNCATE" in line or "ALL PRIVILEGES" in line]
    assert [line for line in script if line.startswith('GRANT "admin" TO')] == ['GRANT "admin" TO CURRENT_USER;']


def test_the_migrating_app_is_the_schemas_owner_whichever_it_is() -> None:
    apps = load(
        "prod", {"sentinel:apps.admin.databaseAccess": "readWrite", "sentinel:apps.web.databaseAccess": "migrate"}
    ).apps
    script = roles_script(database_users(apps), "projectsentinel").splitlines()
    assert 'ALTER SCHEMA public OWNER TO "web";' in script
    assert 'GRANT USAGE ON SCHEMA public TO "admin", "api";' in script
    assert (
        'ALTER DEFAULT PRIVILEGES FOR ROLE "web" IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO "admin", "api";'
        in (script)
    )


# --- The Job that runs it --------------------------------------------------------------------------------------


def test_a_job_runs_the_script_as_the_master_through_the_proxy_with_the_password_rds_keeps(prod: Graph) -> None:
    job = prod.named(JOB, RESOURCE_NAME)
    spec = pod_spec(job)
    [psql] = spec["containers"]
    [proxy] = prod.of_type("aws:rds/proxy:Proxy")
    assert psql["command"][-1].startswith('PGPASSWORD="$(cat /master/master-password)" exec psql')
    assert "--set=ON_ERROR_STOP=1 --single-transaction --file=/script/roles.sql" in psql["command"][-1]
    assert psql["env"] == [
        {
            "name": "CONNECTION",
            "value": f"host={proxy.outputs['endpoint']} port=5432 dbname=projectsentinel user=sentinel sslmode=require",
        }
    ]
    script = prod.named(CONFIG_MAP, RESOURCE_NAME)
    assert script.inputs["data"] == {"roles.sql": roles_script(database_users(load("prod").apps), "projectsentinel")}
    # The password is the master secret's `password` key, mounted by the Secrets Store CSI driver with the Job's role.
    provider_class = prod.named(PROVIDER_CLASS, RESOURCE_NAME)
    parameters = provider_class.inputs["spec"]["parameters"]
    assert (provider_class.inputs["spec"]["provider"], parameters["usePodIdentity"]) == ("aws", "true")
    assert json.loads(parameters["objects"]) == [
        {
            "objectName": master_secret_arn(prod),
            "objectType": "secretsmanager",
            "jmesPath": [{"path": "password", "objectAlias": "master-password"}],
        }
    ]
    [master] = [volume for volume in spec["volumes"] if volume["name"] == "master"]
    assert master["csi"] == {
        "driver": "secrets-store.csi.k8s.io",
        "readOnly": True,
        "volumeAttributes": {"secretProviderClass": provider_class.inputs["metadata"]["name"]},
    }
    assert spec["restartPolicy"] == "Never" and spec["serviceAccountName"] == "database-roles"


def test_only_the_job_and_the_proxy_may_read_the_master_secret(stack_graph: Graph) -> None:
    arn = master_secret_arn(stack_graph)
    readers = sorted(policy.name for policy in stack_graph.of_type(ROLE_POLICY) if arn in policy.inputs["policy"])
    assert readers == ["database-proxy", RESOURCE_NAME]
    statements = {
        statement["Sid"]: statement
        for statement in json.loads(stack_graph.named(ROLE_POLICY, RESOURCE_NAME).inputs["policy"])["Statement"]
    }
    assert statements["ReadOwnSecrets"]["Resource"] == [arn]
    assert statements["DecryptOwnSecrets"]["Condition"]["StringEquals"]["kms:EncryptionContext:SecretARN"] == [arn]
    key = stack_graph.named("aws:kms/key:Key", "database").outputs["arn"]
    assert statements["DecryptOwnSecrets"]["Resource"] == key


def test_the_job_starts_after_its_identity_its_secret_the_network_policies_and_the_proxys_target_and_the_apps_after_it(
    stack_graph: Graph,
) -> None:
    job = stack_graph.named(JOB, RESOURCE_NAME)
    association = stack_graph.named(ASSOCIATION, RESOURCE_NAME)
    provider_class = stack_graph.named(PROVIDER_CLASS, RESOURCE_NAME)
    policies = {policy.urn for policy in stack_graph.of_type("kubernetes:networking.k8s.io/v1:NetworkPolicy")}
    # The proxy reaches the database only once its target, registered after the instances, exists.
    [target] = stack_graph.of_type("aws:rds/proxyTarget:ProxyTarget")
    assert {association.urn, provider_class.urn, target.urn, *policies} <= job.dependencies
    [addon] = [a for a in stack_graph.of_type("aws:eks/addon:Addon") if a.inputs["addonName"].startswith("aws-secrets")]
    assert addon.urn in provider_class.dependencies
    for deployment in stack_graph.of_type("kubernetes:apps/v1:Deployment"):
        assert job.urn in deployment.dependencies
