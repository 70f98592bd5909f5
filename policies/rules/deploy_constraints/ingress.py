"""Ingress: the application load balancer, its target groups, listeners and listener rules, and the node
groups' attachment to its target groups."""

from __future__ import annotations

from policies.rules.deploy_constraints.allowed import among, between, length
from policies.rules.deploy_constraints.kinds import Constraints, OneOf, Tags, Value
from policies.rules.deploy_constraints.sources import (
    CREATE_LISTENER,
    CREATE_LISTENER_RULE,
    CREATE_LOAD_BALANCER,
    CREATE_TARGET_GROUP,
    HOST_HEADER,
    LOAD_BALANCER_ATTRIBUTES,
    TARGET_GROUP_ATTRIBUTES,
)
from policies.support.aws import AUTOSCALING_ATTACHMENT, LISTENER, LISTENER_RULE, LOAD_BALANCER, TARGET_GROUP

_PORTS = between(1, 65535)

CONSTRAINTS: Constraints = {
    LOAD_BALANCER: (
        Value("name", length(32), CREATE_LOAD_BALANCER),
        Value("loadBalancerType", among("application", "network", "gateway"), CREATE_LOAD_BALANCER),
        Value("desyncMitigationMode", among("monitor", "defensive", "strictest"), LOAD_BALANCER_ATTRIBUTES),
        Value("idleTimeout", between(1, 4000), LOAD_BALANCER_ATTRIBUTES),
        Tags(),
    ),
    TARGET_GROUP: (
        Value("namePrefix", length(6), "pulumi_aws/lb/target_group.py (name_prefix)"),
        Value("port", _PORTS, CREATE_TARGET_GROUP),
        Value("protocol", among("HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP", "GENEVE"), CREATE_TARGET_GROUP),
        Value("targetType", among("instance", "ip", "lambda", "alb"), CREATE_TARGET_GROUP),
        Value("deregistrationDelay", between(0, 3600), TARGET_GROUP_ATTRIBUTES),
        Value("healthCheck.interval", between(5, 300), CREATE_TARGET_GROUP),
        Value("healthCheck.timeout", between(2, 120), CREATE_TARGET_GROUP),
        Value("healthCheck.healthyThreshold", between(2, 10), CREATE_TARGET_GROUP),
        Value("healthCheck.unhealthyThreshold", between(2, 10), CREATE_TARGET_GROUP),
        Tags(),
    ),
    LISTENER: (
        Value("port", _PORTS, CREATE_LISTENER),
        Value("protocol", among("HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP", "GENEVE"), CREATE_LISTENER),
        Value(
            "defaultActions[].type",
            among("forward", "redirect", "fixed-response", "authenticate-cognito", "authenticate-oidc"),
            CREATE_LISTENER,
        ),
        Tags(),
    ),
    LISTENER_RULE: (
        Value("priority", between(1, 50000), CREATE_LISTENER_RULE),
        Value("conditions[].hostHeader.values[]", length(128), HOST_HEADER),
        Tags(),
    ),
    AUTOSCALING_ATTACHMENT: (
        OneOf(("elb", "lbTargetGroupArn"), "pulumi_aws/autoscaling/attachment.py (elb, lb_target_group_arn)"),
    ),
}
