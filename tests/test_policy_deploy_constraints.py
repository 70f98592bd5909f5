"""Values AWS rejects at deploy time: every stack passes, and each constraint catches a planted value."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pulumi_aws
import pulumi_cloudflare
import pytest

from offline.graph import Graph
from policies.rules.deploy_constraints import AWS_DEPLOY_CONSTRAINTS, DEPLOY_CONSTRAINTS
from policies.support.aws import (
    ACM_CERTIFICATE,
    ACM_CERTIFICATE_VALIDATION,
    AWS_PROVIDER,
    DEFAULT_SECURITY_GROUP,
    EIP,
    FLOW_LOG,
    IAM_ROLE,
    IAM_ROLE_POLICY,
    INTERNET_GATEWAY,
    KMS_ALIAS,
    KMS_KEY,
    LOG_GROUP,
    MANAGED_PREFIX_LIST,
    NAT_GATEWAY,
    ROUTE,
    ROUTE_TABLE,
    ROUTE_TABLE_ASSOCIATION,
    SECURITY_GROUP,
    SECURITY_GROUP_EGRESS_RULE,
    SECURITY_GROUP_INGRESS_RULE,
    SUBNET,
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
from tests.policy_builders import (
    REQUIRED_TAGS,
    UNKNOWN,
    GraphBuilder,
    aws_provider,
    merged,
    messages,
    property_rule_tests,
    single,
)

# Where each SDK's package directory lives: a cited `pulumi_<sdk>/...` file is read from there.
SDK_ROOTS = {
    "pulumi_aws": Path(pulumi_aws.__path__[0]).parent,
    "pulumi_cloudflare": Path(pulumi_cloudflare.__path__[0]).parent,
}

TRUST_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "vpc-flow-logs.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
)


def _oversized_policy(characters: int) -> str:
    """A policy document of more than `characters` characters besides whitespace."""
    statement = {"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"}
    count = characters // len(json.dumps(statement, separators=(",", ":"))) + 1
    return json.dumps({"Version": "2012-10-17", "Statement": [statement] * count}, indent=4)


# Inputs of each type that AWS accepts, as the program sets them.
COMPLIANT: dict[str, dict[str, Any]] = {
    AWS_PROVIDER: {
        "region": "us-east-1",
        "allowedAccountIds": '["111111111111"]',
        "defaultTags": json.dumps({"tags": REQUIRED_TAGS}),
    },
    VPC: {"cidrBlock": "10.0.0.0/16", "instanceTenancy": "default", "tags": {"Name": "sentinel-prod"}},
    SUBNET: {"vpcId": "vpc-1", "cidrBlock": "10.0.0.0/24", "tags": {"kubernetes.io/role/elb": "1"}},
    DEFAULT_SECURITY_GROUP: {"vpcId": "vpc-1", "ingress": [], "egress": [], "tags": {"Name": "default-unused"}},
    SECURITY_GROUP: {
        "namePrefix": "sentinel-prod-alb-",
        "description": "Application load balancer: HTTPS (and HTTP to redirect) from Cloudflare & friends",
        "ingress": [],
        "tags": {"Name": "sentinel-prod-alb"},
    },
    SECURITY_GROUP_INGRESS_RULE: {
        "securityGroupId": "sg-1",
        "description": "HTTPS from the Cloudflare edge",
        "ipProtocol": "tcp",
        "fromPort": 443,
        "toPort": 443,
        "prefixListId": "pl-1",
    },
    SECURITY_GROUP_EGRESS_RULE: {
        "securityGroupId": "sg-1",
        "description": "Nodes pull images and call AWS APIs through NAT",
        "ipProtocol": "-1",
        "cidrIpv4": "0.0.0.0/0",
    },
    MANAGED_PREFIX_LIST: {
        "name": "sentinel-prod-cloudflare-ipv4",
        "addressFamily": "IPv4",
        "maxEntries": 2,
        "entries": [
            {"cidr": "173.245.48.0/20", "description": "Cloudflare edge"},
            {"cidr": "103.21.244.0/22", "description": "Cloudflare edge"},
        ],
    },
    INTERNET_GATEWAY: {"vpcId": "vpc-1", "tags": {"Name": "sentinel-prod"}},
    EIP: {"domain": "vpc", "tags": {"Name": "sentinel-prod-nat-a"}},
    NAT_GATEWAY: {"allocationId": "eipalloc-1", "subnetId": "subnet-1", "connectivityType": "public"},
    ROUTE_TABLE: {"vpcId": "vpc-1", "routes": [{"cidrBlock": "0.0.0.0/0", "gatewayId": "igw-1"}]},
    ROUTE: {"routeTableId": "rtb-1", "destinationCidrBlock": "0.0.0.0/0", "natGatewayId": "nat-1"},
    ROUTE_TABLE_ASSOCIATION: {"subnetId": "subnet-1", "routeTableId": "rtb-1"},
    VPC_ENDPOINT: {"vpcId": "vpc-1", "serviceName": "com.amazonaws.us-east-1.s3", "vpcEndpointType": "Gateway"},
    FLOW_LOG: {
        "vpcId": "vpc-1",
        "trafficType": "ALL",
        "logDestinationType": "cloud-watch-logs",
        "maxAggregationInterval": 60,
    },
    LOG_GROUP: {"name": "/aws/vpc/sentinel-prod/flow-logs", "retentionInDays": 365},
    IAM_ROLE: {
        "namePrefix": "sentinel-flow-logs-",
        "path": "/service-role/",
        "description": "Delivers VPC flow logs",
        "maxSessionDuration": 3600,
        "assumeRolePolicy": TRUST_POLICY,
    },
    IAM_ROLE_POLICY: {"role": "flow-logs", "name": "deliver-flow-logs", "policy": TRUST_POLICY},
    KMS_KEY: {
        "description": "VPC flow logs of sentinel-prod",
        "deletionWindowInDays": 30,
        "keyUsage": "ENCRYPT_DECRYPT",
        "policy": TRUST_POLICY,
    },
    KMS_ALIAS: {"name": "alias/sentinel-prod/flow-logs", "targetKeyId": "key-1"},
    # Tier 11, the edge
    ACM_CERTIFICATE: {
        "domainName": "admin.projectsentinel.ai",
        "subjectAlternativeNames": ["api.projectsentinel.ai", "app.projectsentinel.ai"],
        "validationMethod": "DNS",
        "keyAlgorithm": "RSA_2048",
        "tags": {"Name": "sentinel-prod-edge"},
    },
    ACM_CERTIFICATE_VALIDATION: {"certificateArn": "arn", "validationRecordFqdns": ["_1.app.projectsentinel.ai"]},
    CLOUDFLARE_PROVIDER: {"apiToken": "token"},
    CLOUDFLARE_DNS_RECORD: {
        "zoneId": "zone-1",
        "name": "app.projectsentinel.ai",
        "type": "CNAME",
        "content": "alb.us-east-1.elb.amazonaws.com",
        "ttl": 1,
        "proxied": True,
        "comment": "The web app of sentinel-prod, through the ALB",
    },
    CLOUDFLARE_RULESET: {
        "zoneId": "zone-1",
        "kind": "zone",
        "phase": "http_ratelimit",
        "name": "sentinel-prod-rate-limit",
        "rules": [
            {
                "ref": "rate_limit_per_ip",
                "action": "block",
                "expression": "true",
                "ratelimit": {
                    "characteristics": ["cf.colo.id", "ip.src"],
                    "period": 60,
                    "requestsPerPeriod": 100,
                    "mitigationTimeout": 60,
                },
            }
        ],
    },
    CLOUDFLARE_ZONE_SETTING: {"zoneId": "zone-1", "settingId": "ssl", "value": "strict"},
    CLOUDFLARE_BOT_MANAGEMENT: {
        "zoneId": "zone-1",
        "sbfmDefinitelyAutomated": "block",
        "sbfmLikelyAutomated": "block",
        "sbfmVerifiedBots": "allow",
    },
}

RULE_CHARACTERS = "AWS allows letters, digits, spaces and ._-:/()#,@[]+=;{}!$*"
GROUP_CHARACTERS = "AWS allows letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*"
RULE_PEERS = "exactly one of cidrIpv4, cidrIpv6, prefixListId, referencedSecurityGroupId"


def case(type_: str, change: dict[str, Any], expected: str, name: str) -> Any:
    return pytest.param(AWS_DEPLOY_CONSTRAINTS, type_, COMPLIANT[type_], change, expected, id=name)


# (policy, resource type, inputs that pass, the change that makes them fail, the message it then reports)
CASES = [
    # The AWS provider
    case(AWS_PROVIDER, {"region": "US East"}, 'region is "US East": AWS allows region codes', "region"),
    case(AWS_PROVIDER, {"allowedAccountIds": '["1111"]'}, 'allowedAccountIds[0] is "1111": AWS allows 12', "account"),
    case(
        AWS_PROVIDER,
        {"defaultTags": json.dumps({"tags": {"aws:owner": "platform"}})},
        'defaultTags.tags key "aws:owner": AWS allows no value starting with "aws:"',
        "default-tag-key",
    ),
    # Tags (one constraint, shared by every taggable type)
    case(VPC, {"tags": {"Team#1": "platform"}}, 'tags key "Team#1": AWS allows letters', "tag-key-characters"),
    case(VPC, {"tags": {"k" * 129: "v"}}, "tags key", "tag-key-length"),
    case(VPC, {"tags": {"Owner": "Ops' team"}}, 'tags["Owner"] is "Ops\' team": AWS allows letters', "tag-value"),
    case(VPC, {"tags": {"Note": "v" * 257}}, 'tags["Note"] is', "tag-value-length"),
    # Network
    case(
        VPC,
        {"cidrBlock": "10.0.0.0/8"},
        'cidrBlock is "10.0.0.0/8": AWS allows an IPv4 network address from /16 to /28',
        "vpc-too-big",
    ),
    case(VPC, {"cidrBlock": "10.0.0.1/16"}, 'cidrBlock is "10.0.0.1/16": AWS allows an IPv4 network', "host-bits"),
    case(VPC, {"instanceTenancy": "host"}, 'instanceTenancy is "host": AWS allows one of "default"', "tenancy"),
    case(SUBNET, {"cidrBlock": "10.0.0.0/29"}, 'cidrBlock is "10.0.0.0/29": AWS allows an IPv4', "subnet-too-small"),
    case(INTERNET_GATEWAY, {"tags": {"aws:name": "x"}}, 'tags key "aws:name"', "gateway-tags"),
    case(EIP, {"domain": "classic"}, 'domain is "classic": AWS allows one of "vpc", "standard"', "eip-domain"),
    case(NAT_GATEWAY, {"connectivityType": "shared"}, 'connectivityType is "shared": AWS allows one of', "nat-type"),
    case(NAT_GATEWAY, {"availabilityMode": "multi"}, 'availabilityMode is "multi": AWS allows one of', "nat-mode"),
    case(ROUTE_TABLE, {"routes": [{"cidrBlock": "0.0.0.0/33"}]}, 'routes[0].cidrBlock is "0.0.0.0/33"', "routes"),
    case(ROUTE_TABLE, {"routes": [{"ipv6CidrBlock": "::/129"}]}, 'routes[0].ipv6CidrBlock is "::/129"', "routes-v6"),
    case(
        ROUTE,
        {"destinationPrefixListId": "pl-1"},
        'destinationCidrBlock "0.0.0.0/0" and destinationPrefixListId "pl-1" are set together: AWS allows exactly '
        "one of destinationCidrBlock, destinationIpv6CidrBlock, destinationPrefixListId",
        "route-destinations",
    ),
    case(ROUTE, {"natGatewayId": None}, "none of carrierGatewayId, coreNetworkArn,", "route-without-target"),
    case(ROUTE, {"gatewayId": "igw-1"}, 'gatewayId "igw-1" and natGatewayId "nat-1" are set together', "two-targets"),
    case(ROUTE, {"destinationCidrBlock": "10.0.0.0/33"}, 'destinationCidrBlock is "10.0.0.0/33"', "route-cidr"),
    case(
        ROUTE,
        {"destinationCidrBlock": None, "destinationIpv6CidrBlock": "2001:db8::1/32"},
        'destinationIpv6CidrBlock is "2001:db8::1/32": AWS allows an IPv6 network address',
        "route-ipv6-cidr",
    ),
    case(
        ROUTE_TABLE_ASSOCIATION,
        {"gatewayId": "igw-1"},
        'subnetId "subnet-1" and gatewayId "igw-1" are set together: AWS allows exactly one of subnetId, gatewayId',
        "association-both",
    ),
    case(ROUTE_TABLE_ASSOCIATION, {"subnetId": None}, "none of subnetId, gatewayId is set", "association-neither"),
    case(VPC_ENDPOINT, {"vpcEndpointType": "gateway"}, 'vpcEndpointType is "gateway": AWS allows one of', "endpoint"),
    case(VPC_ENDPOINT, {"ipAddressType": "v4"}, 'ipAddressType is "v4": AWS allows one of', "endpoint-address-type"),
    case(VPC_ENDPOINT, {"serviceName": None}, "none of resourceConfigurationArn, serviceName,", "endpoint-service"),
    case(
        FLOW_LOG,
        {"maxAggregationInterval": 300},
        "maxAggregationInterval is 300: AWS allows one of 60, 600",
        "aggregation-interval",
    ),
    case(FLOW_LOG, {"trafficType": "all"}, 'trafficType is "all": AWS allows one of "ACCEPT"', "traffic-type"),
    case(FLOW_LOG, {"logDestinationType": "logs"}, 'logDestinationType is "logs": AWS allows one of', "destination"),
    # Security groups and their rules
    case(
        SECURITY_GROUP,
        {"namePrefix": None, "name": "sg-web"},
        'name is "sg-web": AWS allows no value starting with "sg-"',
        "group-name-first-characters",
    ),
    case(SECURITY_GROUP, {"namePrefix": None, "name": "n" * 256}, "name is", "group-name-length"),
    case(SECURITY_GROUP, {"namePrefix": None, "name": "web's"}, f'name is "web\'s": {GROUP_CHARACTERS}', "group-name"),
    case(SECURITY_GROUP, {"namePrefix": "p" * 230}, "namePrefix is", "group-prefix-length"),
    case(SECURITY_GROUP, {"namePrefix": "sg-alb-"}, 'namePrefix is "sg-alb-": AWS allows no value', "group-prefix"),
    case(SECURITY_GROUP, {"namePrefix": "alb's-"}, f'namePrefix is "alb\'s-": {GROUP_CHARACTERS}', "group-prefix-set"),
    case(
        SECURITY_GROUP,
        {"name": "sentinel-prod-alb"},
        'name "sentinel-prod-alb" and namePrefix "sentinel-prod-alb-" are set together: AWS allows at most one of '
        "name, namePrefix",
        "group-name-and-prefix",
    ),
    case(SECURITY_GROUP, {"description": ""}, 'description is "": AWS allows 1 to 255 characters', "group-no-desc"),
    case(SECURITY_GROUP, {"description": "Cloudflare's"}, f'description is "Cloudflare\'s": {GROUP_CHARACTERS}', "gd"),
    case(
        SECURITY_GROUP,
        {"ingress": [{"description": "SSH from the bastion"}, {"description": "Admin's"}]},
        f'ingress[1].description is "Admin\'s": {RULE_CHARACTERS}',
        "inline-rule",
    ),
    case(DEFAULT_SECURITY_GROUP, {"egress": [{"description": "d" * 256}]}, "egress[0].description is", "default-rule"),
    case(
        DEFAULT_SECURITY_GROUP,
        {"egress": [{"description": "to [a] {b} $c*"}, {"description": "Ops'"}]},
        "egress[1]",
        "default-egress-characters",
    ),
    case(SECURITY_GROUP, {"ingress": [{"description": "d" * 256}]}, "ingress[0].description is", "inline-length"),
    case(
        DEFAULT_SECURITY_GROUP,
        {"ingress": [{"description": "a & b"}]},
        'ingress[0].description is "a & b"',
        "default-ingress-ampersand",
    ),
    case(
        SECURITY_GROUP_INGRESS_RULE,
        {"description": "HTTPS from Cloudflare's edge"},
        f'description is "HTTPS from Cloudflare\'s edge": {RULE_CHARACTERS} (source: '
        "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_UserIdGroupPair.html)",
        "rule-description-apostrophe",
    ),
    case(SECURITY_GROUP_INGRESS_RULE, {"description": "A & B"}, f'description is "A & B": {RULE_CHARACTERS}', "amp"),
    case(SECURITY_GROUP_INGRESS_RULE, {"description": "d" * 256}, "description is", "rule-description-length"),
    case(SECURITY_GROUP_INGRESS_RULE, {"ipProtocol": "https"}, 'ipProtocol is "https": AWS allows tcp', "protocol"),
    case(
        SECURITY_GROUP_INGRESS_RULE,
        {"cidrIpv4": "0.0.0.0/0"},
        f'cidrIpv4 "0.0.0.0/0" and prefixListId "pl-1" are set together: AWS allows {RULE_PEERS}',
        "two-peers",
    ),
    case(
        SECURITY_GROUP_INGRESS_RULE,
        {"prefixListId": None},
        "none of cidrIpv4, cidrIpv6, prefixListId, referencedSecurityGroupId is set",
        "no-peer",
    ),
    case(
        SECURITY_GROUP_INGRESS_RULE,
        {"ipProtocol": "-1", "toPort": None},
        'fromPort is 443 with ipProtocol "-1": AWS allows no ports for all protocols',
        "ports-with-all-protocols",
    ),
    case(
        SECURITY_GROUP_INGRESS_RULE,
        {"toPort": 70000},
        'toPort is 70000 with ipProtocol "tcp": AWS allows whole numbers from 0 to 65535',
        "port-range",
    ),
    case(
        SECURITY_GROUP_INGRESS_RULE,
        {"fromPort": 444},
        "fromPort 444 is above toPort 443: AWS allows ranges whose start is not above their end",
        "reversed-ports",
    ),
    case(
        SECURITY_GROUP_INGRESS_RULE,
        {"ipProtocol": "icmp", "fromPort": 8, "toPort": 256},
        'toPort is 256 with ipProtocol "icmp": AWS allows whole numbers from -1 to 255',
        "icmp-code",
    ),
    case(
        SECURITY_GROUP_INGRESS_RULE,
        {"prefixListId": None, "cidrIpv4": "10.0.0.1/8"},
        'cidrIpv4 is "10.0.0.1/8": AWS allows an IPv4 network address from /0 to /32',
        "rule-cidr",
    ),
    case(
        SECURITY_GROUP_INGRESS_RULE,
        {"prefixListId": None, "cidrIpv6": "10.0.0.0/8"},
        'cidrIpv6 is "10.0.0.0/8": AWS allows an IPv6 network address from /0 to /128',
        "rule-cidr-v6",
    ),
    case(SECURITY_GROUP_EGRESS_RULE, {"description": "NAT's"}, f'description is "NAT\'s": {RULE_CHARACTERS}', "egress"),
    # Managed prefix lists
    case(
        MANAGED_PREFIX_LIST,
        {"name": "com.amazonaws.cloudflare"},
        'name is "com.amazonaws.cloudflare": AWS allows no value starting with "com.amazonaws"',
        "prefix-list-reserved-name",
    ),
    case(MANAGED_PREFIX_LIST, {"name": "n" * 256}, "name is", "prefix-list-name-length"),
    case(MANAGED_PREFIX_LIST, {"addressFamily": "IPv5"}, 'addressFamily is "IPv5": AWS allows one of', "family"),
    case(
        MANAGED_PREFIX_LIST,
        {"entries": [{"cidr": "173.245.48.0/20", "description": "d" * 256}]},
        "entries[0].description is",
        "entry-description",
    ),
    case(
        MANAGED_PREFIX_LIST,
        {"maxEntries": 1},
        "entries has 2 items but maxEntries is 1: AWS allows at most maxEntries entries",
        "max-entries",
    ),
    # Logs, IAM, KMS
    case(LOG_GROUP, {"name": "flow logs"}, 'name is "flow logs": AWS allows letters, digits and ._-/#', "log-group"),
    case(LOG_GROUP, {"name": "/" * 513}, "name is", "log-group-name-length"),
    case(LOG_GROUP, {"name": None, "namePrefix": "/" * 487}, "namePrefix is", "log-group-prefix-length"),
    case(LOG_GROUP, {"name": None, "namePrefix": "flow logs"}, 'namePrefix is "flow logs"', "log-group-prefix"),
    case(LOG_GROUP, {"retentionInDays": 45}, "retentionInDays is 45: AWS allows one of 0, 1, 3, 5, 7, 14", "retention"),
    case(IAM_ROLE, {"namePrefix": None, "name": "r" * 65}, "name is", "role-name-length"),
    case(IAM_ROLE, {"namePrefix": None, "name": "flow logs"}, 'name is "flow logs": AWS allows letters', "role-name"),
    case(IAM_ROLE, {"namePrefix": "r" * 39}, "namePrefix is", "role-prefix-length"),
    case(IAM_ROLE, {"namePrefix": "flow/logs-"}, 'namePrefix is "flow/logs-"', "role-prefix"),
    case(IAM_ROLE, {"name": "flow-logs"}, 'name "flow-logs" and namePrefix', "role-name-and-prefix"),
    case(IAM_ROLE, {"path": "service-role"}, 'path is "service-role": AWS allows / or printable', "role-path"),
    case(IAM_ROLE, {"path": "/" + "p" * 511 + "/"}, "path is", "role-path-length"),
    case(IAM_ROLE, {"description": "d" * 1001}, "description is", "role-description-length"),
    case(IAM_ROLE, {"description": "Flow logs \u2192 CloudWatch"}, "description is", "role-description"),
    case(
        IAM_ROLE,
        {"maxSessionDuration": 60},
        "maxSessionDuration is 60: AWS allows whole numbers from 3600",
        "session-duration",
    ),
    case(IAM_ROLE, {"assumeRolePolicy": _oversized_policy(2048)}, "assumeRolePolicy is", "trust-policy-size"),
    case(IAM_ROLE_POLICY, {"name": "p" * 129}, "name is", "role-policy-name-length"),
    case(IAM_ROLE_POLICY, {"name": "flow logs"}, 'name is "flow logs"', "role-policy-name"),
    case(IAM_ROLE_POLICY, {"name": None, "namePrefix": "p" * 103}, "namePrefix is", "role-policy-prefix-length"),
    case(IAM_ROLE_POLICY, {"name": None, "namePrefix": "a b"}, 'namePrefix is "a b"', "role-policy-prefix"),
    case(
        IAM_ROLE_POLICY,
        {"policy": _oversized_policy(10240)},
        "policy is",
        "role-policy-size",
    ),
    case(KMS_KEY, {"description": "d" * 8193}, "description is", "key-description-length"),
    case(
        KMS_KEY,
        {"deletionWindowInDays": 6},
        "deletionWindowInDays is 6: AWS allows whole numbers from 7 to 30",
        "deletion-window-too-short",
    ),
    case(KMS_KEY, {"deletionWindowInDays": 31}, "deletionWindowInDays is 31", "deletion-window-too-long"),
    case(
        KMS_KEY,
        {"rotationPeriodInDays": 30},
        "rotationPeriodInDays is 30: AWS allows whole numbers from 90",
        "rotation-period",
    ),
    case(KMS_KEY, {"keyUsage": "ENCRYPT"}, 'keyUsage is "ENCRYPT": AWS allows one of', "key-usage"),
    case(KMS_KEY, {"policy": "p" * 32769}, "policy is", "key-policy-size"),
    case(
        KMS_ALIAS,
        {"name": "sentinel-prod/flow-logs"},
        'name is "sentinel-prod/flow-logs": AWS allows values starting with alias/',
        "alias-prefix",
    ),
    case(KMS_ALIAS, {"name": "alias/aws/s3"}, 'name is "alias/aws/s3": AWS allows no value starting', "alias-aws"),
    case(KMS_ALIAS, {"name": "alias/" + "a" * 251}, "name is", "alias-length"),
    case(KMS_ALIAS, {"name": "alias/flow logs"}, 'name is "alias/flow logs": AWS allows letters', "alias-characters"),
    case(KMS_ALIAS, {"name": None, "namePrefix": "alias/" + "a" * 225}, "namePrefix is", "alias-prefix-length"),
    case(KMS_ALIAS, {"name": None, "namePrefix": "alias/a b"}, 'namePrefix is "alias/a b"', "alias-prefix-chars"),
    case(KMS_ALIAS, {"name": None, "namePrefix": "flow-"}, 'namePrefix is "flow-"', "alias-prefix-start"),
    case(KMS_ALIAS, {"name": None, "namePrefix": "alias/aws/"}, 'namePrefix is "alias/aws/"', "alias-prefix-aws"),
    case(KMS_ALIAS, {"namePrefix": "alias/flow-"}, 'name "alias/sentinel-prod/flow-logs" and namePrefix', "alias-two"),
    # Tier 11, the edge: ACM and Cloudflare
    case(ACM_CERTIFICATE, {"domainName": "a" * 254}, "domainName is", "certificate-domain-length"),
    case(ACM_CERTIFICATE, {"subjectAlternativeNames": ["a" * 254]}, "subjectAlternativeNames[0] is", "san-length"),
    case(
        ACM_CERTIFICATE,
        {"subjectAlternativeNames": [f"host{index}.projectsentinel.ai" for index in range(10)]},
        "subjectAlternativeNames is",
        "certificate-too-many-names",
    ),
    case(ACM_CERTIFICATE, {"validationMethod": "dns"}, 'validationMethod is "dns": AWS allows one of', "validation"),
    case(ACM_CERTIFICATE, {"keyAlgorithm": "RSA_8192"}, 'keyAlgorithm is "RSA_8192": AWS allows one of', "key"),
    case(ACM_CERTIFICATE, {"tags": {"aws:edge": "x"}}, 'tags key "aws:edge"', "certificate-tags"),
    case(
        ACM_CERTIFICATE_VALIDATION,
        {"validationRecordFqdns": ["a" * 254]},
        "validationRecordFqdns[0] is",
        "validation-fqdn-length",
    ),
    case(
        CLOUDFLARE_PROVIDER,
        {"apiKey": "key"},
        'apiKey "key" and apiToken "token" are set together: Cloudflare allows at most one of',
        "cloudflare-credentials",
    ),
    case(CLOUDFLARE_DNS_RECORD, {"type": "ALIAS"}, 'type is "ALIAS": Cloudflare allows one of', "record-type"),
    case(CLOUDFLARE_DNS_RECORD, {"ttl": 30}, "ttl is 30: Cloudflare allows 1 (automatic) or 60 to 86400", "ttl"),
    case(CLOUDFLARE_DNS_RECORD, {"name": "a" * 256}, "name is", "record-name-length"),
    case(CLOUDFLARE_DNS_RECORD, {"comment": "c" * 101}, "comment is", "record-comment-length"),
    case(CLOUDFLARE_RULESET, {"kind": "phase"}, 'kind is "phase": Cloudflare allows one of', "ruleset-kind"),
    case(
        CLOUDFLARE_RULESET,
        {"accountId": "account-1"},
        'accountId "account-1" and zoneId "zone-1" are set together: Cloudflare allows exactly one of',
        "ruleset-account-and-zone",
    ),
    case(
        CLOUDFLARE_RULESET,
        {"rules": [{"action": "deny"}]},
        'rules[0].action is "deny": Cloudflare allows one of',
        "rule-action",
    ),
    case(
        CLOUDFLARE_RULESET,
        {"rules": [{"action": "block", "ratelimit": {"characteristics": ["ip.src"]}}]},
        'rules[0].ratelimit.characteristics is a list of 1: Cloudflare allows lists that hold "cf.colo.id"',
        "rate-limit-without-data-center",
    ),
    case(
        CLOUDFLARE_RULESET,
        {"rules": [{"action": "block", "ratelimit": {"period": 50}}]},
        "rules[0].ratelimit.period is 50: Cloudflare allows one of 10, 15",
        "rate-limit-period",
    ),
    case(
        CLOUDFLARE_RULESET,
        {"rules": [{"action": "block", "ratelimit": {"mitigationTimeout": 5}}]},
        "rules[0].ratelimit.mitigationTimeout is 5",
        "rate-limit-timeout",
    ),
    case(
        CLOUDFLARE_ZONE_SETTING,
        {"value": "full_strict"},
        'ssl value is "full_strict": Cloudflare allows one of "off", "flexible", "full", "strict"',
        "ssl-value",
    ),
    case(
        CLOUDFLARE_ZONE_SETTING,
        {"settingId": "security_header", "value": {"strict_transport_security": {"max_age": 63072000}}},
        "security_header value.strict_transport_security.max_age is 63072000: Cloudflare allows whole numbers",
        "hsts-max-age",
    ),
    case(
        CLOUDFLARE_ZONE_SETTING,
        {"settingId": "always_use_http"},
        'settingId is "always_use_http": the program\'s table knows only',
        "unknown-setting",
    ),
    case(
        CLOUDFLARE_BOT_MANAGEMENT,
        {"sbfmDefinitelyAutomated": "deny"},
        'sbfmDefinitelyAutomated is "deny": Cloudflare allows one of',
        "sbfm-definitely",
    ),
    case(CLOUDFLARE_BOT_MANAGEMENT, {"sbfmLikelyAutomated": "log"}, 'sbfmLikelyAutomated is "log"', "sbfm-likely"),
    case(
        CLOUDFLARE_BOT_MANAGEMENT, {"sbfmVerifiedBots": "challenge"}, 'sbfmVerifiedBots is "challenge"', "sbfm-verified"
    ),
]

test_compliant_values_pass, test_each_constraint_reports_its_planted_value = property_rule_tests(CASES)


def test_every_constraint_of_the_table_has_a_failing_case() -> None:
    """A constraint added to the table without a case here would never be seen to catch anything."""
    broken: set[Any] = set()
    for param in CASES:
        _policy, type_, compliant, change, _expected = param.values
        props = merged(compliant, change)
        broken.update(constraint for constraint in DEPLOY_CONSTRAINTS[type_] if any(constraint.violations(props, None)))
    untested = [
        (type_, constraint)
        for type_, table in DEPLOY_CONSTRAINTS.items()
        for constraint in table
        if constraint not in broken
    ]
    assert untested == []


def test_every_stack_meets_the_deploy_constraints(stack_graph: Graph) -> None:
    assert messages(AWS_DEPLOY_CONSTRAINTS, stack_graph) == []


def _types_without_constraints(graph: Graph) -> set[str]:
    """The types of a graph's resources with no entry in the table. Components are left out: they are the
    program's own groupings, sent to no cloud API."""
    return {resource.type for resource in graph if resource.custom} - set(DEPLOY_CONSTRAINTS)


def test_every_resource_type_of_the_stacks_has_deploy_constraints(stack_graph: Graph) -> None:
    missing = _types_without_constraints(stack_graph)
    assert not missing, (
        f"{stack_graph.stack} creates {sorted(missing)}: add its deploy constraints to "
        "policies/rules/deploy_constraints.py"
    )


def test_a_type_without_constraints_is_found() -> None:
    builder = GraphBuilder()
    builder.add("sentinel:components:Network", "network")
    builder.add("aws:ec2/instance:Instance", "bastion", {"instanceType": "t4g.micro"})
    assert _types_without_constraints(builder.build()) == {"aws:ec2/instance:Instance"}


def test_every_constraint_cites_documentation_or_a_provider_source_that_exists() -> None:
    for type_, table in DEPLOY_CONSTRAINTS.items():
        for constraint in table:
            cited = re.findall(
                r"https://docs\.aws\.amazon\.com/\S+|https://developers\.cloudflare\.com/\S+|"
                r"pulumi_(?:aws|cloudflare)/\S+\.py",
                constraint.source,
            )
            assert cited, f"{type_}: {constraint} cites no AWS or Cloudflare documentation or provider source"
            for sdk_file in (path for path in cited if path.startswith("pulumi_")):
                text = (SDK_ROOTS[sdk_file.split("/")[0]] / sdk_file).read_text()
                for cited_text in re.findall(rf'{re.escape(sdk_file)} \("([^"]+)"\)', constraint.source):
                    assert cited_text in text, f"{sdk_file} does not say {cited_text!r}"
                for arguments in re.findall(rf"{re.escape(sdk_file)} \(([a-z_, ]+)\)", constraint.source):
                    for name in arguments.split(", "):
                        assert f"{name}:" in text, f"{sdk_file} has no argument {name}"


def test_tags_count_with_the_providers_default_tags() -> None:
    builder = GraphBuilder()
    builder.aws_provider = aws_provider(builder, {f"Default{index}": "x" for index in range(45)})
    builder.add(VPC, "crowded", {"tags": {f"Own{index}": "x" for index in range(6)}})
    builder.add(VPC, "overriding", {"tags": {f"Default{index}": "y" for index in range(5)}})
    assert messages(AWS_DEPLOY_CONSTRAINTS, builder.build()) == [
        "tags come to 51 tags with the provider's default tags: AWS allows at most 50 per resource (source: "
        "https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html)"
    ]


UNKNOWN_CASES = [
    pytest.param(SECURITY_GROUP_INGRESS_RULE, {"description": UNKNOWN}, id="description"),
    pytest.param(SECURITY_GROUP_INGRESS_RULE, {"cidrIpv4": UNKNOWN}, id="second-peer"),
    pytest.param(SECURITY_GROUP_INGRESS_RULE, {"ipProtocol": "-1", "fromPort": UNKNOWN, "toPort": None}, id="ports"),
    pytest.param(SECURITY_GROUP_INGRESS_RULE, {"ipProtocol": UNKNOWN, "toPort": 70000}, id="protocol"),
    pytest.param(SECURITY_GROUP, {"name": UNKNOWN}, id="name-beside-prefix"),
    pytest.param(SECURITY_GROUP, {"tags": {"Owner": UNKNOWN}}, id="tag-value"),
    pytest.param(MANAGED_PREFIX_LIST, {"entries": UNKNOWN, "maxEntries": 1}, id="entries"),
    pytest.param(MANAGED_PREFIX_LIST, {"maxEntries": UNKNOWN}, id="max-entries"),
    pytest.param(ROUTE_TABLE, {"routes": [{"cidrBlock": UNKNOWN}]}, id="route-cidr"),
    pytest.param(IAM_ROLE, {"assumeRolePolicy": UNKNOWN}, id="trust-policy"),
    pytest.param(AWS_PROVIDER, {"defaultTags": UNKNOWN}, id="default-tags"),
]


@pytest.mark.parametrize(("type_", "change"), UNKNOWN_CASES)
def test_unknown_values_are_not_violations(type_: str, change: dict[str, Any]) -> None:
    assert messages(AWS_DEPLOY_CONSTRAINTS, single(type_, merged(COMPLIANT[type_], change))) == []


def test_unknown_default_tags_leave_the_count_to_the_deploy() -> None:
    builder = GraphBuilder()
    builder.aws_provider = builder.add(AWS_PROVIDER, "aws", {"region": "us-east-1", "defaultTags": UNKNOWN})
    builder.add(VPC, "vpc", {"tags": {f"Own{index}": "x" for index in range(50)}})
    assert messages(AWS_DEPLOY_CONSTRAINTS, builder.build()) == []
