"""What the rule modules share: reading properties as CrossGuard sends them, declaring policies, walking the
stack's resources, and the Kubernetes and AWS knowledge more than one concern needs."""
