"""`sentinel:apps`: the web, api and admin apps' public host labels and the NodePorts the ALB forwards to."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import Field

from components.config.types import DnsLabel, Section, by_environment

# Kubernetes' NodePort range; the ALB forwards to nodes on these ports.
NODE_PORT_RANGE = range(30000, 32768)


def _seed_apps(suffix: str) -> dict[str, dict[str, object]]:
    return {
        "web": {"subdomain": f"app{suffix}", "nodePort": 30080},
        "api": {"subdomain": f"api{suffix}", "nodePort": 30081},
        "admin": {"subdomain": f"admin{suffix}", "nodePort": 30082},
    }


# Every stack serves from the one Cloudflare zone, whose Universal SSL certificate covers one level below the
# apex: dev and staging hosts are app-dev.<domain>, not app.dev.<domain>.
SEED_APPS = by_environment(dev=_seed_apps("-dev"), staging=_seed_apps("-staging"), prod=_seed_apps(""))


class AppConfig(Section):
    subdomain: DnsLabel
    node_port: int = Field(ge=NODE_PORT_RANGE.start, le=NODE_PORT_RANGE.stop - 1)


def app_hosts(apps: Mapping[str, AppConfig], domain: str) -> dict[str, str]:
    """Each app's public host name, one label below the zone's apex (as Universal SSL covers)."""
    return {app: f"{settings.subdomain}.{domain}" for app, settings in apps.items()}
