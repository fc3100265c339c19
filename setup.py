#!/usr/bin/env python
"""Packaging of the `k8s-configuration` Azure CLI extension (only `azext_k8s_configuration`)."""
from codecs import open as open_file

from setuptools import find_packages, setup

VERSION = "3.0.0"

CLASSIFIERS = [
    "Development Status :: 5 - Production/Stable",
    "Intended Audience :: Developers",
    "Intended Audience :: System Administrators",
    "Programming Language :: Python",
    "Programming Language :: Python :: 3",
    "Programming Language :: Python :: 3.10",
    "Programming Language :: Python :: 3.11",
    "Programming Language :: Python :: 3.12",
    "License :: OSI Approved :: MIT License",
]

# azure-cli itself provides knack, azure-core and azure-mgmt-core. Only the two split SDK packages are needed:
# the deprecated Flux v1 commands call ARM through the fluxConfigurations client's pipeline
# (providers/_source_control.py) instead of the whole multi-API azure-mgmt-kubernetesconfiguration package.
DEPENDENCIES = [
    "azure-mgmt-kubernetesconfiguration-fluxconfigurations~=1.0",
    "azure-mgmt-kubernetesconfiguration-extensions~=1.0",
]

with open_file("README.md", "r", encoding="utf-8") as f:
    README = f.read()
with open_file("HISTORY.rst", "r", encoding="utf-8") as f:
    HISTORY = f.read()

setup(
    name="k8s-configuration",
    version=VERSION,
    description="Manage Flux v2 GitOps configurations on AKS and Azure Arc Kubernetes clusters.",
    long_description=README + "\n\n" + HISTORY,
    long_description_content_type="text/markdown",
    license="MIT",
    classifiers=CLASSIFIERS,
    packages=find_packages(include=["azext_k8s_configuration", "azext_k8s_configuration.*"]),
    install_requires=DEPENDENCIES,
    package_data={"azext_k8s_configuration": ["azext_metadata.json"]},
    python_requires=">=3.10",
)
