"""The workloads tier on the graph: the restricted namespace and its network policies; per app a Deployment left to
its HPA with one PDB and one NodePort Service, probes, a hardened pod and zero-downtime timings, rolled by a change of
its environment (who the app is, and its environment, are tests/test_workloads_identity.py's); the shared files; and
that the node group at its maximum holds every HPA at its maximum."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

import pytest

import offline
from components.logical_backup import LOGICAL_BACKUP
from components.pods import labels_of
from facts.instance_classes import DAEMON_SET_RESERVE, NODE_INSTANCE_TYPES, allocatable
from facts.quantities import parse_quantity
from offline.graph import Graph
from offline.policy import any_mandatory, evaluate
from offline.policy_config import load_policy_config
from policies.rules import kubernetes, resilience
from policies.support.declare import ResourcePolicy
from tests.graph_queries import APPS, by_app, container, pod
from tests.helpers import load, prod_outputs

NAMESPACE = "kubernetes:core/v1:Namespace"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"
SERVICE = "kubernetes:core/v1:Service"
HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler"
PDB = "kubernetes:policy/v1:PodDisruptionBudget"
CONFIG_MAP = "kubernetes:core/v1:ConfigMap"
PROVIDER_CLASS = "kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass"
SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount"
NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
VOLUME = "kubernetes:core/v1:PersistentVolume"
CLAIM = "kubernetes:core/v1:PersistentVolumeClaim"
ASSOCIATION = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"

# Kubernetes API versions the program may use: all served, none deprecated, by every version in the support table
# (https://kubernetes.io/docs/reference/using-api/deprecation-guide/).
SERVED_APIS = {
    "apps/v1",
    "autoscaling/v2",
    "batch/v1",
    "core/v1",
    "networking.k8s.io/v1",
    "policy/v1",
    "helm.sh/v3",
    # The Secrets Store CSI driver's own API, which its EKS add-on installs.
    "secrets-store.csi.x-k8s.io/v1",
    # The VPC CNI's ENIConfig, which puts pods on subnets of their own.
    "crd.k8s.amazonaws.com/v1alpha1",
}


# --- The namespace -------------------------------------------------------------------------------------------


def test_the_namespace_enforces_the_restricted_pod_security_standard(stack_graph: Graph) -> None:
    [namespace] = stack_graph.of_type(NAMESPACE)
    labels = namespace.inputs["metadata"]["labels"]
    assert namespace.inputs["metadata"]["name"] == "sentinel"
    for mode in ("enforce", "audit", "warn"):
        assert labels[f"pod-security.kubernetes.io/{mode}"] == "restricted"
    assert labels["pod-security.kubernetes.io/enforce-version"] == f"v{load(stack_graph.stack).cluster.version}"


def test_the_namespace_denies_by_default_and_allows_only_what_the_apps_need(prod: Graph) -> None:
    config = load("prod")
    policies = {policy.inputs["metadata"]["name"]: policy.inputs["spec"] for policy in prod.of_type(NETWORK_POLICY)}
    assert policies["default-deny"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    layout = config.network.subnet_layout()
    nodes = [{"ipBlock": {"cidr": str(cidr)}} for cidr in layout["private"]]
    for app, settings in config.apps.items():
        [rule] = policies[f"allow-{app}-from-nodes"]["ingress"]
        # externalTrafficPolicy Cluster: the ALB's requests reach pods from a node's address (source NAT).
        assert rule == {"from": nodes, "ports": [{"port": settings.container_port, "protocol": "TCP"}]}
    egress = {
        (peer.get("ipBlock", {}).get("cidr", "kube-dns"), port["port"], port["protocol"])
        for rule in policies["allow-egress"]["egress"]
        for peer in rule["to"]
        for port in rule["ports"]
    }
    data = {str(cidr) for cidr in layout["data"]}
    assert egress == {
        ("kube-dns", 53, "UDP"),
        ("kube-dns", 53, "TCP"),
        ("169.254.170.23/32", 80, "TCP"),
        *((cidr, port, "TCP") for cidr in data for port in (5432, 6379)),
        ("0.0.0.0/0", 443, "TCP"),
        ("0.0.0.0/0", config.workloads.smtp_port, "TCP"),
    }


# --- Each app ------------------------------------------------------------------------------------------------


def test_each_deployment_has_one_hpa_one_pdb_and_one_service(stack_graph: Graph) -> None:
    deployments = by_app(stack_graph, DEPLOYMENT)
    assert sorted(deployments) == list(APPS)
    for type_ in (HPA, PDB, SERVICE):
        assert sorted(by_app(stack_graph, type_)) == list(APPS)
    for app, hpa in by_app(stack_graph, HPA).items():
        assert hpa.inputs["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": app}


def test_deployments_leave_replicas_to_the_hpa_and_roll_with_no_pod_unavailable(stack_graph: Graph) -> None:
    config = load(stack_graph.stack)
    repositories = {url.rsplit("/", 1)[1]: url for url in stack_graph.exports["repositoryUrls"].values()}
    for app, deployment in by_app(stack_graph, DEPLOYMENT).items():
        spec = deployment.inputs["spec"]
        assert "replicas" not in spec
        assert spec["strategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": "25%"}}
        assert container(deployment)["image"] == f"{repositories[app]}:{config.apps[app].image.tag}"


def test_pods_are_sized_probed_and_hardened(stack_graph: Graph) -> None:
    config = load(stack_graph.stack)
    for app, deployment in by_app(stack_graph, DEPLOYMENT).items():
        settings, spec, main = config.apps[app], pod(deployment), container(deployment)
        assert main["resources"] == settings.resources.model_dump()
        probes = settings.probes
        for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
            assert main[probe]["httpGet"] == {"path": "/health", "port": "http"}
            assert main[probe]["periodSeconds"] == probes.period_seconds
        assert main["startupProbe"]["failureThreshold"] * probes.period_seconds >= probes.startup_seconds
        assert main["ports"] == [{"name": "http", "containerPort": settings.container_port}]
        assert main["securityContext"] == {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "runAsNonRoot": True,
            "capabilities": {"drop": ["ALL"]},
        }
        assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert {"name": "tmp", "mountPath": "/tmp"} in main["volumeMounts"]
        spread = {c["topologyKey"]: c["whenUnsatisfiable"] for c in spec["topologySpreadConstraints"]}
        assert spread == {"topology.kubernetes.io/zone": "ScheduleAnyway", "kubernetes.io/hostname": "ScheduleAnyway"}


def test_rollout_timings_make_a_pod_leave_without_dropping_requests(stack_graph: Graph) -> None:
    """kube-proxy drops a terminating pod within the preStop sleep; the grace period covers the sleep and the
    app's drain; readiness admits a new pod only once it serves; the ALB never sees pods (NodePort, Cluster)."""
    config = load(stack_graph.stack)
    for app, deployment in by_app(stack_graph, DEPLOYMENT).items():
        rollout, main = config.apps[app].rollout, container(deployment)
        sleep = main["lifecycle"]["preStop"]["sleep"]["seconds"]
        grace = pod(deployment)["terminationGracePeriodSeconds"]
        assert 10 <= sleep <= 15
        assert grace > sleep + rollout.drain_seconds
        assert grace == sleep + rollout.drain_seconds + rollout.margin_seconds
    for service in stack_graph.of_type(SERVICE):
        assert service.inputs["spec"]["externalTrafficPolicy"] == "Cluster"


def test_services_are_node_ports_on_the_port_the_alb_targets(stack_graph: Graph) -> None:
    config = load(stack_graph.stack)
    groups = {
        group.inputs["tags"]["App"]: group.inputs["port"]
        for group in stack_graph.of_type("aws:lb/targetGroup:TargetGroup")
    }
    for app, service in by_app(stack_graph, SERVICE).items():
        [port] = service.inputs["spec"]["ports"]
        assert service.inputs["spec"]["type"] == "NodePort"
        assert port["nodePort"] == config.apps[app].node_port == groups[app]
        assert port["targetPort"] == "http"
        assert service.inputs["spec"]["selector"] == service.inputs["metadata"]["labels"]


def test_hpas_scale_on_cpu_within_the_configured_range(stack_graph: Graph) -> None:
    config = load(stack_graph.stack)
    ranges = {"dev": (1, 3), "staging": (2, 6), "prod": (3, 20)}
    for app, hpa in by_app(stack_graph, HPA).items():
        spec, scaling = hpa.inputs["spec"], config.apps[app].autoscaling
        assert (spec["minReplicas"], spec["maxReplicas"]) == ranges[stack_graph.stack]
        assert spec["metrics"] == [
            {
                "type": "Resource",
                "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}},
            }
        ]
        assert spec["behavior"]["scaleDown"]["stabilizationWindowSeconds"] == scaling.scale_down_stabilization_seconds


def test_disruption_budgets_let_one_pod_go_at_a_time(stack_graph: Graph) -> None:
    for app, budget in by_app(stack_graph, PDB).items():
        assert budget.inputs["spec"]["maxUnavailable"] == 1
        assert "minAvailable" not in budget.inputs["spec"]
        assert budget.inputs["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"] == app


# --- The environment -----------------------------------------------------------------------------------------


def test_a_change_of_config_or_secret_rolls_the_deployment(prod: Graph) -> None:
    """ConfigMaps are auto-named: changed data replaces them under a new name, which changes the pod template that
    refers to it. A secret's new value is a new version in Secrets Manager, which the pod template's annotation
    names."""
    deployments = by_app(prod, DEPLOYMENT)
    for app, resource in by_app(prod, CONFIG_MAP).items():
        assert "name" not in resource.inputs["metadata"]
        assert resource.urn in deployments[app].property_dependencies["spec"]
    versions = {
        version.inputs["secretId"]: version.outputs["versionId"]
        for version in prod.of_type("aws:secretsmanager/secretVersion:SecretVersion")
    }
    for app, deployment in deployments.items():
        provider_class = prod.named(PROVIDER_CLASS, f"workloads-{app}")
        arns = [item["objectName"] for item in json.loads(provider_class.inputs["spec"]["parameters"]["objects"])]
        annotations = deployment.inputs["spec"]["template"]["metadata"]["annotations"]
        assert annotations["sentinel/secret-versions"] == ",".join(versions[arn] for arn in arns)


# --- Server-side calls to the api stay in the cluster ---------------------------------------------------------


def selects(selector: Mapping[str, Any], labels: Mapping[str, str]) -> bool:
    """Whether a label selector picks pods with `labels` (matchLabels only: the program writes no expressions)."""
    assert "matchExpressions" not in selector
    return all(labels.get(key) == value for key, value in selector.get("matchLabels", {}).items())


def _rule_admits(rule: Mapping[str, Any], peers: str, labels: Mapping[str, str], port: int) -> bool:
    """A rule's peers and ports: absent, every one; a pod peer in the namespace, by its selector alone."""
    peer_match = peers not in rule or any(
        set(peer) == {"podSelector"} and selects(peer["podSelector"], labels) for peer in rule[peers]
    )
    port_match = "ports" not in rule or any(
        entry["port"] == port and entry.get("protocol", "TCP") == "TCP" for entry in rule["ports"]
    )
    return peer_match and port_match


def admits(policies: Sequence[Mapping[str, Any]], source: str, target: str, port: int) -> bool:
    """Whether the namespace's NetworkPolicies (specs) let `source`'s pods open TCP `port` on `target`'s pods:
    under default deny both an egress rule of a policy selecting the source and an ingress rule of one selecting
    the target must allow it."""
    source_labels, target_labels = labels_of(source), labels_of(target)

    def allowed(direction: str, selected: Mapping[str, str], peers: str, peer_labels: Mapping[str, str]) -> bool:
        return any(
            direction.capitalize() in spec["policyTypes"]
            and selects(spec["podSelector"], selected)
            and any(_rule_admits(rule, peers, peer_labels, port) for rule in spec.get(direction, []))
            for spec in policies
        )

    return allowed("egress", source_labels, "to", target_labels) and allowed(
        "ingress", target_labels, "from", source_labels
    )


def policy_specs(graph: Graph) -> dict[str, Mapping[str, Any]]:
    return {policy.inputs["metadata"]["name"]: policy.inputs["spec"] for policy in graph.of_type(NETWORK_POLICY)}


def test_the_apps_know_the_api_by_its_service_inside_the_cluster(stack_graph: Graph) -> None:
    [service] = [s for s in stack_graph.of_type(SERVICE) if s.inputs["metadata"]["name"] == "api"]
    metadata, [port] = service.inputs["metadata"], service.inputs["spec"]["ports"]
    for app, config_map in by_app(stack_graph, CONFIG_MAP).items():
        url = urlsplit(config_map.inputs["data"]["API_INTERNAL_URL"])
        assert (url.scheme, url.hostname) == ("http", f"{metadata['name']}.{metadata['namespace']}.svc.cluster.local")
        assert (url.port or 80) == port["port"], app


def test_every_app_given_the_internal_url_may_reach_the_api_pods_and_nothing_else_may(stack_graph: Graph) -> None:
    """The class check: the network policies let each app whose ConfigMap names API_INTERNAL_URL (but the api)
    reach the api's pods on their container port, the Service's target; no other pod of the namespace may."""
    config = load(stack_graph.stack)
    policies, api_port = list(policy_specs(stack_graph).values()), config.apps["api"].container_port
    clients = {app for app, cm in by_app(stack_graph, CONFIG_MAP).items() if "API_INTERNAL_URL" in cm.inputs["data"]}
    assert clients - {"api"} == {"admin", "web"}
    for client in clients - {"api"}:
        assert admits(policies, client, "api", api_port), client
    for outsider in ("api", LOGICAL_BACKUP):
        assert not admits(policies, outsider, "api", api_port), outsider
    assert not admits(policies, "web", "admin", config.apps["admin"].container_port)


def test_a_missing_flow_to_the_api_is_reported(prod: Graph) -> None:
    api_port = load("prod").apps["api"].container_port
    specs = policy_specs(prod)
    assert admits(list(specs.values()), "web", "api", api_port)
    without_egress = [spec for name, spec in specs.items() if name != "allow-web-to-api"]
    without_ingress = [spec for name, spec in specs.items() if name != "allow-api-from-apps"]
    assert not admits(without_egress, "web", "api", api_port)
    assert not admits(without_ingress, "admin", "api", api_port)
    # The Service's port is not the pod's: a policy on it admits nothing.
    assert not admits(list(specs.values()), "web", "api", 80)


def test_the_flows_to_the_api_are_in_place_before_the_pods_start(prod: Graph) -> None:
    deployments = by_app(prod, DEPLOYMENT)
    urns = {policy.inputs["metadata"]["name"]: policy.urn for policy in prod.of_type(NETWORK_POLICY)}
    for app in APPS:
        assert {urns["allow-web-to-api"], urns["allow-admin-to-api"], urns["allow-api-from-apps"]} <= deployments[
            app
        ].dependencies


# --- Shared files --------------------------------------------------------------------------------------------


def test_the_apps_mount_the_shared_efs_access_point(prod: Graph) -> None:
    [volume], [claim] = prod.of_type(VOLUME), prod.of_type(CLAIM)
    spec = volume.inputs["spec"]
    assert spec["csi"] == {
        "driver": "efs.csi.aws.com",
        "volumeHandle": f"{prod_outputs()['file system']}::{prod_outputs()['access point']}",
    }
    assert spec["mountOptions"] == ["tls", "iam"]
    assert spec["accessModes"] == claim.inputs["spec"]["accessModes"] == ["ReadWriteMany"]
    assert spec["persistentVolumeReclaimPolicy"] == "Retain"
    assert claim.inputs["spec"]["volumeName"] == volume.inputs["metadata"]["name"]
    path = load("prod").workloads.shared_files_path
    for deployment in by_app(prod, DEPLOYMENT).values():
        assert {"name": "shared-files", "mountPath": path} in container(deployment)["volumeMounts"]


# --- First deploy, capacity, versions, policies --------------------------------------------------------------


@pytest.fixture(scope="module")
def undeployed() -> Graph:
    """dev before any image exists: every app's deploy switch off, as a fresh stack starts."""
    return offline.run("dev", {f"sentinel:apps.{app}.deploy": False for app in APPS})


def test_the_first_deploy_waits_for_no_image(undeployed: Graph) -> None:
    assert undeployed.of_type(DEPLOYMENT) == []
    assert undeployed.of_type(HPA) == []
    assert sorted(by_app(undeployed, SERVICE)) == list(APPS)
    assert not any_mandatory(evaluate(undeployed, load_policy_config("dev")))


def test_the_node_group_at_its_maximum_holds_every_hpa_at_its_maximum(stack_graph: Graph) -> None:
    config = load(stack_graph.stack)
    cores, memory = allocatable(NODE_INSTANCE_TYPES[config.nodes.instance_types[0]])
    room = (
        cores - (parse_quantity(DAEMON_SET_RESERVE["cpu"]) or 0),
        memory - (parse_quantity(DAEMON_SET_RESERVE["memory"]) or 0),
    )
    demand = [0.0, 0.0]
    for settings in config.apps.values():
        for index, amount in enumerate(settings.resources.request_amounts):
            demand[index] += amount * settings.autoscaling.max_replicas
    nodes = max(math.ceil(demand[index] / room[index]) for index in (0, 1))
    assert nodes <= config.nodes.max_size
    pods = sum(settings.autoscaling.max_replicas for settings in config.apps.values())
    assert pods <= config.nodes.max_size * NODE_INSTANCE_TYPES[config.nodes.instance_types[0]].max_pods


def test_manifests_use_api_versions_the_cluster_serves(stack_graph: Graph) -> None:
    used = {
        resource.type.split(":")[1]
        for resource in stack_graph
        if resource.type.startswith("kubernetes:") and resource.custom
    }
    assert used <= SERVED_APIS


def test_every_kubernetes_rule_applies_to_the_real_workloads(prod: Graph) -> None:
    types = {resource.type for resource in prod}
    for policy in (*kubernetes.POLICIES, resilience.HPA_MIN_REPLICAS):
        assert isinstance(policy, ResourcePolicy)
        assert policy.resource_types & types, f"{policy.name} applies to nothing in prod"
    assert types >= {DEPLOYMENT, HPA, PDB}


def test_prod_meets_every_policy(prod: Graph) -> None:
    assert evaluate(prod, load_policy_config("prod")) == []
