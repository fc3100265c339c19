"""Packaging of the `k8s-configuration` Azure CLI extension (only `azext_k8s_configuration`)."""
from codecs import open as open_file

from setuptools import find_packages, setup

VERSION = "3.1.0"
AUTHOR = "k8s-configuration (Flux v2) maintainers"
AUTHOR_EMAIL = "maintainers@users.noreply.r-seed-1f5fa8f2.example"
SUMMARY = ("az k8s-configuration flux: create and manage Flux v2 GitOps configurations on AKS and Azure Arc "
           "Kubernetes clusters. Replaces the k8s-configuration extension with the same commands, plus "
           "--dry-run, --wait-for-compliance, export and preflight checks.")

# What the test suite runs: Python 3.11 on Linux, with azure-cli 2.91.0 (azext_metadata.json).
CLASSIFIERS = [
    "Development Status :: 5 - Production/Stable",
    "Environment :: Console",
    "Intended Audience :: Developers",
    "Intended Audience :: System Administrators",
    "Operating System :: POSIX :: Linux",
    "Programming Language :: Python",
    "Programming Language :: Python :: 3",
    "Programming Language :: Python :: 3.11",
    "License :: OSI Approved :: MIT License",
    "Topic :: System :: Systems Administration",
]

# azure-cli itself provides knack, azure-core and azure-mgmt-core. Only the two split SDK packages are needed:
# the deprecated Flux v1 commands call ARM through the fluxConfigurations client's pipeline
# (providers/_source_control.py) instead of the whole multi-API azure-mgmt-kubernetesconfiguration package.
DEPENDENCIES = [
    "azure-mgmt-kubernetesconfiguration-fluxconfigurations~=1.0",
    "azure-mgmt-kubernetesconfiguration-extensions~=1.0",
]

# What `az extension show` and package indexes show to someone installing the wheel (the repository's README is
# about developing it: make targets, the emulator).
USAGE = f"""
Install (this replaces an installed `k8s-configuration`, such as Microsoft's):

    az extension remove --name k8s-configuration
    az extension add --source k8s_configuration-{VERSION}-py3-none-any.whl --yes

Use it as the reference extension (same commands, flags, aliases and defaults):

    az k8s-configuration flux create -g flux-demo-rg -c flux-demo-arc -n cluster-config \\
      --namespace cluster-config -t connectedClusters --scope cluster \\
      -u https://github.com/Azure/gitops-flux2-kustomize-helm-mt --branch main \\
      --kustomization name=infra path=./infrastructure prune=true \\
      --kustomization name=apps path=./apps/staging prune=true dependsOn=infra \\
      --wait-for-compliance

Go back to Microsoft's extension:

    az extension remove --name k8s-configuration
    az extension add --name k8s-configuration

"""

with open_file("HISTORY.rst", "r", encoding="utf-8") as f:
    HISTORY = f.read()

setup(
    name="k8s-configuration",
    version=VERSION,
    description=SUMMARY,
    author=AUTHOR,
    author_email=AUTHOR_EMAIL,
    project_urls={"Flux v2 tutorial": "https://learn.microsoft.com/azure/azure-arc/kubernetes/tutorial-use-gitops-flux2"},
    long_description=SUMMARY + "\n" + USAGE + "\n" + HISTORY,
    long_description_content_type="text/plain",
    license="MIT",
    classifiers=CLASSIFIERS,
    packages=find_packages(include=["azext_k8s_configuration", "azext_k8s_configuration.*"]),
    install_requires=DEPENDENCIES,
    package_data={"azext_k8s_configuration": ["azext_metadata.json"]},
    python_requires=">=3.10",
)
