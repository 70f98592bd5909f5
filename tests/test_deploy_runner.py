"""The deploy path to the private API endpoint (design D16): the CodeBuild-hosted runner in the private subnets, the
control plane admitting it, its least-privilege role, its config, and the bootstrap phase that builds it first."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

import offline
from components.deploy_runner import BUILD_TIMEOUT_MINUTES, CODEBUILD, VPC_BUILD_ACTIONS
from offline import REMOVE, targets
from offline.graph import Graph, Resource
from tests.config_cases import assert_named_by_full_key
from tests.graph_queries import EGRESS, INGRESS, SECURITY_GROUP, SUBNET, by_id, group_roles, subnets_by_tier
from tests.helpers import graph_of, load

PROJECT = "aws:codebuild/project:Project"
WEBHOOK = "aws:codebuild/webhook:Webhook"
EKS_CLUSTER = "aws:eks/cluster:Cluster"
ROLE, ROLE_POLICY, LOG_GROUP, KEY = (
    "aws:iam/role:Role",
    "aws:iam/rolePolicy:RolePolicy",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:kms/key:Key",
)
HTTPS = 443


def runner(graph: Graph) -> Resource:
    [project] = graph.of_type(PROJECT)
    return project


def runner_groups(graph: Graph) -> list[Resource]:
    groups = by_id(graph, SECURITY_GROUP)
    return [groups[group_id] for group_id in runner(graph).inputs["vpcConfig"]["securityGroupIds"]]


def deploy_path_problems(graph: Graph) -> list[str]:
    """Why the runner's builds could not reach the cluster's API endpoint: each control-plane group must admit
    HTTPS from a group of the runner, and the runner must run in the subnets the cluster's endpoint lives in."""
    [cluster] = graph.of_type(EKS_CLUSTER)
    vpc = cluster.inputs["vpcConfig"]
    sources = {group.id for group in runner_groups(graph)}
    problems = [
        f"control-plane group {group_id} admits no HTTPS from the runner's groups {sorted(sources)}"
        for group_id in vpc["securityGroupIds"]
        if not any(
            rule.inputs["securityGroupId"] == group_id
            and rule.inputs.get("referencedSecurityGroupId") in sources
            and rule.inputs.get("fromPort", 0) <= HTTPS <= rule.inputs.get("toPort", 65535)
            for rule in graph.of_type(INGRESS)
        )
    ]
    outside = set(runner(graph).inputs["vpcConfig"]["subnets"]) - set(vpc["subnetIds"])
    problems += [f"the runner runs in {subnet}, where the endpoint has no interface" for subnet in sorted(outside)]
    return problems


def without(graph: Graph, *urns: str) -> Graph:
    return Graph(graph.stack, {urn: r for urn, r in graph.resources.items() if urn not in urns}, graph.exports)


def replaced(graph: Graph, resource: Resource, **changes: Any) -> Graph:
    return Graph(
        graph.stack, {**graph.resources, resource.urn: dataclasses.replace(resource, **changes)}, graph.exports
    )


# --- The path to the endpoint --------------------------------------------------------------------------------


def test_the_control_plane_admits_the_deploy_path(stack_graph: Graph) -> None:
    assert deploy_path_problems(stack_graph) == []


def test_a_control_plane_that_does_not_admit_the_runner_is_found(prod: Graph) -> None:
    [rule] = [rule for rule in prod.of_type(INGRESS) if rule.name == "security-controlplane-ingress-deployrunner-443"]
    [problem] = deploy_path_problems(without(prod, rule.urn))
    assert problem.startswith("control-plane group") and "admits no HTTPS from the runner's groups" in problem


def test_a_runner_outside_the_endpoints_subnets_is_found(prod: Graph) -> None:
    project = runner(prod)
    public = [subnet.id for subnet in subnets_by_tier(prod)["public"]]
    planted = {**project.inputs, "vpcConfig": {**project.inputs["vpcConfig"], "subnets": public}}
    problems = deploy_path_problems(replaced(prod, project, inputs=planted))
    assert len(problems) == 3 and all("where the endpoint has no interface" in p for p in problems)


def test_prods_endpoint_stays_private(prod: Graph) -> None:
    [cluster] = prod.of_type(EKS_CLUSTER)
    assert cluster.inputs["vpcConfig"]["endpointPrivateAccess"] is True
    assert cluster.inputs["vpcConfig"]["endpointPublicAccess"] is False
    assert "publicAccessCidrs" not in cluster.inputs["vpcConfig"]


def test_the_runner_runs_in_the_private_subnets_under_its_own_group(stack_graph: Graph) -> None:
    vpc_config = runner(stack_graph).inputs["vpcConfig"]
    [vpc] = stack_graph.of_type("aws:ec2/vpc:Vpc")
    assert vpc_config["vpcId"] == vpc.id
    assert vpc_config["subnets"] == [subnet.id for subnet in subnets_by_tier(stack_graph)["private"]]
    roles = group_roles(stack_graph)
    assert [roles[group.id] for group in runner_groups(stack_graph)] == ["deployrunner"]


def test_the_runners_group_admits_nothing_and_lets_out_https_only(stack_graph: Graph) -> None:
    [group] = runner_groups(stack_graph)
    assert [rule for rule in stack_graph.of_type(INGRESS) if rule.inputs["securityGroupId"] == group.id] == []
    [egress] = [rule for rule in stack_graph.of_type(EGRESS) if rule.inputs["securityGroupId"] == group.id]
    assert (egress.inputs["ipProtocol"], egress.inputs["fromPort"], egress.inputs["toPort"]) == ("tcp", 443, 443)


# --- The project, its webhook, its role and logs -------------------------------------------------------------


def test_the_runner_is_a_github_actions_runner_of_the_configured_repository(stack_graph: Graph) -> None:
    config = load(stack_graph.stack).deploy_runner
    project = runner(stack_graph)
    assert project.inputs["name"] == f"sentinel-{stack_graph.stack}-deploy-runner"
    assert project.inputs["source"] == {
        "type": "GITHUB",
        "location": config.repository_url,
        "auth": {"type": "CODECONNECTIONS", "resource": config.connection_arn},
    }
    assert project.inputs["environment"]["computeType"] == config.compute_type
    assert project.inputs["buildTimeout"] == BUILD_TIMEOUT_MINUTES
    [webhook] = stack_graph.of_type(WEBHOOK)
    assert webhook.inputs["projectName"] == project.inputs["name"]
    assert webhook.inputs["filterGroups"] == [{"filters": [{"type": "EVENT", "pattern": "WORKFLOW_JOB_QUEUED"}]}]


def _role_and_statements(graph: Graph) -> tuple[Resource, dict[str, dict[str, Any]]]:
    project = runner(graph)
    [role] = [r for r in graph.of_type(ROLE) if r.outputs["arn"] == project.inputs["serviceRole"]]
    [policy] = [p for p in graph.of_type(ROLE_POLICY) if p.inputs["role"] == role.id]
    statements = json.loads(policy.inputs["policy"])["Statement"]
    return role, {statement["Sid"]: statement for statement in statements}


def test_only_codebuild_of_this_account_assumes_the_runners_role(stack_graph: Graph) -> None:
    role, _ = _role_and_statements(stack_graph)
    account = load(stack_graph.stack).account_id
    assert json.loads(role.inputs["assumeRolePolicy"])["Statement"] == [
        {
            "Effect": "Allow",
            "Principal": {"Service": CODEBUILD},
            "Action": ["sts:AssumeRole"],
            "Condition": {"StringEquals": {"aws:SourceAccount": account}},
        }
    ]


def test_the_runners_role_may_only_run_builds_in_the_private_subnets(stack_graph: Graph) -> None:
    _, statements = _role_and_statements(stack_graph)
    config = load(stack_graph.stack)
    [log_group] = [g for g in stack_graph.of_type(LOG_GROUP) if g.inputs["name"].startswith("/aws/codebuild/")]
    log_group_arn = f"arn:aws:logs:{config.region}:{config.account_id}:log-group:{log_group.inputs['name']}"
    assert set(statements) == {
        "BuildLogs",
        "BuildNetworkInterfaces",
        "AttachInterfacesInThePrivateSubnets",
        "GitHubConnection",
    }
    assert statements["BuildLogs"]["Resource"] == f"{log_group_arn}:*"
    assert statements["BuildNetworkInterfaces"]["Action"] == list(VPC_BUILD_ACTIONS)
    attach = statements["AttachInterfacesInThePrivateSubnets"]
    assert attach["Action"] == "ec2:CreateNetworkInterfacePermission"
    subnet_arn = f"arn:aws:ec2:{config.region}:{config.account_id}:subnet/"
    assert attach["Condition"]["StringEquals"] == {
        "ec2:AuthorizedService": CODEBUILD,
        "ec2:Subnet": [subnet_arn + subnet.id for subnet in subnets_by_tier(stack_graph)["private"]],
    }
    assert statements["GitHubConnection"] == {
        "Sid": "GitHubConnection",
        "Effect": "Allow",
        "Action": ["codeconnections:GetConnectionToken", "codeconnections:GetConnection"],
        "Resource": config.deploy_runner.connection_arn,
    }
    # Nothing beyond running the build: the job's own AWS calls use the deploy role through OIDC.
    assert not any("iam:" in str(s["Action"]) or "sts:" in str(s["Action"]) for s in statements.values())


def test_a_connection_from_before_the_rename_gets_actions_of_its_own_service() -> None:
    arn = "arn:aws:codestar-connections:us-east-1:111111111111:connection/00000000-0000-4000-8000-000000000000"
    assert load("prod", {"sentinel:deployRunner.connectionArn": arn}).deploy_runner.connection_service == (
        "codestar-connections"
    )


def test_the_runner_waits_for_its_permissions_and_logs_into_its_own_encrypted_group(stack_graph: Graph) -> None:
    project = runner(stack_graph)
    role, _ = _role_and_statements(stack_graph)
    [policy] = [p for p in stack_graph.of_type(ROLE_POLICY) if p.inputs["role"] == role.id]
    assert policy.urn in project.dependencies
    group_name = project.inputs["logsConfig"]["cloudwatchLogs"]["groupName"]
    assert project.inputs["logsConfig"]["cloudwatchLogs"]["status"] == "ENABLED"
    [log_group] = [g for g in stack_graph.of_type(LOG_GROUP) if g.inputs["name"] == group_name]
    assert log_group.urn in project.dependencies
    assert log_group.inputs["retentionInDays"] == load(stack_graph.stack).deploy_runner.log_retention_days
    [key] = [k for k in stack_graph.of_type(KEY) if k.outputs["arn"] == log_group.inputs["kmsKeyId"]]
    config = load(stack_graph.stack)
    log_group_arn = f"arn:aws:logs:{config.region}:{config.account_id}:log-group:{group_name}"
    [grant] = [
        s
        for s in json.loads(key.inputs["policy"])["Statement"]
        if s["Principal"].get("Service", "").startswith("logs.")
    ]
    assert grant["Condition"] == {"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": [log_group_arn]}}


# --- Config --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("stack", "retention"), [("dev", 30), ("staging", 90), ("prod", 365)])
def test_every_stack_runs_its_jobs_on_a_runner(stack: str, retention: int) -> None:
    config = load(stack).deploy_runner
    assert config.enabled
    assert config.log_retention_days == retention
    assert config.compute_type == "BUILD_GENERAL1_MEDIUM"


BAD_RUNNER_CONFIGS: list[tuple[str, str, dict[str, Any], str, str]] = [
    # (case, stack, overrides, key named in the message, what the message says)
    (
        "not a github repository",
        "prod",
        {"sentinel:deployRunner.repositoryUrl": "git@github.com:projectsentinel/platform.git"},
        "sentinel:deployRunner.repositoryUrl",
        "https://github.com/<owner>/<repository>",
    ),
    (
        "not a connection",
        "prod",
        {"sentinel:deployRunner.connectionArn": "arn:aws:secretsmanager:us-east-1:111111111111:secret:github"},
        "sentinel:deployRunner.connectionArn",
        "arn:aws:codeconnections:<region>:<account>:connection/<id>",
    ),
    (
        "unknown compute",
        "prod",
        {"sentinel:deployRunner.computeType": "BUILD_GENERAL1_HUGE"},
        "sentinel:deployRunner.computeType",
        "BUILD_GENERAL1_MEDIUM",
    ),
    (
        "retention CloudWatch lacks",
        "prod",
        {"sentinel:deployRunner.logRetentionDays": 10},
        "sentinel:deployRunner.logRetentionDays",
        "retention periods",
    ),
    (
        "no repository",
        "prod",
        {"sentinel:deployRunner.repositoryUrl": REMOVE},
        "sentinel:deployRunner.repositoryUrl",
        "is required while the runner is enabled",
    ),
    (
        "no connection",
        "staging",
        {"sentinel:deployRunner.connectionArn": REMOVE},
        "sentinel:deployRunner.connectionArn",
        "is required while the runner is enabled",
    ),
    (
        "no runner in prod",
        "prod",
        {"sentinel:deployRunner.enabled": False, "sentinel:cluster.publicAccessCidrs": ["34.192.0.0/24"]},
        "sentinel:deployRunner.enabled",
        "must stay true in prod",
    ),
    (
        "no way to the private endpoint",
        "dev",
        {"sentinel:deployRunner.enabled": False},
        "sentinel:deployRunner.enabled",
        "cluster.publicAccessCidrs is empty",
    ),
    (
        "unknown key",
        "dev",
        {"sentinel:deployRunner.image": "ubuntu"},
        "sentinel:deployRunner.image",
        "",
    ),
]


@pytest.mark.parametrize(
    ("stack", "overrides", "key", "message"),
    [pytest.param(*case[1:], id=case[0]) for case in BAD_RUNNER_CONFIGS],
)
def test_bad_runner_config_is_named_by_its_full_key(
    stack: str, overrides: dict[str, Any], key: str, message: str
) -> None:
    assert_named_by_full_key(overrides, key, message, stack)


def test_a_stack_with_public_access_may_go_without_a_runner() -> None:
    overrides = {"sentinel:deployRunner.enabled": False, "sentinel:cluster.publicAccessCidrs": ["34.192.0.0/24"]}
    config = load("dev", {**overrides, "sentinel:deployRunner.repositoryUrl": REMOVE})
    assert not config.deploy_runner.enabled
    graph = offline.run("dev", overrides)
    assert graph.of_type(PROJECT) == [] and graph.of_type(WEBHOOK) == []
    assert targets.runner_project(graph) is None
    assert targets.bootstrap(graph) == []


# --- Bootstrap -----------------------------------------------------------------------------------------------

# What the runner needs to exist and to reach GitHub and AWS, by type and logical name.
BOOTSTRAP_NEEDS = {
    ("pulumi:providers:aws", "aws"),
    (PROJECT, "deploy-runner"),
    (WEBHOOK, "deploy-runner"),
    (ROLE, "deploy-runner"),
    (ROLE_POLICY, "deploy-runner"),
    (LOG_GROUP, "deploy-runner-builds"),
    (KEY, "deploy-runner-logs"),
    ("aws:kms/alias:Alias", "deploy-runner-logs"),
    (SECURITY_GROUP, "security-deployrunner"),
    (EGRESS, "security-deployrunner-egress-anywhere-443"),
    ("aws:ec2/vpc:Vpc", "network"),
    (SUBNET, "network-private-a"),
    ("aws:ec2/route:Route", "network-private-a-internet"),
    ("aws:ec2/routeTableAssociation:RouteTableAssociation", "network-private-a"),
    ("aws:ec2/natGateway:NatGateway", "network-a"),
    ("aws:ec2/route:Route", "network-public-internet"),
    ("aws:ec2/internetGateway:InternetGateway", "network"),
}


def needs_the_cluster(graph: Graph, resources: list[Resource]) -> list[str]:
    """The members of a bootstrap set that cannot be created before the cluster and its API exist."""
    return [
        resource.urn
        for resource in resources
        if resource.type.startswith(("kubernetes:", "pulumi:providers:kubernetes", "aws:eks/"))
        or (resource.provider is not None and graph[resource.provider].type == "pulumi:providers:kubernetes")
    ]


def test_the_bootstrap_builds_the_runner_and_what_it_needs_and_nothing_of_the_cluster(stack_graph: Graph) -> None:
    found = targets.bootstrap(stack_graph)
    assert {(resource.type, resource.name) for resource in found} >= BOOTSTRAP_NEEDS
    assert needs_the_cluster(stack_graph, found) == []
    assert not any(resource.type.startswith(("cloudflare:", "pulumi:providers:cloudflare")) for resource in found)


def test_the_bootstrap_set_is_closed_under_what_each_member_needs(stack_graph: Graph) -> None:
    found = {resource.urn for resource in targets.bootstrap(stack_graph)}
    for urn in found:
        resource = stack_graph[urn]
        needed = {*resource.dependencies, resource.parent, resource.provider} - {None}
        assert needed <= found, f"{urn} needs {sorted(needed - found)} outside the bootstrap"


def test_a_runner_that_needs_the_cluster_is_found(prod: Graph) -> None:
    """Planted: the runner made to wait for a Kubernetes resource would pull the cluster into the bootstrap."""
    project = runner(prod)
    [namespace] = prod.of_type("kubernetes:core/v1:Namespace")
    planted = replaced(prod, project, dependencies=project.dependencies | {namespace.urn})
    found = needs_the_cluster(planted, targets.bootstrap(planted))
    assert namespace.urn in found
    assert any(urn.endswith("::cluster") and "aws:eks/cluster:Cluster" in urn for urn in found)


def test_the_cli_prints_the_runner_and_the_bootstrap_targets(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(targets, "run_for_command_line", graph_of)
    assert targets.main(["prod", "--runner"]) == 0
    assert capsys.readouterr().out == "sentinel-prod-deploy-runner\n"
    assert targets.main(["prod", "--bootstrap"]) == 0
    assert capsys.readouterr().out.splitlines() == [resource.urn for resource in targets.bootstrap(graph_of("prod"))]
