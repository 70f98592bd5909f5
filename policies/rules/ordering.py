"""Creation order the services need: what must exist before something else is created, or the first `pulumi up`
fails or leaves a broken platform although every resource is valid on its own.

- EKS add-ons around the node group: the cluster is created without self-managed add-ons, so what a node needs to
  become Ready comes before the node group, and what runs as a Deployment after it. Where each add-on belongs, and
  why, is the table in facts/eks_addons.py; a new add-on must be placed there first.
- Pod Identity before pods: a pod gets the credentials of its service account's association only if the
  association exists when the pod starts; a pod started earlier runs with the node's role until restarted. Each
  association is therefore part of its add-on (EKS creates those before the add-on's pods; only for the service
  accounts the add-on's configuration offers) or a dependency of whatever runs pods as that service account.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from pulumi_policy import Policy, PolicyResource, Severity

from facts.eks_addons import ADDON_NAMESPACE, ADDONS, Stage
from policies.support.aws import EKS_ADDON, EKS_NODE_GROUP, EKS_POD_IDENTITY_ASSOCIATION, HELM_RELEASE
from policies.support.declare import Concern, Finding, Settings, StackPolicy
from policies.support.kubernetes import CRON_JOB, DEPLOYMENT
from policies.support.stack import Stack, depends_on
from policies.support.values import elements, field, is_unknown, shown


def _addons_around_nodes(stack: Stack, _settings: Settings) -> Iterable[Finding]:
    node_groups: dict[str, list[PolicyResource]] = defaultdict(list)
    for group in stack.of_type(EKS_NODE_GROUP):
        node_groups[field(group.props, "clusterName")].append(group)
    for addon in stack.of_type(EKS_ADDON):
        name = field(addon.props, "addonName")
        if is_unknown(name):
            continue
        placement = ADDONS.get(name)
        if placement is None:
            yield Finding(
                addon.urn,
                f"add-on {shown(name)} is not in facts/eks_addons.py: say there whether it belongs before or "
                "after the node group, and why",
            )
            continue
        for group in node_groups[field(addon.props, "clusterName")]:
            if placement.stage is Stage.BEFORE_NODES and not depends_on(group, addon):
                yield Finding(
                    group.urn,
                    f"node group {group.name} does not depend on add-on {name}, which belongs "
                    f"{placement.stage.value}: {placement.reason}",
                )
            if placement.stage is Stage.AFTER_NODES and not depends_on(addon, group):
                yield Finding(
                    addon.urn,
                    f"add-on {name} does not depend on node group {group.name}; it belongs {placement.stage.value}: "
                    f"{placement.reason}",
                )


EKS_ADDONS_AROUND_NODES = StackPolicy(
    name="eks-addons-ordered-around-nodes",
    description=(
        "Every EKS add-on is placed against the node group as facts/eks_addons.py says, with its reason: "
        "vpc-cni, kube-proxy and eks-pod-identity-agent before it (nodes need them to become Ready), add-ons that "
        "run Deployments after it (before any node they cannot schedule, and EKS times them out). An add-on the "
        "table does not know is reported."
    ),
    concern=Concern.GOVERNANCE,
    severity=Severity.HIGH,
    rule=_addons_around_nodes,
)


def _pod_runners(stack: Stack) -> Iterator[tuple[PolicyResource, str, str]]:
    """Whatever runs pods under a service account that may have a Pod Identity association: each add-on's AWS
    service accounts (facts/eks_addons.py), the Helm releases (the `rbac.serviceAccount.name` value, which the
    charts the program installs use), Deployments and CronJobs; each with the namespace and service account."""
    for addon in stack.of_type(EKS_ADDON):
        placement = ADDONS.get(field(addon.props, "addonName"))
        for service_account in placement.aws_service_accounts if placement else ():
            yield addon, ADDON_NAMESPACE, service_account
    for release in stack.of_type(HELM_RELEASE):
        yield (
            release,
            field(release.props, "namespace"),
            field(release.props, "values", "rbac", "serviceAccount", "name"),
        )
    for deployment in stack.of_type(DEPLOYMENT):
        pod = field(deployment.props, "spec", "template", "spec")
        yield deployment, field(deployment.props, "metadata", "namespace"), field(pod, "serviceAccountName")
    for job in stack.of_type(CRON_JOB):
        pod = field(job.props, "spec", "jobTemplate", "spec", "template", "spec")
        yield job, field(job.props, "metadata", "namespace"), field(pod, "serviceAccountName")


def _pod_identity_before_pods(stack: Stack, _settings: Settings) -> Iterable[Finding]:
    associations: dict[tuple[str, str], list[PolicyResource]] = defaultdict(list)
    for association in stack.of_type(EKS_POD_IDENTITY_ASSOCIATION):
        key = (field(association.props, "namespace"), field(association.props, "serviceAccount"))
        associations[key].append(association)
    for runner, namespace, service_account in _pod_runners(stack):
        if not isinstance(namespace, str) or not isinstance(service_account, str):
            continue
        standalone = associations.get((namespace, service_account), [])
        for association in standalone:
            if not depends_on(runner, association):
                yield Finding(
                    runner.urn,
                    f"{runner.name} runs pods as {namespace}/{service_account} but does not depend on its Pod Identity "
                    f"association {association.name}: pods started first get the node's role. Pass it in depends_on, "
                    "or make it one of the add-on's podIdentityAssociations",
                )
        if runner.resource_type != EKS_ADDON:
            continue
        addon_name = field(runner.props, "addonName")
        own = {field(item, "serviceAccount") for item in elements(field(runner.props, "podIdentityAssociations"))}
        if service_account in own and service_account in ADDONS[addon_name].associated_apart:
            yield Finding(
                runner.urn,
                f"add-on {addon_name} offers no Pod Identity association for {namespace}/{service_account} "
                "(facts/eks_addons.py), so EKS refuses it among the add-on's: create it on its own and make the "
                "add-on depend on it",
            )
        elif not standalone and service_account not in own and not any(is_unknown(item) for item in own):
            yield Finding(
                runner.urn,
                f"add-on {addon_name} runs {namespace}/{service_account}, which calls AWS, with no Pod Identity "
                "association: it would use the node's role. Add one to the add-on's podIdentityAssociations",
            )


EKS_POD_IDENTITY_BEFORE_PODS = StackPolicy(
    name="eks-pod-identity-before-pods",
    description=(
        "Every service account whose pods call AWS gets its Pod Identity association before its pods start: an "
        "add-on's own associations (facts/eks_addons.py names the service accounts) are part of the add-on, "
        "and an association created on its own is a dependency of the add-on, Helm release, Deployment or CronJob "
        "that runs pods as its service account. A pod started before its association runs with the node's role."
    ),
    concern=Concern.GOVERNANCE,
    severity=Severity.HIGH,
    rule=_pod_identity_before_pods,
)

POLICIES: tuple[Policy, ...] = (EKS_ADDONS_AROUND_NODES, EKS_POD_IDENTITY_BEFORE_PODS)
