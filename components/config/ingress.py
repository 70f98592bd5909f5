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
    timeout_seconds: int = Field(default=5, ge=2, le=120)
    healthy_threshold: int = Field(default=2, ge=2, le=10)
    unhealthy_threshold: int = Field(default=2, ge=2, le=10)

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
    # How long the ALB keeps an idle connection (1-4000 s). The apps' HTTP keep-alive must outlast it (Node's
    # default is 5 s: run `next start --keepAliveTimeout` above this), or the ALB reuses a closed connection: 502.
    idle_timeout_seconds: int = Field(default=60, ge=1, le=4000)
    # How long a deregistering node keeps its in-flight requests (0-3600 s). Node scale-in and replacement wait
    # this long per node, so it is no longer than the longest request: the idle timeout.
    deregistration_delay_seconds: int = Field(default=60, ge=0, le=3600)
    health_check: HealthCheckConfig = HealthCheckConfig()

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
