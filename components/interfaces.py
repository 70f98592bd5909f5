"""The protocols by which one component takes another: what a consumer needs to know of the network, a bucket,
the shared files, the database, the cache, the cluster, the load balancer, the alarm topic and the jobs it watches.

The real components satisfy them structurally, the way CDK's constructs take an `IVpc` or an `IKey`: `__main__.py`
passes the component itself, the type checker proves it fits, and a test may pass any object with the same
attributes. Each protocol asks for no more than its consumers use, read-only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

import pulumi
import pulumi_kubernetes as k8s

from components.config import Tier


class Vpc(Protocol):
    """The network (components/network.py), as the components placed in it see it."""

    @property
    def vpc_id(self) -> pulumi.Input[str]: ...

    @property
    def availability_zones(self) -> Sequence[str]:
        """The stack's zones, in the order of each tier's subnets."""
        ...

    @property
    def subnet_ids(self) -> Mapping[Tier, Sequence[pulumi.Input[str]]]:
        """Each tier's subnets, one per zone of `availability_zones`, in its order."""
        ...

    @property
    def subnet_cidrs(self) -> Mapping[Tier, Sequence[str]]:
        """Each tier's address ranges, in the order of its subnets."""
        ...


class Bucket(Protocol):
    """An S3 bucket (components/bucket.py's PrivateBucket)."""

    @property
    def name(self) -> pulumi.Input[str]: ...

    @property
    def arn(self) -> pulumi.Input[str]: ...


class EncryptedBucket(Bucket, Protocol):
    """An S3 bucket whose objects are encrypted with a KMS key of its own, which its writers must be allowed to use."""

    @property
    def key_arn(self) -> pulumi.Input[str]: ...


class SharedFiles(Protocol):
    """The shared EFS file system and the apps' access point (components/file_system.py)."""

    @property
    def id(self) -> pulumi.Input[str]: ...

    @property
    def arn(self) -> pulumi.Input[str]: ...

    @property
    def key_arn(self) -> pulumi.Input[str]: ...

    @property
    def access_point_id(self) -> pulumi.Input[str]: ...

    @property
    def access_point_arn(self) -> pulumi.Input[str]: ...


class DatabaseConnection(Protocol):
    """The database as its clients see it (components/database.py): connection URLs, each a secret."""

    @property
    def url(self) -> pulumi.Input[str]:
        """DATABASE_URL: read-write."""
        ...

    @property
    def read_replica_url(self) -> pulumi.Input[str]:
        """DATABASE_READ_REPLICA_URL: read-only."""
        ...


class DatabaseEndpoints(Protocol):
    """The database's read-write and read-only host names."""

    @property
    def writer_endpoint(self) -> pulumi.Input[str]: ...

    @property
    def reader_endpoint(self) -> pulumi.Input[str]: ...


class RestorableDatabase(Protocol):
    """The database as AWS Backup selects it, and where a test restore of it lands."""

    @property
    def cluster_arn(self) -> pulumi.Input[str]: ...

    @property
    def subnet_group_name(self) -> pulumi.Input[str]: ...

    @property
    def security_group_id(self) -> pulumi.Input[str]: ...


class MonitoredDatabase(Protocol):
    """The database as its alarms watch it: its identifiers, and what its class allows."""

    @property
    def cluster_identifier(self) -> pulumi.Input[str]: ...

    @property
    def reader_identifiers(self) -> Sequence[pulumi.Input[str]]: ...

    @property
    def instance_class(self) -> str: ...

    @property
    def memory_bytes(self) -> float:
        """Each instance's memory (for `db.serverless`, at its maximum capacity)."""
        ...

    @property
    def max_connections(self) -> int:
        """PostgreSQL's max_connections for that memory."""
        ...

    @property
    def proxy_name(self) -> pulumi.Input[str]: ...

    @property
    def proxy_connection_budget(self) -> float:
        """The server connections the proxy may open: its share of max_connections."""
        ...


class CacheConnection(Protocol):
    """The cache as its clients see it (components/cache.py): REDIS_URL and the token alone, both secret."""

    @property
    def url(self) -> pulumi.Input[str]: ...

    @property
    def auth_token(self) -> pulumi.Input[str]: ...


class CacheEndpoints(Protocol):
    """The cache's primary and reader host names."""

    @property
    def primary_endpoint(self) -> pulumi.Input[str]: ...

    @property
    def reader_endpoint(self) -> pulumi.Input[str]: ...


class MonitoredCache(Protocol):
    """The cache as its alarms watch it: node by node."""

    @property
    def member_ids(self) -> Sequence[pulumi.Input[str]]:
        """The replication group's member clusters, one per node."""
        ...


class KubernetesCluster(Protocol):
    """The EKS cluster (components/cluster.py): its name and version, the provider of its API and its nodes'
    autoscaling group."""

    @property
    def name(self) -> pulumi.Input[str]: ...

    @property
    def version(self) -> str: ...

    @property
    def provider(self) -> k8s.Provider: ...

    @property
    def autoscaling_group_name(self) -> pulumi.Input[str]: ...


class ImageRegistry(Protocol):
    """The apps' image repositories (components/registry.py)."""

    @property
    def repository_urls(self) -> Mapping[str, pulumi.Input[str]]:
        """By app."""
        ...


class TlsCertificate(Protocol):
    """A certificate ACM has validated (components/certificate.py)."""

    @property
    def arn(self) -> pulumi.Input[str]: ...


class Origin(Protocol):
    """What the edge's records point at: the ALB (components/ingress.py)."""

    @property
    def dns_name(self) -> pulumi.Input[str]: ...


class LoadBalancer(Protocol):
    """The ALB as its alarms watch it: the dimensions of its metrics and of its target groups'."""

    @property
    def arn_suffix(self) -> pulumi.Input[str]: ...

    @property
    def target_group_arn_suffixes(self) -> Mapping[str, pulumi.Input[str]]:
        """By app."""
        ...


class NotificationTopic(Protocol):
    """The SNS topic alarms and events are sent to (components/alarm_topic.py)."""

    @property
    def arn(self) -> pulumi.Input[str]: ...


class AppNamespace(Protocol):
    """The apps' namespace (components/workloads.py), as a job that runs beside the apps sees it."""

    @property
    def namespace_name(self) -> str: ...

    @property
    def network_policies(self) -> Sequence[pulumi.Resource]:
        """What must exist before a pod starts there: a pod started earlier runs unrestricted."""
        ...


class LogicalBackupJob(Protocol):
    """The daily pg_dump (components/logical_backup.py), whose alarm fires when it stops reporting success."""

    @property
    def cron_job_name(self) -> pulumi.Input[str]: ...
