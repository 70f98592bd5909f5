"""Shared fixtures: each stack's graph is computed once per test session and shared read-only."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

import offline
from offline.graph import Graph

STACKS = ("dev", "staging", "prod")


@functools.cache
def graph_of(stack: str) -> Graph:
    return offline.run(stack)


@pytest.fixture(scope="session", params=STACKS)
def stack_graph(request: pytest.FixtureRequest) -> Graph:
    return graph_of(request.param)


@pytest.fixture(scope="session")
def prod() -> Graph:
    return graph_of("prod")


@pytest.fixture(scope="session")
def dev() -> Graph:
    return graph_of("dev")


# Tier 10. What the edge, data and storage tiers will pass the ingress and the workloads, injected into the real
# program so the tests see the stack those tiers complete (each value shaped as its tier's output).
CERTIFICATE_ARN = "arn:aws:acm:us-east-1:111111111111:certificate/0e7e5c4a-1d3b-4c5e-9f6a-2b8d7c6e5f4a"
LOG_BUCKET = "sentinel-prod-logs"
UPLOADS_ARN, BACKUPS_ARN = "arn:aws:s3:::sentinel-prod-uploads", "arn:aws:s3:::sentinel-prod-backups"
UPLOADS_KEY = "arn:aws:kms:us-east-1:111111111111:key/11111111-1111-1111-1111-111111111111"
BACKUPS_KEY = "arn:aws:kms:us-east-1:111111111111:key/22222222-2222-2222-2222-222222222222"
FILE_SYSTEM, ACCESS_POINT = "fs-0123456789abcdef0", "fsap-0123456789abcdef0"
_INGRESS_ARGS_END = "        cluster.autoscaling_group_name,\n    ),"
_WORKLOADS_ARGS_END = '        data_cidrs=[str(cidr) for cidr in subnet_cidrs["data"]],\n    ),'
_TIER_INPUTS = {
    _INGRESS_ARGS_END: f"""        cluster.autoscaling_group_name,
        certificate_arn="{CERTIFICATE_ARN}",
        access_log_bucket="{LOG_BUCKET}",
    ),""",
    _WORKLOADS_ARGS_END: f"""        data_cidrs=[str(cidr) for cidr in subnet_cidrs["data"]],
        data=DataEndpoints(
            pulumi.Output.secret("postgresql://sentinel:pw@proxy.rds.amazonaws.com:5432/projectsentinel"),
            pulumi.Output.secret("postgresql://sentinel:pw@proxy-ro.rds.amazonaws.com:5432/projectsentinel"),
            pulumi.Output.secret("rediss://:token@master.cache.amazonaws.com:6379"),
            pulumi.Output.secret("token"),
        ),
        uploads_bucket=Bucket("sentinel-prod-uploads", "{UPLOADS_ARN}", "{UPLOADS_KEY}"),
        backups_bucket=Bucket("sentinel-prod-backups", "{BACKUPS_ARN}", "{BACKUPS_KEY}"),
        shared_files=SharedFiles(
            "{FILE_SYSTEM}",
            "arn:aws:elasticfilesystem:us-east-1:111111111111:file-system/{FILE_SYSTEM}",
            "{ACCESS_POINT}",
            "arn:aws:elasticfilesystem:us-east-1:111111111111:access-point/{ACCESS_POINT}",
        ),
    ),""",
}


@pytest.fixture(scope="session")
def wired(tmp_path_factory: pytest.TempPathFactory) -> Graph:
    """prod with the certificate, the log bucket, the data tier's URLs, the buckets and the EFS access point."""
    program = (Path(__file__).resolve().parent.parent / "__main__.py").read_text()
    for anchor, completed in _TIER_INPUTS.items():
        assert program.count(anchor) == 1, f"__main__.py no longer has {anchor!r} once"
        program = program.replace(anchor, completed)
    program = "from components.workloads import Bucket, DataEndpoints, SharedFiles\n" + program
    path = tmp_path_factory.mktemp("wired") / "__main__.py"
    path.write_text(program)
    return offline.run("prod", program=path)
