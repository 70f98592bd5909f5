"""What tests share: the stacks, each stack's graph (computed once per test session and shared read-only), its
config, and values read off the prod graph. Tests import these from here, never from each other."""

from __future__ import annotations

import functools
from typing import Any

import pytest

import offline
from components.config import ConfigError, StackConfig, parse
from offline import sdk_internals, stackfiles
from offline.graph import Graph

STACKS = ("dev", "staging", "prod")

# What pulumi.runtime.rpc marks a secret value with on the wire to the engine.
SECRET_SIGNATURE = {sdk_internals.SIGNATURE_KEY: sdk_internals.SECRET_SIGNATURE}


@functools.cache
def graph_of(stack: str) -> Graph:
    return offline.run(stack)


def load(stack: str = "prod", overrides: dict[str, Any] | None = None) -> StackConfig:
    """The stack's config as the program reads it, with `overrides` applied."""
    _, config, secret_keys = stackfiles.load(stackfiles.stack_file(stack), overrides)
    return parse(stack, config, secret_keys)


def problems_of(overrides: dict[str, Any], stack: str = "prod") -> list[str]:
    """The problems the config reports for the stack with `overrides`, which must make it invalid."""
    with pytest.raises(ConfigError) as caught:
        load(stack, overrides)
    return caught.value.problems


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
