"""The deploy runner (design D16): the CodeBuild project that hosts the GitHub Actions runner in the VPC, and
the webhook that starts it for each queued workflow job."""

from __future__ import annotations

from typing import Any

from policies.rules.deploy_constraints.allowed import Allowed, among, at_most_items, between, characters, length
from policies.rules.deploy_constraints.kinds import Constraints, Tags, Value
from policies.rules.deploy_constraints.sources import (
    CLOUDWATCH_LOGS_CONFIG,
    CODEBUILD_VPC_CONFIG,
    CREATE_PROJECT,
    CREATE_WEBHOOK,
    PROJECT_ARTIFACTS,
    PROJECT_SOURCE,
    SOURCE_AUTH,
    WEBHOOK_FILTER,
)
from policies.support.aws import CODEBUILD_PROJECT, CODEBUILD_WEBHOOK
from policies.support.values import elements, field, is_unknown


def with_event_filter() -> Allowed:
    """A webhook filter group CodeBuild accepts: one of its filters names the events it reacts to."""

    def accepts(group: Any) -> bool:
        filters = field(group, "filters")
        types = [field(item, "type") for item in elements(filters)] if not is_unknown(filters) else []
        return is_unknown(filters) or any(is_unknown(kind) or kind == "EVENT" for kind in types)

    return Allowed(accepts, "filter groups with an EVENT filter")


CONSTRAINTS: Constraints = {
    CODEBUILD_PROJECT: (
        Value("name", length(150, minimum=2), CREATE_PROJECT),
        Value(
            "name",
            characters(r"[A-Za-z0-9][A-Za-z0-9\-_]*", "letters, digits, - and _, first a letter or digit"),
            CREATE_PROJECT,
        ),
        Value("description", length(255, minimum=0), CREATE_PROJECT),
        Value("buildTimeout", between(5, 2160), CREATE_PROJECT),
        Value("queuedTimeout", between(5, 480), CREATE_PROJECT),
        Value(
            "source.type",
            among(
                "BITBUCKET",
                "CODECOMMIT",
                "CODEPIPELINE",
                "GITHUB",
                "GITHUB_ENTERPRISE",
                "GITLAB",
                "GITLAB_SELF_MANAGED",
                "NO_SOURCE",
                "S3",
            ),
            PROJECT_SOURCE,
        ),
        Value("source.auth.type", among("OAUTH", "CODECONNECTIONS", "SECRETS_MANAGER"), SOURCE_AUTH),
        Value("artifacts.type", among("CODEPIPELINE", "S3", "NO_ARTIFACTS"), PROJECT_ARTIFACTS),
        Value(
            "environment.type",
            among(
                "LINUX_CONTAINER",
                "LINUX_GPU_CONTAINER",
                "ARM_CONTAINER",
                "WINDOWS_CONTAINER",
                "WINDOWS_SERVER_2019_CONTAINER",
                "WINDOWS_SERVER_2022_CONTAINER",
                "LINUX_LAMBDA_CONTAINER",
                "ARM_LAMBDA_CONTAINER",
                "LINUX_EC2",
                "ARM_EC2",
                "WINDOWS_EC2",
                "MAC_ARM",
            ),
            "pulumi_aws/codebuild/_inputs.py (type)",
        ),
        Value(
            "environment.computeType",
            among(
                "BUILD_GENERAL1_SMALL",
                "BUILD_GENERAL1_MEDIUM",
                "BUILD_GENERAL1_LARGE",
                "BUILD_GENERAL1_XLARGE",
                "BUILD_GENERAL1_2XLARGE",
                "BUILD_LAMBDA_1GB",
                "BUILD_LAMBDA_2GB",
                "BUILD_LAMBDA_4GB",
                "BUILD_LAMBDA_8GB",
                "BUILD_LAMBDA_10GB",
            ),
            "pulumi_aws/codebuild/_inputs.py (compute_type)",
        ),
        Value(
            "environment.imagePullCredentialsType",
            among("CODEBUILD", "SERVICE_ROLE"),
            "pulumi_aws/codebuild/_inputs.py (image_pull_credentials_type)",
        ),
        Value("vpcConfig.subnets", at_most_items(16), CODEBUILD_VPC_CONFIG),
        Value("vpcConfig.securityGroupIds", at_most_items(5), CODEBUILD_VPC_CONFIG),
        Value("logsConfig.cloudwatchLogs.status", among("ENABLED", "DISABLED"), CLOUDWATCH_LOGS_CONFIG),
        Tags(),
    ),
    CODEBUILD_WEBHOOK: (
        Value("projectName", length(255, minimum=2), CREATE_WEBHOOK),
        Value("buildType", among("BUILD", "BUILD_BATCH", "RUNNER_BUILDKITE_BUILD"), CREATE_WEBHOOK),
        Value("filterGroups[]", with_event_filter(), CREATE_WEBHOOK),
        Value(
            "filterGroups[].filters[].type",
            among(
                "EVENT",
                "BASE_REF",
                "HEAD_REF",
                "ACTOR_ACCOUNT_ID",
                "FILE_PATH",
                "COMMIT_MESSAGE",
                "WORKFLOW_NAME",
                "TAG_NAME",
                "RELEASE_NAME",
                "REPOSITORY_NAME",
                "ORGANIZATION_NAME",
            ),
            WEBHOOK_FILTER,
        ),
    ),
}
