"""The operators' bastion (the seed's bastion_sg): one small instance in a private subnet, with no public address
and no SSH key, reached only through SSM Session Manager (shell, or port forwarding to the Kubernetes API and
the database)."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.base import Component, Platform, hardened_launch_template, service_trust
from components.config.bastion import BastionConfig
from components.interfaces import Vpc
from facts.instance_classes import Architecture

# AWS's public parameters naming the current Amazon Linux 2023 image of each architecture.
# https://docs.aws.amazon.com/linux/al2023/ug/ec2.html (the SSM parameters)
AL2023_IMAGE_PARAMETERS = {
    Architecture.X86_64: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
    Architecture.ARM64: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64",
}


@dataclass(frozen=True, kw_only=True)
class BastionArgs:
    config: BastionConfig
    network: Vpc
    """The bastion runs in its first private subnet."""
    security_group_id: pulumi.Input[str]


class Bastion(Component):
    instance_id: pulumi.Output[str]

    def __init__(
        self, name: str, platform: Platform, args: BastionArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, platform, opts)
        config = args.config
        # EC2 passes no source account when it assumes an instance profile's role.
        role = self.role(name, "bastion", service_trust("ec2.amazonaws.com", None))
        # Session Manager only: the bastion itself may call no other AWS API.
        self.attach_managed_policy(name, role, "AmazonSSMManagedInstanceCore", "ssm")
        profile = aws.iam.InstanceProfile(
            name,
            name_prefix=platform.name("bastion-"),
            role=role.name,
            tags={"Name": platform.name("bastion")},
            opts=self.child(),
        )
        template = hardened_launch_template(
            self,
            name,
            purpose="bastion",
            description=f"Operators' bastion of {platform.name_prefix}, reached through SSM Session Manager",
            security_group_ids=[args.security_group_id],
            root_volume_gib=config.root_volume_gib,
            # Resolved by EC2 at launch: a preview needs no image look-up, and a new image does not replace the
            # running bastion (it takes the new image when next replaced).
            image_id=f"resolve:ssm:{AL2023_IMAGE_PARAMETERS[config.architecture]}",
            instance_type=config.instance_type,
            iam_instance_profile=aws.ec2.LaunchTemplateIamInstanceProfileArgs(arn=profile.arn),
        )
        instance = aws.ec2.Instance(
            name,
            launch_template=aws.ec2.InstanceLaunchTemplateArgs(
                id=template.id, version=template.latest_version.apply(str)
            ),
            # No public address: the private subnet assigns none. Not `associate_public_ip_address`: with it the
            # provider sends a network interface beside the template's security groups, which EC2 refuses.
            subnet_id=args.network.subnet_ids["private"][0],
            tags={"Name": platform.name("bastion")},
            opts=self.child(),
        )
        self.instance_id = instance.id
        self.register_outputs({"instanceId": self.instance_id})
