"""Writers of SSE-KMS buckets (issue 15, item 6): whoever may write objects to an SSE-KMS bucket may also use its
key as S3 does when it stores them: a single PUT needs kms:GenerateDataKey, a multipart upload (`aws s3 cp` over
8 MB) kms:Decrypt as well (https://repost.aws/knowledge-center/s3-large-file-encryption-kms-key).
tests/service_grant_checks.py says how the checks run."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from offline.graph import Graph, Resource
from tests.iam_evaluation import Principal, Request, identity_policy_decision, kms_decision
from tests.service_grant_checks import (
    BUCKET_ENCRYPTION,
    KEY,
    ROLE,
    ROLE_POLICY,
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

# What S3 does with a bucket's key for a writer: a PUT, and the parts of a multipart upload.
S3_WRITER_KEY_ACTIONS = ("kms:GenerateDataKey", "kms:Decrypt")


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


test_every_bucket_writer_may_use_the_buckets_key = holds_on_every_stack(kms_bucket_writers)


def test_the_roles_writing_the_uploads_and_the_backups_are_checked(prod: Graph) -> None:
    assert {line.split(" -> ")[1].rsplit("-", 1)[1] for line in kms_bucket_writers(prod).checked} == {
        "uploads",
        "backups",
    }


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
