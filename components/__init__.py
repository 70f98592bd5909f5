"""Sentinel platform components: at most one `pulumi.ComponentResource` per module (with the helpers its
component alone uses beside it, and shared ones such as `interfaces` and `pods` in their own modules), plus the
stack config model in `config/`."""
