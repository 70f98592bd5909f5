"""The alarm topic: where every alarm, the database's events and the backup vault's notifications go, and who
hears them (email addresses and an incident tool from `sentinel:monitoring`).

Its own component, built before the tiers that publish to it: the database, the backups and the alarms
(components/monitoring.py) each take it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.base import Component, Platform, iam_document
from components.config import MonitoringConfig
from components.kms import EncryptionKey, EncryptionKeyArgs, ServiceGrant

# The services that publish to the alarm topic, each with the resources of this stack it publishes for, as ARN
# patterns of the source its requests name (aws:SourceArn). ElastiCache is not among them: it cannot publish to an
# encrypted topic (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/ElastiCacheSNS.html), so the cache's
# failures reach the topic through its per-node alarms (components/alarm_catalogue.py) instead.
PUBLISHERS: dict[str, Callable[[Platform], list[str]]] = {
    # The alarms, all named <prefix>-<alarm> (components/monitoring.py).
    "cloudwatch.amazonaws.com": lambda p: [f"arn:aws:cloudwatch:{p.region}:{p.account_id}:alarm:{p.name_prefix}-*"],
    # The database's event subscriptions: its cluster, and its instances, whose identifiers are generated.
    # https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_Events.GrantingPermissions.html
    "events.rds.amazonaws.com": lambda p: [
        f"arn:aws:rds:{p.region}:{p.account_id}:cluster:{p.name_prefix}-*",
        f"arn:aws:rds:{p.region}:{p.account_id}:db:*",
    ],
    # The home vault's notifications; vault names are generated, and no other vault of the account notifies here.
    "backup.amazonaws.com": lambda p: [f"arn:aws:backup:{p.region}:{p.account_id}:backup-vault:*"],
}
# What a publisher needs of the key of an encrypted topic; the key policy holds it, like the topic policy, to the
# source account and resources, and to this stack's alarm topics by the encryption context SNS names the topic in.
# https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
PUBLISH_TO_ENCRYPTED_TOPIC = ("kms:Decrypt", "kms:GenerateDataKey*")


@dataclass(frozen=True, kw_only=True)
class AlarmTopicArgs:
    config: MonitoringConfig


class AlarmTopic(Component):
    arn: pulumi.Output[str]

    def __init__(
        self, name: str, platform: Platform, args: AlarmTopicArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, platform, opts)
        key = EncryptionKey(
            name,
            platform,
            EncryptionKeyArgs(
                description=f"Alarm and event notifications of {platform.name_prefix}",
                purpose="alarms",
                # The publishers encrypt with the key when they publish, for this stack's alarm topics only (SNS
                # names the topic in the encryption context); whether they may publish at all is the topic policy's
                # decision, under the same source conditions.
                grants=[
                    ServiceGrant(
                        service=service,
                        actions=PUBLISH_TO_ENCRYPTED_TOPIC,
                        condition={
                            **self._from_this_stack(service),
                            "StringLike": {"kms:EncryptionContext:aws:sns:topicArn": self._topic_arn_pattern()},
                        },
                    )
                    for service in PUBLISHERS
                ],
            ),
            opts=self.child(),
        )
        topic = aws.sns.Topic(
            name,
            name_prefix=self._topic_name_prefix(),
            kms_master_key_id=key.arn,
            tags={"Name": platform.name("alarms")},
            opts=self.child(),
        )
        policy = aws.sns.TopicPolicy(name, arn=topic.arn, policy=self._topic_policy(topic.arn), opts=self.child())
        for index, email in enumerate(args.config.emails):
            aws.sns.TopicSubscription(
                f"{name}-email-{index}", topic=topic.arn, protocol="email", endpoint=email, opts=self.child()
            )
        if args.config.incident_endpoint is not None:
            aws.sns.TopicSubscription(
                f"{name}-incidents",
                topic=topic.arn,
                protocol="https",
                endpoint=args.config.incident_endpoint.output,
                # Incident tools (PagerDuty, Opsgenie) confirm SNS subscriptions themselves.
                endpoint_auto_confirms=True,
                opts=self.child(),
            )
        # Taken from the policy, so that whatever publishes (alarms, event subscriptions, vault notifications) waits
        # until the policy admits it: RDS refuses an event subscription it may not publish to (SNSNoAuthorization).
        self.arn = policy.arn
        self.register_outputs({"arn": self.arn})

    def _topic_policy(self, topic_arn: pulumi.Output[str]) -> pulumi.Output[str]:
        account = self.platform.account_id
        statements: list[dict[str, Any]] = [
            {
                # Replacing the default policy must not take the topic away from its own account's administrators.
                "Sid": "AccountAdministration",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                "Action": [
                    "sns:GetTopicAttributes",
                    "sns:SetTopicAttributes",
                    "sns:AddPermission",
                    "sns:RemovePermission",
                    "sns:DeleteTopic",
                    "sns:Subscribe",
                    "sns:ListSubscriptionsByTopic",
                ],
                "Resource": topic_arn,
            }
        ]
        statements += [
            {
                "Sid": "Publish" + service.split(".amazonaws.com")[0].replace(".", " ").title().replace(" ", ""),
                "Effect": "Allow",
                "Principal": {"Service": service},
                "Action": "sns:Publish",
                "Resource": topic_arn,
                # Only this account's alarms, databases and vaults: no other account can use the service to
                # publish here (confused deputy).
                "Condition": self._from_this_stack(service),
            }
            for service in PUBLISHERS
        ]
        return iam_document(statements)

    def _from_this_stack(self, service: str) -> dict[str, Any]:
        """The conditions under which `service` acts for this stack: a request from this account, on behalf of one
        of the resources of this stack it publishes for."""
        return {
            "StringEquals": {"aws:SourceAccount": self.platform.account_id},
            "ArnLike": {"aws:SourceArn": PUBLISHERS[service](self.platform)},
        }

    def _topic_name_prefix(self) -> str:
        return self.platform.name("alarms-")

    def _topic_arn_pattern(self) -> str:
        """The ARN of any alarm topic of this stack: the key exists before the topic, whose name is generated."""
        platform = self.platform
        return f"arn:aws:sns:{platform.region}:{platform.account_id}:{self._topic_name_prefix()}*"
