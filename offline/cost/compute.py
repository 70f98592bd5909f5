"""The pricers of compute: EKS node groups, EC2 instances, and the Container Insights an EKS add-on publishes.

Instances and nodes are priced with their root volumes; the node groups' bounds are what scales the cluster's cost.
"""

from __future__ import annotations

import json

from offline.cost.model import Quantity
from offline.cost.pricing_graph import PricingGraph
from offline.graph import Graph, Resource
from offline.price_table import PriceError

# Custom metrics that standard Container Insights publishes for EKS, by what each set is per: the dimension sets of
# the metric table at https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-EKS.html,
# counted (the PodName dimension names a workload, not each of its pods).
CONTAINER_INSIGHTS_METRICS = {"cluster": 23, "node": 8, "namespace": 7, "service": 7, "workload": 9}
# Kubernetes kinds whose pods run all month (a Job's or CronJob's pods report only while they run).
_CONTINUOUS_WORKLOADS = (
    "kubernetes:apps/v1:Deployment",
    "kubernetes:apps/v1:StatefulSet",
    "kubernetes:apps/v1:DaemonSet",
)


def node_bounds_of(group: Resource) -> tuple[float, float]:
    """A node group's nodes at its minimum and at its maximum size."""
    return group.inputs["scalingConfig"]["minSize"], group.inputs["scalingConfig"]["maxSize"]


def _root_volumes(resource: Resource, g: PricingGraph) -> list[tuple[str, float]]:
    """(volume type, GiB) of the volumes each instance starts with."""
    reference = resource.inputs.get("launchTemplate")
    template = g.by_id.get(reference["id"]) if reference else None
    if template is not None and template.inputs.get("blockDeviceMappings"):
        return [
            (mapping["ebs"].get("volumeType", "gp3"), mapping["ebs"]["volumeSize"])
            for mapping in template.inputs["blockDeviceMappings"]
            if mapping.get("ebs")
        ]
    if resource.inputs.get("rootBlockDevice"):
        root = resource.inputs["rootBlockDevice"]
        return [(root.get("volumeType", "gp3"), root["volumeSize"])]
    if resource.type == "aws:eks/nodeGroup:NodeGroup":
        return [("gp2", resource.inputs.get("diskSize", 20))]  # EKS's default without a launch template
    raise PriceError(f"{resource.urn}: no launch template, block device mapping or root block device sizes its volume")


def _instances(
    what: str, instance_type: str, volumes: list[tuple[str, float]], *, low: float, high: float, hours: float
) -> list[Quantity]:
    instance_hours = Quantity(what, "instance-hours", "ec2_instance_hour", instance_type, low * hours, high * hours)
    return [
        instance_hours,
        *(
            Quantity(f"{kind} root volumes", "GB-months", "ebs_gb_month", kind, low * gb, high * gb)
            for kind, gb in volumes
        ),
    ]


def node_group(resource: Resource, g: PricingGraph) -> list[Quantity]:
    if resource.inputs.get("capacityType", "ON_DEMAND") != "ON_DEMAND":
        raise PriceError(f"{resource.urn}: only on-demand nodes are priced")
    # On-Demand node groups launch the first listed type that has capacity (the "prioritized" allocation strategy,
    # https://docs.aws.amazon.com/eks/latest/userguide/managed-node-groups.html#managed-node-group-capacity-types).
    instance_type = resource.inputs["instanceTypes"][0]
    volumes = _root_volumes(resource, g)
    low, high = node_bounds_of(resource)
    return _instances(f"{instance_type} nodes", instance_type, volumes, low=low, high=high, hours=g.hours)


def instance(resource: Resource, g: PricingGraph) -> list[Quantity]:
    reference = resource.inputs.get("launchTemplate")
    template = g.by_id[reference["id"]].inputs if reference else {}
    instance_type = resource.inputs.get("instanceType") or template.get("instanceType")
    if not instance_type:
        raise PriceError(f"{resource.urn}: neither the instance nor its launch template names an instance type")
    volumes = _root_volumes(resource, g)
    return _instances(f"{instance_type} instance", instance_type, volumes, low=1, high=1, hours=g.hours)


def node_bounds(graph: Graph) -> tuple[float, float]:
    """The nodes of every node group together, at their minimum and at their maximum."""
    bounds = [node_bounds_of(group) for group in graph.of_type("aws:eks/nodeGroup:NodeGroup")]
    return sum(low for low, _ in bounds), sum(high for _, high in bounds)


def addon(resource: Resource, g: PricingGraph) -> list[Quantity]:
    """Add-ons cost nothing themselves; amazon-cloudwatch-observability's Container Insights does."""
    if resource.inputs.get("addonName") != "amazon-cloudwatch-observability":
        return []
    configuration = json.loads(resource.inputs.get("configurationValues") or "{}")
    collected = configuration.get("agent", {}).get("config", {}).get("logs", {}).get("metrics_collected", {})
    if collected.get("kubernetes", {}).get("enhanced_container_insights", True):
        raise PriceError(
            f"{resource.urn}: Container Insights with enhanced observability is billed per observation, "
            "which the price tables do not price"
        )
    if configuration.get("containerLogs", {}).get("enabled", True):
        raise PriceError(f"{resource.urn}: container logs (Fluent Bit) are on, and no assumption sizes them")
    system = g.usage.container_insights_system_objects
    counts = {
        "namespace": len(g.by_type["kubernetes:core/v1:Namespace"]) + system["namespaces"],
        "service": len(g.by_type["kubernetes:core/v1:Service"]) + system["services"],
        "workload": sum(len(g.by_type[kind]) for kind in _CONTINUOUS_WORKLOADS) + system["workloads"],
    }
    fixed = CONTAINER_INSIGHTS_METRICS["cluster"] + sum(CONTAINER_INSIGHTS_METRICS[k] * n for k, n in counts.items())
    low, high = node_bounds(g.graph)
    per_node, log_gb = CONTAINER_INSIGHTS_METRICS["node"], g.usage.container_insights_log_gb_per_node
    return [
        Quantity(
            "Container Insights metrics",
            "metric-months",
            "cloudwatch",
            "custom_metric_month",
            fixed + per_node * low,
            fixed + per_node * high,
        ),
        Quantity(
            "Container Insights performance logs", "GB", "cloudwatch", "logs_ingested_gb", log_gb * low, log_gb * high
        ),
    ]
