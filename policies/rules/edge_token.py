"""The edge's credentials: each stack reaches Cloudflare with a token of its own, stored in its own config, that may
do what the stack's Cloudflare resources need and nothing else. The program cannot mint the token (that takes a user
token); the stack's policy config lists the permissions its token was minted with (docs/edge.md), and the pack holds
that list to what the stack creates: dev and staging, which add records to the zone prod configures, list DNS
only, so a token that could change the zone's settings, WAF or rules is never theirs."""

from __future__ import annotations

from collections.abc import Iterable

from pulumi_policy import Policy, ResourceValidationArgs, Severity

from policies.support.cloudflare import (
    CLOUDFLARE_BOT_MANAGEMENT,
    CLOUDFLARE_DNS_RECORD,
    CLOUDFLARE_PROVIDER,
    CLOUDFLARE_RULESET,
    CLOUDFLARE_ZONE,
    CLOUDFLARE_ZONE_SETTING,
)
from policies.support.declare import Concern, Finding, ResourcePolicy, Settings, StackPolicy
from policies.support.stack import Stack
from policies.support.values import field, is_set, is_unknown, shown

# The API token permission (zone scope, API name; the dashboard says "Edit" for "Write") each Cloudflare resource the
# program creates needs (https://developers.cloudflare.com/fundamentals/api/reference/permissions/).
TOKEN_PERMISSIONS = {
    CLOUDFLARE_DNS_RECORD: "DNS Write",
    CLOUDFLARE_ZONE_SETTING: "Zone Settings Write",
    CLOUDFLARE_BOT_MANAGEMENT: "Bot Management Write",
    CLOUDFLARE_ZONE: "Zone Write",
}
# A ruleset's permission is its phase's: the WAF's phases (https://developers.cloudflare.com/waf/reference/phases/)
# take Zone WAF (cloudflare/cloudflare-docs#11775), the Transform Rules' take Transform Rules
# (https://developers.cloudflare.com/rules/transform/).
RULESET_PERMISSIONS = {
    **dict.fromkeys(
        ("http_request_firewall_managed", "http_request_firewall_custom", "http_ratelimit"), "Zone WAF Write"
    ),
    **dict.fromkeys(
        ("http_request_transform", "http_request_late_transform", "http_response_headers_transform"),
        "Transform Rules Write",
    ),
}
# What a stack that only adds records to a zone another stack configures needs: its records and the certificate's
# validation records.
RECORDS_ONLY = ["DNS Write"]


def _needed(stack: Stack) -> tuple[dict[str, list[str]], list[Finding]]:
    """The permissions the stack's Cloudflare resources need, each with the resources that need it, and a finding
    for each resource whose permission this module does not know."""
    needed: dict[str, list[str]] = {}
    unknown: list[Finding] = []
    for resource in stack.resources:
        kind = resource.resource_type
        if not kind.startswith("cloudflare:"):
            continue
        phase = field(resource.props, "phase") if kind == CLOUDFLARE_RULESET else None
        if is_unknown(phase):
            continue
        permission = RULESET_PERMISSIONS.get(str(phase)) if phase else TOKEN_PERMISSIONS.get(kind)
        if permission is None:
            what = f"{kind} in phase {shown(phase)}" if phase else kind
            unknown.append(
                Finding(
                    resource.urn,
                    f"{resource.name} is a {what}, whose token permission policies/rules/edge_token.py does not know: "
                    "add it there, with its Cloudflare source",
                )
            )
            continue
        needed.setdefault(permission, []).append(resource.name)
    return needed, unknown


def _token_permissions(stack: Stack, settings: Settings) -> Iterable[Finding]:
    needed, unknown = _needed(stack)
    yield from unknown
    listed = set(settings["permissions"])
    for permission, users in sorted(needed.items()):
        if permission not in listed:
            yield Finding(
                None,
                f"{', '.join(sorted(users)[:3])} need the token permission {shown(permission)}, which the stack's "
                "policy config does not list (cloudflare-token-permissions.permissions): a stack that only adds "
                "records must not configure the zone; one that configures it lists the permission and mints its "
                "token with it",
            )
    for permission in sorted(listed - set(needed)):
        yield Finding(
            None,
            f"the stack's policy config lists the token permission {shown(permission)}, which nothing in the stack "
            "uses: mint the stack's token without it, and drop it from cloudflare-token-permissions.permissions",
        )


CLOUDFLARE_TOKEN_PERMISSIONS = StackPolicy(
    name="cloudflare-token-permissions",
    description=(
        "The permissions the stack's Cloudflare API token is minted with, listed in its policy config "
        "(permissions; default DNS Write only), are exactly those its Cloudflare resources need: DNS Write for "
        "records, Zone Settings Write, Zone WAF Write (managed, custom and rate-limiting rules), Transform Rules "
        "Write and Bot Management Write only where the stack configures the zone."
    ),
    concern=Concern.SECURITY,
    severity=Severity.HIGH,
    rule=_token_permissions,
    config={
        "permissions": {
            "type": "array",
            "items": {"type": "string"},
            "uniqueItems": True,
            "default": RECORDS_ONLY,
        }
    },
)

# Global API keys and user service keys reach every zone and account of their user: never a stack's credential.
_GLOBAL_CREDENTIALS = ("apiKey", "apiUserServiceKey")


def _stack_token(args: ResourceValidationArgs, _settings: Settings) -> Iterable[str]:
    token = field(args.props, "apiToken")
    if not is_unknown(token) and not is_set(token):
        yield (
            "apiToken is not set, so the provider takes CLOUDFLARE_API_TOKEN from the deploy's environment, which "
            "every stack's job may share: give the stack its own token, `pulumi config set --secret "
            "cloudflare:apiToken`"
        )
    for credential in _GLOBAL_CREDENTIALS:
        value = field(args.props, credential)
        if not is_unknown(value) and is_set(value):
            yield f"{credential} is set: a global credential reaches every zone of its user; use the stack's API token"


CLOUDFLARE_PROVIDER_STACK_TOKEN = ResourcePolicy(
    name="cloudflare-provider-stack-token",
    description=(
        "The Cloudflare provider takes the stack's own API token from its config (cloudflare:apiToken, a secret of "
        "the stack file), never a CLOUDFLARE_API_TOKEN the deploy jobs of every stack may share, nor a global API "
        "key: one token per stack, with only its stack's permissions (cloudflare-token-permissions)."
    ),
    concern=Concern.SECURITY,
    severity=Severity.HIGH,
    resource_types=(CLOUDFLARE_PROVIDER,),
    rule=_stack_token,
)

POLICIES: tuple[Policy, ...] = (CLOUDFLARE_PROVIDER_STACK_TOKEN, CLOUDFLARE_TOKEN_PERMISSIONS)
