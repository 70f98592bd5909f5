"""The edge's credentials (policies/rules/edge_token.py): each stack's provider takes the stack's own token, and the
permissions that token is minted with, listed in the stack's policy config, are exactly what its Cloudflare resources
need, so dev and staging, which only add records to prod's zone, hold DNS Write and nothing that edits the zone."""

from __future__ import annotations

import re
from typing import Any

import pytest

from offline.graph import Graph
from offline.policy import resolve_policy_config
from offline.policy_config import load_policy_config
from offline.stackfiles import PROJECT_DIR
from policies.pack import POLICIES
from policies.rules.edge_token import (
    CLOUDFLARE_PROVIDER_STACK_TOKEN,
    CLOUDFLARE_TOKEN_PERMISSIONS,
    RECORDS_ONLY,
)
from policies.support.cloudflare import CLOUDFLARE_DNS_RECORD, CLOUDFLARE_PROVIDER
from tests.helpers import SECRET_SIGNATURE
from tests.policy_builders import UNKNOWN, GraphBuilder, messages, single
from tests.policy_builders_cloudflare import MANAGED_WAF_RULE, RATE_LIMIT_RULE, cloudflare_zone, ruleset

ZONE_PERMISSIONS = ["DNS Write", "Zone Settings Write", "Zone WAF Write"]


def _listed(stack: str) -> list[str]:
    """The token permissions a stack's policy config lists (its default where it lists none)."""
    settings = resolve_policy_config(POLICIES, load_policy_config(stack))[CLOUDFLARE_TOKEN_PERMISSIONS.name]
    return (settings.config or {}).get("permissions", RECORDS_ONLY)


# --- The stack's own token --------------------------------------------------------------------------------------


def test_a_provider_with_the_stacks_token_passes() -> None:
    token = {**SECRET_SIGNATURE, "value": "offline-secret-for-cloudflare:apiToken"}
    assert messages(CLOUDFLARE_PROVIDER_STACK_TOKEN, single(CLOUDFLARE_PROVIDER, {"apiToken": token})) == []
    assert messages(CLOUDFLARE_PROVIDER_STACK_TOKEN, single(CLOUDFLARE_PROVIDER, {"apiToken": UNKNOWN})) == []


def test_a_provider_left_to_a_shared_token_or_given_a_global_key_fails() -> None:
    assert messages(CLOUDFLARE_PROVIDER_STACK_TOKEN, single(CLOUDFLARE_PROVIDER, {})) == [
        "apiToken is not set, so the provider takes CLOUDFLARE_API_TOKEN from the deploy's environment, which every "
        "stack's job may share: give the stack its own token, `pulumi config set --secret cloudflare:apiToken`"
    ]
    global_key = {"apiToken": "token", "apiKey": "key"}
    assert messages(CLOUDFLARE_PROVIDER_STACK_TOKEN, single(CLOUDFLARE_PROVIDER, global_key)) == [
        "apiKey is set: a global credential reaches every zone of its user; use the stack's API token"
    ]


def test_every_stack_file_stores_its_own_token_as_a_secret(stack_graph: Graph) -> None:
    [provider] = stack_graph.of_type(CLOUDFLARE_PROVIDER)
    assert {key: provider.inputs["apiToken"].get(key) for key in SECRET_SIGNATURE} == SECRET_SIGNATURE
    assert messages(CLOUDFLARE_PROVIDER_STACK_TOKEN, stack_graph) == []


# --- The token's permissions ------------------------------------------------------------------------------------


def _configured_zone() -> Graph:
    """A stack that configures its zone: settings, a record, the managed WAF and a rate limit."""
    builder = GraphBuilder()
    cloudflare_zone(builder)
    ruleset(builder, "http_request_firewall_managed", [MANAGED_WAF_RULE])
    ruleset(builder, "http_ratelimit", [RATE_LIMIT_RULE])
    return builder.build()


def test_a_stack_that_only_adds_records_needs_dns_write_alone() -> None:
    builder = GraphBuilder()
    builder.add(CLOUDFLARE_DNS_RECORD, "app", {"zoneId": "zone-1", "name": "app-dev", "type": "CNAME"})
    assert messages(CLOUDFLARE_TOKEN_PERMISSIONS, builder.build()) == []


def test_a_stack_configuring_the_zone_with_a_records_only_token_fails() -> None:
    found = messages(CLOUDFLARE_TOKEN_PERMISSIONS, _configured_zone())
    assert [re.findall(r'permission ("[^"]+")', message) for message in found] == [
        ['"Zone Settings Write"'],
        ['"Zone WAF Write"'],
    ]
    assert all("which the stack's policy config does not list" in message for message in found)


def test_a_stack_configuring_the_zone_passes_with_those_permissions_listed_and_no_more() -> None:
    assert messages(CLOUDFLARE_TOKEN_PERMISSIONS, _configured_zone(), {"permissions": ZONE_PERMISSIONS}) == []
    wider = {"permissions": [*ZONE_PERMISSIONS, "Bot Management Write"]}
    assert messages(CLOUDFLARE_TOKEN_PERMISSIONS, _configured_zone(), wider) == [
        'the stack\'s policy config lists the token permission "Bot Management Write", which nothing in the stack '
        "uses: mint the stack's token without it, and drop it from cloudflare-token-permissions.permissions"
    ]


@pytest.mark.parametrize(
    ("phase", "permission"),
    [
        ("http_request_late_transform", "Transform Rules Write"),
        ("http_response_headers_transform", "Transform Rules Write"),
    ],
)
def test_a_rulesets_permission_is_its_phases(phase: str, permission: str) -> None:
    builder = GraphBuilder()
    ruleset(builder, phase, [])
    assert messages(CLOUDFLARE_TOKEN_PERMISSIONS, builder.build(), {"permissions": [permission]}) == []


def test_a_resource_whose_permission_is_unknown_is_named_and_an_unknown_phase_waits() -> None:
    builder = GraphBuilder()
    ruleset(builder, "http_request_redirect", [])
    builder.add("cloudflare:index/ruleset:Ruleset", "pending", {"zoneId": "zone-1", "phase": UNKNOWN})
    [message] = messages(CLOUDFLARE_TOKEN_PERMISSIONS, builder.build(), {"permissions": []})
    assert message.startswith(
        'zone-1-http_request_redirect is a cloudflare:index/ruleset:Ruleset in phase "http_request_redirect", '
        "whose token permission policies/rules/edge_token.py does not know"
    )


def test_dev_and_staging_hold_dns_write_alone_and_prod_what_configuring_the_zone_takes(stack_graph: Graph) -> None:
    listed = _listed(stack_graph.stack)
    if stack_graph.stack == "prod":
        assert set(listed) > {"DNS Write", "Zone Settings Write", "Zone WAF Write"}
    else:
        assert listed == ["DNS Write"]
    assert messages(CLOUDFLARE_TOKEN_PERMISSIONS, stack_graph, {"permissions": listed}) == []


def test_the_edge_page_documents_each_stacks_token_as_its_policy_config_lists_it() -> None:
    """docs/edge.md is what an operator mints the tokens from."""
    page = (PROJECT_DIR / "docs" / "edge.md").read_text()
    documented: dict[str, Any] = {}
    for stacks, permissions in re.findall(r"^\| ([a-z, ]+) \| ((?:`[^`]+`(?:, )?)+) \|", page, re.MULTILINE):
        for stack in stacks.split(", "):
            documented[stack] = re.findall(r"`([^`]+)`", permissions)
    assert documented == {stack: _listed(stack) for stack in ("prod", "staging", "dev")}
