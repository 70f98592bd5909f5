"""The cluster tier on each stack's graph: the EKS control plane, who may reach it, the node group, the add-ons
in their order, the Kubernetes provider, the Cluster Autoscaler, the image repositories and the bastion."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.base import Platform
from components.config.cluster import ADDON_VERSIONS
from facts.instance_classes import NODE_INSTANCE_TYPES
from offline.graph import Graph, Resource
from tests import programs
from tests.graph_queries import INGRESS, SECURITY_GROUP, group_roles, rule_peer
from tests.helpers import graph_of, load

CLUSTER = "aws:eks/cluster:Cluster"
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
ADDON = "aws:eks/addon:Addon"
ACCESS_ENTRY = "aws:eks/accessEntry:AccessEntry"
ACCESS_POLICY = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"
POD_IDENTITY = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
KMS_KEY = "aws:kms/key:Key"
REPOSITORY = "aws:ecr/repository:Repository"
LIFECYCLE = "aws:ecr/lifecyclePolicy:LifecyclePolicy"
INSTANCE = "aws:ec2/instance:Instance"
PROFILE = "aws:iam/instanceProfile:InstanceProfile"
RELEASE = "kubernetes:helm.sh/v3:Release"
KUBERNETES_PROVIDER = "pulumi:providers:kubernetes"
ADMIN = "arn:aws:iam::111111111111:role/platform-admin"
# Pod networking (the CNI, and kube-proxy's routes to the API server it needs) and pod credentials must run before
# nodes can be Ready; add-ons with Deployments created before any node stay degraded until EKS times them out.
BEFORE_NODES = {"vpc-cni", "kube-proxy", "eks-pod-identity-agent"}
AFTER_NODES = {
    "coredns",
    "metrics-server",
    "amazon-cloudwatch-observability",
    "aws-efs-csi-driver",
    "aws-secrets-store-csi-driver-provider",
}


@pytest.fixture(scope="module")
def opened() -> Graph:
    """prod's cluster and bastion with a public endpoint for one range, an extra admin role, arm64 nodes and an x86
    bastion: one run for every variant the stack files do not show."""
    return programs.run(
        programs.cluster_and_bastion,
        "prod",
        {
            "sentinel:cluster.publicAccessCidrs": ["140.82.112.0/20"],
            "sentinel:cluster.adminRoleArns": [ADMIN],
            "sentinel:bastion.instanceType": "t3.micro",
            "sentinel:nodes.instanceTypes": ["c7g.large", "c6g.large"],
        },
    )


def one(graph: Graph, type_: str) -> Resource:
    [resource] = graph.of_type(type_)
    return resource


def depends_on(resource: Resource, other: Resource) -> bool:
    return other.urn in resource.dependencies


def addons(graph: Graph) -> dict[str, Resource]:
    return {addon.inputs["addonName"]: addon for addon in graph.of_type(ADDON)}


def role_of(graph: Graph, role_arn: str) -> Resource:
    [role] = [role for role in graph.of_type(ROLE) if role.outputs["arn"] == role_arn]
    return role


def managed_policies(graph: Graph, role: Resource) -> set[str]:
    return {
        attachment.inputs["policyArn"].rsplit("/", 1)[1]
        for attachment in graph.of_type(ATTACHMENT)
        if attachment.inputs["role"] == role.outputs["name"]
    }


def trust(role: Resource) -> dict[str, Any]:
    [statement] = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    return statement


# --- Control plane -----------------------------------------------------------------------------------------


def test_the_cluster_is_named_by_the_platform_on_the_private_subnets(stack_graph: Graph) -> None:
    cluster = one(stack_graph, CLUSTER)
    config = load(stack_graph.stack)
    private = [s.id for s in stack_graph.of_type("aws:ec2/subnet:Subnet") if s.inputs["tags"]["Tier"] == "private"]
    assert cluster.inputs["name"] == Platform.of(config).cluster_name
    assert cluster.inputs["version"] == config.cluster.version
    assert sorted(cluster.inputs["vpcConfig"]["subnetIds"]) == sorted(private)
    assert cluster.inputs["upgradePolicy"] == {"supportType": "STANDARD"}
    assert cluster.inputs["bootstrapSelfManagedAddons"] is False
    assert cluster.inputs["accessConfig"] == {
        "authenticationMode": "API",
        "bootstrapClusterCreatorAdminPermissions": False,
    }


def test_secrets_are_encrypted_with_a_rotating_key_the_cluster_role_may_use(prod: Graph) -> None:
    cluster = one(prod, CLUSTER)
    key = prod.named(KMS_KEY, "cluster-secrets")
    assert cluster.inputs["encryptionConfig"] == {"resources": ["secrets"], "provider": {"keyArn": key.outputs["arn"]}}
    assert key.inputs["enableKeyRotation"] is True
    role = role_of(prod, cluster.inputs["roleArn"])
    [statement] = json.loads(prod.named(ROLE_POLICY, "cluster-cluster-secrets-key").inputs["policy"])["Statement"]
    assert statement["Resource"] == key.outputs["arn"]
    assert managed_policies(prod, role) == {"AmazonEKSClusterPolicy"}
    assert trust(role)["Principal"] == {"Service": "eks.amazonaws.com"}


def test_every_control_plane_log_goes_to_the_encrypted_group_created_first(stack_graph: Graph) -> None:
    cluster = one(stack_graph, CLUSTER)
    log_group = stack_graph.named(LOG_GROUP, "cluster-control-plane")
    assert sorted(cluster.inputs["enabledClusterLogTypes"]) == sorted(
        ["api", "audit", "authenticator", "controllerManager", "scheduler"]
    )
    assert log_group.inputs["name"] == f"/aws/eks/{cluster.inputs['name']}/cluster"
    assert log_group.inputs["retentionInDays"] == load(stack_graph.stack).cluster.log_retention_days
    assert log_group.inputs["kmsKeyId"] == stack_graph.named(KMS_KEY, "cluster-logs").outputs["arn"]
    assert depends_on(cluster, log_group)


def test_the_endpoint_is_private_unless_ranges_are_configured(prod: Graph, opened: Graph) -> None:
    assert one(prod, CLUSTER).inputs["vpcConfig"]["endpointPublicAccess"] is False
    assert "publicAccessCidrs" not in one(prod, CLUSTER).inputs["vpcConfig"]
    vpc_config = one(opened, CLUSTER).inputs["vpcConfig"]
    assert vpc_config["endpointPrivateAccess"] is True
    assert vpc_config["endpointPublicAccess"] is True
    assert vpc_config["publicAccessCidrs"] == ["140.82.112.0/20"]


def test_only_the_nodes_the_bastion_and_the_deploy_runner_reach_the_api_through_the_control_planes_group(
    prod: Graph,
) -> None:
    roles = group_roles(prod)
    [group] = [g for g in prod.of_type(SECURITY_GROUP) if g.inputs["tags"]["Role"] == "controlplane"]
    assert one(prod, CLUSTER).inputs["vpcConfig"]["securityGroupIds"] == [group.id]
    rules = [r for r in prod.of_type(INGRESS) if roles[r.inputs["securityGroupId"]] == "controlplane"]
    assert {(r.inputs["fromPort"], r.inputs["toPort"], rule_peer(prod, r)) for r in rules} == {
        (443, 443, "webapp"),  # nodes and pods: they are not in the group EKS makes for the cluster
        (443, 443, "bastion"),
        (443, 443, "deployrunner"),
    }


def test_no_ssh_path_from_the_bastion_to_the_nodes(stack_graph: Graph) -> None:
    assert [r.urn for r in stack_graph.of_type(INGRESS) if r.inputs.get("fromPort") == 22] == []


# --- Access --------------------------------------------------------------------------------------------------


def test_the_deploy_role_and_each_admin_role_get_cluster_admin(opened: Graph) -> None:
    config = load("prod")
    entries = {entry.inputs["principalArn"]: entry for entry in opened.of_type(ACCESS_ENTRY)}
    assert set(entries) == {config.cluster.deploy_role_arn, ADMIN}
    assert all(entry.inputs["type"] == "STANDARD" for entry in entries.values())
    for association in opened.of_type(ACCESS_POLICY):
        assert association.inputs["policyArn"].endswith("/AmazonEKSClusterAdminPolicy")
        assert association.inputs["accessScope"] == {"type": "cluster"}
        assert any(depends_on(association, entry) for entry in entries.values())
    assert {a.inputs["principalArn"] for a in opened.of_type(ACCESS_POLICY)} == set(entries)


def test_the_node_role_gets_no_entry_of_ours(stack_graph: Graph) -> None:
    # EKS creates the managed node group's EC2_LINUX entry itself; a second one would fail.
    node_role = one(stack_graph, NODE_GROUP).inputs["nodeRoleArn"]
    assert node_role not in {entry.inputs["principalArn"] for entry in stack_graph.of_type(ACCESS_ENTRY)}


def test_every_kubernetes_resource_uses_the_provider_that_waits_for_the_deploy_roles_access(
    stack_graph: Graph,
) -> None:
    provider = one(stack_graph, KUBERNETES_PROVIDER)
    deploy = stack_graph.named(ACCESS_POLICY, "cluster-deploy")
    assert depends_on(provider, deploy)
    kubernetes = [r for r in stack_graph if r.type.startswith("kubernetes:")]
    assert kubernetes
    assert all(resource.provider == provider.urn for resource in kubernetes)


def test_the_kubeconfig_authenticates_with_get_token_and_is_exported_as_a_secret(prod: Graph) -> None:
    provider = one(prod, KUBERNETES_PROVIDER)
    kubeconfig = json.loads(provider.inputs["kubeconfig"]["value"])
    [user] = kubeconfig["users"]
    assert user["user"]["exec"]["command"] == "aws"
    assert user["user"]["exec"]["args"][:4] == ["eks", "get-token", "--cluster-name", "sentinel-prod"]
    [cluster] = kubeconfig["clusters"]
    assert cluster["cluster"]["server"] == one(prod, CLUSTER).outputs["endpoint"]
    export = prod.exports["kubeconfig"]
    assert json.loads(export)["users"] == kubeconfig["users"]


# --- Nodes ---------------------------------------------------------------------------------------------------


def test_the_node_role_has_exactly_the_policies_nodes_need(stack_graph: Graph) -> None:
    role = role_of(stack_graph, one(stack_graph, NODE_GROUP).inputs["nodeRoleArn"])
    assert managed_policies(stack_graph, role) == {"AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly"}
    assert trust(role)["Principal"] == {"Service": "ec2.amazonaws.com"}
    assert "Condition" not in trust(role)


def test_the_node_group_scales_as_configured_across_the_private_subnets(stack_graph: Graph) -> None:
    config = load(stack_graph.stack).nodes
    group = one(stack_graph, NODE_GROUP)
    cluster = one(stack_graph, CLUSTER)
    assert group.inputs["scalingConfig"] == {
        "minSize": config.min_size,
        "desiredSize": config.desired_size,
        "maxSize": config.max_size,
    }
    assert group.inputs["subnetIds"] == cluster.inputs["vpcConfig"]["subnetIds"]
    assert group.inputs["instanceTypes"] == config.instance_types
    assert group.inputs["amiType"] == "AL2023_x86_64_STANDARD"
    assert group.inputs["updateConfig"] == {"maxUnavailablePercentage": config.max_unavailable_percentage}
    assert group.options.ignore_changes == ("scalingConfig.desiredSize",)
    name = cluster.inputs["name"]
    assert group.inputs["tags"]["k8s.io/cluster-autoscaler/enabled"] == "true"
    assert group.inputs["tags"][f"k8s.io/cluster-autoscaler/{name}"] == "owned"


def test_prod_runs_the_seeds_two_to_twenty_nodes_of_2_vcpu_and_4_gib(prod: Graph) -> None:
    group = one(prod, NODE_GROUP)
    assert (group.inputs["scalingConfig"]["minSize"], group.inputs["scalingConfig"]["maxSize"]) == (2, 20)
    rows = [NODE_INSTANCE_TYPES[name] for name in group.inputs["instanceTypes"]]
    assert len(rows) > 1
    assert {(row.vcpus, row.memory_gib, row.burstable) for row in rows} == {(2, 4, False)}


def test_arm64_nodes_get_the_arm_image(opened: Graph) -> None:
    assert one(opened, NODE_GROUP).inputs["amiType"] == "AL2023_ARM_64_STANDARD"
    assert one(opened, NODE_GROUP).inputs["instanceTypes"] == ["c7g.large", "c6g.large"]


def test_the_launch_template_hardens_every_node(stack_graph: Graph) -> None:
    template = stack_graph.named(LAUNCH_TEMPLATE, "cluster-nodes")
    group = one(stack_graph, NODE_GROUP)
    roles = group_roles(stack_graph)
    assert group.inputs["launchTemplate"]["id"] == template.id
    assert not {"imageId", "keyName", "instanceType", "userData"} & set(template.inputs)
    assert template.inputs["metadataOptions"] == {
        "httpEndpoint": "enabled",
        "httpTokens": "required",
        "httpPutResponseHopLimit": 1,
    }
    [volume] = template.inputs["blockDeviceMappings"]
    assert volume["ebs"]["encrypted"] == "true"
    assert volume["ebs"]["volumeType"] == "gp3"
    assert "kmsKeyId" not in volume["ebs"]  # the AWS managed key: no key policy for Auto Scaling to miss
    # `webapp` alone: the group EKS makes for the cluster lets everything out (components/security.py).
    [webapp] = template.inputs["vpcSecurityGroupIds"]
    assert roles[webapp] == "webapp"
    assert template.inputs["monitoring"] == {"enabled": True}


def test_the_autoscaling_group_name_is_exported(stack_graph: Graph) -> None:
    group = one(stack_graph, NODE_GROUP)
    assert (
        stack_graph.exports["nodeAutoscalingGroupName"] == group.outputs["resources"][0]["autoscalingGroups"][0]["name"]
    )
    assert stack_graph.exports["clusterName"] == one(stack_graph, CLUSTER).inputs["name"]


# --- Add-ons -------------------------------------------------------------------------------------------------


def test_add_ons_are_pinned_and_ordered_around_the_node_group(stack_graph: Graph) -> None:
    group = one(stack_graph, NODE_GROUP)
    installed = addons(stack_graph)
    assert set(installed) == set(ADDON_VERSIONS) == {*BEFORE_NODES, *AFTER_NODES}
    pinned = load(stack_graph.stack).cluster.addon_versions
    assert {name: addon.inputs["addonVersion"] for name, addon in installed.items()} == pinned
    assert all(depends_on(group, installed[name]) for name in BEFORE_NODES)
    assert all(depends_on(installed[name], group) for name in AFTER_NODES)


def test_the_vpc_cni_enforces_network_policies_with_its_own_pod_identity(stack_graph: Graph) -> None:
    cni = addons(stack_graph)["vpc-cni"]
    # Its custom networking (the pods' subnets): tests/test_pod_network.py.
    assert json.loads(cni.inputs["configurationValues"])["enableNetworkPolicy"] == "true"
    [association] = cni.inputs["podIdentityAssociations"]
    assert association["serviceAccount"] == "aws-node"
    role = role_of(stack_graph, association["roleArn"])
    assert managed_policies(stack_graph, role) == {"AmazonEKS_CNI_Policy"}
    assert trust(role)["Principal"] == {"Service": "pods.eks.amazonaws.com"}
    assert trust(role)["Action"] == ["sts:AssumeRole", "sts:TagSession"]


def test_container_insights_runs_in_standard_mode(prod: Graph) -> None:
    observability = addons(prod)["amazon-cloudwatch-observability"]
    configuration = json.loads(observability.inputs["configurationValues"])
    kubernetes = configuration["agent"]["config"]["logs"]["metrics_collected"]["kubernetes"]
    assert kubernetes == {"enhanced_container_insights": False}
    [association] = observability.inputs["podIdentityAssociations"]
    assert association["serviceAccount"] == "cloudwatch-agent"
    assert managed_policies(prod, role_of(prod, association["roleArn"])) == {"CloudWatchAgentServerPolicy"}


def test_the_efs_driver_controller_gets_no_aws_identity_while_every_volume_is_static(stack_graph: Graph) -> None:
    """The controller calls AWS only to provision volumes dynamically, for a StorageClass of the driver; the platform's
    one volume is a static PersistentVolume on the stack's access point. A StorageClass of the driver would need the
    controller's role (and AmazonEFSCSIDriverPolicy) back."""
    driver = addons(stack_graph)["aws-efs-csi-driver"]
    assert not driver.inputs.get("podIdentityAssociations")
    associated = {item.inputs["serviceAccount"] for item in stack_graph.of_type(POD_IDENTITY)}
    assert "efs-csi-controller-sa" not in associated
    assert "efs-csi-node-sa" in associated
    classes = stack_graph.of_type("kubernetes:storage.k8s.io/v1:StorageClass")
    assert [c.name for c in classes if c.inputs.get("provisioner") == "efs.csi.aws.com"] == []
    volumes = [v for v in stack_graph.of_type("kubernetes:core/v1:PersistentVolume") if v.inputs["spec"].get("csi")]
    assert volumes
    assert all(v.inputs["spec"]["csi"]["driver"] == "efs.csi.aws.com" for v in volumes)


def test_the_efs_driver_node_plugin_may_only_mount_through_the_apps_access_point_from_its_first_pod(
    stack_graph: Graph,
) -> None:
    """The node plugin mounts with `iam` under its own identity. The add-on offers no association for it, so the
    cluster makes one just before the add-on: no node plugin pod starts before it (one that did would mount with the
    node's role, which has no ClientMount)."""
    driver = addons(stack_graph)["aws-efs-csi-driver"]
    [node] = [item for item in stack_graph.of_type(POD_IDENTITY) if item.inputs["serviceAccount"] == "efs-csi-node-sa"]
    assert node.inputs["namespace"] == "kube-system"
    assert depends_on(driver, node)
    assert node.parent == one(stack_graph, CLUSTER).parent
    role = role_of(stack_graph, node.inputs["roleArn"])
    assert managed_policies(stack_graph, role) == set()
    [policy] = [item for item in stack_graph.of_type(ROLE_POLICY) if item.inputs["role"] == role.id]
    [statement] = json.loads(policy.inputs["policy"])["Statement"]
    access_point = one(stack_graph, "aws:efs/accessPoint:AccessPoint")
    assert statement["Resource"] == one(stack_graph, "aws:efs/fileSystem:FileSystem").outputs["arn"]
    assert statement["Condition"] == {"StringEquals": {"elasticfilesystem:AccessPointArn": access_point.outputs["arn"]}}
    assert statement["Action"] == ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]


# --- Cluster Autoscaler ---------------------------------------------------------------------------------------


def test_the_autoscaler_is_a_pinned_release_configured_for_this_cluster(stack_graph: Graph) -> None:
    config = load(stack_graph.stack).cluster
    release = one(stack_graph, RELEASE)
    association = stack_graph.named(POD_IDENTITY, "cluster-cluster-autoscaler")
    values = release.inputs["values"]
    assert release.inputs["chart"] == "cluster-autoscaler"
    assert release.inputs["version"] == config.autoscaler.chart_version
    assert release.inputs["repositoryOpts"] == {"repo": "https://kubernetes.github.io/autoscaler"}
    assert release.inputs["namespace"] == association.inputs["namespace"] == "kube-system"
    assert values["autoDiscovery"] == {"clusterName": one(stack_graph, CLUSTER).inputs["name"]}
    assert values["extraArgs"]["expander"] == "least-waste"
    assert values["awsRegion"] == "us-east-1"
    assert values["image"]["tag"].startswith(f"v{config.version}.")
    assert values["rbac"]["serviceAccount"]["name"] == association.inputs["serviceAccount"]
    assert depends_on(release, one(stack_graph, NODE_GROUP))
    assert depends_on(release, association)


def test_the_autoscaler_may_resize_only_this_clusters_groups(prod: Graph) -> None:
    role = role_of(prod, prod.named(POD_IDENTITY, "cluster-cluster-autoscaler").inputs["roleArn"])
    statements = json.loads(prod.named(ROLE_POLICY, "cluster-cluster-autoscaler").inputs["policy"])["Statement"]
    assert managed_policies(prod, role) == set()
    mutating = {"autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"}
    for statement in statements:
        actions = set(statement["Action"]) if isinstance(statement["Action"], list) else {statement["Action"]}
        if actions & mutating:
            assert statement["Condition"] == {
                "StringEquals": {"aws:ResourceTag/k8s.io/cluster-autoscaler/sentinel-prod": "owned"}
            }
        elif statement["Resource"] == "*":
            assert all(":Describe" in action or ":Get" in action for action in actions)


# --- Registry --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("stack", "protected"), [("prod", True), ("dev", False)])
def test_each_app_gets_an_immutable_scanned_encrypted_repository(stack: str, protected: bool) -> None:
    graph = graph_of(stack)
    key = graph.named(KMS_KEY, "registry-images")
    repositories = {repository.inputs["name"]: repository for repository in graph.of_type(REPOSITORY)}
    assert set(repositories) == {f"sentinel-{stack}/{app}" for app in ("web", "api", "admin")}
    for repository in repositories.values():
        assert repository.inputs["imageTagMutability"] == "IMMUTABLE"
        assert repository.inputs["imageScanningConfiguration"] == {"scanOnPush": True}
        assert repository.inputs["encryptionConfigurations"] == [
            {"encryptionType": "KMS", "kmsKey": key.outputs["arn"]}
        ]
        assert repository.options.protect is protected
    kept = load(stack).registry.images_kept
    for lifecycle in graph.of_type(LIFECYCLE):
        [rule] = json.loads(lifecycle.inputs["policy"])["rules"]
        assert rule["selection"] == {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": kept}
    assert {lifecycle.inputs["repository"] for lifecycle in graph.of_type(LIFECYCLE)} == set(repositories)
    assert set(graph.exports["repositoryUrls"]) == {"web", "api", "admin"}


# --- Bastion ---------------------------------------------------------------------------------------------------


def test_dev_runs_no_bastion(dev: Graph) -> None:
    assert dev.of_type(INSTANCE) == []


def test_the_bastion_is_private_keyless_and_reached_through_ssm_only(prod: Graph) -> None:
    instance = one(prod, INSTANCE)
    template = prod.named(LAUNCH_TEMPLATE, "bastion")
    private = [s.id for s in prod.of_type("aws:ec2/subnet:Subnet") if s.inputs["tags"]["Tier"] == "private"]
    assert instance.inputs["subnetId"] in private
    # The private subnet gives no public address; the instance says nothing of one (aws-deploy-constraints: with a
    # launch template, a public-address choice makes EC2 refuse the launch).
    assert "associatePublicIpAddress" not in instance.inputs
    assert instance.inputs["launchTemplate"]["id"] == template.id
    assert "keyName" not in template.inputs and "keyName" not in instance.inputs
    assert template.inputs["imageId"] == (
        "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"
    )
    assert template.inputs["metadataOptions"]["httpTokens"] == "required"
    assert template.inputs["blockDeviceMappings"][0]["ebs"]["encrypted"] == "true"
    assert [group_roles(prod)[group] for group in template.inputs["vpcSecurityGroupIds"]] == ["bastion"]
    profile = one(prod, PROFILE)
    assert template.inputs["iamInstanceProfile"] == {"arn": profile.outputs["arn"]}
    [role] = [role for role in prod.of_type(ROLE) if role.outputs["name"] == profile.inputs["role"]]
    assert managed_policies(prod, role) == {"AmazonSSMManagedInstanceCore"}
    assert [p for p in prod.of_type(ROLE_POLICY) if p.inputs["role"] == role.id] == []


def test_an_x86_bastion_gets_the_x86_image(opened: Graph) -> None:
    template = opened.named(LAUNCH_TEMPLATE, "bastion")
    assert template.inputs["imageId"].endswith("al2023-ami-kernel-default-x86_64")
    assert template.inputs["instanceType"] == "t3.micro"
