"""Logs delivered to the log bucket: the ALB's access logs and every bucket's server access logs are written by a
service that the log bucket's policy admits at the exact key it writes, and that waits for that policy
(tests/service_grant_checks.py says how)."""

from __future__ import annotations

from components.storage import ELB_LOG_ACCOUNTS, ELB_LOG_DELIVERY_SERVICE
from offline.graph import Graph, Resource
from tests.iam_evaluation import Principal, Request, resource_policy_decision
from tests.service_grant_checks import (
    BUCKET,
    BUCKET_ENCRYPTION,
    BUCKET_LOGGING,
    BUCKET_POLICY,
    LOAD_BALANCER,
    Report,
    account_of,
    edited_document,
    find,
    findings_of,
    holds_on_every_stack,
    planted,
    policy_of,
    statement,
    with_inputs,
    without_dependency,
)

# A key of S3 server access logs: the target prefix, then `YYYY-mm-DD-HH-MM-SS-UniqueString`
# (https://docs.aws.amazon.com/AmazonS3/latest/userguide/LogFormat.html).
SERVER_ACCESS_LOG_OBJECT = "2025-01-31-05-00-00-0123456789ABCDEF"


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


test_every_log_delivery_is_granted_first_and_admits_the_service = holds_on_every_stack(
    load_balancer_logs, server_access_logs
)


def test_every_bucket_but_the_log_bucket_delivers_its_access_logs(prod: Graph) -> None:
    assert len(prod.of_type(BUCKET_LOGGING)) == len(prod.of_type(BUCKET)) - 1


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
