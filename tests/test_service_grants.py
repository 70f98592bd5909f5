"""Permission before use, at the path the service uses (issue 15, items 1 and 6), over every stack.

Wherever creating a resource makes AWS act on another one, the grant that lets AWS do it must
(a) be among the acting resource's transitive dependencies in the recorded graph, so the engine creates it first
    whatever the scheduling, and
(b) admit, evaluated by tests/iam_evaluation.py, the principal AWS acts as, the action and the exact ARN or key it
    touches, computed from the acting resource's own inputs (the ALB's bucket and prefix, the logging source
    bucket and its target prefix, the log group a service writes to by name, the role and key it is given).

And whoever may write objects to an SSE-KMS bucket may also use its key as S3 does when it stores them: a single
PUT needs kms:GenerateDataKey, a multipart upload (`aws s3 cp` over 8 MB) kms:Decrypt as well
(https://repost.aws/knowledge-center/s3-large-file-encryption-kms-key).

Each check returns what it checked and what it found, so one function runs over every stack and over a graph copy
with one defect planted (the tests at the end show each check failing).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest

from components.storage import ELB_LOG_ACCOUNTS, ELB_LOG_DELIVERY_SERVICE
from offline.graph import Graph, Resource
from tests.helpers import STACKS, graph_of, load
from tests.iam_evaluation import (
    Principal,
    Request,
    identity_policy_decision,
    kms_decision,
    resource_policy_decision,
)

BUCKET = "aws:s3/bucket:Bucket"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
BUCKET_LOGGING = "aws:s3/bucketLogging:BucketLogging"
BUCKET_ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer"
KEY = "aws:kms/key:Key"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
MANAGED_POLICY = "aws:iam/policy:Policy"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
RDS_CLUSTER = "aws:rds/cluster:Cluster"
RDS_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
RDS_PROXY = "aws:rds/proxy:Proxy"
SECRET = "aws:secretsmanager/secret:Secret"
EKS_CLUSTER = "aws:eks/cluster:Cluster"
REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
VAULT = "aws:backup/vault:Vault"
BACKUP_SELECTION = "aws:backup/selection:Selection"
TOPIC = "aws:sns/topic:Topic"
TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy"
METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
EVENT_SUBSCRIPTION = "aws:rds/eventSubscription:EventSubscription"
VAULT_NOTIFICATIONS = "aws:backup/vaultNotifications:VaultNotifications"

# The AWS managed policies that carry a service role's permissions where the graph holds no document to evaluate:
# RDS enhanced monitoring (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_Monitoring.OS.Enabling.html)
# and AWS Backup (https://docs.aws.amazon.com/aws-backup/latest/devguide/iam-service-roles.html).
ENHANCED_MONITORING_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
BACKUP_POLICY = "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"
# What CloudWatch Logs does with a log group's key (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).
LOGS_KEY_ACTIONS = ("kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey")
# What the EKS cluster role does with the secrets key (https://docs.aws.amazon.com/eks/latest/userguide/enable-kms.html).
EKS_SECRETS_KEY_ACTIONS = ("kms:Encrypt", "kms:Decrypt", "kms:DescribeKey", "kms:CreateGrant", "kms:ListGrants")
# What a publisher needs of an encrypted topic's key (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html).
TOPIC_KEY_ACTIONS = ("kms:GenerateDataKey", "kms:Decrypt")
# What S3 does with a bucket's key for a writer: a PUT, and the parts of a multipart upload.
S3_WRITER_KEY_ACTIONS = ("kms:GenerateDataKey", "kms:Decrypt")
# A key of S3 server access logs: the target prefix, then `YYYY-mm-DD-HH-MM-SS-UniqueString`
# (https://docs.aws.amazon.com/AmazonS3/latest/userguide/LogFormat.html).
SERVER_ACCESS_LOG_OBJECT = "2025-01-31-05-00-00-0123456789ABCDEF"
FLOW_LOG_STREAM = "eni-0123456789abcdef0-all"


# --- The graph as the engine orders it --------------------------------------------------------------------------


def dependency_closure(graph: Graph, resource: Resource) -> frozenset[str]:
    """Everything `resource` waits for: its dependencies, theirs, and so on. A component among them stands for its
    custom descendants, as the SDK expands a component in `depends_on` before registering."""
    seen: set[str] = set()
    frontier = list(resource.dependencies)
    while frontier:
        urn = frontier.pop()
        if urn in seen or urn not in graph.resources:
            continue
        seen.add(urn)
        dependency = graph[urn]
        frontier.extend(dependency.dependencies)
        if not dependency.custom:
            frontier.extend(child.urn for child in graph.descendants(urn))
    return frozenset(seen)


@dataclass
class Report:
    """What a check looked at, and what it found wrong."""

    checked: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)

    def waits_for(self, graph: Graph, acting: Resource, grant: Resource, why: str) -> None:
        if grant.urn not in dependency_closure(graph, acting):
            self.findings.append(f"{acting.name} ({acting.type}) does not wait for {grant.name} ({grant.type}): {why}")

    def expect(self, decision: str, wanted: Iterable[str], what: str) -> None:
        if decision not in wanted:
            self.findings.append(f"{what}: {decision}")


@dataclass(frozen=True)
class Account:
    region: str
    id: str


@functools.cache
def _account_of_stack(stack: str) -> Account:
    config = load(stack)
    return Account(config.region, config.account_id)


def account_of(graph: Graph) -> Account:
    return _account_of_stack(graph.stack)


def find(graph: Graph, type_: str, **outputs: Any) -> Resource | None:
    """The one resource of `type_` whose outputs (inputs plus what AWS computes) have these values, if any."""
    matches = [r for r in graph.of_type(type_) if all(r.outputs.get(k) == v for k, v in outputs.items())]
    assert len(matches) <= 1, f"{len(matches)} resources of {type_} with {outputs}"
    return matches[0] if matches else None


def policy_of(resource: Resource, key: str = "policy") -> str:
    return resource.inputs[key]


def role_documents(graph: Graph, role: Resource) -> list[Resource]:
    """The resources that carry a role's identity policies the graph knows the text of: its inline policies and
    the customer managed policies attached to it (AWS managed ones have no document here)."""
    inline = [p for p in graph.of_type(ROLE_POLICY) if p.inputs["role"] == role.id]
    attached = {a.inputs["policyArn"] for a in graph.of_type(ATTACHMENT) if a.inputs["role"] == role.outputs["name"]}
    return inline + [p for p in graph.of_type(MANAGED_POLICY) if p.outputs.get("arn") in attached]


def managed_policy_attachments(graph: Graph, role: Resource) -> dict[str, Resource]:
    return {a.inputs["policyArn"]: a for a in graph.of_type(ATTACHMENT) if a.inputs["role"] == role.outputs["name"]}


def log_group_arn(account: Account, name: str) -> str:
    return f"arn:aws:logs:{account.region}:{account.id}:log-group:{name}"


def region_of_arn(arn: str) -> str:
    return arn.split(":")[3]


# --- Logs delivered to the log bucket ---------------------------------------------------------------------------


def elb_log_principal(region: str) -> Principal:
    """Who ELB delivers access logs as: the region's ELB account, or the log delivery service in newer regions
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html)."""
    account = ELB_LOG_ACCOUNTS.get(region)
    return Principal.account_root(account) if account else Principal.of_service(ELB_LOG_DELIVERY_SERVICE)


def _bucket_delivery(
    graph: Graph, report: Report, acting: Resource, *, bucket_name: str, key: str, writer: Principal, **context: str
) -> Resource | None:
    """(a) and (b) for a service writing `key` into the bucket named `bucket_name` over TLS, through the bucket's
    policy; `context` holds what the service says of itself (its source ARN and account)."""
    bucket = find(graph, BUCKET, bucket=bucket_name)
    policy = find(graph, BUCKET_POLICY, bucket=bucket.id) if bucket else None
    if bucket is None or policy is None:
        report.findings.append(f"{acting.name} writes to {bucket_name}, whose bucket or policy the stack does not make")
        return None
    report.waits_for(graph, acting, policy, "the service writes as soon as it is switched on")
    object_arn = f"arn:aws:s3:::{bucket_name}/{key}"
    made = Request(writer, "s3:PutObject", object_arn, {"aws:SecureTransport": "true", **context})
    report.expect(
        resource_policy_decision(policy_of(policy), made),
        {"allow"},
        f"{acting.name}: the policy of {bucket_name} for {made.principal} s3:PutObject on {object_arn}",
    )
    return bucket


def load_balancer_logs(graph: Graph) -> Report:
    """ELB test-writes `<prefix>/AWSLogs/<account>/ELBAccessLogTestFile` when access logs are switched on, right
    after the load balancer is created (terraform-provider-aws elbv2/load_balancer.go), into an SSE-S3 bucket."""
    report, account = Report(), account_of(graph)
    for balancer in graph.of_type(LOAD_BALANCER):
        logs = balancer.inputs.get("accessLogs") or {}
        if not logs.get("enabled"):
            continue
        report.checked.append(balancer.name)
        key = "/".join(part for part in (logs.get("prefix"), "AWSLogs", account.id, "ELBAccessLogTestFile") if part)
        bucket = _bucket_delivery(
            graph, report, balancer, bucket_name=logs["bucket"], key=key, writer=elb_log_principal(account.region)
        )
        encryption = find(graph, BUCKET_ENCRYPTION, bucket=bucket.id) if bucket else None
        algorithms = {
            rule["applyServerSideEncryptionByDefault"]["sseAlgorithm"]
            for rule in (encryption.inputs["rules"] if encryption else [])
        }
        if bucket and algorithms != {"AES256"}:
            report.findings.append(
                f"{balancer.name}: ELB delivers only to SSE-S3 buckets, {logs['bucket']} has {algorithms}"
            )
    return report


def server_access_logs(graph: Graph) -> Report:
    """S3 delivers a bucket's server access logs as logging.s3.amazonaws.com, naming the source bucket and account."""
    report, account = Report(), account_of(graph)
    for logging in graph.of_type(BUCKET_LOGGING):
        report.checked.append(logging.name)
        _bucket_delivery(
            graph,
            report,
            logging,
            bucket_name=logging.inputs["targetBucket"],
            key=logging.inputs["targetPrefix"] + SERVER_ACCESS_LOG_OBJECT,
            writer=Principal.of_service("logging.s3.amazonaws.com"),
            **{"aws:SourceArn": f"arn:aws:s3:::{logging.inputs['bucket']}", "aws:SourceAccount": account.id},
        )
    return report


# --- Log groups that services write to by name ------------------------------------------------------------------


def service_log_groups(graph: Graph) -> list[tuple[Resource, str]]:
    """(writer, log group name) for every resource whose creation makes a service write to a log group of a name
    the service chooses: created first, the group keeps its encryption and retention; else the service creates it."""
    writers: list[tuple[Resource, str]] = []
    for cluster in graph.of_type(RDS_CLUSTER):
        identifier = cluster.inputs["clusterIdentifier"]
        writers += [
            (cluster, f"/aws/rds/cluster/{identifier}/{kind}")
            for kind in cluster.inputs.get("enabledCloudwatchLogsExports", [])
        ]
    writers += [(proxy, f"/aws/rds/proxy/{proxy.inputs['name']}") for proxy in graph.of_type(RDS_PROXY)]
    writers += [
        (cluster, f"/aws/eks/{cluster.inputs['name']}/cluster")
        for cluster in graph.of_type(EKS_CLUSTER)
        if cluster.inputs.get("enabledClusterLogTypes")
    ]
    for group in graph.of_type(REPLICATION_GROUP):
        writers += [
            (group, delivery["destination"])
            for delivery in group.inputs.get("logDeliveryConfigurations", [])
            if delivery["destinationType"] == "cloudwatch-logs"
        ]
    for flow_log in graph.of_type(FLOW_LOG):
        if flow_log.inputs.get("logDestinationType") == "cloud-watch-logs":
            writers.append((flow_log, flow_log.inputs["logDestination"].split(":log-group:", 1)[1].removesuffix(":*")))
    return writers


def log_group_writers(graph: Graph) -> Report:
    report = Report()
    for writer, name in service_log_groups(graph):
        report.checked.append(f"{writer.name} -> {name}")
        group = find(graph, LOG_GROUP, name=name)
        if group is None:
            report.findings.append(f"{writer.name} writes to {name}, which the stack does not create")
        else:
            report.waits_for(graph, writer, group, "else the service creates the group, unencrypted and kept forever")
    return report


def log_group_keys(graph: Graph) -> Report:
    """CloudWatch Logs uses a log group's key for that group alone (its ARN is the encryption context), from the
    moment the group is created with it."""
    report, account = Report(), account_of(graph)
    for group in graph.of_type(LOG_GROUP):
        key_arn = group.inputs.get("kmsKeyId")
        if key_arn is None:
            continue
        report.checked.append(group.name)
        key = find(graph, KEY, arn=key_arn)
        if key is None:
            report.findings.append(f"{group.name} is encrypted with {key_arn}, which the stack does not make")
            continue
        report.waits_for(graph, group, key, "CloudWatch Logs checks the key when the group is created")
        context = {"kms:EncryptionContext:aws:logs:arn": log_group_arn(account, group.inputs["name"])}
        logs = Principal.of_service(f"logs.{account.region}.amazonaws.com")
        for action in LOGS_KEY_ACTIONS:
            report.expect(
                resource_policy_decision(policy_of(key), Request(logs, action, key_arn, context)),
                {"allow"},
                f"{group.name}: the policy of {key.name} for {logs.service} {action}",
            )
    return report


# --- Roles that services act with -------------------------------------------------------------------------------


def _role_grants(graph: Graph, report: Report, acting: Resource, role_arn: str) -> tuple[Resource, list[str]] | None:
    """The role `acting` makes a service use, with its identity documents, each of which `acting` must wait for."""
    role = find(graph, ROLE, arn=role_arn)
    if role is None:
        report.findings.append(f"{acting.name} uses role {role_arn}, which the stack does not make")
        return None
    documents = role_documents(graph, role)
    for document in documents:
        report.waits_for(graph, acting, document, "the service acts with the role once the resource exists")
    return role, [policy_of(document) for document in documents]


def flow_log_roles(graph: Graph) -> Report:
    """VPC Flow Logs creates a stream per interface in the log group and puts events there, with the role."""
    report, account = Report(), account_of(graph)
    for flow_log in graph.of_type(FLOW_LOG):
        if flow_log.inputs.get("logDestinationType") != "cloud-watch-logs":
            continue
        report.checked.append(flow_log.name)
        granted = _role_grants(graph, report, flow_log, flow_log.inputs["iamRoleArn"])
        if granted is None:
            continue
        role, documents = granted
        group = log_group_arn(account, flow_log.inputs["logDestination"].split(":log-group:", 1)[1].removesuffix(":*"))
        for action, resource in (
            ("logs:CreateLogStream", f"{group}:log-stream:{FLOW_LOG_STREAM}"),
            ("logs:PutLogEvents", f"{group}:log-stream:{FLOW_LOG_STREAM}"),
            ("logs:DescribeLogStreams", f"{group}:log-stream:"),
            ("logs:DescribeLogGroups", f"arn:aws:logs:{account.region}:{account.id}:log-group::log-stream:"),
        ):
            request = Request(Principal.of_arn(role.outputs["arn"]), action, resource)
            report.expect(
                identity_policy_decision(documents, request), {"allow"}, f"{flow_log.name}: {action} on {resource}"
            )
    return report


def database_roles(graph: Graph) -> Report:
    """Enhanced monitoring publishes with its role from the instance's first minute; RDS Proxy reads its secret,
    decrypting it through Secrets Manager, with its role as soon as it is created."""
    report, account = Report(), account_of(graph)
    for instance in graph.of_type(RDS_INSTANCE):
        if not instance.inputs.get("monitoringInterval"):
            continue
        report.checked.append(instance.name)
        role = find(graph, ROLE, arn=instance.inputs["monitoringRoleArn"])
        attachment = managed_policy_attachments(graph, role).get(ENHANCED_MONITORING_POLICY) if role else None
        if attachment is None:
            report.findings.append(f"{instance.name}: its monitoring role has no {ENHANCED_MONITORING_POLICY}")
        else:
            report.waits_for(graph, instance, attachment, "RDS publishes enhanced monitoring with the role at once")
    for proxy in graph.of_type(RDS_PROXY):
        report.checked.append(proxy.name)
        granted = _role_grants(graph, report, proxy, proxy.inputs["roleArn"])
        if granted is None:
            continue
        role, documents = granted
        principal = Principal.of_arn(role.outputs["arn"])
        for auth in proxy.inputs["auths"]:
            secret = find(graph, SECRET, arn=auth["secretArn"])
            report.expect(
                identity_policy_decision(
                    documents, Request(principal, "secretsmanager:GetSecretValue", auth["secretArn"])
                ),
                {"allow"},
                f"{proxy.name}: secretsmanager:GetSecretValue on {auth['secretArn']}",
            )
            key = find(graph, KEY, arn=secret.inputs.get("kmsKeyId")) if secret else None
            if key is None:
                report.findings.append(f"{proxy.name}: its secret {auth['secretArn']} has no key the stack makes")
                continue
            via = {"kms:ViaService": f"secretsmanager.{account.region}.amazonaws.com"}
            report.expect(
                kms_decision(policy_of(key), documents, Request(principal, "kms:Decrypt", key.outputs["arn"], via)),
                {"allow"},
                f"{proxy.name}: kms:Decrypt of its secret with {key.name}",
            )
    return report


def eks_secrets_keys(graph: Graph) -> Report:
    """EKS encrypts Kubernetes secrets with the key, as the cluster role, from the cluster's creation."""
    report = Report()
    for cluster in graph.of_type(EKS_CLUSTER):
        for encryption in [cluster.inputs["encryptionConfig"]] if cluster.inputs.get("encryptionConfig") else []:
            report.checked.append(cluster.name)
            key_arn = encryption["provider"]["keyArn"]
            key = find(graph, KEY, arn=key_arn)
            granted = _role_grants(graph, report, cluster, cluster.inputs["roleArn"])
            if key is None or granted is None:
                report.findings.append(f"{cluster.name}: its secrets key {key_arn} or its role is not in the stack")
                continue
            role, documents = granted
            for action in EKS_SECRETS_KEY_ACTIONS:
                request = Request(Principal.of_arn(role.outputs["arn"]), action, key_arn)
                report.expect(
                    kms_decision(policy_of(key), documents, request),
                    {"allow"},
                    f"{cluster.name}: {action} on {key.name}",
                )
    return report


def backup_vault_keys(graph: Graph) -> Report:
    """AWS Backup encrypts a vault's recovery points with the vault's key, which must be of the vault's region, as
    the backup role of the selections: the key policy must leave that role to its IAM permissions (the AWS
    managed backup policy)."""
    report, account = Report(), account_of(graph)
    roles = [find(graph, ROLE, arn=s.inputs["iamRoleArn"]) for s in graph.of_type(BACKUP_SELECTION)]
    for vault in graph.of_type(VAULT):
        report.checked.append(vault.name)
        key_arn = vault.inputs["kmsKeyArn"]
        key = find(graph, KEY, arn=key_arn)
        if key is None:
            report.findings.append(f"{vault.name}: its key {key_arn} is not in the stack")
            continue
        report.waits_for(graph, vault, key, "AWS Backup checks the key when the vault is created")
        vault_region = vault.inputs.get("region") or account.region
        if region_of_arn(key_arn) != vault_region:
            report.findings.append(
                f"{vault.name} in {vault_region} is encrypted with a key of {region_of_arn(key_arn)}"
            )
        for role in {r.urn: r for r in roles if r is not None}.values():
            if BACKUP_POLICY not in managed_policy_attachments(graph, role):
                report.findings.append(f"{role.name}: the backup role has no {BACKUP_POLICY}")
            request = Request(Principal.of_arn(role.outputs["arn"]), "kms:GenerateDataKey", key_arn)
            report.expect(
                resource_policy_decision(policy_of(key), request),
                {"allow", "delegated"},
                f"{vault.name}: the policy of {key.name} for {role.name}",
            )
    return report


# --- The alarm topic ---------------------------------------------------------------------------------------------


def topic_publishers(graph: Graph, topic_arn: str) -> list[tuple[Resource, str, str]]:
    """(resource, service principal, source ARN) for each resource that makes a service publish to the topic."""
    account = account_of(graph)
    publishers: list[tuple[Resource, str, str]] = []
    for alarm in graph.of_type(METRIC_ALARM):
        actions = [*alarm.inputs.get("alarmActions", []), *alarm.inputs.get("okActions", [])]
        if topic_arn in actions:
            publishers.append((alarm, "cloudwatch.amazonaws.com", alarm.outputs["arn"]))
    kinds = {"db-cluster": "cluster", "db-instance": "db"}
    for subscription in graph.of_type(EVENT_SUBSCRIPTION):
        if subscription.inputs["snsTopic"] == topic_arn:
            kind = kinds[subscription.inputs["sourceType"]]
            publishers += [
                (subscription, "events.rds.amazonaws.com", f"arn:aws:rds:{account.region}:{account.id}:{kind}:{source}")
                for source in subscription.inputs["sourceIds"]
            ]
    for notifications in graph.of_type(VAULT_NOTIFICATIONS):
        if notifications.inputs["snsTopicArn"] == topic_arn:
            vault = (
                f"arn:aws:backup:{account.region}:{account.id}:backup-vault:{notifications.inputs['backupVaultName']}"
            )
            publishers.append((notifications, "backup.amazonaws.com", vault))
    return publishers


def topic_publishing(graph: Graph) -> Report:
    """A publisher may publish to the topic (its policy) and encrypt for it (its key's policy), naming its account
    and its source resource as the services do, from the moment the publishing resource exists."""
    report, account = Report(), account_of(graph)
    for topic in graph.of_type(TOPIC):
        topic_arn = topic.outputs["arn"]
        policy = find(graph, TOPIC_POLICY, arn=topic_arn)
        key = find(graph, KEY, arn=topic.inputs.get("kmsMasterKeyId"))
        for publisher, service, source in topic_publishers(graph, topic_arn):
            report.checked.append(f"{publisher.name} ({service})")
            if policy is None or key is None:
                report.findings.append(f"{topic.name}: no topic policy or no key of the stack, {service} publishes")
                continue
            report.waits_for(graph, publisher, policy, "a publisher may publish as soon as it exists")
            principal = Principal.of_service(service)
            context = {"aws:SourceAccount": account.id, "aws:SourceArn": source}
            report.expect(
                resource_policy_decision(policy_of(policy), Request(principal, "sns:Publish", topic_arn, context)),
                {"allow"},
                f"{publisher.name}: the policy of {topic.name} for {service} sns:Publish",
            )
            for action in TOPIC_KEY_ACTIONS:
                request = Request(principal, action, key.outputs["arn"], context)
                report.expect(
                    resource_policy_decision(policy_of(key), request),
                    {"allow"},
                    f"{publisher.name}: the policy of {key.name} for {service} {action}",
                )
    return report


# --- Writers of SSE-KMS buckets (item 6) -------------------------------------------------------------------------


@dataclass(frozen=True)
class KmsBucket:
    arn: str
    key: Resource
    bucket_key: bool
    """With an S3 Bucket Key, S3 names the bucket, not the object, as the encryption context."""


def kms_buckets(graph: Graph) -> list[KmsBucket]:
    buckets = []
    for encryption in graph.of_type(BUCKET_ENCRYPTION):
        for rule in encryption.inputs["rules"]:
            default = rule["applyServerSideEncryptionByDefault"]
            key = find(graph, KEY, arn=default.get("kmsMasterKeyId"))
            if default["sseAlgorithm"] == "aws:kms" and key is not None:
                buckets.append(
                    KmsBucket(f"arn:aws:s3:::{encryption.inputs['bucket']}", key, bool(rule.get("bucketKeyEnabled")))
                )
    return buckets


def object_probes(bucket_arn: str, documents: Iterable[str]) -> list[str]:
    """Object ARNs of the bucket a role's documents name (their wildcards filled in), and one of any name."""
    patterns = {
        resource
        for document in documents
        for statement in json.loads(document)["Statement"]
        for resource in (
            statement.get("Resource") if isinstance(statement.get("Resource"), list) else [statement.get("Resource")]
        )
        if isinstance(resource, str)
    }
    named = [re.sub(r"[*?]", "x", pattern) for pattern in patterns if pattern.startswith(f"{bucket_arn}/")]
    return [*named, f"{bucket_arn}/x"]


def kms_bucket_writers(graph: Graph) -> Report:
    """Every role whose policies let it put objects into an SSE-KMS bucket may use the bucket's key as S3 does for
    it, through S3 and for that bucket, and the key's policy leaves that to the role's policies."""
    report, account = Report(), account_of(graph)
    for role in graph.of_type(ROLE):
        documents = [policy_of(document) for document in role_documents(graph, role)]
        principal = Principal.of_arn(role.outputs["arn"])
        for bucket in kms_buckets(graph):
            writes = [
                arn
                for arn in object_probes(bucket.arn, documents)
                if identity_policy_decision(documents, Request(principal, "s3:PutObject", arn)) == "allow"
            ]
            if not writes:
                continue
            report.checked.append(f"{role.name} -> {bucket.arn}")
            context = {
                "kms:ViaService": f"s3.{account.region}.amazonaws.com",
                "kms:EncryptionContext:aws:s3:arn": bucket.arn if bucket.bucket_key else writes[0],
            }
            for action in S3_WRITER_KEY_ACTIONS:
                request = Request(principal, action, bucket.key.outputs["arn"], context)
                report.expect(
                    kms_decision(policy_of(bucket.key), documents, request),
                    {"allow"},
                    f"{role.name} writes {writes[0]} but {action} on {bucket.key.name}",
                )
    return report


CHECKS: dict[str, Callable[[Graph], Report]] = {
    "load balancer logs": load_balancer_logs,
    "server access logs": server_access_logs,
    "log group writers": log_group_writers,
    "log group keys": log_group_keys,
    "flow log roles": flow_log_roles,
    "database roles": database_roles,
    "EKS secrets keys": eks_secrets_keys,
    "backup vault keys": backup_vault_keys,
    "topic publishing": topic_publishing,
    "SSE-KMS bucket writers": kms_bucket_writers,
}


@pytest.mark.parametrize("check", CHECKS)
@pytest.mark.parametrize("stack", STACKS)
def test_every_service_grant_exists_first_and_admits_what_the_service_touches(stack: str, check: str) -> None:
    report = CHECKS[check](graph_of(stack))
    assert report.checked, f"{check}: nothing to check in {stack}, so the check proves nothing"
    assert report.findings == []


def test_the_checks_cover_each_relation_the_issue_names(prod: Graph) -> None:
    writers = {(writer.type, name.rsplit("/", 1)[-1]) for writer, name in service_log_groups(prod)}
    assert {
        (RDS_CLUSTER, "postgresql"),
        (RDS_PROXY, "sentinel-prod-database-proxy"),
        (FLOW_LOG, "flow-logs"),
    } <= writers
    assert len(prod.of_type(BUCKET_LOGGING)) == len(prod.of_type(BUCKET)) - 1  # every bucket but the log bucket
    [topic] = prod.of_type(TOPIC)
    services = {service for _, service, _ in topic_publishers(prod, topic.outputs["arn"])}
    assert services == {"cloudwatch.amazonaws.com", "events.rds.amazonaws.com", "backup.amazonaws.com"}
    assert {line.split(" -> ")[1].rsplit("-", 1)[1] for line in kms_bucket_writers(prod).checked} == {
        "uploads",
        "backups",
    }


# --- Each check fails on a planted defect ------------------------------------------------------------------------


def planted(graph: Graph, resource: Resource, **changes: Any) -> Graph:
    """A copy of the graph with one resource changed."""
    replaced = dataclasses.replace(resource, **changes)
    return Graph(graph.stack, {**graph.resources, resource.urn: replaced}, graph.exports)


def without_dependency(graph: Graph, acting: Resource, grant: Resource) -> Graph:
    """A copy in which `acting` no longer waits for `grant`, neither directly nor through anything between."""
    between = {urn for urn in dependency_closure(graph, acting) if grant.urn in dependency_closure(graph, graph[urn])}
    kept = frozenset(acting.dependencies - between - {grant.urn})
    return planted(graph, acting, dependencies=kept)


def with_inputs(resource: Resource, **inputs: Any) -> dict[str, Any]:
    return {"inputs": {**resource.inputs, **inputs}}


def edited_document(resource: Resource, edit: Callable[[dict[str, Any]], None], key: str = "policy") -> dict[str, Any]:
    document = json.loads(resource.inputs[key])
    edit(document)
    return with_inputs(resource, **{key: json.dumps(document)})


def statement(document: Mapping[str, Any], sid: str) -> dict[str, Any]:
    [found] = [s for s in document["Statement"] if s.get("Sid") == sid]
    return found


def findings_of(check: Callable[[Graph], Report], graph: Graph) -> list[str]:
    return check(graph).findings


def test_an_alb_writing_under_another_prefix_than_the_policy_admits_is_found(prod: Graph) -> None:
    [balancer] = prod.of_type(LOAD_BALANCER)
    # The defect issue 15 found: the ALB wrote under sentinel-prod-alb, the policy admitted alb/AWSLogs/<account>/*.
    moved = {**balancer.inputs["accessLogs"], "prefix": "sentinel-prod-alb"}
    [finding] = findings_of(load_balancer_logs, planted(prod, balancer, **with_inputs(balancer, accessLogs=moved)))
    assert "s3:PutObject on arn:aws:s3:::sentinel-prod-111111111111-us-east-1-logs/sentinel-prod-alb/AWSLogs" in finding
    assert finding.endswith("implicit deny")


def test_an_alb_not_waiting_for_the_log_bucket_policy_is_found(prod: Graph) -> None:
    [balancer] = prod.of_type(LOAD_BALANCER)
    policy = find(prod, BUCKET_POLICY, bucket="sentinel-prod-111111111111-us-east-1-logs")
    assert policy is not None
    [finding] = findings_of(load_balancer_logs, without_dependency(prod, balancer, policy))
    assert finding.startswith("ingress (aws:lb/loadBalancer:LoadBalancer) does not wait for storage-logs")


def test_a_log_bucket_policy_admitting_another_account_or_encrypted_with_kms_is_found(prod: Graph) -> None:
    policy = prod.named(BUCKET_POLICY, "storage-logs")
    other_account = planted(
        prod,
        policy,
        **edited_document(
            policy,
            lambda d: statement(d, "LoadBalancerAccessLogs").update(
                Principal={"AWS": "arn:aws:iam::797873946194:root"}
            ),
        ),
    )
    assert findings_of(load_balancer_logs, other_account) != []
    encryption = prod.named(BUCKET_ENCRYPTION, "storage-logs")
    kms_rule = [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}}]
    [finding] = findings_of(load_balancer_logs, planted(prod, encryption, **with_inputs(encryption, rules=kms_rule)))
    assert "only to SSE-S3 buckets" in finding


def test_server_access_logs_under_another_prefix_or_not_waiting_for_the_policy_are_found(prod: Graph) -> None:
    logging = prod.named(BUCKET_LOGGING, "storage-uploads")
    moved = planted(prod, logging, **with_inputs(logging, targetPrefix="access/uploads/"))
    [finding] = findings_of(server_access_logs, moved)
    assert "logs/access/uploads/2025" in finding and finding.endswith("implicit deny")
    [finding] = findings_of(
        server_access_logs, without_dependency(prod, logging, prod.named(BUCKET_POLICY, "storage-logs"))
    )
    assert "storage-uploads (aws:s3/bucketLogging:BucketLogging) does not wait for storage-logs" in finding


def test_a_service_log_group_missing_or_not_waited_for_is_found(prod: Graph) -> None:
    cluster = prod.named(RDS_CLUSTER, "database")
    group = prod.named(LOG_GROUP, "database-postgresql")
    [finding] = findings_of(log_group_writers, without_dependency(prod, cluster, group))
    assert finding.startswith("database (aws:rds/cluster:Cluster) does not wait for database-postgresql")
    exporting = planted(
        prod, cluster, **with_inputs(cluster, enabledCloudwatchLogsExports=["postgresql", "iam-db-auth-error"])
    )
    [finding] = findings_of(log_group_writers, exporting)
    assert finding.startswith("database writes to /aws/rds/cluster/sentinel-prod-database/iam-db-auth-error,")


def test_a_log_group_key_that_names_another_group_is_found(prod: Graph) -> None:
    key = prod.named(KEY, "network-flow-logs")
    other = "arn:aws:logs:us-east-1:111111111111:log-group:/aws/vpc/flow-logs"
    edited = edited_document(
        key,
        lambda d: statement(d, "ServiceLogsUsEast1AmazonawsCom")["Condition"]["ArnEquals"].update(
            {"kms:EncryptionContext:aws:logs:arn": [other]}
        ),
    )
    findings = findings_of(log_group_keys, planted(prod, key, **edited))
    assert findings == [
        f"network-flow-logs: the policy of network-flow-logs for logs.us-east-1.amazonaws.com {action}: implicit deny"
        for action in LOGS_KEY_ACTIONS
    ]


def test_a_flow_log_role_policy_not_waited_for_or_too_narrow_is_found(prod: Graph) -> None:
    flow_log = prod.named(FLOW_LOG, "network")
    policy = prod.named(ROLE_POLICY, "network-flow-logs")
    [finding] = findings_of(flow_log_roles, without_dependency(prod, flow_log, policy))
    assert finding.startswith("network (aws:ec2/flowLog:FlowLog) does not wait for network-flow-logs")
    # The group's ARN alone, without `:*`: streams and their events are out of reach.
    narrowed = edited_document(policy, lambda d: d["Statement"][0].update(Resource=d["Statement"][0]["Resource"][0]))
    findings = findings_of(flow_log_roles, planted(prod, policy, **narrowed))
    assert [f.split(": ")[1].split(" on ")[0] for f in findings] == [
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "logs:DescribeLogStreams",
    ]


def test_monitoring_before_its_role_and_a_proxy_without_its_key_are_found(prod: Graph) -> None:
    instance = prod.named(RDS_INSTANCE, "database-1")
    attachment = prod.named(ATTACHMENT, "database-monitoring")
    [finding] = findings_of(database_roles, without_dependency(prod, instance, attachment))
    assert finding.startswith(
        "database-1 (aws:rds/clusterInstance:ClusterInstance) does not wait for database-monitoring"
    )
    policy = prod.named(ROLE_POLICY, "database-proxy")
    wrong_service = edited_document(
        policy,
        lambda d: d["Statement"][1]["Condition"]["StringEquals"].update(
            {"kms:ViaService": "s3.us-east-1.amazonaws.com"}
        ),
    )
    [finding] = findings_of(database_roles, planted(prod, policy, **wrong_service))
    assert finding == "database: kms:Decrypt of its secret with database: implicit deny"


def test_an_eks_role_without_create_grant_on_the_secrets_key_is_found(prod: Graph) -> None:
    [cluster] = prod.of_type(EKS_CLUSTER)
    role = find(prod, ROLE, arn=cluster.inputs["roleArn"])
    assert role is not None
    [policy] = [p for p in role_documents(prod, role) if "kms:" in p.inputs["policy"]]
    narrowed = edited_document(
        policy,
        lambda d: d["Statement"][0].update(Action=[a for a in d["Statement"][0]["Action"] if a != "kms:CreateGrant"]),
    )
    [finding] = findings_of(eks_secrets_keys, planted(prod, policy, **narrowed))
    assert finding.endswith("kms:CreateGrant on cluster-secrets: implicit deny")
    [finding] = findings_of(eks_secrets_keys, without_dependency(prod, cluster, policy))
    assert finding.startswith(f"cluster (aws:eks/cluster:Cluster) does not wait for {policy.name}")


def test_a_vault_key_of_another_region_or_closed_to_the_account_is_found(prod: Graph) -> None:
    vault = prod.named(VAULT, "backup-dr")
    [finding] = findings_of(backup_vault_keys, planted(prod, vault, **with_inputs(vault, region="eu-west-1")))
    assert finding == "backup-dr in eu-west-1 is encrypted with a key of us-west-2"
    key = prod.named(KEY, "backup-key")
    closed = edited_document(
        key,
        lambda d: d["Statement"].append(
            {
                "Effect": "Deny",
                "Principal": {"AWS": "*"},
                "Action": "kms:*",
                "Resource": "*",
                "Condition": {"StringNotEquals": {"aws:PrincipalArn": "arn:aws:iam::111111111111:role/admin"}},
            }
        ),
    )
    [finding] = findings_of(backup_vault_keys, planted(prod, key, **closed))
    assert finding.startswith("backup: the policy of backup-key for backup") and finding.endswith("explicit deny")


def test_a_publisher_the_topic_or_its_key_refuses_is_found(prod: Graph) -> None:
    key = prod.named(KEY, "alarms")
    no_backup = edited_document(
        key, lambda d: d.update(Statement=[s for s in d["Statement"] if s.get("Sid") != "ServiceBackupAmazonawsCom"])
    )
    findings = findings_of(topic_publishing, planted(prod, key, **no_backup))
    assert findings == [
        f"backup: the policy of alarms for backup.amazonaws.com {action}: implicit deny" for action in TOPIC_KEY_ACTIONS
    ]
    [policy] = prod.of_type(TOPIC_POLICY)
    other_account = edited_document(
        policy,
        lambda d: statement(d, "PublishEventsRds")["Condition"]["StringEquals"].update(
            {"aws:SourceAccount": "222222222222"}
        ),
    )
    findings = findings_of(topic_publishing, planted(prod, policy, **other_account))
    assert findings and all("for events.rds.amazonaws.com sns:Publish: implicit deny" in f for f in findings)
    subscription = prod.named(EVENT_SUBSCRIPTION, "database-cluster")
    [finding] = findings_of(topic_publishing, without_dependency(prod, subscription, policy))
    assert finding.startswith("database-cluster (aws:rds/eventSubscription:EventSubscription) does not wait for alarms")


def test_a_backup_writer_that_cannot_decrypt_with_the_bucket_key_is_found(prod: Graph) -> None:
    policy = prod.named(ROLE_POLICY, "workloads-logical-backup")
    # The defect issue 15 found: kms:GenerateDataKey only, so multipart uploads (dumps over 8 MB) fail.
    generate_only = edited_document(
        policy, lambda d: statement(d, "UseTheBucketKey").update(Action=["kms:GenerateDataKey"])
    )
    [finding] = findings_of(kms_bucket_writers, planted(prod, policy, **generate_only))
    assert re.fullmatch(
        r"workloads-logical-backup writes \S+-backups/logical/x but kms:Decrypt on storage-backups-key: implicit deny",
        finding,
    )


def test_a_key_policy_denying_a_bucket_writer_is_found(prod: Graph) -> None:
    key = prod.named(KEY, "storage-uploads-key")
    denied = edited_document(
        key,
        lambda d: d["Statement"].append(
            {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt", "Resource": "*"}
        ),
    )
    [finding] = findings_of(kms_bucket_writers, planted(prod, key, **denied))
    assert finding.startswith("workloads-api writes") and finding.endswith(
        "kms:Decrypt on storage-uploads-key: explicit deny"
    )
