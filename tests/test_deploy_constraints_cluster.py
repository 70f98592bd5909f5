"""Deploy constraints of the cluster (EKS, its launch template, ECR, Helm releases and the bastion): the inputs the
program sets pass, and each constraint reports the value that breaks it."""

from __future__ import annotations

import json
from typing import Any

from policies.rules.deploy_constraints import cluster
from policies.support.aws import (
    EC2_INSTANCE,
    ECR_LIFECYCLE_POLICY,
    ECR_REPOSITORY,
    EKS_ACCESS_ENTRY,
    EKS_ACCESS_POLICY_ASSOCIATION,
    EKS_ADDON,
    EKS_CLUSTER,
    EKS_NODE_GROUP,
    EKS_POD_IDENTITY_ASSOCIATION,
    HELM_RELEASE,
    LAUNCH_TEMPLATE,
)
from policies.support.kubernetes import ENI_CONFIG
from tests.deploy_constraint_cases import constraint_case, untested_constraints
from tests.policy_builders import property_rule_tests

COMPLIANT: dict[str, dict[str, Any]] = {
    EKS_CLUSTER: {
        "name": "sentinel-prod",
        "enabledClusterLogTypes": ["api", "audit", "authenticator", "controllerManager", "scheduler"],
        "upgradePolicy": {"supportType": "STANDARD"},
        "accessConfig": {"authenticationMode": "API"},
        "tags": {"Name": "sentinel-prod"},
    },
    EKS_NODE_GROUP: {
        "nodeGroupNamePrefix": "sentinel-prod-nodes-",
        "amiType": "AL2023_x86_64_STANDARD",
        "capacityType": "ON_DEMAND",
        "scalingConfig": {"minSize": 2, "desiredSize": 3, "maxSize": 20},
        "updateConfig": {"maxUnavailablePercentage": 33},
    },
    EKS_ADDON: {
        "addonName": "vpc-cni",
        "resolveConflictsOnCreate": "OVERWRITE",
        "resolveConflictsOnUpdate": "OVERWRITE",
        "configurationValues": '{"enableNetworkPolicy": "true"}',
    },
    EKS_ACCESS_ENTRY: {"principalArn": "arn:aws:iam::111111111111:role/sentinel-deploy", "type": "STANDARD"},
    EKS_ACCESS_POLICY_ASSOCIATION: {
        "policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
        "accessScope": {"type": "cluster"},
    },
    EKS_POD_IDENTITY_ASSOCIATION: {"namespace": "kube-system", "serviceAccount": "cluster-autoscaler"},
    ENI_CONFIG: {
        "metadata": {"name": "us-east-1a"},
        "spec": {"subnet": "subnet-0123456789abcdef0", "securityGroups": ["sg-0123456789abcdef0"]},
    },
    LAUNCH_TEMPLATE: {
        "namePrefix": "sentinel-prod-eks-nodes-",
        "description": "EKS nodes of sentinel-prod",
        "metadataOptions": {"httpTokens": "required", "httpPutResponseHopLimit": 1},
        "blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"volumeType": "gp3", "volumeSize": 50}}],
    },
    ECR_REPOSITORY: {
        "name": "sentinel-prod/web",
        "imageTagMutability": "IMMUTABLE",
        "encryptionConfigurations": [{"encryptionType": "KMS", "kmsKey": "key-1"}],
    },
    ECR_LIFECYCLE_POLICY: {
        "repository": "sentinel-prod/web",
        "policy": json.dumps({"rules": [{"rulePriority": 1}]}) * 4,
    },
    EC2_INSTANCE: {"subnetId": "subnet-1", "tags": {"Name": "sentinel-prod-bastion"}},
    HELM_RELEASE: {"name": "cluster-autoscaler", "chart": "cluster-autoscaler", "version": "9.54.0"},
}

case = constraint_case(COMPLIANT)

# (resource type, the change that breaks its compliant inputs, the start of the message it then reports, id)
CASES = [
    case(EKS_CLUSTER, {"name": "c" * 101}, "name is", "cluster-name-length"),
    case(EKS_CLUSTER, {"name": "-sentinel"}, 'name is "-sentinel": AWS allows letters, digits, -', "cluster-name"),
    case(
        EKS_CLUSTER,
        {"enabledClusterLogTypes": ["api", "controller-manager"]},
        'enabledClusterLogTypes[1] is "controller-manager": AWS allows one of "api"',
        "log-type",
    ),
    case(EKS_CLUSTER, {"upgradePolicy": {"supportType": "LTS"}}, 'upgradePolicy.supportType is "LTS"', "support"),
    case(
        EKS_CLUSTER,
        {"accessConfig": {"authenticationMode": "IAM"}},
        'accessConfig.authenticationMode is "IAM": AWS allows one of "API"',
        "authentication-mode",
    ),
    case(EKS_CLUSTER, {"tags": {"aws:eks": "x"}}, 'tags key "aws:eks"', "cluster-tags"),
    case(EKS_NODE_GROUP, {"nodeGroupNamePrefix": "n" * 38}, "nodeGroupNamePrefix is", "node-group-prefix"),
    case(EKS_NODE_GROUP, {"amiType": "AL2023_X86_64"}, 'amiType is "AL2023_X86_64": AWS allows one of', "ami-type"),
    case(EKS_NODE_GROUP, {"capacityType": "RESERVED"}, 'capacityType is "RESERVED": AWS allows one of', "capacity"),
    case(
        EKS_NODE_GROUP,
        {"scalingConfig": {"maxSize": 0}},
        "scalingConfig.maxSize is 0: AWS allows whole numbers from 1 to 450",
        "node-group-max",
    ),
    case(
        EKS_NODE_GROUP,
        {"updateConfig": {"maxUnavailablePercentage": 0}},
        "updateConfig.maxUnavailablePercentage is 0: AWS allows whole numbers from 1 to 100",
        "max-unavailable",
    ),
    case(EKS_NODE_GROUP, {"tags": {"k" * 129: "v"}}, "tags key", "node-group-tags"),
    case(EKS_ADDON, {"resolveConflictsOnCreate": "PRESERVE"}, 'resolveConflictsOnCreate is "PRESERVE"', "conflicts"),
    case(EKS_ADDON, {"resolveConflictsOnUpdate": "MERGE"}, 'resolveConflictsOnUpdate is "MERGE"', "update-conflicts"),
    case(EKS_ADDON, {"configurationValues": "c" * 65537}, "configurationValues is", "addon-configuration"),
    case(EKS_ADDON, {"tags": {"aws:x": "y"}}, 'tags key "aws:x"', "addon-tags"),
    case(EKS_ACCESS_ENTRY, {"type": "ADMIN"}, 'type is "ADMIN": AWS allows one of "STANDARD"', "access-entry-type"),
    case(EKS_ACCESS_ENTRY, {"tags": {"aws:x": "y"}}, 'tags key "aws:x"', "access-entry-tags"),
    case(
        EKS_ACCESS_POLICY_ASSOCIATION,
        {"accessScope": {"type": "Cluster"}},
        'accessScope.type is "Cluster": AWS allows one of "cluster", "namespace"',
        "access-scope",
    ),
    case(
        EKS_ACCESS_POLICY_ASSOCIATION,
        {"policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"},
        'policyArn is "arn:aws:iam::aws:policy/AdministratorAccess": AWS allows values starting with',
        "access-policy",
    ),
    case(
        EKS_POD_IDENTITY_ASSOCIATION,
        {"serviceAccount": "Cluster_Autoscaler"},
        'serviceAccount is "Cluster_Autoscaler": AWS allows Kubernetes object names',
        "service-account",
    ),
    case(EKS_POD_IDENTITY_ASSOCIATION, {"tags": {"aws:x": "y"}}, 'tags key "aws:x"', "association-tags"),
    case(ENI_CONFIG, {"metadata": {"name": "pods-a"}}, 'metadata.name is "pods-a": AWS allows zone names', "eni-name"),
    case(
        ENI_CONFIG,
        {"spec": {"subnet": "sg-1"}},
        'spec.subnet is "sg-1": AWS allows values starting with subnet-',
        "eni-subnet",
    ),
    case(
        ENI_CONFIG,
        {"spec": {"securityGroups": [f"sg-{index}" for index in range(6)]}},
        "spec.securityGroups is a list of 6: AWS allows at most 5 items",
        "eni-groups",
    ),
    case(LAUNCH_TEMPLATE, {"namePrefix": "n" * 103}, "namePrefix is", "template-prefix-length"),
    case(
        LAUNCH_TEMPLATE, {"namePrefix": "eks nodes"}, 'namePrefix is "eks nodes": AWS allows letters', "template-prefix"
    ),
    case(LAUNCH_TEMPLATE, {"description": "d" * 256}, "description is", "template-description"),
    case(
        LAUNCH_TEMPLATE,
        {"metadataOptions": {"httpTokens": "v2"}},
        'metadataOptions.httpTokens is "v2": AWS allows one of "optional", "required"',
        "http-tokens",
    ),
    case(
        LAUNCH_TEMPLATE,
        {"metadataOptions": {"httpPutResponseHopLimit": 65}},
        "metadataOptions.httpPutResponseHopLimit is 65: AWS allows whole numbers from 1 to 64",
        "hop-limit",
    ),
    case(
        LAUNCH_TEMPLATE,
        {"blockDeviceMappings": [{"ebs": {"volumeType": "gp4"}}]},
        'blockDeviceMappings[0].ebs.volumeType is "gp4": AWS allows one of',
        "volume-type",
    ),
    case(
        LAUNCH_TEMPLATE,
        {"blockDeviceMappings": [{"ebs": {"volumeSize": 0}}]},
        "blockDeviceMappings[0].ebs.volumeSize is 0: AWS allows whole numbers from 1 to 16384",
        "volume-size",
    ),
    case(LAUNCH_TEMPLATE, {"tags": {"aws:x": "y"}}, 'tags key "aws:x"', "template-tags"),
    case(ECR_REPOSITORY, {"name": "w"}, 'name is "w": AWS allows 2 to 256 characters', "repository-name-length"),
    case(ECR_REPOSITORY, {"name": "Sentinel/Web"}, 'name is "Sentinel/Web": AWS allows lowercase', "repository-name"),
    case(ECR_REPOSITORY, {"imageTagMutability": "FROZEN"}, 'imageTagMutability is "FROZEN"', "tag-mutability"),
    case(
        ECR_REPOSITORY,
        {"encryptionConfigurations": [{"encryptionType": "SSE"}]},
        'encryptionConfigurations[0].encryptionType is "SSE": AWS allows one of "AES256", "KMS", "KMS_DSSE"',
        "repository-encryption",
    ),
    case(ECR_REPOSITORY, {"tags": {"aws:x": "y"}}, 'tags key "aws:x"', "repository-tags"),
    case(ECR_LIFECYCLE_POLICY, {"policy": "{}"}, 'policy is "{}": AWS allows 100 to 30720 characters', "lifecycle"),
    case(EC2_INSTANCE, {"tags": {"Name": "bastion's"}}, 'tags["Name"] is "bastion\'s"', "instance-tags"),
    case(
        EC2_INSTANCE,
        {"associatePublicIpAddress": False, "launchTemplate": {"id": "lt-1", "version": "1"}},
        "subnetId, associatePublicIpAddress, launchTemplate are set together: with a subnet and a public-address",
        "instance-network-interface-beside-template-groups",
    ),
    case(HELM_RELEASE, {"name": "r" * 54}, "name is", "release-name-length"),
    case(HELM_RELEASE, {"name": "Cluster_Autoscaler"}, 'name is "Cluster_Autoscaler": AWS allows lowercase', "release"),
]

test_compliant_values_pass, test_each_constraint_reports_its_planted_value = property_rule_tests(CASES)


def test_every_constraint_has_a_failing_case() -> None:
    assert untested_constraints(cluster.CONSTRAINTS, CASES) == []
