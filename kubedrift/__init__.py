"""kubedrift: keep a fleet of Kubernetes clusters on one version plan."""

__version__ = "0.1.0"
