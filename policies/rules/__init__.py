"""The rules, one module per concern. Each module defines its policies and lists them in `POLICIES`."""
