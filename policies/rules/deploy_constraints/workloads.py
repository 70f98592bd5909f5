"""The apps' Kubernetes objects: namespaces, service accounts, ConfigMaps and Secrets, Services, Deployments and
their autoscalers and disruption budgets, network policies, Jobs and CronJobs, the shared files' volumes and the
Secrets Store's SecretProviderClasses."""

from __future__ import annotations

import re

from policies.rules.deploy_constraints.allowed import Allowed, among, between, characters, length, mapping_of
from policies.rules.deploy_constraints.kinds import Constraint, Constraints, OneOf, Value
from policies.rules.deploy_constraints.sources import (
    ASCP_PARAMETERS,
    K8S_ACCESS_MODES,
    K8S_CONFIG_KEYS,
    K8S_CRON_JOB,
    K8S_JOB,
    K8S_LABELS,
    K8S_NAMES,
    K8S_SECRET_KEYS,
    K8S_SERVICE,
)
from policies.support.kubernetes import (
    CONFIG_MAP,
    CRON_JOB,
    DEPLOYMENT,
    HPAS,
    JOB,
    NAMESPACE,
    NETWORK_POLICY,
    PDB,
    PERSISTENT_VOLUME,
    PERSISTENT_VOLUME_CLAIM,
    SECRET_PROVIDER_CLASS,
    SERVICE,
    SERVICE_ACCOUNT,
)
from policies.support.kubernetes import (
    SECRET as KUBERNETES_SECRET,
)

_DNS_LABEL = (
    length(63),
    characters(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", "lowercase DNS-1123 labels (a-z, 0-9, -; alphanumeric ends)"),
)
_DNS_SUBDOMAIN = (
    length(253),
    characters(r"[a-z0-9]([-a-z0-9.]*[a-z0-9])?", "lowercase DNS-1123 subdomains (a-z, 0-9, - and .)"),
)
_LABEL_VALUE = re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?")
_CONFIG_KEY = re.compile(r"[-._a-zA-Z0-9]{1,253}")


_LABELS = mapping_of(
    lambda _key: True,
    lambda value: isinstance(value, str) and len(value) <= 63 and _LABEL_VALUE.fullmatch(value) is not None,
    "label values of at most 63 letters, digits and -_. with alphanumeric ends",
)
_CONFIG_DATA = mapping_of(
    lambda key: _CONFIG_KEY.fullmatch(key) is not None, lambda _value: True, "keys of letters, digits and -._"
)
_CONFIG_DATA_KEY = characters(_CONFIG_KEY.pattern, "keys of letters, digits and -._")


def _named(path: str, rules: tuple[Allowed, ...]) -> tuple[Constraint, ...]:
    return tuple(Value(path, allowed, K8S_NAMES) for allowed in rules)


_LABELLED = (Value("metadata.labels", _LABELS, K8S_LABELS),)
_ACCESS_MODES = Value(
    "spec.accessModes[]", among("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"), K8S_ACCESS_MODES
)

CONSTRAINTS: Constraints = {
    NAMESPACE: (*_named("metadata.name", _DNS_LABEL), *_LABELLED),
    SERVICE_ACCOUNT: (*_named("metadata.name", _DNS_SUBDOMAIN),),
    CONFIG_MAP: (*_LABELLED, Value("data", _CONFIG_DATA, K8S_CONFIG_KEYS)),
    KUBERNETES_SECRET: (*_LABELLED, Value("stringData", _CONFIG_DATA, K8S_CONFIG_KEYS)),
    SERVICE: (
        *_named("metadata.name", _DNS_LABEL),
        Value("spec.type", among("ClusterIP", "NodePort", "LoadBalancer", "ExternalName"), K8S_SERVICE),
        Value("spec.externalTrafficPolicy", among("Cluster", "Local"), K8S_SERVICE),
        # The API server's default --service-node-port-range.
        Value("spec.ports[].nodePort", between(30000, 32767), K8S_SERVICE),
    ),
    DEPLOYMENT: (
        *_named("metadata.name", _DNS_SUBDOMAIN),
        *_LABELLED,
        Value("spec.strategy.type", among("RollingUpdate", "Recreate"), K8S_NAMES),
        *_named("spec.template.spec.containers[].name", _DNS_LABEL),
    ),
    # autoscaling/v2, the HPA the program creates.
    HPAS[0]: (
        *_named("metadata.name", _DNS_SUBDOMAIN),
        Value("spec.minReplicas", between(1, 2**31 - 1), K8S_NAMES),
        Value("spec.scaleTargetRef.kind", among("Deployment", "StatefulSet", "ReplicaSet"), K8S_NAMES),
    ),
    PDB: (
        *_named("metadata.name", _DNS_SUBDOMAIN),
        OneOf(("spec.minAvailable", "spec.maxUnavailable"), "pulumi_kubernetes/policy/v1/_inputs.py (max_unavailable)"),
    ),
    NETWORK_POLICY: (
        *_named("metadata.name", _DNS_SUBDOMAIN),
        Value(
            "spec.policyTypes[]",
            among("Ingress", "Egress"),
            "pulumi_kubernetes/networking/v1/_inputs.py (policy_types)",
        ),
    ),
    # A CronJob's Jobs are named after it plus an 11-character suffix, within the 63 of a label.
    CRON_JOB: (
        Value("metadata.name", length(52), K8S_CRON_JOB),
        Value("spec.concurrencyPolicy", among("Allow", "Forbid", "Replace"), K8S_CRON_JOB),
        Value("spec.schedule", characters(r"\S+(\s+\S+){4}", "five cron fields"), K8S_CRON_JOB),
    ),
    PERSISTENT_VOLUME: (
        *_named("metadata.name", _DNS_SUBDOMAIN),
        _ACCESS_MODES,
        Value(
            "spec.persistentVolumeReclaimPolicy",
            among("Retain", "Delete", "Recycle"),
            "pulumi_kubernetes/core/v1/_inputs.py (persistent_volume_reclaim_policy)",
        ),
    ),
    PERSISTENT_VOLUME_CLAIM: (*_named("metadata.name", _DNS_SUBDOMAIN), _ACCESS_MODES),
    # A Job's name is also its pods' `job-name` label value: 63 characters at most.
    JOB: (
        Value("metadata.name", length(63), K8S_JOB),
        *_named("metadata.name", _DNS_SUBDOMAIN[1:]),
        Value("spec.template.spec.restartPolicy", among("Never", "OnFailure"), K8S_JOB),
        Value("spec.backoffLimit", between(0, 2**31 - 1), K8S_JOB),
        Value("spec.activeDeadlineSeconds", between(1, 2**63 - 1), K8S_JOB),
    ),
    SECRET_PROVIDER_CLASS: (
        *_named("metadata.name", _DNS_SUBDOMAIN),
        # The AWS provider answers for `aws` only; its parameters are a map of strings.
        Value("spec.provider", among("aws"), ASCP_PARAMETERS),
        Value("spec.parameters.usePodIdentity", among("true", "false"), ASCP_PARAMETERS),
        *_named("spec.secretObjects[].secretName", _DNS_SUBDOMAIN),
        Value("spec.secretObjects[].data[].key", _CONFIG_DATA_KEY, K8S_SECRET_KEYS),
    ),
}
