"""The providers: where the program deploys (the AWS region and account), and with which credentials it reaches
Cloudflare and the cluster."""

from __future__ import annotations

from policies.rules.deploy_constraints.allowed import characters
from policies.rules.deploy_constraints.kinds import Constraints, OneOf, Tags, Value
from policies.rules.deploy_constraints.sources import ACCOUNT_IDS, REGIONS
from policies.support.aws import AWS_PROVIDER, KUBERNETES_PROVIDER
from policies.support.cloudflare import CLOUDFLARE_PROVIDER

CONSTRAINTS: Constraints = {
    AWS_PROVIDER: (
        Value("region", characters(r"[a-z]{2}(-[a-z]+)+-\d+", "region codes such as us-east-1"), REGIONS),
        Value("allowedAccountIds[]", characters(r"\d{12}", "12 digits"), ACCOUNT_IDS),
        Tags("defaultTags.tags", with_provider_defaults=False),
    ),
    CLOUDFLARE_PROVIDER: (
        OneOf(
            ("apiKey", "apiToken", "apiUserServiceKey"),
            'pulumi_cloudflare/provider.py ("Must provide only one of")',
            required=False,
        ),
    ),
    # Without a kubeconfig the provider falls back to the kubeconfig of whoever runs `pulumi up`.
    KUBERNETES_PROVIDER: (OneOf(("kubeconfig",), "pulumi_kubernetes/provider.py (kubeconfig)"),),
}
