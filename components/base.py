"""Pieces every component uses: type tokens, child options, IAM documents and the tagged AWS provider."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
import pulumi_aws as aws

from components.config import StackConfig

PACKAGE = "sentinel"


def component_type(kind: str) -> str:
    """The type token of a Sentinel component, such as `sentinel:components:Network`."""
    return f"{PACKAGE}:components:{kind}"


def child(parent: pulumi.Resource, *, protect: bool = False, **options: Any) -> pulumi.ResourceOptions:
    """Options for a component's child: parented (so it inherits the component's providers) and, for
    stateful resources in prod, protected from deletion and replacement."""
    return pulumi.ResourceOptions(parent=parent, protect=protect, **options)


def iam_document(statements: Sequence[Mapping[str, Any]]) -> pulumi.Output[str]:
    """An IAM or resource policy document; statements may hold Outputs such as ARNs."""
    return pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": list(statements)})


def service_trust(service: str, account_id: str) -> pulumi.Output[str]:
    """A role trust policy for an AWS service, limited to this account to prevent confused-deputy use."""
    return iam_document(
        [
            {
                "Effect": "Allow",
                "Principal": {"Service": service},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
            }
        ]
    )


def required_tags(config: StackConfig, stack: str) -> dict[str, str]:
    """The tags every AWS resource carries, through the provider's default tags (design D10)."""
    return {
        **config.tags.extra,
        "Project": config.name,
        "Environment": config.environment,
        "Stack": stack,
        "Owner": config.tags.owner,
        "CostCenter": config.tags.cost_center,
        "ManagedBy": "pulumi",
    }


def aws_provider(config: StackConfig, stack: str) -> aws.Provider:
    """The one AWS provider every AWS resource uses: pinned to the stack's region and account, so a stack
    can never be applied to the wrong account, and tagging everything it creates."""
    return aws.Provider(
        "aws",
        region=config.region,
        allowed_account_ids=[config.account_id],
        default_tags=aws.ProviderDefaultTagsArgs(tags=required_tags(config, stack)),
    )
