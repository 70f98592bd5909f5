"""The alarm topic: every alarm, the database's event subscriptions and the backup vault's notifications publish
to it as services that its policy and its key's policy admit, from the moment the publisher exists
(tests/service_grant_checks.py says how)."""

from __future__ import annotations

from offline.graph import Graph, Resource
from tests.iam_evaluation import Principal, Request, resource_policy_decision
from tests.service_grant_checks import (
    EVENT_SUBSCRIPTION,
    KEY,
    METRIC_ALARM,
    TOPIC,
    TOPIC_POLICY,
    VAULT_NOTIFICATIONS,
    Report,
    account_of,
    edited_document,
    find,
    findings_of,
    holds_on_every_stack,
    planted,
    policy_of,
    statement,
    without_dependency,
)

# What a publisher needs of an encrypted topic's key (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html).
TOPIC_KEY_ACTIONS = ("kms:GenerateDataKey", "kms:Decrypt")


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
            # SNS names the topic in the encryption context of the data keys it asks for
            # (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html).
            encryption = {**context, "kms:EncryptionContext:aws:sns:topicArn": topic_arn}
            for action in TOPIC_KEY_ACTIONS:
                request = Request(principal, action, key.outputs["arn"], encryption)
                report.expect(
                    resource_policy_decision(policy_of(key), request),
                    {"allow"},
                    f"{publisher.name}: the policy of {key.name} for {service} {action}",
                )
    return report


test_every_publisher_may_publish_and_encrypt_from_the_start = holds_on_every_stack(topic_publishing)


def test_the_alarms_the_database_events_and_the_backups_publish(prod: Graph) -> None:
    [topic] = prod.of_type(TOPIC)
    services = {service for _, service, _ in topic_publishers(prod, topic.outputs["arn"])}
    assert services == {"cloudwatch.amazonaws.com", "events.rds.amazonaws.com", "backup.amazonaws.com"}


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
