"""The conditional replacement rules of the AWS network and edge (offline/replacements/aws_network.py)."""

from __future__ import annotations

from offline.replacements.aws_network import (
    endpoint_private_dns_changed,
    instance_architecture_changed,
    instance_launch_template_version_moved,
    instance_primary_ipv6_disabled,
    instance_user_data_replaces,
    load_balancer_secondary_ips_lowered,
    load_balancer_security_groups_toggled,
    load_balancer_subnet_mappings_changed,
    load_balancer_subnets_removed,
    nat_private_address_count_changed,
    nat_regional_mode_switched,
    security_group_rule_source_changed,
    subnet_ipv6_block_replaced,
    vpc_tenancy_changed,
    zone_privacy_changed,
)

_UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
_NLB = {"loadBalancerType": "network"}
_MAPPING_A, _MAPPING_B, _MAPPING_C = ({"subnetId": f"subnet-{zone}"} for zone in "abc")


def test_instance_type_of_another_architecture_replaces() -> None:
    assert instance_architecture_changed({"instanceType": "t3.small"}, {"instanceType": "t4g.small"}) is not None
    assert instance_architecture_changed({"instanceType": "m7gd.large"}, {"instanceType": "m7i.large"}) is not None
    assert instance_architecture_changed({"instanceType": "mac1.metal"}, {"instanceType": "mac2.metal"}) is not None


def test_instance_type_of_the_same_architecture_resizes_in_place() -> None:
    assert instance_architecture_changed({"instanceType": "t3.small"}, {"instanceType": "m7i.large"}) is None
    assert instance_architecture_changed({"instanceType": "t4g.small"}, {"instanceType": "c7gn.xlarge"}) is None
    assert instance_architecture_changed({"instanceType": "g4dn.xlarge"}, {"instanceType": "p5.48xlarge"}) is None
    assert instance_architecture_changed({}, {"instanceType": "t4g.small"}) is None


def test_user_data_replaces_only_with_replace_on_change() -> None:
    old = {"userData": "#!/bin/sh\necho a"}
    assert instance_user_data_replaces(old, {"userData": "#!/bin/sh\necho b", "userDataReplaceOnChange": True})
    assert instance_user_data_replaces(old, {"userData": "#!/bin/sh\necho b"}) is None
    assert instance_user_data_replaces(old, {**old, "userDataReplaceOnChange": True}) is None


def test_another_launch_template_version_replaces_the_instance() -> None:
    old = {"launchTemplate": {"id": "lt-1", "version": "1"}}
    assert instance_launch_template_version_moved(old, {"launchTemplate": {"id": "lt-1", "version": "2"}})
    assert instance_launch_template_version_moved(old, {"launchTemplate": {"id": "lt-1", "version": _UNKNOWN}})
    assert instance_launch_template_version_moved(old, {"launchTemplate": [{"id": "lt-1", "version": "$Latest"}]})


def test_the_same_launch_template_version_does_not_replace() -> None:
    old = {"launchTemplate": {"id": "lt-1", "version": "1"}}
    assert instance_launch_template_version_moved(old, {"launchTemplate": {"id": "lt-1", "version": 1}}) is None
    assert instance_launch_template_version_moved({}, old) is None


def test_disabling_the_primary_ipv6_address_replaces() -> None:
    assert instance_primary_ipv6_disabled({"enablePrimaryIpv6": True}, {"enablePrimaryIpv6": False}) is not None
    assert instance_primary_ipv6_disabled({"enablePrimaryIpv6": True}, {}) is not None


def test_enabling_or_keeping_the_primary_ipv6_address_does_not_replace() -> None:
    assert instance_primary_ipv6_disabled({}, {"enablePrimaryIpv6": True}) is None
    assert instance_primary_ipv6_disabled({"enablePrimaryIpv6": True}, {"enablePrimaryIpv6": True}) is None


def test_vpc_tenancy_replaces_except_dedicated_to_default() -> None:
    assert vpc_tenancy_changed({}, {"instanceTenancy": "dedicated"}) is not None
    assert vpc_tenancy_changed({"instanceTenancy": "dedicated"}, {"instanceTenancy": "default"}) is None
    assert vpc_tenancy_changed({"instanceTenancy": "dedicated"}, {}) is None
    assert vpc_tenancy_changed({}, {"instanceTenancy": "default"}) is None


def test_new_ipv6_block_replaces_a_subnet_that_assigns_ipv6() -> None:
    old = {"ipv6CidrBlock": "2600:1f18::/64", "assignIpv6AddressOnCreation": True}
    assert subnet_ipv6_block_replaced(old, {**old, "ipv6CidrBlock": "2600:1f18:0:1::/64"}) is not None


def test_new_ipv6_block_updates_a_subnet_that_does_not_assign_ipv6() -> None:
    old = {"ipv6CidrBlock": "2600:1f18::/64"}
    assert subnet_ipv6_block_replaced(old, {"ipv6CidrBlock": "2600:1f18:0:1::/64"}) is None
    assert (
        subnet_ipv6_block_replaced({"assignIpv6AddressOnCreation": True}, {"assignIpv6AddressOnCreation": True}) is None
    )


def test_private_dns_change_replaces_a_gateway_endpoint_only() -> None:
    assert endpoint_private_dns_changed({}, {"privateDnsEnabled": True}) is not None
    interface = {"vpcEndpointType": "Interface"}
    assert endpoint_private_dns_changed(interface, {**interface, "privateDnsEnabled": True}) is None
    assert endpoint_private_dns_changed({"privateDnsEnabled": True}, {"privateDnsEnabled": True}) is None


def test_private_nat_secondary_address_count_replaces() -> None:
    old = {"connectivityType": "private", "secondaryPrivateIpAddressCount": 1}
    assert nat_private_address_count_changed(old, {**old, "secondaryPrivateIpAddressCount": 2}) is not None


def test_public_or_unset_nat_secondary_address_count_does_not_replace() -> None:
    old = {"connectivityType": "public", "secondaryPrivateIpAddressCount": 1}
    assert nat_private_address_count_changed(old, {**old, "secondaryPrivateIpAddressCount": 2}) is None
    private = {"connectivityType": "private", "secondaryPrivateIpAddressCount": 1}
    assert nat_private_address_count_changed(private, {"connectivityType": "private"}) is None


def test_regional_nat_switching_between_automatic_and_listed_zones_replaces() -> None:
    regional = {"availabilityMode": "regional"}
    listed = {**regional, "availabilityZoneAddresses": [{"availabilityZone": "us-east-1a", "allocationIds": ["a"]}]}
    assert nat_regional_mode_switched(regional, listed) is not None
    assert nat_regional_mode_switched(listed, regional) is not None


def test_regional_nat_changing_listed_zones_does_not_replace() -> None:
    regional = {"availabilityMode": "regional"}
    one = {**regional, "availabilityZoneAddresses": [{"availabilityZone": "us-east-1a"}]}
    two = {**regional, "availabilityZoneAddresses": [{"availabilityZone": "us-east-1a"}, {"availabilityZone": "b"}]}
    assert nat_regional_mode_switched(one, two) is None
    assert nat_regional_mode_switched({}, {"availabilityZoneAddresses": [{"availabilityZone": "us-east-1a"}]}) is None


def test_network_load_balancer_losing_or_swapping_subnets_replaces() -> None:
    old = {**_NLB, "subnets": ["subnet-a", "subnet-b"]}
    assert load_balancer_subnets_removed(old, {**_NLB, "subnets": ["subnet-a"]}) is not None
    assert load_balancer_subnets_removed(old, {**_NLB, "subnets": ["subnet-a", "subnet-c"]}) is not None


def test_network_load_balancer_gaining_subnets_or_application_load_balancer_does_not_replace() -> None:
    old = {**_NLB, "subnets": ["subnet-a"]}
    assert load_balancer_subnets_removed(old, {**_NLB, "subnets": ["subnet-a", "subnet-b"]}) is None
    assert load_balancer_subnets_removed({"subnets": ["subnet-a", "subnet-b"]}, {"subnets": ["subnet-a"]}) is None


def test_subnet_mapping_changes_a_load_balancer_cannot_apply_replace() -> None:
    assert load_balancer_subnet_mappings_changed({"subnetMappings": [_MAPPING_A]}, {"subnetMappings": [_MAPPING_B]})
    two = {**_NLB, "subnetMappings": [_MAPPING_A, _MAPPING_B]}
    assert load_balancer_subnet_mappings_changed(two, {**_NLB, "subnetMappings": [_MAPPING_A]}) is not None
    grown = {"subnetMappings": [_MAPPING_B, _MAPPING_C]}
    assert load_balancer_subnet_mappings_changed({"subnetMappings": [_MAPPING_A]}, grown) is not None


def test_added_mappings_or_an_application_load_balancer_dropping_one_are_applied_in_place() -> None:
    one, two = [_MAPPING_A], [_MAPPING_A, _MAPPING_B]
    assert (
        load_balancer_subnet_mappings_changed({**_NLB, "subnetMappings": one}, {**_NLB, "subnetMappings": two}) is None
    )
    assert load_balancer_subnet_mappings_changed({"subnetMappings": two}, {"subnetMappings": one}) is None


def test_network_load_balancer_adding_first_or_removing_last_security_group_replaces() -> None:
    assert load_balancer_security_groups_toggled(_NLB, {**_NLB, "securityGroups": ["sg-1"]}) is not None
    assert load_balancer_security_groups_toggled({**_NLB, "securityGroups": ["sg-1"]}, _NLB) is not None


def test_swapping_security_groups_or_application_load_balancer_does_not_replace() -> None:
    old = {**_NLB, "securityGroups": ["sg-1"]}
    assert load_balancer_security_groups_toggled(old, {**_NLB, "securityGroups": ["sg-2"]}) is None
    assert load_balancer_security_groups_toggled({}, {"securityGroups": ["sg-1"]}) is None


def test_lowering_secondary_ips_replaces_a_network_load_balancer() -> None:
    old = {**_NLB, "secondaryIpsAutoAssignedPerSubnet": 3}
    assert load_balancer_secondary_ips_lowered(old, {**_NLB, "secondaryIpsAutoAssignedPerSubnet": 1}) is not None
    assert load_balancer_secondary_ips_lowered(old, _NLB) is not None


def test_raising_secondary_ips_does_not_replace() -> None:
    old = {**_NLB, "secondaryIpsAutoAssignedPerSubnet": 1}
    assert load_balancer_secondary_ips_lowered(old, {**_NLB, "secondaryIpsAutoAssignedPerSubnet": 3}) is None


def test_security_group_rule_changing_source_kind_replaces() -> None:
    old = {"securityGroupId": "sg-1", "prefixListId": "pl-1"}
    assert security_group_rule_source_changed(old, {"securityGroupId": "sg-1", "cidrIpv4": "10.0.0.0/8"}) is not None


def test_security_group_rule_changing_source_of_the_same_kind_updates() -> None:
    old = {"securityGroupId": "sg-1", "cidrIpv4": "10.0.0.0/16"}
    assert security_group_rule_source_changed(old, {"securityGroupId": "sg-1", "cidrIpv4": "10.1.0.0/16"}) is None


def test_zone_turning_private_or_public_fails() -> None:
    private = {"name": "sentinel-prod.internal", "vpcs": [{"vpcId": "vpc-1"}]}
    public = {"name": "sentinel-prod.internal"}
    assert zone_privacy_changed(private, {**private, "vpcs": []}) is not None
    assert zone_privacy_changed(public, private) is not None


def test_zone_moving_between_vpcs_or_being_replaced_does_not_fail() -> None:
    private = {"name": "sentinel-prod.internal", "vpcs": [{"vpcId": "vpc-1"}]}
    assert zone_privacy_changed(private, {**private, "vpcs": [{"vpcId": "vpc-2"}]}) is None
    assert zone_privacy_changed(private, {"name": "other.internal"}) is None
