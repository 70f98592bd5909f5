"""The apps' namespace's network policies: nothing in or out unless allowed, then each flow the apps need."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pulumi
import pulumi_kubernetes as k8s

from components import cache, database
from components.base import Component
from components.config.apps import AppConfig
from components.interfaces import Vpc
from components.pods import labels_of, namespaced

POD_IDENTITY_AGENT = "169.254.170.23/32"
HTTPS, DNS = 443, 53


def network_policies(
    component: Component,
    name: str,
    *,
    namespace: str,
    apps: Mapping[str, AppConfig],
    network: Vpc,
    smtp_port: int,
    provider: k8s.Provider,
) -> list[pulumi.Resource]:
    """Nothing in or out of the namespace unless allowed below: ingress to each app's port from the nodes (the
    ALB's traffic arrives through a node's NodePort, source-NATed to that node's address under
    `externalTrafficPolicy: Cluster`), which are the private subnets' only Kubernetes addresses since pods get theirs
    on the pods' subnets (components/cluster_nodes.py), so no pod is admitted by address; egress to DNS, the Pod
    Identity agent, the data tier and HTTPS; and the other apps' server-side calls to the api (API_INTERNAL_URL), out
    of their pods and into the api's, on the api's container port (a policy sees the pod's port: the Service's is
    translated before it applies). Each is `component`'s child on the cluster of `provider`."""

    def on_cluster() -> pulumi.ResourceOptions:
        return component.child(provider=provider)

    def ports(*numbers: int, protocol: str = "TCP") -> list[k8s.networking.v1.NetworkPolicyPortArgs]:
        return [k8s.networking.v1.NetworkPolicyPortArgs(port=port, protocol=protocol) for port in numbers]

    def to_cidrs(cidrs: Sequence[str]) -> list[k8s.networking.v1.NetworkPolicyPeerArgs]:
        return [k8s.networking.v1.NetworkPolicyPeerArgs(ip_block=k8s.networking.v1.IPBlockArgs(cidr=c)) for c in cidrs]

    def pods_of(app: str) -> k8s.meta.v1.LabelSelectorArgs:
        return k8s.meta.v1.LabelSelectorArgs(match_labels=labels_of(app))

    def peer(app: str) -> k8s.networking.v1.NetworkPolicyPeerArgs:
        return k8s.networking.v1.NetworkPolicyPeerArgs(pod_selector=pods_of(app))

    everything = k8s.meta.v1.LabelSelectorArgs()
    default_deny = k8s.networking.v1.NetworkPolicy(
        f"{name}-default-deny",
        metadata=namespaced(namespace, "default-deny"),
        spec=k8s.networking.v1.NetworkPolicySpecArgs(pod_selector=everything, policy_types=["Ingress", "Egress"]),
        opts=on_cluster(),
    )
    kube_dns = k8s.networking.v1.NetworkPolicyPeerArgs(
        namespace_selector=k8s.meta.v1.LabelSelectorArgs(match_labels={"kubernetes.io/metadata.name": "kube-system"}),
        pod_selector=k8s.meta.v1.LabelSelectorArgs(match_labels={"k8s-app": "kube-dns"}),
    )
    egress = k8s.networking.v1.NetworkPolicy(
        f"{name}-egress",
        metadata=namespaced(namespace, "allow-egress"),
        spec=k8s.networking.v1.NetworkPolicySpecArgs(
            pod_selector=everything,
            policy_types=["Egress"],
            egress=[
                k8s.networking.v1.NetworkPolicyEgressRuleArgs(
                    to=[kube_dns], ports=[*ports(DNS, protocol="UDP"), *ports(DNS)]
                ),
                k8s.networking.v1.NetworkPolicyEgressRuleArgs(to=to_cidrs([POD_IDENTITY_AGENT]), ports=ports(80)),
                k8s.networking.v1.NetworkPolicyEgressRuleArgs(
                    to=to_cidrs(network.subnet_cidrs["data"]), ports=ports(database.PORT, cache.PORT)
                ),
                # AWS APIs, the S3 gateway endpoint's public ranges, and the third-party services; SMTP submission.
                k8s.networking.v1.NetworkPolicyEgressRuleArgs(
                    to=to_cidrs(["0.0.0.0/0"]), ports=ports(HTTPS, smtp_port)
                ),
            ],
        ),
        opts=on_cluster(),
    )
    ingress = [
        k8s.networking.v1.NetworkPolicy(
            f"{name}-{app}-ingress",
            metadata=namespaced(namespace, f"allow-{app}-from-nodes"),
            spec=k8s.networking.v1.NetworkPolicySpecArgs(
                pod_selector=pods_of(app),
                policy_types=["Ingress"],
                ingress=[
                    k8s.networking.v1.NetworkPolicyIngressRuleArgs(
                        from_=to_cidrs(network.subnet_cidrs["private"]), ports=ports(settings.container_port)
                    )
                ],
            ),
            opts=on_cluster(),
        )
        for app, settings in sorted(apps.items())
    ]
    clients = sorted(app for app in apps if app != "api")
    api_port = ports(apps["api"].container_port)
    to_api = [
        k8s.networking.v1.NetworkPolicy(
            f"{name}-{client}-to-api",
            metadata=namespaced(namespace, f"allow-{client}-to-api"),
            spec=k8s.networking.v1.NetworkPolicySpecArgs(
                pod_selector=pods_of(client),
                policy_types=["Egress"],
                egress=[k8s.networking.v1.NetworkPolicyEgressRuleArgs(to=[peer("api")], ports=api_port)],
            ),
            opts=on_cluster(),
        )
        for client in clients
    ]
    api_from_clients = k8s.networking.v1.NetworkPolicy(
        f"{name}-api-from-apps",
        metadata=namespaced(namespace, "allow-api-from-apps"),
        spec=k8s.networking.v1.NetworkPolicySpecArgs(
            pod_selector=pods_of("api"),
            policy_types=["Ingress"],
            ingress=[
                k8s.networking.v1.NetworkPolicyIngressRuleArgs(
                    from_=[peer(client) for client in clients], ports=api_port
                )
            ],
        ),
        opts=on_cluster(),
    )
    return [default_deny, egress, *ingress, *to_api, api_from_clients]
