"""The kinds of deploy constraint, where their behaviour is not one subject's: the paths they read, and tags
counted with the provider's default tags."""

from __future__ import annotations

from policies.rules.deploy_constraints import AWS_DEPLOY_CONSTRAINTS
from policies.rules.deploy_constraints.kinds import values_at
from policies.support.aws import AWS_PROVIDER, VPC
from tests.policy_builders import UNKNOWN, GraphBuilder, messages
from tests.policy_builders_aws import aws_provider


def test_a_path_reads_every_item_of_a_list_and_into_json_text_leaving_out_unset_and_unknown_values() -> None:
    props = {
        "entries": [{"description": "edge"}, {}, {"description": UNKNOWN}, {"description": "origin"}],
        "defaultTags": '{"tags": {"Team": "platform"}}',
    }
    assert list(values_at(props, "entries[].description")) == [
        ("entries[0].description", "edge"),
        ("entries[3].description", "origin"),
    ]
    assert list(values_at(props, "defaultTags.tags")) == [("defaultTags.tags", {"Team": "platform"})]


def test_tags_count_with_the_providers_default_tags() -> None:
    builder = GraphBuilder()
    builder.aws_provider = aws_provider(builder, {f"Default{index}": "x" for index in range(45)})
    builder.add(VPC, "crowded", {"tags": {f"Own{index}": "x" for index in range(6)}})
    builder.add(VPC, "overriding", {"tags": {f"Default{index}": "y" for index in range(5)}})
    assert messages(AWS_DEPLOY_CONSTRAINTS, builder.build()) == [
        "tags come to 51 tags with the provider's default tags: AWS allows at most 50 per resource (source: "
        "https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html)"
    ]


def test_unknown_default_tags_leave_the_count_to_the_deploy() -> None:
    builder = GraphBuilder()
    builder.aws_provider = builder.add(AWS_PROVIDER, "aws", {"region": "us-east-1", "defaultTags": UNKNOWN})
    builder.add(VPC, "vpc", {"tags": {f"Own{index}": "x" for index in range(50)}})
    assert messages(AWS_DEPLOY_CONSTRAINTS, builder.build()) == []
