"""The ACM certificate the ALB's HTTPS listener presents to Cloudflare (SSL "strict" verifies it), for every app's
host, validated through unproxied records in the Cloudflare zone.

A component of its own, built before the ingress: the ALB listener needs the validated certificate, and the
edge's app records need the ALB's DNS name, so one component holding both would depend on itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_cloudflare as cloudflare

from components.base import Component, Platform
from components.config import AppConfig, CloudflareConfig, app_hosts

AUTOMATIC_TTL = 1
"""Cloudflare's "automatic" TTL."""


@dataclass(frozen=True)
class ValidationRecord:
    """The DNS record ACM asks for to validate one host, its names without the trailing dot that Cloudflare drops."""

    name: str
    type: str
    value: str


def validation_record(
    options: Sequence[aws.acm.outputs.CertificateDomainValidationOption], host: str
) -> ValidationRecord:
    """The validation record of `host` among the certificate's options, matched by domain name: ACM's order is
    not the order of the request, nor stable."""
    for option in options:
        if option.domain_name == host and option.resource_record_name and option.resource_record_value:
            return ValidationRecord(
                name=option.resource_record_name.rstrip("."),
                type=option.resource_record_type or "CNAME",
                value=option.resource_record_value.rstrip("."),
            )
    raise ValueError(f"ACM returned no validation record for {host}; it returned {[o.domain_name for o in options]}")


@dataclass(frozen=True, kw_only=True)
class CertificateArgs:
    domain: str
    apps: Mapping[str, AppConfig]
    cloudflare: CloudflareConfig


class Certificate(Component):
    arn: pulumi.Output[str]
    """The certificate's ARN once ACM has validated it: what the ALB listener takes."""

    def __init__(
        self, name: str, platform: Platform, args: CertificateArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, platform, opts)
        # Sorted, so reordering apps in config does not replace the certificate.
        hosts = sorted(app_hosts(args.apps, args.domain).values())
        certificate = aws.acm.Certificate(
            name,
            domain_name=hosts[0],
            subject_alternative_names=hosts[1:],
            validation_method="DNS",
            tags={"Name": platform.name("edge")},
            opts=self.child(),
        )
        records: list[cloudflare.DnsRecord] = []
        for host in hosts:
            wanted = certificate.domain_validation_options.apply(
                lambda options, host=host: validation_record(options, host)
            )
            records.append(
                cloudflare.DnsRecord(
                    f"{name}-validation-{host}",
                    zone_id=args.cloudflare.zone_id,
                    name=wanted.name,
                    type=wanted.type,
                    content=wanted.value,
                    ttl=AUTOMATIC_TTL,
                    # ACM must see the record itself, not Cloudflare's proxy.
                    proxied=False,
                    comment=f"ACM validation of {host} ({platform.name_prefix})",
                    opts=self.child(),
                )
            )
        validation = aws.acm.CertificateValidation(
            name,
            certificate_arn=certificate.arn,
            validation_record_fqdns=[record.name for record in records],
            opts=self.child(),
        )
        self.arn = validation.certificate_arn
        self.register_outputs({"arn": self.arn})
