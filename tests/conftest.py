"""Shared fixtures: each stack's graph is computed once per test session and shared read-only."""

from __future__ import annotations

import functools

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


def prod_outputs() -> dict[str, str]:
    """What the other tiers hand the ingress and the workloads in prod, read off the prod graph: the validated
    certificate, the buckets with their keys, the EFS file system and its access point."""
    graph = graph_of("prod")

    def output(type_: str, name: str, key: str) -> str:
        return graph.named(type_, name).outputs[key]

    bucket, key = "aws:s3/bucket:Bucket", "aws:kms/key:Key"
    return {
        "certificate": output("aws:acm/certificateValidation:CertificateValidation", "certificate", "certificateArn"),
        "logs": output(bucket, "storage-logs", "bucket"),
        "uploads": output(bucket, "storage-uploads", "arn"),
        "uploads key": output(key, "storage-uploads-key", "arn"),
        "backups": output(bucket, "storage-backups", "arn"),
        "file system": graph.named("aws:efs/fileSystem:FileSystem", "file-system").id,
        "access point": graph.named("aws:efs/accessPoint:AccessPoint", "file-system").id,
    }
