"""Security groups of the seed (webapp, database, bastion) plus the ALB, cache and file-system groups.

Every rule is a standalone resource with a description, declared once in `rules()` so the whole policy reads
as one table. Nothing but the ALB faces the internet, and the ALB only Cloudflare's edge.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import pulumi
import pulumi_aws as aws

from components.base import child, component_type

Role = Literal["alb", "webapp", "bastion", "database", "cache", "efs"]
ROLES: tuple[Role, ...] = ("alb", "webapp", "bastion", "database", "cache", "efs")
PrefixList = Literal["cloudflare-ipv4", "cloudflare-ipv6"]

DESCRIPTIONS: dict[Role, str] = {
    "alb": "Application load balancer: HTTPS (and HTTP to redirect) from Cloudflare only",
    "webapp": "Security group for web application servers (EKS nodes)",
    "bastion": "Bastion host: no inbound, reached through SSM Session Manager",
    "database": "Security group for database servers",
    "cache": "Redis-compatible cache",
    "efs": "Shared EFS file system",
}

SSH, HTTP, HTTPS, NFS, POSTGRES, REDIS = 22, 80, 443, 2049, 5432, 6379
ANYWHERE = "0.0.0.0/0"


@dataclass(frozen=True)
class Rule:
    """One allowed flow. `port` None means every protocol and port. Exactly one peer is set."""

    group: Role
    direction: Literal["ingress", "egress"]
    port: int | None
    description: str
    peer_group: Role | None = None
    peer_cidr: str | None = None
    peer_prefix_list: PrefixList | None = None

    @property
    def peer(self) -> str:
        """The peer as a logical-name fragment."""
        if self.peer_group is not None:
            return self.peer_group
        if self.peer_prefix_list is not None:
            return self.peer_prefix_list
        return "anywhere" if self.peer_cidr == ANYWHERE else str(self.peer_cidr).replace("/", "_")


def rules(app_ports: dict[str, int]) -> list[Rule]:
    """The whole network policy. Data-tier groups get no egress rules: security groups are stateful, so
    replies flow without them, and a database or cache never opens connections of its own."""
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
    for app, port in sorted(app_ports.items()):
        table += [
            Rule("alb", "egress", port, f"ALB to the {app} NodePort", peer_group="webapp"),
            Rule("webapp", "ingress", port, f"{app} NodePort from the ALB", peer_group="alb"),
        ]
    table += [
        Rule("webapp", "ingress", SSH, "SSH from the bastion", peer_group="bastion"),
        Rule("webapp", "egress", None, "Nodes pull images and call AWS APIs through NAT", peer_cidr=ANYWHERE),
        Rule("bastion", "egress", SSH, "SSH to the nodes", peer_group="webapp"),
        Rule("bastion", "egress", POSTGRES, "PostgreSQL for operators", peer_group="database"),
        Rule("bastion", "egress", HTTPS, "SSM Session Manager and package mirrors", peer_cidr=ANYWHERE),
        Rule("database", "ingress", POSTGRES, "PostgreSQL from the apps", peer_group="webapp"),
        Rule("database", "ingress", POSTGRES, "PostgreSQL from the bastion", peer_group="bastion"),
        Rule("cache", "ingress", REDIS, "Redis from the apps", peer_group="webapp"),
        Rule("efs", "ingress", NFS, "NFS from the apps", peer_group="webapp"),
    ]
    return table


@dataclass(frozen=True)
class SecurityArgs:
    name_prefix: str
    vpc_id: pulumi.Input[str]
    app_ports: dict[str, int]
    cloudflare_ipv4_ranges: Sequence[str]
    cloudflare_ipv6_ranges: Sequence[str]


class Security(pulumi.ComponentResource):
    group_ids: dict[Role, pulumi.Output[str]]

    def __init__(self, name: str, args: SecurityArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(component_type("Security"), name, None, opts)
        groups: dict[Role, aws.ec2.SecurityGroup] = {
            role: aws.ec2.SecurityGroup(
                f"{name}-{role}",
                name=f"{args.name_prefix}-{role}",
                description=DESCRIPTIONS[role],
                vpc_id=args.vpc_id,
                # Rules of other groups reference these groups; revoking first lets a group be deleted.
                revoke_rules_on_delete=True,
                tags={"Name": f"{args.name_prefix}-{role}", "Role": role},
                opts=child(self),
            )
            for role in ROLES
        }
        prefix_lists: dict[PrefixList, aws.ec2.ManagedPrefixList] = {
            "cloudflare-ipv4": self._prefix_list(name, args.name_prefix, "IPv4", args.cloudflare_ipv4_ranges),
            "cloudflare-ipv6": self._prefix_list(name, args.name_prefix, "IPv6", args.cloudflare_ipv6_ranges),
        }
        for rule in rules(args.app_ports):
            rule_type = (
                aws.vpc.SecurityGroupIngressRule if rule.direction == "ingress" else aws.vpc.SecurityGroupEgressRule
            )
            rule_type(
                f"{name}-{rule.group}-{rule.direction}-{rule.peer}-{rule.port or 'all'}",
                security_group_id=groups[rule.group].id,
                description=rule.description,
                ip_protocol="-1" if rule.port is None else "tcp",
                from_port=rule.port,
                to_port=rule.port,
                referenced_security_group_id=groups[rule.peer_group].id if rule.peer_group else None,
                cidr_ipv4=rule.peer_cidr,
                prefix_list_id=prefix_lists[rule.peer_prefix_list].id if rule.peer_prefix_list else None,
                opts=child(self),
            )
        self.group_ids = {role: group.id for role, group in groups.items()}
        self.register_outputs({"groupIds": self.group_ids})

    def _prefix_list(
        self, name: str, name_prefix: str, family: Literal["IPv4", "IPv6"], ranges: Sequence[str]
    ) -> aws.ec2.ManagedPrefixList:
        suffix = f"cloudflare-{family.lower()}"
        return aws.ec2.ManagedPrefixList(
            f"{name}-{suffix}",
            name=f"{name_prefix}-{suffix}",
            address_family=family,
            # Each entry counts against the rule quota of every group that uses the list: no headroom.
            max_entries=len(ranges),
            entries=[aws.ec2.ManagedPrefixListEntryArgs(cidr=cidr, description="Cloudflare edge") for cidr in ranges],
            opts=child(self),
        )
