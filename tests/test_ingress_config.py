"""`sentinel:ingress`: every bad input to the load balancer's timeouts, health checks, draining and origin secret is
named by its full key with what is allowed."""

from __future__ import annotations

from tests.config_cases import BadConfig, named_by_full_key

BAD_INGRESS: list[BadConfig] = [
    # (case, overrides, key named in the message, something the message says is allowed)
    ("idle timeout", {"sentinel:ingress.idleTimeoutSeconds": 0}, "sentinel:ingress.idleTimeoutSeconds", "1"),
    (
        "draining shorter than a check",
        {"sentinel:ingress.deregistrationDelaySeconds": 5},
        "sentinel:ingress.deregistrationDelaySeconds",
        "health check interval",
    ),
    (
        "health check timeout",
        {"sentinel:ingress.healthCheck.timeoutSeconds": 10},
        "sentinel:ingress.healthCheck.timeoutSeconds",
        "below intervalSeconds",
    ),
    (
        "origin secret generation",
        {"sentinel:ingress.originSecret.generation": 0},
        "sentinel:ingress.originSecret.generation",
        "greater than or equal to 1",
    ),
    (
        "origin secret rotation state",
        {"sentinel:ingress.originSecret.acceptPrevious": "sometimes"},
        "sentinel:ingress.originSecret.acceptPrevious",
        "valid boolean",
    ),
    (
        "origin secret key",
        {"sentinel:ingress.originSecret.rotating": True},
        "sentinel:ingress.originSecret.rotating",
        "generation, acceptPrevious",
    ),
]

test_bad_ingress_config_is_named_by_its_full_key = named_by_full_key(BAD_INGRESS)
