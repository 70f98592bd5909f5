"""Times the Sentinel policy pack over synthetic stacks of 1k, 5k and 10k resources.

Each stack repeats a block of about 70 compliant resources with the production mix: a provider, network,
security groups and prefix lists, an RDS primary with replicas and proxy, cache, buckets, EFS, logs and
alarms, a node group, three apps (Deployment, HPA, PDB, Service, ConfigMap) and a Cloudflare zone. The
policies run under the prod policy config, so every one of them is enforced.

    .venv/bin/python scripts/bench_policies.py [--runs N] [--sizes 1000 5000 10000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a file, the script has its own directory on the path, not the repository root that holds `offline`.
sys.path.insert(0, str(ROOT))

from offline.graph import Graph  # noqa: E402 - needs the path set above
from offline.policy import evaluate  # noqa: E402
from offline.policy_config import load_policy_config  # noqa: E402
from tests.policy_builders import GraphBuilder, ref  # noqa: E402
from tests.policy_builders_aws import (  # noqa: E402
    aws_provider,
    bucket,
    ingress,
    launch_template,
    network,
    node_group,
    parameter_group,
    prefix_list,
    rds_primary,
    rds_proxy,
    rds_replica,
    security_group,
    tls_only_policy,
)
from tests.policy_builders_cloudflare import MANAGED_WAF_RULE, RATE_LIMIT_RULE, cloudflare_zone, ruleset  # noqa: E402
from tests.policy_builders_kubernetes import config_map, container, deployment, hpa, pdb  # noqa: E402

TARGET_SECONDS_AT_10K = 2.0
APPS = ("web", "api", "admin")


def add_block(builder: GraphBuilder, index: int) -> None:
    """One copy of the production mix; `index` keeps names, namespaces and zones apart."""
    builder.prefix = f"b{index}-"
    namespace, zone_id = f"apps-{index}", f"zone-{index}"
    builder.aws_provider = aws_provider(builder)
    subnets = network(builder)
    alb, webapp, database = (security_group(builder, role) for role in ("alb", "webapp", "database"))
    cloudflare = prefix_list(builder, "cloudflare-ipv4", ["173.245.48.0/20", "103.21.244.0/22"])
    for port in (80, 443):
        ingress(builder, alb, port, prefix_list=cloudflare)
    ingress(builder, webapp, 30080, peer=alb)
    ingress(builder, database, 5432, peer=webapp)
    parameters = parameter_group(builder)
    db_subnets = builder.add("aws:rds/subnetGroup:SubnetGroup", "db", {"subnetIds": [ref(subnets.private_subnet)]})
    primary = rds_primary(builder, parameters=parameters, dbSubnetGroupName=ref(db_subnets))
    for number, zone in enumerate(("us-east-1b", "us-east-1c"), start=1):
        rds_replica(builder, primary, zone, number=number, parameters=parameters)
    rds_proxy(builder, primary)
    for name in ("uploads", "backups"):
        bucket(builder, name)
    file_system = builder.add("aws:efs/fileSystem:FileSystem", "shared", {"encrypted": True}, protect=True)
    builder.add(
        "aws:efs/fileSystemPolicy:FileSystemPolicy",
        "shared",
        {"fileSystemId": ref(file_system), "policy": tls_only_policy("elasticfilesystem")},
    )
    builder.add(
        "aws:efs/mountTarget:MountTarget",
        "shared-a",
        {"fileSystemId": ref(file_system), "subnetId": ref(subnets.private_subnet)},
    )
    key = builder.add("aws:kms/key:Key", "logs", {"enableKeyRotation": True}, protect=True)
    builder.add("aws:cloudwatch/logGroup:LogGroup", "app", {"kmsKeyId": ref(key), "retentionInDays": 90})
    builder.add("aws:cloudwatch/metricAlarm:MetricAlarm", "cpu", {"alarmActions": ["arn:aws:sns:us-east-1:1:a"]})
    launch_template(builder)
    node_group(builder, max_size=20)
    config_map(builder, "env", {"DATABASE_POOL_SIZE": "5"}, namespace=namespace)
    for app in APPS:
        app_container = container(app, envFrom=[{"configMapRef": {"name": "env"}}])
        hpa(builder, deployment(builder, app, [app_container], namespace=namespace), max_replicas=4)
        pdb(builder, app, namespace=namespace)
        builder.add(
            "kubernetes:core/v1:Service",
            f"{app}-service",
            {"metadata": {"namespace": namespace}, "spec": {"type": "NodePort", "selector": {"app": app}}},
        )
    cloudflare_zone(builder, zone_id)
    ruleset(builder, "http_request_firewall_managed", [MANAGED_WAF_RULE], zone_id)
    ruleset(builder, "http_ratelimit", [RATE_LIMIT_RULE], zone_id)


def synthetic_graph(size: int) -> Graph:
    builder = GraphBuilder()
    index = 0
    while len(builder) < size:
        add_block(builder, index)
        index += 1
    return builder.build()


def median_seconds(graph: Graph, config: dict[str, object], runs: int) -> float:
    """The median time of `runs` evaluations."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        evaluate(graph, config)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Times the Sentinel policy pack over synthetic stacks.")
    parser.add_argument("--runs", type=int, default=3, help="runs per size; the median is reported")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 10000])
    args = parser.parse_args(argv)
    config = load_policy_config("prod")
    print(f"{'resources':>9}  {'seconds':>7}  {'us/resource':>11}  violations")
    for size in args.sizes:
        graph = synthetic_graph(size)
        violations = len(evaluate(graph, config))
        seconds = median_seconds(graph, config, args.runs)
        print(f"{len(graph):>9}  {seconds:>7.3f}  {seconds / len(graph) * 1e6:>11.1f}  {violations}")
        if len(graph) >= 10000 and seconds > TARGET_SECONDS_AT_10K:
            print(f"too slow: over {TARGET_SECONDS_AT_10K} s at 10k resources", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
