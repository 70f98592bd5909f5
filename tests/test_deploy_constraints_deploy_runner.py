"""Deploy constraints of the deploy runner (CodeBuild's project and webhook): the inputs the program sets pass, and each
constraint reports the value that breaks it."""

from __future__ import annotations

from typing import Any

from policies.rules.deploy_constraints import deploy_runner
from policies.support.aws import (
    CODEBUILD_PROJECT,
    CODEBUILD_WEBHOOK,
)
from tests.deploy_constraint_cases import constraint_case, untested_constraints
from tests.policy_builders import property_rule_tests

COMPLIANT: dict[str, dict[str, Any]] = {
    CODEBUILD_PROJECT: {
        "name": "sentinel-prod-deploy-runner",
        "description": "GitHub Actions runner of the deploy and preview jobs of sentinel-prod, in its VPC",
        "buildTimeout": 90,
        "queuedTimeout": 480,
        "source": {
            "type": "GITHUB",
            "location": "https://github.com/projectsentinel/platform",
            "auth": {"type": "CODECONNECTIONS", "resource": "arn:aws:codeconnections:us-east-1:1:connection/c"},
        },
        "artifacts": {"type": "NO_ARTIFACTS"},
        "environment": {
            "type": "LINUX_CONTAINER",
            "computeType": "BUILD_GENERAL1_MEDIUM",
            "image": "aws/codebuild/standard:7.0",
            "imagePullCredentialsType": "CODEBUILD",
        },
        "vpcConfig": {"vpcId": "vpc-1", "subnets": ["subnet-1", "subnet-2", "subnet-3"], "securityGroupIds": ["sg-1"]},
        "logsConfig": {"cloudwatchLogs": {"status": "ENABLED", "groupName": "/aws/codebuild/sentinel-prod"}},
        "tags": {"Name": "sentinel-prod-deploy-runner"},
    },
    CODEBUILD_WEBHOOK: {
        "projectName": "sentinel-prod-deploy-runner",
        "buildType": "BUILD",
        "filterGroups": [{"filters": [{"type": "EVENT", "pattern": "WORKFLOW_JOB_QUEUED"}]}],
    },
}

case = constraint_case(COMPLIANT)

# (resource type, the change that breaks its compliant inputs, the start of the message it then reports, id)
CASES = [
    case(CODEBUILD_PROJECT, {"name": "x"}, 'name is "x": AWS allows 2 to 150 characters', "project-name-length"),
    case(CODEBUILD_PROJECT, {"name": "-runner"}, 'name is "-runner": AWS allows letters, digits', "project-name"),
    case(CODEBUILD_PROJECT, {"description": "d" * 256}, "description is", "project-description"),
    case(CODEBUILD_PROJECT, {"buildTimeout": 2161}, "buildTimeout is 2161: AWS allows whole numbers", "build-timeout"),
    case(CODEBUILD_PROJECT, {"queuedTimeout": 4}, "queuedTimeout is 4: AWS allows whole numbers", "queued-timeout"),
    case(CODEBUILD_PROJECT, {"source": {"type": "GITHUB_APP"}}, 'source.type is "GITHUB_APP"', "source-type"),
    case(CODEBUILD_PROJECT, {"source": {"auth": {"type": "TOKEN"}}}, 'source.auth.type is "TOKEN"', "source-auth"),
    case(CODEBUILD_PROJECT, {"artifacts": {"type": "NONE"}}, 'artifacts.type is "NONE"', "artifacts-type"),
    case(CODEBUILD_PROJECT, {"environment": {"type": "LINUX"}}, 'environment.type is "LINUX"', "environment-type"),
    case(
        CODEBUILD_PROJECT,
        {"environment": {"computeType": "BUILD_GENERAL1_HUGE"}},
        'environment.computeType is "BUILD_GENERAL1_HUGE"',
        "compute-type",
    ),
    case(
        CODEBUILD_PROJECT,
        {"environment": {"imagePullCredentialsType": "ECR"}},
        'environment.imagePullCredentialsType is "ECR"',
        "image-pull-credentials",
    ),
    case(
        CODEBUILD_PROJECT,
        {"vpcConfig": {"subnets": [f"subnet-{index}" for index in range(17)]}},
        "vpcConfig.subnets is",
        "vpc-subnets",
    ),
    case(
        CODEBUILD_PROJECT,
        {"vpcConfig": {"securityGroupIds": [f"sg-{index}" for index in range(6)]}},
        "vpcConfig.securityGroupIds is",
        "vpc-groups",
    ),
    case(
        CODEBUILD_PROJECT,
        {"logsConfig": {"cloudwatchLogs": {"status": "ON"}}},
        'logsConfig.cloudwatchLogs.status is "ON"',
        "logs-status",
    ),
    case(CODEBUILD_PROJECT, {"tags": {"aws:name": "x"}}, 'tags key "aws:name"', "project-tags"),
    case(CODEBUILD_WEBHOOK, {"projectName": "p"}, 'projectName is "p": AWS allows 2 to 255', "webhook-project"),
    case(CODEBUILD_WEBHOOK, {"buildType": "RUNNER"}, 'buildType is "RUNNER"', "webhook-build-type"),
    case(
        CODEBUILD_WEBHOOK,
        {"filterGroups": [{"filters": [{"type": "WORKFLOW_NAME", "pattern": "Deploy"}]}]},
        "filterGroups[0] is",
        "webhook-event-filter",
    ),
    case(
        CODEBUILD_WEBHOOK,
        {"filterGroups": [{"filters": [{"type": "EVENT", "pattern": "PUSH"}, {"type": "BRANCH", "pattern": "main"}]}]},
        'filterGroups[0].filters[1].type is "BRANCH"',
        "webhook-filter-type",
    ),
]

test_compliant_values_pass, test_each_constraint_reports_its_planted_value = property_rule_tests(CASES)


def test_every_constraint_has_a_failing_case() -> None:
    assert untested_constraints(deploy_runner.CONSTRAINTS, CASES) == []
