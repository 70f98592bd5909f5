"""What every component stands on: the `Platform` context, the `Component` base class with its child and
stateful options, IAM documents and the tagged, account-pinned AWS provider.

The component contract: a component is `Kind(name, platform, KindArgs(...), opts)`, where the args, given by
keyword, carry its own config section plus the other components it stands on, each taken through a protocol of
components/interfaces.py, and `platform` carries what every component needs to know about the stack. Children are
created with `opts=self.child()`, or `opts=self.stateful()` for a resource that holds data (protected where
`sentinel:protection.protectState` says, prod always).

The naming rule (design D14): AWS resources that AWS replaces when a setting changes get no fixed physical
name (Pulumi's auto-naming, or `name_prefix` where the provider offers it), so a replacement is created
before the old one is deleted; a fixed name is used only where something else must know it, with the reason
beside it. The readable name is always in the `Name` tag (`self.platform.name(...)`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pulumi
import pulumi_aws as aws
import pulumi_cloudflare as cloudflare
import pulumi_random as random

from components.config import Environment, Secret, StackConfig

PACKAGE = "sentinel"


@dataclass(frozen=True)
class Platform:
    """The stack as every component sees it, built once from the stack config."""

    name_prefix: str
    environment: Environment
    region: str
    account_id: str
    protect_stateful: bool
    """Pulumi's `protect` on stateful resources (`sentinel:protection.protectState`)."""
    keep_data_on_delete: bool
    """Deletion protection, final snapshots and kept automated backups on the data tier
    (`sentinel:protection.keepDataOnDelete`)."""
    cluster_name: str
    break_glass_role_arn: str
    """The one role that may disable a KMS key of the stack or schedule its deletion
    (`sentinel:backup.breakGlassRoleArn`)."""

    @classmethod
    def of(cls, config: StackConfig) -> Platform:
        return cls(
            name_prefix=config.name_prefix,
            environment=config.environment,
            region=config.region,
            account_id=config.account_id,
            # A bad diff must not be able to delete data (design D11): one explicit per-stack setting, required
            # in prod, rather than whatever the environment implies.
            protect_stateful=config.protection.protect_state,
            keep_data_on_delete=config.protection.keep_data_on_delete,
            # The one place the EKS cluster's name comes from: the subnets' discovery tags and the cluster
            # must agree on it.
            cluster_name=config.name_prefix,
            break_glass_role_arn=config.backup.break_glass_role_arn,
        )

    def name(self, *parts: str) -> str:
        """A readable physical name or `Name` tag: `sentinel-prod-flow-logs`."""
        return "-".join((self.name_prefix, *parts))


def component_type(kind: str) -> str:
    """The type token of a Sentinel component, such as `sentinel:components:Network`."""
    return f"{PACKAGE}:components:{kind}"


class Component(pulumi.ComponentResource):
    """A Sentinel component: typed as `sentinel:components:<class name>`, knowing its `Platform`."""

    def __init__(self, name: str, platform: Platform, opts: pulumi.ResourceOptions | None) -> None:
        super().__init__(component_type(type(self).__name__), name, None, opts)
        self.platform = platform

    def child(self, **options: Any) -> pulumi.ResourceOptions:
        """Options for a child: parented, so it inherits the component's providers and, unless it says
        otherwise, the protection the caller gave the component."""
        return pulumi.ResourceOptions(parent=self, **options)

    def stateful(self, **options: Any) -> pulumi.ResourceOptions:
        """Options for a child that holds data (a database, a cache, a bucket, a file system, a key): protected
        from deletion and replacement where the platform protects state, else as the caller chose."""
        return self.child(protect=True if self.platform.protect_stateful else None, **options)

    def final_snapshot_identifier(self, name: str, purpose: str) -> pulumi.Output[str] | None:
        """Where the stack keeps data on delete, the name of the snapshot AWS takes when a data store is deleted
        (None elsewhere: such stacks are torn down freely). A random suffix keeps it unique: AWS refuses a name
        that an earlier snapshot holds, as the snapshot of a replaced data store would."""
        if not self.platform.keep_data_on_delete:
            return None
        suffix = random.RandomId(f"{name}-final-snapshot", byte_length=4, opts=self.child())
        return pulumi.Output.concat(self.platform.name(purpose, "final-"), suffix.hex)

    def log_group(
        self, name: str, log_group_name: str, retention_days: int, key_arn: pulumi.Input[str], *, audit: bool = False
    ) -> aws.cloudwatch.LogGroup:
        """A log group created before the service that writes to it, so that the service does not create one
        that never expires and is not encrypted: encrypted with `key_arn` (whose policy must let CloudWatch
        Logs use it for `log_group_arn(log_group_name)`), events kept `retention_days`. An `audit` log group
        (control plane, flow logs, database) is stateful: protected where the platform protects state, so no
        diff deletes its events before their retention ends. Not `retain_on_delete`: protect already refuses every
        deletion until someone unprotects the group on purpose, and a group left behind would keep its fixed name
        (a rebuilt stack fails creating it) while its key, which is not retained, would leave its events
        unreadable once deleted."""
        return aws.cloudwatch.LogGroup(
            name,
            # Fixed name: the service writes to it by name, and the key policy names it before either exists.
            name=log_group_name,
            retention_in_days=retention_days,
            kms_key_id=key_arn,
            tags={"Name": self.platform.name(name)},
            opts=self.stateful() if audit else self.child(),
        )

    def role(self, resource_name: str, purpose: str, trust: pulumi.Input[str]) -> aws.iam.Role:
        """An IAM role that `trust` lets assume it, named by prefix (a replacement exists before the old role is
        deleted) and tagged with its readable name `<prefix>-<purpose>`."""
        return aws.iam.Role(
            resource_name,
            name_prefix=self.platform.name(f"{purpose}-"),
            assume_role_policy=trust,
            tags={"Name": self.platform.name(purpose)},
            opts=self.child(),
        )

    def attach_managed_policy(
        self, name: str, role: aws.iam.Role, policy: str, purpose: str | None = None
    ) -> aws.iam.RolePolicyAttachment:
        """Attaches the AWS managed policy `policy` (`path/name`, as AWS files it) to `role`, as the child named
        `<name>-<purpose>`, or `<name>-<the policy's name>` without one."""
        return aws.iam.RolePolicyAttachment(
            f"{name}-{purpose or policy.rsplit('/', 1)[-1]}",
            role=role.name,
            policy_arn=aws_managed_policy(policy),
            opts=self.child(),
        )

    def log_group_arn(self, log_group_name: str) -> str:
        return f"arn:aws:logs:{self.platform.region}:{self.platform.account_id}:log-group:{log_group_name}"


def hardened_launch_template(
    component: Component,
    resource_name: str,
    *,
    purpose: str,
    description: str,
    security_group_ids: Sequence[pulumi.Input[str]],
    root_volume_gib: int,
    **launch: Any,
) -> aws.ec2.LaunchTemplate:
    """A launch template with what every instance of the platform has: IMDSv2 only, with one hop (a pod, one
    hop further behind the node's network namespace, cannot reach the instance's credentials); an encrypted
    gp3 root volume that goes with the instance; detailed monitoring; and the readable name `purpose` on the
    template and on each instance, volume and network interface it launches. `launch` adds the rest (image,
    type, profile)."""
    readable_name = component.platform.name(purpose)
    return aws.ec2.LaunchTemplate(
        resource_name,
        name_prefix=f"{readable_name}-",
        description=description,
        vpc_security_group_ids=list(security_group_ids),
        metadata_options=aws.ec2.LaunchTemplateMetadataOptionsArgs(
            http_endpoint="enabled", http_tokens="required", http_put_response_hop_limit=1
        ),
        block_device_mappings=[
            aws.ec2.LaunchTemplateBlockDeviceMappingArgs(
                device_name="/dev/xvda",
                # The AWS managed EBS key: a customer key would need a policy admitting the Auto Scaling
                # service-linked role, or node groups fail to launch instances.
                ebs=aws.ec2.LaunchTemplateBlockDeviceMappingEbsArgs(
                    volume_size=root_volume_gib, volume_type="gp3", encrypted="true", delete_on_termination="true"
                ),
            )
        ],
        monitoring=aws.ec2.LaunchTemplateMonitoringArgs(enabled=True),
        tag_specifications=[
            aws.ec2.LaunchTemplateTagSpecificationArgs(
                resource_type=kind, tags={"Name": component.platform.name(purpose)}
            )
            for kind in ("instance", "volume", "network-interface")
        ],
        tags={"Name": readable_name},
        opts=component.child(),
        **launch,
    )


def aws_managed_policy(policy: str) -> str:
    """The ARN of the AWS managed policy `policy`, written `path/name` as AWS files it: the path is part of the ARN
    (`service-role/AmazonEFSCSIDriverPolicy`), and an attachment at the wrong one fails with NoSuchEntity."""
    return f"arn:aws:iam::aws:policy/{policy}"


def iam_document(statements: Sequence[Mapping[str, Any]]) -> pulumi.Output[str]:
    """An IAM or resource policy document; statements may hold Outputs such as ARNs."""
    return pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": list(statements)})


def secret_url(
    scheme: str, user: str, password: pulumi.Input[str], *, host: pulumi.Input[str], port: int, path: str = ""
) -> pulumi.Output[str]:
    """A connection URL that carries a password: secret, with the credentials percent-encoded."""
    return pulumi.Output.secret(
        pulumi.Output.all(password, host).apply(
            lambda parts: f"{scheme}://{quote(user, safe='')}:{quote(str(parts[0]), safe='')}@{parts[1]}:{port}{path}"
        )
    )


def service_trust(
    service: str, account_id: str | None, actions: Sequence[str] = ("sts:AssumeRole",)
) -> pulumi.Output[str]:
    """A role trust policy for an AWS service, limited to this account to prevent confused-deputy use. EC2
    assumes an instance profile's role without naming a source account, so its roles pass `account_id=None`
    (only instances of this account can be given the profile anyway)."""
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": {"Service": service}, "Action": list(actions)}
    if account_id is not None:
        statement["Condition"] = {"StringEquals": {"aws:SourceAccount": account_id}}
    return iam_document([statement])


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


def cloudflare_provider(api_token: Secret | None) -> cloudflare.Provider:
    """The one Cloudflare provider every Cloudflare resource uses (tier 11, the edge). Its token is the secret
    `cloudflare:apiToken`; without it the provider reads CLOUDFLARE_API_TOKEN from the deploy job's environment."""
    return cloudflare.Provider("cloudflare", api_token=api_token.output if api_token is not None else None)
