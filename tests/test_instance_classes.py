"""One table of instance classes: its rows agree with each other and with AWS's rules, and config can refuse a
class it does not list, or a burstable node, with the reason."""

from __future__ import annotations

from collections.abc import Callable
from typing import get_args

import pytest

from components.config import ConfigError, validate
from components.config.types import AuroraInstanceClass, CacheNodeType, Section
from components.config.types import NodeInstanceType as NodeInstanceTypeName
from facts.instance_classes import (
    AURORA_SERVERLESS,
    CACHE_NODE_TYPES,
    DATABASE_INSTANCE_CLASSES,
    NODE_INSTANCE_TYPES,
    Architecture,
    InstanceClass,
    InstanceClassKind,
    NodeInstanceType,
    require_instance_class,
    require_node_instance_type,
)

TABLES = (NODE_INSTANCE_TYPES, DATABASE_INSTANCE_CLASSES, CACHE_NODE_TYPES)


def test_every_row_is_filed_under_its_own_name() -> None:
    for table in TABLES:
        assert [row.name for row in table.values()] == list(table)


@pytest.mark.parametrize("node", NODE_INSTANCE_TYPES.values(), ids=lambda node: node.name)
def test_max_pods_is_the_vpc_cnis_count_of_the_nodes_addresses(node: NodeInstanceType) -> None:
    # Two sources that must agree: EC2's network interface limits and the EKS AMI's eni-max-pods.txt.
    assert node.max_pods == node.network_interfaces * (node.ipv4_addresses_per_interface - 1) + 2


def test_the_large_compute_types_are_the_seeds_two_vcpu_four_gib_steady_node() -> None:
    large_compute = [
        row for name, row in NODE_INSTANCE_TYPES.items() if name.startswith("c") and name.endswith(".large")
    ]
    assert {(row.vcpus, row.memory_gib, row.burstable) for row in large_compute} == {(2, 4, False)}
    assert {row.architecture for row in large_compute} == set(Architecture)


def _families(predicate: Callable[[InstanceClass], bool]) -> set[str]:
    return {name.rsplit(".", 1)[0] for table in TABLES for name, row in table.items() if predicate(row)}


def test_graviton_families_are_arm64_and_the_rest_x86_64() -> None:
    assert _families(lambda row: row.architecture == Architecture.ARM64) == {
        *("c6g", "c7g", "m6g", "m7g", "t4g"),
        *("db.t4g", "db.m6g", "db.m7g", "db.r6g", "db.r7g", "db.r8g"),
        *("cache.t4g", "cache.m7g", "cache.r7g"),
    }
    assert {row.architecture for table in TABLES for row in table.values()} == set(Architecture)


def test_only_the_t_series_is_burstable() -> None:
    assert _families(lambda row: row.burstable) == {"t3", "t4g", "db.t3", "db.t4g", "cache.t4g"}


def test_memory_grows_with_the_vcpus_within_a_family() -> None:
    for table in TABLES:
        by_family: dict[str, list[tuple[int, float]]] = {}
        for name, row in table.items():
            by_family.setdefault(name.rsplit(".", 1)[0], []).append((row.vcpus, row.memory_gib))
        for family, sizes in by_family.items():
            assert sorted(sizes) == sorted(sizes, key=lambda size: size[1]), family


@pytest.mark.parametrize("kind", get_args(InstanceClassKind))
def test_an_unlisted_class_is_refused_naming_the_allowed_ones(kind: InstanceClassKind) -> None:
    with pytest.raises(ValueError, match=r"^x9\.large is not an? .* listed in facts/instance_classes\.py"):
        require_instance_class(kind, "x9.large")


def test_the_allowed_classes_are_listed_by_family() -> None:
    with pytest.raises(
        ValueError, match=r"must be one of cache\.t4g\.micro\|small\|medium, cache\.m7g\.large\|xlarge, "
    ):
        require_instance_class("elasticache", "cache.t2.micro")


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        ("ec2-node", "c7g.large"),
        ("rds", "db.m6i.large"),
        ("aurora", "db.r8g.xlarge"),
        ("elasticache", "cache.r7g.large"),
    ],
)
def test_a_listed_class_is_accepted(kind: InstanceClassKind, name: str) -> None:
    assert require_instance_class(kind, name) == name


def test_aurora_takes_serverless_and_memory_optimized_classes_but_not_general_purpose() -> None:
    assert require_instance_class("aurora", AURORA_SERVERLESS) == "db.serverless"
    assert require_instance_class("aurora", "db.t4g.medium") == "db.t4g.medium"
    with pytest.raises(ValueError, match="Aurora PostgreSQL"):
        require_instance_class("aurora", "db.m6i.large")
    with pytest.raises(ValueError, match="RDS"):
        require_instance_class("rds", AURORA_SERVERLESS)


def test_a_burstable_node_type_is_refused_with_the_reason() -> None:
    with pytest.raises(ValueError, match=r"^t4g\.medium is burstable: .* CPU credits") as refused:
        require_node_instance_type("t4g.medium")
    assert "such as the 2 vCPU / 4 GiB c5.large, c5a.large," in str(refused.value)
    assert "t3.medium" not in str(refused.value)


def test_a_steady_node_type_is_accepted_and_an_unlisted_one_refused() -> None:
    assert require_node_instance_type("m6g.xlarge") == "m6g.xlarge"
    with pytest.raises(ValueError, match="not an EC2 instance type for EKS nodes"):
        require_node_instance_type("c9.large")


class _Sizing(Section):
    """A section sized with the config model's instance-class types."""

    nodes: NodeInstanceTypeName
    database: AuroraInstanceClass
    cache: CacheNodeType


def test_config_reports_the_refusal_under_its_key() -> None:
    config = {"sentinel:nodes": "c6i.large", "sentinel:database": "db.serverless", "sentinel:cache": "cache.t4g.micro"}
    assert validate(_Sizing, "prod", config).nodes == "c6i.large"
    with pytest.raises(ConfigError) as refused:
        validate(_Sizing, "prod", {**config, "sentinel:nodes": "t3.large", "sentinel:database": "db.m5.large"})
    node_problem, database_problem = refused.value.problems
    assert node_problem.startswith('sentinel:nodes = "t3.large": t3.large is burstable: ')
    assert database_problem == (
        'sentinel:database = "db.m5.large": db.m5.large is not an Aurora PostgreSQL DB instance class listed in '
        "facts/instance_classes.py; must be one of db.t3.medium|large, db.t4g.medium|large, "
        + ", ".join(
            f"db.{family}.large|xlarge|2xlarge|4xlarge|8xlarge" for family in ("r5", "r6g", "r6i", "r7g", "r7i", "r8g")
        )
        + ", db.serverless"
    )
