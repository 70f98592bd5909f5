"""How long a first `pulumi up` takes to create one resource of each type: the figures the first-deploy critical path
(offline/critical_path.py) adds up along a chain of dependencies.

Each figure is the time from the provider's create call until it reports the resource ready, since only then does
Pulumi start what depends on it: pulumi-aws (which bridges the Terraform AWS provider) waits for
`available` or `ACTIVE`, and pulumi-kubernetes waits for Deployments, Jobs, Services and Helm releases to be ready.
Each says what it rests on (`Basis`) and where that is published. Types not listed take `DEFAULT`, the seconds an
API object with nothing to wait for takes.

As of 2026-12-04. The prod stack runs in us-east-1; a measurement names its region where its source does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum


class Basis(Enum):
    MEASURED = "measured"
    """A published timing of real creations (an apply log, a benchmark, an operator's report)."""
    DOCUMENTED = "documented"
    """The service or provider documents the figure."""
    ESTIMATED = "estimate"
    """Only a bound is published (the provider's default create timeout, or a timing cut short): the figure is this
    table's estimate within it."""
    LOCAL = "local"
    """No cloud call: the engine or a plug-in computes it."""


@dataclass(frozen=True)
class CreationTime:
    seconds: float
    basis: Basis
    source: str


AS_OF = "2026-12-04"

DEFAULT = CreationTime(
    5,
    Basis.MEASURED,
    "API objects complete in 0-9 s in published apply logs: IAM roles and policy attachments in about 1 s "
    "(pulumi/pulumi-eks#1819), security-group rules in 2-5 s (hashicorp-education/learn-terraform-variables#6), "
    "subnets and subnet groups in 1-9 s (turbot/steampipe-plugin-aws#130, #184, #246)",
)

_INSTANT = CreationTime(0, Basis.LOCAL, "configured or generated in the engine's process, no cloud call")
_PULUMI_KUBERNETES_AWAIT = "pulumi_kubernetes 4.34 docstrings: it waits until ready, timing out after 10 minutes"

CREATION_TIMES: Mapping[str, CreationTime] = {
    # The control plane and what needs it.
    "aws:eks/cluster:Cluster": CreationTime(
        900,
        Basis.MEASURED,
        "15 min: 900 s in us-west-2 and 905 s in us-east-2, from 793 s (eu-west-2) over 21 regions "
        "(easontechtalk.com/unofficial-eks-cluster-creation-performance-across-aws-regions); AWS: control plane "
        "provisioning 'averages 15 minutes' (aws/containers-roadmap#1227); 10m6s in "
        "terraform-aws-modules/terraform-aws-eks#3218",
    ),
    "aws:eks/nodeGroup:NodeGroup": CreationTime(
        150,
        Basis.MEASURED,
        "1m48s and 1m59s (DevopsArtFactory/terraform-provisioning#46), 2m50s "
        "(umotif-public/terraform-aws-eks-node-group#7), from create to every node Ready",
    ),
    "aws:eks/addon:Addon": CreationTime(
        60,
        Basis.ESTIMATED,
        "waits for ACTIVE, bound 20 min (timeouts in terraform-aws-modules/terraform-aws-eks#2578, "
        "pulumi/pulumi-eks#1525); DaemonSet add-ons return as soon as their pods pass readiness "
        "(aws-ia/terraform-aws-eks-blueprints#642)",
    ),
    "kubernetes:helm.sh/v3:Release": CreationTime(
        90,
        Basis.ESTIMATED,
        "waits until every resource of the release is ready (pulumi_kubernetes 4.34 Release.skip_await); Helm's own "
        "bound is 5 min (sylva-projects/sylva-core!4559)",
    ),
    "kubernetes:apps/v1:Deployment": CreationTime(
        60, Basis.ESTIMATED, f"Available: image pull, start, readiness probe; {_PULUMI_KUBERNETES_AWAIT}"
    ),
    "kubernetes:batch/v1:Job": CreationTime(
        60, Basis.ESTIMATED, f"Complete: image pull and one run; {_PULUMI_KUBERNETES_AWAIT}"
    ),
    "kubernetes:core/v1:Service": CreationTime(
        10,
        Basis.DOCUMENTED,
        "waits for its endpoints, then 10 s for stragglers (pulumi_kubernetes 4.34 Service docstring); the pods "
        "behind the endpoints are their Deployment's time",
    ),
    # The data tier.
    "aws:rds/cluster:Cluster": CreationTime(
        120,
        Basis.ESTIMATED,
        "an Aurora cluster without instances waits for `available`, bound 120 min "
        "(cloudposse/terraform-aws-rds-cluster#64)",
    ),
    "aws:rds/clusterInstance:ClusterInstance": CreationTime(
        600,
        Basis.MEASURED,
        "'RDS instances take <10mins to create once the creation starts' (govuk-paas/paas-cf#445); bound 90 min "
        "(hashicorp/terraform-provider-aws internal/service/rds/cluster_instance.go)",
    ),
    "aws:rds/proxy:Proxy": CreationTime(
        300,
        Basis.ESTIMATED,
        "still creating at 2m30s in turbot/steampipe-plugin-aws#1414; bound 30 min "
        "(hashicorp/terraform-provider-aws#12704)",
    ),
    "aws:rds/proxyEndpoint:ProxyEndpoint": CreationTime(
        300, Basis.ESTIMATED, "provisions network interfaces in the VPC as the proxy does: the proxy's figure"
    ),
    "aws:elasticache/replicationGroup:ReplicationGroup": CreationTime(
        720,
        Basis.ESTIMATED,
        "waits for `available`, bound 60 min (hashicorp/terraform-provider-aws#4093); acceptance runs that create "
        "and destroy one take 895-1653 s (hashicorp/terraform-provider-aws#17296)",
    ),
    "aws:efs/fileSystem:FileSystem": CreationTime(12, Basis.MEASURED, "12 s (turbot/steampipe-plugin-aws#426)"),
    "aws:efs/mountTarget:MountTarget": CreationTime(
        90,
        Basis.ESTIMATED,
        "still creating at 60 s (turbot/steampipe-plugin-aws#426), bound 30 min "
        "(hashicorp/terraform-provider-aws#15293); AWS advises 90 s before mounting "
        "(docs.aws.amazon.com/efs/latest/ug/mounting-fs-mount-cmd-dns-name.html)",
    ),
    "aws:kms/key:Key": CreationTime(
        20,
        Basis.ESTIMATED,
        "waits for its policy and tags to propagate (hashicorp/terraform-provider-aws internal/service/kms/key.go)",
    ),
    # The network and the edge.
    "aws:ec2/vpc:Vpc": CreationTime(
        20, Basis.MEASURED, "4-39 s (turbot/steampipe-plugin-aws#130, #184, #246, #454, #906)"
    ),
    "aws:ec2/natGateway:NatGateway": CreationTime(
        120,
        Basis.ESTIMATED,
        "waits for `available`: still creating at 30 s (pastebin.com/NvmQ5sEi), 'up to 5 min' and 'up to 10 min' "
        "(kubernetes/kops#944)",
    ),
    "aws:lb/loadBalancer:LoadBalancer": CreationTime(
        180,
        Basis.ESTIMATED,
        "waits for `active`, bound 10 min (hashicorp/terraform-provider-aws#8054); 'on most of our ci/cd runs it "
        "takes no more than 5' min (hashicorp/terraform#24799)",
    ),
    "aws:acm/certificateValidation:CertificateValidation": CreationTime(
        180,
        Basis.ESTIMATED,
        "waits for ISSUED once the validation records resolve, bound 75 min (hashicorp/terraform-provider-aws "
        "internal/service/acm/certificate_validation.go; 'should generally complete' well within it, #9338)",
    ),
    "aws:route53/record:Record": CreationTime(
        40, Basis.MEASURED, "37 s and 39 s to INSYNC (hashicorp/terraform-provider-aws#11300)"
    ),
    "aws:route53/zone:Zone": CreationTime(40, Basis.ESTIMATED, "waits for its change to be INSYNC, as a record does"),
    "aws:ec2/instance:Instance": CreationTime(30, Basis.MEASURED, "22 s and 32 s to running (pastebin.com/NvmQ5sEi)"),
    # What no cloud call creates.
    "pulumi:providers:aws": _INSTANT,
    "pulumi:providers:cloudflare": _INSTANT,
    "pulumi:providers:kubernetes": _INSTANT,
    "random:index/randomId:RandomId": _INSTANT,
    "random:index/randomPassword:RandomPassword": _INSTANT,
}


def creation_time(type_: str) -> CreationTime:
    return CREATION_TIMES.get(type_, DEFAULT)
