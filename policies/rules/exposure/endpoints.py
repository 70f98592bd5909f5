"""Public endpoints: no service opens its own way in from the internet. Databases get no public address, buckets
block public access, the EKS API endpoint is private or restricted, instance metadata needs IMDSv2 within the
node, no Kubernetes Service is a LoadBalancer, and the load balancer serves HTTPS only."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pulumi_policy import PolicyResource, ResourceValidationArgs, Severity

from policies.support.aws import (
    EKS_CLUSTER,
    LAUNCH_TEMPLATE,
    LISTENER,
    LISTENER_RULE,
    RDS_CLUSTER,
    RDS_CLUSTER_INSTANCE,
    RDS_INSTANCE,
    S3_PUBLIC_ACCESS_BLOCK,
    buckets_without,
    covers_every_address,
)
from policies.support.declare import Concern, Expect, Finding, ResourcePolicy, Settings, StackPolicy, expecting
from policies.support.kubernetes import SERVICE
from policies.support.stack import Stack
from policies.support.values import (
    elements,
    field,
    is_true,
    is_unknown,
    number,
    one_of,
    shown,
    violated,
)

RDS_NOT_PUBLICLY_ACCESSIBLE = ResourcePolicy(
    name="rds-not-publicly-accessible",
    description=(
        "RDS instances, Aurora cluster instances and Multi-AZ DB clusters get no public address: leave "
        "publiclyAccessible unset or false."
    ),
    concern=Concern.SECURITY,
    severity=Severity.CRITICAL,
    resource_types=(RDS_INSTANCE, RDS_CLUSTER_INSTANCE, RDS_CLUSTER),
    rule=expecting(Expect("publiclyAccessible", lambda value: not is_true(value), "set publiclyAccessible=false")),
)

# --- S3, EKS, instance metadata, Kubernetes services ------------------------------------------------------

_PUBLIC_ACCESS_BLOCK_FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


def _blocks_all_public_access(block: PolicyResource) -> bool:
    return not any(violated(field(block.props, flag), is_true) for flag in _PUBLIC_ACCESS_BLOCK_FLAGS)


def _bucket_public_access(stack: Stack, _settings: Settings) -> Iterable[Finding]:
    for bucket in buckets_without(stack, (S3_PUBLIC_ACCESS_BLOCK,), _blocks_all_public_access):
        yield Finding(bucket.urn, f"bucket {bucket.name} has no public access block with all four flags true")


S3_PUBLIC_ACCESS_BLOCKED = StackPolicy(
    name="s3-public-access-blocked",
    description=(
        "Every S3 bucket has an aws.s3.BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, "
        "ignorePublicAcls and restrictPublicBuckets all true."
    ),
    concern=Concern.SECURITY,
    severity=Severity.CRITICAL,
    rule=_bucket_public_access,
)


def _cluster_endpoint(args: ResourceValidationArgs, _settings: Settings) -> Iterable[str]:
    public = field(args.props, "vpcConfig", "endpointPublicAccess")
    cidrs = field(args.props, "vpcConfig", "publicAccessCidrs")
    # EKS enables the public endpoint unless told not to, and opens it to 0.0.0.0/0 unless given CIDRs.
    if is_unknown(public) or (public is not None and not is_true(public)) or is_unknown(cidrs):
        return
    if not elements(cidrs):
        yield "the public endpoint is open to 0.0.0.0/0: set vpcConfig.endpointPublicAccess=false or publicAccessCidrs"
    elif covers_every_address(elements(cidrs)):
        yield f"vpcConfig.publicAccessCidrs {', '.join(map(shown, elements(cidrs)))} admit the whole internet"


EKS_ENDPOINT_NOT_PUBLIC = ResourcePolicy(
    name="eks-endpoint-not-public",
    description=(
        "The EKS API endpoint is not open to the internet: set vpcConfig.endpointPublicAccess=false (with "
        "endpointPrivateAccess=true), or restrict vpcConfig.publicAccessCidrs to the operators' ranges."
    ),
    concern=Concern.SECURITY,
    severity=Severity.CRITICAL,
    resource_types=(EKS_CLUSTER,),
    rule=_cluster_endpoint,
)

LAUNCH_TEMPLATE_IMDSV2 = ResourcePolicy(
    name="launch-template-imdsv2",
    description=(
        'Launch templates require IMDSv2 (metadataOptions.httpTokens="required") with a hop limit of 1 '
        "(metadataOptions.httpPutResponseHopLimit=1), so pods cannot take the node's instance credentials."
    ),
    concern=Concern.SECURITY,
    severity=Severity.HIGH,
    resource_types=(LAUNCH_TEMPLATE,),
    rule=expecting(
        Expect("metadataOptions.httpTokens", one_of("required"), 'set httpTokens="required"'),
        Expect("metadataOptions.httpPutResponseHopLimit", lambda value: number(value) == 1, "set it to 1"),
        # With the metadata service switched off there is nothing to protect.
        when=lambda props: field(props, "metadataOptions", "httpEndpoint") != "disabled",
    ),
)

K8S_NO_LOAD_BALANCER_SERVICES = ResourcePolicy(
    name="k8s-no-load-balancer-services",
    description=(
        "Kubernetes Services are not of type LoadBalancer: traffic enters through the stack's ALB (design D9), "
        "which reaches the apps on NodePort Services; use NodePort or ClusterIP."
    ),
    concern=Concern.SECURITY,
    severity=Severity.HIGH,
    resource_types=(SERVICE,),
    rule=expecting(Expect("spec.type", lambda value: value != "LoadBalancer", "use NodePort or ClusterIP")),
)

# --- The load balancer's listeners ------------------------------------------------------------------------


def _redirects_to_https(action: Any) -> bool:
    return field(action, "type") == "redirect" and field(action, "redirect", "protocol") == "HTTPS"


def _plain_listener_problem(listener: PolicyResource) -> str | None:
    """Why a listener serves something other than HTTPS or a redirect to it (None if it does not)."""
    protocol = field(listener.props, "protocol")
    if is_unknown(protocol) or protocol in ("HTTPS", "TLS"):
        return None
    actions = field(listener.props, "defaultActions")
    if is_unknown(actions) or (elements(actions) and all(_redirects_to_https(action) for action in elements(actions))):
        return None
    return f"listener {listener.name} serves {shown(protocol)} without redirecting to HTTPS"


def _listeners_https_or_redirect(stack: Stack, _settings: Settings) -> Iterable[Finding]:
    plain: dict[str, PolicyResource] = {}
    for listener in stack.of_type(LISTENER):
        problem = _plain_listener_problem(listener)
        if problem is not None:
            yield Finding(listener.urn, f"{problem}: make its only default action a redirect to HTTPS")
        if field(listener.props, "protocol") == "HTTP":
            plain[listener.urn] = listener
    for rule in stack.of_type(LISTENER_RULE):
        for listener in stack.referenced(rule, "listenerArn", (LISTENER,)):
            if listener.urn in plain:
                yield Finding(rule.urn, f"rule {rule.name} routes requests on the plain-HTTP listener {listener.name}")


ALB_LISTENERS_HTTPS_OR_REDIRECT = StackPolicy(
    name="alb-listeners-https-or-redirect",
    description=(
        "Load balancer listeners serve HTTPS, or plain HTTP only to redirect to HTTPS: an HTTP listener's default "
        "actions are redirects with protocol HTTPS, and no listener rule routes requests on it."
    ),
    concern=Concern.SECURITY,
    severity=Severity.HIGH,
    rule=_listeners_https_or_redirect,
)
