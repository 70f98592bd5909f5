"""Grants no wider than the job (issue 18, item 5), evaluated by tests/iam_evaluation.py over every stack: each check
fails on a graph copy with the grant widened (tests/service_grant_checks.py says how the checks run).

- The EKS cluster role may do with the secrets key exactly what the control plane does with it, on that key only.
- Every AWS service a key or topic policy admits acts there for this account's resources only: a request on behalf
  of another account's resource (the confused deputy) is refused.
- No principal but the stack's break-glass role may disable a key or schedule its deletion; the account's
  administrators keep every other right.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from components.cluster import SECRETS_KEY_ACTIONS
from offline.graph import Graph, Resource
from tests.helpers import load
from tests.iam_evaluation import Principal, Request, identity_policy_decision, kms_decision, resource_policy_decision
from tests.service_grant_checks import (
    EKS_CLUSTER,
    KEY,
    ROLE,
    TOPIC_POLICY,
    Report,
    account_of,
    edited_document,
    find,
    findings_of,
    holds_on_every_stack,
    planted,
    policy_of,
    role_documents,
    statement,
)

# Every action of AWS KMS (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html).
KMS_ACTIONS = tuple(
    f"kms:{action}"
    for action in (
        "CancelKeyDeletion",
        "ConnectCustomKeyStore",
        "CreateAlias",
        "CreateCustomKeyStore",
        "CreateGrant",
        "CreateKey",
        "Decrypt",
        "DeleteAlias",
        "DeleteCustomKeyStore",
        "DeleteImportedKeyMaterial",
        "DeriveSharedSecret",
        "DescribeCustomKeyStores",
        "DescribeKey",
        "DisableKey",
        "DisableKeyRotation",
        "DisconnectCustomKeyStore",
        "EnableKey",
        "EnableKeyRotation",
        "Encrypt",
        "GenerateDataKey",
        "GenerateDataKeyPair",
        "GenerateDataKeyPairWithoutPlaintext",
        "GenerateDataKeyWithoutPlaintext",
        "GenerateMac",
        "GenerateRandom",
        "GetKeyPolicy",
        "GetKeyRotationStatus",
        "GetParametersForImport",
        "GetPublicKey",
        "ImportKeyMaterial",
        "ListAliases",
        "ListGrants",
        "ListKeyPolicies",
        "ListKeyRotations",
        "ListKeys",
        "ListResourceTags",
        "ListRetirableGrants",
        "PutKeyPolicy",
        "ReEncryptFrom",
        "ReEncryptTo",
        "ReplicateKey",
        "RetireGrant",
        "RevokeGrant",
        "RotateKeyOnDemand",
        "ScheduleKeyDeletion",
        "Sign",
        "SynchronizeMultiRegionKey",
        "TagResource",
        "UntagResource",
        "UpdateAlias",
        "UpdateCustomKeyStore",
        "UpdateKeyDescription",
        "UpdatePrimaryRegion",
        "Verify",
        "VerifyMac",
    )
)
ANOTHER_ACCOUNT = "999999999999"
KEY_DESTRUCTION = ("kms:ScheduleKeyDeletion", "kms:DisableKey")
# What the account's administrators still do with every key: change its policy, re-enable it, cancel a deletion.
ADMINISTRATION = ("kms:PutKeyPolicy", "kms:EnableKey", "kms:CancelKeyDeletion", "kms:TagResource")
# An identity policy that allows a role everything, as an administrator's does.
EVERYTHING = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


# --- The EKS cluster role ------------------------------------------------------------------------------------------


def eks_cluster_role_key_use(graph: Graph) -> Report:
    """Of all KMS actions, the cluster role's policies allow exactly what the control plane does with the secrets
    key, and on that key alone."""
    report = Report()
    for cluster in graph.of_type(EKS_CLUSTER):
        role = find(graph, ROLE, arn=cluster.inputs["roleArn"])
        key_arn = cluster.inputs["encryptionConfig"]["provider"]["keyArn"]
        if role is None:
            report.findings.append(f"{cluster.name}: its role is not in the stack")
            continue
        report.checked.append(role.name)
        documents = [policy_of(document) for document in role_documents(graph, role)]
        principal = Principal.of_arn(role.outputs["arn"])
        other_key = f"{key_arn.rsplit('/', 1)[0]}/another-key"
        for resource, wanted in ((key_arn, set(SECRETS_KEY_ACTIONS)), (other_key, set())):
            allowed = {
                action
                for action in KMS_ACTIONS
                if identity_policy_decision(documents, Request(principal, action, resource)) == "allow"
            }
            if allowed != wanted:
                report.findings.append(f"{role.name} may {', '.join(sorted(allowed ^ wanted))} on {resource}")
    return report


# --- Service principals, held to this account ----------------------------------------------------------------------


def _service_statements(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [s for s in document["Statement"] if s["Effect"] == "Allow" and "Service" in s.get("Principal", {})]


def _values(element: Any) -> list[str]:
    return element if isinstance(element, list) else [element]


def _foreign_context(service: str, region: str) -> dict[str, str]:
    """A request of `service` on behalf of another account's resource: every source key it may carry names that
    account."""
    return {
        "aws:SourceAccount": ANOTHER_ACCOUNT,
        "aws:SourceArn": f"arn:aws:{service.partition('.')[0]}:{region}:{ANOTHER_ACCOUNT}:resource/any",
        "kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{region}:{ANOTHER_ACCOUNT}:log-group:any",
        "kms:EncryptionContext:aws:sns:topicArn": f"arn:aws:sns:{region}:{ANOTHER_ACCOUNT}:any",
    }


def service_principals_of_this_account(graph: Graph) -> Report:
    """No service admitted by a key or topic policy may act there for another account's resource."""
    report, account = Report(), account_of(graph)
    policies = [(key, key.outputs["arn"]) for key in graph.of_type(KEY)]
    policies += [(policy, policy.inputs["arn"]) for policy in graph.of_type(TOPIC_POLICY)]
    for holder, resource in policies:
        document = json.loads(policy_of(holder))
        for granted in _service_statements(document):
            for service in _values(granted["Principal"]["Service"]):
                report.checked.append(f"{holder.name}: {service}")
                context = _foreign_context(service, account.region)
                for action in _values(granted["Action"]):
                    # A wildcard's prefix (kms:GenerateDataKey for kms:GenerateDataKey*) is one of the actions it names.
                    request = Request(Principal.of_service(service), action.replace("*", ""), resource, context)
                    report.expect(
                        resource_policy_decision(document, request),
                        {"implicit deny", "explicit deny"},
                        f"{holder.name} lets {service} {request.action} for account {ANOTHER_ACCOUNT}",
                    )
    return report


# --- Key destruction -----------------------------------------------------------------------------------------------


def key_destruction_by_break_glass_only(graph: Graph) -> Report:
    """Whatever their IAM policies allow, the account root, the deploy role and any other administrator are refused
    the disabling and deletion of every key; the break-glass role is not, and administrators keep the rest."""
    report, account = Report(), account_of(graph)
    config = load(graph.stack)
    break_glass = config.backup.break_glass_role_arn
    others = {
        "the account root": Principal.account_root(account.id).arn,
        "the deploy role": config.cluster.deploy_role_arn,
        "an administrator": f"arn:aws:iam::{account.id}:role/platform-admin",
    }
    others = {who: arn for who, arn in others.items() if arn != break_glass}
    for key in graph.of_type(KEY):
        report.checked.append(key.name)
        policy = policy_of(key)

        def decision(arn: str, action: str, *, key: Resource = key, policy: str = policy) -> str:
            return kms_decision(policy, [EVERYTHING], Request(Principal.of_arn(arn), action, key.outputs["arn"]))

        for action in KEY_DESTRUCTION:
            report.expect(decision(break_glass, action), {"allow"}, f"{key.name}: the break-glass role {action}")
            for who, arn in others.items():
                report.expect(decision(arn, action), {"explicit deny"}, f"{key.name}: {who} {action}")
        for action in ADMINISTRATION:
            for who, arn in others.items():
                report.expect(decision(arn, action), {"allow"}, f"{key.name}: {who} {action}")
    return report


test_every_grant_is_no_wider_than_its_job = holds_on_every_stack(
    eks_cluster_role_key_use, service_principals_of_this_account, key_destruction_by_break_glass_only
)


# --- Each check finds a widened grant ------------------------------------------------------------------------------


def test_a_cluster_role_that_may_re_encrypt_or_use_any_key_is_found(prod: Graph) -> None:
    [cluster] = prod.of_type(EKS_CLUSTER)
    role = find(prod, ROLE, arn=cluster.inputs["roleArn"])
    assert role is not None
    [policy] = [p for p in role_documents(prod, role) if "kms:" in p.inputs["policy"]]
    re_encrypt = edited_document(policy, lambda d: d["Statement"][0]["Action"].append("kms:ReEncrypt*"))
    [finding] = findings_of(eks_cluster_role_key_use, planted(prod, policy, **re_encrypt))
    assert finding.startswith(f"{role.name} may kms:ReEncryptFrom, kms:ReEncryptTo on arn:aws:kms:")
    any_key = edited_document(policy, lambda d: d["Statement"][0].update(Resource="*"))
    [finding] = findings_of(eks_cluster_role_key_use, planted(prod, policy, **any_key))
    assert finding.endswith("/another-key")
    assert "kms:Decrypt, kms:DescribeKey, kms:Encrypt, kms:ListGrants" in finding


def test_a_service_grant_without_its_source_conditions_is_found(prod: Graph) -> None:
    key = prod.named(KEY, "alarms")
    unconditioned = edited_document(key, lambda d: statement(d, "ServiceBackupAmazonawsCom").pop("Condition"))
    assert findings_of(service_principals_of_this_account, planted(prod, key, **unconditioned)) == [
        f"alarms lets backup.amazonaws.com {action} for account {ANOTHER_ACCOUNT}: allow"
        for action in ("kms:Decrypt", "kms:GenerateDataKey")
    ]
    [topic_policy] = prod.of_type(TOPIC_POLICY)
    account_only = edited_document(topic_policy, lambda d: statement(d, "PublishCloudwatch")["Condition"].clear())
    assert findings_of(service_principals_of_this_account, planted(prod, topic_policy, **account_only)) == [
        f"alarms lets cloudwatch.amazonaws.com sns:Publish for account {ANOTHER_ACCOUNT}: allow"
    ]
    logs_key = prod.named(KEY, "network-flow-logs")
    any_group = edited_document(
        logs_key,
        lambda d: statement(d, "ServiceLogsUsEast1AmazonawsCom")["Condition"]["ArnEquals"].update(
            {"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-east-1:*:log-group:*"}
        ),
    )
    findings = findings_of(service_principals_of_this_account, planted(prod, logs_key, **any_group))
    assert findings and all(f.startswith("network-flow-logs lets logs.us-east-1.amazonaws.com") for f in findings)


def test_a_key_any_administrator_may_delete_or_that_locks_out_its_administrators_is_found(prod: Graph) -> None:
    key = prod.named(KEY, "backup-dr-key")
    guard = "KeyDestructionByBreakGlassOnly"
    unguarded = edited_document(key, lambda d: d.update(Statement=[s for s in d["Statement"] if s.get("Sid") != guard]))
    findings = findings_of(key_destruction_by_break_glass_only, planted(prod, key, **unguarded))
    assert sorted(findings) == sorted(
        f"backup-dr-key: {who} {action}: allow"
        for who in ("the account root", "the deploy role", "an administrator")
        for action in KEY_DESTRUCTION
    )
    locked = edited_document(key, lambda d: statement(d, guard).update(Action="kms:*"))
    findings = findings_of(key_destruction_by_break_glass_only, planted(prod, key, **locked))
    assert "backup-dr-key: the deploy role kms:PutKeyPolicy: explicit deny" in findings
    wrong_role = edited_document(
        key,
        lambda d: statement(d, guard)["Condition"]["ArnNotEquals"].update(
            {"aws:PrincipalArn": "arn:aws:iam::111111111111:role/someone-else"}
        ),
    )
    assert findings_of(key_destruction_by_break_glass_only, planted(prod, key, **wrong_role)) == [
        f"backup-dr-key: the break-glass role {action}: explicit deny" for action in KEY_DESTRUCTION
    ]
