"""Replacement rules of the `random` resources (pulumi-random 4.x, built on the Terraform random provider 3.x,
schemas read at v3.9.0) and of the three explicit providers: AWS (pulumi-aws 7.x), Kubernetes (pulumi-kubernetes
4.x, its DiffConfig) and Cloudflare (pulumi-cloudflare 6.x).

A provider resource is replaced when its DiffConfig says so, and Pulumi then replaces every resource it manages.
AWS: pulumi-aws v7 replaces no resource through its provider. pulumi/pulumi-aws#5656 proposed dropping
`ForcesProviderReplace` from the provider's `region` on v6 and was closed unmerged, because v7.0.0 removes the
cascading replace altogether (the maintainers on pulumi/pulumi-aws#5652). Instead every regional resource has its
own `region` input, defaulted from the provider's region, and the `forceNewIfRegionChanges` CustomizeDiff of the
Terraform AWS provider v6 (internal/provider/sdkv2/region.go) replaces the resource when it changes, including when
only the provider's region did.
"""

from __future__ import annotations

from collections.abc import Mapping

from offline.replacements.rules import (
    PULUMI_KUBERNETES,
    TERRAFORM_AWS,
    TERRAFORM_RANDOM,
    Conditional,
    Inputs,
    Outcome,
    Rule,
)

PULUMI_AWS = "https://github.com/pulumi/pulumi-aws/blob/master/"
PULUMI_CLOUDFLARE = "https://github.com/pulumi/pulumi-cloudflare/blob/master/"
AWS_REGION_INTERCEPTOR = TERRAFORM_AWS + "internal/provider/sdkv2/region.go"


def keepers_changed(old: Inputs, new: Inputs) -> str | None:
    """`RequiresReplaceIfValuesNotNull` (internal/planmodifiers/map): any changed or removed keeper replaces the
    value; a keeper added with a null value does not, since the SDKv2 provider never stored null entries."""
    before, after = old.get("keepers"), new.get("keepers")
    if before == after:
        return None
    before = before if isinstance(before, Mapping) else {}
    after = after if isinstance(after, Mapping) else {}
    removed = sorted(key for key in before if key not in after)
    changed = sorted(
        key for key, value in after.items() if before.get(key) != value and not (key not in before and value is None)
    )
    if removed or changed:
        return f"keepers {', '.join(removed + changed)} changed: a new value is generated"
    return None


def override_special_changed(old: Inputs, new: Inputs) -> str | None:
    """`RequiresReplaceUnlessEmptyStringToNull` (internal/planmodifiers/string): a changed `overrideSpecial`
    replaces the password, except going from "" to unset, which version 3.4.2's empty default left behind."""
    before, after = old.get("overrideSpecial"), new.get("overrideSpecial")
    if before == after or (before == "" and after is None):
        return None
    return "overrideSpecial changed: a new password is generated"


KEEPERS = Conditional("keepers", Outcome.REPLACE, keepers_changed)

RULES: tuple[Rule, ...] = (
    Rule(
        type="random:index/randomId:RandomId",
        source=TERRAFORM_RANDOM + "internal/provider/resource_id.go",
        replace_on=("byteLength", "prefix"),
        conditional=(KEEPERS,),
        holds_data=True,
        note="The generated id lives only in state: a replacement draws a new one.",
    ),
    Rule(
        type="random:index/randomPassword:RandomPassword",
        source=TERRAFORM_RANDOM + "internal/provider/resource_password.go",
        replace_on=(
            "length",
            "special",
            "upper",
            "lower",
            "number",
            "numeric",
            "minNumeric",
            "minUpper",
            "minLower",
            "minSpecial",
        ),
        conditional=(KEEPERS, Conditional("overrideSpecial", Outcome.REPLACE, override_special_changed)),
        holds_data=True,
        note="The password lives only in state: a replacement generates a new one that every consumer must take.",
    ),
    Rule(
        type="pulumi:providers:aws",
        source=PULUMI_AWS + "provider/resources.go",
        note="DiffConfig replaces nothing in v7 (module docstring). A new provider `region` still replaces every "
        "regional resource that leaves its own `region` unset, through that resource's `region` rule "
        f"({AWS_REGION_INTERCEPTOR}): the program's inputs do not show that change, the provider's do.",
    ),
    Rule(
        type="pulumi:providers:kubernetes",
        source=PULUMI_KUBERNETES + "provider/pkg/provider/provider.go",
        replaces_managed_on=("kubeconfig", "context", "cluster", "clusterIdentifier", "renderYamlToDirectory"),
        note="DiffConfig replaces: on any change of renderYamlToDirectory; on kubeconfig, context or cluster when "
        "the active cluster changes, that is the kubeconfig `clusters` entry chosen by the `cluster` input, else "
        "by the context (the `context` input, else current-context), compared whole (server, "
        "certificate-authority-data, TLS and proxy settings; not the user or its exec credentials), and always when "
        "any of the three is unknown in preview; on clusterIdentifier only when it goes from one value to another. "
        "When clusterIdentifier is set and unchanged nothing replaces, and adding or removing it does not either. "
        "This table lists all five as replacing, which overstates a kubeconfig edit outside the active cluster; "
        "the program sets only kubeconfig. A changed `namespace` is an update, but namespaced objects that leave "
        "metadata.namespace unset move to it (Check fills it in) and are replaced through their own rule.",
    ),
    Rule(
        type="pulumi:providers:cloudflare",
        source=PULUMI_CLOUDFLARE + "provider/resources.go",
        note="No provider input carries ForcesProviderReplace (apiToken, apiKey and apiUserServiceKey are only "
        "marked secret), and the Terraform provider has no such notion: a new token or key is an update. "
        "Resources name their zone or account through their own zoneId / accountId.",
    ),
)
