"""Sentinel's CrossGuard policy pack.

`policies.pack` lists every policy; `policies/__main__.py` only serves them to the Pulumi engine. The rules
live in side-effect-free modules under `policies.rules` (one per concern) so tests and the offline runner
can import them without starting the pack's gRPC server.
"""
