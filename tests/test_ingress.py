"""The ingress tier on the graph: the ALB in the public subnets behind the `alb` group, TLS 1.3 HTTPS with the edge's
certificate, HTTP that only redirects, a host rule per app to its own target group, health checks and draining from
config, and each target group attached to the node group's autoscaling group."""

from __future__ import annotations

from typing import Any

from components.ingress import TLS_POLICY
from components.storage import ALB_LOG_PREFIX
from offline.graph import Graph, Resource
from tests.graph_queries import group_roles, subnets_by_tier
from tests.helpers import load, prod_outputs

LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer"
TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"
LISTENER = "aws:lb/listener:Listener"
LISTENER_RULE = "aws:lb/listenerRule:ListenerRule"
ATTACHMENT = "aws:autoscaling/attachment:Attachment"
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"


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
        [condition] = rule.inputs["conditions"]
        [host] = condition["hostHeader"]["values"]
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
