"""The deploy path to the private EKS API endpoint (design D16): a CodeBuild project that serves as a self-hosted
GitHub Actions runner in the stack's private subnets.

GitHub-hosted runners cannot reach a private endpoint, and opening the endpoint to CI ranges would expose the API.
CodeBuild's managed runners start one build per queued workflow job whose `runs-on` names the project
(`codebuild-<project>-<run id>-<attempt>`); the build registers itself as the job's runner, runs it inside the VPC
under the `deployrunner` security group, which the control plane admits on 443, and ends with it. The job still
assumes the deploy role through GitHub's OIDC token: the project's own role may only run the build (network
interfaces in these subnets, its log group, the GitHub connection).

The runner cannot run the job that creates it: `python -m offline.targets <stack> --bootstrap` lists what it
stands on, and the deploy workflow applies those first from a GitHub-hosted runner (docs/bootstrap.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.base import Component, Platform, iam_document, service_trust
from components.config.deploy_runner import DeployRunnerConfig
from components.interfaces import Vpc
from components.kms import log_group_with_own_key

CODEBUILD = "codebuild.amazonaws.com"
# Ubuntu 22.04 with the AWS CLI, which actions/setup-python supports.
# https://docs.aws.amazon.com/codebuild/latest/userguide/build-env-ref-available.html
RUNNER_IMAGE = "aws/codebuild/standard:7.0"
# A build lives as long as its job: longer than the longest job timeout of the workflows that run on it (60 min).
BUILD_TIMEOUT_MINUTES = 90
# Network interfaces CodeBuild creates and removes in the subnets for each build; the Describe calls accept no
# resource scope.
# https://docs.aws.amazon.com/codebuild/latest/userguide/auth-and-access-control-iam-identity-based-access-control.html#customer-managed-policies-example-create-vpc-network-interface
VPC_BUILD_ACTIONS = (
    "ec2:CreateNetworkInterface",
    "ec2:DescribeDhcpOptions",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DeleteNetworkInterface",
    "ec2:DescribeSubnets",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeVpcs",
)


def runner_label(project_name: str) -> str:
    """The `runs-on` label prefix of a job for this runner; the workflows append `-<run id>-<run attempt>`."""
    return f"codebuild-{project_name}"


@dataclass(frozen=True, kw_only=True)
class DeployRunnerArgs:
    config: DeployRunnerConfig
    network: Vpc
    """Builds run in its private subnets."""
    security_group_id: pulumi.Input[str]
    """The `deployrunner` group: HTTPS out, nothing in; the control plane admits it on 443."""


class DeployRunner(Component):
    project_name: str

    def __init__(
        self, name: str, platform: Platform, args: DeployRunnerArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, platform, opts)
        config = args.config
        if config.repository_url is None or config.connection_arn is None:
            raise ValueError("an enabled deploy runner needs repositoryUrl and connectionArn (config validates them)")
        # Fixed name: every job that runs here names the project in its `runs-on` label.
        self.project_name = platform.name("deploy-runner")
        log_group_name = f"/aws/codebuild/{self.project_name}"

        log_group = log_group_with_own_key(
            self,
            f"{name}-builds",
            log_group_name,
            config.log_retention_days,
            key_name=f"{name}-logs",
            key_description=f"Build logs of the deploy runner {self.project_name}",
            key_purpose="deploy-runner-logs",
        )

        role = self.role(name, "deploy-runner", service_trust(CODEBUILD, platform.account_id))
        policy = aws.iam.RolePolicy(
            name,
            role=role.id,
            policy=iam_document(self._permissions(args, log_group_name)),
            opts=self.child(),
        )

        project = aws.codebuild.Project(
            name,
            name=self.project_name,
            description=f"GitHub Actions runner of the deploy and preview jobs of {platform.name_prefix}, in its VPC",
            service_role=role.arn,
            source=aws.codebuild.ProjectSourceArgs(
                type="GITHUB",
                location=config.repository_url,
                auth=aws.codebuild.ProjectSourceAuthArgs(type="CODECONNECTIONS", resource=config.connection_arn),
            ),
            # The job's own steps do the work; a runner build produces nothing to keep.
            artifacts=aws.codebuild.ProjectArtifactsArgs(type="NO_ARTIFACTS"),
            environment=aws.codebuild.ProjectEnvironmentArgs(
                type="LINUX_CONTAINER",
                compute_type=config.compute_type,
                image=RUNNER_IMAGE,
                image_pull_credentials_type="CODEBUILD",
            ),
            vpc_config=aws.codebuild.ProjectVpcConfigArgs(
                vpc_id=args.network.vpc_id,
                subnets=list(args.network.subnet_ids["private"]),
                security_group_ids=[args.security_group_id],
            ),
            logs_config=aws.codebuild.ProjectLogsConfigArgs(
                cloudwatch_logs=aws.codebuild.ProjectLogsConfigCloudwatchLogsArgs(
                    status="ENABLED", group_name=log_group.name
                ),
            ),
            build_timeout=BUILD_TIMEOUT_MINUTES,
            tags={"Name": self.project_name},
            # CodeBuild checks at creation that the role may manage the build's network interfaces.
            opts=self.child(depends_on=[policy]),
        )
        aws.codebuild.Webhook(
            name,
            project_name=project.name,
            build_type="BUILD",
            # A build per queued workflow job; CodeBuild takes only the jobs whose `runs-on` names this project.
            filter_groups=[
                aws.codebuild.WebhookFilterGroupArgs(
                    filters=[aws.codebuild.WebhookFilterGroupFilterArgs(type="EVENT", pattern="WORKFLOW_JOB_QUEUED")]
                )
            ],
            opts=self.child(),
        )
        self.register_outputs({"projectName": self.project_name})

    def _permissions(self, args: DeployRunnerArgs, log_group_name: str) -> list[dict[str, object]]:
        platform = self.platform
        connections = args.config.connection_service
        return [
            {
                "Sid": "BuildLogs",
                "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": f"{self.log_group_arn(log_group_name)}:*",
            },
            {"Sid": "BuildNetworkInterfaces", "Effect": "Allow", "Action": list(VPC_BUILD_ACTIONS), "Resource": "*"},
            {
                "Sid": "AttachInterfacesInThePrivateSubnets",
                "Effect": "Allow",
                "Action": "ec2:CreateNetworkInterfacePermission",
                "Resource": f"arn:aws:ec2:{platform.region}:{platform.account_id}:network-interface/*",
                "Condition": {
                    "StringEquals": {
                        "ec2:AuthorizedService": CODEBUILD,
                        "ec2:Subnet": [
                            pulumi.Output.concat(
                                f"arn:aws:ec2:{platform.region}:{platform.account_id}:subnet/", subnet_id
                            )
                            for subnet_id in args.network.subnet_ids["private"]
                        ],
                    }
                },
            },
            {
                # The action prefix must match the connection ARN's service (codeconnections or codestar-connections).
                "Sid": "GitHubConnection",
                "Effect": "Allow",
                "Action": [f"{connections}:GetConnectionToken", f"{connections}:GetConnection"],
                "Resource": args.config.connection_arn,
            },
        ]
