"""`sentinel:tags`: who owns the stack and pays for it, on every AWS resource through the provider's default tags."""

from __future__ import annotations

from pydantic import Field, model_validator

from components.config.types import Section, SectionError, TagValue

# Tags the provider sets itself (components/base.py: required_tags); a stack may not override them.
RESERVED_TAG_KEYS = ("Project", "Environment", "Stack", "Owner", "CostCenter", "ManagedBy")


class TagsConfig(Section):
    owner: TagValue
    """The team that owns the stack: the `Owner` tag."""
    cost_center: TagValue
    """Who pays for it: the `CostCenter` tag."""
    extra: dict[str, TagValue] = Field(default_factory=dict)
    """Further tags by key. The tags the provider sets itself (Project, Environment, Stack, Owner, CostCenter,
    ManagedBy) and `aws:*` keys are refused."""

    @model_validator(mode="after")
    def _check_extra_keys(self) -> TagsConfig:
        bad = sorted(
            key
            for key in self.extra
            if key in RESERVED_TAG_KEYS or key.lower().startswith("aws:") or not 0 < len(key) <= 128
        )
        if bad:
            raise SectionError(
                [
                    (
                        ("extra",),
                        f"keys {bad} are reserved or invalid; use 1-128 characters, not aws:* or "
                        f"{sorted(RESERVED_TAG_KEYS)}",
                    )
                ]
            )
        return self
