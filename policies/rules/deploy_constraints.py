"""Deploy constraints: values AWS or Cloudflare rejects when the program is applied, though the mocks, the offline
preview and `pulumi preview` all accept them.

`DEPLOY_CONSTRAINTS` is the one table of them, keyed by resource type token: for every type the program creates,
the documented limits on the values it sets (length, character set, first characters, numeric range,
enumeration, properties that exclude each other), each citing the AWS or Cloudflare documentation or the provider
source (`pulumi_aws/...`, `pulumi_cloudflare/...` under site-packages) it comes from; messages name the service
whose documentation the source is. A type the program starts using gets its entry here (a test
of the repository's stacks names any type without one). Values unknown during a preview are never violations, and
neither are unset ones: the provider's defaults are valid.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from pulumi_policy import Policy, ResourceValidationArgs, Severity

from facts.aws_limits import COLD_STORAGE_MINIMUM_DAYS, INFREQUENT_ACCESS_MINIMUM_DAYS, LOG_RETENTION_DAYS
from facts.cloudflare_plans import RATE_LIMIT_PERIODS
from policies.support.aws import (
    ACM_CERTIFICATE,
    ACM_CERTIFICATE_VALIDATION,
    AUTOSCALING_ATTACHMENT,
    AWS_PROVIDER,
    BACKUP_PLAN,
    BACKUP_RESTORE_TESTING_PLAN,
    BACKUP_RESTORE_TESTING_SELECTION,
    BACKUP_SELECTION,
    BACKUP_VAULT,
    BACKUP_VAULT_LOCK,
    BACKUP_VAULT_NOTIFICATIONS,
    CODEBUILD_PROJECT,
    CODEBUILD_WEBHOOK,
    DASHBOARD,
    DEFAULT_SECURITY_GROUP,
    EC2_INSTANCE,
    ECR_LIFECYCLE_POLICY,
    ECR_REPOSITORY,
    EFS_ACCESS_POINT,
    EFS_BACKUP_POLICY,
    EFS_FILE_SYSTEM,
    EFS_FILE_SYSTEM_POLICY,
    EFS_MOUNT_TARGET,
    EIP,
    EKS_ACCESS_ENTRY,
    EKS_ACCESS_POLICY_ASSOCIATION,
    EKS_ADDON,
    EKS_CLUSTER,
    EKS_NODE_GROUP,
    EKS_POD_IDENTITY_ASSOCIATION,
    ELASTICACHE_PARAMETER_GROUP,
    ELASTICACHE_REPLICATION_GROUP,
    ELASTICACHE_SUBNET_GROUP,
    FLOW_LOG,
    HELM_RELEASE,
    IAM_INSTANCE_PROFILE,
    IAM_ROLE,
    IAM_ROLE_POLICY,
    IAM_ROLE_POLICY_ATTACHMENT,
    INTERNET_GATEWAY,
    KMS_ALIAS,
    KMS_KEY,
    KUBERNETES_PROVIDER,
    LAUNCH_TEMPLATE,
    LISTENER,
    LISTENER_RULE,
    LOAD_BALANCER,
    LOG_GROUP,
    MANAGED_PREFIX_LIST,
    METRIC_ALARM,
    NAT_GATEWAY,
    RANDOM_ID,
    RANDOM_PASSWORD,
    RDS_CLUSTER,
    RDS_CLUSTER_INSTANCE,
    RDS_CLUSTER_PARAMETER_GROUP,
    RDS_EVENT_SUBSCRIPTION,
    RDS_PARAMETER_GROUP,
    RDS_PROXY,
    RDS_PROXY_DEFAULT_TARGET_GROUP,
    RDS_PROXY_ENDPOINT,
    RDS_PROXY_TARGET,
    RDS_SUBNET_GROUP,
    ROUTE,
    ROUTE53_RECORD,
    ROUTE53_ZONE,
    ROUTE_TABLE,
    ROUTE_TABLE_ASSOCIATION,
    S3_BUCKET,
    S3_BUCKET_CORS,
    S3_BUCKET_ENCRYPTION,
    S3_BUCKET_LIFECYCLE,
    S3_BUCKET_LOGGING,
    S3_BUCKET_OBJECT_LOCK,
    S3_BUCKET_OWNERSHIP,
    S3_BUCKET_POLICY,
    S3_BUCKET_VERSIONING,
    S3_PUBLIC_ACCESS_BLOCK,
    SECRET,
    SECRET_VERSION,
    SECURITY_GROUP,
    SECURITY_GROUP_EGRESS_RULE,
    SECURITY_GROUP_INGRESS_RULE,
    SNS_TOPIC,
    SNS_TOPIC_POLICY,
    SNS_TOPIC_SUBSCRIPTION,
    SUBNET,
    TARGET_GROUP,
    VPC,
    VPC_ENDPOINT,
)
from policies.support.cloudflare import (
    CLOUDFLARE_BOT_MANAGEMENT,
    CLOUDFLARE_DNS_RECORD,
    CLOUDFLARE_PROVIDER,
    CLOUDFLARE_RULESET,
    CLOUDFLARE_ZONE_SETTING,
)
from policies.support.declare import Concern, ResourcePolicy, Settings
from policies.support.kubernetes import (
    CONFIG_MAP,
    CRON_JOB,
    DEPLOYMENT,
    HPAS,
    NAMESPACE,
    NETWORK_POLICY,
    PDB,
    PERSISTENT_VOLUME,
    PERSISTENT_VOLUME_CLAIM,
    SERVICE,
    SERVICE_ACCOUNT,
)
from policies.support.kubernetes import (
    SECRET as KUBERNETES_SECRET,
)
from policies.support.values import (
    elements,
    entries,
    field,
    is_unknown,
    json_document,
    number,
    one_of,
    shown,
)

_EC2_API = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference"
_CREATE_SECURITY_GROUP = f"{_EC2_API}/API_CreateSecurityGroup.html"
# A rule's description travels in an IpRange, Ipv6Range, PrefixListId or UserIdGroupPair; the last two forbid "&".
_RULE_DESCRIPTION = f"{_EC2_API}/API_UserIdGroupPair.html"
_SECURITY_GROUP_RULE_REQUEST = f"{_EC2_API}/API_SecurityGroupRuleRequest.html"
_IP_PERMISSION = f"{_EC2_API}/API_IpPermission.html"
_CREATE_PREFIX_LIST = f"{_EC2_API}/API_CreateManagedPrefixList.html"
_PREFIX_LIST_ENTRY = f"{_EC2_API}/API_AddPrefixListEntry.html"
_ALLOCATE_ADDRESS = f"{_EC2_API}/API_AllocateAddress.html"
_CREATE_ROUTE = f"{_EC2_API}/API_CreateRoute.html"
_VPC_SIZING = "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html"
_SUBNET_SIZING = "https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html"
_TAGGING = "https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html"
_CREATE_ROLE = "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html"
_PUT_ROLE_POLICY = "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html"
_IAM_QUOTAS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"
_CREATE_KEY = "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html"
_KMS_QUOTAS = "https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html"
_CREATE_ALIAS = "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html"
_CREATE_LOG_GROUP = "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html"
_PUT_RETENTION_POLICY = (
    "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html"
)
_REGIONS = "https://docs.aws.amazon.com/general/latest/gr/rande.html#regional-endpoints"
# Tier 9 (cluster)
_EKS_API = "https://docs.aws.amazon.com/eks/latest/APIReference"
_CREATE_CLUSTER = f"{_EKS_API}/API_CreateCluster.html"
_LOG_SETUP = f"{_EKS_API}/API_LogSetup.html"
_CREATE_NODEGROUP = f"{_EKS_API}/API_CreateNodegroup.html"
_CREATE_ADDON = f"{_EKS_API}/API_CreateAddon.html"
_CREATE_ACCESS_ENTRY = f"{_EKS_API}/API_CreateAccessEntry.html"
_ACCESS_SCOPE = f"{_EKS_API}/API_AccessScope.html"
_CREATE_POD_IDENTITY_ASSOCIATION = f"{_EKS_API}/API_CreatePodIdentityAssociation.html"
_CREATE_LAUNCH_TEMPLATE = f"{_EC2_API}/API_CreateLaunchTemplate.html"
_METADATA_OPTIONS = f"{_EC2_API}/API_LaunchTemplateInstanceMetadataOptionsRequest.html"
_EBS_BLOCK_DEVICE = f"{_EC2_API}/API_LaunchTemplateEbsBlockDeviceRequest.html"
_CREATE_REPOSITORY = "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html"
_ECR_ENCRYPTION = "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_EncryptionConfiguration.html"
_PUT_LIFECYCLE_POLICY = "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutLifecyclePolicy.html"
_ATTACH_ROLE_POLICY = "https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachRolePolicy.html"
_CREATE_INSTANCE_PROFILE = "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateInstanceProfile.html"
# Helm refuses a release name longer than 53 characters or not a DNS-1123 label.
_HELM_RELEASE_NAME = "https://github.com/helm/helm/blob/v3.17.0/pkg/chartutil/validate_name.go"
_ACCOUNT_IDS = "https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html"

# The provider completes a name prefix with a 26-character unique suffix (a timestamp and a counter), so a prefix
# has that much less room than the name AWS limits.
_UNIQUE_SUFFIX = 26


# --- What AWS or Cloudflare allows of one value ------------------------------------------------------------


def authority(source: str) -> str:
    """The service that rejects a value: Cloudflare where the limit's source is Cloudflare's, else AWS."""
    return "Cloudflare" if "cloudflare" in source.lower() else "AWS"


@dataclass(frozen=True)
class Allowed:
    """What the service accepts for one value, and how a message says it."""

    accepts: Callable[[Any], bool]
    description: str


def length(maximum: int, *, minimum: int = 1) -> Allowed:
    return Allowed(
        lambda value: isinstance(value, str) and minimum <= len(value) <= maximum,
        f"{minimum} to {maximum} characters",
    )


def characters(pattern: str, description: str) -> Allowed:
    compiled = re.compile(pattern)
    return Allowed(lambda value: isinstance(value, str) and compiled.fullmatch(value) is not None, description)


def not_starting_with(*prefixes: str) -> Allowed:
    """AWS reserves these prefixes in any letter case."""
    folded = tuple(prefix.casefold() for prefix in prefixes)
    return Allowed(
        lambda value: isinstance(value, str) and not value.casefold().startswith(folded),
        "no value starting with " + " or ".join(shown(prefix) for prefix in prefixes),
    )


def starting_with(prefix: str) -> Allowed:
    return Allowed(lambda value: isinstance(value, str) and value.startswith(prefix), f"values starting with {prefix}")


def between(minimum: float, maximum: float) -> Allowed:
    def accepts(value: Any) -> bool:
        amount = number(value)
        return amount is not None and amount.is_integer() and minimum <= amount <= maximum

    return Allowed(accepts, f"whole numbers from {shown(float(minimum))} to {shown(float(maximum))}")


def among(*allowed: str | int) -> Allowed:
    return Allowed(one_of(*allowed), "one of " + ", ".join(shown(value) for value in allowed))


def cidr(version: int, *, shortest: int, longest: int) -> Allowed:
    """A CIDR block of the IP version whose prefix length is within [shortest, longest], with no host bits set."""

    def accepts(value: Any) -> bool:
        try:
            network = ipaddress.ip_network(value, strict=True)
        except (TypeError, ValueError):
            return False
        return network.version == version and shortest <= network.prefixlen <= longest

    return Allowed(accepts, f"an IPv{version} network address from /{shortest} to /{longest}")


def at_most_items(maximum: int) -> Allowed:
    return Allowed(lambda value: len(elements(value)) <= maximum, f"at most {maximum} items")


def holding(item: str) -> Allowed:
    return Allowed(lambda value: item in elements(value), f"lists that hold {shown(item)}")


def policy_size(maximum: int) -> Allowed:
    """IAM counts a policy document's size in characters other than whitespace."""
    return Allowed(
        lambda value: isinstance(value, str) and len("".join(value.split())) <= maximum,
        f"documents of at most {maximum} characters besides whitespace",
    )


# --- Constraints: one value, or several properties together ----------------------------------------------


class Constraint(Protocol):
    @property
    def source(self) -> str:
        """The AWS or Cloudflare documentation URL, or the provider source file (under site-packages), the limit
        comes from."""
        ...

    def violations(self, props: Any, provider_props: Any, /) -> Iterator[str]:
        """What breaks the constraint in a resource's inputs (and, for tags, its provider's inputs)."""
        ...


def _walk(value: Any, steps: Sequence[str]) -> Iterator[tuple[str, Any]]:
    """The values at a path, each with its label ("entries[2].description"): a "[]" step goes through every item
    of a list, and a step into JSON text (a provider's nested settings) parses it first."""
    if not steps:
        yield "", value
        return
    step, rest = steps[0], steps[1:]
    value = json_document(value) if isinstance(value, str) else value
    if step == "[]":
        for index, item in enumerate(elements(value)):
            for label, found in _walk(item, rest):
                yield f"[{index}]{label}", found
        return
    for label, found in _walk(field(value, step), rest):
        yield f".{step}{label}", found


def values_at(props: Any, path: str) -> Iterator[tuple[str, Any]]:
    """The known, set values at a dotted path ("entries[].description"), each with its label."""
    for label, value in _walk(props, path.replace("[]", ".[]").split(".")):
        if value is not None and not is_unknown(value):
            yield label.removeprefix("."), value


def _cited(message: str, source: str) -> str:
    return f"{message} (source: {source})"


@dataclass(frozen=True)
class Value:
    """Every value at `path` is one AWS allows."""

    path: str
    allowed: Allowed
    source: str

    def violations(self, props: Any, _provider_props: Any, /) -> Iterator[str]:
        for label, value in values_at(props, self.path):
            if not self.allowed.accepts(value):
                yield _cited(
                    f"{label} is {shown(value)}: {authority(self.source)} allows {self.allowed.description}",
                    self.source,
                )


@dataclass(frozen=True)
class OneOf:
    """At most one of `paths` is set; with `required`, exactly one."""

    paths: tuple[str, ...]
    source: str
    required: bool = True

    def violations(self, props: Any, _provider_props: Any, /) -> Iterator[str]:
        present = {
            path: field(props, *path.split(".")) for path in self.paths if field(props, *path.split(".")) is not None
        }
        known = {path: value for path, value in present.items() if not is_unknown(value)}
        allowed = f"{'exactly' if self.required else 'at most'} one of {', '.join(self.paths)}"
        if len(known) > 1:
            together = " and ".join(f"{path} {shown(value)}" for path, value in known.items())
            yield _cited(f"{together} are set together: {authority(self.source)} allows {allowed}", self.source)
        elif self.required and not present:
            yield _cited(
                f"none of {', '.join(self.paths)} is set: {authority(self.source)} requires {allowed}", self.source
            )


_PORT_PROTOCOLS = ("tcp", "udp", "6", "17")
_ICMP_PROTOCOLS = ("icmp", "icmpv6", "1", "58")


@dataclass(frozen=True)
class RefusedTogether:
    """A combination of properties, each set (to any value: the provider acts on whether it is set) that the
    provider turns into a request the API refuses."""

    paths: tuple[str, ...]
    refusal: str
    """What the provider sends and how the API answers it."""
    source: str

    def violations(self, props: Any, _provider_props: Any, /) -> Iterator[str]:
        if all(field(props, *path.split(".")) is not None for path in self.paths):
            yield _cited(f"{', '.join(self.paths)} are set together: {self.refusal}", self.source)


@dataclass(frozen=True)
class PortRange:
    """A rule's ports fit its protocol: none for all protocols, 0-65535 with from <= to for TCP and UDP, an ICMP
    type and code (-1 for any) from -1 to 255 for ICMP."""

    source: str

    def violations(self, props: Any, _provider_props: Any, /) -> Iterator[str]:
        protocol = field(props, "ipProtocol")
        ports = {path: field(props, path) for path in ("fromPort", "toPort")}
        if is_unknown(protocol) or any(is_unknown(port) for port in ports.values()):
            return
        protocol = str(protocol).lower()
        if protocol == "-1":
            for path, port in ports.items():
                if port is not None:
                    yield _cited(
                        f'{path} is {shown(port)} with ipProtocol "{protocol}": AWS allows no ports for all protocols',
                        self.source,
                    )
            return
        limits = (0, 65535) if protocol in _PORT_PROTOCOLS else (-1, 255) if protocol in _ICMP_PROTOCOLS else None
        if limits is None:
            return
        allowed = between(*limits)
        for path, port in ports.items():
            if not allowed.accepts(port):
                yield _cited(
                    f'{path} is {shown(port)} with ipProtocol "{protocol}": AWS allows {allowed.description}',
                    self.source,
                )
        first, last = number(ports["fromPort"]), number(ports["toPort"])
        if protocol in _PORT_PROTOCOLS and first is not None and last is not None and first > last:
            yield _cited(
                f"fromPort {shown(first)} is above toPort {shown(last)}: AWS allows ranges whose start is not above "
                "their end",
                self.source,
            )


@dataclass(frozen=True)
class Fits:
    """The list at `items` has no more items than the number at `limit`."""

    items: str
    limit: str
    source: str

    def violations(self, props: Any, _provider_props: Any, /) -> Iterator[str]:
        items, limit = field(props, self.items), number(field(props, self.limit))
        if items is None or is_unknown(items) or limit is None:
            return
        count = len(elements(items))
        if count > limit:
            yield _cited(
                f"{self.items} has {count} items but {self.limit} is {shown(limit)}: AWS allows at most "
                f"{self.limit} {self.items}",
                self.source,
            )


_TAG_CHARACTERS = characters(r"[\w +\-=.:/@]*", "letters, digits, spaces and + - = . _ : / @")
_TAG_KEY = (length(128), _TAG_CHARACTERS, not_starting_with("aws:"))
_TAG_VALUE = (length(256, minimum=0), _TAG_CHARACTERS)
_MAXIMUM_TAGS = 50


@dataclass(frozen=True)
class Tags:
    """Tag keys and values AWS accepts, and at most 50 tags on a resource; with `with_provider_defaults`, the
    count includes the provider's default tags (a resource's own tag of the same key replaces one)."""

    path: str = "tags"
    with_provider_defaults: bool = True
    source: str = _TAGGING

    def violations(self, props: Any, provider_props: Any, /) -> Iterator[str]:
        tags = next((value for _, value in values_at(props, self.path)), None)
        if not isinstance(tags, Mapping):
            return
        own = entries(tags)
        for key, value in own.items():
            for allowed in _TAG_KEY:
                if not allowed.accepts(key):
                    yield _cited(f"{self.path} key {shown(key)}: AWS allows {allowed.description}", self.source)
            for allowed in _TAG_VALUE:
                if not is_unknown(value) and not allowed.accepts(value):
                    yield _cited(
                        f"{self.path}[{shown(key)}] is {shown(value)}: AWS allows {allowed.description}",
                        self.source,
                    )
        keys, counted = set(own), ""
        if self.with_provider_defaults:
            defaults = field(json_document(field(provider_props, "defaultTags")), "tags")
            if is_unknown(defaults):
                return
            keys, counted = keys | set(entries(defaults)), " with the provider's default tags"
        if len(keys) > _MAXIMUM_TAGS:
            yield _cited(
                f"{self.path} come to {len(keys)} tags{counted}: AWS allows at most {_MAXIMUM_TAGS} per resource",
                self.source,
            )


# --- CloudWatch alarms and dashboards, SNS (tier: observability) -------------------------------------------

_PUT_METRIC_ALARM = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html"
_METRIC_DATA_QUERY = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricDataQuery.html"
_PUT_DASHBOARD = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html"
_CREATE_TOPIC = "https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html"
_SET_TOPIC_ATTRIBUTES = "https://docs.aws.amazon.com/sns/latest/api/API_SetTopicAttributes.html"
_SUBSCRIBE = "https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html"

_ALARM_STATISTICS = ("SampleCount", "Average", "Sum", "Minimum", "Maximum")
_TOPIC_NAME_CHARACTERS = characters(r"[A-Za-z0-9_-]+(\.fifo)?", "letters, digits, _ and - (and a .fifo suffix)")


def alarm_period() -> Allowed:
    def accepts(value: Any) -> bool:
        seconds = number(value)
        return seconds is not None and (seconds in (10, 20, 30) or (seconds > 0 and seconds % 60 == 0))

    return Allowed(accepts, "10, 20, 30 or a multiple of 60 seconds")


@dataclass(frozen=True)
class EvaluationRange:
    """An alarm's period x evaluationPeriods is at most one day for periods under an hour, else seven days."""

    source: str

    def violations(self, props: Any, _provider_props: Any, /) -> Iterator[str]:
        period, periods = number(field(props, "period")), number(field(props, "evaluationPeriods"))
        if period is None or periods is None:
            return
        longest = 86400 if period < 3600 else 604800
        if period * periods > longest:
            yield _cited(
                f"period {shown(period)} x evaluationPeriods {shown(periods)} spans {shown(period * periods)} s: AWS "
                f"allows at most {longest} s for this period",
                self.source,
            )


# --- Load balancing and the apps' Kubernetes objects (tier 10) ---------------------------------------------

_CREATE_LOAD_BALANCER = (
    "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html"
)
_LOAD_BALANCER_ATTRIBUTES = (
    "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_LoadBalancerAttribute.html"
)
_CREATE_TARGET_GROUP = "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html"
_TARGET_GROUP_ATTRIBUTES = (
    "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetGroupAttribute.html"
)
_CREATE_LISTENER = "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateListener.html"
_CREATE_RULE = "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateRule.html"
_HOST_HEADER = "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_HostHeaderConditionConfig.html"
_K8S_NAMES = "https://kubernetes.io/docs/concepts/overview/working-with-objects/names/"
_K8S_LABELS = "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set"
_K8S_SERVICE = "https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport"
_K8S_CRON_JOB = "https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#writing-a-cronjob-spec"
_K8S_ACCESS_MODES = "https://kubernetes.io/docs/concepts/storage/persistent-volumes/#access-modes"
_K8S_CONFIG_KEYS = "https://kubernetes.io/docs/concepts/configuration/configmap/#configmap-object"

_PORTS = between(1, 65535)
_DNS_LABEL = (
    length(63),
    characters(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", "lowercase DNS-1123 labels (a-z, 0-9, -; alphanumeric ends)"),
)
_DNS_SUBDOMAIN = (
    length(253),
    characters(r"[a-z0-9]([-a-z0-9.]*[a-z0-9])?", "lowercase DNS-1123 subdomains (a-z, 0-9, - and .)"),
)
_LABEL_VALUE = re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?")
_CONFIG_KEY = re.compile(r"[-._a-zA-Z0-9]{1,253}")


def mapping_of(accepts_key: Callable[[str], bool], accepts_value: Callable[[Any], bool], description: str) -> Allowed:
    """A map property (labels, data) whose every key and known value pass."""

    def accepts(value: Any) -> bool:
        return isinstance(value, Mapping) and all(
            accepts_key(str(key)) and (is_unknown(item) or accepts_value(item)) for key, item in entries(value).items()
        )

    return Allowed(accepts, description)


_LABELS = mapping_of(
    lambda _key: True,
    lambda value: isinstance(value, str) and len(value) <= 63 and _LABEL_VALUE.fullmatch(value) is not None,
    "label values of at most 63 letters, digits and -_. with alphanumeric ends",
)
_CONFIG_DATA = mapping_of(
    lambda key: _CONFIG_KEY.fullmatch(key) is not None, lambda _value: True, "keys of letters, digits and -._"
)


def _named(path: str, rules: tuple[Allowed, ...]) -> tuple[Constraint, ...]:
    return tuple(Value(path, allowed, _K8S_NAMES) for allowed in rules)


_LABELLED = (Value("metadata.labels", _LABELS, _K8S_LABELS),)
_ACCESS_MODES = Value(
    "spec.accessModes[]", among("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"), _K8S_ACCESS_MODES
)


# --- The table ---------------------------------------------------------------------------------------------

_SECURITY_GROUP_CHARACTERS = characters(
    r"[a-zA-Z0-9 ._\-:/()#,@\[\]+=&;{}!$*]*", "letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*"
)
_RULE_DESCRIPTION_CHARACTERS = characters(
    r"[a-zA-Z0-9 ._\-:/()#,@\[\]+=;{}!$*]*", "letters, digits, spaces and ._-:/()#,@[]+=;{}!$*"
)
_IAM_NAME_CHARACTERS = characters(r"[\w+=,.@-]+", "letters, digits and _+=,.@-")
_LOG_GROUP_CHARACTERS = characters(r"[.\-_/#A-Za-z0-9]+", "letters, digits and ._-/#")
_ALIAS_CHARACTERS = characters(r"[a-zA-Z0-9:/_-]+", "letters, digits and :/_-")


def _security_group_name(path: str, maximum: int) -> tuple[Constraint, ...]:
    return (
        Value(path, length(maximum), _CREATE_SECURITY_GROUP),
        Value(path, _SECURITY_GROUP_CHARACTERS, _CREATE_SECURITY_GROUP),
        Value(path, not_starting_with("sg-"), _CREATE_SECURITY_GROUP),
    )


_INLINE_RULE_DESCRIPTIONS: tuple[Constraint, ...] = tuple(
    Value(f"{direction}[].description", allowed, _RULE_DESCRIPTION)
    for direction in ("ingress", "egress")
    for allowed in (length(255, minimum=0), _RULE_DESCRIPTION_CHARACTERS)
)


_SECURITY_GROUP_RULE: tuple[Constraint, ...] = (
    Value("description", length(255, minimum=0), _RULE_DESCRIPTION),
    Value("description", _RULE_DESCRIPTION_CHARACTERS, _RULE_DESCRIPTION),
    Value(
        "ipProtocol",
        characters(r"tcp|udp|icmp|icmpv6|-1|25[0-5]|2[0-4]\d|1?\d?\d", "tcp, udp, icmp, icmpv6, -1 or 0-255"),
        _IP_PERMISSION,
    ),
    OneOf(("cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId"), _SECURITY_GROUP_RULE_REQUEST),
    PortRange("pulumi_aws/vpc/security_group_ingress_rule.py (ip_protocol) and " + _IP_PERMISSION),
    Value("cidrIpv4", cidr(4, shortest=0, longest=32), _SECURITY_GROUP_RULE_REQUEST),
    Value("cidrIpv6", cidr(6, shortest=0, longest=128), _SECURITY_GROUP_RULE_REQUEST),
    Tags(),
)

_ROUTE_TARGETS = (
    "carrierGatewayId",
    "coreNetworkArn",
    "egressOnlyGatewayId",
    "gatewayId",
    "localGatewayId",
    "natGatewayId",
    "networkInterfaceId",
    "odbNetworkArn",
    "transitGatewayId",
    "vpcEndpointId",
    "vpcPeeringConnectionId",
)

# --- Storage and backup tier ---------------------------------------------------------------------------------

_BUCKET_NAMING = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html"
_LIFECYCLE_TRANSITIONS = (
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html"
)
_BUCKET_POLICY_SIZE = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/BucketRestrictions.html"
_EFS_QUOTAS = "https://docs.aws.amazon.com/efs/latest/ug/limits.html"
_BACKUP_API = "https://docs.aws.amazon.com/aws-backup/latest/devguide"
_BACKUP_RULE = f"{_BACKUP_API}/API_BackupRuleInput.html"
_BACKUP_LIFECYCLE = f"{_BACKUP_API}/API_Lifecycle.html"
_BACKUP_VAULT_NAME = f"{_BACKUP_API}/API_CreateBackupVault.html"
_BACKUP_SELECTION = f"{_BACKUP_API}/API_BackupSelection.html"
_BACKUP_PLAN_INPUT = f"{_BACKUP_API}/API_BackupPlanInput.html"
_VAULT_LOCK = f"{_BACKUP_API}/API_PutBackupVaultLockConfiguration.html"
_VAULT_NOTIFICATIONS = f"{_BACKUP_API}/API_PutBackupVaultNotifications.html"
_RESTORE_TESTING_PLAN = f"{_BACKUP_API}/API_RestoreTestingPlanForCreate.html"
_RESTORE_TESTING_SELECTION = f"{_BACKUP_API}/API_RestoreTestingSelectionForCreate.html"

_INFREQUENT_ACCESS = ("STANDARD_IA", "ONEZONE_IA")


def _transition_allowed(transition: Any) -> bool:
    """A transition to an infrequent-access class comes 30 days or more after creation."""
    days = number(field(transition, "days"))
    return (
        field(transition, "storageClass") not in _INFREQUENT_ACCESS
        or days is None
        or days >= INFREQUENT_ACCESS_MINIMUM_DAYS
    )


def _cold_storage_allowed(lifecycle: Any) -> bool:
    """A recovery point moved to cold storage stays there 90 days or more before deletion."""
    cold, delete = number(field(lifecycle, "coldStorageAfter")), number(field(lifecycle, "deleteAfter"))
    return cold is None or delete is None or delete - cold >= COLD_STORAGE_MINIMUM_DAYS


_TRANSITION_AGE = Allowed(
    _transition_allowed,
    f"transitions to {' or '.join(_INFREQUENT_ACCESS)} {INFREQUENT_ACCESS_MINIMUM_DAYS} days or more after creation",
)
_COLD_STORAGE_SPAN = Allowed(
    _cold_storage_allowed,
    f"deleteAfter at least {COLD_STORAGE_MINIMUM_DAYS} days after coldStorageAfter",
)
_STORAGE_CLASSES = among("STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE")
_BUCKET_NAME_CHARACTERS = characters(
    r"(?!.*(-s3alias|--ol-s3|--x-s3|--table-s3)$)[a-z0-9][a-z0-9.-]*[a-z0-9]",
    "lowercase letters, digits, . and -, beginning and ending with a letter or digit, not ending in -s3alias, "
    "--ol-s3, --x-s3 or --table-s3",
)
_BACKUP_NAME_CHARACTERS = characters(r"[a-zA-Z0-9._-]+", "letters, digits and ._-")
_RESTORE_TESTING_NAME = characters(r"[a-zA-Z0-9_]{1,50}", "1 to 50 letters, digits and _")
_VAULT_EVENTS = among(
    "BACKUP_JOB_STARTED",
    "BACKUP_JOB_COMPLETED",
    "COPY_JOB_STARTED",
    "COPY_JOB_SUCCESSFUL",
    "COPY_JOB_FAILED",
    "RESTORE_JOB_STARTED",
    "RESTORE_JOB_COMPLETED",
    "RECOVERY_POINT_MODIFIED",
    "S3_BACKUP_OBJECT_FAILED",
    "S3_RESTORE_OBJECT_FAILED",
)

STORAGE_AND_BACKUP_CONSTRAINTS: Mapping[str, tuple[Constraint, ...]] = {
    S3_BUCKET: (
        Value("bucket", length(63, minimum=3), _BUCKET_NAMING),
        Value("bucket", _BUCKET_NAME_CHARACTERS, _BUCKET_NAMING),
        Value("bucket", not_starting_with("xn--", "sthree-", "amzn-s3-demo-"), _BUCKET_NAMING),
        Value("bucketPrefix", length(37), "pulumi_aws/s3/bucket.py (bucket_prefix)"),
        OneOf(("bucket", "bucketPrefix"), "pulumi_aws/s3/bucket.py (bucket_prefix)", required=False),
        Tags(),
    ),
    S3_PUBLIC_ACCESS_BLOCK: (),
    S3_BUCKET_POLICY: (Value("policy", length(20480), _BUCKET_POLICY_SIZE),),
    S3_BUCKET_OWNERSHIP: (
        Value(
            "rule.objectOwnership",
            among("BucketOwnerPreferred", "ObjectWriter", "BucketOwnerEnforced"),
            "pulumi_aws/s3/_inputs.py (object_ownership)",
        ),
    ),
    S3_BUCKET_ENCRYPTION: (
        Value(
            "rules[].applyServerSideEncryptionByDefault.sseAlgorithm",
            among("AES256", "aws:kms", "aws:kms:dsse"),
            "pulumi_aws/s3/_inputs.py (sse_algorithm)",
        ),
    ),
    S3_BUCKET_VERSIONING: (
        Value(
            "versioningConfiguration.status",
            among("Enabled", "Suspended", "Disabled"),
            "pulumi_aws/s3/_inputs.py (status)",
        ),
    ),
    S3_BUCKET_OBJECT_LOCK: (
        Value(
            "objectLockEnabled",
            among("Enabled"),
            "pulumi_aws/s3/bucket_object_lock_configuration.py (object_lock_enabled)",
        ),
        Value("rule.defaultRetention.mode", among("GOVERNANCE", "COMPLIANCE"), "pulumi_aws/s3/_inputs.py (mode)"),
    ),
    S3_BUCKET_LIFECYCLE: (
        Value("rules[].id", length(255), "pulumi_aws/s3/_inputs.py (id)"),
        Value("rules[].status", among("Enabled", "Disabled"), "pulumi_aws/s3/_inputs.py (status)"),
        Value("rules[].transitions[].storageClass", _STORAGE_CLASSES, "pulumi_aws/s3/_inputs.py (storage_class)"),
        Value("rules[].noncurrentVersionTransitions[].storageClass", _STORAGE_CLASSES, _LIFECYCLE_TRANSITIONS),
        Value("rules[].transitions[]", _TRANSITION_AGE, _LIFECYCLE_TRANSITIONS),
        Value(
            "transitionDefaultMinimumObjectSize",
            among("all_storage_classes_128K", "varies_by_storage_class"),
            "pulumi_aws/s3/bucket_lifecycle_configuration.py (transition_default_minimum_object_size)",
        ),
    ),
    S3_BUCKET_LOGGING: (),
    S3_BUCKET_CORS: (
        Value(
            "corsRules[].allowedMethods[]",
            among("GET", "PUT", "HEAD", "POST", "DELETE"),
            "pulumi_aws/s3/_inputs.py (allowed_methods)",
        ),
    ),
    EFS_FILE_SYSTEM: (
        Value("performanceMode", among("generalPurpose", "maxIO"), "pulumi_aws/efs/file_system.py (performance_mode)"),
        Value(
            "throughputMode",
            among("bursting", "provisioned", "elastic"),
            "pulumi_aws/efs/file_system.py (throughput_mode)",
        ),
        Value(
            "lifecyclePolicies[].transitionToIa",
            among(*(f"AFTER_{days}_DAY{'S' if days > 1 else ''}" for days in (1, 7, 14, 30, 60, 90, 180, 270, 365))),
            "pulumi_aws/efs/_inputs.py (transition_to_ia)",
        ),
        Value(
            "lifecyclePolicies[].transitionToPrimaryStorageClass",
            among("AFTER_1_ACCESS"),
            "pulumi_aws/efs/_inputs.py (transition_to_primary_storage_class)",
        ),
        Tags(),
    ),
    EFS_MOUNT_TARGET: (),
    EFS_ACCESS_POINT: (
        Value("rootDirectory.path", length(100), _EFS_QUOTAS),
        Value(
            "rootDirectory.creationInfo.permissions",
            characters(r"[0-7]{3,4}", "octal modes such as 0750"),
            "pulumi_aws/efs/_inputs.py (permissions)",
        ),
        Tags(),
    ),
    EFS_FILE_SYSTEM_POLICY: (Value("policy", length(20000), _EFS_QUOTAS),),
    EFS_BACKUP_POLICY: (
        Value("backupPolicy.status", among("ENABLED", "DISABLED"), "pulumi_aws/efs/_inputs.py (status)"),
    ),
    BACKUP_VAULT: (
        Value("name", characters(r"[a-zA-Z0-9_-]{2,50}", "2 to 50 letters, digits, _ and -"), _BACKUP_VAULT_NAME),
        Tags(),
    ),
    BACKUP_VAULT_LOCK: (
        Value("changeableForDays", between(3, 36500), _VAULT_LOCK),
        Value("minRetentionDays", between(1, 36500), _VAULT_LOCK),
    ),
    BACKUP_VAULT_NOTIFICATIONS: (Value("backupVaultEvents[]", _VAULT_EVENTS, _VAULT_NOTIFICATIONS),),
    BACKUP_PLAN: (
        Value("name", length(50), _BACKUP_PLAN_INPUT),
        Value("name", _BACKUP_NAME_CHARACTERS, _BACKUP_PLAN_INPUT),
        Value("rules[].ruleName", length(50), _BACKUP_RULE),
        Value("rules[].ruleName", _BACKUP_NAME_CHARACTERS, _BACKUP_RULE),
        Value("rules[].startWindow", between(60, 40320), _BACKUP_RULE),
        Value("rules[].lifecycle", _COLD_STORAGE_SPAN, _BACKUP_LIFECYCLE),
        Value("rules[].copyActions[].lifecycle", _COLD_STORAGE_SPAN, _BACKUP_LIFECYCLE),
        Tags(),
    ),
    BACKUP_SELECTION: (
        Value("name", length(50), _BACKUP_SELECTION),
        Value("name", _BACKUP_NAME_CHARACTERS, _BACKUP_SELECTION),
    ),
    BACKUP_RESTORE_TESTING_PLAN: (
        Value("name", _RESTORE_TESTING_NAME, _RESTORE_TESTING_PLAN),
        Value("startWindowHours", between(1, 168), "pulumi_aws/backup/restore_testing_plan.py (start_window_hours)"),
        Value(
            "recoveryPointSelection.algorithm",
            among("LATEST_WITHIN_WINDOW", "RANDOM_WITHIN_WINDOW"),
            _RESTORE_TESTING_PLAN,
        ),
        Value("recoveryPointSelection.selectionWindowDays", between(1, 365), _RESTORE_TESTING_PLAN),
        Tags(),
    ),
    BACKUP_RESTORE_TESTING_SELECTION: (
        Value("name", _RESTORE_TESTING_NAME, _RESTORE_TESTING_SELECTION),
        Value(
            "validationWindowHours",
            between(1, 168),
            "pulumi_aws/backup/restore_testing_selection.py (validation_window_hours)",
        ),
        Value(
            "protectedResourceType",
            among("Aurora", "DocumentDB", "DynamoDB", "EBS", "EC2", "EFS", "FSx", "Neptune", "RDS", "S3"),
            _RESTORE_TESTING_SELECTION,
        ),
    ),
}

# --- Tier 11, the edge: ACM and Cloudflare -------------------------------------------------------------------

_REQUEST_CERTIFICATE = "https://docs.aws.amazon.com/acm/latest/APIReference/API_RequestCertificate.html"
_ACM_QUOTAS = "https://docs.aws.amazon.com/acm/latest/userguide/acm-limits.html"
_DNS_RECORD_ATTRIBUTES = "https://developers.cloudflare.com/dns/manage-dns-records/reference/record-attributes/"
_RATE_LIMIT_PARAMETERS = "https://developers.cloudflare.com/waf/rate-limiting-rules/parameters/"
_SKIP_OPTIONS = "https://developers.cloudflare.com/waf/custom-rules/skip/options/"
_ZONE_SETTINGS = "https://developers.cloudflare.com/api/resources/zones/subresources/settings/methods/edit/"
_ON_OFF = ("on", "off")
# The values Cloudflare accepts for each zone setting the program sets.
_ZONE_SETTING_VALUES: Mapping[str, tuple[str, ...]] = {
    "ssl": ("off", "flexible", "full", "strict"),
    "min_tls_version": ("1.0", "1.1", "1.2", "1.3"),
    "tls_1_3": ("on", "off", "zrt"),
    "always_use_https": _ON_OFF,
    "automatic_https_rewrites": _ON_OFF,
}
_HSTS_LONGEST_MAX_AGE = 31536000


@dataclass(frozen=True)
class ZoneSettingValue:
    """A zone setting's value is one its setting id accepts; HSTS's max age at most a year."""

    source: str = _ZONE_SETTINGS

    def violations(self, props: Any, _provider_props: Any, /) -> Iterator[str]:
        setting_id, value = field(props, "settingId"), field(props, "value")
        if is_unknown(setting_id) or is_unknown(value) or value is None:
            return
        if setting_id == "security_header":
            found = values_at(value, "strict_transport_security.max_age")
            checks = [
                (f"value.{label}", found_value, between(0, _HSTS_LONGEST_MAX_AGE)) for label, found_value in found
            ]
        elif setting_id in _ZONE_SETTING_VALUES:
            checks = [("value", value, among(*_ZONE_SETTING_VALUES[setting_id]))]
        else:
            yield _cited(
                f"settingId is {shown(setting_id)}: the program's table knows only "
                + ", ".join(shown(known) for known in (*_ZONE_SETTING_VALUES, "security_header")),
                self.source,
            )
            return
        for label, found_value, allowed in checks:
            if not allowed.accepts(found_value):
                yield _cited(
                    f"{setting_id} {label} is {shown(found_value)}: Cloudflare allows {allowed.description}",
                    self.source,
                )


_TTL = Allowed(
    lambda value: number(value) == 1 or between(60, 86400).accepts(value), "1 (automatic) or 60 to 86400 seconds"
)

_EDGE_CONSTRAINTS: Mapping[str, tuple[Constraint, ...]] = {
    ACM_CERTIFICATE: (
        Value("domainName", length(253), _REQUEST_CERTIFICATE),
        Value("subjectAlternativeNames[]", length(253), _REQUEST_CERTIFICATE),
        # Ten names per certificate by default, the domain name included.
        Value("subjectAlternativeNames", at_most_items(9), _ACM_QUOTAS),
        Value("validationMethod", among("DNS", "EMAIL", "HTTP"), _REQUEST_CERTIFICATE),
        Value(
            "keyAlgorithm",
            among("RSA_1024", "RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1", "EC_secp384r1", "EC_secp521r1"),
            _REQUEST_CERTIFICATE,
        ),
        Tags(),
    ),
    ACM_CERTIFICATE_VALIDATION: (Value("validationRecordFqdns[]", length(253), _REQUEST_CERTIFICATE),),
    CLOUDFLARE_PROVIDER: (
        OneOf(
            ("apiKey", "apiToken", "apiUserServiceKey"),
            'pulumi_cloudflare/provider.py ("Must provide only one of")',
            required=False,
        ),
    ),
    CLOUDFLARE_DNS_RECORD: (
        Value(
            "type",
            among("A", "AAAA", "CNAME", "MX", "NS", "OPENPGPKEY", "PTR", "TXT", "CAA", "CERT", "DNSKEY", "DS", "HTTPS"),
            "pulumi_cloudflare/dns_record.py (type)",
        ),
        Value("ttl", _TTL, 'pulumi_cloudflare/dns_record.py ("Value must be between 60 and 86400")'),
        Value("name", length(255), _DNS_RECORD_ATTRIBUTES),
        # 100 characters on Free, 500 on paid plans: the lower holds on every plan.
        Value("comment", length(100, minimum=0), _DNS_RECORD_ATTRIBUTES),
    ),
    CLOUDFLARE_RULESET: (
        Value("kind", among("managed", "custom", "root", "zone"), "pulumi_cloudflare/ruleset.py (kind)"),
        OneOf(("accountId", "zoneId"), "pulumi_cloudflare/ruleset.py (account_id, zone_id)"),
        Value(
            "rules[].action",
            among("block", "challenge", "execute", "js_challenge", "log", "managed_challenge", "rewrite", "skip"),
            "pulumi_cloudflare/ruleset.py (rules)",
        ),
        # Rate counters are kept per data center, so the API requires that characteristic.
        Value("rules[].ratelimit.characteristics", holding("cf.colo.id"), _RATE_LIMIT_PARAMETERS),
        Value("rules[].ratelimit.period", among(*RATE_LIMIT_PERIODS), _RATE_LIMIT_PARAMETERS),
        Value("rules[].ratelimit.mitigationTimeout", among(0, *RATE_LIMIT_PERIODS), _RATE_LIMIT_PARAMETERS),
        # What a custom rule's skip action may skip: these phases, and the products not built on the Ruleset Engine.
        Value(
            "rules[].actionParameters.phases[]",
            among("http_ratelimit", "http_request_firewall_managed", "http_request_sbfm"),
            _SKIP_OPTIONS,
        ),
        Value(
            "rules[].actionParameters.products[]",
            among("zoneLockdown", "uaBlock", "bic", "hot", "securityLevel", "rateLimit", "waf"),
            _SKIP_OPTIONS,
        ),
    ),
    CLOUDFLARE_ZONE_SETTING: (ZoneSettingValue(),),
    CLOUDFLARE_BOT_MANAGEMENT: tuple(
        Value(key, among(*allowed), f"pulumi_cloudflare/bot_management.py ({argument})")
        for key, argument, allowed in (
            ("sbfmDefinitelyAutomated", "sbfm_definitely_automated", ("allow", "block", "managed_challenge")),
            ("sbfmLikelyAutomated", "sbfm_likely_automated", ("allow", "block", "managed_challenge")),
            ("sbfmVerifiedBots", "sbfm_verified_bots", ("allow", "block")),
        )
    ),
}

# --- Data tier ----------------------------------------------------------------------------------------------

_RDS_API = "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference"
_CREATE_DB_CLUSTER = f"{_RDS_API}/API_CreateDBCluster.html"
_CREATE_DB_INSTANCE = f"{_RDS_API}/API_CreateDBInstance.html"
_CREATE_CLUSTER_PARAMETER_GROUP = f"{_RDS_API}/API_CreateDBClusterParameterGroup.html"
_CREATE_PARAMETER_GROUP = f"{_RDS_API}/API_CreateDBParameterGroup.html"
_CREATE_DB_SUBNET_GROUP = f"{_RDS_API}/API_CreateDBSubnetGroup.html"
_CREATE_DB_PROXY = f"{_RDS_API}/API_CreateDBProxy.html"
_CREATE_DB_PROXY_ENDPOINT = f"{_RDS_API}/API_CreateDBProxyEndpoint.html"
_POOL_CONFIGURATION = f"{_RDS_API}/API_ConnectionPoolConfiguration.html"
_REGISTER_PROXY_TARGETS = f"{_RDS_API}/API_RegisterDBProxyTargets.html"
_CREATE_EVENT_SUBSCRIPTION = f"{_RDS_API}/API_CreateEventSubscription.html"
_ELASTICACHE_API = "https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference"
_CREATE_REPLICATION_GROUP = f"{_ELASTICACHE_API}/API_CreateReplicationGroup.html"
_CREATE_CACHE_SUBNET_GROUP = f"{_ELASTICACHE_API}/API_CreateCacheSubnetGroup.html"
_CREATE_CACHE_PARAMETER_GROUP = f"{_ELASTICACHE_API}/API_CreateCacheParameterGroup.html"
_AUTH_TOKEN = "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth.html"
_CREATE_SECRET = "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html"
_PUT_SECRET_VALUE = "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html"
_CREATE_HOSTED_ZONE = "https://docs.aws.amazon.com/Route53/latest/APIReference/API_CreateHostedZone.html"
_RESOURCE_RECORD_SET = "https://docs.aws.amazon.com/Route53/latest/APIReference/API_ResourceRecordSet.html"
_ATTACH_ROLE_POLICY = "https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachRolePolicy.html"

# RDS identifiers (clusters, instances, snapshots, proxies, parameter groups): a letter first, then letters,
# digits and single hyphens, never a hyphen last.
_RDS_IDENTIFIER = characters(
    r"[A-Za-z](?!.*--)[A-Za-z0-9-]*(?<!-)", "a letter first, then letters, digits and single hyphens, no hyphen last"
)
# A prefix is completed by the provider's suffix, so it may end in a hyphen.
_RDS_IDENTIFIER_PREFIX = characters(
    r"[A-Za-z](?!.*--)[A-Za-z0-9-]*", "a letter first, then letters, digits and single hyphens"
)
_SQL_IDENTIFIER = characters(r"[A-Za-z][A-Za-z0-9_]*", "a letter first, then letters, digits and underscores")
# Performance Insights keeps 7 days, whole months of 31 days up to 23, or 731 days.
_INSIGHTS_RETENTION = among(7, *(31 * months for months in range(1, 24)), 731)


def _rds_name(path: str, maximum: int, source: str) -> tuple[Constraint, ...]:
    return (Value(path, length(maximum), source), Value(path, _RDS_IDENTIFIER, source))


def _rds_name_prefix(path: str, maximum: int, source: str) -> tuple[Constraint, ...]:
    return (Value(path, length(maximum - _UNIQUE_SUFFIX), source), Value(path, _RDS_IDENTIFIER_PREFIX, source))


_RDS_PARAMETER_GROUP = (
    *_rds_name("name", 255, _CREATE_PARAMETER_GROUP),
    *_rds_name_prefix("namePrefix", 255, _CREATE_PARAMETER_GROUP),
    Value("parameters[].applyMethod", among("immediate", "pending-reboot"), f"{_RDS_API}/API_Parameter.html"),
    Tags(),
)

_DATA_TIER_CONSTRAINTS: Mapping[str, tuple[Constraint, ...]] = {
    RDS_CLUSTER: (
        *_rds_name("clusterIdentifier", 63, _CREATE_DB_CLUSTER),
        *_rds_name("finalSnapshotIdentifier", 255, _CREATE_DB_CLUSTER),
        Value("databaseName", length(63), _CREATE_DB_CLUSTER),
        Value("databaseName", _SQL_IDENTIFIER, _CREATE_DB_CLUSTER),
        Value("masterUsername", length(63), _CREATE_DB_CLUSTER),
        Value("masterUsername", _SQL_IDENTIFIER, _CREATE_DB_CLUSTER),
        Value("backupRetentionPeriod", between(1, 35), _CREATE_DB_CLUSTER),
        Value("performanceInsightsRetentionPeriod", _INSIGHTS_RETENTION, _CREATE_DB_CLUSTER),
        Value("databaseInsightsMode", among("standard", "advanced"), _CREATE_DB_CLUSTER),
        Value("storageType", among("aurora", "aurora-iopt1", "io1", "io2", "gp3"), _CREATE_DB_CLUSTER),
        Value(
            "serverlessv2ScalingConfiguration.maxCapacity",
            Allowed(lambda v: 1 <= (number(v) or 0) <= 256, "from 1 to 256 capacity units"),
            f"{_RDS_API}/API_ServerlessV2ScalingConfiguration.html",
        ),
        Tags(),
    ),
    RDS_CLUSTER_INSTANCE: (
        *_rds_name("identifier", 63, _CREATE_DB_INSTANCE),
        Value("promotionTier", between(0, 15), _CREATE_DB_INSTANCE),
        Value("monitoringInterval", among(0, 1, 5, 10, 15, 30, 60), _CREATE_DB_INSTANCE),
        Value("performanceInsightsRetentionPeriod", _INSIGHTS_RETENTION, _CREATE_DB_INSTANCE),
        Tags(),
    ),
    RDS_CLUSTER_PARAMETER_GROUP: _RDS_PARAMETER_GROUP,
    RDS_PARAMETER_GROUP: _RDS_PARAMETER_GROUP,
    RDS_SUBNET_GROUP: (
        Value("name", length(255), _CREATE_DB_SUBNET_GROUP),
        Value("namePrefix", length(255 - _UNIQUE_SUFFIX), _CREATE_DB_SUBNET_GROUP),
        Value(
            "namePrefix",
            characters(r"[a-z0-9 ._-]+", "lowercase letters, digits, spaces and ._-"),
            _CREATE_DB_SUBNET_GROUP,
        ),
        Tags(),
    ),
    RDS_PROXY: (
        *_rds_name("name", 60, _CREATE_DB_PROXY),
        Value("engineFamily", among("MYSQL", "POSTGRESQL", "SQLSERVER"), _CREATE_DB_PROXY),
        Value("idleClientTimeout", between(1, 28800), _CREATE_DB_PROXY),
        Tags(),
    ),
    RDS_PROXY_DEFAULT_TARGET_GROUP: (
        Value("connectionPoolConfig.maxConnectionsPercent", between(1, 100), _POOL_CONFIGURATION),
        Value("connectionPoolConfig.maxIdleConnectionsPercent", between(0, 100), _POOL_CONFIGURATION),
        Value("connectionPoolConfig.connectionBorrowTimeout", between(0, 3600), _POOL_CONFIGURATION),
    ),
    RDS_PROXY_TARGET: (OneOf(("dbClusterIdentifier", "dbInstanceIdentifier"), _REGISTER_PROXY_TARGETS),),
    RDS_PROXY_ENDPOINT: (
        *_rds_name("dbProxyEndpointName", 63, _CREATE_DB_PROXY_ENDPOINT),
        Value("targetRole", among("READ_WRITE", "READ_ONLY"), _CREATE_DB_PROXY_ENDPOINT),
        Tags(),
    ),
    RDS_EVENT_SUBSCRIPTION: (
        Value("namePrefix", length(255 - _UNIQUE_SUFFIX), _CREATE_EVENT_SUBSCRIPTION),
        Value("namePrefix", _RDS_IDENTIFIER_PREFIX, _CREATE_EVENT_SUBSCRIPTION),
        Value(
            "sourceType",
            among(
                "db-instance",
                "db-cluster",
                "db-parameter-group",
                "db-security-group",
                "db-snapshot",
                "db-cluster-snapshot",
                "db-proxy",
            ),
            _CREATE_EVENT_SUBSCRIPTION,
        ),
        Tags(),
    ),
    ELASTICACHE_SUBNET_GROUP: (
        Value("name", length(255), _CREATE_CACHE_SUBNET_GROUP),
        Value("name", characters(r"[a-z0-9-]+", "lowercase letters, digits and hyphens"), _CREATE_CACHE_SUBNET_GROUP),
        Tags(),
    ),
    ELASTICACHE_PARAMETER_GROUP: (
        Value("name", length(255), _CREATE_CACHE_PARAMETER_GROUP),
        Value("name", _RDS_IDENTIFIER, _CREATE_CACHE_PARAMETER_GROUP),
        Tags(),
    ),
    ELASTICACHE_REPLICATION_GROUP: (
        Value("replicationGroupId", length(40), _CREATE_REPLICATION_GROUP),
        Value("replicationGroupId", _RDS_IDENTIFIER, _CREATE_REPLICATION_GROUP),
        Value("numCacheClusters", between(1, 6), _CREATE_REPLICATION_GROUP),
        Fits("preferredCacheClusterAzs", "numCacheClusters", _CREATE_REPLICATION_GROUP),
        Value("snapshotRetentionLimit", between(0, 35), _CREATE_REPLICATION_GROUP),
        Value("engine", among("redis", "valkey"), _CREATE_REPLICATION_GROUP),
        Value("transitEncryptionMode", among("preferred", "required"), _CREATE_REPLICATION_GROUP),
        Value("authTokenUpdateStrategy", among("SET", "ROTATE", "DELETE"), _CREATE_REPLICATION_GROUP),
        Tags(),
    ),
    SECRET: (
        Value("name", length(512), _CREATE_SECRET),
        Value("namePrefix", length(512 - _UNIQUE_SUFFIX), _CREATE_SECRET),
        Value("namePrefix", characters(r"[A-Za-z0-9/_+=.@-]+", "letters, digits and /_+=.@-"), _CREATE_SECRET),
        Value("description", length(2048, minimum=0), _CREATE_SECRET),
        Value(
            "recoveryWindowInDays",
            Allowed(
                lambda v: number(v) == 0 or between(7, 30).accepts(v),
                "0 (delete at once) or whole numbers from 7 to 30",
            ),
            "pulumi_aws/secretsmanager/secret.py (recovery_window_in_days)",
        ),
        Tags(),
    ),
    SECRET_VERSION: (
        OneOf(
            ("secretString", "secretBinary", "secretStringWo"),
            "pulumi_aws/secretsmanager/secret_version.py (secret_string, secret_binary, secret_string_wo) and "
            + _PUT_SECRET_VALUE,
        ),
    ),
    ROUTE53_ZONE: (
        Value("name", length(1024), _CREATE_HOSTED_ZONE),
        Value(
            "comment",
            length(256, minimum=0),
            "https://docs.aws.amazon.com/Route53/latest/APIReference/API_HostedZoneConfig.html",
        ),
        Tags(),
    ),
    ROUTE53_RECORD: (
        Value(
            "type",
            among(
                "A",
                "AAAA",
                "CAA",
                "CNAME",
                "DS",
                "HTTPS",
                "MX",
                "NAPTR",
                "NS",
                "PTR",
                "SOA",
                "SPF",
                "SRV",
                "SSHFP",
                "SVCB",
                "TLSA",
                "TXT",
            ),
            _RESOURCE_RECORD_SET,
        ),
        Value("ttl", between(0, 2147483647), _RESOURCE_RECORD_SET),
        OneOf(("records", "aliases"), _RESOURCE_RECORD_SET),
    ),
    # The suffix of a final snapshot's identifier, which RDS and ElastiCache limit to 255 characters.
    RANDOM_ID: (Value("byteLength", between(1, 32), f"{_CREATE_DB_CLUSTER} (FinalDBSnapshotIdentifier)"),),
}


# --- The deploy path (design D16): the CodeBuild-hosted GitHub Actions runner ----------------------------------

_CODEBUILD_API = "https://docs.aws.amazon.com/codebuild/latest/APIReference"
_CREATE_PROJECT = f"{_CODEBUILD_API}/API_CreateProject.html"
_CREATE_WEBHOOK = f"{_CODEBUILD_API}/API_CreateWebhook.html"
_WEBHOOK_FILTER = f"{_CODEBUILD_API}/API_WebhookFilter.html"
_CODEBUILD_VPC_CONFIG = f"{_CODEBUILD_API}/API_VpcConfig.html"


def with_event_filter() -> Allowed:
    """A webhook filter group CodeBuild accepts: one of its filters names the events it reacts to."""

    def accepts(group: Any) -> bool:
        filters = field(group, "filters")
        types = [field(item, "type") for item in elements(filters)] if not is_unknown(filters) else []
        return is_unknown(filters) or any(is_unknown(kind) or kind == "EVENT" for kind in types)

    return Allowed(accepts, "filter groups with an EVENT filter")


_DEPLOY_PATH_CONSTRAINTS: Mapping[str, tuple[Constraint, ...]] = {
    CODEBUILD_PROJECT: (
        Value("name", length(150, minimum=2), _CREATE_PROJECT),
        Value(
            "name",
            characters(r"[A-Za-z0-9][A-Za-z0-9\-_]*", "letters, digits, - and _, first a letter or digit"),
            _CREATE_PROJECT,
        ),
        Value("description", length(255, minimum=0), _CREATE_PROJECT),
        Value("buildTimeout", between(5, 2160), _CREATE_PROJECT),
        Value("queuedTimeout", between(5, 480), _CREATE_PROJECT),
        Value(
            "source.type",
            among(
                "BITBUCKET",
                "CODECOMMIT",
                "CODEPIPELINE",
                "GITHUB",
                "GITHUB_ENTERPRISE",
                "GITLAB",
                "GITLAB_SELF_MANAGED",
                "NO_SOURCE",
                "S3",
            ),
            f"{_CODEBUILD_API}/API_ProjectSource.html",
        ),
        Value(
            "source.auth.type",
            among("OAUTH", "CODECONNECTIONS", "SECRETS_MANAGER"),
            f"{_CODEBUILD_API}/API_SourceAuth.html",
        ),
        Value(
            "artifacts.type",
            among("CODEPIPELINE", "S3", "NO_ARTIFACTS"),
            f"{_CODEBUILD_API}/API_ProjectArtifacts.html",
        ),
        Value(
            "environment.type",
            among(
                "LINUX_CONTAINER",
                "LINUX_GPU_CONTAINER",
                "ARM_CONTAINER",
                "WINDOWS_CONTAINER",
                "WINDOWS_SERVER_2019_CONTAINER",
                "WINDOWS_SERVER_2022_CONTAINER",
                "LINUX_LAMBDA_CONTAINER",
                "ARM_LAMBDA_CONTAINER",
                "LINUX_EC2",
                "ARM_EC2",
                "WINDOWS_EC2",
                "MAC_ARM",
            ),
            "pulumi_aws/codebuild/_inputs.py (type)",
        ),
        Value(
            "environment.computeType",
            among(
                "BUILD_GENERAL1_SMALL",
                "BUILD_GENERAL1_MEDIUM",
                "BUILD_GENERAL1_LARGE",
                "BUILD_GENERAL1_XLARGE",
                "BUILD_GENERAL1_2XLARGE",
                "BUILD_LAMBDA_1GB",
                "BUILD_LAMBDA_2GB",
                "BUILD_LAMBDA_4GB",
                "BUILD_LAMBDA_8GB",
                "BUILD_LAMBDA_10GB",
            ),
            "pulumi_aws/codebuild/_inputs.py (compute_type)",
        ),
        Value(
            "environment.imagePullCredentialsType",
            among("CODEBUILD", "SERVICE_ROLE"),
            "pulumi_aws/codebuild/_inputs.py (image_pull_credentials_type)",
        ),
        Value("vpcConfig.subnets", at_most_items(16), _CODEBUILD_VPC_CONFIG),
        Value("vpcConfig.securityGroupIds", at_most_items(5), _CODEBUILD_VPC_CONFIG),
        Value(
            "logsConfig.cloudwatchLogs.status",
            among("ENABLED", "DISABLED"),
            f"{_CODEBUILD_API}/API_CloudWatchLogsConfig.html",
        ),
        Tags(),
    ),
    CODEBUILD_WEBHOOK: (
        Value("projectName", length(255, minimum=2), _CREATE_WEBHOOK),
        Value("buildType", among("BUILD", "BUILD_BATCH", "RUNNER_BUILDKITE_BUILD"), _CREATE_WEBHOOK),
        Value("filterGroups[]", with_event_filter(), _CREATE_WEBHOOK),
        Value(
            "filterGroups[].filters[].type",
            among(
                "EVENT",
                "BASE_REF",
                "HEAD_REF",
                "ACTOR_ACCOUNT_ID",
                "FILE_PATH",
                "COMMIT_MESSAGE",
                "WORKFLOW_NAME",
                "TAG_NAME",
                "RELEASE_NAME",
                "REPOSITORY_NAME",
                "ORGANIZATION_NAME",
            ),
            _WEBHOOK_FILTER,
        ),
    ),
}


DEPLOY_CONSTRAINTS: Mapping[str, tuple[Constraint, ...]] = {
    AWS_PROVIDER: (
        Value("region", characters(r"[a-z]{2}(-[a-z]+)+-\d+", "region codes such as us-east-1"), _REGIONS),
        Value("allowedAccountIds[]", characters(r"\d{12}", "12 digits"), _ACCOUNT_IDS),
        Tags("defaultTags.tags", with_provider_defaults=False),
    ),
    VPC: (
        Value("cidrBlock", cidr(4, shortest=16, longest=28), _VPC_SIZING),
        Value("instanceTenancy", among("default", "dedicated"), "pulumi_aws/ec2/vpc.py (instance_tenancy)"),
        Tags(),
    ),
    SUBNET: (Value("cidrBlock", cidr(4, shortest=16, longest=28), _SUBNET_SIZING), Tags()),
    DEFAULT_SECURITY_GROUP: (*_INLINE_RULE_DESCRIPTIONS, Tags()),
    SECURITY_GROUP: (
        *_security_group_name("name", 255),
        *_security_group_name("namePrefix", 255 - _UNIQUE_SUFFIX),
        OneOf(("name", "namePrefix"), "pulumi_aws/ec2/security_group.py (name_prefix)", required=False),
        Value("description", length(255), _CREATE_SECURITY_GROUP),
        Value("description", _SECURITY_GROUP_CHARACTERS, _CREATE_SECURITY_GROUP),
        *_INLINE_RULE_DESCRIPTIONS,
        Tags(),
    ),
    SECURITY_GROUP_INGRESS_RULE: _SECURITY_GROUP_RULE,
    SECURITY_GROUP_EGRESS_RULE: _SECURITY_GROUP_RULE,
    MANAGED_PREFIX_LIST: (
        Value("name", length(255), _CREATE_PREFIX_LIST),
        Value("name", not_starting_with("com.amazonaws"), _CREATE_PREFIX_LIST),
        Value("addressFamily", among("IPv4", "IPv6"), _CREATE_PREFIX_LIST),
        Value("entries[].description", length(255, minimum=0), _PREFIX_LIST_ENTRY),
        Fits("entries", "maxEntries", _CREATE_PREFIX_LIST),
        Tags(),
    ),
    INTERNET_GATEWAY: (Tags(),),
    EIP: (Value("domain", among("vpc", "standard"), _ALLOCATE_ADDRESS), Tags()),
    NAT_GATEWAY: (
        Value("connectivityType", among("private", "public"), "pulumi_aws/ec2/nat_gateway.py (connectivity_type)"),
        Value("availabilityMode", among("zonal", "regional"), "pulumi_aws/ec2/nat_gateway.py (availability_mode)"),
        Tags(),
    ),
    ROUTE_TABLE: (
        Value("routes[].cidrBlock", cidr(4, shortest=0, longest=32), _CREATE_ROUTE),
        Value(
            "routes[].ipv6CidrBlock",
            cidr(6, shortest=0, longest=128),
            _CREATE_ROUTE,
        ),
        Tags(),
    ),
    ROUTE: (
        OneOf(
            ("destinationCidrBlock", "destinationIpv6CidrBlock", "destinationPrefixListId"),
            'pulumi_aws/ec2/route.py ("One of the following destination arguments must be supplied")',
        ),
        OneOf(_ROUTE_TARGETS, 'pulumi_aws/ec2/route.py ("One of the following target arguments must be supplied")'),
        Value("destinationCidrBlock", cidr(4, shortest=0, longest=32), _CREATE_ROUTE),
        Value("destinationIpv6CidrBlock", cidr(6, shortest=0, longest=128), _CREATE_ROUTE),
    ),
    ROUTE_TABLE_ASSOCIATION: (
        OneOf(("subnetId", "gatewayId"), "pulumi_aws/ec2/route_table_association.py (subnet_id, gateway_id)"),
    ),
    VPC_ENDPOINT: (
        Value(
            "vpcEndpointType",
            among("Gateway", "GatewayLoadBalancer", "Interface", "Resource", "ServiceNetwork"),
            "pulumi_aws/ec2/vpc_endpoint.py (vpc_endpoint_type)",
        ),
        Value("ipAddressType", among("ipv4", "dualstack", "ipv6"), "pulumi_aws/ec2/vpc_endpoint.py (ip_address_type)"),
        OneOf(
            ("resourceConfigurationArn", "serviceName", "serviceNetworkArn"),
            "pulumi_aws/ec2/vpc_endpoint.py (service_name)",
        ),
        Tags(),
    ),
    FLOW_LOG: (
        Value("maxAggregationInterval", among(60, 600), "pulumi_aws/ec2/flow_log.py (max_aggregation_interval)"),
        Value("trafficType", among("ACCEPT", "REJECT", "ALL"), "pulumi_aws/ec2/flow_log.py (traffic_type)"),
        Value(
            "logDestinationType",
            among("cloud-watch-logs", "s3", "kinesis-data-firehose"),
            "pulumi_aws/ec2/flow_log.py (log_destination_type)",
        ),
        Tags(),
    ),
    LOG_GROUP: (
        Value("name", length(512), _CREATE_LOG_GROUP),
        Value("name", _LOG_GROUP_CHARACTERS, _CREATE_LOG_GROUP),
        Value("namePrefix", length(512 - _UNIQUE_SUFFIX), _CREATE_LOG_GROUP),
        Value("namePrefix", _LOG_GROUP_CHARACTERS, _CREATE_LOG_GROUP),
        # 0 is the provider's "never expire", which it sends as no retention policy at all.
        Value("retentionInDays", among(0, *LOG_RETENTION_DAYS), _PUT_RETENTION_POLICY),
        Tags(),
    ),
    IAM_ROLE: (
        Value("name", length(64), _CREATE_ROLE),
        Value("name", _IAM_NAME_CHARACTERS, _CREATE_ROLE),
        Value("namePrefix", length(64 - _UNIQUE_SUFFIX), _CREATE_ROLE),
        Value("namePrefix", _IAM_NAME_CHARACTERS, _CREATE_ROLE),
        OneOf(("name", "namePrefix"), "pulumi_aws/iam/role.py (name_prefix)", required=False),
        Value("path", length(512), _CREATE_ROLE),
        Value("path", characters(r"/|/[\x21-\x7e]+/", "/ or printable ASCII between two /"), _CREATE_ROLE),
        Value("description", length(1000, minimum=0), _CREATE_ROLE),
        Value(
            "description",
            characters(r"[\t\n\r\x20-\x7e\xa1-\xff]*", "printable Latin-1 characters, tabs and line breaks"),
            _CREATE_ROLE,
        ),
        Value("maxSessionDuration", between(3600, 43200), _CREATE_ROLE),
        Value("assumeRolePolicy", policy_size(2048), _IAM_QUOTAS),
        Tags(),
    ),
    IAM_ROLE_POLICY: (
        Value("name", length(128), _PUT_ROLE_POLICY),
        Value("name", _IAM_NAME_CHARACTERS, _PUT_ROLE_POLICY),
        Value("namePrefix", length(128 - _UNIQUE_SUFFIX), _PUT_ROLE_POLICY),
        Value("namePrefix", _IAM_NAME_CHARACTERS, _PUT_ROLE_POLICY),
        # A role's inline policies together may not exceed this; one of them alone certainly may not.
        Value("policy", policy_size(10240), _IAM_QUOTAS),
    ),
    KMS_KEY: (
        Value("description", length(8192, minimum=0), _CREATE_KEY),
        Value("deletionWindowInDays", between(7, 30), "pulumi_aws/kms/key.py (deletion_window_in_days)"),
        Value("rotationPeriodInDays", between(90, 2560), "pulumi_aws/kms/key.py (rotation_period_in_days)"),
        Value(
            "keyUsage",
            among("ENCRYPT_DECRYPT", "SIGN_VERIFY", "GENERATE_VERIFY_MAC"),
            "pulumi_aws/kms/key.py (key_usage)",
        ),
        Value("policy", length(32768), _KMS_QUOTAS),
        Tags(),
    ),
    KMS_ALIAS: (
        Value("name", length(256), _CREATE_ALIAS),
        Value("name", _ALIAS_CHARACTERS, _CREATE_ALIAS),
        Value("name", starting_with("alias/"), _CREATE_ALIAS),
        Value("name", not_starting_with("alias/aws/"), _CREATE_ALIAS),
        Value("namePrefix", length(256 - _UNIQUE_SUFFIX), _CREATE_ALIAS),
        Value("namePrefix", _ALIAS_CHARACTERS, _CREATE_ALIAS),
        Value("namePrefix", starting_with("alias/"), _CREATE_ALIAS),
        Value("namePrefix", not_starting_with("alias/aws/"), _CREATE_ALIAS),
        OneOf(("name", "namePrefix"), "pulumi_aws/kms/alias.py (name_prefix)", required=False),
    ),
    # tier: observability
    METRIC_ALARM: (
        Value("name", length(255), _PUT_METRIC_ALARM),
        Value("alarmDescription", length(1024, minimum=0), _PUT_METRIC_ALARM),
        Value(
            "comparisonOperator",
            among(
                "GreaterThanOrEqualToThreshold",
                "GreaterThanThreshold",
                "LessThanThreshold",
                "LessThanOrEqualToThreshold",
                "LessThanLowerOrGreaterThanUpperThreshold",
                "LessThanLowerThreshold",
                "GreaterThanUpperThreshold",
            ),
            _PUT_METRIC_ALARM,
        ),
        Value("statistic", among(*_ALARM_STATISTICS), _PUT_METRIC_ALARM),
        Value(
            "extendedStatistic",
            characters(r"p(\d{1,2}(\.\d{1,2})?|100)", "percentiles p0 to p100 with up to two decimals"),
            _PUT_METRIC_ALARM,
        ),
        OneOf(("statistic", "extendedStatistic"), _PUT_METRIC_ALARM, required=False),
        OneOf(("metricName", "metricQueries"), _PUT_METRIC_ALARM),
        Value("treatMissingData", among("breaching", "notBreaching", "ignore", "missing"), _PUT_METRIC_ALARM),
        Value("period", alarm_period(), _PUT_METRIC_ALARM),
        Value("evaluationPeriods", between(1, 604800 // 10), _PUT_METRIC_ALARM),
        EvaluationRange(_PUT_METRIC_ALARM),
        Value("alarmActions", at_most_items(5), _PUT_METRIC_ALARM),
        Value("okActions", at_most_items(5), _PUT_METRIC_ALARM),
        Value(
            "metricQueries[].id",
            characters(r"[a-z][A-Za-z0-9_]{0,254}", "a lowercase letter, then letters, digits and _"),
            _METRIC_DATA_QUERY,
        ),
        Value("metricQueries[].metric.stat", among(*_ALARM_STATISTICS), _METRIC_DATA_QUERY),
        Tags(),
    ),
    DASHBOARD: (
        Value("dashboardName", length(255), _PUT_DASHBOARD),
        Value("dashboardName", characters(r"[A-Za-z0-9_-]+", "letters, digits, - and _"), _PUT_DASHBOARD),
    ),
    SNS_TOPIC: (
        Value("name", length(256), _CREATE_TOPIC),
        Value("name", _TOPIC_NAME_CHARACTERS, _CREATE_TOPIC),
        Value("namePrefix", length(256 - _UNIQUE_SUFFIX), _CREATE_TOPIC),
        Value("namePrefix", _TOPIC_NAME_CHARACTERS, _CREATE_TOPIC),
        OneOf(("name", "namePrefix"), "pulumi_aws/sns/topic.py (name_prefix)", required=False),
        Tags(),
    ),
    SNS_TOPIC_POLICY: (Value("arn", starting_with("arn:aws:sns:"), _SET_TOPIC_ATTRIBUTES),),
    SNS_TOPIC_SUBSCRIPTION: (
        Value(
            "protocol",
            among("http", "https", "email", "email-json", "sms", "sqs", "application", "lambda", "firehose"),
            _SUBSCRIBE,
        ),
    ),
    # Tier 9 (cluster)
    EKS_CLUSTER: (
        Value("name", length(100), _CREATE_CLUSTER),
        Value(
            "name",
            characters(r"[0-9A-Za-z][A-Za-z0-9\-_]*", "letters, digits, - and _, first a letter or digit"),
            _CREATE_CLUSTER,
        ),
        Value(
            "enabledClusterLogTypes[]",
            among("api", "audit", "authenticator", "controllerManager", "scheduler"),
            _LOG_SETUP,
        ),
        Value("upgradePolicy.supportType", among("STANDARD", "EXTENDED"), _CREATE_CLUSTER),
        Value("accessConfig.authenticationMode", among("API", "API_AND_CONFIG_MAP", "CONFIG_MAP"), _CREATE_CLUSTER),
        Tags(),
    ),
    EKS_NODE_GROUP: (
        Value("nodeGroupNamePrefix", length(63 - _UNIQUE_SUFFIX), _CREATE_NODEGROUP),
        Value(
            "amiType",
            among(
                "AL2023_x86_64_STANDARD",
                "AL2023_ARM_64_STANDARD",
                "AL2023_x86_64_NEURON",
                "AL2023_x86_64_NVIDIA",
                "AL2023_ARM_64_NVIDIA",
                "BOTTLEROCKET_ARM_64",
                "BOTTLEROCKET_x86_64",
                "BOTTLEROCKET_ARM_64_NVIDIA",
                "BOTTLEROCKET_x86_64_NVIDIA",
                "CUSTOM",
            ),
            _CREATE_NODEGROUP,
        ),
        Value("capacityType", among("ON_DEMAND", "SPOT", "CAPACITY_BLOCK"), _CREATE_NODEGROUP),
        Value("scalingConfig.maxSize", between(1, 450), _CREATE_NODEGROUP),
        Value("updateConfig.maxUnavailablePercentage", between(1, 100), _CREATE_NODEGROUP),
        Tags(),
    ),
    EKS_ADDON: (
        Value(
            "resolveConflictsOnCreate",
            among("NONE", "OVERWRITE"),
            "pulumi_aws/eks/addon.py (resolve_conflicts_on_create)",
        ),
        Value(
            "resolveConflictsOnUpdate",
            among("NONE", "OVERWRITE", "PRESERVE"),
            "pulumi_aws/eks/addon.py (resolve_conflicts_on_update)",
        ),
        Value("configurationValues", length(65536, minimum=0), _CREATE_ADDON),
        Tags(),
    ),
    EKS_ACCESS_ENTRY: (
        Value(
            "type",
            among("STANDARD", "EC2", "EC2_LINUX", "EC2_WINDOWS", "FARGATE_LINUX", "HYBRID_LINUX", "HYPERPOD_LINUX"),
            _CREATE_ACCESS_ENTRY,
        ),
        Tags(),
    ),
    EKS_ACCESS_POLICY_ASSOCIATION: (
        Value("accessScope.type", among("cluster", "namespace"), _ACCESS_SCOPE),
        Value("policyArn", starting_with("arn:aws:eks::aws:cluster-access-policy/"), _ACCESS_SCOPE),
    ),
    EKS_POD_IDENTITY_ASSOCIATION: (
        Value(
            "serviceAccount",
            characters(r"[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?", "Kubernetes object names (lowercase DNS subdomains)"),
            _CREATE_POD_IDENTITY_ASSOCIATION,
        ),
        Tags(),
    ),
    LAUNCH_TEMPLATE: (
        Value("namePrefix", length(128 - _UNIQUE_SUFFIX, minimum=3), _CREATE_LAUNCH_TEMPLATE),
        Value("namePrefix", characters(r"[a-zA-Z0-9().\-/_]+", "letters, digits and ().-/_"), _CREATE_LAUNCH_TEMPLATE),
        Value("description", length(255, minimum=0), _CREATE_LAUNCH_TEMPLATE),
        Value("metadataOptions.httpTokens", among("optional", "required"), _METADATA_OPTIONS),
        Value("metadataOptions.httpPutResponseHopLimit", between(1, 64), _METADATA_OPTIONS),
        Value(
            "blockDeviceMappings[].ebs.volumeType",
            among("standard", "io1", "io2", "gp2", "sc1", "st1", "gp3"),
            _EBS_BLOCK_DEVICE,
        ),
        Value("blockDeviceMappings[].ebs.volumeSize", between(1, 16384), _EBS_BLOCK_DEVICE),
        Tags(),
    ),
    ECR_REPOSITORY: (
        Value("name", length(256, minimum=2), _CREATE_REPOSITORY),
        Value(
            "name",
            characters(
                r"(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*",
                "lowercase letters, digits and ._-/, each part starting and ending with a letter or digit",
            ),
            _CREATE_REPOSITORY,
        ),
        Value(
            "imageTagMutability",
            among("MUTABLE", "IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION", "MUTABLE_WITH_EXCLUSION"),
            _CREATE_REPOSITORY,
        ),
        Value("encryptionConfigurations[].encryptionType", among("AES256", "KMS", "KMS_DSSE"), _ECR_ENCRYPTION),
        Tags(),
    ),
    ECR_LIFECYCLE_POLICY: (Value("policy", length(30720, minimum=100), _PUT_LIFECYCLE_POLICY),),
    IAM_ROLE_POLICY_ATTACHMENT: (
        Value("policyArn", length(2048, minimum=20), _ATTACH_ROLE_POLICY),
        Value("policyArn", starting_with("arn:aws:iam::"), _ATTACH_ROLE_POLICY),
    ),
    IAM_INSTANCE_PROFILE: (
        Value("namePrefix", length(128 - _UNIQUE_SUFFIX), _CREATE_INSTANCE_PROFILE),
        Value("namePrefix", _IAM_NAME_CHARACTERS, _CREATE_INSTANCE_PROFILE),
        Tags(),
    ),
    EC2_INSTANCE: (
        RefusedTogether(
            ("subnetId", "associatePublicIpAddress", "launchTemplate"),
            "with a subnet and a public-address choice the provider sends a network interface, beside the security "
            "groups the launch template gives the instance, and EC2 answers InvalidParameterCombination (network "
            "interfaces and instance-level security groups may not be specified on the same request)",
            f"{_EC2_API}/API_RunInstances.html; pulumi_aws/ec2/instance.py (associate_public_ip_address, "
            "subnet_id, launch_template), forwarded by terraform-provider-aws internal/service/ec2/ec2_instance.go "
            "(buildInstanceOpts; hashicorp/terraform-provider-aws#32614)",
        ),
        Tags(),
    ),
    # Without a kubeconfig the provider falls back to the kubeconfig of whoever runs `pulumi up`.
    KUBERNETES_PROVIDER: (OneOf(("kubeconfig",), "pulumi_kubernetes/provider.py (kubeconfig)"),),
    HELM_RELEASE: (
        Value("name", length(53), _HELM_RELEASE_NAME),
        Value("name", characters(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", "lowercase DNS-1123 labels"), _HELM_RELEASE_NAME),
    ),
    **STORAGE_AND_BACKUP_CONSTRAINTS,
    **_EDGE_CONSTRAINTS,
    **_DATA_TIER_CONSTRAINTS,
    **_DEPLOY_PATH_CONSTRAINTS,
    # Tier 10 (ingress and workloads)
    LOAD_BALANCER: (
        Value("name", length(32), _CREATE_LOAD_BALANCER),
        Value("loadBalancerType", among("application", "network", "gateway"), _CREATE_LOAD_BALANCER),
        Value("desyncMitigationMode", among("monitor", "defensive", "strictest"), _LOAD_BALANCER_ATTRIBUTES),
        Value("idleTimeout", between(1, 4000), _LOAD_BALANCER_ATTRIBUTES),
        Tags(),
    ),
    TARGET_GROUP: (
        Value("namePrefix", length(6), "pulumi_aws/lb/target_group.py (name_prefix)"),
        Value("port", _PORTS, _CREATE_TARGET_GROUP),
        Value("protocol", among("HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP", "GENEVE"), _CREATE_TARGET_GROUP),
        Value("targetType", among("instance", "ip", "lambda", "alb"), _CREATE_TARGET_GROUP),
        Value("deregistrationDelay", between(0, 3600), _TARGET_GROUP_ATTRIBUTES),
        Value("healthCheck.interval", between(5, 300), _CREATE_TARGET_GROUP),
        Value("healthCheck.timeout", between(2, 120), _CREATE_TARGET_GROUP),
        Value("healthCheck.healthyThreshold", between(2, 10), _CREATE_TARGET_GROUP),
        Value("healthCheck.unhealthyThreshold", between(2, 10), _CREATE_TARGET_GROUP),
        Tags(),
    ),
    LISTENER: (
        Value("port", _PORTS, _CREATE_LISTENER),
        Value("protocol", among("HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP", "GENEVE"), _CREATE_LISTENER),
        Value(
            "defaultActions[].type",
            among("forward", "redirect", "fixed-response", "authenticate-cognito", "authenticate-oidc"),
            _CREATE_LISTENER,
        ),
        Tags(),
    ),
    LISTENER_RULE: (
        Value("priority", between(1, 50000), _CREATE_RULE),
        Value("conditions[].hostHeader.values[]", length(128), _HOST_HEADER),
        Tags(),
    ),
    AUTOSCALING_ATTACHMENT: (
        OneOf(("elb", "lbTargetGroupArn"), "pulumi_aws/autoscaling/attachment.py (elb, lb_target_group_arn)"),
    ),
    RANDOM_PASSWORD: (Value("length", between(1, 1024), "pulumi_random/random_password.py (length)"),),
    NAMESPACE: (*_named("metadata.name", _DNS_LABEL), *_LABELLED),
    SERVICE_ACCOUNT: (*_named("metadata.name", _DNS_SUBDOMAIN),),
    CONFIG_MAP: (*_LABELLED, Value("data", _CONFIG_DATA, _K8S_CONFIG_KEYS)),
    KUBERNETES_SECRET: (*_LABELLED, Value("stringData", _CONFIG_DATA, _K8S_CONFIG_KEYS)),
    SERVICE: (
        *_named("metadata.name", _DNS_LABEL),
        Value("spec.type", among("ClusterIP", "NodePort", "LoadBalancer", "ExternalName"), _K8S_SERVICE),
        Value("spec.externalTrafficPolicy", among("Cluster", "Local"), _K8S_SERVICE),
        # The API server's default --service-node-port-range.
        Value("spec.ports[].nodePort", between(30000, 32767), _K8S_SERVICE),
    ),
    DEPLOYMENT: (
        *_named("metadata.name", _DNS_SUBDOMAIN),
        *_LABELLED,
        Value("spec.strategy.type", among("RollingUpdate", "Recreate"), _K8S_NAMES),
        *_named("spec.template.spec.containers[].name", _DNS_LABEL),
    ),
    # autoscaling/v2, the HPA the program creates.
    HPAS[0]: (
        *_named("metadata.name", _DNS_SUBDOMAIN),
        Value("spec.minReplicas", between(1, 2**31 - 1), _K8S_NAMES),
        Value("spec.scaleTargetRef.kind", among("Deployment", "StatefulSet", "ReplicaSet"), _K8S_NAMES),
    ),
    PDB: (
        *_named("metadata.name", _DNS_SUBDOMAIN),
        OneOf(("spec.minAvailable", "spec.maxUnavailable"), "pulumi_kubernetes/policy/v1/_inputs.py (max_unavailable)"),
    ),
    NETWORK_POLICY: (
        *_named("metadata.name", _DNS_SUBDOMAIN),
        Value(
            "spec.policyTypes[]",
            among("Ingress", "Egress"),
            "pulumi_kubernetes/networking/v1/_inputs.py (policy_types)",
        ),
    ),
    # A CronJob's Jobs are named after it plus an 11-character suffix, within the 63 of a label.
    CRON_JOB: (
        Value("metadata.name", length(52), _K8S_CRON_JOB),
        Value("spec.concurrencyPolicy", among("Allow", "Forbid", "Replace"), _K8S_CRON_JOB),
        Value("spec.schedule", characters(r"\S+(\s+\S+){4}", "five cron fields"), _K8S_CRON_JOB),
    ),
    PERSISTENT_VOLUME: (
        *_named("metadata.name", _DNS_SUBDOMAIN),
        _ACCESS_MODES,
        Value(
            "spec.persistentVolumeReclaimPolicy",
            among("Retain", "Delete", "Recycle"),
            "pulumi_kubernetes/core/v1/_inputs.py (persistent_volume_reclaim_policy)",
        ),
    ),
    PERSISTENT_VOLUME_CLAIM: (*_named("metadata.name", _DNS_SUBDOMAIN), _ACCESS_MODES),
}


def _deploy_constraints(args: ResourceValidationArgs, _settings: Settings) -> Iterator[str]:
    provider_props = args.provider.props if args.provider else None
    for constraint in DEPLOY_CONSTRAINTS[args.resource_type]:
        yield from constraint.violations(args.props, provider_props)


AWS_DEPLOY_CONSTRAINTS = ResourcePolicy(
    name="aws-deploy-constraints",
    description=(
        "Every value the program sets is one AWS or Cloudflare accepts at deploy time: names, prefixes, "
        "descriptions and tags within their length and character set, reserved first characters avoided, numbers "
        "within range, enumerations respected, conflicting properties not combined. Mocks and previews accept "
        "anything; "
        "`pulumi up` would fail. Each message cites the source of the limit (the table is in "
        "policies/rules/deploy_constraints.py)."
    ),
    concern=Concern.GOVERNANCE,
    severity=Severity.HIGH,
    resource_types=DEPLOY_CONSTRAINTS,
    rule=_deploy_constraints,
)

POLICIES: tuple[Policy, ...] = (AWS_DEPLOY_CONSTRAINTS,)
