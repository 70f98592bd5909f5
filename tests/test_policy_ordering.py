"""Policies eks-addons-ordered-around-nodes and eks-pod-identity-before-pods: passing and failing cases, and the
stacks themselves."""

from __future__ import annotations

from typing import Any

from facts.eks_addons import ADDONS, AddonName, Stage, addons_at
from offline.graph import Graph, Resource
from policies.rules.ordering import EKS_ADDONS_AROUND_NODES, EKS_POD_IDENTITY_BEFORE_PODS
from policies.support.aws import EKS_ADDON, EKS_NODE_GROUP, EKS_POD_IDENTITY_ASSOCIATION, HELM_RELEASE
from policies.support.kubernetes import CRON_JOB, DEPLOYMENT
from tests.policy_builders import GraphBuilder, messages

CLUSTER = "sentinel-prod"


def test_nodes_need_the_cni_kube_proxy_and_the_pod_identity_agent_before_them() -> None:
    """What AWS requires of a cluster without self-managed add-ons, held here apart from the table's own words."""
    assert set(addons_at(Stage.BEFORE_NODES)) == {"vpc-cni", "kube-proxy", "eks-pod-identity-agent"}
    assert set(addons_at(Stage.AFTER_NODES)) == {
        "coredns",
        "metrics-server",
        "amazon-cloudwatch-observability",
        "aws-efs-csi-driver",
        "aws-secrets-store-csi-driver-provider",
    }
    assert all(placement.reason for placement in ADDONS.values())


def cluster_with_addons(*, misplaced: AddonName | None = None, unknown: str | None = None) -> Graph:
    """Every add-on of the table around one node group as the table says, but `misplaced` on the wrong side."""
    builder = GraphBuilder()
    before = [
        builder.add(EKS_ADDON, name, {"clusterName": CLUSTER, "addonName": name})
        for name in addons_at(Stage.BEFORE_NODES)
        if name != misplaced
    ]
    group = builder.add(EKS_NODE_GROUP, "nodes", {"clusterName": CLUSTER}, depends_on=before)
    for name in addons_at(Stage.AFTER_NODES):
        if name != misplaced:
            builder.add(EKS_ADDON, name, {"clusterName": CLUSTER, "addonName": name}, depends_on=[group])
    if misplaced is not None:
        wrong_side = [group] if ADDONS[misplaced].stage is Stage.BEFORE_NODES else []
        builder.add(EKS_ADDON, misplaced, {"clusterName": CLUSTER, "addonName": misplaced}, depends_on=wrong_side)
    if unknown is not None:
        builder.add(EKS_ADDON, unknown, {"clusterName": CLUSTER, "addonName": unknown}, depends_on=[group])
    return builder.build()


def test_addons_placed_as_the_table_says_pass() -> None:
    assert messages(EKS_ADDONS_AROUND_NODES, cluster_with_addons()) == []


def test_kube_proxy_after_the_nodes_fails_with_its_reason() -> None:
    [message] = messages(EKS_ADDONS_AROUND_NODES, cluster_with_addons(misplaced="kube-proxy"))
    assert message.startswith(
        "node group nodes does not depend on add-on kube-proxy, which belongs before the node group: aws-node reaches "
        "the API server through the `kubernetes` Service's cluster IP"
    )


def test_a_deployment_addon_before_the_nodes_fails() -> None:
    [message] = messages(EKS_ADDONS_AROUND_NODES, cluster_with_addons(misplaced="coredns"))
    assert message.startswith(
        "add-on coredns does not depend on node group nodes; it belongs after the node group: runs as a Deployment"
    )


def test_an_addon_the_table_does_not_place_fails() -> None:
    assert messages(EKS_ADDONS_AROUND_NODES, cluster_with_addons(unknown="aws-ebs-csi-driver")) == [
        'add-on "aws-ebs-csi-driver" is not in facts/eks_addons.py: say there whether it belongs before or after '
        "the node group, and why"
    ]


# --- Pod Identity before pods ---------------------------------------------------------------------------------


def association(builder: GraphBuilder, name: str, namespace: str, service_account: str) -> Resource:
    return builder.add(
        EKS_POD_IDENTITY_ASSOCIATION,
        name,
        {"clusterName": CLUSTER, "namespace": namespace, "serviceAccount": service_account},
    )


def efs_addon(builder: GraphBuilder, *, own: list[str], depends_on: list[Resource] | None = None) -> Resource:
    return builder.add(
        EKS_ADDON,
        "efs",
        {
            "clusterName": CLUSTER,
            "addonName": "aws-efs-csi-driver",
            "podIdentityAssociations": [{"serviceAccount": account, "roleArn": "arn"} for account in own],
        },
        depends_on=depends_on or [],
    )


def test_addon_associations_made_with_the_addon_or_just_before_it_pass() -> None:
    builder = GraphBuilder()
    node = association(builder, "efs-node", "kube-system", "efs-csi-node-sa")
    efs_addon(builder, own=[], depends_on=[node])
    assert messages(EKS_POD_IDENTITY_BEFORE_PODS, builder.build()) == []


def test_an_association_made_apart_from_its_addon_fails_until_the_addon_waits_for_it() -> None:
    """The defect the EFS driver's node plugin had: its association came from the workloads, in no order."""
    builder = GraphBuilder()
    association(builder, "efs-node", "kube-system", "efs-csi-node-sa")
    efs_addon(builder, own=[])
    assert messages(EKS_POD_IDENTITY_BEFORE_PODS, builder.build()) == [
        "efs runs pods as kube-system/efs-csi-node-sa but does not depend on its Pod Identity association efs-node: "
        "pods started first get the node's role. Pass it in depends_on, or make it one of the add-on's "
        "podIdentityAssociations"
    ]


def test_an_association_the_addon_does_not_offer_fails_among_its_own() -> None:
    """The EFS add-on's configuration offers an association for its controller only: EKS would refuse the node
    plugin's among the add-on's (kubernetes-sigs/aws-efs-csi-driver#1759)."""
    builder = GraphBuilder()
    efs_addon(builder, own=["efs-csi-node-sa"])
    assert messages(EKS_POD_IDENTITY_BEFORE_PODS, builder.build()) == [
        "add-on aws-efs-csi-driver offers no Pod Identity association for kube-system/efs-csi-node-sa "
        "(facts/eks_addons.py), so EKS refuses it among the add-on's: create it on its own and make the add-on "
        "depend on it"
    ]


def test_an_addon_service_account_without_any_association_fails() -> None:
    builder = GraphBuilder()
    efs_addon(builder, own=[])
    # The node plugin mounts as itself; the controller, which calls AWS only to provision volumes dynamically, needs
    # no association while the platform's volumes are static (facts/eks_addons.py).
    assert messages(EKS_POD_IDENTITY_BEFORE_PODS, builder.build()) == [
        "add-on aws-efs-csi-driver runs kube-system/efs-csi-node-sa, which calls AWS, with no Pod Identity "
        "association: it would use the node's role. Add one to the add-on's podIdentityAssociations"
    ]


def workload_inputs(type_: str, namespace: str, service_account: str) -> dict[str, Any]:
    pod = {"spec": {"serviceAccountName": service_account}}
    spec = {"template": pod} if type_ == DEPLOYMENT else {"jobTemplate": {"spec": {"template": pod}}}
    return {"metadata": {"namespace": namespace}, "spec": spec}


def test_releases_deployments_and_cron_jobs_wait_for_their_associations() -> None:
    builder = GraphBuilder()
    autoscaler = association(builder, "autoscaler", "kube-system", "cluster-autoscaler")
    api = association(builder, "api", "sentinel", "api")
    backup = association(builder, "backup", "sentinel", "logical-backup")
    release = {"namespace": "kube-system", "values": {"rbac": {"serviceAccount": {"name": "cluster-autoscaler"}}}}
    builder.add(HELM_RELEASE, "release", release, depends_on=[autoscaler])
    builder.add(DEPLOYMENT, "api", workload_inputs(DEPLOYMENT, "sentinel", "api"), depends_on=[api])
    builder.add(CRON_JOB, "backup", workload_inputs(CRON_JOB, "sentinel", "logical-backup"), depends_on=[backup])
    assert messages(EKS_POD_IDENTITY_BEFORE_PODS, builder.build()) == []

    builder = GraphBuilder()
    association(builder, "autoscaler", "kube-system", "cluster-autoscaler")
    association(builder, "api", "sentinel", "api")
    builder.add(HELM_RELEASE, "release", release)
    builder.add(DEPLOYMENT, "api", workload_inputs(DEPLOYMENT, "sentinel", "api"))
    builder.add(DEPLOYMENT, "other-namespace", workload_inputs(DEPLOYMENT, "elsewhere", "api"))
    assert [message.split(" but ")[0] for message in messages(EKS_POD_IDENTITY_BEFORE_PODS, builder.build())] == [
        "release runs pods as kube-system/cluster-autoscaler",
        "api runs pods as sentinel/api",
    ]


def test_every_stack_orders_its_addons_and_associations(stack_graph: Graph) -> None:
    assert messages(EKS_ADDONS_AROUND_NODES, stack_graph) == []
    assert messages(EKS_POD_IDENTITY_BEFORE_PODS, stack_graph) == []
    assert {addon.inputs["addonName"] for addon in stack_graph.of_type(EKS_ADDON)} == set(ADDONS)
