"""The offline runner hands policies what CrossGuard would, and honours a policy config like the CLI."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

import pytest
from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

from offline.policy import Violation, any_mandatory, evaluate, resolve_policy_config
from offline.policy_config import load_policy_config
from policies.pack import POLICIES
from policies.rules.capacity.cluster import NODE_GROUP_FITS_HPA_MAXIMUM
from policies.support.declare import Concern, Finding, ResourcePolicy, Settings, StackPolicy
from policies.support.stack import Stack
from tests.policy_builders import UNKNOWN, GraphBuilder, ref
from tests.policy_builders_aws import aws_provider


def _flag_everything(args: ResourceValidationArgs, _settings: Settings) -> Iterable[str]:
    yield f"{args.name} flagged"


FLAG_VPCS = ResourcePolicy(
    name="flag-vpcs",
    description="Flags every VPC.",
    concern=Concern.SECURITY,
    severity=Severity.LOW,
    resource_types=("aws:ec2/vpc:Vpc",),
    rule=_flag_everything,
    config={"threshold": {"type": "integer", "minimum": 1, "default": 3}},
)


def _graph() -> GraphBuilder:
    builder = GraphBuilder()
    provider = aws_provider(builder)
    network = builder.add("sentinel:components:Network", "network")
    vpc = builder.add("aws:ec2/vpc:Vpc", "vpc", {"cidrBlock": "10.0.0.0/16"}, provider=provider, parent=network)
    builder.add("aws:ec2/subnet:Subnet", "subnet", {"vpcId": ref(vpc)}, provider=provider, parent=network)
    return builder


def test_resource_policies_see_only_the_types_they_declare() -> None:
    found = evaluate(_graph().build(), policies=[FLAG_VPCS])
    assert found == [
        Violation(
            "flag-vpcs", EnforcementLevel.MANDATORY, "urn:pulumi:test::sentinel::aws:ec2/vpc:Vpc::vpc", "vpc flagged"
        )
    ]


class _Recorder:
    """Policies that keep what the runner handed them."""

    def __init__(self) -> None:
        self.resource_args: dict[str, ResourceValidationArgs] = {}
        self.stack_args: list[StackValidationArgs] = []

    def resource_policy(self) -> ResourceValidationPolicy:
        def validate(args: ResourceValidationArgs, _report: ReportViolation) -> None:
            self.resource_args[args.name] = args

        return ResourceValidationPolicy(
            name="record-resources", description="Records its arguments.", validate=validate
        )

    def stack_policy(self) -> StackValidationPolicy:
        def validate(args: StackValidationArgs, _report: ReportViolation) -> None:
            self.stack_args.append(args)

        return StackValidationPolicy(name="record-stack", description="Records its arguments.", validate=validate)


def test_resource_policies_get_inputs_with_json_numbers_options_and_provider() -> None:
    builder = _graph()
    builder.add("aws:rds/instance:Instance", "db", {"allocatedStorage": 100, "multiAz": True}, protect=True)
    recorder = _Recorder()
    evaluate(builder.build(), policies=[recorder.resource_policy()])
    database = recorder.resource_args["db"]
    assert type(database.props["allocatedStorage"]) is float
    assert database.props["multiAz"] is True
    assert database.opts.protect is True
    subnet = recorder.resource_args["subnet"]
    assert subnet.provider is not None
    assert subnet.provider.resource_type == "pulumi:providers:aws"
    assert subnet.provider.props["region"] == "us-east-1"


def test_stack_policies_get_outputs_with_links_between_resources() -> None:
    recorder = _Recorder()
    evaluate(_graph().build(), policies=[recorder.stack_policy()])
    (args,) = recorder.stack_args
    by_name = {resource.name: resource for resource in args.resources}
    subnet, vpc, network = by_name["subnet"], by_name["vpc"], by_name["network"]
    assert subnet.props["vpcId"] == "vpc-id"
    assert subnet.props["id"] == "subnet-id"  # bridged providers' outputs carry the id
    assert subnet.property_dependencies["vpcId"] == [vpc]
    assert subnet.dependencies == [vpc]
    assert subnet.parent is network
    assert subnet.provider is not None and subnet.provider.name == "aws"


def test_an_unknown_a_policy_does_not_guard_against_is_an_advisory_note() -> None:
    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if args.props["cidrBlock"] == "0.0.0.0/0":
            report("too wide", None)

    naive = ResourceValidationPolicy(name="naive", description="Reads props directly.", validate=validate)
    builder = GraphBuilder()
    builder.add("aws:ec2/vpc:Vpc", "vpc", {"cidrBlock": UNKNOWN})
    (found,) = evaluate(builder.build(), policies=[naive])
    assert found.enforcement_level == EnforcementLevel.ADVISORY
    assert found.message == (
        "can't run policy 'naive' from policy pack 'sentinel' during preview: "
        "string value at .cidrBlock can't be known during preview"
    )


def _levels(config: dict[str, Any]) -> list[EnforcementLevel]:
    return [violation.enforcement_level for violation in evaluate(_graph().build(), config, policies=[FLAG_VPCS])]


@pytest.mark.parametrize(
    ("config", "levels"),
    [
        ({}, [EnforcementLevel.MANDATORY]),
        ({"all": "advisory"}, [EnforcementLevel.ADVISORY]),
        ({"all": "advisory", "flag-vpcs": "mandatory"}, [EnforcementLevel.MANDATORY]),
        ({"flag-vpcs": {"enforcementLevel": "advisory", "threshold": 5}}, [EnforcementLevel.ADVISORY]),
        ({"flag-vpcs": "remediate"}, [EnforcementLevel.MANDATORY]),
        ({"flag-vpcs": "disabled"}, []),
    ],
)
def test_policy_config_sets_levels_like_the_cli(config: dict[str, Any], levels: list[EnforcementLevel]) -> None:
    assert _levels(config) == levels


def test_settings_start_from_schema_defaults_and_arrive_as_json_numbers() -> None:
    assert resolve_policy_config([FLAG_VPCS], None)["flag-vpcs"].config == {"threshold": 3.0}
    settings = resolve_policy_config([FLAG_VPCS], {"flag-vpcs": {"threshold": 7}})["flag-vpcs"].config
    assert settings == {"threshold": 7.0}
    assert type(settings["threshold"]) is float


@pytest.mark.parametrize(
    ("config", "error"),
    [
        ({"flag-vpc": "advisory"}, "unknown policies"),
        ({"flag-vpcs": "strict"}, "enforcement level must be one of"),
        ({"flag-vpcs": {"treshold": 5}}, "has no setting 'treshold'"),
        ({"flag-vpcs": {"threshold": "5"}}, "must be of type integer"),
        ({"flag-vpcs": {"threshold": 0}}, "must be at least 1"),
        ({"all": {"enforcementLevel": "advisory", "threshold": 5}}, "takes only an enforcement level"),
    ],
)
def test_policy_config_mistakes_are_errors(config: dict[str, Any], error: str) -> None:
    with pytest.raises(ValueError, match=error):
        resolve_policy_config([FLAG_VPCS], config)


@pytest.mark.parametrize(
    ("reserve", "error"),
    [({"cpu": "500m"}, "must set memory"), ({"cpu": "half a core", "memory": "512Mi"}, "cpu must match")],
)
def test_nested_settings_are_validated(reserve: dict[str, str], error: str) -> None:
    config = {NODE_GROUP_FITS_HPA_MAXIMUM.name: {"reservedPerNode": reserve}}
    with pytest.raises(ValueError, match=error):
        resolve_policy_config(POLICIES, config)


def _report_bucket(stack: Stack, _settings: Settings) -> Iterable[Finding]:
    for bucket in stack.of_type("aws:s3/bucket:Bucket"):
        yield Finding(bucket.urn, "bucket")
    yield Finding(None, "stack-wide")


def test_stack_findings_name_their_resource_or_none() -> None:
    policy = StackPolicy(
        name="report", description="Reports.", concern=Concern.SECURITY, severity=Severity.LOW, rule=_report_bucket
    )
    builder = GraphBuilder()
    bucket = builder.add("aws:s3/bucket:Bucket", "uploads", {"bucket": "uploads"})
    assert [(found.urn, found.message) for found in evaluate(builder.build(), policies=[policy])] == [
        (bucket.urn, "bucket"),
        (None, "stack-wide"),
    ]


def test_any_mandatory() -> None:
    advisory = Violation("p", EnforcementLevel.ADVISORY, None, "m")
    assert not any_mandatory([advisory])
    assert any_mandatory([advisory, dataclasses.replace(advisory, enforcement_level=EnforcementLevel.MANDATORY)])


def test_violations_are_immutable() -> None:
    violation = Violation("p", EnforcementLevel.ADVISORY, None, "m")
    with pytest.raises(dataclasses.FrozenInstanceError):
        violation.message = "changed"  # type: ignore[misc]


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_every_stacks_policy_config_is_valid(stack: str) -> None:
    resolve_policy_config(POLICIES, load_policy_config(stack))
