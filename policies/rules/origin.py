"""Origin authentication (design D17): the load balancer forwards only requests that carry the secret header this
stack's Cloudflare zone adds, since its security group admits every Cloudflare customer's traffic alike. Every
listener rule that forwards requires the header, and no listener forwards by default."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pulumi_policy import Policy, ResourceValidationArgs, Severity

from facts.origin_authentication import ORIGIN_HEADER
from policies.support.aws import LISTENER, LISTENER_RULE
from policies.support.declare import Concern, ResourcePolicy, Settings
from policies.support.values import elements, field, is_unknown, shown


def _forwards(action: Any) -> bool:
    """Whether a listener action sends requests to targets: a forward, to one target group or weighted to several."""
    return field(action, "type") == "forward" or field(action, "forward") is not None


def _requires_header(condition: Any, header: str) -> bool:
    """Whether a rule condition matches only requests carrying `header` with one of its values (what is unknown
    during a preview counts: it cannot be judged yet)."""
    if is_unknown(condition):
        return True
    check = field(condition, "httpHeader")
    if check is None:
        return False
    name, values = field(check, "httpHeaderName"), field(check, "values")
    if is_unknown(name) or is_unknown(values):
        return True
    return isinstance(name, str) and name.casefold() == header.casefold() and bool(elements(values))


def _origin_secret_required(args: ResourceValidationArgs, settings: Settings) -> Iterable[str]:
    header = settings["header"]
    if args.resource_type == LISTENER:
        for index, action in enumerate(elements(field(args.props, "defaultActions"))):
            if _forwards(action):
                yield (
                    f"defaultActions[{index}] forwards: a request matching no rule, without the {header} header, "
                    "reaches the targets; make the default a fixed response (404) and forward only in rules"
                )
        return
    actions, conditions = field(args.props, "actions"), field(args.props, "conditions")
    if settings["zonesConfiguredByAnotherStack"] or is_unknown(actions) or is_unknown(conditions):
        return
    if any(_forwards(action) for action in elements(actions)) and not any(
        _requires_header(condition, header) for condition in elements(conditions)
    ):
        yield (
            f"forwards without requiring the {header} header: any Cloudflare customer's zone can reach the targets; "
            f"add an httpHeader condition on {shown(header)} with the origin secret (components/ingress.py)"
        )


ALB_ORIGIN_SECRET_REQUIRED = ResourcePolicy(
    name="alb-origin-secret-required",
    description=(
        "Every load balancer listener rule that forwards has an httpHeader condition requiring the origin header "
        "(X-Origin-Verify, set by the stack's Cloudflare request-header rule) with at least one value, and no listener "
        "forwards by default: the ALB admits Cloudflare's ranges, which every Cloudflare customer shares, so only "
        "the secret tells this zone's requests apart. zonesConfiguredByAnotherStack leaves the rules unchecked in a "
        "stack whose hosts are in a zone another stack configures, which cannot add this stack's secret."
    ),
    concern=Concern.SECURITY,
    severity=Severity.HIGH,
    resource_types=(LISTENER, LISTENER_RULE),
    rule=_origin_secret_required,
    config={
        "header": {
            "type": "string",
            "default": ORIGIN_HEADER,
            "description": "The header the stack's Cloudflare zone adds and the listener rules must require",
        },
        "zonesConfiguredByAnotherStack": {
            "type": "boolean",
            "default": False,
            "description": (
                "The stack's hosts are in a zone another stack configures, which cannot add this stack's origin "
                "secret: its listener rules are not required to check one"
            ),
        },
    },
)

POLICIES: tuple[Policy, ...] = (ALB_ORIGIN_SECRET_REQUIRED,)
