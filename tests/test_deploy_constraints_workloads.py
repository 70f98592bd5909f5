"""Deploy constraints of the apps' Kubernetes objects: the inputs the program sets pass, and each constraint reports the
value that breaks it."""

from __future__ import annotations

from typing import Any

from policies.rules.deploy_constraints import workloads
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
from policies.support.kubernetes import SECRET as KUBERNETES_SECRET
from tests.deploy_constraint_cases import constraint_case, untested_constraints
from tests.policy_builders import property_rule_tests

COMPLIANT: dict[str, dict[str, Any]] = {
    NAMESPACE: {"metadata": {"name": "sentinel", "labels": {"pod-security.kubernetes.io/enforce": "restricted"}}},
    SERVICE_ACCOUNT: {"metadata": {"name": "web", "namespace": "sentinel"}},
    CONFIG_MAP: {"metadata": {"labels": {"app": "web"}}, "data": {"NODE_ENV": "production"}},
    KUBERNETES_SECRET: {"metadata": {"labels": {"app": "web"}}, "stringData": {"JWT_SECRET": "s"}},
    SERVICE: {
        "metadata": {"name": "web"},
        "spec": {"type": "NodePort", "externalTrafficPolicy": "Cluster", "ports": [{"port": 80, "nodePort": 30080}]},
    },
    DEPLOYMENT: {
        "metadata": {"name": "web", "labels": {"app.kubernetes.io/name": "web"}},
        "spec": {"strategy": {"type": "RollingUpdate"}, "template": {"spec": {"containers": [{"name": "web"}]}}},
    },
    HPAS[0]: {
        "metadata": {"name": "web"},
        "spec": {"minReplicas": 3, "maxReplicas": 20, "scaleTargetRef": {"kind": "Deployment", "name": "web"}},
    },
    PDB: {"metadata": {"name": "web"}, "spec": {"maxUnavailable": 1}},
    NETWORK_POLICY: {"metadata": {"name": "default-deny"}, "spec": {"policyTypes": ["Ingress", "Egress"]}},
    CRON_JOB: {
        "metadata": {"name": "logical-backup"},
        "spec": {"schedule": "0 3 * * *", "concurrencyPolicy": "Forbid"},
    },
    PERSISTENT_VOLUME: {
        "metadata": {"name": "sentinel-prod-shared-files"},
        "spec": {"accessModes": ["ReadWriteMany"], "persistentVolumeReclaimPolicy": "Retain"},
    },
    PERSISTENT_VOLUME_CLAIM: {"metadata": {"name": "shared-files"}, "spec": {"accessModes": ["ReadWriteMany"]}},
    JOB: {
        "metadata": {"name": "database-roles-0a1b2c3d"},
        "spec": {"backoffLimit": 4, "activeDeadlineSeconds": 900, "template": {"spec": {"restartPolicy": "Never"}}},
    },
    SECRET_PROVIDER_CLASS: {
        "metadata": {"name": "web-secrets"},
        "spec": {
            "provider": "aws",
            "parameters": {"objects": "[]", "region": "us-east-1", "usePodIdentity": "true"},
            "secretObjects": [
                {
                    "secretName": "web-secrets",
                    "type": "Opaque",
                    "data": [{"objectName": "JWT_SECRET", "key": "JWT_SECRET"}],
                }
            ],
        },
    },
}

case = constraint_case(COMPLIANT)

# (resource type, the change that breaks its compliant inputs, the start of the message it then reports, id)
CASES = [
    case(NAMESPACE, {"metadata": {"name": "n" * 64}}, "metadata.name is", "namespace-length"),
    case(
        NAMESPACE, {"metadata": {"name": "Sentinel"}}, 'metadata.name is "Sentinel": AWS allows lowercase', "namespace"
    ),
    case(NAMESPACE, {"metadata": {"labels": {"a": "not valid!"}}}, "metadata.labels is", "namespace-labels"),
    case(SERVICE_ACCOUNT, {"metadata": {"name": "s" * 254}}, "metadata.name is", "account-length"),
    case(SERVICE_ACCOUNT, {"metadata": {"name": "Web_App"}}, 'metadata.name is "Web_App"', "account-name"),
    case(CONFIG_MAP, {"metadata": {"labels": {"a": "v" * 64}}}, "metadata.labels is", "config-map-labels"),
    case(CONFIG_MAP, {"data": {"NODE ENV": "x"}}, "data is", "config-map-keys"),
    case(KUBERNETES_SECRET, {"metadata": {"labels": {"a": "-x"}}}, "metadata.labels is", "secret-labels"),
    case(KUBERNETES_SECRET, {"stringData": {"JWT/SECRET": "x"}}, "stringData is", "secret-keys"),
    case(SERVICE, {"metadata": {"name": "w" * 64}}, "metadata.name is", "service-length"),
    case(SERVICE, {"metadata": {"name": "web.app"}}, 'metadata.name is "web.app"', "service-name"),
    case(SERVICE, {"spec": {"type": "Ingress"}}, 'spec.type is "Ingress"', "service-type"),
    case(SERVICE, {"spec": {"externalTrafficPolicy": "Node"}}, 'spec.externalTrafficPolicy is "Node"', "traffic"),
    case(SERVICE, {"spec": {"ports": [{"nodePort": 8080}]}}, "spec.ports[0].nodePort is 8080", "node-port"),
    case(DEPLOYMENT, {"metadata": {"name": "d" * 254}}, "metadata.name is", "deployment-length"),
    case(DEPLOYMENT, {"metadata": {"name": "Web"}}, 'metadata.name is "Web"', "deployment-name"),
    case(DEPLOYMENT, {"metadata": {"labels": {"a": "b c"}}}, "metadata.labels is", "deployment-labels"),
    case(DEPLOYMENT, {"spec": {"strategy": {"type": "BlueGreen"}}}, 'spec.strategy.type is "BlueGreen"', "strategy"),
    case(
        DEPLOYMENT,
        {"spec": {"template": {"spec": {"containers": [{"name": "c" * 64}]}}}},
        "spec.template.spec.containers[0].name is",
        "container-length",
    ),
    case(
        DEPLOYMENT,
        {"spec": {"template": {"spec": {"containers": [{"name": "Web_1"}]}}}},
        'spec.template.spec.containers[0].name is "Web_1"',
        "container-name",
    ),
    case(HPAS[0], {"metadata": {"name": "h" * 254}}, "metadata.name is", "hpa-length"),
    case(HPAS[0], {"metadata": {"name": "Web"}}, 'metadata.name is "Web"', "hpa-name"),
    case(HPAS[0], {"spec": {"minReplicas": 0}}, "spec.minReplicas is 0", "hpa-min"),
    case(HPAS[0], {"spec": {"scaleTargetRef": {"kind": "Pod"}}}, 'spec.scaleTargetRef.kind is "Pod"', "hpa-target"),
    case(PDB, {"metadata": {"name": "p" * 254}}, "metadata.name is", "pdb-length"),
    case(PDB, {"metadata": {"name": "Web"}}, 'metadata.name is "Web"', "pdb-name"),
    case(PDB, {"spec": {"minAvailable": 1}}, "spec.minAvailable 1 and spec.maxUnavailable 1 are set together", "pdb"),
    case(NETWORK_POLICY, {"metadata": {"name": "n" * 254}}, "metadata.name is", "policy-length"),
    case(NETWORK_POLICY, {"metadata": {"name": "Deny All"}}, 'metadata.name is "Deny All"', "policy-name"),
    case(NETWORK_POLICY, {"spec": {"policyTypes": ["Both"]}}, 'spec.policyTypes[0] is "Both"', "policy-types"),
    case(CRON_JOB, {"metadata": {"name": "c" * 53}}, "metadata.name is", "cron-job-name"),
    case(CRON_JOB, {"spec": {"concurrencyPolicy": "Never"}}, 'spec.concurrencyPolicy is "Never"', "concurrency"),
    case(CRON_JOB, {"spec": {"schedule": "@daily at 3"}}, 'spec.schedule is "@daily at 3"', "schedule"),
    case(PERSISTENT_VOLUME, {"metadata": {"name": "v" * 254}}, "metadata.name is", "volume-length"),
    case(PERSISTENT_VOLUME, {"metadata": {"name": "Shared"}}, 'metadata.name is "Shared"', "volume-name"),
    case(
        PERSISTENT_VOLUME, {"spec": {"accessModes": ["ReadWriteAll"]}}, 'spec.accessModes[0] is "ReadWriteAll"', "mode"
    ),
    case(
        PERSISTENT_VOLUME,
        {"spec": {"persistentVolumeReclaimPolicy": "Keep"}},
        'spec.persistentVolumeReclaimPolicy is "Keep"',
        "reclaim",
    ),
    case(PERSISTENT_VOLUME_CLAIM, {"metadata": {"name": "c" * 254}}, "metadata.name is", "claim-length"),
    case(PERSISTENT_VOLUME_CLAIM, {"metadata": {"name": "Files"}}, 'metadata.name is "Files"', "claim-name"),
    case(PERSISTENT_VOLUME_CLAIM, {"spec": {"accessModes": ["RWX"]}}, 'spec.accessModes[0] is "RWX"', "claim-mode"),
    case(JOB, {"metadata": {"name": "j" * 64}}, "metadata.name is", "job-length"),
    case(JOB, {"metadata": {"name": "Roles"}}, 'metadata.name is "Roles"', "job-name"),
    case(
        JOB,
        {"spec": {"template": {"spec": {"restartPolicy": "Always"}}}},
        'spec.template.spec.restartPolicy is "Always"',
        "job-restart",
    ),
    case(JOB, {"spec": {"backoffLimit": -1}}, "spec.backoffLimit is -1", "job-backoff"),
    case(JOB, {"spec": {"activeDeadlineSeconds": 0}}, "spec.activeDeadlineSeconds is 0", "job-deadline"),
    case(SECRET_PROVIDER_CLASS, {"metadata": {"name": "s" * 254}}, "metadata.name is", "provider-class-length"),
    case(SECRET_PROVIDER_CLASS, {"metadata": {"name": "Web"}}, 'metadata.name is "Web"', "provider-class-name"),
    case(SECRET_PROVIDER_CLASS, {"spec": {"provider": "vault"}}, 'spec.provider is "vault"', "provider"),
    case(
        SECRET_PROVIDER_CLASS,
        {"spec": {"parameters": {"usePodIdentity": True}}},
        "spec.parameters.usePodIdentity is true",
        "pod-identity-string",
    ),
    case(
        SECRET_PROVIDER_CLASS,
        {"spec": {"secretObjects": [{"secretName": "Web_Secrets"}]}},
        'spec.secretObjects[0].secretName is "Web_Secrets"',
        "synced-secret-name",
    ),
    case(
        SECRET_PROVIDER_CLASS,
        {"spec": {"secretObjects": [{"secretName": "s" * 254}]}},
        "spec.secretObjects[0].secretName is",
        "synced-secret-length",
    ),
    case(
        SECRET_PROVIDER_CLASS,
        {"spec": {"secretObjects": [{"secretName": "web", "data": [{"key": "JWT SECRET"}]}]}},
        'spec.secretObjects[0].data[0].key is "JWT SECRET"',
        "synced-secret-key",
    ),
]

test_compliant_values_pass, test_each_constraint_reports_its_planted_value = property_rule_tests(CASES)


def test_every_constraint_has_a_failing_case() -> None:
    assert untested_constraints(workloads.CONSTRAINTS, CASES) == []
