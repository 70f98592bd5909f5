"""Replacement rules for the platform's AWS services: EKS, IAM, ECR, CodeBuild, CloudWatch (metrics and logs) and SNS.

Transcribed from the Terraform AWS provider v6 resource sources (pulumi-aws v7 is built on it; the installed SDK is
7.51.1), input names checked against that SDK. Every regional resource also takes a top-level `region`; the
provider's `forceNewIfRegionChanges` interceptor (internal/provider/sdkv2/region.go, and
`resourceForceNewIfRegionChanges` in internal/provider/framework/region.go for the plugin-framework pod identity
association) replaces it when that value changes, so each regional rule lists `region`. IAM is global and has none.

The SDK already has a few inputs newer than the newest provider source that could be read; a rule's note names them.
They are left out rather than guessed, and none of them is set by the program today.
"""

from __future__ import annotations

import re
from typing import Any

from offline.replacements.rules import TERRAFORM_AWS, Conditional, Inputs, Outcome, Rule, block, version_tuple

_NUMERIC_VERSION = re.compile(r"\d+(\.\d+)*")


def _known_version(value: Any) -> tuple[int, ...] | None:
    """`1.31` as (1, 31); None for an unset or not-yet-known value, which must not look like a downgrade."""
    text = str(value) if isinstance(value, str | int | float) and not isinstance(value, bool) else ""
    return version_tuple(text) if _NUMERIC_VERSION.fullmatch(text) else None


def cluster_encryption_removed(old: Inputs, new: Inputs) -> str | None:
    """The cluster's `ForceNewIfChange("encryption_config", ...)`: envelope encryption cannot be turned off."""
    if block(old, "encryptionConfig") is not None and block(new, "encryptionConfig") is None:
        return "EKS cannot disable secrets encryption once enabled: removing encryptionConfig replaces the cluster"
    return None


def cluster_node_role_changed(old: Inputs, new: Inputs) -> str | None:
    """The cluster's `validateAutoModeComputeConfigCustomizeDiff`: an Auto Mode node role, once set, can only be
    changed by a new cluster, unless the change turns Auto Mode (or its built-in node pools) off and drops the role."""
    old_config, new_config = block(old, "computeConfig"), block(new, "computeConfig")
    if old_config is None or new_config is None:
        return None
    old_role, new_role = old_config.get("nodeRoleArn") or "", new_config.get("nodeRoleArn") or ""
    if not new_role and (not new_config.get("enabled") or not new_config.get("nodePools")):
        return None
    if old_role and old_role != new_role:
        return f"the Auto Mode node role changes ({old_role} -> {new_role or 'none'}): the cluster is replaced"
    return None


def cluster_version_step_refused(old: Inputs, new: Inputs) -> str | None:
    """EKS (UpdateClusterVersion) moves a control plane up one minor version at a time and never down; the provider
    sends any change, so the plan shows an update that fails at apply."""
    before, after = _known_version(old.get("version")), _known_version(new.get("version"))
    if before is None or after is None or before == after:
        return None
    if after < before:
        return f"EKS cannot downgrade a cluster ({old.get('version')} -> {new.get('version')})"
    if before[:1] == after[:1] and len(before) > 1 and len(after) > 1 and after[1] - before[1] > 1:
        return f"EKS upgrades one minor version at a time ({old.get('version')} -> {new.get('version')})"
    return None


def node_group_version_downgrade(old: Inputs, new: Inputs) -> str | None:
    """EKS (UpdateNodegroupVersion) moves a managed node group's Kubernetes version up to the cluster's, never down."""
    before, after = _known_version(old.get("version")), _known_version(new.get("version"))
    if before is not None and after is not None and after < before:
        return f"EKS cannot downgrade a managed node group ({old.get('version')} -> {new.get('version')})"
    return None


_EKS = "internal/service/eks/"

RULES: tuple[Rule, ...] = (
    # --- EKS
    Rule(
        type="aws:eks/cluster:Cluster",
        source=TERRAFORM_AWS + _EKS + "cluster.go",
        replace_on=(
            "accessConfig.bootstrapClusterCreatorAdminPermissions",
            "bootstrapSelfManagedAddons",
            "kubernetesNetworkConfig.ipFamily",
            "kubernetesNetworkConfig.serviceIpv4Cidr",
            "name",
            "outpostConfig.controlPlaneInstanceType",
            "outpostConfig.controlPlanePlacement.groupName",
            "roleArn",
            "region",
        ),
        conditional=(
            Conditional("encryptionConfig", Outcome.REPLACE, cluster_encryption_removed),
            Conditional("computeConfig.nodeRoleArn", Outcome.REPLACE, cluster_node_role_changed),
            Conditional("version", Outcome.FAIL, cluster_version_step_refused),
        ),
        holds_data=True,
        note=(
            "Holds the cluster's etcd state. vpcConfig.subnetIds, vpcConfig.securityGroupIds and remoteNetworkConfig "
            "are updated in place (UpdateClusterConfig) in this provider version; older versions replaced on them. "
            "A new key for an existing encryptionConfig is neither sent nor replaced: the change stays in every plan. "
            "The version FAIL is EKS's rule, not the provider's. Newer than the source read, not transcribed: "
            "kubeApiServerConfig, kubeControllerManagerConfig, kubeSchedulerConfig, vpcConfig.controlPlaneEgressMode, "
            "outpostConfig.etcdInstanceType/etcdPlacement, outpostConfig.controlPlanePlacement.spreadLevel."
        ),
    ),
    Rule(
        type="aws:eks/nodeGroup:NodeGroup",
        source=TERRAFORM_AWS + _EKS + "node_group.go",
        replace_on=(
            "amiType",
            "capacityType",
            "clusterName",
            "diskSize",
            "instanceTypes",
            "launchTemplate.id",
            "launchTemplate.name",
            "nodeGroupName",
            "nodeGroupNamePrefix",
            "nodeRoleArn",
            "remoteAccess",
            "subnetIds",
            "region",
        ),
        conditional=(Conditional("version", Outcome.FAIL, node_group_version_downgrade),),
        note=(
            "launchTemplate.version, releaseVersion and version roll the nodes in place (UpdateNodegroupVersion); "
            "adding or removing the launchTemplate block changes its id, so it replaces. The version FAIL is EKS's "
            "rule. Newer than the source read, not transcribed: warmPoolConfig, nodeRepairConfig's thresholds and "
            "overrides, updateConfig.updateStrategy."
        ),
    ),
    Rule(
        type="aws:eks/addon:Addon",
        source=TERRAFORM_AWS + _EKS + "addon.go",
        replace_on=("addonName", "clusterName", "region"),
        note=(
            "namespaceConfig is newer than the source read; UpdateAddon cannot move an add-on to another namespace "
            "(the SDK's own docs say to re-create it), so expect a replacement when it changes."
        ),
    ),
    Rule(
        type="aws:eks/accessEntry:AccessEntry",
        source=TERRAFORM_AWS + _EKS + "access_entry.go",
        replace_on=("clusterName", "principalArn", "type", "region"),
    ),
    Rule(
        type="aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
        source=TERRAFORM_AWS + _EKS + "access_policy_association.go",
        replace_on=("accessScope", "clusterName", "policyArn", "principalArn", "region"),
        note="The resource has no update: every input is ForceNew.",
    ),
    Rule(
        type="aws:eks/podIdentityAssociation:PodIdentityAssociation",
        source=TERRAFORM_AWS + _EKS + "pod_identity_association.go",
        replace_on=("clusterName", "namespace", "serviceAccount", "region"),
        note="Plugin framework (RequiresReplace). policy is newer than the source read, not transcribed.",
    ),
    # --- IAM (global: no region)
    Rule(
        type="aws:iam/role:Role",
        source=TERRAFORM_AWS + "internal/service/iam/role.go",
        replace_on=("name", "namePrefix", "path"),
    ),
    Rule(
        type="aws:iam/rolePolicy:RolePolicy",
        source=TERRAFORM_AWS + "internal/service/iam/role_policy.go",
        replace_on=("name", "namePrefix", "role"),
    ),
    Rule(
        type="aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        source=TERRAFORM_AWS + "internal/service/iam/role_policy_attachment.go",
        replace_on=("policyArn", "role"),
    ),
    Rule(
        type="aws:iam/instanceProfile:InstanceProfile",
        source=TERRAFORM_AWS + "internal/service/iam/instance_profile.go",
        replace_on=("name", "namePrefix", "path"),
    ),
    Rule(
        type="aws:iam/policy:Policy",
        source=TERRAFORM_AWS + "internal/service/iam/policy.go",
        replace_on=("description", "name", "namePrefix", "path"),
    ),
    # --- ECR
    Rule(
        type="aws:ecr/repository:Repository",
        source=TERRAFORM_AWS + "internal/service/ecr/repository.go",
        replace_on=("encryptionConfigurations", "name", "region"),
        holds_data=True,
        note=(
            "Holds the images. Pulumi names Terraform's encryption_configuration block encryptionConfigurations; "
            "the block and both its fields are ForceNew. Dropping a block that only restated the AES256 default is "
            "suppressed by the provider (no change), dropping a KMS one replaces."
        ),
    ),
    Rule(
        type="aws:ecr/lifecyclePolicy:LifecyclePolicy",
        source=TERRAFORM_AWS + "internal/service/ecr/lifecycle_policy.go",
        replace_on=("policy", "repository", "region"),
        note=(
            "The resource has no update: a policy edit replaces it. pulumi-aws makes that delete-before-replace "
            "(pulumi/pulumi-aws#2085), so the repository is briefly without a policy; no images are lost."
        ),
    ),
    # --- CodeBuild
    Rule(
        type="aws:codebuild/project:Project",
        source=TERRAFORM_AWS + "internal/service/codebuild/project.go",
        replace_on=("name", "region"),
        note="autoRetryLimit is newer than the source read, not transcribed.",
    ),
    Rule(
        type="aws:codebuild/webhook:Webhook",
        source=TERRAFORM_AWS + "internal/service/codebuild/webhook.go",
        replace_on=("projectName", "region"),
        note=(
            "A replacement rotates the webhook's secret. manualCreation and pullRequestBuildPolicy are newer than "
            "the source read, not transcribed (UpdateWebhook has no manualCreation, so expect it to replace)."
        ),
    ),
    # --- CloudWatch
    Rule(
        type="aws:cloudwatch/dashboard:Dashboard",
        source=TERRAFORM_AWS + "internal/service/cloudwatch/dashboard.go",
        replace_on=("dashboardName", "region"),
    ),
    Rule(
        type="aws:cloudwatch/metricAlarm:MetricAlarm",
        source=TERRAFORM_AWS + "internal/service/cloudwatch/metric_alarm.go",
        replace_on=("name", "region"),
        note=(
            "Pulumi names Terraform's alarm_name `name`. Every other input goes through PutMetricAlarm in place, "
            "including evaluationWindow and warmUpConfiguration, which are newer than the source read."
        ),
    ),
    Rule(
        type="aws:cloudwatch/logGroup:LogGroup",
        source=TERRAFORM_AWS + "internal/service/logs/group.go",
        replace_on=("logGroupClass", "name", "namePrefix", "region"),
        holds_data=True,
        note=(
            "Holds the logs (the audit trail for the control plane, flow logs and database). "
            "deletionProtectionEnabled is newer than the source read, not transcribed."
        ),
    ),
    # --- SNS
    Rule(
        type="aws:sns/topic:Topic",
        source=TERRAFORM_AWS + "internal/service/sns/topic.go",
        replace_on=("fifoTopic", "name", "namePrefix", "region"),
        note=(
            "A replacement drops the topic's subscriptions and whatever points at its ARN. fifoThroughputScope and "
            "maximumMessageSize are newer than the source read, not transcribed."
        ),
    ),
    Rule(
        type="aws:sns/topicPolicy:TopicPolicy",
        source=TERRAFORM_AWS + "internal/service/sns/topic_policy.go",
        replace_on=("arn", "region"),
    ),
    Rule(
        type="aws:sns/topicSubscription:TopicSubscription",
        source=TERRAFORM_AWS + "internal/service/sns/topic_subscription.go",
        replace_on=("endpoint", "protocol", "topic", "region"),
        note=(
            "Pulumi names Terraform's topic_arn `topic`. A replaced email or unconfirmed HTTP subscription waits for "
            "a new confirmation."
        ),
    ),
)
