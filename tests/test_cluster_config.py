"""The cluster's config sections (`cluster`, `nodes`, `bastion`, `registry`): defaults per environment, and every
bad input named by its full key with what is allowed."""

from __future__ import annotations

import datetime

import pytest

from components.cluster import support_ends_soon
from components.config.cluster import ADDON_VERSIONS, STANDARD_SUPPORT_ENDS
from offline import REMOVE
from tests.config_cases import BadConfig, named_by_full_key
from tests.helpers import load, problems_of

DEPLOY = "arn:aws:iam::111111111111:role/sentinel-deploy"

BAD_CONFIGS: list[BadConfig] = [
    # (case, overrides, key named in the message, something the message says is allowed)
    ("version not in the table", {"sentinel:cluster.version": "1.29"}, "sentinel:cluster.version", "1.35"),
    ("version not a version", {"sentinel:cluster.version": "latest"}, "sentinel:cluster.version", "support table"),
    (
        "kube-proxy of another minor",
        {"sentinel:cluster.addonVersions": {"kube-proxy": "v1.34.1-eksbuild.2"}},
        "sentinel:cluster.addonVersions.kube-proxy",
        "Kubernetes 1.35",
    ),
    (
        "add-on version not a build",
        {"sentinel:cluster.addonVersions": {"coredns": "latest"}},
        "sentinel:cluster.addonVersions.coredns",
        "eksbuild",
    ),
    (
        "unknown add-on",
        {"sentinel:cluster.addonVersions": {"aws-ebs-csi-driver": "v1.40.0-eksbuild.1"}},
        "sentinel:cluster.addonVersions.aws-ebs-csi-driver",
        "vpc-cni",
    ),
    (
        "autoscaler of another minor",
        {"sentinel:cluster.autoscaler.imageTag": "v1.34.2"},
        "sentinel:cluster.autoscaler.imageTag",
        "Kubernetes 1.35",
    ),
    (
        "autoscaler tag not a release",
        {"sentinel:cluster.autoscaler.imageTag": "latest"},
        "sentinel:cluster.autoscaler.imageTag",
        "v1.35.0",
    ),
    (
        "chart version a range",
        {"sentinel:cluster.autoscaler.chartVersion": "^9.54"},
        "sentinel:cluster.autoscaler.chartVersion",
        "exact chart version",
    ),
    (
        "assumed-role session as the deploy role",
        {"sentinel:cluster.deployRoleArn": "arn:aws:sts::111111111111:assumed-role/sentinel-deploy/ci-run-42"},
        "sentinel:cluster.deployRoleArn",
        "role's own ARN",
    ),
    (
        "assumed-role session as an admin",
        {"sentinel:cluster.adminRoleArns": ["arn:aws:sts::111111111111:assumed-role/admin/jane"]},
        "sentinel:cluster.adminRoleArns[0]",
        "role's own ARN",
    ),
    (
        "user ARN as an admin",
        {"sentinel:cluster.adminRoleArns": ["arn:aws:iam::111111111111:user/jane"]},
        "sentinel:cluster.adminRoleArns[0]",
        "IAM role ARN",
    ),
    (
        "admin repeats the deploy role",
        {"sentinel:cluster.adminRoleArns": [DEPLOY]},
        "sentinel:cluster.adminRoleArns[0]",
        "list it once",
    ),
    ("no deploy role", {"sentinel:cluster.deployRoleArn": REMOVE}, "sentinel:cluster.deployRoleArn", "required"),
    (
        "endpoint open to the world",
        {"sentinel:cluster.publicAccessCidrs": ["0.0.0.0/0"]},
        "sentinel:cluster.publicAccessCidrs[0]",
        "deploy runners' ranges",
    ),
    (
        "endpoint cidr private",
        {"sentinel:cluster.publicAccessCidrs": ["10.0.0.0/8"]},
        "sentinel:cluster.publicAccessCidrs[0]",
        "public range",
    ),
    (
        "endpoint cidr malformed",
        {"sentinel:cluster.publicAccessCidrs": ["203.0.113.7/24"]},
        "sentinel:cluster.publicAccessCidrs[0]",
        "no host bits",
    ),
    ("log retention", {"sentinel:cluster.logRetentionDays": 45}, "sentinel:cluster.logRetentionDays", "365"),
    ("burstable nodes", {"sentinel:nodes.instanceTypes": ["t3.medium"]}, "sentinel:nodes.instanceTypes[0]", "c6i"),
    ("unlisted node type", {"sentinel:nodes.instanceTypes": ["x2.huge"]}, "sentinel:nodes.instanceTypes[0]", "c6i"),
    (
        "mixed architectures",
        {"sentinel:nodes.instanceTypes": ["c6i.large", "c7g.large"]},
        "sentinel:nodes.instanceTypes",
        "one architecture and size",
    ),
    (
        "mixed sizes",
        {"sentinel:nodes.instanceTypes": ["c6i.large", "m6i.large"]},
        "sentinel:nodes.instanceTypes",
        "one architecture and size",
    ),
    ("no node types", {"sentinel:nodes.instanceTypes": []}, "sentinel:nodes.instanceTypes", "at least 1"),
    (
        "desired above max",
        {"sentinel:nodes.desiredSize": 25},
        "sentinel:nodes.desiredSize",
        "desiredSize 25 <= maxSize 20",
    ),
    ("min above desired", {"sentinel:nodes.minSize": 4}, "sentinel:nodes.desiredSize", "minSize 4 <= desiredSize 3"),
    ("one node in prod", {"sentinel:nodes.minSize": 1}, "sentinel:nodes.minSize", "at least 2 in prod"),
    ("zero nodes", {"sentinel:nodes.maxSize": 0}, "sentinel:nodes.maxSize", "greater than or equal to 1"),
    ("disk too small", {"sentinel:nodes.diskSizeGib": 8}, "sentinel:nodes.diskSizeGib", "greater than or equal to 20"),
    (
        "rolling update of nothing",
        {"sentinel:nodes.maxUnavailablePercentage": 0},
        "sentinel:nodes.maxUnavailablePercentage",
        "greater than or equal to 1",
    ),
    ("bastion type", {"sentinel:bastion.instanceType": "m5.24xlarge"}, "sentinel:bastion.instanceType", "t4g.micro"),
    ("bastion volume", {"sentinel:bastion.rootVolumeGib": 4}, "sentinel:bastion.rootVolumeGib", "greater than"),
    ("bastion typo", {"sentinel:bastion.enable": True}, "sentinel:bastion.enable", "allowed keys: enabled"),
    ("images kept", {"sentinel:registry.imagesKept": 0}, "sentinel:registry.imagesKept", "greater than or equal to 1"),
]


test_bad_cluster_config_is_named_by_its_full_key = named_by_full_key(BAD_CONFIGS)


def test_one_node_is_allowed_in_dev_only() -> None:
    assert load("dev").nodes.min_size == 1
    assert problems_of({"sentinel:nodes.minSize": 1}, "staging")


@pytest.mark.parametrize(
    ("stack", "sizes", "bastion", "retention", "images"),
    [("dev", (1, 1, 4), False, 30, 10), ("staging", (2, 2, 6), True, 90, 20), ("prod", (2, 3, 20), True, 365, 50)],
)
def test_each_environment_gets_its_sizes(
    stack: str, sizes: tuple[int, int, int], bastion: bool, retention: int, images: int
) -> None:
    config = load(stack)
    assert (config.nodes.min_size, config.nodes.desired_size, config.nodes.max_size) == sizes
    assert config.bastion.enabled is bastion
    assert config.cluster.log_retention_days == retention
    assert config.registry.images_kept == images
    assert config.cluster.public_access_cidrs == []


def test_one_add_on_version_can_move_alone() -> None:
    config = load("prod", {"sentinel:cluster.addonVersions": {"coredns": "v1.13.2-eksbuild.1"}})
    assert config.cluster.addon_versions == {**ADDON_VERSIONS, "coredns": "v1.13.2-eksbuild.1"}


def test_the_deploy_role_comes_first_among_the_cluster_admins() -> None:
    admin = "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef"
    config = load("prod", {"sentinel:cluster.adminRoleArns": [admin]})
    assert config.cluster.principal_arns == [DEPLOY, admin]


def test_the_default_version_is_the_newest_in_the_table() -> None:
    assert load("prod").cluster.version == max(STANDARD_SUPPORT_ENDS, key=lambda v: tuple(map(int, v.split("."))))


@pytest.mark.parametrize(
    ("today", "warns"),
    [(datetime.date(2026, 9, 1), False), (datetime.date(2026, 10, 1), True), (datetime.date(2027, 6, 1), True)],
)
def test_support_ending_within_six_months_is_a_warning_never_an_error(today: datetime.date, warns: bool) -> None:
    # 1.35 leaves standard support on 2027-03-27; past it, or within 183 days of it, the program warns.
    assert support_ends_soon("1.35", today) is warns
