"""Replacement rules of the Cloudflare resources the program declares (pulumi-cloudflare 6.x, built on the
Terraform Cloudflare provider v5; schemas read at v5.22.0, `internal/services/<name>/schema.go`).

The v5 provider is written with the plugin framework: an attribute replaces its resource through a `RequiresReplace`
plan modifier, or `RequiresReplaceIf` when it replaces only sometimes. The computed `id` attributes that carry one
too are not inputs. Settings-like resources (bot management, zone settings, authenticated origin pulls settings)
are never deleted from Cloudflare: destroying one only forgets it, and a replacement writes the zone's setting
again, so none of them holds data.
"""

from __future__ import annotations

from offline.replacements.rules import TERRAFORM_CLOUDFLARE, Conditional, Inputs, Outcome, Rule


def schema(service: str) -> str:
    return f"{TERRAFORM_CLOUDFLARE}internal/services/{service}/schema.go"


def certificate_changed(old: Inputs, new: Inputs) -> str | None:
    """`utils.RequiresReplaceIfNotCertificateSemantic` (internal/utils/cert_normalizations.go): a new certificate
    replaces the upload unless the two differ only in trailing newlines."""
    before, after = old.get("certificate"), new.get("certificate")
    if before == after:
        return None
    if isinstance(before, str) and isinstance(after, str) and before.rstrip("\n") == after.rstrip("\n"):
        return None
    return "a different certificate is a new upload"


RULES: tuple[Rule, ...] = (
    Rule(
        type="cloudflare:index/botManagement:BotManagement",
        source=schema("bot_management"),
        replace_on=("zoneId",),
    ),
    Rule(
        type="cloudflare:index/dnsRecord:DnsRecord",
        source=schema("dns_record"),
        replace_on=("zoneId", "type"),
        note="name, content, proxied and ttl change in place (the record keeps its id).",
    ),
    Rule(
        type="cloudflare:index/ruleset:Ruleset",
        source=schema("ruleset"),
        replace_on=("accountId", "zoneId", "kind", "name", "phase"),
        note="rules change in place; ModifyPlan keeps each rule's id by its ref.",
    ),
    Rule(
        type="cloudflare:index/zoneSetting:ZoneSetting",
        source=schema("zone_setting"),
        replace_on=("settingId", "zoneId"),
    ),
    Rule(
        type="cloudflare:index/authenticatedOriginPullsSettings:AuthenticatedOriginPullsSettings",
        source=schema("authenticated_origin_pulls_settings"),
        replace_on=("zoneId",),
    ),
    Rule(
        type="cloudflare:index/authenticatedOriginPullsCertificate:AuthenticatedOriginPullsCertificate",
        source=schema("authenticated_origin_pulls_certificate"),
        replace_on=("zoneId",),
        conditional=(Conditional("certificate", Outcome.REPLACE, certificate_changed),),
        note="privateKey has no replace modifier, and the resource's Update does nothing: a new key with the same "
        "certificate is planned as an update and never reaches Cloudflare. Change the certificate with it.",
    ),
)
