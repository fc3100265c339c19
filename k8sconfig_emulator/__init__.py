"""Local emulator of the Microsoft.KubernetesConfiguration ARM resource provider."""

__version__ = "0.1.0"
