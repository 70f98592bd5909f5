"""The application load balancer (design D9): in the public subnets behind the `alb` group (Cloudflare's ranges
only), HTTPS with a TLS 1.3 policy and the edge's certificate, HTTP only to redirect, a host rule per app
forwarding to its target group once the request carries the origin secret (design D17), and a fixed 404 for any
other request.

Cloudflare's ranges are every Cloudflare customer's: the secret header, which this stack's zone adds to every request
for the apps' hosts (components/edge.py), is what only this zone's traffic has. Two secrets live in two slots by the
parity of their generation (`sentinel:ingress.originSecret`), so a rotation generates the new one while the rules
still accept the old.

Each app's target group sends to its NodePort on every node: the group is attached to the node group's
autoscaling group, so nodes join and leave it as the Cluster Autoscaler adds and removes them. The Service's
`externalTrafficPolicy: Cluster` (components/app_deployment.py) lets any node forward to any ready pod, so a node
is healthy while the app has a ready pod anywhere.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_random as random

from components.base import Component, Platform
from components.bucket import LogDestination
from components.config.apps import NODE_PORT_RANGE, AppConfig, app_hosts
from components.config.ingress import IngressConfig, OriginSecretConfig
from components.interfaces import KubernetesCluster, TlsCertificate, Vpc
from facts.origin_authentication import ORIGIN_HEADER

# TLS 1.3, and TLS 1.2 with forward-secret AES-GCM ciphers only, for Cloudflare's connections to the origin. Named
# explicitly: a listener without one gets ELBSecurityPolicy-2016-08 (TLS 1.0 and CBC ciphers).
# https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html
TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-Res-2021-06"
HEALTH_PATH = "/health"
# Letters and digits only: `*` and `?` are wildcards in an ALB header condition, and the ALB compares values without
# regard to case, so upper case would add nothing. 64 of 36 symbols: 330 bits; an ALB value may have 128 characters.
ORIGIN_SECRET_LENGTH = 64
ORIGIN_SECRET_SLOTS = ("a", "b")


@dataclass(frozen=True)
class OriginSecrets:
    """The origin secrets of the current generation and the one before, and which the listener rules accept."""

    current: pulumi.Output[str]
    accepted: list[pulumi.Output[str]]
    """The current secret, and the previous one while a rotation is under way."""


@dataclass(frozen=True)
class OriginHeader:
    """The origin header as the edge sends it and the listener rules check it."""

    header: str
    value: pulumi.Output[str]
    """The current generation's secret, which Cloudflare sends."""
    checks: Sequence[pulumi.Resource]
    """The listener rules that require it."""


def rule_priority(app: AppConfig) -> int:
    """A listener-rule priority that never moves when apps are added or removed: the app's NodePort, which is
    unique, shifted into 1-2768 (ALB priorities run from 1 to 50000)."""
    return app.node_port - NODE_PORT_RANGE.start + 1


@dataclass(frozen=True, kw_only=True)
class IngressArgs:
    config: IngressConfig
    apps: Mapping[str, AppConfig]
    domain: str
    network: Vpc
    """The ALB is in its public subnets."""
    security_group_id: pulumi.Input[str]
    """The `alb` group: 443 and 80 from Cloudflare's ranges, out to the apps' NodePorts."""
    cluster: KubernetesCluster
    """Its nodes' autoscaling group: a replaced node group brings a new name, and the attachments follow."""
    certificate: TlsCertificate
    """The validated ACM certificate for the apps' hosts, which the HTTPS listener presents."""
    access_logs: LogDestination
    """The storage tier's log bucket and the prefix its policy admits the ELB log delivery under."""
    authenticate_origin: bool
    """Whether the listener rules require the origin secret: only where this stack configures the Cloudflare zone
    (`cloudflare.managesZone`), whose request-header rule is the one that can add it."""


class Ingress(Component):
    arn: pulumi.Output[str]
    arn_suffix: pulumi.Output[str]
    """`app/<name>/<id>`: the LoadBalancer dimension of the ALB's CloudWatch metrics."""
    dns_name: pulumi.Output[str]
    """What the Cloudflare records point at."""
    zone_id: pulumi.Output[str]
    target_group_arns: dict[str, pulumi.Output[str]]
    target_group_arn_suffixes: dict[str, pulumi.Output[str]]
    """`targetgroup/<name>/<id>` by app: the TargetGroup dimension of the per-app metrics."""
    authentication: OriginHeader | None
    """The secret header every forwarding rule requires, or None where this stack's zone is configured elsewhere."""

    def __init__(
        self, name: str, platform: Platform, args: IngressArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, platform, opts)
        config, access_logs = args.config, args.access_logs
        secrets = self._origin_secrets(name, config.origin_secret) if args.authenticate_origin else None
        load_balancer = aws.lb.LoadBalancer(
            name,
            load_balancer_type="application",
            internal=False,
            subnets=list(args.network.subnet_ids["public"]),
            security_groups=[args.security_group_id],
            # A request smuggled between Cloudflare and the apps is refused, not classified and passed on.
            drop_invalid_header_fields=True,
            desync_mitigation_mode="strictest",
            enable_http2=True,
            idle_timeout=config.idle_timeout_seconds,
            enable_deletion_protection=platform.protect_stateful,
            access_logs=aws.lb.LoadBalancerAccessLogsArgs(
                bucket=access_logs.bucket, prefix=access_logs.prefix, enabled=True
            ),
            tags={"Name": platform.name("alb")},
            # The provider switches logging on right after creating the load balancer, and ELB then test-writes
            # under the prefix: the bucket's policy must admit it by then.
            opts=self.child(depends_on=[access_logs.policy]),
        )
        target_groups = {
            app: self._target_group(name, app, settings, args) for app, settings in sorted(args.apps.items())
        }
        aws.lb.Listener(
            f"{name}-http",
            load_balancer_arn=load_balancer.arn,
            port=80,
            protocol="HTTP",
            default_actions=[
                aws.lb.ListenerDefaultActionArgs(
                    type="redirect",
                    redirect=aws.lb.ListenerDefaultActionRedirectArgs(
                        protocol="HTTPS", port="443", status_code="HTTP_301"
                    ),
                )
            ],
            tags={"Name": platform.name("alb-http")},
            opts=self.child(),
        )
        rules = self._https(name, load_balancer, target_groups, args, secrets)
        self.authentication = OriginHeader(ORIGIN_HEADER, secrets.current, rules) if secrets else None

        self.arn = load_balancer.arn
        self.arn_suffix = load_balancer.arn_suffix
        self.dns_name = load_balancer.dns_name
        self.zone_id = load_balancer.zone_id
        self.target_group_arns = {app: group.arn for app, group in target_groups.items()}
        self.target_group_arn_suffixes = {app: group.arn_suffix for app, group in target_groups.items()}
        self.register_outputs(
            {
                "arn": self.arn,
                "arnSuffix": self.arn_suffix,
                "dnsName": self.dns_name,
                "targetGroupArns": self.target_group_arns,
            }
        )

    def _target_group(self, name: str, app: str, settings: AppConfig, args: IngressArgs) -> aws.lb.TargetGroup:
        check = args.config.health_check
        # No fixed name (design D14): a changed port or protocol replaces the group, and the replacement must exist
        # before the listener rule moves off the old one. Auto-named, since a name prefix may have 6 characters.
        group = aws.lb.TargetGroup(
            f"{name}-{app}",
            target_type="instance",
            port=settings.node_port,
            protocol="HTTP",
            protocol_version="HTTP1",
            vpc_id=args.network.vpc_id,
            deregistration_delay=args.config.deregistration_delay_seconds,
            health_check=aws.lb.TargetGroupHealthCheckArgs(
                enabled=True,
                path=HEALTH_PATH,
                port="traffic-port",
                protocol="HTTP",
                matcher="200",
                interval=check.interval_seconds,
                timeout=check.timeout_seconds,
                healthy_threshold=check.healthy_threshold,
                unhealthy_threshold=check.unhealthy_threshold,
            ),
            tags={"Name": self.platform.name(f"alb-{app}"), "App": app},
            opts=self.child(),
        )
        aws.autoscaling.Attachment(
            f"{name}-{app}",
            autoscaling_group_name=args.cluster.autoscaling_group_name,
            lb_target_group_arn=group.arn,
            opts=self.child(),
        )
        return group

    def _https(
        self,
        name: str,
        load_balancer: aws.lb.LoadBalancer,
        target_groups: Mapping[str, aws.lb.TargetGroup],
        args: IngressArgs,
        secrets: OriginSecrets | None,
    ) -> list[aws.lb.ListenerRule]:
        """The HTTPS listener and its forwarding rules, each requiring the origin secret where `secrets` are given."""
        listener = aws.lb.Listener(
            f"{name}-https",
            load_balancer_arn=load_balancer.arn,
            port=443,
            protocol="HTTPS",
            ssl_policy=TLS_POLICY,
            certificate_arn=args.certificate.arn,
            default_actions=[
                aws.lb.ListenerDefaultActionArgs(
                    type="fixed-response",
                    fixed_response=aws.lb.ListenerDefaultActionFixedResponseArgs(
                        content_type="text/plain", message_body="Not found", status_code="404"
                    ),
                )
            ],
            tags={"Name": self.platform.name("alb-https")},
            opts=self.child(),
        )
        hosts = app_hosts(args.apps, args.domain)
        rules: list[aws.lb.ListenerRule] = []
        for app, group in target_groups.items():
            conditions = [
                aws.lb.ListenerRuleConditionArgs(
                    host_header=aws.lb.ListenerRuleConditionHostHeaderArgs(values=[hosts[app]])
                )
            ]
            if secrets is not None:
                conditions.append(
                    aws.lb.ListenerRuleConditionArgs(
                        http_header=aws.lb.ListenerRuleConditionHttpHeaderArgs(
                            http_header_name=ORIGIN_HEADER, values=secrets.accepted
                        )
                    )
                )
            rule = aws.lb.ListenerRule(
                f"{name}-{app}",
                listener_arn=listener.arn,
                priority=rule_priority(args.apps[app]),
                conditions=conditions,
                actions=[aws.lb.ListenerRuleActionArgs(type="forward", target_group_arn=group.arn)],
                tags={"Name": self.platform.name(f"alb-{app}")},
                opts=self.child(),
            )
            rules.append(rule)
        return rules

    def _origin_secrets(self, name: str, config: OriginSecretConfig) -> OriginSecrets:
        """The two slots' secrets: the current generation's in the slot of its parity, the previous one's in the other.
        A slot's keeper is the latest generation of its parity up to the current one, so raising the generation by
        one regenerates only the slot that held the generation before the previous."""
        secrets: list[pulumi.Output[str]] = []
        for generation in (config.generation, config.generation - 1):
            slot = ORIGIN_SECRET_SLOTS[generation % 2]
            password = random.RandomPassword(
                f"{name}-origin-secret-{slot}",
                length=ORIGIN_SECRET_LENGTH,
                upper=False,
                special=False,
                keepers={"generation": str(generation)},
                opts=self.stateful(),
            )
            secrets.append(password.result)
        current, previous = secrets
        return OriginSecrets(current, [current, previous] if config.accept_previous else [current])
