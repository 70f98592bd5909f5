"""`sentinel:ingress`: the application load balancer's timeouts and its target groups' health checks and draining.

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


class IngressConfig(Section):
    idle_timeout_seconds: int = Field(default=60, ge=1, le=4000)
    """How long the ALB keeps an idle connection. The apps' HTTP keep-alive must outlast it (Node's default is
    5 s: run `next start --keepAliveTimeout` above this), or the ALB reuses a closed connection: 502."""
    deregistration_delay_seconds: int = Field(default=60, ge=0, le=3600)
    """How long a leaving node keeps its in-flight requests, at least one health-check interval. Node scale-in
    and replacement wait this long per node, so it is no longer than the longest request: the idle timeout."""
    health_check: HealthCheckConfig = HealthCheckConfig()
    """The target groups' checks of `/health` on each node's NodePort."""

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
