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


class DatabaseEndpoints(Protocol):
    """The database's read-write and read-only host names."""

    @property
    def writer_endpoint(self) -> pulumi.Input[str]: ...

    @property
    def reader_endpoint(self) -> pulumi.Input[str]: ...


class DatabaseConnection(DatabaseEndpoints, Protocol):
    """The database as its clients see it (components/database.py): where it is, and the resource by which a role may
    sign in as one of its users through RDS Proxy. No password: each client signs an IAM token."""

    @property
    def database_name(self) -> str: ...

    def connect_arn(self, user: str) -> pulumi.Output[str]:
        """The `rds-db:connect` resource that lets a role sign in through the proxy as `user`, and as no other."""
        ...


class DatabaseAdministration(DatabaseConnection, Protocol):
    """The database as the job that creates its users sees it: the master user, whose password RDS keeps (and
    rotates) in a secret encrypted with the database's key."""

    @property
    def master_username(self) -> str: ...

    @property
    def master_secret_arn(self) -> pulumi.Input[str]: ...

    @property
    def key_arn(self) -> pulumi.Input[str]:
        """The key the master secret is encrypted with."""
        ...

    @property
    def proxy_target(self) -> pulumi.Resource:
        """What a connection through the proxy waits for: the cluster registered behind it, instances and all."""
        ...


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
    def cluster_identifier(self) -> str: ...

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
    def proxy_name(self) -> str: ...

    @property
    def proxy_connection_budget(self) -> float:
        """The server connections the proxy may open: its share of max_connections."""
        ...


class CacheConnection(Protocol):
    """The cache as its clients see it (components/cache.py): where it is, and each app's own user, which signs in
    with an IAM token (no password)."""

    @property
    def primary_endpoint(self) -> pulumi.Input[str]: ...

    @property
    def replication_group_id(self) -> pulumi.Input[str]:
        """The cache's name, which an IAM token is signed for."""
        ...

    @property
    def arn(self) -> pulumi.Input[str]: ...

    @property
    def user_ids(self) -> Mapping[str, str]:
        """By app: the user it signs in as (for IAM, its name too)."""
        ...

    @property
    def user_arns(self) -> Mapping[str, pulumi.Input[str]]:
        """By app."""
        ...


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


class MonitoredCluster(Protocol):
    """The cluster as its alarms watch it: the metrics' dimensions."""

    @property
    def configured_name(self) -> str:
        """The cluster's name as the stack configures it (`name` is the same name taken from the cluster, which
        waits for the cluster): an alarm may exist before what it watches."""
        ...

    @property
    def autoscaling_group_name(self) -> pulumi.Input[str]: ...


class SecretsStoreCluster(KubernetesCluster, Protocol):
    """The cluster as pods that mount Secrets Manager secrets see it."""

    @property
    def secrets_store(self) -> pulumi.Resource:
        """The Secrets Store CSI driver with its AWS provider: what a SecretProviderClass, and a pod mounting one,
        wait for."""
        ...


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


class OriginAuthentication(Protocol):
    """The secret header by which the ALB knows a request came through this stack's Cloudflare zone (design D17)."""

    @property
    def header(self) -> str: ...

    @property
    def value(self) -> pulumi.Input[str]:
        """The current secret, which Cloudflare sends (secret)."""
        ...

    @property
    def checks(self) -> Sequence[pulumi.Resource]:
        """What requires the header: Cloudflare sends a new secret only once these accept it."""
        ...


class Origin(Protocol):
    """What the edge's records point at: the ALB (components/ingress.py)."""

    @property
    def dns_name(self) -> pulumi.Input[str]: ...

    @property
    def authentication(self) -> OriginAuthentication | None:
        """The header the ALB requires, or None where this stack cannot send one (its zone is another stack's)."""
        ...


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
    def cron_job_name(self) -> str: ...
