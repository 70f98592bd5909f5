"""The ingress tier on the graph: the ALB in the public subnets behind the `alb` group, TLS 1.3 HTTPS with the edge's
certificate, HTTP that only redirects, a host rule per app to its own target group that forwards only requests
carrying the origin secret Cloudflare adds, health checks and draining from config, and each target group attached
to the node group's autoscaling group."""

from __future__ import annotations

import functools
import re
from typing import Any

import pytest

from components.config.apps import app_hosts
from components.ingress import ORIGIN_SECRET_LENGTH, TLS_POLICY
from components.storage import ALB_LOG_PREFIX
from facts.origin_authentication import ORIGIN_HEADER
from offline.graph import Graph, Resource
from tests import programs
from tests.graph_queries import group_roles, subnets_by_tier
from tests.helpers import load, prod_outputs

LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer"
TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"
LISTENER = "aws:lb/listener:Listener"
LISTENER_RULE = "aws:lb/listenerRule:ListenerRule"
ATTACHMENT = "aws:autoscaling/attachment:Attachment"
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
PASSWORD = "random:index/randomPassword:RandomPassword"
RULESET = "cloudflare:index/ruleset:Ruleset"


def one(graph: Graph, type_: str) -> Resource:
    [resource] = graph.of_type(type_)
    return resource


def listeners(graph: Graph) -> dict[str, Resource]:
    return {listener.inputs["protocol"]: listener for listener in graph.of_type(LISTENER)}


def target_groups_by_app(graph: Graph) -> dict[str, Resource]:
    return {group.inputs["tags"]["App"]: group for group in graph.of_type(TARGET_GROUP)}


def test_the_alb_is_public_behind_the_alb_group_and_hardened(stack_graph: Graph) -> None:
    alb = one(stack_graph, LOAD_BALANCER)
    config = load(stack_graph.stack).ingress
    public = {subnet.id for subnet in subnets_by_tier(stack_graph)["public"]}
    assert alb.inputs["loadBalancerType"] == "application"
    assert alb.inputs["internal"] is False
    assert set(alb.inputs["subnets"]) == public
    assert [group_roles(stack_graph)[group] for group in alb.inputs["securityGroups"]] == ["alb"]
    assert alb.inputs["dropInvalidHeaderFields"] is True
    assert alb.inputs["desyncMitigationMode"] == "strictest"
    assert alb.inputs["enableHttp2"] is True
    assert alb.inputs["idleTimeout"] == config.idle_timeout_seconds
    assert alb.inputs["enableDeletionProtection"] is (stack_graph.stack == "prod")


def test_access_logs_go_to_the_log_bucket_under_the_storage_tiers_prefix(prod: Graph) -> None:
    # That the log bucket's policy admits ELB there, and exists first: tests/test_service_grants_log_buckets.py.
    assert one(prod, LOAD_BALANCER).inputs["accessLogs"] == {
        "bucket": prod_outputs()["logs"],
        "prefix": ALB_LOG_PREFIX,
        "enabled": True,
    }


def test_every_stack_serves_https_with_its_validated_certificate(stack_graph: Graph) -> None:
    [validation] = stack_graph.of_type("aws:acm/certificateValidation:CertificateValidation")
    assert set(listeners(stack_graph)) == {"HTTP", "HTTPS"}
    assert listeners(stack_graph)["HTTPS"].inputs["certificateArn"] == validation.outputs["certificateArn"]


def test_https_names_a_tls13_policy_and_the_certificate_and_answers_404_to_unknown_hosts(prod: Graph) -> None:
    https = listeners(prod)["HTTPS"]
    assert https.inputs["port"] == 443
    assert https.inputs["sslPolicy"] == TLS_POLICY
    assert TLS_POLICY.startswith("ELBSecurityPolicy-TLS13-")
    assert https.inputs["certificateArn"] == prod_outputs()["certificate"]
    assert https.inputs["defaultActions"] == [
        {
            "type": "fixed-response",
            "fixedResponse": {"contentType": "text/plain", "messageBody": "Not found", "statusCode": "404"},
        }
    ]


def test_http_only_redirects_to_https(stack_graph: Graph) -> None:
    http = listeners(stack_graph)["HTTP"]
    assert http.inputs["port"] == 80
    assert http.inputs["defaultActions"] == [
        {"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}
    ]


def test_each_host_routes_to_its_own_target_group_on_its_node_port(prod: Graph) -> None:
    config = load("prod")
    groups = {group.outputs["arn"]: group for group in prod.of_type(TARGET_GROUP)}
    https = listeners(prod)["HTTPS"]
    routes: dict[str, Any] = {}
    for rule in prod.of_type(LISTENER_RULE):
        assert rule.inputs["listenerArn"] == https.outputs["arn"]
        [host] = next(
            condition["hostHeader"]["values"] for condition in rule.inputs["conditions"] if "hostHeader" in condition
        )
        [action] = rule.inputs["actions"]
        assert action["type"] == "forward"
        routes[host] = groups[action["targetGroupArn"]]
    assert {host: group.inputs["tags"]["App"] for host, group in routes.items()} == {
        f"{app.subdomain}.{config.domain}": name for name, app in config.apps.items()
    }
    for group in routes.values():
        assert group.inputs["port"] == config.apps[group.inputs["tags"]["App"]].node_port
    priorities = [rule.inputs["priority"] for rule in prod.of_type(LISTENER_RULE)]
    assert len(set(priorities)) == len(priorities)


def test_target_groups_check_health_and_drain_as_configured(stack_graph: Graph) -> None:
    config = load(stack_graph.stack).ingress
    check = config.health_check
    groups = target_groups_by_app(stack_graph)
    assert set(groups) == {"web", "api", "admin"}
    for group in groups.values():
        assert "name" not in group.inputs and "namePrefix" not in group.inputs
        assert group.inputs["targetType"] == "instance"
        assert group.inputs["deregistrationDelay"] == config.deregistration_delay_seconds
        assert group.inputs["healthCheck"] == {
            "enabled": True,
            "path": "/health",
            "port": "traffic-port",
            "protocol": "HTTP",
            "matcher": "200",
            "interval": check.interval_seconds,
            "timeout": check.timeout_seconds,
            "healthyThreshold": check.healthy_threshold,
            "unhealthyThreshold": check.unhealthy_threshold,
        }


def test_each_target_group_is_attached_once_to_the_node_groups_autoscaling_group(stack_graph: Graph) -> None:
    node_group = one(stack_graph, NODE_GROUP)
    [asg] = {group["name"] for resource in node_group.outputs["resources"] for group in resource["autoscalingGroups"]}
    attachments = stack_graph.of_type(ATTACHMENT)
    attached = sorted(attachment.inputs["lbTargetGroupArn"] for attachment in attachments)
    assert attached == sorted(group.outputs["arn"] for group in stack_graph.of_type(TARGET_GROUP))
    for attachment in attachments:
        assert attachment.inputs["autoscalingGroupName"] == asg
        # A replaced node group has a new autoscaling group: the attachment follows through this dependency.
        assert node_group.urn in attachment.property_dependencies["autoscalingGroupName"]


def test_the_alarms_watch_the_alb_and_each_target_group(prod: Graph) -> None:
    alarms = {alarm.inputs["name"]: alarm for alarm in prod.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")}
    groups = target_groups_by_app(prod)
    for app, group in groups.items():
        dimensions = alarms[f"sentinel-prod-EdgeHealthyHosts-{app}"].inputs["dimensions"]
        assert dimensions == {
            "TargetGroup": group.outputs["arnSuffix"],
            "LoadBalancer": one(prod, LOAD_BALANCER).outputs["arnSuffix"],
        }


# --- Origin authentication (design D17) ----------------------------------------------------------------------------


def origin_secrets(graph: Graph) -> dict[str, Resource]:
    """The origin secrets by slot."""
    return {
        password.name.rsplit("-", 1)[1]: password
        for password in graph.of_type(PASSWORD)
        if password.name.startswith("ingress-origin-secret-")
    }


def required_values(rule: Resource) -> list[str] | None:
    """The origin-header values a listener rule requires, or None when it requires none."""
    checks = [condition["httpHeader"] for condition in rule.inputs["conditions"] if "httpHeader" in condition]
    return next((check["values"] for check in checks if check["httpHeaderName"] == ORIGIN_HEADER), None)


def origin_secret_rule(graph: Graph) -> tuple[Resource, dict[str, Any]]:
    [ruleset] = [
        ruleset for ruleset in graph.of_type(RULESET) if ruleset.inputs["phase"] == "http_request_late_transform"
    ]
    [rule] = ruleset.inputs["rules"]
    return ruleset, rule


def test_every_forwarding_rule_requires_the_secret_cloudflare_adds_for_this_stacks_hosts_alone(prod: Graph) -> None:
    config = load("prod")
    secrets = origin_secrets(prod)
    current = secrets["b"].outputs["result"]  # generation 1: the odd slot
    ruleset, rule = origin_secret_rule(prod)
    forwarding = prod.of_type(LISTENER_RULE)
    assert forwarding and all(required_values(listener_rule) == [current] for listener_rule in forwarding)
    assert rule["action"] == "rewrite"
    # Set, not added: a header of that name from the client never reaches the ALB.
    assert rule["actionParameters"]["headers"] == {ORIGIN_HEADER: {"operation": "set", "value": current}}
    # Only this stack's hosts: dev's and staging's hosts in the same zone never see prod's secret.
    listed = re.fullmatch(r"http\.host in \{(.*)\}", rule["expression"])
    assert listed is not None
    assert set(re.findall(r'"([^"]+)"', listed.group(1))) == set(app_hosts(config.apps, config.domain).values())
    # A rotation's new secret reaches Cloudflare only once every rule accepts it.
    assert {listener_rule.urn for listener_rule in forwarding} <= ruleset.dependencies


def test_the_origin_secrets_are_protected_and_hold_nothing_an_alb_condition_reads_as_a_wildcard(prod: Graph) -> None:
    secrets = origin_secrets(prod)
    assert sorted(secrets) == ["a", "b"]
    for password in secrets.values():
        assert password.options.protect is True
        assert password.inputs["length"] == ORIGIN_SECRET_LENGTH
        assert password.inputs["special"] is False  # no `*` or `?`
        assert password.inputs["upper"] is False  # the ALB compares without regard to case


def test_a_stack_whose_zone_another_stack_configures_has_no_secret_to_check(dev: Graph) -> None:
    assert origin_secrets(dev) == {}
    assert all(required_values(rule) is None for rule in dev.of_type(LISTENER_RULE))
    assert [
        ruleset for ruleset in dev.of_type(RULESET) if ruleset.inputs["phase"] == "http_request_late_transform"
    ] == []


@functools.cache
def rotated(generation: int, accept_previous: bool) -> Graph:
    """The ALB and the edge on prod's config at an origin-secret generation."""
    return programs.run(
        programs.edge_behind_alb,
        "prod",
        {
            "sentinel:ingress.originSecret.generation": generation,
            "sentinel:ingress.originSecret.acceptPrevious": accept_previous,
        },
    )


@pytest.mark.parametrize("accept_previous", [True, False], ids=["rotating", "rotated"])
def test_a_rotation_regenerates_one_slot_and_accepts_the_previous_secret_until_it_is_done(
    accept_previous: bool,
) -> None:
    before, after = origin_secrets(rotated(1, False)), origin_secrets(rotated(2, accept_previous))
    # The even slot takes generation 2 (a new keeper: Pulumi replaces it); the odd slot keeps generation 1's secret.
    assert after["a"].inputs["keepers"] == {"generation": "2"}
    assert after["b"].inputs["keepers"] == before["b"].inputs["keepers"] == {"generation": "1"}
    current, previous = after["a"].outputs["result"], after["b"].outputs["result"]
    _, rule = origin_secret_rule(rotated(2, accept_previous))
    assert rule["actionParameters"]["headers"][ORIGIN_HEADER]["value"] == current
    accepted = [current, previous] if accept_previous else [current]
    assert all(
        required_values(listener_rule) == accepted
        for listener_rule in rotated(2, accept_previous).of_type(LISTENER_RULE)
    )
