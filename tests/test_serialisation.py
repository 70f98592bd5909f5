"""No false serialisation: every wait the program makes is one a service needs (offline/waits.py says why), where it
can lengthen the first deploy, and an input that config already knows is not taken from a resource, which would
make its consumer wait for that resource for nothing.

Two checks over every stack: each explicit `depends_on`, and each wait on the critical path whatever made it, has a
reason in offline/waits.py. Each is shown failing on the serialisation it would have caught: an ENIConfig waiting for
every add-on before the nodes rather than the one that brings its kind, and the HPA that named its Deployment by the
Deployment's output and so waited for the rollout, the last five seconds of the deploy before it was fixed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from offline.critical_path import Link, critical_path, render
from offline.graph import Graph, Resource
from offline.waits import kind_of, why
from policies.support.aws import (
    DASHBOARD,
    EKS_ADDON,
    EKS_CLUSTER,
    EKS_NODE_GROUP,
    ELASTICACHE_REPLICATION_GROUP,
    KMS_KEY,
    LOAD_BALANCER,
    METRIC_ALARM,
    RDS_CLUSTER_INSTANCE,
    SECRET,
    TARGET_GROUP,
)
from policies.support.kubernetes import DEPLOYMENT, ENI_CONFIG, HPAS

HPA = HPAS[0]

# Identifiers AWS makes up when it creates the resource, which an alarm on the resource's metrics must wait for: the
# load balancer's and target groups' ARN suffixes, the node group's autoscaling group, and the autonamed instance
# and replication-group identifiers. Every other name a metric carries is config's.
GENERATED_IDENTIFIERS = {
    LOAD_BALANCER,
    TARGET_GROUP,
    EKS_NODE_GROUP,
    RDS_CLUSTER_INSTANCE,
    ELASTICACHE_REPLICATION_GROUP,
}


def explicit_dependencies(resource: Resource) -> frozenset[str]:
    """What the resource waits for by `depends_on` alone: the dependencies no input of it carries."""
    carried = frozenset().union(*resource.property_dependencies.values())
    return resource.dependencies - carried


def unexplained_depends_on(graph: Graph) -> Iterator[str]:
    for resource in graph:
        for urn in sorted(explicit_dependencies(resource)):
            if why(resource, graph[urn]) is None:
                yield f"{resource.name} ({kind_of(resource)}) depends_on {graph[urn].name} ({kind_of(graph[urn])})"


def unexplained_critical_waits(graph: Graph) -> Iterator[str]:
    for step in critical_path(graph).chain:
        if step.waits_on is Link.DEPENDENCY and step.because is None:
            yield f"{step.name} ({step.type}) at {step.start:.0f} s"


def with_resource(graph: Graph, changed: Resource) -> Graph:
    return Graph(graph.stack, {**graph.resources, changed.urn: changed}, graph.exports)


def test_every_depends_on_of_every_stack_says_why(stack_graph: Graph) -> None:
    assert list(unexplained_depends_on(stack_graph)) == []


def test_every_wait_on_every_stacks_critical_path_says_why(stack_graph: Graph) -> None:
    assert list(unexplained_critical_waits(stack_graph)) == []


def test_a_depends_on_without_a_reason_is_named(prod: Graph) -> None:
    """The ENIConfigs once waited for every add-on before the nodes; only the VPC CNI brings their kind."""
    eni_config = prod.named(ENI_CONFIG, "cluster-pods-a")
    kube_proxy = prod.named(EKS_ADDON, "cluster-kube-proxy")
    planted = with_resource(
        prod, dataclasses.replace(eni_config, dependencies=eni_config.dependencies | {kube_proxy.urn})
    )
    assert list(unexplained_depends_on(planted)) == [
        f"cluster-pods-a ({ENI_CONFIG}) depends_on cluster-kube-proxy ({EKS_ADDON}[kube-proxy])"
    ]


def test_an_input_taken_from_a_resource_on_the_critical_path_is_named(prod: Graph) -> None:
    """The HPA once named its Deployment by the Deployment's output, waiting for its rollout to end the deploy."""
    hpa, deployment = prod.named(HPA, "workloads-admin"), prod.named(DEPLOYMENT, "workloads-admin")
    planted = with_resource(
        prod,
        dataclasses.replace(
            hpa,
            dependencies=hpa.dependencies | {deployment.urn},
            property_dependencies={**hpa.property_dependencies, "spec": frozenset({deployment.urn})},
        ),
    )
    before, after = critical_path(prod), critical_path(planted)
    assert list(unexplained_critical_waits(planted)) == [f"workloads-admin ({HPA}) at {before.total:.0f} s"]
    assert after.total == before.total + 5
    assert "because nothing in offline/waits.py" in render(after)


def test_the_hpas_do_not_wait_for_their_deployments(stack_graph: Graph) -> None:
    for hpa in stack_graph.of_type(HPA):
        assert hpa.dependencies == frozenset(), hpa.name
        assert (
            hpa.inputs["spec"]["scaleTargetRef"]["name"]
            == stack_graph.named(DEPLOYMENT, hpa.name).inputs["metadata"]["name"]
        )


def test_an_eni_config_waits_for_the_vpc_cni_alone_of_the_add_ons(stack_graph: Graph) -> None:
    for eni_config in stack_graph.of_type(ENI_CONFIG):
        addons = {
            stack_graph[urn].inputs["addonName"]
            for urn in eni_config.dependencies
            if stack_graph[urn].type == EKS_ADDON
        }
        assert addons == {"vpc-cni"}, eni_config.name


def alarm_waits(graph: Graph) -> Iterator[tuple[str, str]]:
    """(alarm or dashboard, the type it waits for) for each wait on a metric's identifiers."""
    for resource in graph.of_type(METRIC_ALARM) + graph.of_type(DASHBOARD):
        for key in ("dimensions", "metricQueries", "dashboardBody"):
            for urn in resource.property_dependencies.get(key, ()):
                yield resource.name, graph[urn].type


def test_alarms_wait_only_for_identifiers_aws_makes_up(stack_graph: Graph) -> None:
    assert {(name, type_) for name, type_ in alarm_waits(stack_graph) if type_ not in GENERATED_IDENTIFIERS} == set()


def test_an_alarm_that_waits_for_a_name_config_knows_is_named(prod: Graph) -> None:
    alarm, cluster = (
        prod.named(METRIC_ALARM, "monitoring-ClusterFailedNodes"),
        prod.named(EKS_CLUSTER, "cluster"),
    )
    planted = with_resource(
        prod,
        dataclasses.replace(
            alarm, property_dependencies={**alarm.property_dependencies, "dimensions": frozenset({cluster.urn})}
        ),
    )
    assert ("monitoring-ClusterFailedNodes", EKS_CLUSTER) in set(alarm_waits(planted))
    assert not set(alarm_waits(planted)) <= {(name, type_) for name, type_ in alarm_waits(prod)}


def test_the_secrets_replicas_wait_for_the_disaster_recovery_key_not_its_vault(prod: Graph) -> None:
    for secret in prod.of_type(SECRET):
        waited_for = {prod[urn].type for urn in secret.property_dependencies.get("replicas", ())}
        assert waited_for == {KMS_KEY}, secret.name
