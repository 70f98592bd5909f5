"""The private Route 53 zone (design D4): the seed's names for the data tier, for operators inside the VPC.

The names are CNAMEs of the AWS endpoints. Clients that verify TLS (the apps' URLs) use the AWS names, which
the certificates cover; a certificate names no record of this zone.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.base import Component, Platform
from components.interfaces import CacheEndpoints, DatabaseEndpoints, Vpc

# Short enough to follow the proxy and cache endpoints soon after a failover or a replaced endpoint.
TTL_SECONDS = 60


@dataclass(frozen=True, kw_only=True)
class DnsArgs:
    network: Vpc
    """The VPC the zone answers in."""
    database: DatabaseEndpoints
    cache: CacheEndpoints


class Dns(Component):
    zone_id: pulumi.Output[str]
    zone_name: str
    names: dict[str, str]
    """Each seed name's fully qualified name, such as primary-db -> primary-db.sentinel-prod.internal."""

    def __init__(
        self, name: str, platform: Platform, args: DnsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, platform, opts)
        # `.internal` is reserved for private use (ICANN, 2024): it never resolves on the internet.
        self.zone_name = f"{platform.name_prefix}.internal"
        zone = aws.route53.Zone(
            name,
            # Fixed name: a zone's name is the domain it answers for.
            name=self.zone_name,
            comment=f"Private names of the {platform.name_prefix} data tier, for operators",
            vpcs=[aws.route53.ZoneVpcArgs(vpc_id=args.network.vpc_id)],
            tags={"Name": platform.name("internal")},
            opts=self.child(),
        )
        targets = {
            "primary-db": args.database.writer_endpoint,
            "read-replica": args.database.reader_endpoint,
            "redis-cluster": args.cache.primary_endpoint,
            "redis-reader": args.cache.reader_endpoint,
        }
        self.names = {}
        for label, target in targets.items():
            self.names[label] = f"{label}.{self.zone_name}"
            aws.route53.Record(
                f"{name}-{label}",
                zone_id=zone.zone_id,
                # Fixed name: the seed's name is what operators type.
                name=self.names[label],
                type="CNAME",
                ttl=TTL_SECONDS,
                records=[target],
                opts=self.child(),
            )
        self.zone_id = zone.zone_id
        self.register_outputs({"zoneId": self.zone_id, "names": self.names})
