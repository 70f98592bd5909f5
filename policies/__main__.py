"""Serves the Sentinel policy pack to the Pulumi engine (`pulumi preview --policy-pack policies`).

Constructing a `PolicyPack` starts its gRPC server and blocks, so this file does nothing else; the rules
live in `policies.rules`, importable by tests and the offline runner.
"""

import sys
from pathlib import Path

from pulumi_policy import EnforcementLevel, PolicyPack

# The engine runs this file from the pack's directory, where `policies` itself is not importable: put the
# repository root, which holds the `policies` package, on the path first.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from policies.pack import PACK_NAME, POLICIES

PolicyPack(
    name=PACK_NAME,
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=list(POLICIES),
)
