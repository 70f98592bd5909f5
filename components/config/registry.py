"""`sentinel:registry`: the ECR repositories of the apps' images."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from components.config.types import Section, by_environment


class RegistryConfig(Section):
    images_kept: Annotated[int, Field(ge=1, le=1000), by_environment(dev=10, staging=20, prod=50)]
    """The images each repository keeps; older ones expire, so a rollback reaches this many builds back."""
