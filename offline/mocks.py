"""Mocks that answer like AWS: ids, ARNs and endpoints in each service's own format, derived
deterministically from the resource's name so that two runs of a stack produce the same graph."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pulumi

DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT = "123456789012"


@dataclass(frozen=True)
class Context:
    """What a shape needs to fabricate one resource's identity."""

    type: str
    name: str
    inputs: Mapping[str, Any]
    region: str
    account: str

    def hex(self, length: int) -> str:
        digest = hashlib.sha256(f"{self.type}::{self.name}".encode()).hexdigest()
        return (digest * (length // len(digest) + 1))[:length]

    def physical_name(self, key: str = "name") -> str:
        """The configured name; else the configured prefix plus the provider's 26-character unique suffix; else an
        autoname like the provider's (logical name plus a random suffix)."""
        prefix = self.inputs.get(f"{key}Prefix")
        return str(self.inputs.get(key) or (f"{prefix}{self.hex(26)}" if prefix else f"{self.name}-{self.hex(7)}"))

    def arn(self, service: str, resource: str, *, regional: bool = True, account: bool = True) -> str:
        return f"arn:aws:{service}:{self.region if regional else ''}:{self.account if account else ''}:{resource}"


@dataclass(frozen=True)
class Shape:
    """How AWS identifies one resource type: its id, its ARN, and any outputs AWS computes."""

    id: Callable[[Context], str]
    arn: Callable[[Context, str], str] | None = None
    extra: Callable[[Context, str], dict[str, Any]] | None = None


def _prefixed(prefix: str, length: int = 17) -> Callable[[Context], str]:
    return lambda ctx: f"{prefix}-{ctx.hex(length)}"


def _ec2(kind: str) -> Callable[[Context, str], str]:
    return lambda ctx, id_: ctx.arn("ec2", f"{kind}/{id_}")


def _named(key: str = "name") -> Callable[[Context], str]:
    return lambda ctx: ctx.physical_name(key)


def _public_ip(ctx: Context) -> str:
    # 203.0.113.0/24 is reserved for documentation, so a mock address can never be mistaken for a real one.
    return f"203.0.113.{int(ctx.hex(2), 16) % 254 + 1}"


def _rds_endpoint(ctx: Context, id_: str, kind: str = "") -> dict[str, Any]:
    address = f"{id_}.{kind}{ctx.hex(12)}.{ctx.region}.rds.amazonaws.com"
    port = int(ctx.inputs.get("port") or 5432)
    return {
        "address": address,
        "endpoint": f"{address}:{port}",
        "port": port,
        "resourceId": f"db-{ctx.hex(26).upper()}",
    }


def _acm_validation_options(ctx: Context, _id: str) -> dict[str, Any]:
    """A record per domain, each with tokens of its own, in an order of ACM's (not the request's): callers must
    match options by domain name."""
    domains = [ctx.inputs.get("domainName"), *(ctx.inputs.get("subjectAlternativeNames") or [])]
    tokens = {domain: hashlib.sha256(f"{ctx.name}::{domain}".encode()).hexdigest()[:32] for domain in domains if domain}
    return {
        "domainValidationOptions": [
            {
                "domainName": domain,
                "resourceRecordName": f"_{token}.{domain}.",
                "resourceRecordType": "CNAME",
                "resourceRecordValue": f"_{token[::-1]}.acm-validations.aws.",
            }
            for domain, token in sorted(tokens.items(), key=lambda item: item[1])
        ]
    }


SHAPES: dict[str, Shape] = {
    "aws:ec2/vpc:Vpc": Shape(
        _prefixed("vpc"),
        _ec2("vpc"),
        lambda ctx, _: {
            "defaultSecurityGroupId": f"sg-{ctx.hex(17)}",
            "mainRouteTableId": f"rtb-{ctx.hex(17)}",
            "defaultNetworkAclId": f"acl-{ctx.hex(17)}",
            "ownerId": ctx.account,
        },
    ),
    "aws:ec2/subnet:Subnet": Shape(_prefixed("subnet"), _ec2("subnet")),
    "aws:ec2/internetGateway:InternetGateway": Shape(_prefixed("igw"), _ec2("internet-gateway")),
    "aws:ec2/eip:Eip": Shape(
        _prefixed("eipalloc"), _ec2("elastic-ip"), lambda ctx, id_: {"allocationId": id_, "publicIp": _public_ip(ctx)}
    ),
    "aws:ec2/natGateway:NatGateway": Shape(
        _prefixed("nat"), _ec2("natgateway"), lambda ctx, _: {"publicIp": _public_ip(ctx)}
    ),
    "aws:ec2/routeTable:RouteTable": Shape(_prefixed("rtb"), _ec2("route-table")),
    "aws:ec2/routeTableAssociation:RouteTableAssociation": Shape(_prefixed("rtbassoc")),
    "aws:ec2/vpcEndpoint:VpcEndpoint": Shape(
        _prefixed("vpce"), _ec2("vpc-endpoint"), lambda ctx, _: {"prefixListId": f"pl-{ctx.hex(8)}"}
    ),
    "aws:ec2/flowLog:FlowLog": Shape(_prefixed("fl"), _ec2("vpc-flow-log")),
    "aws:ec2/securityGroup:SecurityGroup": Shape(
        _prefixed("sg"), _ec2("security-group"), lambda ctx, _: {"ownerId": ctx.account}
    ),
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": Shape(_prefixed("sg"), _ec2("security-group")),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": Shape(
        _prefixed("sgr"), _ec2("security-group-rule"), lambda _, id_: {"securityGroupRuleId": id_}
    ),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": Shape(
        _prefixed("sgr"), _ec2("security-group-rule"), lambda _, id_: {"securityGroupRuleId": id_}
    ),
    "aws:ec2/managedPrefixList:ManagedPrefixList": Shape(
        _prefixed("pl"), _ec2("prefix-list"), lambda ctx, _: {"version": 1, "ownerId": ctx.account}
    ),
    "aws:ec2/launchTemplate:LaunchTemplate": Shape(
        _prefixed("lt"), _ec2("launch-template"), lambda _, __: {"latestVersion": 1, "defaultVersion": 1}
    ),
    "aws:cloudwatch/logGroup:LogGroup": Shape(
        _named(), lambda ctx, id_: ctx.arn("logs", f"log-group:{id_}"), lambda _, id_: {"name": id_}
    ),
    "aws:cloudwatch/metricAlarm:MetricAlarm": Shape(_named(), lambda ctx, id_: ctx.arn("cloudwatch", f"alarm:{id_}")),
    "aws:kms/key:Key": Shape(
        lambda ctx: str(uuid.UUID(ctx.hex(32))),
        lambda ctx, id_: ctx.arn("kms", f"key/{id_}"),
        lambda _, id_: {"keyId": id_},
    ),
    "aws:kms/alias:Alias": Shape(_named(), lambda ctx, id_: ctx.arn("kms", id_)),
    "aws:iam/role:Role": Shape(
        _named(),
        lambda ctx, id_: ctx.arn("iam", f"role/{id_}", regional=False),
        lambda ctx, id_: {"name": id_, "uniqueId": f"AROA{ctx.hex(17).upper()}"},
    ),
    "aws:iam/policy:Policy": Shape(_named(), lambda ctx, id_: ctx.arn("iam", f"policy/{id_}", regional=False)),
    "aws:iam/rolePolicy:RolePolicy": Shape(lambda ctx: f"{ctx.inputs.get('role', ctx.name)}:{ctx.physical_name()}"),
    "aws:rds/instance:Instance": Shape(
        _named("identifier"), lambda ctx, id_: ctx.arn("rds", f"db:{id_}"), _rds_endpoint
    ),
    "aws:rds/proxy:Proxy": Shape(
        _named(),
        lambda ctx, id_: ctx.arn("rds", f"db-proxy:prx-{ctx.hex(17)}"),
        lambda ctx, id_: {"endpoint": _rds_endpoint(ctx, id_, "proxy-")["address"]},
    ),
    "aws:elasticache/replicationGroup:ReplicationGroup": Shape(
        _named("replicationGroupId"),
        lambda ctx, id_: ctx.arn("elasticache", f"replicationgroup:{id_}"),
        lambda ctx, id_: {
            "primaryEndpointAddress": f"master.{id_}.{ctx.hex(6)}.cache.amazonaws.com",
            "readerEndpointAddress": f"replica.{id_}.{ctx.hex(6)}.cache.amazonaws.com",
        },
    ),
    "aws:s3/bucket:Bucket": Shape(
        _named("bucket"),
        lambda ctx, id_: ctx.arn("s3", id_, regional=False, account=False),
        lambda ctx, id_: {"bucket": id_, "bucketRegionalDomainName": f"{id_}.s3.{ctx.region}.amazonaws.com"},
    ),
    "aws:efs/fileSystem:FileSystem": Shape(
        _prefixed("fs"),
        lambda ctx, id_: ctx.arn("elasticfilesystem", f"file-system/{id_}"),
        lambda ctx, id_: {"dnsName": f"{id_}.efs.{ctx.region}.amazonaws.com"},
    ),
    # Storage and backup tier.
    "aws:efs/mountTarget:MountTarget": Shape(
        _prefixed("fsmt"), lambda ctx, id_: ctx.arn("elasticfilesystem", f"mount-target/{id_}")
    ),
    "aws:efs/accessPoint:AccessPoint": Shape(
        _prefixed("fsap"), lambda ctx, id_: ctx.arn("elasticfilesystem", f"access-point/{id_}")
    ),
    "aws:backup/vault:Vault": Shape(
        _named(), lambda ctx, id_: ctx.arn("backup", f"backup-vault:{id_}"), lambda _, id_: {"name": id_}
    ),
    "aws:backup/plan:Plan": Shape(
        lambda ctx: str(uuid.UUID(ctx.hex(32))),
        lambda ctx, id_: ctx.arn("backup", f"backup-plan:{id_}"),
        lambda ctx, _: {"version": ctx.hex(32)},
    ),
    "aws:backup/restoreTestingPlan:RestoreTestingPlan": Shape(
        _named(), lambda ctx, id_: ctx.arn("backup", f"restore-testing-plan:{id_}-{ctx.hex(6)}")
    ),
    "aws:sns/topic:Topic": Shape(
        lambda ctx: ctx.arn("sns", ctx.physical_name()),
        lambda _, id_: id_,
        lambda ctx, _: {"name": ctx.physical_name()},
    ),
    "aws:secretsmanager/secret:Secret": Shape(
        lambda ctx: ctx.arn("secretsmanager", f"secret:{ctx.physical_name()}-{ctx.hex(6)}"), lambda _, id_: id_
    ),
    "aws:acm/certificate:Certificate": Shape(
        lambda ctx: ctx.arn("acm", f"certificate/{uuid.UUID(ctx.hex(32))}"), lambda _, id_: id_, _acm_validation_options
    ),
    "aws:lb/loadBalancer:LoadBalancer": Shape(
        lambda ctx: ctx.arn("elasticloadbalancing", f"loadbalancer/app/{ctx.physical_name()}/{ctx.hex(16)}"),
        lambda _, id_: id_,
        lambda ctx, id_: {
            "arnSuffix": id_.split(":loadbalancer/", 1)[1],
            "dnsName": f"{ctx.physical_name()}-{int(ctx.hex(8), 16)}.{ctx.region}.elb.amazonaws.com",
            "zoneId": "Z35SXDOTRQ7X7K",
        },
    ),
    "aws:lb/targetGroup:TargetGroup": Shape(
        lambda ctx: ctx.arn("elasticloadbalancing", f"targetgroup/{ctx.physical_name()}/{ctx.hex(16)}"),
        lambda _, id_: id_,
        lambda _, id_: {"arnSuffix": id_.split(":", 5)[5]},
    ),
    # Tier 10 (ingress): a listener's and a rule's ARNs name their load balancer's.
    "aws:lb/listener:Listener": Shape(
        lambda ctx: ctx.arn("elasticloadbalancing", f"listener/app/{ctx.name}/{ctx.hex(16)}/{ctx.hex(16)[::-1]}"),
        lambda _, id_: id_,
    ),
    "aws:lb/listenerRule:ListenerRule": Shape(
        lambda ctx: ctx.arn("elasticloadbalancing", f"listener-rule/app/{ctx.name}/{ctx.hex(16)}/{ctx.hex(24)}"),
        lambda _, id_: id_,
    ),
    # Tier 10 (workloads): a generated secret of the requested length, the same on every run.
    "random:index/randomPassword:RandomPassword": Shape(
        lambda ctx: "none", None, lambda ctx, _: {"result": ctx.hex(int(ctx.inputs.get("length") or 16))}
    ),
    "aws:eks/cluster:Cluster": Shape(
        _named(),
        lambda ctx, id_: ctx.arn("eks", f"cluster/{id_}"),
        lambda ctx, _: {
            "vpcConfig": {**(ctx.inputs.get("vpcConfig") or {}), "clusterSecurityGroupId": f"sg-{ctx.hex(17)}"},
            "endpoint": f"https://{ctx.hex(32).upper()}.gr7.{ctx.region}.eks.amazonaws.com",
            "certificateAuthority": {"data": base64.b64encode(b"offline mock certificate authority").decode()},
            "identities": [
                {"oidcs": [{"issuer": f"https://oidc.eks.{ctx.region}.amazonaws.com/id/{ctx.hex(32).upper()}"}]}
            ],
        },
    ),
    "aws:eks/nodeGroup:NodeGroup": Shape(
        lambda ctx: f"{ctx.inputs.get('clusterName')}:{ctx.physical_name('nodeGroupName')}",
        lambda ctx, id_: ctx.arn("eks", f"nodegroup/{id_.replace(':', '/')}/{uuid.UUID(ctx.hex(32))}"),
        lambda ctx, _: {
            "resources": [
                {"autoscalingGroups": [{"name": f"eks-{ctx.physical_name('nodeGroupName')}-{uuid.UUID(ctx.hex(32))}"}]}
            ]
        },
    ),
    # Tier 9 (cluster)
    "aws:eks/addon:Addon": Shape(
        lambda ctx: f"{ctx.inputs.get('clusterName')}:{ctx.inputs.get('addonName')}",
        lambda ctx, id_: ctx.arn("eks", f"addon/{id_.replace(':', '/')}/{uuid.UUID(ctx.hex(32))}"),
    ),
    "aws:eks/accessEntry:AccessEntry": Shape(
        lambda ctx: f"{ctx.inputs.get('clusterName')}:{ctx.inputs.get('principalArn')}",
        None,
        lambda ctx, _: {
            "accessEntryArn": ctx.arn("eks", f"access-entry/{ctx.inputs.get('clusterName')}/role/{ctx.hex(8)}")
        },
    ),
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": Shape(
        _prefixed("a", 17),
        None,
        lambda ctx, id_: {
            "associationId": id_,
            "associationArn": ctx.arn("eks", f"podidentityassociation/{ctx.inputs.get('clusterName')}/{id_}"),
        },
    ),
    "aws:ecr/repository:Repository": Shape(
        _named(),
        lambda ctx, id_: ctx.arn("ecr", f"repository/{id_}"),
        lambda ctx, id_: {
            "name": id_,
            "registryId": ctx.account,
            "repositoryUrl": f"{ctx.account}.dkr.ecr.{ctx.region}.amazonaws.com/{id_}",
        },
    ),
    "aws:iam/instanceProfile:InstanceProfile": Shape(
        _named(),
        lambda ctx, id_: ctx.arn("iam", f"instance-profile/{id_}", regional=False),
        lambda _, id_: {"name": id_},
    ),
    "aws:ec2/instance:Instance": Shape(
        _prefixed("i"),
        _ec2("instance"),
        lambda ctx, _: {"privateIp": f"10.0.{int(ctx.hex(2), 16) % 32}.{int(ctx.hex(4)[2:], 16) % 254 + 1}"},
    ),
    # Tier 11, the edge: Cloudflare identifies records and rulesets by 32 hexadecimal characters, a zone setting by
    # its setting id and a zone's bot configuration by the zone.
    "cloudflare:index/dnsRecord:DnsRecord": Shape(lambda ctx: ctx.hex(32)),
    "cloudflare:index/ruleset:Ruleset": Shape(lambda ctx: ctx.hex(32)),
    "cloudflare:index/zoneSetting:ZoneSetting": Shape(lambda ctx: str(ctx.inputs.get("settingId"))),
    "cloudflare:index/botManagement:BotManagement": Shape(lambda ctx: str(ctx.inputs.get("zoneId"))),
}

# --- Data tier ---------------------------------------------------------------------------------------------


SHAPES.update(
    {
        "aws:rds/cluster:Cluster": Shape(
            _named("clusterIdentifier"),
            lambda ctx, id_: ctx.arn("rds", f"cluster:{id_}"),
            lambda ctx, id_: {
                "clusterIdentifier": id_,
                "endpoint": _rds_endpoint(ctx, id_, "cluster-")["address"],
                "readerEndpoint": _rds_endpoint(ctx, id_, "cluster-ro-")["address"],
                "port": int(ctx.inputs.get("port") or 5432),
                "clusterResourceId": f"cluster-{ctx.hex(26).upper()}",
                # The secret RDS creates when it manages the master password, named rds!cluster-<uuid>.
                **(
                    {
                        "masterUserSecrets": [
                            {
                                "secretArn": ctx.arn(
                                    "secretsmanager", f"secret:rds!cluster-{uuid.UUID(ctx.hex(32))}-{ctx.hex(6)}"
                                ),
                                "kmsKeyId": ctx.inputs.get("masterUserSecretKmsKeyId"),
                                "secretStatus": "active",
                            }
                        ]
                    }
                    if ctx.inputs.get("manageMasterUserPassword")
                    else {}
                ),
            },
        ),
        "aws:rds/clusterInstance:ClusterInstance": Shape(
            _named("identifier"),
            lambda ctx, id_: ctx.arn("rds", f"db:{id_}"),
            lambda ctx, id_: {
                "identifier": id_,
                **_rds_endpoint(ctx, id_),
                # An Aurora instance's endpoint is its host name alone.
                "endpoint": _rds_endpoint(ctx, id_)["address"],
            },
        ),
        "aws:rds/proxyEndpoint:ProxyEndpoint": Shape(
            lambda ctx: f"{ctx.inputs.get('dbProxyName')}/{ctx.inputs.get('dbProxyEndpointName')}",
            lambda ctx, _: ctx.arn("rds", f"db-proxy-endpoint:prx-endpoint-{ctx.hex(17)}"),
            lambda ctx, _: {
                "endpoint": f"{ctx.inputs.get('dbProxyEndpointName')}.endpoint.proxy-{ctx.hex(12)}.{ctx.region}"
                ".rds.amazonaws.com"
            },
        ),
        "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup": Shape(
            lambda ctx: str(ctx.inputs.get("dbProxyName")),
            lambda ctx, _: ctx.arn("rds", f"target-group:prx-tg-{ctx.hex(17)}"),
            lambda _, __: {"name": "default"},
        ),
        "aws:rds/subnetGroup:SubnetGroup": Shape(
            _named(), lambda ctx, id_: ctx.arn("rds", f"subgrp:{id_}"), lambda _, id_: {"name": id_}
        ),
        "aws:rds/parameterGroup:ParameterGroup": Shape(
            _named(), lambda ctx, id_: ctx.arn("rds", f"pg:{id_}"), lambda _, id_: {"name": id_}
        ),
        "aws:rds/clusterParameterGroup:ClusterParameterGroup": Shape(
            _named(), lambda ctx, id_: ctx.arn("rds", f"cluster-pg:{id_}"), lambda _, id_: {"name": id_}
        ),
        "aws:rds/eventSubscription:EventSubscription": Shape(
            _named(), lambda ctx, id_: ctx.arn("rds", f"es:{id_}"), lambda _, id_: {"name": id_}
        ),
        "aws:elasticache/subnetGroup:SubnetGroup": Shape(
            _named(), lambda ctx, id_: ctx.arn("elasticache", f"subnetgroup:{id_}"), lambda _, id_: {"name": id_}
        ),
        "aws:elasticache/user:User": Shape(
            lambda ctx: str(ctx.inputs.get("userId")), lambda ctx, id_: ctx.arn("elasticache", f"user:{id_}")
        ),
        "aws:elasticache/userGroup:UserGroup": Shape(
            lambda ctx: str(ctx.inputs.get("userGroupId")), lambda ctx, id_: ctx.arn("elasticache", f"usergroup:{id_}")
        ),
        "aws:elasticache/parameterGroup:ParameterGroup": Shape(
            _named(), lambda ctx, id_: ctx.arn("elasticache", f"parametergroup:{id_}"), lambda _, id_: {"name": id_}
        ),
        "aws:route53/zone:Zone": Shape(
            lambda ctx: f"Z{ctx.hex(20).upper()}",
            lambda _, id_: f"arn:aws:route53:::hostedzone/{id_}",
            lambda _, id_: {"zoneId": id_},
        ),
        "aws:secretsmanager/secretVersion:SecretVersion": Shape(
            lambda ctx: f"{ctx.inputs.get('secretId')}|{uuid.UUID(ctx.hex(32))}",
            lambda ctx, _: str(ctx.inputs.get("secretId")),
            lambda ctx, _: {"versionId": str(uuid.UUID(ctx.hex(32)))},
        ),
        # Deterministic stand-ins for the random provider's values, of the requested length.
        "random:index/randomPassword:RandomPassword": Shape(
            lambda _: "none",
            extra=lambda ctx, _: {"result": ctx.hex(int(ctx.inputs.get("length") or 16))},
        ),
        "random:index/randomId:RandomId": Shape(
            lambda ctx: ctx.hex(2 * int(ctx.inputs.get("byteLength") or 4)),
            extra=lambda _, id_: {"hex": id_},
        ),
    }
)

CALLS: dict[str, Callable[[str, str], dict[str, Any]]] = {
    "aws:index/getCallerIdentity:getCallerIdentity": lambda region, account: {
        "accountId": account,
        "arn": f"arn:aws:iam::{account}:user/offline",
        "userId": "AIDAOFFLINE",
        "id": account,
    },
    "aws:index/getRegion:getRegion": lambda region, account: {"name": region, "region": region, "id": region},
    "aws:index/getPartition:getPartition": lambda region, account: {
        "partition": "aws",
        "dnsSuffix": "amazonaws.com",
        "id": "aws",
    },
}


class UnmockedInvokeError(Exception):
    pass


class AwsLikeMocks(pulumi.runtime.Mocks):
    """Answers registrations with AWS-shaped outputs, in the region and account of the resource's provider."""

    def __init__(self) -> None:
        self._provider_settings: dict[str, tuple[str, str]] = {}

    def _settings(self, provider_ref: str | None) -> tuple[str, str]:
        # A provider reference is "<provider URN>::<provider id>"; the URN ends with "<type>::<name>".
        if provider_ref:
            type_and_name = "::".join(provider_ref.rsplit("::", 3)[-3:-1])
            return self._provider_settings.get(type_and_name, (DEFAULT_REGION, DEFAULT_ACCOUNT))
        return DEFAULT_REGION, DEFAULT_ACCOUNT

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        if args.typ == "pulumi:providers:aws":
            # Providers receive non-string settings as JSON text.
            accounts = json.loads(args.inputs.get("allowedAccountIds") or "[]") or [DEFAULT_ACCOUNT]
            self._provider_settings[f"{args.typ}::{args.name}"] = (
                args.inputs.get("region") or DEFAULT_REGION,
                accounts[0],
            )
        if not args.custom:
            return f"{args.name}-component", {}
        region, account = self._settings(args.provider)
        # pulumi-aws v7 manages a resource in another region than its provider's when it names one.
        region = args.inputs.get("region") or region
        ctx = Context(type=args.typ, name=args.name, inputs=args.inputs, region=region, account=account)
        shape = SHAPES.get(args.typ)
        if shape is None:
            return f"{args.name}-{ctx.hex(8)}", dict(args.inputs)
        resource_id = shape.id(ctx)
        outputs: dict[str, Any] = dict(args.inputs)
        if shape.arn is not None:
            outputs["arn"] = shape.arn(ctx, resource_id)
        if shape.extra is not None:
            outputs.update(shape.extra(ctx, resource_id))
        return resource_id, outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        answer = CALLS.get(args.token)
        if answer is None:
            raise UnmockedInvokeError(
                f"the offline engine has no answer for invoke {args.token}: carry the value in stack config "
                "(design D3) or teach offline/mocks.py to answer it"
            )
        region, account = self._settings(args.provider)
        return answer(region, account), None
