"""The cluster: EKS with its node groups, add-ons, access entries and Pod Identity associations, the nodes'
launch template, the image registry, the Helm releases, and the operators' bastion that reaches it."""

from __future__ import annotations

from policies.rules.deploy_constraints.allowed import (
    UNIQUE_SUFFIX,
    among,
    at_most_items,
    between,
    characters,
    length,
    starting_with,
)
from policies.rules.deploy_constraints.kinds import Constraints, RefusedTogether, Tags, Value
from policies.rules.deploy_constraints.sources import (
    ACCESS_SCOPE,
    CREATE_ACCESS_ENTRY,
    CREATE_ADDON,
    CREATE_EKS_CLUSTER,
    CREATE_LAUNCH_TEMPLATE,
    CREATE_NODEGROUP,
    CREATE_POD_IDENTITY_ASSOCIATION,
    CREATE_REPOSITORY,
    CUSTOM_NETWORKING,
    EBS_BLOCK_DEVICE,
    ECR_ENCRYPTION,
    HELM_RELEASE_NAME,
    LOG_SETUP,
    METADATA_OPTIONS,
    PUT_LIFECYCLE_POLICY,
    RUN_INSTANCES,
    VPC_QUOTAS,
)
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

CONSTRAINTS: Constraints = {
    EKS_CLUSTER: (
        Value("name", length(100), CREATE_EKS_CLUSTER),
        Value(
            "name",
            characters(r"[0-9A-Za-z][A-Za-z0-9\-_]*", "letters, digits, - and _, first a letter or digit"),
            CREATE_EKS_CLUSTER,
        ),
        Value(
            "enabledClusterLogTypes[]",
            among("api", "audit", "authenticator", "controllerManager", "scheduler"),
            LOG_SETUP,
        ),
        Value("upgradePolicy.supportType", among("STANDARD", "EXTENDED"), CREATE_EKS_CLUSTER),
        Value("accessConfig.authenticationMode", among("API", "API_AND_CONFIG_MAP", "CONFIG_MAP"), CREATE_EKS_CLUSTER),
        Tags(),
    ),
    EKS_NODE_GROUP: (
        Value("nodeGroupNamePrefix", length(63 - UNIQUE_SUFFIX), CREATE_NODEGROUP),
        Value(
            "amiType",
            among(
                "AL2023_x86_64_STANDARD",
                "AL2023_ARM_64_STANDARD",
                "AL2023_x86_64_NEURON",
                "AL2023_x86_64_NVIDIA",
                "AL2023_ARM_64_NVIDIA",
                "BOTTLEROCKET_ARM_64",
                "BOTTLEROCKET_x86_64",
                "BOTTLEROCKET_ARM_64_NVIDIA",
                "BOTTLEROCKET_x86_64_NVIDIA",
                "CUSTOM",
            ),
            CREATE_NODEGROUP,
        ),
        Value("capacityType", among("ON_DEMAND", "SPOT", "CAPACITY_BLOCK"), CREATE_NODEGROUP),
        Value("scalingConfig.maxSize", between(1, 450), CREATE_NODEGROUP),
        Value("updateConfig.maxUnavailablePercentage", between(1, 100), CREATE_NODEGROUP),
        Tags(),
    ),
    EKS_ADDON: (
        Value(
            "resolveConflictsOnCreate",
            among("NONE", "OVERWRITE"),
            "pulumi_aws/eks/addon.py (resolve_conflicts_on_create)",
        ),
        Value(
            "resolveConflictsOnUpdate",
            among("NONE", "OVERWRITE", "PRESERVE"),
            "pulumi_aws/eks/addon.py (resolve_conflicts_on_update)",
        ),
        Value("configurationValues", length(65536, minimum=0), CREATE_ADDON),
        Tags(),
    ),
    EKS_ACCESS_ENTRY: (
        Value(
            "type",
            among("STANDARD", "EC2", "EC2_LINUX", "EC2_WINDOWS", "FARGATE_LINUX", "HYBRID_LINUX", "HYPERPOD_LINUX"),
            CREATE_ACCESS_ENTRY,
        ),
        Tags(),
    ),
    EKS_ACCESS_POLICY_ASSOCIATION: (
        Value("accessScope.type", among("cluster", "namespace"), ACCESS_SCOPE),
        Value("policyArn", starting_with("arn:aws:eks::aws:cluster-access-policy/"), ACCESS_SCOPE),
    ),
    # The VPC CNI finds a node's ENIConfig by the node's zone label, and creates its pods' interfaces in the subnet
    # with the groups named (five groups per network interface).
    ENI_CONFIG: (
        Value("metadata.name", characters(r"[a-z]{2}(-[a-z]+)+-\d[a-z]", "zone names (us-east-1a)"), CUSTOM_NETWORKING),
        Value("spec.subnet", starting_with("subnet-"), CUSTOM_NETWORKING),
        Value("spec.securityGroups", at_most_items(5), VPC_QUOTAS),
    ),
    EKS_POD_IDENTITY_ASSOCIATION: (
        Value(
            "serviceAccount",
            characters(r"[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?", "Kubernetes object names (lowercase DNS subdomains)"),
            CREATE_POD_IDENTITY_ASSOCIATION,
        ),
        Tags(),
    ),
    LAUNCH_TEMPLATE: (
        Value("namePrefix", length(128 - UNIQUE_SUFFIX, minimum=3), CREATE_LAUNCH_TEMPLATE),
        Value("namePrefix", characters(r"[a-zA-Z0-9().\-/_]+", "letters, digits and ().-/_"), CREATE_LAUNCH_TEMPLATE),
        Value("description", length(255, minimum=0), CREATE_LAUNCH_TEMPLATE),
        Value("metadataOptions.httpTokens", among("optional", "required"), METADATA_OPTIONS),
        Value("metadataOptions.httpPutResponseHopLimit", between(1, 64), METADATA_OPTIONS),
        Value(
            "blockDeviceMappings[].ebs.volumeType",
            among("standard", "io1", "io2", "gp2", "sc1", "st1", "gp3"),
            EBS_BLOCK_DEVICE,
        ),
        Value("blockDeviceMappings[].ebs.volumeSize", between(1, 16384), EBS_BLOCK_DEVICE),
        Tags(),
    ),
    ECR_REPOSITORY: (
        Value("name", length(256, minimum=2), CREATE_REPOSITORY),
        Value(
            "name",
            characters(
                r"(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*",
                "lowercase letters, digits and ._-/, each part starting and ending with a letter or digit",
            ),
            CREATE_REPOSITORY,
        ),
        Value(
            "imageTagMutability",
            among("MUTABLE", "IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION", "MUTABLE_WITH_EXCLUSION"),
            CREATE_REPOSITORY,
        ),
        Value("encryptionConfigurations[].encryptionType", among("AES256", "KMS", "KMS_DSSE"), ECR_ENCRYPTION),
        Tags(),
    ),
    ECR_LIFECYCLE_POLICY: (Value("policy", length(30720, minimum=100), PUT_LIFECYCLE_POLICY),),
    HELM_RELEASE: (
        Value("name", length(53), HELM_RELEASE_NAME),
        Value("name", characters(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", "lowercase DNS-1123 labels"), HELM_RELEASE_NAME),
    ),
    EC2_INSTANCE: (
        RefusedTogether(
            ("subnetId", "associatePublicIpAddress", "launchTemplate"),
            "with a subnet and a public-address choice the provider sends a network interface, beside the security "
            "groups the launch template gives the instance, and EC2 answers InvalidParameterCombination (network "
            "interfaces and instance-level security groups may not be specified on the same request)",
            f"{RUN_INSTANCES}; pulumi_aws/ec2/instance.py (associate_public_ip_address, "
            "subnet_id, launch_template), forwarded by terraform-provider-aws internal/service/ec2/ec2_instance.go "
            "(buildInstanceOpts; hashicorp/terraform-provider-aws#32614)",
        ),
        Tags(),
    ),
}
