"""`sentinel:apps`: the web, api and admin apps' public host labels and the NodePorts the ALB forwards to."""

from __future__ import annotations

from pydantic import Field

from components.config.types import DnsLabel, Section, in_every_environment

# Kubernetes' NodePort range; the ALB forwards to nodes on these ports.
NODE_PORT_RANGE = range(30000, 32768)

SEED_APPS = in_every_environment(
    {
        "web": {"subdomain": "app", "nodePort": 30080},
        "api": {"subdomain": "api", "nodePort": 30081},
        "admin": {"subdomain": "admin", "nodePort": 30082},
    }
)


class AppConfig(Section):
    subdomain: DnsLabel
    node_port: int = Field(ge=NODE_PORT_RANGE.start, le=NODE_PORT_RANGE.stop - 1)
