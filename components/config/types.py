"""What every config section shares: the section base, field types with their validators, per-environment
defaults, secret values and the error a validator raises to report several problems at once."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any, Generic, Literal, TypeVar, get_args

import pulumi
from pydantic import AfterValidator, BaseModel, ConfigDict, GetCoreSchemaHandler
from pydantic.alias_generators import to_camel
from pydantic_core import core_schema

from facts.aws_limits import LOG_RETENTION_DAYS
from facts.instance_classes import require_instance_class, require_node_instance_type

NAMESPACE = "sentinel"

Environment = Literal["dev", "staging", "prod"]
ENVIRONMENTS: tuple[Environment, ...] = ("dev", "staging", "prod")

Key = tuple[str | int, ...]
"""A config key as a path below the namespace: ("network", "subnetCidrs", "public", 2)."""

T = TypeVar("T")


class Section(BaseModel):
    """camelCase keys, no unknown keys, no mutation after validation. Each field's docstring is its description,
    from which docs/config.md is generated (`scripts/generate_docs.py`)."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        extra="forbid",
        frozen=True,
        validate_by_name=False,
        use_attribute_docstrings=True,
    )


class SectionError(ValueError):
    """Several problems found by one model validator, each with its key relative to that model."""

    def __init__(self, problems: list[tuple[Key, str]]) -> None:
        super().__init__("; ".join(message for _, message in problems))
        self.problems = problems


# --- per-environment defaults --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ByEnvironment(Generic[T]):
    """A field's default in each environment, written beside the field so each environment's value is in one
    place. A stack file overrides it; where both are mappings, the stack's keys are merged into the default
    (a stack that changes one app's port keeps the other apps)."""

    dev: T
    staging: T
    prod: T

    def for_environment(self, environment: str) -> T:
        # An unknown environment is reported on its own key; prod's defaults keep the rest of the report quiet.
        return getattr(self, environment) if environment in ENVIRONMENTS else self.prod


def by_environment(*, dev: T, staging: T, prod: T) -> ByEnvironment[T]:
    return ByEnvironment(dev=dev, staging=staging, prod=prod)


def in_every_environment(value: T) -> ByEnvironment[T]:
    return ByEnvironment(dev=value, staging=value, prod=value)


# --- secrets -------------------------------------------------------------------------------------------------


class Secret:
    """A setting stored with `pulumi config set --secret`. Components get it only as a secret Output, so the
    value stays encrypted in state and masked in previews wherever a resource uses it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    @property
    def output(self) -> pulumi.Output[str]:
        return pulumi.Output.secret(self._value)

    def __repr__(self) -> str:
        return "Secret('[secret]')"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(cls, core_schema.str_schema(min_length=1))


# --- field validators: each raises ValueError whose text says what is allowed -------------------------------

_DNS_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_REGION = re.compile(r"^(us|eu|ap|ca|sa|me|af|il|mx)-[a-z]+-\d$")
_TAG_VALUE = re.compile(r"^[\w .:/=+\-@]{1,256}$")


def _dns_label(value: str) -> str:
    if not _DNS_LABEL.fullmatch(value):
        raise ValueError(
            "must be a DNS label: lowercase letters, digits and '-', 1-63 characters, no leading or trailing '-'"
        )
    return value


def is_dns_label(value: str) -> bool:
    return _DNS_LABEL.fullmatch(value) is not None


def _region(value: str) -> str:
    if not _REGION.fullmatch(value):
        raise ValueError("must be an AWS commercial region name such as us-east-1 or eu-west-2")
    return value


def _tag_value(value: str) -> str:
    if not _TAG_VALUE.fullmatch(value):
        raise ValueError("must be 1-256 characters of letters, digits, spaces and _ . : / = + - @ (AWS tag rules)")
    return value


def unique(values: list[str]) -> list[str]:
    duplicates = sorted({value for value in values if values.count(value) > 1})
    if duplicates:
        raise ValueError(f"lists {duplicates} more than once; each may appear once")
    return values


def _log_retention(days: int) -> int:
    if days not in LOG_RETENTION_DAYS:
        raise ValueError(f"must be one of CloudWatch Logs' retention periods {list(LOG_RETENTION_DAYS)}")
    return days


def ipv4_network(value: str) -> ipaddress.IPv4Network:
    try:
        return ipaddress.IPv4Network(value)
    except ValueError as error:
        raise ValueError(f"must be an IPv4 CIDR with no host bits set, such as 10.0.0.0/16 ({error})") from None


def _ipv4_cidr(value: str) -> str:
    return str(ipv4_network(value))


def _public_range(value: str) -> str:
    try:
        network = ipaddress.ip_network(value)
    except ValueError as error:
        raise ValueError(f"must be a CIDR with no host bits set, such as 173.245.48.0/20 ({error})") from None
    if network.prefixlen == 0 or not network.is_global:
        raise ValueError("must be a public, non-default range (Cloudflare's published edge ranges)")
    return str(network)


DnsLabel = Annotated[str, AfterValidator(_dns_label)]
AwsRegion = Annotated[str, AfterValidator(_region)]
Ipv4Cidr = Annotated[str, AfterValidator(_ipv4_cidr)]
PublicRange = Annotated[str, AfterValidator(_public_range)]
TagValue = Annotated[str, AfterValidator(_tag_value)]
LogRetentionDays = Annotated[int, AfterValidator(_log_retention)]
# Instance classes of the one table in facts/instance_classes.py: an unlisted class is a config error
# naming what is allowed, not a surprise at review or deploy time.
NodeInstanceType = Annotated[str, AfterValidator(require_node_instance_type)]
AuroraInstanceClass = Annotated[str, AfterValidator(partial(require_instance_class, "aurora"))]
CacheNodeType = Annotated[str, AfterValidator(partial(require_instance_class, "elasticache"))]


# --- recurring windows (data tier): AWS's formats, in UTC -----------------------------------------------------

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MINUTES_PER_DAY = 24 * 60
_MINUTES_PER_WEEK = 7 * _MINUTES_PER_DAY
_TIME = r"([01]\d|2[0-3]):([0-5]\d)"
_DAILY_WINDOW = re.compile(f"{_TIME}-{_TIME}")
_WEEKLY_WINDOW = re.compile(f"({'|'.join(WEEKDAYS)}):{_TIME}-({'|'.join(WEEKDAYS)}):{_TIME}")


def _window_minutes(text: str) -> list[range]:
    """The minutes of the week a window occupies, as ranges from Monday 00:00 (a daily window once a day; a
    window past midnight or past Sunday wraps). ValueError for text in neither of AWS's formats."""
    if daily := _DAILY_WINDOW.fullmatch(text):
        start_hour, start_minute, end_hour, end_minute = map(int, daily.groups())
        start, end = start_hour * 60 + start_minute, end_hour * 60 + end_minute
        length = (end - start) % _MINUTES_PER_DAY
        return [range(day * _MINUTES_PER_DAY + start, day * _MINUTES_PER_DAY + start + length) for day in range(7)]
    if weekly := _WEEKLY_WINDOW.fullmatch(text):
        start_day, start_hour, start_minute, end_day, end_hour, end_minute = weekly.groups()
        start = WEEKDAYS.index(start_day) * _MINUTES_PER_DAY + int(start_hour) * 60 + int(start_minute)
        end = WEEKDAYS.index(end_day) * _MINUTES_PER_DAY + int(end_hour) * 60 + int(end_minute)
        return [range(start, start + (end - start) % _MINUTES_PER_WEEK)]
    raise ValueError(f"{text!r} is not a window")


def _window(pattern: re.Pattern[str], example: str, minimum: int, text: str) -> str:
    if not pattern.fullmatch(text):
        raise ValueError(f"must be a UTC window written like {example}")
    length = len(_window_minutes(text)[0])
    if not minimum <= length <= _MINUTES_PER_DAY:
        raise ValueError(f"lasts {length} minutes; AWS requires at least {minimum} minutes and at most 24 hours")
    return text


def daily_window(minimum_minutes: int) -> AfterValidator:
    """A daily window `hh24:mi-hh24:mi` (UTC) of at least `minimum_minutes`, as backups and snapshots take."""
    return AfterValidator(partial(_window, _DAILY_WINDOW, "03:00-04:00", minimum_minutes))


def weekly_window(minimum_minutes: int) -> AfterValidator:
    """A weekly window `ddd:hh24:mi-ddd:hh24:mi` (UTC) of at least `minimum_minutes`, as maintenance takes."""
    return AfterValidator(partial(_window, _WEEKLY_WINDOW, "sun:05:00-sun:06:00", minimum_minutes))


def windows_overlap(first: str, second: str) -> bool:
    """Whether two valid windows (daily or weekly) ever share a minute."""
    occupied = {minute % _MINUTES_PER_WEEK for span in _window_minutes(first) for minute in span}
    return any(minute % _MINUTES_PER_WEEK in occupied for span in _window_minutes(second) for minute in span)


def dotted(key: Key) -> str:
    """A key as the user writes it: sentinel:network.subnetCidrs.public[2]."""
    text = f"{NAMESPACE}:"
    for index, part in enumerate(key):
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += part if index == 0 else f".{part}"
    return text


def section_type(annotation: Any) -> type[BaseModel] | None:
    """The section model a field's annotation holds, directly or as an optional value."""
    candidates = [annotation, *get_args(annotation)]
    return next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None)


def model_defaults(model: type[BaseModel]) -> Mapping[str, ByEnvironment[Any]]:
    """The per-environment defaults a section declares, by config key."""
    return {
        field.alias or name: marker
        for name, field in model.model_fields.items()
        for marker in field.metadata
        if isinstance(marker, ByEnvironment)
    }
