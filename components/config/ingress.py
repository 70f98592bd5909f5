"""`sentinel:ingress`: the application load balancer's timeouts, its target groups' health checks and draining, and
the generation of the secret by which it knows a request came through this stack's Cloudflare zone.

The defaults suit the apps behind Cloudflare: requests finish within a minute, and a node leaves the target
groups (scale-in, replacement) after its in-flight requests have had that minute.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from components.config.types import Key, Section, SectionError


class HealthCheckConfig(Section):
    """The target groups' checks of `/health` on each node's NodePort (ranges: CreateTargetGroup)."""

    interval_seconds: int = Field(default=10, ge=5, le=300)
    """How often the ALB checks each node."""
    timeout_seconds: int = Field(default=5, ge=2, le=120)
    """How long a check waits for an answer; below `intervalSeconds`."""
    healthy_threshold: int = Field(default=2, ge=2, le=10)
    """Passed checks in a row before a node receives requests."""
    unhealthy_threshold: int = Field(default=2, ge=2, le=10)
    """Failed checks in a row before a node stops receiving them."""

    @model_validator(mode="after")
    def _check_timeout(self) -> HealthCheckConfig:
        if self.timeout_seconds >= self.interval_seconds:
            raise SectionError(
                [
                    (
                        ("timeoutSeconds",),
                        f"{self.timeout_seconds} s must be below intervalSeconds {self.interval_seconds}",
                    )
                ]
            )
        return self


class OriginSecretConfig(Section):
    """The secret header by which the ALB knows a request came through this stack's Cloudflare zone (design D17):
    Cloudflare sends the current generation's secret, and every listener rule that forwards requires it. A rotation
    raises `generation` by one with `acceptPrevious` true, then sets `acceptPrevious` false once deployed (README,
    "Origin authentication")."""

    generation: int = Field(default=1, ge=1)
    """The generation of the secret Cloudflare sends. Raising it by one generates a new secret in the slot the
    generation before the previous one held (two slots, by parity), so the previous secret is kept."""
    accept_previous: bool = False
    """Whether the listener rules still accept the previous generation's secret: true while a rotation is under
    way (Cloudflare already sends the new one, requests in flight may carry the old), false once it is done."""


class IngressConfig(Section):
    idle_timeout_seconds: int = Field(default=60, ge=1, le=4000)
    """How long the ALB keeps an idle connection. The apps' HTTP keep-alive must outlast it (Node's default is
    5 s: run `next start --keepAliveTimeout` above this), or the ALB reuses a closed connection: 502."""
    deregistration_delay_seconds: int = Field(default=60, ge=0, le=3600)
    """How long a leaving node keeps its in-flight requests, at least one health-check interval. Node scale-in
    and replacement wait this long per node, so it is no longer than the longest request: the idle timeout."""
    health_check: HealthCheckConfig = HealthCheckConfig()
    """The target groups' checks of `/health` on each node's NodePort."""
    origin_secret: OriginSecretConfig = OriginSecretConfig()
    """The secret header Cloudflare adds and the listener rules require, and where its rotation stands."""

    @model_validator(mode="after")
    def _check_draining(self) -> IngressConfig:
        problems: list[tuple[Key, str]] = []
        if self.deregistration_delay_seconds < self.health_check.interval_seconds:
            problems.append(
                (
                    ("deregistrationDelaySeconds",),
                    f"{self.deregistration_delay_seconds} s is shorter than one health check interval "
                    f"({self.health_check.interval_seconds} s): requests in flight on a leaving node would be cut",
                )
            )
        if problems:
            raise SectionError(problems)
        return self
