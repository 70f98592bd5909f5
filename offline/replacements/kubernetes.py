"""Replacement rules of the Kubernetes objects and the Helm release the program declares (pulumi-kubernetes 4.x,
read at master: `provider/pkg/provider/diff.go` for the table, `provider.go` for how Diff applies it,
`helm_release.go` for releases).

pulumi-kubernetes replaces an object when `metadata.name` or `metadata.namespace` changes, whatever its kind (custom
resources included); for a cluster-scoped kind Diff clears the namespace first, so only the name counts. On top of
that a per-kind table (`forceNew` in diff.go, matched by group, version and kind) lists immutable fields. Kinds the
table leaves out (CronJob, HorizontalPodAutoscaler, NetworkPolicy, ServiceAccount, Namespace, and policy/v1
PodDisruptionBudget, since the table has only policy/v1beta1) change everything else in place. ConfigMap data and
Secret data replace because the provider leaves `enableConfigMapMutable` / `enableSecretMutable` (and the
PULUMI_K8S_ENABLE_*_MUTABLE variables) unset: this program's provider sets only `kubeconfig`.

The FAIL conditionals are the API server's, not the provider's: pulumi-kubernetes plans an update that the
validation in kubernetes/kubernetes `pkg/apis/core/validation/validation.go` or the resize admission plugin
(`plugin/pkg/admission/storage/persistentvolume/resize/admission.go`) then refuses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from offline.replacements.rules import PULUMI_KUBERNETES, Conditional, Inputs, Outcome, Rule

DIFF = PULUMI_KUBERNETES + "provider/pkg/provider/diff.go"
HELM_RELEASE = PULUMI_KUBERNETES + "provider/pkg/provider/helm_release.go"

IDENTITY = ("metadata.name", "metadata.namespace")
CLUSTER_SCOPED_IDENTITY = ("metadata.name",)

# diff.go's PersistentVolume entry: the volume source, one field per volume plugin.
VOLUME_SOURCES = tuple(
    f"spec.{source}"
    for source in (
        "awsElasticBlockStore",
        "azureDisk",
        "azureFile",
        "cephfs",
        "cinder",
        "csi",
        "fc",
        "flexVolume",
        "flocker",
        "gcePersistentDisk",
        "glusterfs",
        "hostPath",
        "iscsi",
        "local",
        "nfs",
        "photonPersistentDisk",
        "portworxVolume",
        "quobyte",
        "rbd",
        "scaleIO",
        "storageos",
        "vsphereVolume",
    )
)

CLAIM_REPLACED_FIELDS = ("accessModes", "selector", "storageClassName", "volumeName")
CLAIM_REPLACE_ON = (*IDENTITY, *(f"spec.{field}" for field in CLAIM_REPLACED_FIELDS))
CONFIG_MAP_REPLACE_ON = (*IDENTITY, "binaryData", "data")
SECRET_REPLACE_ON = (*IDENTITY, "type", "stringData", "data")
IMMUTABLE_OBJECT_REPLACE_ON = (*IDENTITY, "binaryData", "data", "stringData", "type")
# What the API server lets change on a claim; every other spec field it refuses to update.
CLAIM_MUTABLE_FIELDS = ("resources", "volumeAttributesClassName")

_QUANTITY = re.compile(r"^([+-]?[0-9.]+)([eE][+-]?[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$")
_SUFFIX_FACTORS = {
    "": Decimal(1),
    "n": Decimal("1e-9"),
    "u": Decimal("1e-6"),
    "m": Decimal("1e-3"),
    "k": Decimal(10) ** 3,
    "M": Decimal(10) ** 6,
    "G": Decimal(10) ** 9,
    "T": Decimal(10) ** 12,
    "P": Decimal(10) ** 15,
    "E": Decimal(10) ** 18,
    **{suffix: Decimal(2) ** (10 * power) for power, suffix in enumerate(("Ki", "Mi", "Gi", "Ti", "Pi", "Ei"), 1)},
}


def quantity(value: Any) -> Decimal | None:
    """A Kubernetes resource quantity (`100Gi`, `1.5T`, `500M`, `1e3`) as a number, None when it is not one."""
    match = _QUANTITY.match(str(value).strip())
    if match is None:
        return None
    mantissa, exponent, suffix = match.groups()
    try:
        number = Decimal(mantissa + (exponent or ""))
    except InvalidOperation:
        return None
    return number * _SUFFIX_FACTORS[suffix or ""]


def _value(inputs: Inputs, path: str) -> Any:
    value: Any = inputs
    for key in path.split("."):
        value = value.get(key) if isinstance(value, Mapping) else None
    return value


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _replaced(old: Inputs, new: Inputs, paths: tuple[str, ...]) -> bool:
    """Whether the change also replaces the object, so that no update reaches the API server to be refused."""
    return any(_value(old, path) != _value(new, path) for path in paths)


def claim_update_refused(old: Inputs, new: Inputs) -> str | None:
    """The API server keeps a claim's spec immutable except `resources.requests` and `volumeAttributesClassName`;
    the storage request may only grow, and only through a StorageClass that allows expansion, so a claim bound
    statically (`storageClassName: ""`, such as an EFS volume) cannot grow at all. The fields pulumi-kubernetes
    replaces on (access modes, selector, class, volume name) never reach the API as an update."""
    if _replaced(old, new, CLAIM_REPLACE_ON):
        return None
    old_spec, new_spec = _mapping(old.get("spec")), _mapping(new.get("spec"))
    frozen = sorted(
        field
        for field in set(old_spec) | set(new_spec)
        if field not in CLAIM_REPLACED_FIELDS + CLAIM_MUTABLE_FIELDS and old_spec.get(field) != new_spec.get(field)
    )
    old_resources, new_resources = _mapping(old_spec.get("resources")), _mapping(new_spec.get("resources"))
    frozen += [
        f"resources.{field}"
        for field in sorted(set(old_resources) | set(new_resources))
        if field != "requests" and old_resources.get(field) != new_resources.get(field)
    ]
    if frozen:
        return f"spec.{', spec.'.join(frozen)} of a claim cannot change after creation"
    before, after = _value(old_spec, "resources.requests.storage"), _value(new_spec, "resources.requests.storage")
    before_size, after_size = quantity(before), quantity(after)
    if before_size is None or after_size is None or before_size == after_size:
        return None
    if after_size < before_size:
        return f"the storage request {before} -> {after}: a claim cannot shrink"
    if new_spec.get("storageClassName") == "":
        return f"the storage request {before} -> {after}: a claim with no StorageClass (a static volume) cannot grow"
    return None


def immutable_unset(old: Inputs, new: Inputs) -> str | None:
    """Once a ConfigMap or Secret is `immutable: true`, the API server refuses to turn it back (unless the same
    change replaces the object)."""
    if _replaced(old, new, IMMUTABLE_OBJECT_REPLACE_ON):
        return None
    if old.get("immutable") is True and new.get("immutable") is not True:
        return "immutable: true cannot be unset; the object must be deleted and created again"
    return None


UNSET_IMMUTABLE = Conditional("immutable", Outcome.FAIL, immutable_unset)

RULES: tuple[Rule, ...] = (
    Rule(type="kubernetes:apps/v1:Deployment", source=DIFF, replace_on=(*IDENTITY, "spec.selector")),
    Rule(type="kubernetes:autoscaling/v2:HorizontalPodAutoscaler", source=DIFF, replace_on=IDENTITY),
    Rule(
        type="kubernetes:batch/v1:CronJob",
        source=DIFF,
        replace_on=IDENTITY,
        note="The table has Job but no CronJob: a changed jobTemplate applies to the next run, in place.",
    ),
    Rule(
        type="kubernetes:batch/v1:Job",
        source=DIFF,
        replace_on=(*IDENTITY, "spec.completions", "spec.parallelism", "spec.selector", "spec.template"),
    ),
    Rule(
        type="kubernetes:core/v1:ConfigMap",
        source=DIFF,
        replace_on=CONFIG_MAP_REPLACE_ON,
        conditional=(UNSET_IMMUTABLE,),
        note="data and binaryData replace while the provider leaves enableConfigMapMutable unset (the default); an "
        "auto-named ConfigMap is created under a new name first, which is how its Deployment rolls.",
    ),
    Rule(type="kubernetes:core/v1:Namespace", source=DIFF, replace_on=CLUSTER_SCOPED_IDENTITY),
    Rule(
        type="kubernetes:core/v1:PersistentVolume",
        source=DIFF,
        replace_on=(*CLUSTER_SCOPED_IDENTITY, *VOLUME_SOURCES),
        holds_data=True,
        note="Deleting a volume with the Delete reclaim policy deletes its storage; with Retain (the shared-files "
        "EFS volume) the files stay but the old volume must be reclaimed by hand.",
    ),
    Rule(
        type="kubernetes:core/v1:PersistentVolumeClaim",
        source=DIFF,
        replace_on=CLAIM_REPLACE_ON,
        conditional=(Conditional("spec", Outcome.FAIL, claim_update_refused),),
        holds_data=True,
        note="A replaced claim releases its volume: a dynamically provisioned one (Delete policy) is deleted, and a "
        "Retain volume stays Released, bound to the old claim, so the new claim stays Pending until it is freed.",
    ),
    Rule(
        type="kubernetes:core/v1:Secret",
        source=DIFF,
        replace_on=SECRET_REPLACE_ON,
        conditional=(UNSET_IMMUTABLE,),
        note="data and stringData replace while the provider leaves enableSecretMutable unset (the default); with "
        "it set only type would, unless the Secret is immutable. The values come from other resources here, so "
        "the Secret holds nothing of its own.",
    ),
    Rule(type="kubernetes:core/v1:Service", source=DIFF, replace_on=(*IDENTITY, "spec.clusterIP")),
    Rule(type="kubernetes:core/v1:ServiceAccount", source=DIFF, replace_on=IDENTITY),
    Rule(
        type="kubernetes:helm.sh/v3:Release",
        source=HELM_RELEASE,
        replace_on=("name", "namespace"),
        note="Diff forces new only on the release name and namespace; chart, version, repository and values are "
        "a helm upgrade in place.",
    ),
    Rule(type="kubernetes:networking.k8s.io/v1:NetworkPolicy", source=DIFF, replace_on=IDENTITY),
    Rule(
        type="kubernetes:policy/v1:PodDisruptionBudget",
        source=DIFF,
        replace_on=IDENTITY,
        note="The table replaces on any spec change only for policy/v1beta1; policy/v1 budgets update in place.",
    ),
    Rule(
        type="kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass",
        source=DIFF,
        replace_on=IDENTITY,
        note="A custom resource: the table has no entry for its group, so only its identity replaces it.",
    ),
    Rule(
        type="kubernetes:crd.k8s.amazonaws.com/v1alpha1:ENIConfig",
        source=DIFF,
        replace_on=CLUSTER_SCOPED_IDENTITY,
        note="The VPC CNI's cluster-scoped custom resource: the table has no entry for its group, so only its name "
        "replaces it.",
    ),
)
