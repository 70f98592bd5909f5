"""Who each app is, on the graph: its own Pod Identity role, which may sign in to the database and the cache as the
app's own users and no other; its environment, which names those users and carries no password; and its Secret, which
holds exactly the secrets the app declares (`sentinel:workloads.secretsUsedBy`)."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import offline
from components.config.apps import IDENTITY_VARIABLES, SECRET_VARIABLES
from components.config.workloads import KEY_VARIABLES, key_values, secrets_of
from offline.graph import Graph
from tests.graph_queries import APPS, ROLE_POLICY, by_app, pod, statements
from tests.helpers import SECRET_SIGNATURE, load, prod_outputs

DEPLOYMENT = "kubernetes:apps/v1:Deployment"
CONFIG_MAP = "kubernetes:core/v1:ConfigMap"
SECRET = "kubernetes:core/v1:Secret"
ASSOCIATION = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
ROLE = "aws:iam/role:Role"
PROVIDER_CLASS = "kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass"

# The seed's production environment (Sentinel guide, "Required Environment Variables"), less the static AWS keys
# that Pod Identity replaces and the cache's shared password that each app's IAM user replaces.
SEED_ENVIRONMENT = {
    *("NODE_ENV", "NEXT_PUBLIC_APP_URL", "NEXT_PUBLIC_API_URL", "NEXT_PUBLIC_WS_URL"),
    *("DATABASE_URL", "DATABASE_READ_REPLICA_URL", "DATABASE_POOL_SIZE", "DATABASE_CONNECTION_TIMEOUT"),
    *("REDIS_URL", "REDIS_DB"),
    *("NEXTAUTH_URL", "NEXTAUTH_SECRET", "JWT_SECRET", "ENCRYPTION_KEY"),
    *("ZAI_API_KEY", "ZAI_API_URL"),
    *("EMAIL_SMTP_HOST", "EMAIL_SMTP_PORT", "EMAIL_SMTP_USER", "EMAIL_SMTP_PASS"),
    *("AWS_REGION", "AWS_S3_BUCKET"),
    *("NEW_RELIC_LICENSE_KEY", "SENTRY_DSN", "LOG_LEVEL"),
    *("BACKUP_ENABLED", "BACKUP_SCHEDULE", "BACKUP_RETENTION_DAYS", "BACKUP_COMPRESSION", "BACKUP_DESTINATION"),
    "BACKUP_S3_BUCKET",
    *("RATE_LIMIT_REQUESTS", "RATE_LIMIT_WINDOW", "CSP_ENABLED", "HSTS_ENABLED", "XSS_PROTECTION"),
}


# --- Identity ------------------------------------------------------------------------------------------------


def test_each_app_assumes_its_own_role_through_pod_identity(stack_graph: Graph) -> None:
    associations = {a.inputs["serviceAccount"]: a for a in stack_graph.of_type(ASSOCIATION)}
    for app, deployment in by_app(stack_graph, DEPLOYMENT).items():
        assert pod(deployment)["serviceAccountName"] == app
        association = associations[app]
        assert association.inputs["namespace"] == "sentinel"
        assert association.urn in deployment.dependencies
        [role] = [role for role in stack_graph.of_type(ROLE) if role.outputs["arn"] == association.inputs["roleArn"]]
        assert json.loads(role.inputs["assumeRolePolicy"])["Statement"][0]["Principal"] == {
            "Service": "pods.eks.amazonaws.com"
        }


def test_roles_may_put_metrics_sign_in_as_their_own_users_and_only_api_may_use_the_uploads_bucket(prod: Graph) -> None:
    metrics = {
        "Sid": "PutAppMetrics",
        "Effect": "Allow",
        "Action": "cloudwatch:PutMetricData",
        "Resource": "*",
        "Condition": {"StringEquals": {"cloudwatch:namespace": "ProjectSentinel"}},
    }
    shared = {
        "Sid": "MountSharedFiles",
        "Effect": "Allow",
        "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
        "Resource": f"arn:aws:elasticfilesystem:us-east-1:111111111111:file-system/{prod_outputs()['file system']}",
        "Condition": {
            "StringEquals": {
                "elasticfilesystem:AccessPointArn": (
                    f"arn:aws:elasticfilesystem:us-east-1:111111111111:access-point/{prod_outputs()['access point']}"
                )
            }
        },
    }
    [cache] = prod.of_type("aws:elasticache/replicationGroup:ReplicationGroup")
    cache_users = {user.inputs["userName"]: user.outputs["arn"] for user in prod.of_type("aws:elasticache/user:User")}
    proxy_id = prod.of_type("aws:rds/proxy:Proxy")[0].outputs["arn"].rsplit(":", 1)[1]
    for app in APPS:
        granted = {statement["Sid"]: statement for statement in statements(prod, app)}
        assert granted["PutAppMetrics"] == metrics
        assert granted["MountSharedFiles"] == shared
        # Its own cache user and database user, and no other: the resource names the user.
        assert granted["ConnectAsOwnCacheUser"]["Action"] == "elasticache:Connect"
        assert granted["ConnectAsOwnCacheUser"]["Resource"] == [
            cache.outputs["arn"],
            cache_users[f"sentinel-prod-cache-{app}"],
        ]
        assert granted["ConnectAsOwnDatabaseUser"] == {
            "Sid": "ConnectAsOwnDatabaseUser",
            "Effect": "Allow",
            "Action": "rds-db:connect",
            "Resource": f"arn:aws:rds-db:us-east-1:111111111111:dbuser:{proxy_id}/{app}",
        }
    uploads = {"ReadAndWriteUploads", "ListUploads", "UseTheBucketKey"}
    assert not uploads & {statement["Sid"] for app in ("web", "admin") for statement in statements(prod, app)}
    api = {statement["Sid"]: statement for statement in statements(prod, "api")}
    assert uploads <= set(api)
    assert api["ReadAndWriteUploads"]["Resource"] == f"{prod_outputs()['uploads']}/*"
    assert api["ListUploads"]["Resource"] == prod_outputs()["uploads"]
    key = api["UseTheBucketKey"]
    assert key["Resource"] == prod_outputs()["uploads key"]
    assert key["Condition"]["StringLike"] == {
        "kms:EncryptionContext:aws:s3:arn": [prod_outputs()["uploads"], f"{prod_outputs()['uploads']}/*"]
    }
    assert key["Condition"]["StringEquals"] == {"kms:ViaService": "s3.us-east-1.amazonaws.com"}


def test_an_app_without_database_access_gets_no_database_user_grant_or_variable() -> None:
    graph = offline.run("dev", {"sentinel:apps.web.databaseAccess": "none"})
    granted = {statement["Sid"] for statement in statements(graph, "web")}
    assert "ConnectAsOwnDatabaseUser" not in granted and "ConnectAsOwnCacheUser" in granted
    plain = by_app(graph, CONFIG_MAP)["web"].inputs["data"]
    assert not [variable for variable in plain if variable.startswith("DATABASE_")]
    proxy = json.loads(graph.named(ROLE_POLICY, "database-proxy").inputs["policy"])["Statement"][2]["Resource"]
    assert not [user for user in proxy if user.endswith("/web")]


# --- The environment -----------------------------------------------------------------------------------------


def test_the_environment_is_the_seeds_split_into_plain_config_and_secrets(prod: Graph) -> None:
    config_maps = by_app(prod, CONFIG_MAP)
    for app in APPS:
        plain = config_maps[app].inputs["data"]
        assert set(plain) | set(SECRET_VARIABLES) == SEED_ENVIRONMENT | {"API_INTERNAL_URL", *IDENTITY_VARIABLES}
        assert not set(plain) & set(SECRET_VARIABLES)
    plain = config_maps["web"].inputs["data"]
    assert plain["NEXT_PUBLIC_APP_URL"] == plain["NEXTAUTH_URL"] == "https://app.projectsentinel.ai"
    assert plain["NEXT_PUBLIC_WS_URL"] == "wss://api.projectsentinel.ai"
    buckets = {bucket.name: bucket.outputs["bucket"] for bucket in prod.of_type("aws:s3/bucket:Bucket")}
    assert plain["AWS_S3_BUCKET"] == buckets["storage-uploads"]
    assert plain["BACKUP_S3_BUCKET"] == buckets["storage-backups"]
    assert plain["DATABASE_POOL_SIZE"] == "20"


def test_each_app_connects_as_its_own_users_and_no_variable_carries_a_password(prod: Graph) -> None:
    [proxy] = prod.of_type("aws:rds/proxy:Proxy")
    [reader] = prod.of_type("aws:rds/proxyEndpoint:ProxyEndpoint")
    [cache] = prod.of_type("aws:elasticache/replicationGroup:ReplicationGroup")
    secrets = [password.outputs["result"] for password in prod.of_type("random:index/randomPassword:RandomPassword")]
    for app, config_map in by_app(prod, CONFIG_MAP).items():
        plain = config_map.inputs["data"]
        for variable, host in (
            ("DATABASE_URL", proxy.outputs["endpoint"]),
            ("DATABASE_READ_REPLICA_URL", reader.outputs["endpoint"]),
        ):
            url = urlsplit(plain[variable])
            assert (url.scheme, url.username, url.password, url.hostname, url.port) == (
                "postgresql",
                app,
                None,
                host,
                5432,
            )
            assert (url.path, url.query) == ("/projectsentinel", "sslmode=require")
        assert (plain["DATABASE_USER"], plain["DATABASE_IAM_AUTH"]) == (app, "true")
        redis = urlsplit(plain["REDIS_URL"])
        assert (redis.scheme, redis.username, redis.password) == ("rediss", f"sentinel-prod-cache-{app}", None)
        assert (redis.hostname, redis.port) == (cache.outputs["primaryEndpointAddress"], 6379)
        assert (plain["REDIS_USER"], plain["REDIS_IAM_AUTH"]) == (f"sentinel-prod-cache-{app}", "true")
        assert plain["REDIS_CACHE_NAME"] == cache.id
        assert not [variable for variable, value in plain.items() if any(s in value for s in secrets)]


def declared_arns(graph: Graph, app: str) -> dict[str, str]:
    """The Secrets Manager secret of each variable `app` declares and the stack sets, by variable."""
    config = load(graph.stack)
    arns = {
        secret.inputs["tags"]["Variable"]: secret.outputs["arn"]
        for secret in graph.of_type("aws:secretsmanager/secret:Secret")
    }
    unset = set(KEY_VARIABLES.values()) - set(key_values(config.workloads.keys))
    return {variable: arns[variable] for variable in secrets_of(app, config.workloads) if variable not in unset}


def test_each_app_receives_exactly_the_secrets_it_declares(stack_graph: Graph) -> None:
    """sentinel:workloads.secretsUsedBy, key by key: an app mounted, synced or allowed to read a secret it does not
    declare fails here, and so does one denied a secret it declares (but a third-party key the stack does not set)."""
    for app in APPS:
        declared = declared_arns(stack_graph, app)
        provider_class = stack_graph.named(PROVIDER_CLASS, f"workloads-{app}").inputs
        objects = json.loads(provider_class["spec"]["parameters"]["objects"])
        assert {item["objectAlias"]: item["objectName"] for item in objects} == declared, app
        [synced] = provider_class["spec"]["secretObjects"]
        assert synced["secretName"] == f"{app}-secrets"
        assert sorted(item["key"] for item in synced["data"]) == sorted(declared)
        granted = {statement["Sid"]: statement for statement in statements(stack_graph, app)}
        assert sorted(granted["ReadOwnSecrets"]["Resource"]) == sorted(declared.values())
        context = granted["DecryptOwnSecrets"]["Condition"]["StringEquals"]
        assert sorted(context["kms:EncryptionContext:SecretARN"]) == sorted(declared.values())
        assert context["kms:ViaService"] == f"secretsmanager.{load(stack_graph.stack).region}.amazonaws.com"


def test_a_pod_reads_its_secrets_with_its_own_role_through_the_csi_driver(prod: Graph) -> None:
    """No Kubernetes Secret is the program's: each pod mounts its SecretProviderClass (read with its Pod Identity
    role) and the driver syncs the mount into the Secret its environment names."""
    assert prod.of_type(SECRET) == []
    for app, deployment in by_app(prod, DEPLOYMENT).items():
        spec = pod(deployment)
        provider_class = prod.named(PROVIDER_CLASS, f"workloads-{app}")
        assert provider_class.inputs["spec"]["parameters"]["usePodIdentity"] == "true"
        [volume] = [volume for volume in spec["volumes"] if volume["name"] == "secrets"]
        assert volume["csi"]["volumeAttributes"] == {"secretProviderClass": provider_class.inputs["metadata"]["name"]}
        [main] = spec["containers"]
        assert {"secretRef": {"name": f"{app}-secrets"}} in main["envFrom"]
        assert {"name": "secrets", "mountPath": "/mnt/secrets", "readOnly": True} in main["volumeMounts"]
        assert provider_class.urn in deployment.dependencies


def test_each_secret_is_kept_once_under_the_data_key_protected_with_a_replica_in_the_dr_region(
    stack_graph: Graph,
) -> None:
    config = load(stack_graph.stack)
    secrets = stack_graph.of_type("aws:secretsmanager/secret:Secret")
    variables = [secret.inputs["tags"]["Variable"] for secret in secrets]
    assert sorted(variables) == sorted(
        {"NEXTAUTH_SECRET", "JWT_SECRET", "ENCRYPTION_KEY", *key_values(config.workloads.keys)}
    )
    data_key = stack_graph.named("aws:kms/key:Key", "database").outputs["arn"]
    dr_keys = {
        vault.inputs["kmsKeyArn"]
        for vault in stack_graph.of_type("aws:backup/vault:Vault")
        if vault.inputs.get("region")
    }
    for secret in secrets:
        assert secret.inputs["kmsKeyId"] == data_key
        assert secret.options.protect is config.protection.protect_state
        if config.backup.dr_region:
            [replica] = secret.inputs["replicas"]
            assert replica["region"] == config.backup.dr_region and replica["kmsKeyId"] in dr_keys
        else:
            assert "replicas" not in secret.inputs
    for version in stack_graph.of_type("aws:secretsmanager/secretVersion:SecretVersion"):
        assert is_secret(version.inputs["secretString"])


def test_the_generated_secrets_keep_their_protected_values(prod: Graph) -> None:
    """The stacks made before keep their values: the versions are written from the same protected generated ones."""
    passwords = {
        password.name: password
        for password in prod.of_type("random:index/randomPassword:RandomPassword")
        if prod.top_level_ancestor(password).name == "workloads"
    }
    assert sorted(passwords) == ["workloads-encryption-key", "workloads-jwt-secret", "workloads-nextauth-secret"]
    assert all(password.options.protect and password.inputs["length"] >= 32 for password in passwords.values())
    for name, password in passwords.items():
        version = prod.named("aws:secretsmanager/secretVersion:SecretVersion", f"workloads-secrets-{name[10:]}")
        assert version.inputs["secretString"]["value"] == password.outputs["result"]


def is_secret(value: object) -> bool:
    return isinstance(value, dict) and all(value.get(key) == mark for key, mark in SECRET_SIGNATURE.items())
