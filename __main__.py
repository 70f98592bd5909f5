"""Project Sentinel's platform: read the stack's config, wire the components, export what operators need."""

import pulumi

from components import config as stack_config
from components.base import aws_provider
from components.network import Network, NetworkArgs
from components.security import Security, SecurityArgs

config = stack_config.load()
on_aws = pulumi.ResourceOptions(providers=[aws_provider(config, pulumi.get_stack())])

network = Network(
    "network",
    NetworkArgs(
        name_prefix=config.name_prefix,
        cluster_name=config.name_prefix,
        region=config.region,
        account_id=config.account_id,
        config=config.network,
        protect=config.is_prod,
    ),
    opts=on_aws,
)
security = Security(
    "security",
    SecurityArgs(
        name_prefix=config.name_prefix,
        vpc_id=network.vpc_id,
        app_ports={app: settings.node_port for app, settings in config.apps.items()},
        cloudflare_ipv4_ranges=config.cloudflare.ipv4_ranges,
        cloudflare_ipv6_ranges=config.cloudflare.ipv6_ranges,
    ),
    opts=on_aws,
)

pulumi.export("vpcId", network.vpc_id)
pulumi.export("subnetIds", network.subnet_ids)
pulumi.export("securityGroupIds", security.group_ids)
