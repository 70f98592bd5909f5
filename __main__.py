"""Project Sentinel's platform: read the stack's config, wire the components, export what operators need.

One line per component, in dependency order; each takes the platform, its own config section and the
outputs of the components before it.
"""

import pulumi

from components import config as stack_config
from components.base import Platform, aws_provider
from components.cache import Cache, CacheArgs
from components.database import Database, DatabaseArgs
from components.dns import Dns, DnsArgs
from components.network import Network, NetworkArgs
from components.security import Security, SecurityArgs

config = stack_config.load()
platform = Platform.of(config)
on_aws = pulumi.ResourceOptions(providers=[aws_provider(config, pulumi.get_stack())])

network = Network("network", platform, NetworkArgs(config.network), opts=on_aws)
security = Security("security", platform, SecurityArgs(network.vpc_id, config.apps, config.cloudflare), opts=on_aws)
# Data tier. The alarm topic comes with the observability tier: until then, no event subscriptions.
zones, data_subnets, groups = config.network.availability_zones, network.subnet_ids["data"], security.group_ids
database = Database(
    "database",
    platform,
    DatabaseArgs(config.database, zones, data_subnets, groups["database"], groups["proxy"], alarm_topic_arn=None),
    opts=on_aws,
)
cache = Cache(
    "cache", platform, CacheArgs(config.cache, zones, data_subnets, groups["cache"], alarm_topic_arn=None), opts=on_aws
)
dns = Dns(
    "dns",
    platform,
    DnsArgs(
        network.vpc_id,
        database.writer_endpoint,
        database.reader_endpoint,
        cache.primary_endpoint,
        cache.reader_endpoint,
    ),
    opts=on_aws,
)

pulumi.export("vpcId", network.vpc_id)
pulumi.export("subnetIds", network.subnet_ids)
pulumi.export("securityGroupIds", security.group_ids)
# Data tier: the apps' connection URLs (secret), the secrets holding the credentials, the operators' names.
pulumi.export("DATABASE_URL", database.url)
pulumi.export("DATABASE_READ_REPLICA_URL", database.read_replica_url)
pulumi.export("REDIS_URL", cache.url)
pulumi.export("databaseSecretArn", database.secret_arn)
pulumi.export("cacheSecretArn", cache.secret_arn)
pulumi.export("privateNames", dns.names)
