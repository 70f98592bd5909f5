"""The edge (tier 11) on the recorded graph: the certificate validated through Cloudflare, the app records, and
on every Cloudflare plan the zone's TLS settings, WAF, rate limits, bots and security headers."""

from __future__ import annotations

import dataclasses
import functools
import ipaddress
import re
import shutil
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import urlsplit

import pulumi
import pytest

from components.config import ConfigError
from components.config.cloudflare import API_TOKEN_KEY, SEED_CONTENT_SECURITY_POLICY, api_token
from components.edge import (
    CLOUDFLARE_MANAGED_RULESET,
    FREE_MANAGED_RULESET,
    OWASP_ANOMALY_SCORE_RULE,
    OWASP_CORE_RULESET,
)
from facts.cloudflare_plans import PLAN_NAMES
from offline.graph import Graph, Resource
from offline.policy import evaluate
from offline.stackfiles import PROJECT_DIR
from policies.rules.deploy_constraints import AWS_DEPLOY_CONSTRAINTS
from policies.rules.edge import CLOUDFLARE_MANAGED_WAF
from policies.rules.edge import POLICIES as EDGE_POLICIES
from tests import programs
from tests.helpers import SECRET_SIGNATURE, graph_of

RULESET = "cloudflare:index/ruleset:Ruleset"
DNS_RECORD = "cloudflare:index/dnsRecord:DnsRecord"
CONFIG_MAP = "kubernetes:core/v1:ConfigMap"
EIP = "aws:ec2/eip:Eip"
NAT_GATEWAY = "aws:ec2/natGateway:NatGateway"
SEED_RATE_PER_SECOND = 100 / 60
PAID_PLANS = [plan for plan in PLAN_NAMES if plan != "free"]


@functools.cache
def edge_run(plan: str, **overrides: Any) -> tuple[Graph, tuple[str, ...]]:
    """The edge behind an ALB (tests/programs.py) on prod's config with the zone on `plan`, and the warnings logged."""
    warnings: list[str] = []
    with mock.patch.object(pulumi.log, "warn", lambda message, *_, **__: warnings.append(message)):
        graph = programs.run(programs.edge_behind_alb, "prod", {"sentinel:cloudflare.plan": plan, **overrides})
    return graph, tuple(warnings)


def rulesets(graph: Graph) -> dict[str, Resource]:
    return {ruleset.inputs["phase"]: ruleset for ruleset in graph.of_type(RULESET)}


def rules(graph: Graph, phase: str) -> dict[str, dict[str, Any]]:
    return {rule["ref"]: rule for rule in rulesets(graph)[phase].inputs["rules"]}


def component_records(graph: Graph, component: str) -> list[Resource]:
    return [record for record in graph.of_type(DNS_RECORD) if record.parent and record.parent.endswith(component)]


def planted(graph: Graph, resource: Resource, **inputs: Any) -> Graph:
    """`graph` with some of `resource`'s inputs replaced: a defect planted where the program would put it."""
    changed = dataclasses.replace(resource, inputs={**resource.inputs, **inputs})
    return Graph(graph.stack, {**graph.resources, resource.urn: changed}, graph.exports)


def hosts_matched(expression: str) -> set[str]:
    """The hosts a rule expression names: `http.host eq "..."` and `http.host in {"..." "..."}`."""
    listed = re.findall(r"http\.host in \{([^}]*)\}", expression)
    return set(re.findall(r'http\.host eq "([^"]+)"', expression)) | {
        host for hosts in listed for host in re.findall(r'"([^"]+)"', hosts)
    }


def sign_in_hosts(graph: Graph) -> set[str]:
    """The host of every app's NEXTAUTH_URL, read off the workloads' ConfigMaps."""
    urls = [
        data["NEXTAUTH_URL"] for data in (c.inputs["data"] for c in graph.of_type(CONFIG_MAP)) if "NEXTAUTH_URL" in data
    ]
    assert len(urls) == 3, "a ConfigMap per app carries NEXTAUTH_URL"
    return {urlsplit(url).hostname or url for url in urls}


def authentication_limit_unguarded(edge: Graph, workloads: Graph) -> list[str]:
    """What the stricter authentication rate limit of `edge` fails to guard, or guards in vain: it must match
    exactly the hosts where sign-in runs, the hosts of the NEXTAUTH_URLs in `workloads`."""
    guarded = hosts_matched(rules(edge, "http_ratelimit")["rate_limit_authentication"]["expression"])
    signing_in = sign_in_hosts(workloads)
    return [f"sign-in on {host} is not guarded" for host in sorted(signing_in - guarded)] + [
        f"{host} is guarded but serves no sign-in" for host in sorted(guarded - signing_in)
    ]


def nat_addresses(graph: Graph) -> set[str]:
    """The public addresses of the graph's NAT gateways: the Elastic IPs they are allocated."""
    allocations = {nat.inputs["allocationId"] for nat in graph.of_type(NAT_GATEWAY)}
    return {eip.outputs["publicIp"] for eip in graph.of_type(EIP) if eip.outputs["allocationId"] in allocations}


def addresses_matched(expression: str) -> set[str]:
    matched = re.fullmatch(r"ip\.src in \{([^{}]*)\}", expression)
    assert matched is not None, f"{expression!r} is not a list of client addresses"
    addresses = matched.group(1).split()
    assert all(ipaddress.ip_address(address) for address in addresses)
    return set(addresses)


# --- The certificate ------------------------------------------------------------------------------------------


def test_the_certificate_names_every_app_host_in_the_stacks_region(stack_graph: Graph) -> None:
    [certificate] = stack_graph.of_type("aws:acm/certificate:Certificate")
    suffix = "" if stack_graph.stack == "prod" else f"-{stack_graph.stack}"
    hosts = {f"{label}{suffix}.projectsentinel.ai" for label in ("app", "api", "admin")}
    assert {certificate.inputs["domainName"], *certificate.inputs["subjectAlternativeNames"]} == hosts
    assert certificate.inputs["validationMethod"] == "DNS"
    assert certificate.outputs["arn"].startswith("arn:aws:acm:us-east-1:")


def test_validation_records_match_the_certificates_options_by_domain(stack_graph: Graph) -> None:
    [certificate] = stack_graph.of_type("aws:acm/certificate:Certificate")
    options = certificate.outputs["domainValidationOptions"]
    requested = [certificate.inputs["domainName"], *certificate.inputs["subjectAlternativeNames"]]
    # The mock answers in an order of its own, as ACM does: matching by position would pair the wrong records.
    assert [option["domainName"] for option in options] != requested
    records = component_records(stack_graph, "Certificate::certificate")
    assert len(records) == len(options)
    for option in options:
        [record] = [r for r in records if r.inputs["name"] == option["resourceRecordName"].rstrip(".")]
        assert record.inputs["name"].endswith("." + option["domainName"])
        assert record.inputs["content"] == option["resourceRecordValue"].rstrip(".")
        assert record.inputs["type"] == option["resourceRecordType"]
        assert record.inputs["proxied"] is False


def test_the_validated_arn_is_the_output_for_the_alb_listener(stack_graph: Graph) -> None:
    [validation] = stack_graph.of_type("aws:acm/certificateValidation:CertificateValidation")
    [certificate] = stack_graph.of_type("aws:acm/certificate:Certificate")
    records = component_records(stack_graph, "Certificate::certificate")
    assert validation.inputs["certificateArn"] == certificate.outputs["arn"]
    assert sorted(validation.inputs["validationRecordFqdns"]) == sorted(r.inputs["name"] for r in records)
    assert stack_graph.exports["certificateArn"] == certificate.outputs["arn"]


# --- App records, and who configures the zone -------------------------------------------------------------------


def test_app_records_are_proxied_to_the_albs_dns_name() -> None:
    graph, _ = edge_run("pro")
    [alb] = graph.of_type("aws:lb/loadBalancer:LoadBalancer")
    records = component_records(graph, "Edge::edge")
    assert {record.inputs["name"] for record in records} == {
        "app.projectsentinel.ai",
        "api.projectsentinel.ai",
        "admin.projectsentinel.ai",
    }
    for record in records:
        assert record.inputs["content"] == alb.outputs["dnsName"]
        assert (record.inputs["type"], record.inputs["proxied"], record.inputs["ttl"]) == ("CNAME", True, 1)


def test_every_stack_points_its_own_hosts_at_its_own_alb(stack_graph: Graph) -> None:
    [alb] = stack_graph.of_type("aws:lb/loadBalancer:LoadBalancer")
    suffix = "" if stack_graph.stack == "prod" else f"-{stack_graph.stack}"
    records = component_records(stack_graph, "Edge::edge")
    assert {record.inputs["name"] for record in records} == {
        f"{label}{suffix}.projectsentinel.ai" for label in ("app", "api", "admin")
    }
    assert {(record.inputs["content"], record.inputs["proxied"]) for record in records} == {
        (alb.outputs["dnsName"], True)
    }


def test_prod_configures_the_shared_zone_and_dev_and_staging_do_not(stack_graph: Graph) -> None:
    zone_types = {"cloudflare:index/zoneSetting:ZoneSetting", RULESET, "cloudflare:index/botManagement:BotManagement"}
    configured = {resource.type for resource in stack_graph} & zone_types
    assert configured == (zone_types if stack_graph.stack == "prod" else set())


def test_every_cloudflare_resource_uses_the_one_provider(stack_graph: Graph) -> None:
    [provider] = stack_graph.of_type("pulumi:providers:cloudflare")
    cloudflare = [r for r in stack_graph if r.type.startswith("cloudflare:")]
    assert cloudflare
    assert {r.provider for r in cloudflare} == {provider.urn}


# --- Zone settings --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("preload", [True, False], ids=["prod default", "preload off"])
def test_zone_settings_with_the_exact_hsts_shape(preload: bool) -> None:
    graph = graph_of("prod") if preload else edge_run("pro", **{"sentinel:cloudflare.hstsPreload": False})[0]
    settings = {
        setting.inputs["settingId"]: setting.inputs["value"]
        for setting in graph.of_type("cloudflare:index/zoneSetting:ZoneSetting")
    }
    assert settings == {
        "ssl": "strict",
        "min_tls_version": "1.2",
        "tls_1_3": "on",
        "always_use_https": "on",
        "automatic_https_rewrites": "on",
        "security_header": {
            "strict_transport_security": {
                "enabled": True,
                "max_age": 31536000,
                "include_subdomains": True,
                "nosniff": True,
                "preload": preload,
            }
        },
    }


# --- Rulesets, plan by plan -----------------------------------------------------------------------------------


@pytest.mark.parametrize("plan", PLAN_NAMES)
def test_every_rule_has_a_unique_ref_and_the_phases_are_the_entry_points(plan: str) -> None:
    graph, _ = edge_run(plan)
    found = rulesets(graph)
    assert set(found) == {
        "http_request_firewall_managed",
        "http_request_firewall_custom",
        "http_ratelimit",
        "http_response_headers_transform",
        "http_request_late_transform",
    }
    for ruleset in found.values():
        assert ruleset.inputs["kind"] == "zone"
        refs = [rule.get("ref") for rule in ruleset.inputs["rules"]]
        assert all(refs) and len(set(refs)) == len(refs)


@pytest.mark.parametrize("plan", PLAN_NAMES)
def test_managed_rules_by_plan(plan: str) -> None:
    graph, warnings = edge_run(plan)
    executed = [rule["actionParameters"]["id"] for rule in rules(graph, "http_request_firewall_managed").values()]
    if plan == "free":
        assert executed == [FREE_MANAGED_RULESET]
        assert any("Cloudflare OWASP Core Ruleset" in warning for warning in warnings)
    else:
        assert executed == [CLOUDFLARE_MANAGED_RULESET, OWASP_CORE_RULESET]
        owasp = rules(graph, "http_request_firewall_managed")["execute_owasp_core_ruleset"]
        overrides = owasp["actionParameters"]["overrides"]
        assert overrides["rules"] == [{"id": OWASP_ANOMALY_SCORE_RULE, "action": "block", "scoreThreshold": 40}]
        assert [c["category"] for c in overrides["categories"]] == [f"paranoia-level-{n}" for n in (2, 3, 4)]
        assert not any(c["enabled"] for c in overrides["categories"])


def test_owasp_paranoia_threshold_and_action_come_from_config() -> None:
    graph, _ = edge_run(
        "business",
        **{
            "sentinel:cloudflare.waf.paranoiaLevel": 3,
            "sentinel:cloudflare.waf.scoreThreshold": 25,
            "sentinel:cloudflare.waf.action": "managed_challenge",
        },
    )
    overrides = rules(graph, "http_request_firewall_managed")["execute_owasp_core_ruleset"]["actionParameters"][
        "overrides"
    ]
    assert overrides["categories"] == [{"category": "paranoia-level-4", "enabled": False}]
    assert overrides["rules"][0]["action"] == "managed_challenge"
    assert overrides["rules"][0]["scoreThreshold"] == 25


@pytest.mark.parametrize("plan", PLAN_NAMES)
def test_custom_rules_block_secret_probes_everywhere_and_attack_scores_on_enterprise(plan: str) -> None:
    graph, warnings = edge_run(plan)
    custom = rules(graph, "http_request_firewall_custom")
    probes = custom["block_secret_path_probes"]
    assert probes["action"] == "block"
    assert '"/.env"' in probes["expression"] and '"/.git/"' in probes["expression"]
    if plan == "enterprise":
        assert custom["block_sqli_xss_attack_score"]["expression"] == (
            "cf.waf.score.sqli le 20 or cf.waf.score.xss le 20"
        )
    else:
        assert set(custom) == {"skip_own_nat_addresses", "block_secret_path_probes"}
        assert any("WAF attack score" in warning for warning in warnings)


@pytest.mark.parametrize("plan", PLAN_NAMES)
def test_rate_limit_holds_the_seeds_average_rate_per_ip_on_every_plan(plan: str) -> None:
    graph, warnings = edge_run(plan)
    limits = rules(graph, "http_ratelimit")
    zone_wide = limits["rate_limit_per_ip"]
    limit = zone_wide["ratelimit"]
    assert (zone_wide["action"], zone_wide["expression"]) == ("block", "true")
    assert limit["characteristics"] == ["cf.colo.id", "ip.src"]
    rate = limit["requestsPerPeriod"] / limit["period"]
    # Never more permissive than 100 per 60 s, and no stricter than rounding down to a whole request needs.
    assert rate <= SEED_RATE_PER_SECOND < (limit["requestsPerPeriod"] + 1) / limit["period"]
    if plan == "free":
        assert (limit["requestsPerPeriod"], limit["period"], limit["mitigationTimeout"]) == (16, 10, 10)
        assert set(limits) == {"rate_limit_per_ip"}
        assert any("becomes 16 per 10 s" in warning for warning in warnings)
        assert any("authentication paths" in warning for warning in warnings)
    else:
        assert (limit["requestsPerPeriod"], limit["period"], limit["mitigationTimeout"]) == (100, 60, 60)
        authentication = limits["rate_limit_authentication"]
        assert authentication["expression"].startswith('http.host eq "app.projectsentinel.ai" and (')
        assert 'starts_with(http.request.uri.path, "/auth/")' in authentication["expression"]
        assert authentication["ratelimit"]["requestsPerPeriod"] / authentication["ratelimit"]["period"] < rate
        assert authentication["action"] == "block"


# --- The authentication limit guards where sign-in runs --------------------------------------------------------


def test_the_authentication_limit_guards_exactly_the_hosts_of_every_apps_nextauth_url(stack_graph: Graph) -> None:
    """Over every stack: where the stack configures the zone, its rule matches the NEXTAUTH_URL hosts of its own
    ConfigMaps; dev and staging configure no zone (prod's rules cover the zone's hosts, its rule prod's sign-in)."""
    if "http_ratelimit" in rulesets(stack_graph):
        assert authentication_limit_unguarded(stack_graph, stack_graph) == []
    else:
        assert stack_graph.stack != "prod"


@pytest.mark.parametrize("plan", PAID_PLANS)
def test_on_every_plan_with_a_second_rule_it_guards_the_hosts_sign_in_runs_on(plan: str) -> None:
    # Only the plan differs from prod, and no app's environment depends on it: prod's ConfigMaps stand for the run's.
    assert authentication_limit_unguarded(edge_run(plan)[0], graph_of("prod")) == []


def test_a_limit_on_the_api_host_while_sign_in_runs_on_web_is_reported() -> None:
    """The defect this check exists for: the limit matched api.<domain>, NextAuth runs on the web host."""
    prod = graph_of("prod")
    ruleset = rulesets(prod)["http_ratelimit"]
    moved = [
        {**rule, "expression": rule["expression"].replace("app.projectsentinel.ai", "api.projectsentinel.ai")}
        for rule in ruleset.inputs["rules"]
    ]
    assert authentication_limit_unguarded(planted(prod, ruleset, rules=moved), prod) == [
        "sign-in on app.projectsentinel.ai is not guarded",
        "api.projectsentinel.ai is guarded but serves no sign-in",
    ]
    [admin] = [
        c for c in prod.of_type(CONFIG_MAP) if c.inputs["metadata"]["labels"]["app.kubernetes.io/name"] == "admin"
    ]
    elsewhere = planted(prod, admin, data={**admin.inputs["data"], "NEXTAUTH_URL": "https://admin.projectsentinel.ai"})
    assert authentication_limit_unguarded(prod, elsewhere) == ["sign-in on admin.projectsentinel.ai is not guarded"]


# --- The stack's own NAT addresses skip the rate limits and bot protection ------------------------------------


def test_the_nat_gateways_addresses_skip_the_rate_limits_and_super_bot_fight_mode(prod: Graph) -> None:
    custom = rulesets(prod)["http_request_firewall_custom"]
    skip = custom.inputs["rules"][0]
    addresses = nat_addresses(prod)
    assert len(addresses) == len(prod.of_type(NAT_GATEWAY)) == 3
    assert skip["ref"] == "skip_own_nat_addresses"
    assert (skip["action"], skip["enabled"]) == ("skip", True)
    assert addresses_matched(skip["expression"]) == addresses
    # Custom rules run before the phases skipped; phases, and nothing else: the WAF and the other custom rules apply.
    assert skip["actionParameters"] == {"phases": ["http_ratelimit", "http_request_sbfm"]}
    # Built from the addresses themselves (Outputs), so a replaced address moves the rule with it.
    eips = {eip.urn for eip in prod.of_type(EIP)}
    assert eips <= custom.dependencies


@pytest.mark.parametrize("plan", PLAN_NAMES)
def test_the_skip_rule_skips_what_each_plan_runs(plan: str) -> None:
    graph, _ = edge_run(plan)
    skip = rules(graph, "http_request_firewall_custom")["skip_own_nat_addresses"]
    assert addresses_matched(skip["expression"]) == {eip.outputs["publicIp"] for eip in graph.of_type(EIP)}
    # Free has no Super Bot Fight Mode phase to skip, and its Bot Fight Mode cannot be skipped.
    expected = ["http_ratelimit"] if plan == "free" else ["http_ratelimit", "http_request_sbfm"]
    assert skip["actionParameters"] == {"phases": expected}
    assert next(iter(rules(graph, "http_request_firewall_custom"))) == "skip_own_nat_addresses"


def test_free_with_bot_fight_mode_warns_that_the_nat_addresses_meet_it() -> None:
    _, warnings = edge_run("free", **{"sentinel:cloudflare.bots.fightMode": True})
    assert any("Bot Fight Mode (the free plan's) cannot be skipped" in warning for warning in warnings)
    assert not any("cannot be skipped" in warning for warning in edge_run("free")[1])


@pytest.mark.parametrize("plan", PLAN_NAMES)
def test_bot_protection_by_plan(plan: str) -> None:
    graph, warnings = edge_run(plan)
    [bots] = graph.of_type("cloudflare:index/botManagement:BotManagement")
    settings = {key: value for key, value in bots.inputs.items() if key != "zoneId"}
    expected: dict[str, dict[str, Any]] = {
        "free": {"fightMode": False},
        "pro": {"sbfmDefinitelyAutomated": "block", "sbfmVerifiedBots": "allow"},
        "business": {"sbfmDefinitelyAutomated": "block", "sbfmLikelyAutomated": "block", "sbfmVerifiedBots": "allow"},
    }
    assert settings == expected.get(plan, expected["business"])
    assert any("Super Bot Fight Mode" in warning for warning in warnings) is (plan in ("free", "pro"))


def test_bot_fight_mode_on_free_only_when_config_asks() -> None:
    graph, _ = edge_run("free", **{"sentinel:cloudflare.bots.fightMode": True})
    [bots] = graph.of_type("cloudflare:index/botManagement:BotManagement")
    assert bots.inputs["fightMode"] is True


@pytest.mark.parametrize("plan", PLAN_NAMES)
def test_the_seeds_security_headers_on_every_response(plan: str) -> None:
    graph, _ = edge_run(plan)
    rule = rules(graph, "http_response_headers_transform")["set_security_headers"]
    assert (rule["action"], rule["expression"]) == ("rewrite", "true")
    assert rule["actionParameters"]["headers"] == {
        "X-Frame-Options": {"operation": "set", "value": "DENY"},
        "X-Content-Type-Options": {"operation": "set", "value": "nosniff"},
        "Referrer-Policy": {"operation": "set", "value": "origin-when-cross-origin"},
        "Permissions-Policy": {"operation": "set", "value": "camera=(), microphone=(), geolocation=()"},
        "Content-Security-Policy": {"operation": "set", "value": SEED_CONTENT_SECURITY_POLICY},
    }


def test_a_stack_whose_zone_another_stack_configures_says_its_origin_admits_every_cloudflare_customer() -> None:
    unauthenticated = "the ALB admits every Cloudflare customer's traffic"
    _, warnings = edge_run("pro", **{"sentinel:cloudflare.managesZone": False})
    assert any(unauthenticated in warning for warning in warnings)
    assert not any(unauthenticated in warning for warning in edge_run("pro")[1])


# --- The API token ----------------------------------------------------------------------------------------------


def test_the_api_token_reaches_the_provider_only_as_a_secret(tmp_path: Path) -> None:
    shutil.copy(PROJECT_DIR / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    stack_path = tmp_path / "Pulumi.prod.yaml"
    stack_path.write_text(
        (PROJECT_DIR / "Pulumi.prod.yaml").read_text() + "  cloudflare:apiToken:\n    secure: AAABAGNpcGhlcnRleHQ=\n"
    )
    graph = programs.run(programs.edge_behind_alb, "prod", stack_path=stack_path)
    [provider] = graph.of_type("pulumi:providers:cloudflare")
    assert {key: provider.inputs["apiToken"].get(key) for key in SECRET_SIGNATURE} == SECRET_SIGNATURE


def test_an_api_token_in_plain_text_is_refused_without_showing_it() -> None:
    with pytest.raises(ConfigError) as refused:
        api_token("prod", {API_TOKEN_KEY: "T0KEN"}, [])
    [problem] = refused.value.problems
    assert "`pulumi config set --secret cloudflare:apiToken`" in problem
    assert "T0KEN" not in problem
    assert api_token("prod", {}, []) is None


@pytest.mark.parametrize("plan", PLAN_NAMES)
def test_every_plans_edge_meets_the_deploy_constraints_and_the_edge_policies(plan: str) -> None:
    graph, _ = edge_run(plan)
    edge_policy_config = {"cloudflare-managed-waf": {"requireOwaspCoreRuleset": plan != "free"}}
    found = evaluate(graph, edge_policy_config, policies=[AWS_DEPLOY_CONSTRAINTS, *EDGE_POLICIES])
    assert [(violation.policy_name, violation.message) for violation in found] == []
    # Free's zone fails the OWASP requirement that the policy's default (Pro and up) makes.
    if plan == "free":
        assert evaluate(graph, None, policies=[CLOUDFLARE_MANAGED_WAF]) != []
