"""The VPC: public, private (nodes), data and pods' subnets in every zone, NAT, routes, the S3 endpoint and flow
logs. The pods' subnets are on the VPC's secondary range (`sentinel:network.podCidr`), routed like the private
subnets of their zone."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.base import Component, Platform, iam_document, service_trust
from components.config import TIERS, NetworkConfig, Tier
from components.kms import log_group_with_own_key

ANYWHERE = "0.0.0.0/0"


@dataclass(frozen=True, kw_only=True)
class NetworkArgs:
    config: NetworkConfig


def _discovery_tags(tier: Tier, cluster_name: str) -> dict[str, str]:
    """Tags by which EKS and load balancers find the subnets they may use; the data and pods' tiers are never
    theirs (the pods' subnets are named to the VPC CNI by ENIConfig, components/cluster_nodes.py)."""
    if tier in ("data", "pods"):
        return {}
    load_balancer_role = "kubernetes.io/role/elb" if tier == "public" else "kubernetes.io/role/internal-elb"
    return {f"kubernetes.io/cluster/{cluster_name}": "shared", load_balancer_role: "1"}


class Network(Component):
    vpc_id: pulumi.Output[str]
    vpc_cidr: str
    availability_zones: list[str]
    subnet_ids: dict[Tier, list[pulumi.Output[str]]]
    """Each tier's subnets, one per zone of `availability_zones`, in its order."""
    subnet_cidrs: dict[Tier, list[str]]
    private_route_table_ids: list[pulumi.Output[str]]
    nat_public_ips: list[pulumi.Output[str]]
    """The NAT gateways' Elastic IPs: every call the private subnets make to the internet comes from one of them."""

    def __init__(
        self, name: str, platform: Platform, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, platform, opts)
        config = args.config
        prefix = platform.name_prefix
        zones = config.availability_zones
        self.availability_zones = list(zones)
        self.subnet_cidrs = {tier: [str(cidr) for cidr in cidrs] for tier, cidrs in config.subnet_layout().items()}

        vpc = aws.ec2.Vpc(
            name,
            cidr_block=config.vpc_cidr,
            enable_dns_support=True,
            enable_dns_hostnames=True,
            tags={"Name": prefix},
            opts=self.child(),
        )
        self.vpc_id = vpc.id
        self.vpc_cidr = config.vpc_cidr
        pod_range = aws.ec2.VpcIpv4CidrBlockAssociation(
            f"{name}-pods", vpc_id=vpc.id, cidr_block=config.pod_cidr, opts=self.child()
        )

        # Managing the default group with no rules empties it: nothing can fall back on its allow-all rules.
        aws.ec2.DefaultSecurityGroup(
            f"{name}-default",
            vpc_id=vpc.id,
            ingress=[],
            egress=[],
            tags={"Name": f"{prefix}-default-unused"},
            opts=self.child(),
        )

        subnets: dict[Tier, list[aws.ec2.Subnet]] = {tier: [] for tier in TIERS}
        for tier in TIERS:
            for zone, cidr in zip(zones, self.subnet_cidrs[tier], strict=True):
                subnet_name = f"{name}-{tier}-{zone[-1]}"
                subnets[tier].append(
                    aws.ec2.Subnet(
                        subnet_name,
                        vpc_id=vpc.id,
                        cidr_block=cidr,
                        availability_zone=zone,
                        map_public_ip_on_launch=False,
                        tags={
                            "Name": f"{prefix}-{tier}-{zone[-1]}",
                            "Tier": tier,
                            **_discovery_tags(tier, platform.cluster_name),
                        },
                        # A subnet of the secondary range waits for the VPC to hold it.
                        opts=self.child(depends_on=[pod_range] if tier == "pods" else None),
                    )
                )
        self.subnet_ids = {tier: [subnet.id for subnet in subnets[tier]] for tier in TIERS}

        gateway = aws.ec2.InternetGateway(name, vpc_id=vpc.id, tags={"Name": prefix}, opts=self.child())
        public_routes = aws.ec2.RouteTable(
            f"{name}-public", vpc_id=vpc.id, tags={"Name": f"{prefix}-public", "Tier": "public"}, opts=self.child()
        )
        aws.ec2.Route(
            f"{name}-public-internet",
            route_table_id=public_routes.id,
            destination_cidr_block=ANYWHERE,
            gateway_id=gateway.id,
            opts=self.child(),
        )
        for subnet, zone in zip(subnets["public"], zones, strict=True):
            aws.ec2.RouteTableAssociation(
                f"{name}-public-{zone[-1]}", subnet_id=subnet.id, route_table_id=public_routes.id, opts=self.child()
            )

        # One NAT per zone keeps a zone's outage from cutting the others off; dev saves the cost with one.
        nat_zones = zones if config.nat_gateways == "perAz" else zones[:1]
        nat_ids: list[pulumi.Output[str]] = []
        self.nat_public_ips = []
        for zone, public_subnet in zip(nat_zones, subnets["public"], strict=False):
            address = aws.ec2.Eip(
                f"{name}-nat-{zone[-1]}", domain="vpc", tags={"Name": f"{prefix}-nat-{zone[-1]}"}, opts=self.child()
            )
            nat = aws.ec2.NatGateway(
                f"{name}-{zone[-1]}",
                allocation_id=address.allocation_id,
                subnet_id=public_subnet.id,
                connectivity_type="public",
                tags={"Name": f"{prefix}-{zone[-1]}"},
                opts=self.child(depends_on=[gateway]),
            )
            nat_ids.append(nat.id)
            self.nat_public_ips.append(address.public_ip)

        self.private_route_table_ids = []
        for index, (subnet, zone) in enumerate(zip(subnets["private"], zones, strict=True)):
            routes = aws.ec2.RouteTable(
                f"{name}-private-{zone[-1]}",
                vpc_id=vpc.id,
                tags={"Name": f"{prefix}-private-{zone[-1]}", "Tier": "private"},
                opts=self.child(),
            )
            aws.ec2.Route(
                f"{name}-private-{zone[-1]}-internet",
                route_table_id=routes.id,
                destination_cidr_block=ANYWHERE,
                nat_gateway_id=nat_ids[index % len(nat_ids)],
                opts=self.child(),
            )
            # The pods' subnet of the zone shares its routes: the pods' calls out of the VPC leave through the node,
            # NATed to its address (the VPC CNI's default), and the S3 endpoint serves both.
            for routed, tier in ((subnet, "private"), (subnets["pods"][index], "pods")):
                aws.ec2.RouteTableAssociation(
                    f"{name}-{tier}-{zone[-1]}", subnet_id=routed.id, route_table_id=routes.id, opts=self.child()
                )
            self.private_route_table_ids.append(routes.id)

        # No route but the VPC's own: the data tier can neither reach nor be reached from the internet.
        data_routes = aws.ec2.RouteTable(
            f"{name}-data", vpc_id=vpc.id, tags={"Name": f"{prefix}-data", "Tier": "data"}, opts=self.child()
        )
        for subnet, zone in zip(subnets["data"], zones, strict=True):
            aws.ec2.RouteTableAssociation(
                f"{name}-data-{zone[-1]}", subnet_id=subnet.id, route_table_id=data_routes.id, opts=self.child()
            )

        # S3 traffic (image layers, uploads, backups) stays on the AWS network and costs no NAT processing.
        aws.ec2.VpcEndpoint(
            f"{name}-s3",
            vpc_id=vpc.id,
            service_name=f"com.amazonaws.{platform.region}.s3",
            vpc_endpoint_type="Gateway",
            route_table_ids=self.private_route_table_ids,
            tags={"Name": f"{prefix}-s3"},
            opts=self.child(),
        )

        self._flow_logs(name, args.config, vpc)
        self.register_outputs(
            {
                "vpcId": self.vpc_id,
                "publicSubnetIds": self.subnet_ids["public"],
                "privateSubnetIds": self.subnet_ids["private"],
                "dataSubnetIds": self.subnet_ids["data"],
                "podSubnetIds": self.subnet_ids["pods"],
                "natPublicIps": self.nat_public_ips,
            }
        )

    def _flow_logs(self, name: str, config: NetworkConfig, vpc: aws.ec2.Vpc) -> None:
        platform = self.platform
        log_group_name = f"/aws/vpc/{platform.name_prefix}/flow-logs"
        log_group = log_group_with_own_key(
            self,
            f"{name}-flow-logs",
            log_group_name,
            config.flow_log_retention_days,
            key_name=f"{name}-flow-logs",
            key_description=f"VPC flow logs of {platform.name_prefix}",
            key_purpose="flow-logs",
            audit=True,
        )
        role = self.role(
            f"{name}-flow-logs", "flow-logs", service_trust("vpc-flow-logs.amazonaws.com", platform.account_id)
        )
        role_policy = aws.iam.RolePolicy(
            f"{name}-flow-logs",
            role=role.id,
            policy=iam_document(
                [
                    {
                        "Effect": "Allow",
                        "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                        "Resource": [log_group.arn, pulumi.Output.concat(log_group.arn, ":*")],
                    },
                    {
                        # The service looks its destination up before delivering; listing reveals no log data.
                        "Effect": "Allow",
                        "Action": "logs:DescribeLogGroups",
                        "Resource": self.log_group_arn("*"),
                    },
                ]
            ),
            opts=self.child(),
        )
        aws.ec2.FlowLog(
            name,
            vpc_id=vpc.id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=log_group.arn,
            iam_role_arn=role.arn,
            max_aggregation_interval=60,
            tags={"Name": platform.name("flow-logs")},
            # Delivery starts with the flow log, with the role: its permissions must be in place by then.
            opts=self.child(depends_on=[role_policy]),
        )
