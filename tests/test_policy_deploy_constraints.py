"""Values AWS rejects at deploy time: every stack passes, and each constraint catches a planted value."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pulumi_aws
import pytest

from offline.graph import Graph
from policies.rules.deploy_constraints import AWS_DEPLOY_CONSTRAINTS, DEPLOY_CONSTRAINTS
from policies.support.aws import (
    AWS_PROVIDER,
    DEFAULT_SECURITY_GROUP,
    EIP,
    ELASTICACHE_PARAMETER_GROUP,
    ELASTICACHE_REPLICATION_GROUP,
    ELASTICACHE_SUBNET_GROUP,
    FLOW_LOG,
    IAM_ROLE,
    IAM_ROLE_POLICY,
    IAM_ROLE_POLICY_ATTACHMENT,
    INTERNET_GATEWAY,
    KMS_ALIAS,
    KMS_KEY,
    LOG_GROUP,
    MANAGED_PREFIX_LIST,
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
    SECRET,
    SECRET_VERSION,
    SECURITY_GROUP,
    SECURITY_GROUP_EGRESS_RULE,
    SECURITY_GROUP_INGRESS_RULE,
    SUBNET,
    VPC,
    VPC_ENDPOINT,
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

SDK_ROOT = Path(pulumi_aws.__file__).resolve().parent.parent

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
    # Data tier
    RDS_CLUSTER: {
        "clusterIdentifier": "sentinel-prod-database",
        "finalSnapshotIdentifier": "sentinel-prod-database-final-0a1b2c3d",
        "databaseName": "projectsentinel",
        "masterUsername": "sentinel",
        "backupRetentionPeriod": 30,
        "performanceInsightsRetentionPeriod": 7,
        "databaseInsightsMode": "standard",
        "storageType": "aurora-iopt1",
        "serverlessv2ScalingConfiguration": {"minCapacity": 0, "maxCapacity": 4},
    },
    RDS_CLUSTER_INSTANCE: {
        "identifier": "sentinel-prod-database-1",
        "promotionTier": 1,
        "monitoringInterval": 60,
        "performanceInsightsRetentionPeriod": 731,
    },
    RDS_CLUSTER_PARAMETER_GROUP: {
        "namePrefix": "sentinel-prod-database-",
        "family": "aurora-postgresql16",
        "parameters": [{"name": "rds.force_ssl", "value": "1", "applyMethod": "pending-reboot"}],
    },
    RDS_PARAMETER_GROUP: {"namePrefix": "sentinel-prod-database-", "family": "aurora-postgresql16"},
    RDS_SUBNET_GROUP: {"namePrefix": "sentinel-prod-database-", "subnetIds": ["subnet-1", "subnet-2"]},
    RDS_PROXY: {"name": "sentinel-prod-database-proxy", "engineFamily": "POSTGRESQL", "idleClientTimeout": 1800},
    RDS_PROXY_DEFAULT_TARGET_GROUP: {
        "dbProxyName": "sentinel-prod-database-proxy",
        "connectionPoolConfig": {
            "maxConnectionsPercent": 90,
            "maxIdleConnectionsPercent": 50,
            "connectionBorrowTimeout": 120,
        },
    },
    RDS_PROXY_TARGET: {"dbProxyName": "proxy", "targetGroupName": "default", "dbClusterIdentifier": "database"},
    RDS_PROXY_ENDPOINT: {
        "dbProxyName": "proxy",
        "dbProxyEndpointName": "sentinel-prod-database-read-only",
        "targetRole": "READ_ONLY",
        "vpcSubnetIds": ["subnet-1"],
    },
    RDS_EVENT_SUBSCRIPTION: {
        "namePrefix": "sentinel-prod-database-cluster-",
        "snsTopic": "arn:aws:sns:us-east-1:111111111111:alarms",
        "sourceType": "db-cluster",
    },
    ELASTICACHE_SUBNET_GROUP: {"name": "cache-subnets", "subnetIds": ["subnet-1"]},
    ELASTICACHE_PARAMETER_GROUP: {"name": "cache-parameters", "family": "valkey8"},
    ELASTICACHE_REPLICATION_GROUP: {
        "replicationGroupId": "sentinel-prod-cache",
        "description": "Redis-compatible cache",
        "numCacheClusters": 3,
        "preferredCacheClusterAzs": ["us-east-1a", "us-east-1b", "us-east-1c"],
        "snapshotRetentionLimit": 7,
        "engine": "valkey",
        "transitEncryptionMode": "required",
        "authTokenUpdateStrategy": "ROTATE",
    },
    SECRET: {"namePrefix": "sentinel-prod-database-", "description": "Credentials", "recoveryWindowInDays": 30},
    SECRET_VERSION: {"secretId": "secret-1", "secretString": "{}"},
    ROUTE53_ZONE: {"name": "sentinel-prod.internal", "comment": "Private names"},
    ROUTE53_RECORD: {"zoneId": "Z1", "name": "primary-db", "type": "CNAME", "ttl": 60, "records": ["db.example"]},
    IAM_ROLE_POLICY_ATTACHMENT: {
        "role": "monitoring",
        "policyArn": "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
    },
    RANDOM_PASSWORD: {"length": 32, "special": False},
    RANDOM_ID: {"byteLength": 4},
}

RULE_CHARACTERS = "AWS allows letters, digits, spaces and ._-:/()#,@[]+=;{}!$*"
GROUP_CHARACTERS = "AWS allows letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*"
RULE_PEERS = "exactly one of cidrIpv4, cidrIpv6, prefixListId, referencedSecurityGroupId"
RDS = "AWS allows a letter first, then letters, digits and single hyphens"


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
    # Data tier: Aurora
    case(RDS_CLUSTER, {"clusterIdentifier": "d" * 64}, "clusterIdentifier is", "cluster-identifier-length"),
    case(RDS_CLUSTER, {"clusterIdentifier": "1database"}, f'clusterIdentifier is "1database": {RDS}', "cluster-id"),
    case(RDS_CLUSTER, {"finalSnapshotIdentifier": "f" * 256}, "finalSnapshotIdentifier is", "final-snapshot-length"),
    case(RDS_CLUSTER, {"finalSnapshotIdentifier": "db--final"}, f'finalSnapshotIdentifier is "db--final": {RDS}', "fs"),
    case(RDS_CLUSTER, {"databaseName": "d" * 64}, "databaseName is", "database-name-length"),
    case(RDS_CLUSTER, {"databaseName": "project-sentinel"}, 'databaseName is "project-sentinel": AWS allows a', "dbn"),
    case(RDS_CLUSTER, {"masterUsername": "u" * 64}, "masterUsername is", "master-username-length"),
    case(RDS_CLUSTER, {"masterUsername": "1admin"}, 'masterUsername is "1admin": AWS allows a letter', "username"),
    case(RDS_CLUSTER, {"backupRetentionPeriod": 36}, "backupRetentionPeriod is 36: AWS allows whole numbers", "br"),
    case(
        RDS_CLUSTER,
        {"performanceInsightsRetentionPeriod": 30},
        "performanceInsightsRetentionPeriod is 30: AWS allows one of 7, 31, 62",
        "insights-retention",
    ),
    case(RDS_CLUSTER, {"databaseInsightsMode": "basic"}, 'databaseInsightsMode is "basic": AWS allows one', "mode"),
    case(RDS_CLUSTER, {"storageType": "gp2"}, 'storageType is "gp2": AWS allows one of', "storage-type"),
    case(
        RDS_CLUSTER,
        {"serverlessv2ScalingConfiguration": {"maxCapacity": 512}},
        "serverlessv2ScalingConfiguration.maxCapacity is 512: AWS allows from 1 to 256",
        "serverless-capacity",
    ),
    case(RDS_CLUSTER_INSTANCE, {"identifier": "i" * 64}, "identifier is", "instance-identifier-length"),
    case(RDS_CLUSTER_INSTANCE, {"identifier": "database-1-"}, f'identifier is "database-1-": {RDS}', "instance-id"),
    case(RDS_CLUSTER_INSTANCE, {"promotionTier": 16}, "promotionTier is 16: AWS allows whole numbers", "tier"),
    case(RDS_CLUSTER_INSTANCE, {"monitoringInterval": 45}, "monitoringInterval is 45: AWS allows one of 0", "monitor"),
    case(
        RDS_CLUSTER_INSTANCE,
        {"performanceInsightsRetentionPeriod": 100},
        "performanceInsightsRetentionPeriod is 100",
        "instance-insights-retention",
    ),
    case(RDS_PARAMETER_GROUP, {"namePrefix": None, "name": "n" * 256}, "name is", "parameter-group-name-length"),
    case(RDS_PARAMETER_GROUP, {"namePrefix": None, "name": "1group"}, f'name is "1group": {RDS}', "pg-name"),
    case(RDS_CLUSTER_PARAMETER_GROUP, {"namePrefix": "p" * 230}, "namePrefix is", "parameter-group-prefix-length"),
    case(RDS_CLUSTER_PARAMETER_GROUP, {"namePrefix": "db_"}, 'namePrefix is "db_": AWS allows a letter', "pg-prefix"),
    case(
        RDS_CLUSTER_PARAMETER_GROUP,
        {"parameters": [{"name": "rds.force_ssl", "value": "1", "applyMethod": "later"}]},
        'parameters[0].applyMethod is "later": AWS allows one of "immediate", "pending-reboot"',
        "apply-method",
    ),
    case(RDS_SUBNET_GROUP, {"namePrefix": None, "name": "n" * 256}, "name is", "db-subnet-group-name-length"),
    case(RDS_SUBNET_GROUP, {"namePrefix": "p" * 230}, "namePrefix is", "db-subnet-group-prefix-length"),
    case(RDS_SUBNET_GROUP, {"namePrefix": "Data!"}, 'namePrefix is "Data!": AWS allows lowercase', "db-subnet-group"),
    case(RDS_PROXY, {"name": "p" * 61}, "name is", "proxy-name-length"),
    case(RDS_PROXY, {"name": "proxy-"}, f'name is "proxy-": {RDS}', "proxy-name"),
    case(RDS_PROXY, {"engineFamily": "postgres"}, 'engineFamily is "postgres": AWS allows one of', "engine-family"),
    case(RDS_PROXY, {"idleClientTimeout": 0}, "idleClientTimeout is 0: AWS allows whole numbers from 1", "idle"),
    case(
        RDS_PROXY_DEFAULT_TARGET_GROUP,
        {"connectionPoolConfig": {"maxConnectionsPercent": 0}},
        "connectionPoolConfig.maxConnectionsPercent is 0: AWS allows whole numbers from 1 to 100",
        "pool-max",
    ),
    case(
        RDS_PROXY_DEFAULT_TARGET_GROUP,
        {"connectionPoolConfig": {"maxIdleConnectionsPercent": 101}},
        "connectionPoolConfig.maxIdleConnectionsPercent is 101",
        "pool-idle",
    ),
    case(
        RDS_PROXY_DEFAULT_TARGET_GROUP,
        {"connectionPoolConfig": {"connectionBorrowTimeout": 3601}},
        "connectionPoolConfig.connectionBorrowTimeout is 3601",
        "pool-borrow",
    ),
    case(
        RDS_PROXY_TARGET,
        {"dbInstanceIdentifier": "database-1"},
        'dbClusterIdentifier "database" and dbInstanceIdentifier "database-1" are set together',
        "proxy-target",
    ),
    case(RDS_PROXY_ENDPOINT, {"dbProxyEndpointName": "e" * 64}, "dbProxyEndpointName is", "endpoint-name-length"),
    case(RDS_PROXY_ENDPOINT, {"dbProxyEndpointName": "read_only"}, 'dbProxyEndpointName is "read_only"', "endpoint"),
    case(RDS_PROXY_ENDPOINT, {"targetRole": "READER"}, 'targetRole is "READER": AWS allows one of', "target-role"),
    case(RDS_EVENT_SUBSCRIPTION, {"namePrefix": "p" * 230}, "namePrefix is", "subscription-prefix-length"),
    case(RDS_EVENT_SUBSCRIPTION, {"namePrefix": "1db-"}, 'namePrefix is "1db-": AWS allows a letter', "sub-prefix"),
    case(RDS_EVENT_SUBSCRIPTION, {"sourceType": "cluster"}, 'sourceType is "cluster": AWS allows one of', "source"),
    # ElastiCache
    case(ELASTICACHE_SUBNET_GROUP, {"name": "n" * 256}, "name is", "cache-subnet-group-name-length"),
    case(ELASTICACHE_SUBNET_GROUP, {"name": "Cache_Subnets"}, 'name is "Cache_Subnets": AWS allows lowercase', "csg"),
    case(ELASTICACHE_PARAMETER_GROUP, {"name": "n" * 256}, "name is", "cache-parameter-group-name-length"),
    case(ELASTICACHE_PARAMETER_GROUP, {"name": "cache-"}, f'name is "cache-": {RDS}', "cache-parameter-group-name"),
    case(ELASTICACHE_REPLICATION_GROUP, {"replicationGroupId": "r" * 41}, "replicationGroupId is", "group-id-length"),
    case(ELASTICACHE_REPLICATION_GROUP, {"replicationGroupId": "cache--1"}, 'replicationGroupId is "cache--1"', "gid"),
    case(
        ELASTICACHE_REPLICATION_GROUP,
        {"numCacheClusters": 7, "preferredCacheClusterAzs": None},
        "numCacheClusters is 7: AWS allows whole numbers from 1 to 6",
        "cache-clusters",
    ),
    case(
        ELASTICACHE_REPLICATION_GROUP,
        {"numCacheClusters": 2},
        "preferredCacheClusterAzs has 3 items but numCacheClusters is 2",
        "cache-zones",
    ),
    case(ELASTICACHE_REPLICATION_GROUP, {"snapshotRetentionLimit": 36}, "snapshotRetentionLimit is 36", "snapshots"),
    case(ELASTICACHE_REPLICATION_GROUP, {"engine": "memcached"}, 'engine is "memcached": AWS allows one of', "engine"),
    case(
        ELASTICACHE_REPLICATION_GROUP,
        {"transitEncryptionMode": "optional"},
        'transitEncryptionMode is "optional": AWS allows one of "preferred", "required"',
        "transit-mode",
    ),
    case(ELASTICACHE_REPLICATION_GROUP, {"authTokenUpdateStrategy": "REPLACE"}, "authTokenUpdateStrategy is", "ats"),
    # Secrets, names, roles, generated values
    case(SECRET, {"namePrefix": None, "name": "n" * 513}, "name is", "secret-name-length"),
    case(SECRET, {"namePrefix": "p" * 487}, "namePrefix is", "secret-prefix-length"),
    case(SECRET, {"namePrefix": "db secret"}, 'namePrefix is "db secret": AWS allows letters', "secret-prefix"),
    case(SECRET, {"description": "d" * 2049}, "description is", "secret-description-length"),
    case(SECRET, {"recoveryWindowInDays": 3}, "recoveryWindowInDays is 3: AWS allows 0 (delete at once)", "recovery"),
    case(SECRET_VERSION, {"secretBinary": "AAAA"}, 'secretString "{}" and secretBinary "AAAA" are set together', "sv"),
    case(ROUTE53_ZONE, {"name": "n" * 1025}, "name is", "zone-name-length"),
    case(ROUTE53_ZONE, {"comment": "c" * 257}, "comment is", "zone-comment-length"),
    case(ROUTE53_RECORD, {"type": "ALIAS"}, 'type is "ALIAS": AWS allows one of', "record-type"),
    case(ROUTE53_RECORD, {"ttl": -1}, "ttl is -1: AWS allows whole numbers from 0", "record-ttl"),
    case(ROUTE53_RECORD, {"records": None}, "none of records, aliases is set", "record-target"),
    case(
        IAM_ROLE_POLICY_ATTACHMENT,
        {"policyArn": "AmazonRDSEnhancedMonitoringRole"},
        'policyArn is "AmazonRDSEnhancedMonitoringRole": AWS allows values starting with arn:aws:iam::',
        "policy-arn",
    ),
    case(RANDOM_PASSWORD, {"length": 12}, "length is 12: AWS allows whole numbers from 16 to 41", "password-length"),
    case(RANDOM_PASSWORD, {"special": True}, "special is true: AWS allows false: the default special", "special"),
    case(RANDOM_ID, {"byteLength": 0}, "byteLength is 0: AWS allows whole numbers from 1 to 32", "random-id"),
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
            cited = re.findall(r"https://docs\.aws\.amazon\.com/\S+|pulumi_aws/\S+\.py", constraint.source)
            assert cited, f"{type_}: {constraint} cites no AWS documentation or provider source"
            for sdk_file in (path for path in cited if path.startswith("pulumi_aws/")):
                text = (SDK_ROOT / sdk_file).read_text()
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
