"""What the service-grant tests (tests/test_service_grants_*.py) share: permission before use, at the path the
service uses (issue 15, items 1 and 6), over every stack.

Wherever creating a resource makes AWS act on another one, the grant that lets AWS do it must
(a) be among the acting resource's transitive dependencies in the recorded graph, so the engine creates it first
    whatever the scheduling, and
(b) admit, evaluated by tests/iam_evaluation.py, the principal AWS acts as, the action and the exact ARN or key it
    touches, computed from the acting resource's own inputs (the ALB's bucket and prefix, the logging source
    bucket and its target prefix, the log group a service writes to by name, the role and key it is given).

Each check, one per relation, is a function of a graph that returns a `Report` of what it checked and what it
found, so one function runs over every stack (`holds_on_every_stack`) and over a graph copy with one defect
planted (`planted`, `without_dependency`, `edited_document`), which each test module shows its checks finding.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest

from offline.graph import Graph, Resource
from tests.helpers import STACKS, graph_of, load

BUCKET = "aws:s3/bucket:Bucket"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
BUCKET_LOGGING = "aws:s3/bucketLogging:BucketLogging"
BUCKET_ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer"
KEY = "aws:kms/key:Key"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
MANAGED_POLICY = "aws:iam/policy:Policy"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
RDS_CLUSTER = "aws:rds/cluster:Cluster"
RDS_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
RDS_PROXY = "aws:rds/proxy:Proxy"
SECRET = "aws:secretsmanager/secret:Secret"
EKS_CLUSTER = "aws:eks/cluster:Cluster"
REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
VAULT = "aws:backup/vault:Vault"
BACKUP_SELECTION = "aws:backup/selection:Selection"
TOPIC = "aws:sns/topic:Topic"
TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy"
METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
EVENT_SUBSCRIPTION = "aws:rds/eventSubscription:EventSubscription"
VAULT_NOTIFICATIONS = "aws:backup/vaultNotifications:VaultNotifications"


# --- The graph as the engine orders it --------------------------------------------------------------------------


def dependency_closure(graph: Graph, resource: Resource) -> frozenset[str]:
    """Everything `resource` waits for: its dependencies, theirs, and so on. A component among them stands for its
    custom descendants, as the SDK expands a component in `depends_on` before registering."""
    seen: set[str] = set()
    frontier = list(resource.dependencies)
    while frontier:
        urn = frontier.pop()
        if urn in seen or urn not in graph.resources:
            continue
        seen.add(urn)
        dependency = graph[urn]
        frontier.extend(dependency.dependencies)
        if not dependency.custom:
            frontier.extend(child.urn for child in graph.descendants(urn))
    return frozenset(seen)


@dataclass
class Report:
    """What a check looked at, and what it found wrong."""

    checked: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)

    def waits_for(self, graph: Graph, acting: Resource, grant: Resource, why: str) -> None:
        if grant.urn not in dependency_closure(graph, acting):
            self.findings.append(f"{acting.name} ({acting.type}) does not wait for {grant.name} ({grant.type}): {why}")

    def expect(self, decision: str, wanted: Iterable[str], what: str) -> None:
        if decision not in wanted:
            self.findings.append(f"{what}: {decision}")


Check = Callable[[Graph], Report]


def holds_on_every_stack(*checks: Check) -> Callable[[str, Check], None]:
    """The test that each check finds something to check in every stack, and nothing wrong. A test module binds it
    to a `test_*` name for pytest to collect."""

    @pytest.mark.parametrize("check", checks, ids=lambda check: check.__name__)
    @pytest.mark.parametrize("stack", STACKS)
    def grants_exist_first_and_admit_what_the_service_touches(stack: str, check: Check) -> None:
        report = check(graph_of(stack))
        assert report.checked, f"{check.__name__}: nothing to check in {stack}, so the check proves nothing"
        assert report.findings == []

    return grants_exist_first_and_admit_what_the_service_touches


# --- What the checks read off the graph -------------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    region: str
    id: str


@functools.cache
def _account_of_stack(stack: str) -> Account:
    config = load(stack)
    return Account(config.region, config.account_id)


def account_of(graph: Graph) -> Account:
    return _account_of_stack(graph.stack)


def find(graph: Graph, type_: str, **outputs: Any) -> Resource | None:
    """The one resource of `type_` whose outputs (inputs plus what AWS computes) have these values, if any."""
    matches = [r for r in graph.of_type(type_) if all(r.outputs.get(k) == v for k, v in outputs.items())]
    assert len(matches) <= 1, f"{len(matches)} resources of {type_} with {outputs}"
    return matches[0] if matches else None


def policy_of(resource: Resource, key: str = "policy") -> str:
    return resource.inputs[key]


def role_documents(graph: Graph, role: Resource) -> list[Resource]:
    """The resources that carry a role's identity policies the graph knows the text of: its inline policies and
    the customer managed policies attached to it (AWS managed ones have no document here)."""
    inline = [p for p in graph.of_type(ROLE_POLICY) if p.inputs["role"] == role.id]
    attached = {a.inputs["policyArn"] for a in graph.of_type(ATTACHMENT) if a.inputs["role"] == role.outputs["name"]}
    return inline + [p for p in graph.of_type(MANAGED_POLICY) if p.outputs.get("arn") in attached]


def managed_policy_attachments(graph: Graph, role: Resource) -> dict[str, Resource]:
    return {a.inputs["policyArn"]: a for a in graph.of_type(ATTACHMENT) if a.inputs["role"] == role.outputs["name"]}


def log_group_arn(account: Account, name: str) -> str:
    return f"arn:aws:logs:{account.region}:{account.id}:log-group:{name}"


def region_of_arn(arn: str) -> str:
    return arn.split(":")[3]


# --- Each check fails on a planted defect ------------------------------------------------------------------------


def planted(graph: Graph, resource: Resource, **changes: Any) -> Graph:
    """A copy of the graph with one resource changed."""
    replaced = dataclasses.replace(resource, **changes)
    return Graph(graph.stack, {**graph.resources, resource.urn: replaced}, graph.exports)


def without_dependency(graph: Graph, acting: Resource, grant: Resource) -> Graph:
    """A copy in which `acting` no longer waits for `grant`, neither directly nor through anything between."""
    between = {urn for urn in dependency_closure(graph, acting) if grant.urn in dependency_closure(graph, graph[urn])}
    kept = frozenset(acting.dependencies - between - {grant.urn})
    return planted(graph, acting, dependencies=kept)


def with_inputs(resource: Resource, **inputs: Any) -> dict[str, Any]:
    return {"inputs": {**resource.inputs, **inputs}}


def edited_document(resource: Resource, edit: Callable[[dict[str, Any]], None], key: str = "policy") -> dict[str, Any]:
    document = json.loads(resource.inputs[key])
    edit(document)
    return with_inputs(resource, **{key: json.dumps(document)})


def statement(document: Mapping[str, Any], sid: str) -> dict[str, Any]:
    [found] = [s for s in document["Statement"] if s.get("Sid") == sid]
    return found


def findings_of(check: Callable[[Graph], Report], graph: Graph) -> list[str]:
    return check(graph).findings
