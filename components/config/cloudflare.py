"""`sentinel:cloudflare`: the edge ranges the ALB admits."""

from __future__ import annotations

import ipaddress

from pydantic import Field, model_validator

from components.config.types import Key, PublicRange, Section, SectionError

# Cloudflare's published edge ranges (https://www.cloudflare.com/ips/). The ALB admits only these, so a
# stack can override them when Cloudflare publishes a change, without a code release.
CLOUDFLARE_IPV4_RANGES = (
    "173.245.48.0/20",
    "103.21.244.0/22",
    "103.22.200.0/22",
    "103.31.4.0/22",
    "141.101.64.0/18",
    "108.162.192.0/18",
    "190.93.240.0/20",
    "188.114.96.0/20",
    "197.234.240.0/22",
    "198.41.128.0/17",
    "162.158.0.0/15",
    "104.16.0.0/13",
    "104.24.0.0/14",
    "172.64.0.0/13",
    "131.0.72.0/22",
)
CLOUDFLARE_IPV6_RANGES = (
    "2400:cb00::/32",
    "2606:4700::/32",
    "2803:f800::/32",
    "2405:b500::/32",
    "2405:8100::/32",
    "2a06:98c0::/29",
    "2c0f:f248::/32",
)


class CloudflareConfig(Section):
    ipv4_ranges: list[PublicRange] = Field(default_factory=lambda: list(CLOUDFLARE_IPV4_RANGES), min_length=1)
    ipv6_ranges: list[PublicRange] = Field(default_factory=lambda: list(CLOUDFLARE_IPV6_RANGES))

    @model_validator(mode="after")
    def _check_families(self) -> CloudflareConfig:
        problems: list[tuple[Key, str]] = []
        for key, ranges, version in (("ipv4Ranges", self.ipv4_ranges, 4), ("ipv6Ranges", self.ipv6_ranges, 6)):
            for index, cidr in enumerate(ranges):
                if ipaddress.ip_network(cidr).version != version:
                    problems.append(((key, index), f"{cidr} is not an IPv{version} range"))
        if problems:
            raise SectionError(problems)
        return self
