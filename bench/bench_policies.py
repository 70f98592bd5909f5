"""Times the Sentinel policy pack (`evaluate` of offline/policy.py) over synthetic stacks of 1k, 5k and 10k
resources, and checks that its time grows linearly and stays within the target at 10k.

Each stack repeats a block of about 80 resources with the production mix, every copy compliant under the prod
policy config (so every policy is enforced and none reports): the AWS provider, network, security groups and
prefix lists, a KMS key, an Aurora cluster with its readers and proxy and the log groups they write to, the seed's
alarms and a replica-lag alarm per reader, versioned and logged buckets, EFS, a node group and its launch template,
three apps (Deployment, HPA, PDB, Service) with their ConfigMap, and a Cloudflare zone with its rulesets.

    .venv/bin/python bench/bench_policies.py [--runs N] [--sizes 1000 5000 10000]
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a file, the script has its own directory on the path, not the repository root that holds `offline`.
sys.path.insert(0, str(ROOT))

from facts.metrics import APP_METRICS_NAMESPACE, RESPONSE_TIME_METRIC  # noqa: E402 - needs the path set above
from facts.origin_authentication import ORIGIN_HEADER  # noqa: E402
from facts.seed_alarms import SEED_ALARMS, SeedAlarm  # noqa: E402
from facts.seed_autoscaling import SEED_CPU_TARGET_PERCENT  # noqa: E402
from offline.graph import Graph, Resource  # noqa: E402
from offline.policy import evaluate  # noqa: E402
from offline.policy_config import load_policy_config  # noqa: E402
from tests.policy_builders import GraphBuilder, ref  # noqa: E402
from tests.policy_builders_aws import (  # noqa: E402
    Network,
    aws_provider,
    bucket,
    ingress,
    launch_template,
    network,
    node_group,
    prefix_list,
    security_group,
    tls_only_policy,
)
from tests.policy_builders_cloudflare import MANAGED_WAF_RULE, RATE_LIMIT_RULE, cloudflare_zone, ruleset  # noqa: E402
from tests.policy_builders_kubernetes import APPS, config_map, container, deployment, pdb  # noqa: E402

SIZES = (1000, 5000, 10000)
TARGET_SECONDS_AT_10K = 2.0
# Linear: a resource costs about the same at every size. A garbage collection or the machine's load moves the cost
# per resource by some tens of percent, so up to 1.5x the smallest stack's at the largest counts as linear; time
# that grows with the square of the stack would cost 10x.
LINEARITY_TOLERANCE = 1.5
ZONES = ("us-east-1a", "us-east-1b", "us-east-1c")
BREAK_GLASS_ROLE = "arn:aws:iam::123456789012:role/sentinel-break-glass"
ALARM_ACTIONS = ["arn:aws:sns:us-east-1:123456789012:sentinel-alarms"]
ORIGIN_SECRET_RULE = {
    "action": "rewrite",
    "expression": "true",
    "actionParameters": {"headers": {ORIGIN_HEADER: {"operation": "set", "value": "secret"}}},
}
GLACIER_RULE = {"id": "archive", "status": "Enabled", "transitions": [{"days": 30, "storageClass": "GLACIER"}]}


@dataclass(frozen=True)
class PolicyTiming:
    """The median time of `evaluate` over a synthetic stack of `resources` resources."""

    resources: int
    seconds: float
    violations: int

    @property
    def microseconds_per_resource(self) -> float:
        return self.seconds / self.resources * 1e6


def key_policy() -> str:
    """A key policy that leaves disabling or deleting the key to the break-glass role alone."""
    guard = {
        "Sid": "OnlyBreakGlassDestroys",
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": ["kms:ScheduleKeyDeletion", "kms:DisableKey"],
        "Resource": "*",
        "Condition": {"ArnNotEquals": {"aws:PrincipalArn": BREAK_GLASS_ROLE}},
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [guard]})


def alarm(builder: GraphBuilder, name: str, namespace: str, metric: str, **inputs: object) -> Resource:
    return builder.add(
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        name,
        {
            "name": f"{builder.prefix}{name}",
            "namespace": namespace,
            "metricName": metric,
            "statistic": "Average",
            "comparisonOperator": "GreaterThanThreshold",
            "alarmActions": ALARM_ACTIONS,
            **inputs,
        },
    )


def seed_alarm(builder: GraphBuilder, seed: SeedAlarm, namespace: str, metric: str, **dimensions: str) -> Resource:
    numbers = SEED_ALARMS[seed]
    return alarm(
        builder,
        seed,
        namespace,
        metric,
        threshold=numbers["threshold"],
        period=numbers["periodSeconds"],
        evaluationPeriods=numbers["evaluationPeriods"],
        dimensions=dimensions or None,
    )


def log_group(builder: GraphBuilder, name: str, key: Resource) -> Resource:
    return builder.add(
        "aws:cloudwatch/logGroup:LogGroup",
        name.strip("/").replace("/", "-"),
        {"name": name, "kmsKeyId": ref(key, "arn"), "retentionInDays": 90},
    )


def add_database(builder: GraphBuilder, index: int, key: Resource, subnets: Network) -> None:
    """An Aurora cluster of a writer and two readers in the private subnets behind a TLS-only proxy, each writing to
    a log group of the stack's, with a replica-lag alarm per reader."""
    identifier = f"sentinel-database-{index}"
    subnet_group = builder.add(
        "aws:rds/subnetGroup:SubnetGroup",
        "database",
        {"name": f"{identifier}-subnets", "subnetIds": [ref(subnets.private_subnet)]},
    )
    parameters = builder.add(
        "aws:rds/clusterParameterGroup:ClusterParameterGroup",
        "cluster-parameters",
        {
            "name": f"{identifier}-parameters",
            "family": "aurora-postgresql16",
            "parameters": [{"name": "rds.force_ssl", "value": "1"}],
        },
    )
    cluster = builder.add(
        "aws:rds/cluster:Cluster",
        "database",
        {
            "clusterIdentifier": identifier,
            "engine": "aurora-postgresql",
            "dbClusterParameterGroupName": ref(parameters, "name"),
            "enabledCloudwatchLogsExports": ["postgresql"],
            "dbSubnetGroupName": ref(subnet_group, "name"),
            "storageEncrypted": True,
            "kmsKeyId": ref(key, "arn"),
            "backupRetentionPeriod": 30,
            "deletionProtection": True,
            "skipFinalSnapshot": False,
            "finalSnapshotIdentifier": f"{identifier}-final",
        },
        depends_on=[log_group(builder, f"/aws/rds/cluster/{identifier}/postgresql", key)],
        protect=True,
    )
    for number, zone in enumerate(ZONES, start=1):
        instance = builder.add(
            "aws:rds/clusterInstance:ClusterInstance",
            f"database-{number}",
            {
                "identifier": f"{identifier}-{number}",
                "clusterIdentifier": ref(cluster, "clusterIdentifier"),
                "instanceClass": "db.r7g.large",
                "availabilityZone": zone,
                "promotionTier": 0 if number == 1 else 1,
            },
            protect=True,
        )
        if number > 1:
            alarm(
                builder,
                f"{identifier}-{number}-replica-lag",
                "AWS/RDS",
                "AuroraReplicaLag",
                threshold=1000,
                period=60,
                evaluationPeriods=5,
                dimensions={"DBInstanceIdentifier": ref(instance, "identifier")},
            )
    proxy_name = f"{identifier}-proxy"
    proxy = builder.add(
        "aws:rds/proxy:Proxy",
        "proxy",
        {"name": proxy_name, "engineFamily": "POSTGRESQL", "requireTls": True},
        depends_on=[log_group(builder, f"/aws/rds/proxy/{proxy_name}", key)],
    )
    builder.add(
        "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup",
        "proxy",
        {"dbProxyName": ref(proxy, "name"), "connectionPoolConfig": {"maxConnectionsPercent": 90}},
    )
    builder.add(
        "aws:rds/proxyTarget:ProxyTarget",
        "proxy",
        {"dbProxyName": ref(proxy, "name"), "dbClusterIdentifier": ref(cluster, "clusterIdentifier")},
    )


def add_buckets(builder: GraphBuilder, index: int) -> None:
    """The log bucket and the buckets that log to it, each versioned; the backups bucket moves to Glacier."""
    logs = bucket(builder, f"logs-{index}")
    for purpose in ("logs", "uploads", "backups"):
        subject = logs if purpose == "logs" else bucket(builder, f"{purpose}-{index}")
        builder.add(
            "aws:s3/bucketVersioning:BucketVersioning",
            f"{purpose}-versioning",
            {"bucket": ref(subject), "versioningConfiguration": {"status": "Enabled"}},
        )
        if purpose != "logs":
            builder.add(
                "aws:s3/bucketLogging:BucketLogging",
                f"{purpose}-logging",
                {"bucket": ref(subject), "targetBucket": ref(logs, "bucket"), "targetPrefix": f"s3/{purpose}/"},
            )
        if purpose == "backups":
            builder.add(
                "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
                "backups",
                {"bucket": ref(subject), "rules": [GLACIER_RULE]},
            )


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
    key = builder.add(
        "aws:kms/key:Key",
        "data",
        # outputs are the inputs here, so the key states its ARN
        {"arn": f"arn:aws:kms:us-east-1:123456789012:key/{index}", "enableKeyRotation": True, "policy": key_policy()},
        protect=True,
    )
    add_database(builder, index, key, subnets)
    add_buckets(builder, index)
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
    log_group(builder, f"/sentinel/{index}/apps", key)
    launch_template(builder)
    nodes = node_group(builder, max_size=20)
    seed_alarm(builder, "HighCPUUtilization", "AWS/EC2", "CPUUtilization", AutoScalingGroupName=f"{nodes.name}-asg")
    seed_alarm(builder, "HighResponseTime", APP_METRICS_NAMESPACE, RESPONSE_TIME_METRIC)
    config_map(builder, "env", {"DATABASE_POOL_SIZE": "5"}, namespace=namespace)
    for app in APPS:
        add_app(builder, app, namespace)
    cloudflare_zone(builder, zone_id)
    ruleset(builder, "http_request_firewall_managed", [MANAGED_WAF_RULE], zone_id)
    ruleset(builder, "http_ratelimit", [RATE_LIMIT_RULE], zone_id)
    ruleset(builder, "http_request_late_transform", [ORIGIN_SECRET_RULE], zone_id)
    builder.add(
        "cloudflare:index/botManagement:BotManagement", f"{zone_id}-bots", {"zoneId": zone_id, "fightMode": True}
    )


def add_app(builder: GraphBuilder, app: str, namespace: str) -> None:
    """An app's Deployment, scaled on CPU alone at the seed's target, with its PDB and NodePort Service."""
    app_container = container(app, envFrom=[{"configMapRef": {"name": "env"}}])
    target = deployment(builder, app, [app_container], namespace=namespace)
    cpu = {
        "type": "Resource",
        "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": SEED_CPU_TARGET_PERCENT}},
    }
    builder.add(
        "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
        f"{app}-hpa",
        {
            "metadata": {"namespace": namespace},
            "spec": {
                "scaleTargetRef": {
                    "apiVersion": "apps/v1",
                    "kind": "Deployment",
                    "name": target.inputs["metadata"]["name"],
                },
                "minReplicas": 3,
                "maxReplicas": 20,
                "metrics": [cpu],
            },
        },
    )
    pdb(builder, app, namespace=namespace)
    builder.add(
        "kubernetes:core/v1:Service",
        f"{app}-service",
        {"metadata": {"namespace": namespace}, "spec": {"type": "NodePort", "selector": {"app": app}}},
    )


def synthetic_graph(size: int) -> Graph:
    builder = GraphBuilder()
    index = 0
    while len(builder) < size:
        add_block(builder, index)
        index += 1
    return builder.build()


def time_policies(sizes: Sequence[int] = SIZES, runs: int = 3) -> list[PolicyTiming]:
    """The median time of `runs` evaluations under the prod policy config, for a synthetic stack of each size."""
    config = load_policy_config("prod")
    timings = []
    for size in sizes:
        graph = synthetic_graph(size)
        violations = len(evaluate(graph, config))
        times = []
        for _ in range(runs):
            # Building the graph leaves a collection due; run it now, not inside the timing.
            gc.collect()
            started = time.perf_counter()
            evaluate(graph, config)
            times.append(time.perf_counter() - started)
        timings.append(PolicyTiming(len(graph), statistics.median(times), violations))
    return timings


def growth(timings: Sequence[PolicyTiming]) -> float:
    """The cost per resource of the largest stack over that of the smallest: 1 is perfectly linear."""
    smallest, largest = min(timings, key=lambda t: t.resources), max(timings, key=lambda t: t.resources)
    return largest.microseconds_per_resource / smallest.microseconds_per_resource


def shortfalls(timings: Sequence[PolicyTiming]) -> list[str]:
    """Which targets the timings miss: a cost per resource that grows with the stack, over 2 s at 10k."""
    missed = []
    if len(timings) > 1 and growth(timings) > LINEARITY_TOLERANCE:
        missed.append(f"not linear: a resource costs {growth(timings):.2f}x as much at the largest size")
    missed += [
        f"too slow: {timing.seconds:.2f} s at {timing.resources} resources, over {TARGET_SECONDS_AT_10K} s at 10k"
        for timing in timings
        if timing.resources >= 10000 and timing.seconds > TARGET_SECONDS_AT_10K
    ]
    return missed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=3, help="runs per size; the median is reported")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    args = parser.parse_args(argv)
    timings = time_policies(args.sizes, args.runs)
    print(f"{'resources':>9}  {'seconds':>7}  {'us/resource':>11}  violations")
    for t in timings:
        print(f"{t.resources:>9}  {t.seconds:>7.3f}  {t.microseconds_per_resource:>11.1f}  {t.violations}")
    missed = shortfalls(timings)
    for shortfall in missed:
        print(shortfall, file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
