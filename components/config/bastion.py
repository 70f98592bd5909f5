"""`sentinel:bastion`: the operators' instance, reached through SSM Session Manager only."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from pydantic import AfterValidator, Field

from components.config.types import Section, by_environment
from facts.instance_classes import Architecture

# A bastion only relays sessions (SSM port forwarding to the API, psql to the database), so a small burstable
# instance is enough; each type's architecture selects the matching Amazon Linux 2023 image.
BASTION_INSTANCE_TYPES: Mapping[str, Architecture] = {
    "t4g.micro": Architecture.ARM64,
    "t4g.small": Architecture.ARM64,
    "t3.micro": Architecture.X86_64,
    "t3.small": Architecture.X86_64,
}


def _bastion_instance_type(value: str) -> str:
    if value not in BASTION_INSTANCE_TYPES:
        raise ValueError(f"must be one of {', '.join(BASTION_INSTANCE_TYPES)}")
    return value


class BastionConfig(Section):
    enabled: Annotated[bool, by_environment(dev=False, staging=True, prod=True)]
    """Whether the stack has a bastion. Off in dev, whose cluster API operators reach from the deploy runner in
    the VPC or a public access CIDR."""
    instance_type: Annotated[str, AfterValidator(_bastion_instance_type)] = "t4g.micro"
    """A small burstable type, enough to relay sessions (port forwarding to the API, psql to the database); its
    architecture selects the Amazon Linux 2023 image."""
    root_volume_gib: int = Field(default=8, ge=8, le=64)
    """The encrypted root volume; Amazon Linux 2023's image needs 8 GiB."""

    @property
    def architecture(self) -> Architecture:
        return BASTION_INSTANCE_TYPES[self.instance_type]
