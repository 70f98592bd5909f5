"""The stack configuration: one pydantic model for everything a stack file may say.

Keys live in the `sentinel` config namespace, one top-level key per section (`sentinel:network`,
`sentinel:tags`, ...), camelCase inside. Each environment has defaults (`ENVIRONMENT_DEFAULTS`) that a
stack file overrides key by key. Validation happens before any resource is registered and reports every
problem at once, each under its full key (`sentinel:network.vpcCidr`), with the bad value and what is
allowed.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal, get_args, get_origin

import pulumi
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic.alias_generators import to_camel

NAMESPACE = "sentinel"

Environment = Literal["dev", "staging", "prod"]
ENVIRONMENTS: tuple[Environment, ...] = ("dev", "staging", "prod")

# Cloudflare's published edge ranges (https://www.cloudflare.com/ips/). The ALB admits only these, so a
# stack can override them when Cloudflare publishes a change, without a code release.
CLOUDFLARE_IPV4_RANGES = (
    "173.245.48.0/20",
    "103.21.244.0/22",
    "103.22.200.0/22",
    "103.31.4.0/22",
    "141.101.64.0/18",
    "108.162.192.0/18",
    "190.93.240.0/20",
    "188.114.96.0/20",
    "197.234.240.0/22",
    "198.41.128.0/17",
    "162.158.0.0/15",
    "104.16.0.0/13",
    "104.24.0.0/14",
    "172.64.0.0/13",
    "131.0.72.0/22",
)
CLOUDFLARE_IPV6_RANGES = (
    "2400:cb00::/32",
    "2606:4700::/32",
    "2803:f800::/32",
    "2405:b500::/32",
    "2405:8100::/32",
    "2a06:98c0::/29",
    "2c0f:f248::/32",
)

# Values CloudWatch Logs accepts for retentionInDays.
LOG_RETENTION_DAYS = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)

# Instances of Kubernetes' NodePort range; the ALB forwards to nodes on these ports.
NODE_PORT_RANGE = range(30000, 32768)

_DNS_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_REGION = re.compile(r"^(us|eu|ap|ca|sa|me|af|il|mx)-[a-z]+-\d$")
_TAG_VALUE = re.compile(r"^[\w .:/=+\-@]{1,256}$")

# The model's own defaults are production's; these are where the other environments differ. A stack file
# overrides any of them key by key.
ENVIRONMENT_DEFAULTS: dict[str, dict[str, Any]] = {
    "dev": {"network": {"natGateways": "single", "flowLogRetentionDays": 30}},
    "staging": {"network": {"flowLogRetentionDays": 90}},
    "prod": {},
}


# --- field validators: each raises ValueError whose text says what is allowed -------------------------------


def _dns_label(value: str) -> str:
    if not _DNS_LABEL.fullmatch(value):
        raise ValueError(
            "must be a DNS label: lowercase letters, digits and '-', 1-63 characters, no leading or trailing '-'"
        )
    return value


def _domain(value: str) -> str:
    labels = value.split(".")
    if len(value) > 253 or len(labels) < 2 or not all(_DNS_LABEL.fullmatch(label) for label in labels):
        raise ValueError("must be a lowercase DNS domain such as projectsentinel.ai")
    return value


def _region(value: str) -> str:
    if not _REGION.fullmatch(value):
        raise ValueError("must be an AWS commercial region name such as us-east-1 or eu-west-2")
    return value


def _account_id(value: str) -> str:
    if not re.fullmatch(r"\d{12}", value):
        raise ValueError("must be a 12-digit AWS account id, quoted so YAML keeps leading zeros")
    return value


def _tag_value(value: str) -> str:
    if not _TAG_VALUE.fullmatch(value):
        raise ValueError("must be 1-256 characters of letters, digits, spaces and _ . : / = + - @ (AWS tag rules)")
    return value


def _private_vpc_cidr(value: str) -> str:
    network = _ipv4_network(value)
    if not network.is_private:
        raise ValueError("must be inside a private range (10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16)")
    if not 16 <= network.prefixlen <= 24:
        raise ValueError("prefix length must be /16 to /24 (AWS allows /16-/28; three subnet tiers need room)")
    return str(network)


def _unique(values: list[str]) -> list[str]:
    duplicates = sorted({value for value in values if values.count(value) > 1})
    if duplicates:
        raise ValueError(f"lists {duplicates} more than once; each may appear once")
    return values


def _log_retention(days: int) -> int:
    if days not in LOG_RETENTION_DAYS:
        raise ValueError(f"must be one of CloudWatch Logs' retention periods {list(LOG_RETENTION_DAYS)}")
    return days


def _ipv4_network(value: str) -> ipaddress.IPv4Network:
    try:
        return ipaddress.IPv4Network(value)
    except ValueError as error:
        raise ValueError(f"must be an IPv4 CIDR with no host bits set, such as 10.0.0.0/16 ({error})") from None


def _ipv4_cidr(value: str) -> str:
    return str(_ipv4_network(value))


def _public_range(value: str) -> str:
    try:
        network = ipaddress.ip_network(value)
    except ValueError as error:
        raise ValueError(f"must be a CIDR with no host bits set, such as 173.245.48.0/20 ({error})") from None
    if network.prefixlen == 0 or not network.is_global:
        raise ValueError("must be a public, non-default range (Cloudflare's published edge ranges)")
    return str(network)


DnsLabel = Annotated[str, AfterValidator(_dns_label)]
Ipv4Cidr = Annotated[str, AfterValidator(_ipv4_cidr)]
PublicRange = Annotated[str, AfterValidator(_public_range)]
TagValue = Annotated[str, AfterValidator(_tag_value)]


class _Section(BaseModel):
    """camelCase keys, no unknown keys, no mutation after validation."""

    model_config = ConfigDict(alias_generator=to_camel, extra="forbid", frozen=True, validate_by_name=False)


# --- sections ------------------------------------------------------------------------------------------------


class SubnetPrefixLengths(_Section):
    """Size of each tier's subnet in every AZ. Private subnets hold EKS pods (VPC CNI gives each pod a VPC IP)."""

    public: int = Field(default=24, ge=16, le=28)
    private: int = Field(default=19, ge=16, le=28)
    data: int = Field(default=24, ge=16, le=28)


class SubnetCidrs(_Section):
    """Explicit subnet CIDRs per tier, one per availability zone in the same order (for existing address plans)."""

    public: list[Ipv4Cidr]
    private: list[Ipv4Cidr]
    data: list[Ipv4Cidr]


Tier = Literal["public", "private", "data"]
TIERS: tuple[Tier, ...] = ("public", "private", "data")


class NetworkConfig(_Section):
    vpc_cidr: Annotated[str, AfterValidator(_private_vpc_cidr)]
    availability_zones: Annotated[list[str], Field(min_length=2, max_length=6), AfterValidator(_unique)]
    nat_gateways: Literal["single", "perAz"] = "perAz"
    subnet_prefix_lengths: SubnetPrefixLengths = SubnetPrefixLengths()
    subnet_cidrs: SubnetCidrs | None = None
    flow_log_retention_days: Annotated[int, AfterValidator(_log_retention)] = 365

    @model_validator(mode="after")
    def _check_layout(self) -> NetworkConfig:
        try:
            self.subnet_layout()
        except LayoutError as error:
            raise _SectionError([(error.key, str(error))]) from None
        return self

    def subnet_layout(self) -> dict[Tier, list[ipaddress.IPv4Network]]:
        """Each tier's subnets, one per AZ, either as configured or carved from the VPC largest-first."""
        vpc = ipaddress.IPv4Network(self.vpc_cidr)
        if self.subnet_cidrs is not None:
            layout: dict[Tier, list[ipaddress.IPv4Network]] = {
                tier: [ipaddress.IPv4Network(c) for c in getattr(self.subnet_cidrs, tier)] for tier in TIERS
            }
            _check_explicit_layout(vpc, layout, len(self.availability_zones))
            return layout
        return _carve_layout(vpc, self.subnet_prefix_lengths, len(self.availability_zones))


class LayoutError(ValueError):
    def __init__(self, key: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.key = key


def _check_explicit_layout(
    vpc: ipaddress.IPv4Network, layout: dict[Tier, list[ipaddress.IPv4Network]], zones: int
) -> None:
    placed: list[tuple[tuple[str | int, ...], ipaddress.IPv4Network]] = []
    for tier, subnets in layout.items():
        if len(subnets) != zones:
            raise LayoutError(
                ("subnetCidrs", tier), f"has {len(subnets)} CIDRs; give exactly one per availability zone ({zones})"
            )
        for index, subnet in enumerate(subnets):
            key: tuple[str | int, ...] = ("subnetCidrs", tier, index)
            if not subnet.subnet_of(vpc):
                raise LayoutError(key, f"{subnet} is outside the VPC {vpc}; every subnet must fit inside vpcCidr")
            clash = next((other_key for other_key, other in placed if other.overlaps(subnet)), None)
            if clash is not None:
                raise LayoutError(key, f"{subnet} overlaps {_dotted(clash)}; subnets must not overlap")
            placed.append((key, subnet))


def _carve_layout(
    vpc: ipaddress.IPv4Network, lengths: SubnetPrefixLengths, zones: int
) -> dict[Tier, list[ipaddress.IPv4Network]]:
    """Allocate the largest subnets first so every block stays aligned and nothing is wasted between tiers."""
    layout: dict[Tier, list[ipaddress.IPv4Network]] = {tier: [] for tier in TIERS}
    next_free = int(vpc.network_address)
    for tier in sorted(TIERS, key=lambda t: getattr(lengths, t)):
        prefix = getattr(lengths, tier)
        if prefix < vpc.prefixlen:
            raise LayoutError(
                ("subnetPrefixLengths", tier),
                f"/{prefix} is larger than the VPC /{vpc.prefixlen}; use a larger vpcCidr or a longer prefix",
            )
        for _ in range(zones):
            subnet = ipaddress.IPv4Network((next_free, prefix))
            if not subnet.subnet_of(vpc):
                raise LayoutError(
                    ("subnetPrefixLengths",),
                    f"three tiers x {zones} zones of /{lengths.public}, /{lengths.private}, /{lengths.data} "
                    f"do not fit in {vpc}; use a larger vpcCidr or longer prefixes",
                )
            layout[tier].append(subnet)
            next_free += subnet.num_addresses
    return layout


class TagsConfig(_Section):
    owner: TagValue
    cost_center: TagValue
    extra: dict[str, TagValue] = {}

    @model_validator(mode="after")
    def _check_extra_keys(self) -> TagsConfig:
        reserved = {"Project", "Environment", "Stack", "Owner", "CostCenter", "ManagedBy"}
        bad = sorted(
            key for key in self.extra if key in reserved or key.lower().startswith("aws:") or not 0 < len(key) <= 128
        )
        if bad:
            raise _SectionError(
                [
                    (
                        ("extra",),
                        f"keys {bad} are reserved or invalid; use 1-128 characters, not aws:* or {sorted(reserved)}",
                    )
                ]
            )
        return self


class AppConfig(_Section):
    subdomain: DnsLabel
    node_port: int = Field(ge=NODE_PORT_RANGE.start, le=NODE_PORT_RANGE.stop - 1)


# Defaults of every environment that a stack file merges into key by key (a model default would be
# replaced whole by any stack that sets one app).
COMMON_DEFAULTS: dict[str, Any] = {
    "apps": {
        "web": {"subdomain": "app", "nodePort": 30080},
        "api": {"subdomain": "api", "nodePort": 30081},
        "admin": {"subdomain": "admin", "nodePort": 30082},
    }
}


class CloudflareConfig(_Section):
    ipv4_ranges: list[PublicRange] = Field(default_factory=lambda: list(CLOUDFLARE_IPV4_RANGES), min_length=1)
    ipv6_ranges: list[PublicRange] = Field(default_factory=lambda: list(CLOUDFLARE_IPV6_RANGES))

    @model_validator(mode="after")
    def _check_families(self) -> CloudflareConfig:
        problems: list[tuple[tuple[str | int, ...], str]] = []
        for key, ranges, version in (("ipv4Ranges", self.ipv4_ranges, 4), ("ipv6Ranges", self.ipv6_ranges, 6)):
            for index, cidr in enumerate(ranges):
                if ipaddress.ip_network(cidr).version != version:
                    problems.append(((key, index), f"{cidr} is not an IPv{version} range"))
        if problems:
            raise _SectionError(problems)
        return self


class StackConfig(_Section):
    """Everything under the `sentinel` namespace of one stack."""

    environment: Environment
    name: DnsLabel = "sentinel"
    region: Annotated[str, AfterValidator(_region)]
    account_id: Annotated[str, AfterValidator(_account_id)]
    domain: Annotated[str, AfterValidator(_domain)]
    tags: TagsConfig
    network: NetworkConfig
    apps: dict[DnsLabel, AppConfig] = Field(min_length=1)
    cloudflare: CloudflareConfig = CloudflareConfig()

    @model_validator(mode="after")
    def _check_cross_section(self) -> StackConfig:
        problems: list[tuple[tuple[str | int, ...], str]] = []
        for index, zone in enumerate(self.network.availability_zones):
            if not re.fullmatch(re.escape(self.region) + r"[a-z]", zone):
                problems.append(
                    (
                        ("network", "availabilityZones", index),
                        f"is not a zone of region {self.region}; expected {self.region}a, {self.region}b, ...",
                    )
                )
        for field_name in ("subdomain", "node_port"):
            seen: dict[object, str] = {}
            for app, settings in self.apps.items():
                value = getattr(settings, field_name)
                if value in seen:
                    problems.append(
                        (
                            ("apps", app, to_camel(field_name)),
                            f"{value!r} is already used by app {seen[value]!r}; each app needs its own",
                        )
                    )
                seen[value] = app
        if problems:
            raise _SectionError(problems)
        return self

    @property
    def is_prod(self) -> bool:
        return self.environment == "prod"

    @property
    def name_prefix(self) -> str:
        """Prefix of every physical name, so stacks can share an account without collisions."""
        return f"{self.name}-{self.environment}"


# --- errors --------------------------------------------------------------------------------------------------


class _SectionError(ValueError):
    """Several problems found by one model validator, each with its key relative to that model."""

    def __init__(self, problems: list[tuple[tuple[str | int, ...], str]]) -> None:
        super().__init__("; ".join(message for _, message in problems))
        self.problems = problems


class ConfigError(pulumi.RunError):
    """Invalid stack configuration. A RunError, so `pulumi up` prints the message without a traceback."""

    def __init__(self, stack: str, problems: list[str]) -> None:
        self.stack = stack
        self.problems = problems
        listing = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"invalid configuration for stack {stack!r} ({len(problems)} problem(s)):\n{listing}")


def _dotted(loc: tuple[str | int, ...]) -> str:
    text = f"{NAMESPACE}:"
    for index, part in enumerate(loc):
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += part if index == 0 else f".{part}"
    return text


def _lookup(raw: Any, loc: tuple[str | int, ...]) -> Any:
    value = raw
    for part in loc:
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            return None
    return value


def _allowed_keys(model: type[BaseModel]) -> str:
    return ", ".join(field.alias or name for name, field in model.model_fields.items())


def _section_model(loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The model class that validates the mapping at `loc`, to list its allowed keys."""
    model: type[BaseModel] | None = StackConfig
    parts = list(loc)
    while parts:
        part = parts.pop(0)
        if model is None or not isinstance(part, str):
            return None
        field = next((f for n, f in model.model_fields.items() if (f.alias or n) == part), None)
        if field is None:
            return None
        annotation = field.annotation
        if get_origin(annotation) is dict:
            if not parts:
                return None
            parts.pop(0)  # the mapping's own key, such as an app's name
            annotation = get_args(annotation)[1]
        candidates = [annotation, *get_args(annotation)]
        model = next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None)
    return model


def _describe(error: Any, raw: Mapping[str, Any]) -> list[str]:
    loc: tuple[str | int, ...] = tuple(part for part in error["loc"] if not (isinstance(part, str) and "[" in part))
    if error["type"] == "value_error" and isinstance(error.get("ctx", {}).get("error"), _SectionError):
        return [_problem(loc + sub, raw, message) for sub, message in error["ctx"]["error"].problems]
    if error["type"] == "extra_forbidden":
        parent = _section_model(loc[:-1])
        allowed = f"; allowed keys: {_allowed_keys(parent)}" if parent else ""
        return [f"{_dotted(loc)}: unknown key (a typo?){allowed}"]
    if error["type"] == "missing":
        return [f"{_dotted(loc)}: required, but not set"]
    message = error["msg"].removeprefix("Value error, ")
    return [_problem(loc, raw, message)]


def _problem(loc: tuple[str | int, ...], raw: Mapping[str, Any], message: str) -> str:
    value = _lookup(raw, loc)
    shown = "" if value is None else f" = {json.dumps(value, default=str)}"
    return f"{_dotted(loc)}{shown}: {message}"


# --- loading -------------------------------------------------------------------------------------------------


def _deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _decode(value: str) -> Any:
    """Pulumi hands structured config values to programs as JSON text; plain strings stay strings."""
    if value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def parse(stack: str, config: Mapping[str, str]) -> StackConfig:
    """Validate every `sentinel:*` key of `config` (as Pulumi passes it: namespaced keys, JSON text values)."""
    prefix = f"{NAMESPACE}:"
    raw = {key.removeprefix(prefix): _decode(value) for key, value in config.items() if key.startswith(prefix)}
    environment = raw.get("environment")
    defaults = _deep_merge(
        COMMON_DEFAULTS, ENVIRONMENT_DEFAULTS.get(environment, {}) if isinstance(environment, str) else {}
    )
    merged = _deep_merge(defaults, raw)
    try:
        return StackConfig.model_validate(merged)
    except ValidationError as error:
        problems = [problem for item in error.errors() for problem in _describe(item, merged)]
        raise ConfigError(stack, problems) from None


def load() -> StackConfig:
    """Read and validate the running stack's configuration."""
    config = {**pulumi.runtime.get_config_env(), **pulumi.runtime.config.CONFIG.get()}
    return parse(pulumi.get_stack(), config)
