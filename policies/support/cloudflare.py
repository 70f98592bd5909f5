"""Type tokens of pulumi-cloudflare v6 (tier 11, the edge)."""

from __future__ import annotations

CLOUDFLARE_PROVIDER = "pulumi:providers:cloudflare"
CLOUDFLARE_ZONE = "cloudflare:index/zone:Zone"
CLOUDFLARE_DNS_RECORD = "cloudflare:index/dnsRecord:DnsRecord"
CLOUDFLARE_RULESET = "cloudflare:index/ruleset:Ruleset"
CLOUDFLARE_ZONE_SETTING = "cloudflare:index/zoneSetting:ZoneSetting"
CLOUDFLARE_BOT_MANAGEMENT = "cloudflare:index/botManagement:BotManagement"
