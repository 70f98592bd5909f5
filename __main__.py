"""Project Sentinel's platform: read the stack's config, wire the components, export what operators need.

One line per component, in dependency order; each takes the platform, its own config section and the
outputs of the components before it.
"""

import pulumi

from components import config as stack_config
from components.base import Platform, aws_provider, cloudflare_provider
from components.certificate import Certificate, CertificateArgs
from components.edge import Edge, EdgeArgs
from components.network import Network, NetworkArgs
from components.security import Security, SecurityArgs

config = stack_config.load()
platform = Platform.of(config)
aws = aws_provider(config, pulumi.get_stack())
on_aws = pulumi.ResourceOptions(providers=[aws])
on_cloudflare = pulumi.ResourceOptions(providers=[cloudflare_provider(stack_config.load_cloudflare_api_token())])
on_aws_and_cloudflare = pulumi.ResourceOptions.merge(on_aws, on_cloudflare)

network = Network("network", platform, NetworkArgs(config.network), opts=on_aws)
security = Security("security", platform, SecurityArgs(network.vpc_id, config.apps, config.cloudflare), opts=on_aws)
# Tier 11, the edge. The ingress (ALB) takes certificate.arn; the edge then takes the ALB's DNS name.
certificate = Certificate(
    "certificate", platform, CertificateArgs(config.domain, config.apps, config.cloudflare), opts=on_aws_and_cloudflare
)
edge = Edge("edge", platform, EdgeArgs(config.domain, config.apps, config.cloudflare), opts=on_cloudflare)

pulumi.export("vpcId", network.vpc_id)
pulumi.export("subnetIds", network.subnet_ids)
pulumi.export("securityGroupIds", security.group_ids)
pulumi.export("certificateArn", certificate.arn)
