"""How the origin knows a request came through this stack's Cloudflare zone (design D17): the request header that a
Cloudflare request-header transform rule sets (components/edge.py) and that every ALB listener rule which forwards
requires (components/ingress.py), to which the policy pack holds the listener rules (policies/rules/origin.py)."""

from __future__ import annotations

ORIGIN_HEADER = "X-Origin-Verify"
"""Not a `cf-` or `x-cf-` name, which a Cloudflare transform rule may not set
(https://developers.cloudflare.com/rules/transform/request-header-modification/), and within the 40 characters of
an ALB http-header condition (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_HttpHeaderConditionConfig.html)."""
