"""Roles that services act with: the flow logs', the database's (enhanced monitoring, RDS Proxy), the EKS cluster's
and AWS Backup's roles hold what the service does with them, and the resource that makes the service act waits
for them (tests/service_grant_checks.py says how)."""

from __future__ import annotations

from offline.graph import Graph, Resource
from tests.iam_evaluation import Principal, Request, identity_policy_decision, kms_decision, resource_policy_decision
from tests.service_grant_checks import (
    ATTACHMENT,
    BACKUP_SELECTION,
    EKS_CLUSTER,
    FLOW_LOG,
    KEY,
    RDS_CLUSTER,
    RDS_INSTANCE,
    RDS_PROXY,
    ROLE,
    ROLE_POLICY,
    SECRET,
    VAULT,
    Report,
    account_of,
    edited_document,
    find,
    findings_of,
    holds_on_every_stack,
    log_group_arn,
    managed_policy_attachments,
    planted,
    policy_of,
    region_of_arn,
    role_documents,
    with_inputs,
    without_dependency,
)

# The AWS managed policies that carry a service role's permissions where the graph holds no document to evaluate:
# RDS enhanced monitoring (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_Monitoring.OS.Enabling.html)
# and AWS Backup (https://docs.aws.amazon.com/aws-backup/latest/devguide/iam-service-roles.html).
ENHANCED_MONITORING_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
BACKUP_POLICY = "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"
# What the EKS control plane does with the secrets key as the cluster role: envelope encryption
# (https://docs.aws.amazon.com/eks/latest/userguide/envelope-encryption.html), and the key's and its grants' health
# checks (terraform-aws-modules/terraform-aws-eks#1913). The grant EKS works through is created by CreateCluster's
# caller, the deploy role (https://docs.aws.amazon.com/eks/latest/userguide/enable-kms.html).
EKS_SECRETS_KEY_ACTIONS = ("kms:Encrypt", "kms:Decrypt", "kms:DescribeKey", "kms:ListGrants")
FLOW_LOG_STREAM = "eni-0123456789abcdef0-all"


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
            report.expect(
                identity_policy_decision(
                    documents, Request(principal, "secretsmanager:GetSecretValue", auth["secretArn"])
                ),
                {"allow"},
                f"{proxy.name}: secretsmanager:GetSecretValue on {auth['secretArn']}",
            )
            key = _secret_key(graph, auth["secretArn"])
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


def _secret_key(graph: Graph, secret_arn: str) -> Resource | None:
    """The key of a secret the stack makes, or of the master user's secret RDS makes for a cluster."""
    secret = find(graph, SECRET, arn=secret_arn)
    if secret is not None:
        return find(graph, KEY, arn=secret.inputs.get("kmsKeyId"))
    for cluster in graph.of_type(RDS_CLUSTER):
        if any(managed["secretArn"] == secret_arn for managed in cluster.outputs.get("masterUserSecrets") or []):
            return find(graph, KEY, arn=cluster.inputs.get("masterUserSecretKmsKeyId"))
    return None


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


test_every_service_role_is_granted_first_and_admits_what_the_service_does = holds_on_every_stack(
    flow_log_roles, database_roles, eks_secrets_keys, backup_vault_keys
)


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


def test_an_eks_role_without_list_grants_on_the_secrets_key_is_found(prod: Graph) -> None:
    [cluster] = prod.of_type(EKS_CLUSTER)
    role = find(prod, ROLE, arn=cluster.inputs["roleArn"])
    assert role is not None
    [policy] = [p for p in role_documents(prod, role) if "kms:" in p.inputs["policy"]]
    narrowed = edited_document(
        policy,
        lambda d: d["Statement"][0].update(Action=[a for a in d["Statement"][0]["Action"] if a != "kms:ListGrants"]),
    )
    [finding] = findings_of(eks_secrets_keys, planted(prod, policy, **narrowed))
    assert finding.endswith("kms:ListGrants on cluster-secrets: implicit deny")
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
