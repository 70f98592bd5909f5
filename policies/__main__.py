"""Serves the Sentinel policy pack to the Pulumi engine, from the pack that `python3 dev.py pack` stages
(`pulumi preview --policy-pack build/policy-pack`).

The engine starts `python -m pulumi.policy` in the pack's directory, where the staged `policies` and `facts`
packages sit beside this file. Constructing a `PolicyPack` starts its gRPC server and blocks, so this file does
nothing else; the rules live in `policies.rules`, importable by tests and the offline runner.
"""

import sys

from pulumi_policy import EnforcementLevel, PolicyPack

try:
    from policies.pack import PACK_NAME, POLICIES
except ModuleNotFoundError as missing:
    if missing.name != "policies":
        raise
    # Run from the source tree, where `policies` is this directory and not importable: the pack is the staged one.
    sys.exit("the policy pack runs from its stage: run `python3 dev.py pack` and pass --policy-pack build/policy-pack")

PolicyPack(
    name=PACK_NAME,
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=list(POLICIES),
)
