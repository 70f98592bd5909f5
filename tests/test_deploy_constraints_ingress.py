"""Deploy constraints of ingress (the load balancer, its target groups, listeners and rules): the inputs the program
sets pass, and each constraint reports the value that breaks it."""

from __future__ import annotations

from typing import Any

from policies.rules.deploy_constraints import ingress
from policies.support.aws import (
    AUTOSCALING_ATTACHMENT,
    LISTENER,
    LISTENER_RULE,
    LOAD_BALANCER,
    TARGET_GROUP,
)
from tests.deploy_constraint_cases import constraint_case, untested_constraints
from tests.policy_builders import property_rule_tests

COMPLIANT: dict[str, dict[str, Any]] = {
    LOAD_BALANCER: {
        "loadBalancerType": "application",
        "desyncMitigationMode": "strictest",
        "idleTimeout": 60,
        "tags": {"Name": "sentinel-prod-alb"},
    },
    TARGET_GROUP: {
        "port": 30080,
        "protocol": "HTTP",
        "targetType": "instance",
        "deregistrationDelay": 60,
        "healthCheck": {"interval": 10, "timeout": 5, "healthyThreshold": 2, "unhealthyThreshold": 2},
    },
    LISTENER: {"port": 443, "protocol": "HTTPS", "defaultActions": [{"type": "fixed-response"}]},
    LISTENER_RULE: {
        "priority": 81,
        "conditions": [
            {"hostHeader": {"values": ["app.projectsentinel.ai"]}},
            {"httpHeader": {"httpHeaderName": "X-Origin-Verify", "values": ["0" * 64, "1" * 64]}},
        ],
    },
    AUTOSCALING_ATTACHMENT: {"autoscalingGroupName": "eks-nodes", "lbTargetGroupArn": "arn:aws:tg"},
}

case = constraint_case(COMPLIANT)

# (resource type, the change that breaks its compliant inputs, the start of the message it then reports, id)
CASES = [
    case(LOAD_BALANCER, {"name": "sentinel-production-application-lb"}, "name is", "alb-name"),
    case(LOAD_BALANCER, {"loadBalancerType": "classic"}, 'loadBalancerType is "classic"', "alb-type"),
    case(LOAD_BALANCER, {"desyncMitigationMode": "strict"}, 'desyncMitigationMode is "strict"', "desync"),
    case(LOAD_BALANCER, {"idleTimeout": 4001}, "idleTimeout is 4001: AWS allows whole numbers from 1 to 4000", "idle"),
    case(LOAD_BALANCER, {"tags": {"aws:x": "y"}}, 'tags key "aws:x"', "alb-tags"),
    case(TARGET_GROUP, {"namePrefix": "sentinel-"}, 'namePrefix is "sentinel-": AWS allows 1 to 6', "tg-prefix"),
    case(TARGET_GROUP, {"port": 70000}, "port is 70000: AWS allows whole numbers from 1 to 65535", "tg-port"),
    case(TARGET_GROUP, {"protocol": "HTTP2"}, 'protocol is "HTTP2"', "tg-protocol"),
    case(TARGET_GROUP, {"targetType": "node"}, 'targetType is "node"', "tg-target-type"),
    case(TARGET_GROUP, {"deregistrationDelay": 3601}, "deregistrationDelay is 3601", "tg-deregistration"),
    case(TARGET_GROUP, {"healthCheck": {"interval": 1}}, "healthCheck.interval is 1", "tg-interval"),
    case(TARGET_GROUP, {"healthCheck": {"timeout": 1}}, "healthCheck.timeout is 1", "tg-timeout"),
    case(TARGET_GROUP, {"healthCheck": {"healthyThreshold": 1}}, "healthCheck.healthyThreshold is 1", "tg-healthy"),
    case(
        TARGET_GROUP,
        {"healthCheck": {"unhealthyThreshold": 11}},
        "healthCheck.unhealthyThreshold is 11",
        "tg-unhealthy",
    ),
    case(TARGET_GROUP, {"tags": {"aws:x": "y"}}, 'tags key "aws:x"', "tg-tags"),
    case(LISTENER, {"port": 0}, "port is 0", "listener-port"),
    case(LISTENER, {"protocol": "HTTP2"}, 'protocol is "HTTP2"', "listener-protocol"),
    case(LISTENER, {"defaultActions": [{"type": "deny"}]}, 'defaultActions[0].type is "deny"', "listener-action"),
    case(LISTENER, {"tags": {"aws:x": "y"}}, 'tags key "aws:x"', "listener-tags"),
    case(LISTENER_RULE, {"priority": 50001}, "priority is 50001", "rule-priority"),
    case(
        LISTENER_RULE,
        {"conditions": [{"hostHeader": {"values": ["h" * 129]}}]},
        "conditions[0].hostHeader.values[0] is",
        "rule-host",
    ),
    case(
        LISTENER_RULE,
        {"conditions": [{"httpHeader": {"httpHeaderName": "X-" + "o" * 39, "values": ["secret"]}}]},
        "conditions[0].httpHeader.httpHeaderName is",
        "rule-header-name",
    ),
    case(
        LISTENER_RULE,
        {"conditions": [{"httpHeader": {"httpHeaderName": "X-Origin-Verify", "values": ["s" * 129]}}]},
        "conditions[0].httpHeader.values[0] is",
        "rule-header-value",
    ),
    case(
        LISTENER_RULE,
        {
            "conditions": [
                {"hostHeader": {"values": ["app.projectsentinel.ai"]}},
                {"httpHeader": {"httpHeaderName": "X-Origin-Verify", "values": ["a", "b", "c", "d", "e"]}},
            ]
        },
        "conditions hold 6 values: AWS allows at most 5 per rule",
        "rule-condition-values",
    ),
    case(
        LISTENER_RULE,
        {
            "conditions": [
                {"hostHeader": {"values": ["*.a.example", "*.b.example"]}},
                {"pathPattern": {"values": ["/??/*/*"]}},
            ]
        },
        "conditions hold 6 wildcards: AWS allows at most 5 per rule",
        "rule-condition-wildcards",
    ),
    case(LISTENER_RULE, {"tags": {"aws:x": "y"}}, 'tags key "aws:x"', "rule-tags"),
    case(AUTOSCALING_ATTACHMENT, {"lbTargetGroupArn": None}, "none of elb, lbTargetGroupArn is set", "attachment"),
]

test_compliant_values_pass, test_each_constraint_reports_its_planted_value = property_rule_tests(CASES)


def test_every_constraint_has_a_failing_case() -> None:
    assert untested_constraints(ingress.CONSTRAINTS, CASES) == []
