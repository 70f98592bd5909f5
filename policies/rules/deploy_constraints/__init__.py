"""Deploy constraints: values AWS or Cloudflare rejects when the program is applied, though the mocks, the offline
preview and `pulumi preview` all accept them.

`DEPLOY_CONSTRAINTS` is the one table of them, keyed by resource type token: for every type the program creates,
the documented limits on the values it sets (length, character set, first characters, numeric range,
enumeration, properties that exclude each other), each citing the AWS or Cloudflare documentation or the provider
source (`pulumi_aws/...`, `pulumi_cloudflare/...` under site-packages) it comes from; messages name the service
whose documentation the source is. Values unknown during a preview are never violations, and neither are unset
ones: the provider's defaults are valid.

The table is assembled from one module per subject, each holding the `CONSTRAINTS` of its types; `kinds` and
`allowed` are the vocabulary they are written in, and `sources` the documentation they cite. A type the program
starts using gets its entry in its subject's module (a test of the repository's stacks names any type without
one, and another any type in two subjects).
"""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import Policy, ResourceValidationArgs, Severity

from policies.rules.deploy_constraints import (
    backup,
    cache,
    cluster,
    data,
    deploy_runner,
    edge,
    identity,
    ingress,
    network,
    observability,
    providers,
    storage,
    workloads,
)
from policies.rules.deploy_constraints.kinds import Constraints
from policies.support.declare import Concern, ResourcePolicy, Settings

DEPLOY_CONSTRAINTS: Constraints = {
    **providers.CONSTRAINTS,
    **network.CONSTRAINTS,
    **identity.CONSTRAINTS,
    **observability.CONSTRAINTS,
    **cluster.CONSTRAINTS,
    **workloads.CONSTRAINTS,
    **ingress.CONSTRAINTS,
    **storage.CONSTRAINTS,
    **backup.CONSTRAINTS,
    **edge.CONSTRAINTS,
    **data.CONSTRAINTS,
    **cache.CONSTRAINTS,
    **deploy_runner.CONSTRAINTS,
}


def _deploy_constraints(args: ResourceValidationArgs, _settings: Settings) -> Iterator[str]:
    provider_props = args.provider.props if args.provider else None
    for constraint in DEPLOY_CONSTRAINTS[args.resource_type]:
        yield from constraint.violations(args.props, provider_props)


AWS_DEPLOY_CONSTRAINTS = ResourcePolicy(
    name="aws-deploy-constraints",
    description=(
        "Every value the program sets is one AWS or Cloudflare accepts at deploy time: names, prefixes, "
        "descriptions and tags within their length and character set, reserved first characters avoided, numbers "
        "within range, enumerations respected, conflicting properties not combined. Mocks and previews accept "
        "anything; "
        "`pulumi up` would fail. Each message cites the source of the limit (the table is in "
        "policies/rules/deploy_constraints/)."
    ),
    concern=Concern.GOVERNANCE,
    severity=Severity.HIGH,
    resource_types=DEPLOY_CONSTRAINTS,
    rule=_deploy_constraints,
)

POLICIES: tuple[Policy, ...] = (AWS_DEPLOY_CONSTRAINTS,)
