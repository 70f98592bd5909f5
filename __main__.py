"""Project Sentinel's platform: read the stack's config, wire the components, export what operators need.

One line per component, in dependency order; each takes the platform, its own config section and the
outputs of the components before it.
"""

import pulumi

from components import config as stack_config
from components.base import Platform, aws_provider
from components.monitoring import Monitoring, MonitoringArgs
from components.network import Network, NetworkArgs
from components.security import Security, SecurityArgs

config = stack_config.load()
platform = Platform.of(config)
on_aws = pulumi.ResourceOptions(providers=[aws_provider(config, pulumi.get_stack())])

network = Network("network", platform, NetworkArgs(config.network), opts=on_aws)
security = Security("security", platform, SecurityArgs(network.vpc_id, config.apps, config.cloudflare), opts=on_aws)
# tier: observability. The alarm topic the data tier and backups notify; pass the tiers' metrics as they land.
monitoring = Monitoring("monitoring", platform, MonitoringArgs(config.monitoring), opts=on_aws)

pulumi.export("vpcId", network.vpc_id)
pulumi.export("subnetIds", network.subnet_ids)
pulumi.export("securityGroupIds", security.group_ids)
pulumi.export("alarmTopicArn", monitoring.topic_arn)  # tier: observability
pulumi.export("dashboardName", monitoring.dashboard_name)  # tier: observability
