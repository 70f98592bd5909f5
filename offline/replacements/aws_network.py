"""Replacement rules for the platform's AWS network and edge: VPC, subnets, routing, gateways, security groups and
their rules, flow logs, the bastion instance and its launch template, load balancing, ACM and Route 53.

Transcribed from the Terraform AWS provider v6 resource sources (pulumi-aws v7 is built on it; the installed SDK is
7.51.1), input names checked against that SDK. Where the stored copy of a source predates the SDK (the instance, the
launch template, the listener, the zone...), the rule was read from v5.52 and a note names the SDK inputs added
since that could replace.
Every regional resource also takes a top-level `region`; the provider's `forceNewIfRegionChanges` interceptor
(internal/provider/sdkv2/region.go, and `resourceForceNewIfRegionChanges` in internal/provider/framework/region.go
for the two plugin-framework security group rules) replaces it when that value changes, so each regional rule lists
`region`. Route 53 is global and has none.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from offline.replacements.rules import TERRAFORM_AWS, Conditional, Inputs, Outcome, Rule, block, paths

_EC2, _ELB = TERRAFORM_AWS + "internal/service/ec2/", TERRAFORM_AWS + "internal/service/elbv2/"
# The provider's instance type look-up: Graviton families carry a `g` right after the generation (t4g, m7gd, c6gn).
_GRAVITON_FAMILY = re.compile(r"^(a1|[a-z]+\d+g[a-z-]*)$")
_RULE_SOURCES = ("cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId")


def _items(value: Any) -> list[Any]:
    """A list input as a list: None and an unset value count as empty."""
    return list(value) if isinstance(value, Sequence) and not isinstance(value, str) else []


def _frozen(item: Any) -> Any:
    """A set element that can be compared: a block's fields, or the value itself."""
    return tuple(sorted((key, str(value)) for key, value in item.items())) if isinstance(item, Mapping) else str(item)


def _architecture(instance_type: Any) -> str | None:
    """The CPU architecture EC2 reports for an instance type, or None when the value is not a known type name."""
    if not isinstance(instance_type, str) or "." not in instance_type:
        return None
    family = instance_type.split(".", 1)[0]
    if family.startswith("mac"):
        return "x86_64_mac" if family == "mac1" else "arm64_mac"
    return "arm64" if _GRAVITON_FAMILY.match(family) else "x86_64"


def instance_architecture_changed(old: Inputs, new: Inputs) -> str | None:
    """The instance's `ForceNewIf(instance_type)`: a new type that shares no architecture with the old one cannot be
    applied by stopping and resizing the instance."""
    before, after = _architecture(old.get("instanceType")), _architecture(new.get("instanceType"))
    if before is None or after is None or before == after:
        return None
    return f"{old.get('instanceType')} ({before}) -> {new.get('instanceType')} ({after}): a new instance is launched"


def instance_user_data_replaces(old: Inputs, new: Inputs) -> str | None:
    """The instance's `ForceNewIf(user_data / user_data_base64)`: with `userDataReplaceOnChange`, new user data
    launches a new instance instead of editing the stopped one's."""
    changed = any(old.get(key) != new.get(key) for key in ("userData", "userDataBase64"))
    if changed and new.get("userDataReplaceOnChange") is True:
        return "userDataReplaceOnChange is set: new user data launches a new instance"
    return None


def instance_launch_template_version_moved(old: Inputs, new: Inputs) -> str | None:
    """The instance's CustomizeDiff on `launch_template.0.version`: a version other than the one the instance was
    launched from replaces it. A version not yet known (the template changes in the same run) replaces as well."""
    before = (block(old, "launchTemplate") or {}).get("version")
    after = (block(new, "launchTemplate") or {}).get("version")
    if before is None or after is None or str(before) == str(after):
        return None
    if after in ("$Latest", "$Default"):
        return f"version {after}: replaced unless the instance already runs that version of the template"
    if isinstance(after, int) or (isinstance(after, str) and after.isdigit()):
        return f"launch template version {before} -> {after}: a new instance is launched from it"
    return "the launch template version is known only after the template changes: a new instance is launched"


def instance_primary_ipv6_disabled(old: Inputs, new: Inputs) -> str | None:
    """EC2 keeps a primary IPv6 address until the instance ends: turning `enablePrimaryIpv6` off replaces it."""
    if old.get("enablePrimaryIpv6") is True and new.get("enablePrimaryIpv6") is not True:
        return "a primary IPv6 address cannot be removed: disabling it launches a new instance"
    return None


def vpc_tenancy_changed(old: Inputs, new: Inputs) -> str | None:
    """The VPC's CustomizeDiff: `instance_tenancy` can only go from dedicated to default in place."""
    before, after = old.get("instanceTenancy") or "default", new.get("instanceTenancy") or "default"
    if before == after or (before, after) == ("dedicated", "default"):
        return None
    return f"instance tenancy {before} -> {after}: only dedicated -> default is applied in place"


def subnet_ipv6_block_replaced(old: Inputs, new: Inputs) -> str | None:
    """The subnet's `ForceNewIf(ipv6_cidr_block)`: a subnet created to assign IPv6 addresses keeps its block."""
    if old.get("ipv6CidrBlock") != new.get("ipv6CidrBlock") and old.get("assignIpv6AddressOnCreation") is True:
        return "the subnet assigns IPv6 addresses on creation: a new IPv6 block needs a new subnet"
    return None


def endpoint_private_dns_changed(old: Inputs, new: Inputs) -> str | None:
    """The VPC endpoint's CustomizeDiff: only an Interface endpoint changes `private_dns_enabled` in place."""
    endpoint_type = new.get("vpcEndpointType") or "Gateway"
    if old.get("privateDnsEnabled") != new.get("privateDnsEnabled") and endpoint_type != "Interface":
        return f"a {endpoint_type} endpoint cannot change privateDnsEnabled in place"
    return None


def nat_private_address_count_changed(old: Inputs, new: Inputs) -> str | None:
    """The NAT gateway's CustomizeDiff: a private NAT gateway's secondary address count is fixed at creation."""
    count = new.get("secondaryPrivateIpAddressCount")
    if (
        new.get("connectivityType") == "private"
        and count is not None
        and old.get("secondaryPrivateIpAddressCount") != count
    ):
        return "a private NAT gateway's secondary address count changes only with a new gateway"
    return None


def nat_regional_mode_switched(old: Inputs, new: Inputs) -> str | None:
    """The NAT gateway's CustomizeDiff: a regional gateway moves between automatic and listed zone addresses only by
    being replaced (`regional_nat_gateway_auto_mode`)."""
    before, after = (bool(_items(inputs.get("availabilityZoneAddresses"))) for inputs in (old, new))
    if new.get("availabilityMode") == "regional" and before != after:
        return "a regional NAT gateway switches between automatic and listed zones only by being replaced"
    return None


def _load_balancer_type(inputs: Inputs) -> str:
    return inputs.get("loadBalancerType") or "application"


def load_balancer_subnets_removed(old: Inputs, new: Inputs) -> str | None:
    """`customizeDiffLoadBalancerNLB`: a network load balancer only ever gains subnets in place."""
    before, after = {_frozen(s) for s in _items(old.get("subnets"))}, {_frozen(s) for s in _items(new.get("subnets"))}
    if _load_balancer_type(new) == "network" and before != after and len(after) <= len(before):
        return "a network load balancer cannot drop or swap subnets: it is replaced"
    return None


def load_balancer_subnet_mappings_changed(old: Inputs, new: Inputs) -> str | None:
    """`customizeDiffLoadBalancerALB` / `NLB` on `subnet_mapping`: only added mappings are applied in place (an
    application load balancer may also drop some, if the rest stay as they were)."""
    before = {_frozen(m) for m in _items(old.get("subnetMappings"))}
    after = {_frozen(m) for m in _items(new.get("subnetMappings"))}
    kind = _load_balancer_type(new)
    if before == after or kind not in ("application", "network"):
        return None
    if len(after) > len(before) and before <= after:
        return None
    if kind == "application" and len(after) < len(before) and after <= before:
        return None
    return f"the {kind} load balancer cannot apply this change of its subnet mappings in place: it is replaced"


def load_balancer_security_groups_toggled(old: Inputs, new: Inputs) -> str | None:
    """`customizeDiffLoadBalancerNLB`: a network load balancer gains its first, or loses its last, security group
    only by being replaced."""
    before, after = bool(_items(old.get("securityGroups"))), bool(_items(new.get("securityGroups")))
    if _load_balancer_type(new) == "network" and before != after:
        return "a network load balancer cannot add security groups to none, nor remove them all: it is replaced"
    return None


def load_balancer_secondary_ips_lowered(old: Inputs, new: Inputs) -> str | None:
    """The provider documents that lowering a network load balancer's secondary IPs per subnet replaces it."""
    before, after = old.get("secondaryIpsAutoAssignedPerSubnet") or 0, new.get("secondaryIpsAutoAssignedPerSubnet") or 0
    numbers = isinstance(before, int | float) and isinstance(after, int | float)
    if _load_balancer_type(new) == "network" and numbers and after < before:
        return f"secondary IPs per subnet {before} -> {after}: a network load balancer is replaced"
    return None


def security_group_rule_source_changed(old: Inputs, new: Inputs) -> str | None:
    """The security group rules' `ModifyPlan`: a rule cannot change the kind of its source (CIDR, IPv6 CIDR, prefix
    list, security group), so the provider requires replacement."""
    before = next((key for key in _RULE_SOURCES if old.get(key) is not None), None)
    after = next((key for key in _RULE_SOURCES if new.get(key) is not None), None)
    if before != after:
        return f"the rule's source changes kind ({before} -> {after}): it is replaced"
    return None


def zone_privacy_changed(old: Inputs, new: Inputs) -> str | None:
    """Route 53 refuses both ways: a private zone keeps at least one VPC (LastVPCAssociation) and a public zone takes
    none (PublicZoneVPCAssociation); the provider sends the (dis)association as an update."""
    before, after = bool(_items(old.get("vpcs"))), bool(_items(new.get("vpcs")))
    if old.get("name") != new.get("name") or old.get("delegationSetId") != new.get("delegationSetId"):
        return None  # a new zone is made with its VPCs: nothing is (dis)associated
    if before and not after:
        return "Route 53 cannot disassociate a private zone's last VPC, nor make it public"
    if after and not before:
        return "Route 53 cannot associate a VPC with a public hosted zone"
    return None


_RULE_SOURCE_CHANGES = tuple(
    Conditional(source, Outcome.REPLACE, security_group_rule_source_changed) for source in _RULE_SOURCES
)

RULES: tuple[Rule, ...] = (
    Rule(
        type="aws:acm/certificate:Certificate",
        source=TERRAFORM_AWS + "internal/service/acm/certificate.go",
        replace_on=paths(
            "certificateAuthorityArn domainName keyAlgorithm subjectAlternativeNames validationMethod "
            "validationOptions region"
        ),
        note="Terraform's `validation_option` is Pulumi's `validationOptions`.",
    ),
    Rule(
        type="aws:acm/certificateValidation:CertificateValidation",
        source=TERRAFORM_AWS + "internal/service/acm/certificate_validation.go",
        replace_on=paths("certificateArn validationRecordFqdns region"),
    ),
    Rule(
        type="aws:autoscaling/attachment:Attachment",
        source=TERRAFORM_AWS + "internal/service/autoscaling/attachment.go",
        replace_on=paths("autoscalingGroupName elb lbTargetGroupArn region"),
    ),
    Rule(
        type="aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
        source=_EC2 + "vpc_default_security_group.go",
        replace_on=paths("vpcId region"),
    ),
    Rule(
        type="aws:ec2/eip:Eip",
        source=_EC2 + "ec2_eip.go",
        replace_on=paths("address domain ipamPoolId networkBorderGroup publicIpv4Pool region"),
    ),
    Rule(
        type="aws:ec2/flowLog:FlowLog",
        source=_EC2 + "vpc_flow_log.go",
        replace_on=paths(
            "deliverCrossAccountRole destinationOptions eniId iamRoleArn logDestination logDestinationType "
            "logFormat maxAggregationInterval regionalNatGatewayId subnetId tagFieldSpecifications trafficType "
            "transitGatewayAttachmentId transitGatewayId vpcId region"
        ),
        note="`tagFieldSpecifications` is newer than the source read; it is listed because the resource's update "
        "applies tags only (EC2 has no call that modifies a flow log).",
    ),
    Rule(
        type="aws:ec2/instance:Instance",
        source=_EC2 + "ec2_instance.go",
        replace_on=paths(
            "ami associatePublicIpAddress availabilityZone cpuOptions.amdSevSnp cpuOptions.coreCount "
            "cpuOptions.threadsPerCore ebsBlockDevices.deleteOnTermination ebsBlockDevices.deviceName "
            "ebsBlockDevices.encrypted ebsBlockDevices.iops ebsBlockDevices.kmsKeyId ebsBlockDevices.snapshotId "
            "ebsBlockDevices.throughput ebsBlockDevices.volumeSize ebsBlockDevices.volumeType ebsOptimized "
            "enclaveOptions.enabled ephemeralBlockDevices hibernation hostId instanceMarketOptions ipv6Addresses "
            "keyName launchTemplate.id launchTemplate.name placementGroup placementGroupId "
            "placementPartitionNumber primaryNetworkInterface privateDnsNameOptions privateIp "
            "rootBlockDevice.encrypted rootBlockDevice.kmsKeyId secondaryNetworkInterfaces.deleteOnTermination "
            "secondaryNetworkInterfaces.deviceIndex secondaryNetworkInterfaces.interfaceType "
            "secondaryNetworkInterfaces.networkCardIndex secondaryNetworkInterfaces.privateIpAddressCount "
            "secondaryNetworkInterfaces.privateIpAddresses secondaryNetworkInterfaces.secondarySubnetId subnetId "
            "tenancy region"
        ),
        conditional=(
            Conditional("instanceType", Outcome.REPLACE, instance_architecture_changed),
            Conditional("userData", Outcome.REPLACE, instance_user_data_replaces),
            Conditional("userDataBase64", Outcome.REPLACE, instance_user_data_replaces),
            Conditional("launchTemplate.version", Outcome.REPLACE, instance_launch_template_version_moved),
            Conditional("enablePrimaryIpv6", Outcome.REPLACE, instance_primary_ipv6_disabled),
        ),
        note="Read from v5.52, the newest stored source. Added since: `placementGroupId` and `primaryNetworkInterface` "
        "are listed like the `placement_group` / `network_interface` they succeed; `secondaryNetworkInterfaces` and "
        "`enablePrimaryIpv6` follow the SDK's documentation ('Forces replacement', 'disabling forces recreation'); "
        "`cpuOptions.nestedVirtualization` and `forceDestroy` are left as updates, unverified. `launchTemplate` is "
        "ForceNew only as a block: its `version` replaces through the CustomizeDiff, not on every change.",
    ),
    Rule(
        type="aws:ec2/internetGateway:InternetGateway",
        source=_EC2 + "vpc_internet_gateway.go",
        replace_on=paths("region"),
        note="`vpcId` is applied in place (detach, then attach).",
    ),
    Rule(
        type="aws:ec2/launchTemplate:LaunchTemplate",
        source=_EC2 + "ec2_launch_template.go",
        replace_on=paths("name namePrefix region"),
        note="Any other change writes a new template version, which an instance launched from it may turn into its "
        "own replacement (see the instance's `launchTemplate.version`).",
    ),
    Rule(
        type="aws:ec2/managedPrefixList:ManagedPrefixList",
        source=_EC2 + "vpc_managed_prefix_list.go",
        replace_on=paths("addressFamily region"),
    ),
    Rule(
        type="aws:ec2/natGateway:NatGateway",
        source=_EC2 + "vpc_nat_gateway.go",
        replace_on=paths("allocationId availabilityMode connectivityType privateIp subnetId vpcId region"),
        conditional=(
            Conditional("secondaryPrivateIpAddressCount", Outcome.REPLACE, nat_private_address_count_changed),
            Conditional("availabilityZoneAddresses", Outcome.REPLACE, nat_regional_mode_switched),
        ),
    ),
    Rule(
        type="aws:ec2/route:Route",
        source=_EC2 + "vpc_route.go",
        replace_on=paths("routeTableId destinationCidrBlock destinationIpv6CidrBlock destinationPrefixListId region"),
        note="A route's target (gateway, NAT gateway, interface...) is replaced in place (ReplaceRoute).",
    ),
    Rule(type="aws:ec2/routeTable:RouteTable", source=_EC2 + "vpc_route_table.go", replace_on=paths("vpcId region")),
    Rule(
        type="aws:ec2/routeTableAssociation:RouteTableAssociation",
        source=_EC2 + "vpc_route_table_association.go",
        replace_on=paths("gatewayId subnetId region"),
        note="`routeTableId` is applied in place (ReplaceRouteTableAssociation).",
    ),
    Rule(
        type="aws:ec2/securityGroup:SecurityGroup",
        source=_EC2 + "vpc_security_group.go",
        replace_on=paths("description name namePrefix vpcId region"),
    ),
    Rule(
        type="aws:ec2/subnet:Subnet",
        source=_EC2 + "vpc_subnet.go",
        replace_on=paths(
            "availabilityZone availabilityZoneId cidrBlock ipv4IpamPoolId ipv4NetmaskLength ipv6IpamPoolId "
            "ipv6Native ipv6NetmaskLength outpostArn vpcId region"
        ),
        conditional=(Conditional("ipv6CidrBlock", Outcome.REPLACE, subnet_ipv6_block_replaced),),
    ),
    Rule(
        type="aws:ec2/vpc:Vpc",
        source=_EC2 + "vpc_.go",
        replace_on=paths("cidrBlock ipv4IpamPoolId ipv4NetmaskLength region"),
        conditional=(Conditional("instanceTenancy", Outcome.REPLACE, vpc_tenancy_changed),),
    ),
    Rule(
        type="aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation",
        source=_EC2 + "vpc_ipv4_cidr_block_association.go",
        replace_on=paths("cidrBlock ipv4IpamPoolId ipv4NetmaskLength vpcId region"),
        note="No update: every argument is ForceNew.",
    ),
    Rule(
        type="aws:ec2/vpcEndpoint:VpcEndpoint",
        source=_EC2 + "vpc_endpoint.go",
        replace_on=paths(
            "dnsOptions.privateDnsPreference dnsOptions.privateDnsSpecifiedDomains resourceConfigurationArn "
            "serviceName serviceNetworkArn serviceRegion vpcEndpointType vpcId region"
        ),
        conditional=(Conditional("privateDnsEnabled", Outcome.REPLACE, endpoint_private_dns_changed),),
    ),
    Rule(type="aws:lb/listener:Listener", source=_ELB + "listener.go", replace_on=paths("loadBalancerArn region")),
    Rule(
        type="aws:lb/listenerRule:ListenerRule",
        source=_ELB + "listener_rule.go",
        replace_on=paths("listenerArn region"),
    ),
    Rule(
        type="aws:lb/loadBalancer:LoadBalancer",
        source=_ELB + "load_balancer.go",
        replace_on=paths("customerOwnedIpv4Pool internal loadBalancerType name namePrefix region"),
        conditional=(
            Conditional("subnets", Outcome.REPLACE, load_balancer_subnets_removed),
            Conditional("subnetMappings", Outcome.REPLACE, load_balancer_subnet_mappings_changed),
            Conditional("securityGroups", Outcome.REPLACE, load_balancer_security_groups_toggled),
            Conditional("secondaryIpsAutoAssignedPerSubnet", Outcome.REPLACE, load_balancer_secondary_ips_lowered),
        ),
        note="`secondaryIpsAutoAssignedPerSubnet` and `enablePrefixForIpv6SourceNat` are newer than the source read: "
        "the first follows the SDK's documentation (lowering it replaces), the second is left as an update, "
        "unverified. Replacing a load balancer with `enableDeletionProtection` fails when the old one is deleted.",
    ),
    Rule(
        type="aws:lb/targetGroup:TargetGroup",
        source=_ELB + "target_group.go",
        replace_on=paths("ipAddressType name namePrefix port protocol protocolVersion targetType vpcId region"),
        note="`targetControlPort` is newer than the source read: left as an update, unverified.",
    ),
    Rule(
        type="aws:lb/trustStore:TrustStore",
        source=_ELB + "trust_store.go",
        replace_on=paths("name namePrefix region"),
    ),
    Rule(
        type="aws:route53/record:Record",
        source=TERRAFORM_AWS + "internal/service/route53/record.go",
        replace_on=paths("name zoneId"),
        note="A new `type` or `setIdentifier` is applied by the update itself (delete and create in one change batch).",
    ),
    Rule(
        type="aws:route53/zone:Zone",
        source=TERRAFORM_AWS + "internal/service/route53/zone.go",
        replace_on=paths("delegationSetId name"),
        conditional=(Conditional("vpcs", Outcome.FAIL, zone_privacy_changed),),
    ),
    Rule(
        type="aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
        source=_EC2 + "vpc_security_group_ingress_rule.go",
        replace_on=paths("securityGroupId region"),
        conditional=_RULE_SOURCE_CHANGES,
        note="The egress rule shares the ingress rule's schema and ModifyPlan (securityGroupRuleResource).",
    ),
    Rule(
        type="aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        source=_EC2 + "vpc_security_group_ingress_rule.go",
        replace_on=paths("securityGroupId region"),
        conditional=_RULE_SOURCE_CHANGES,
    ),
)
