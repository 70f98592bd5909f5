"""`sentinel:deployRunner`: the CodeBuild-hosted GitHub Actions runner in the private subnets that runs the deploy
and preview jobs, so they reach the private EKS API endpoint (design D16)."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, model_validator

from components.config.types import Key, LogRetentionDays, Section, SectionError, by_environment

# CodeBuild's runner webhooks (WORKFLOW_JOB_QUEUED) exist for GitHub and GitHub Enterprise only; this platform's
# repository is on github.com.
_REPOSITORY_URL = re.compile(r"https://github\.com/[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}")
# Connections made before the 2024 rename carry the codestar-connections service, later ones codeconnections.
# https://docs.aws.amazon.com/dtconsole/latest/userguide/welcome-connections.html
_CONNECTION_ARN = re.compile(
    r"arn:aws:(?P<service>codeconnections|codestar-connections):[a-z]{2}(-[a-z]+)+-\d:\d{12}:connection/"
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
)

# Compute of CodeBuild's on-demand Linux containers: SMALL has 3 GB, which `pulumi up` with the AWS provider's
# plugin outgrows; MEDIUM (7 GB, 4 vCPU) runs it comfortably.
# https://docs.aws.amazon.com/codebuild/latest/userguide/build-env-ref-compute-types.html
ComputeType = Literal[
    "BUILD_GENERAL1_SMALL",
    "BUILD_GENERAL1_MEDIUM",
    "BUILD_GENERAL1_LARGE",
    "BUILD_GENERAL1_XLARGE",
    "BUILD_GENERAL1_2XLARGE",
]


def _repository_url(value: str) -> str:
    if not _REPOSITORY_URL.fullmatch(value.removesuffix(".git")):
        raise ValueError("must be the repository's GitHub URL, https://github.com/<owner>/<repository>")
    return value.removesuffix(".git")


def _connection_arn(value: str) -> str:
    if not _CONNECTION_ARN.fullmatch(value):
        raise ValueError(
            "must be the ARN of an available GitHub connection, arn:aws:codeconnections:<region>:<account>:"
            "connection/<id> (Developer Tools > Settings > Connections)"
        )
    return value


class DeployRunnerConfig(Section):
    enabled: bool = True
    """Whether the deploy and preview jobs run on a CodeBuild runner in the VPC. On in every stack, since each
    one's API endpoint is private; off only where `cluster.publicAccessCidrs` admits the deploy's own runners,
    never in prod."""
    repository_url: Annotated[str, AfterValidator(_repository_url)] | None = None
    """The GitHub repository the runner registers with, `https://github.com/<owner>/<repository>`; required
    while enabled. The stack files hold example values: set yours."""
    connection_arn: Annotated[str, AfterValidator(_connection_arn)] | None = None
    """The available CodeConnections (or CodeStar) connection to that repository in the stack's account;
    required while enabled (docs/bootstrap.md says how to make one)."""
    compute_type: ComputeType = "BUILD_GENERAL1_MEDIUM"
    """CodeBuild's compute for a job: SMALL's 3 GB is too little for `pulumi up` with the AWS provider's plugin;
    MEDIUM (7 GB, 4 vCPU) runs it comfortably."""
    log_retention_days: Annotated[LogRetentionDays, by_environment(dev=30, staging=90, prod=365)]
    """How long the runner's build logs are kept."""

    @model_validator(mode="after")
    def _check_source(self) -> DeployRunnerConfig:
        if not self.enabled:
            return self
        problems: list[tuple[Key, str]] = [
            ((key,), "is required while the runner is enabled: the runner registers with this repository through it")
            for key, value in (("repositoryUrl", self.repository_url), ("connectionArn", self.connection_arn))
            if value is None
        ]
        if problems:
            raise SectionError(problems)
        return self

    @property
    def connection_service(self) -> str:
        """The IAM service prefix of the connection's actions, which must match its ARN's."""
        match = _CONNECTION_ARN.fullmatch(self.connection_arn or "")
        if match is None:
            raise ValueError("the runner has no connection")
        return match["service"]
