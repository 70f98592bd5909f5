"""Ingress: the application load balancer, its target groups, listeners and listener rules, and the node
groups' attachment to its target groups."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from policies.rules.deploy_constraints.allowed import among, between, length
from policies.rules.deploy_constraints.kinds import Constraints, OneOf, Tags, Value, cited
from policies.rules.deploy_constraints.sources import (
    ALB_QUOTAS,
    CREATE_LISTENER,
    CREATE_LISTENER_RULE,
    CREATE_LOAD_BALANCER,
    CREATE_TARGET_GROUP,
    HOST_HEADER,
    HTTP_HEADER,
    LOAD_BALANCER_ATTRIBUTES,
    TARGET_GROUP_ATTRIBUTES,
)
from policies.support.aws import AUTOSCALING_ATTACHMENT, LISTENER, LISTENER_RULE, LOAD_BALANCER, TARGET_GROUP
from policies.support.values import elements, field, is_unknown

_PORTS = between(1, 65535)
# Per rule, across all its conditions; neither quota can be raised (ALB_QUOTAS, "Rules").
_CONDITION_VALUES, _CONDITION_WILDCARDS = 5, 5
_VALUE_LISTS = ("hostHeader", "httpHeader", "httpRequestMethod", "pathPattern", "sourceIp")


@dataclass(frozen=True)
class ConditionQuotas:
    """A rule's conditions hold at most 5 values and at most 5 wildcards (`*`, `?`) in all: a host and the origin
    secrets of a rotation come to 3 values."""

    source: str = ALB_QUOTAS

    def violations(self, props: Any, _provider_props: Any, /) -> Iterator[str]:
        values: list[Any] = []
        for condition in elements(field(props, "conditions")):
            values += [item for kind in _VALUE_LISTS for item in elements(field(condition, kind, "values"))]
            values += elements(field(condition, "queryStrings"))
        if any(is_unknown(value) for value in values):
            return
        if len(values) > _CONDITION_VALUES:
            yield cited(
                f"conditions hold {len(values)} values: AWS allows at most {_CONDITION_VALUES} per rule", self.source
            )
        wildcards = sum(str(value).count("*") + str(value).count("?") for value in values if isinstance(value, str))
        if wildcards > _CONDITION_WILDCARDS:
            yield cited(
                f"conditions hold {wildcards} wildcards: AWS allows at most {_CONDITION_WILDCARDS} per rule",
                self.source,
            )


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
        Value("conditions[].httpHeader.httpHeaderName", length(40), HTTP_HEADER),
        Value("conditions[].httpHeader.values[]", length(128), HTTP_HEADER),
        ConditionQuotas(),
        Tags(),
    ),
    AUTOSCALING_ATTACHMENT: (
        OneOf(("elb", "lbTargetGroupArn"), "pulumi_aws/autoscaling/attachment.py (elb, lb_target_group_arn)"),
    ),
}
