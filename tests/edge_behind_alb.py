"""The tests' program: the certificate and the edge in front of an ALB, wired as `__main__.py` wires them (the ALB as
the records' origin and a NAT gateway's address into the edge). Run by `offline.run(stack, program=PROGRAM)`."""

from pathlib import Path

import pulumi
import pulumi_aws as aws

from components import config as stack_config
from components.base import Platform, aws_provider, cloudflare_provider
from components.certificate import Certificate, CertificateArgs
from components.edge import Edge, EdgeArgs

PROGRAM = Path(__file__)

if __name__ == "__main__":
    config = stack_config.load()
    platform = Platform.of(config)
    on_aws = pulumi.ResourceOptions(providers=[aws_provider(config, pulumi.get_stack())])
    on_cloudflare = pulumi.ResourceOptions(providers=[cloudflare_provider(stack_config.load_cloudflare_api_token())])
    certificate = Certificate(
        "certificate",
        platform,
        CertificateArgs(domain=config.domain, apps=config.apps, cloudflare=config.cloudflare),
        opts=pulumi.ResourceOptions.merge(on_aws, on_cloudflare),
    )
    alb = aws.lb.LoadBalancer("alb", load_balancer_type="application", opts=on_aws)
    nat_address = aws.ec2.Eip("nat", domain="vpc", opts=on_aws)
    Edge(
        "edge",
        platform,
        EdgeArgs(
            domain=config.domain,
            apps=config.apps,
            cloudflare=config.cloudflare,
            # The load balancer resource itself: an Origin is anything with a DNS name.
            origin=alb,
            nat_public_ips=[nat_address.public_ip],
        ),
        opts=on_cloudflare,
    )
    pulumi.export("certificateArn", certificate.arn)
