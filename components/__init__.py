"""Sentinel platform components: one `pulumi.ComponentResource` per module, plus the stack config model."""
