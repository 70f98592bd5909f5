"""The security groups, least privilege: the seed's webapp, database and bastion, plus the ALB, cache, file-system,
RDS Proxy, EKS control-plane and deploy-runner groups.

Every rule is a standalone resource with a description, declared once in `rules()` so the whole policy reads
as one table. Nothing but the ALB faces the internet, and the ALB only the Cloudflare edge.

The `webapp` group is the whole cluster's but the control plane's: the nodes' only group (their launch template
names no other) and the pods' (their network interfaces on the pod subnets, ENIConfig). The group EKS creates for
the cluster, which admits itself in full and lets out everything, stays on the control plane's interfaces alone, so
the rules below are all the nodes and the pods may do: the minimum EKS documents between nodes and control plane
(https://docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html, "Restricting cluster traffic") and the flows
of the design. DNS to the VPC's resolver needs none: security groups cannot block it
(https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, get_args

import pulumi
import pulumi_aws as aws

from components import cache, database
from components.base import Component, Platform
from components.config import AppConfig, CloudflareConfig
from components.interfaces import Vpc

# Tier 9 (cluster) added `controlplane`: attached to the EKS control plane's network interfaces; the data tier
# added `proxy`, the RDS Proxy's group.
# The deploy path (design D16) added `deployrunner`, the CodeBuild-hosted runner of the deploy and preview jobs.
Role = Literal["alb", "webapp", "bastion", "database", "cache", "efs", "controlplane", "proxy", "deployrunner"]
ROLES: tuple[Role, ...] = get_args(Role)
PrefixList = Literal["cloudflare-ipv4", "cloudflare-ipv6"]

DESCRIPTIONS: dict[Role, str] = {
    "alb": "Application load balancer: HTTPS (and HTTP to redirect) from Cloudflare only",
    "webapp": "Security group for web application servers (EKS nodes)",
    "bastion": "Bastion host: no inbound, reached through SSM Session Manager",
    "database": "Security group for database servers",
    "cache": "Redis-compatible cache",
    "efs": "Shared EFS file system",
    "controlplane": "EKS control plane: the Kubernetes API for operators through the bastion",
    # Data tier
    "proxy": "RDS Proxy: pools the PostgreSQL connections of the apps",
    "deployrunner": "CodeBuild-hosted GitHub Actions runner of the deploy and preview jobs: no inbound",
}

HTTP, HTTPS, NFS, DNS, KUBELET = 80, 443, 2049, 53, 10250
POSTGRES, REDIS = database.PORT, cache.PORT
# What the control plane may open on nodes and pods besides 443: the kubelet and the ports of webhooks and
# aggregated APIs (metrics-server's, the CloudWatch agent operator's), which EKS documents as 1025-65535.
UNPRIVILEGED_PORTS = (1025, 65535)
ANYWHERE = "0.0.0.0/0"


@dataclass(frozen=True)
class Rule:
    """One allowed flow: TCP or UDP to `port` (to `to_port` for a range), or every protocol and port where `port`
    is None. Exactly one peer is set."""

    group: Role
    direction: Literal["ingress", "egress"]
    port: int | None
    description: str
    peer_group: Role | None = None
    peer_cidr: str | None = None
    peer_prefix_list: PrefixList | None = None
    protocol: Literal["tcp", "udp"] = "tcp"
    to_port: int | None = None

    @property
    def peer(self) -> str:
        """The peer as a logical-name fragment."""
        if self.peer_group is not None:
            return self.peer_group
        if self.peer_prefix_list is not None:
            return self.peer_prefix_list
        return "anywhere" if self.peer_cidr == ANYWHERE else str(self.peer_cidr).replace("/", "_")

    @property
    def ports(self) -> str:
        """The ports as a logical-name fragment: `443`, `1025-65535`, `53-udp`, `all`."""
        if self.port is None:
            return "all"
        ports = f"{self.port}-{self.to_port}" if self.to_port is not None else str(self.port)
        return f"{ports}-udp" if self.protocol == "udp" else ports


def both_ways(port: int, description: str, *, protocol: Literal["tcp", "udp"] = "tcp") -> list[Rule]:
    """`webapp` to `webapp` on `port`: out of one node or pod and into another."""
    return [
        Rule("webapp", direction, port, description, peer_group="webapp", protocol=protocol)
        for direction in ("egress", "ingress")
    ]


def rules(node_ports: Mapping[str, int], container_ports: Mapping[str, int], smtp_port: int) -> list[Rule]:
    """The whole network policy. Data-tier groups get no egress rules: security groups are stateful, so
    replies flow without them, and a database or cache never opens connections of its own (RDS Proxy, which
    opens the pooled connections, may reach the database and nothing else)."""
    table: list[Rule] = []
    for prefix_list in ("cloudflare-ipv4", "cloudflare-ipv6"):
        table += [
            Rule("alb", "ingress", HTTPS, "HTTPS from the Cloudflare edge", peer_prefix_list=prefix_list),
            Rule(
                "alb",
                "ingress",
                HTTP,
                "HTTP from the Cloudflare edge, redirected to HTTPS",
                peer_prefix_list=prefix_list,
            ),
        ]
    for app, port in sorted(node_ports.items()):
        table += [
            Rule("alb", "egress", port, f"ALB to the {app} NodePort", peer_group="webapp"),
            Rule("webapp", "ingress", port, f"{app} NodePort from the ALB", peer_group="alb"),
        ]
    for port in sorted(set(container_ports.values())):
        apps = ", ".join(sorted(app for app, its_port in container_ports.items() if its_port == port))
        # Under externalTrafficPolicy Cluster a node forwards the ALB's request to a pod on another node; the apps
        # call the api's pods (API_INTERNAL_URL).
        table += both_ways(port, f"Pods of {apps}: from nodes forwarding ALB requests, and from the apps")
    table += [
        # The cluster (design D8): what nodes and pods need of each other and of the control plane.
        *both_ways(DNS, "DNS to CoreDNS", protocol="udp"),
        *both_ways(DNS, "DNS to CoreDNS over TCP"),
        *both_ways(KUBELET, "Kubelet API for metrics-server"),
        Rule("controlplane", "ingress", HTTPS, "Kubernetes API from the nodes and pods", peer_group="webapp"),
        Rule(
            "webapp", "ingress", HTTPS, "Webhooks and aggregated APIs from the control plane", peer_group="controlplane"
        ),
        Rule(
            "webapp",
            "ingress",
            UNPRIVILEGED_PORTS[0],
            "Kubelet, webhooks and aggregated APIs from the control plane",
            peer_group="controlplane",
            to_port=UNPRIVILEGED_PORTS[1],
        ),
        # Out of the VPC through NAT (the S3 gateway endpoint for S3): AWS APIs, ECR, the Kubernetes API, the
        # third-party services; SMTP submission.
        Rule("webapp", "egress", HTTPS, "AWS APIs, images, the Kubernetes API and third parties", peer_cidr=ANYWHERE),
        Rule("webapp", "egress", smtp_port, "SMTP submission of mail from the apps", peer_cidr=ANYWHERE),
        # The data tier, each store through its own group; PostgreSQL only through RDS Proxy.
        Rule("webapp", "egress", POSTGRES, "PostgreSQL through RDS Proxy", peer_group="proxy"),
        Rule("webapp", "egress", REDIS, "Redis", peer_group="cache"),
        Rule("webapp", "egress", NFS, "NFS to the shared files", peer_group="efs"),
        Rule("bastion", "egress", POSTGRES, "PostgreSQL for operators", peer_group="database"),
        Rule("bastion", "egress", HTTPS, "SSM Session Manager and package mirrors", peer_cidr=ANYWHERE),
        Rule("database", "ingress", POSTGRES, "PostgreSQL from the bastion", peer_group="bastion"),
        Rule("cache", "ingress", REDIS, "Redis from the apps", peer_group="webapp"),
        Rule("efs", "ingress", NFS, "NFS from the apps", peer_group="webapp"),
        # Tier 9 (cluster). The seed's SSH from the bastion to the nodes is gone: nodes have no SSH key and
        # operators reach them, like the bastion, through SSM Session Manager. The bastion's HTTPS egress
        # already reaches the API.
        Rule(
            "controlplane",
            "ingress",
            HTTPS,
            "Kubernetes API from the bastion (SSM port forwarding)",
            peer_group="bastion",
        ),
        # The deploy path (design D16): the deploy and preview jobs run in the VPC and reach the private API
        # endpoint from there; everything else they call (GitHub, Pulumi Cloud, AWS and Cloudflare APIs, the Helm
        # chart repository) is HTTPS through NAT.
        Rule("controlplane", "ingress", HTTPS, "Kubernetes API from the deploy runner", peer_group="deployrunner"),
        Rule(
            "deployrunner", "egress", HTTPS, "GitHub, Pulumi Cloud, cloud APIs and the cluster API", peer_cidr=ANYWHERE
        ),
        # Data tier: the apps reach PostgreSQL through RDS Proxy, which opens the pooled server connections.
        Rule("proxy", "ingress", POSTGRES, "PostgreSQL from the apps, pooled by RDS Proxy", peer_group="webapp"),
        Rule("proxy", "egress", POSTGRES, "RDS Proxy to the database", peer_group="database"),
        Rule("database", "ingress", POSTGRES, "PostgreSQL from RDS Proxy", peer_group="proxy"),
    ]
    return table


@dataclass(frozen=True, kw_only=True)
class SecurityArgs:
    network: Vpc
    apps: Mapping[str, AppConfig]
    cloudflare: CloudflareConfig
    smtp_port: int
    """The apps' SMTP submission port (`sentinel:workloads.smtpPort`), the one port besides HTTPS they reach out on."""


class Security(Component):
    group_ids: dict[Role, pulumi.Output[str]]

    def __init__(
        self, name: str, platform: Platform, args: SecurityArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, platform, opts)
        groups: dict[Role, aws.ec2.SecurityGroup] = {
            role: aws.ec2.SecurityGroup(
                f"{name}-{role}",
                # A prefix, not a name: AWS replaces a group whose description changes, and the replacement
                # must exist before the old group, still in use by network interfaces, is deleted.
                name_prefix=platform.name(f"{role}-"),
                description=DESCRIPTIONS[role],
                vpc_id=args.network.vpc_id,
                # Rules of other groups reference these groups; revoking first lets a group be deleted.
                revoke_rules_on_delete=True,
                tags={"Name": platform.name(role), "Role": role},
                opts=self.child(),
            )
            for role in ROLES
        }
        prefix_lists: dict[PrefixList, aws.ec2.ManagedPrefixList] = {
            "cloudflare-ipv4": self._prefix_list(name, "IPv4", args.cloudflare.ipv4_ranges),
            "cloudflare-ipv6": self._prefix_list(name, "IPv6", args.cloudflare.ipv6_ranges),
        }
        node_ports = {app: settings.node_port for app, settings in args.apps.items()}
        container_ports = {app: settings.container_port for app, settings in args.apps.items()}
        for rule in rules(node_ports, container_ports, args.smtp_port):
            rule_type = (
                aws.vpc.SecurityGroupIngressRule if rule.direction == "ingress" else aws.vpc.SecurityGroupEgressRule
            )
            rule_name = f"{rule.group}-{rule.direction}-{rule.peer}-{rule.ports}"
            rule_type(
                f"{name}-{rule_name}",
                security_group_id=groups[rule.group].id,
                description=rule.description,
                ip_protocol="-1" if rule.port is None else rule.protocol,
                from_port=rule.port,
                to_port=rule.port if rule.to_port is None else rule.to_port,
                referenced_security_group_id=groups[rule.peer_group].id if rule.peer_group else None,
                cidr_ipv4=rule.peer_cidr,
                prefix_list_id=prefix_lists[rule.peer_prefix_list].id if rule.peer_prefix_list else None,
                tags={"Name": platform.name(rule_name)},
                opts=self.child(),
            )
        self.group_ids = {role: group.id for role, group in groups.items()}
        self.register_outputs({"groupIds": self.group_ids})

    def _prefix_list(
        self, name: str, family: Literal["IPv4", "IPv6"], ranges: Sequence[str]
    ) -> aws.ec2.ManagedPrefixList:
        suffix = f"cloudflare-{family.lower()}"
        return aws.ec2.ManagedPrefixList(
            f"{name}-{suffix}",
            # Fixed name: the API requires one, changes it in place and does not require it to be unique, so
            # a replacement never waits for the old list.
            name=self.platform.name(suffix),
            address_family=family,
            # Each entry counts against the rule quota of every group that uses the list: no headroom.
            max_entries=len(ranges),
            entries=[aws.ec2.ManagedPrefixListEntryArgs(cidr=cidr, description="Cloudflare edge") for cidr in ranges],
            tags={"Name": self.platform.name(suffix)},
            opts=self.child(),
        )
