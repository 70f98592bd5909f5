"""Operations: every AWS resource is tagged for ownership and cost, every alarm reaches someone, the audit trails
(the control plane's logs, the network's flow logs) exist, and logs do not pile up forever."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from pulumi_policy import Policy, PolicyProviderResource, PolicyResource, Severity

from facts.eks_control_plane import CONTROL_PLANE_LOG_TYPES
from policies.support.aws import (
    COMPOSITE_ALARM,
    EKS_CLUSTER,
    FLOW_LOG,
    LOG_GROUP,
    METRIC_ALARM,
    RDS_CLUSTER,
    RDS_INSTANCE,
    RDS_PROXY,
    VPC,
)
from policies.support.declare import Concern, Expect, Finding, ResourcePolicy, Settings, StackPolicy, expecting
from policies.support.stack import Stack, depends_on
from policies.support.values import (
    at_least,
    elements,
    field,
    is_false,
    is_set,
    is_unknown,
    json_document,
    shown,
    violated,
)

REQUIRED_TAGS = ["Project", "Environment", "Stack", "Owner", "CostCenter", "ManagedBy"]


def _provider_tags(stack: Stack, settings: Settings) -> Iterable[Finding]:
    users: dict[str, list[str]] = defaultdict(list)
    providers: dict[str, PolicyProviderResource] = {}
    for resource in stack.resources:
        if not resource.resource_type.startswith("aws:"):
            continue
        if resource.provider is None:
            yield Finding(resource.urn, f"{resource.name} names no provider: pass the stack's AWS provider")
            continue
        providers[resource.provider.urn] = resource.provider
        users[resource.provider.urn].append(resource.name)
    for urn, provider in providers.items():
        # A provider receives its nested settings as JSON text.
        tags = field(json_document(field(provider.props, "defaultTags")), "tags")
        if is_unknown(tags):
            continue
        missing = [tag for tag in settings["requiredTags"] if violated(field(tags, tag), is_set)]
        if missing:
            yield Finding(
                urn,
                f"provider {provider.name}, used by {len(users[urn])} AWS resources, has no default tags "
                f"{', '.join(missing)}",
            )


AWS_PROVIDER_DEFAULT_TAGS = StackPolicy(
    name="aws-provider-default-tags",
    description=(
        "Every AWS resource is created through an explicit AWS provider whose defaultTags.tags carry Project, "
        "Environment, Stack, Owner, CostCenter and ManagedBy (design D10): pass the stack's provider to every "
        "component and set the tags on it."
    ),
    concern=Concern.GOVERNANCE,
    severity=Severity.MEDIUM,
    rule=_provider_tags,
    config={"requiredTags": {"type": "array", "items": {"type": "string"}, "default": REQUIRED_TAGS}},
)

CLOUDWATCH_ALARM_ACTIONS = ResourcePolicy(
    name="cloudwatch-alarm-actions",
    description=(
        "Every CloudWatch alarm notifies someone: list the alerts SNS topic in alarmActions and leave "
        "actionsEnabled unset or true."
    ),
    concern=Concern.RESILIENCE,
    severity=Severity.MEDIUM,
    resource_types=(METRIC_ALARM, COMPOSITE_ALARM),
    rule=expecting(
        Expect("alarmActions", is_set, "list the alerts SNS topic"),
        Expect("actionsEnabled", lambda value: not is_false(value), "set actionsEnabled=true"),
    ),
)

LOG_GROUP_RETENTION = ResourcePolicy(
    name="log-group-retention",
    description=(
        "Every CloudWatch log group expires its events: set retentionInDays (unset or 0 keeps them, and their "
        "cost, forever)."
    ),
    concern=Concern.GOVERNANCE,
    severity=Severity.LOW,
    resource_types=(LOG_GROUP,),
    rule=expecting(Expect("retentionInDays", at_least(1), "set a retention such as 30, 90 or 365 days")),
)


# --- Audit trails: the control plane's logs and the network's flow logs ---------------------------------------


def _created_first(
    writer: PolicyResource,
    destination: str,
    groups: Mapping[Any, PolicyResource],
    *,
    writes: str,
    role: str,
    service: str,
) -> Iterable[Finding]:
    """`writer` writes to the log group named `destination`, which `service` creates itself, unencrypted and never
    expiring, unless the stack has created it first: the stack's group of that name (`groups`, by name), on which
    the writer depends. Silent on a missing group while any group's name is unknown."""
    group = groups.get(destination)
    if group is None:
        if not any(is_unknown(name) for name in groups):
            yield Finding(
                writer.urn,
                f"{writer.name} {writes}, which the stack does not create: create it (kmsKeyId, retentionInDays) and "
                f"make the {role} depend on it",
            )
    elif not depends_on(writer, group):
        yield Finding(
            writer.urn,
            f"{writer.name} does not depend on log group {group.name}: pass it in depends_on, or {service} may create "
            "the group first, unencrypted and never expiring",
        )


def _control_plane_logs(stack: Stack, _settings: Settings) -> Iterable[Finding]:
    groups = {field(group.props, "name"): group for group in stack.of_type(LOG_GROUP)}
    for cluster in stack.of_type(EKS_CLUSTER):
        enabled = field(cluster.props, "enabledClusterLogTypes")
        missing = [log_type for log_type in CONTROL_PLANE_LOG_TYPES if log_type not in elements(enabled)]
        if missing and not is_unknown(enabled):
            yield Finding(
                cluster.urn,
                f"enabledClusterLogTypes leaves out {', '.join(map(shown, missing))}: enable all five log types",
            )
        name = field(cluster.props, "name")
        if not isinstance(name, str) or any(is_unknown(group) for group in groups):
            continue
        # Where EKS writes: https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html
        destination = f"/aws/eks/{name}/cluster"
        yield from _created_first(
            cluster, destination, groups, writes=f"writes its audit log to {destination}", role="cluster", service="EKS"
        )


EKS_CONTROL_PLANE_LOGS = StackPolicy(
    name="eks-control-plane-logs",
    description=(
        "EKS clusters send every control-plane log type to CloudWatch Logs (api, audit, authenticator, "
        "controllerManager, scheduler), into the log group /aws/eks/<name>/cluster that the stack creates (with its "
        "key and retention) before the cluster: the audit log is the record of who changed what in the cluster."
    ),
    concern=Concern.GOVERNANCE,
    severity=Severity.MEDIUM,
    rule=_control_plane_logs,
)


def _flow_logs(stack: Stack, _settings: Settings) -> Iterable[Finding]:
    logs_of = stack.referrers((FLOW_LOG,), "vpcId", (VPC,))
    for vpc in stack.of_type(VPC):
        flow_logs = logs_of.get(vpc.urn, [])
        traffic = [field(flow_log.props, "trafficType") for flow_log in flow_logs]
        if not any(kind == "ALL" or is_unknown(kind) for kind in traffic):
            yield Finding(
                vpc.urn,
                f"VPC {vpc.name} has no flow log of ALL its traffic"
                + (f" (only {', '.join(map(shown, traffic))})" if traffic else "")
                + ": add an aws.ec2.FlowLog with trafficType ALL into a log group of the stack",
            )
        for flow_log in flow_logs:
            kind = field(flow_log.props, "logDestinationType")
            destination = field(flow_log.props, "logDestination")
            if kind not in (None, "cloud-watch-logs") or is_unknown(destination):
                continue
            if not stack.referenced(flow_log, "logDestination", (LOG_GROUP,)):
                yield Finding(
                    flow_log.urn,
                    f"flow log {flow_log.name} writes to {shown(destination)}, a log group the stack does not create: "
                    "deliver it into one of the stack's log groups (with its key and retention)",
                )


VPC_FLOW_LOGS = StackPolicy(
    name="vpc-flow-logs",
    description=(
        "Every VPC has a flow log of ALL its traffic (trafficType ALL, accepted and rejected) delivered into a "
        "CloudWatch log group the stack creates, with its key and retention: the network's audit trail."
    ),
    concern=Concern.GOVERNANCE,
    severity=Severity.MEDIUM,
    rule=_flow_logs,
)


# --- Data tier ----------------------------------------------------------------------------------------------

# Where RDS writes the logs a database exports and RDS Proxy its own, by the writer's identifier. A log group
# RDS creates itself is never encrypted with the stack's key and never expires.
# https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_LogAccess.Procedural.UploadtoCloudWatch.html
# https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy.monitoring.html
_EXPORTED_LOGS = (
    (RDS_CLUSTER, "clusterIdentifier", "/aws/rds/cluster/{}/{}"),
    (RDS_INSTANCE, "identifier", "/aws/rds/instance/{}/{}"),
)


def _log_destinations(stack: Stack) -> Iterable[tuple[PolicyResource, Any, str | None]]:
    """Each RDS resource that writes logs, its identifier and the log group it writes to (None while unknown)."""
    for type_, identifier_property, pattern in _EXPORTED_LOGS:
        for resource in stack.of_type(type_):
            identifier = field(resource.props, identifier_property)
            for log_type in elements(field(resource.props, "enabledCloudwatchLogsExports")):
                known = isinstance(identifier, str) and isinstance(log_type, str)
                yield resource, identifier, pattern.format(identifier, log_type) if known else None
    for proxy in stack.of_type(RDS_PROXY):
        name = field(proxy.props, "name")
        yield proxy, name, f"/aws/rds/proxy/{name}" if isinstance(name, str) else None


def _log_groups_created_first(stack: Stack, _settings: Settings) -> Iterable[Finding]:
    groups = {field(group.props, "name"): group for group in stack.of_type(LOG_GROUP)}
    for writer, identifier, destination in _log_destinations(stack):
        if destination is None:
            if identifier is None:
                yield Finding(
                    writer.urn,
                    f"{writer.name} writes logs under a generated identifier: give it a fixed one, so that its log "
                    "group can be created first",
                )
            continue
        yield from _created_first(
            writer,
            destination,
            groups,
            writes=f"writes to log group {shown(destination)}",
            role="writer",
            service="RDS",
        )


RDS_LOG_GROUPS_CREATED_FIRST = StackPolicy(
    name="rds-log-groups-created-first",
    description=(
        "Every log group RDS writes to, for a cluster's or instance's exported logs "
        "(/aws/rds/cluster/<clusterIdentifier>/<type>, /aws/rds/instance/<identifier>/<type>) and for an RDS Proxy "
        "(/aws/rds/proxy/<name>), is created by the stack, with its key and retention, and the writer depends on "
        "it, so RDS never creates one of its own that is unencrypted and never expires."
    ),
    concern=Concern.GOVERNANCE,
    severity=Severity.MEDIUM,
    rule=_log_groups_created_first,
)

POLICIES: tuple[Policy, ...] = (
    AWS_PROVIDER_DEFAULT_TAGS,
    CLOUDWATCH_ALARM_ACTIONS,
    LOG_GROUP_RETENTION,
    EKS_CONTROL_PLANE_LOGS,
    VPC_FLOW_LOGS,
    RDS_LOG_GROUPS_CREATED_FIRST,
)
