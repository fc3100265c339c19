"""The cluster a flux command targets: resource group, resource provider, cluster type and name.

Cluster types are matched case-insensitively and returned in canonical spelling:
connectedClusters -> Microsoft.Kubernetes, managedClusters -> Microsoft.ContainerService,
provisionedClusters -> Microsoft.HybridContainerService (requires --cluster-rp microsoft.hybridcontainerservice),
appliances -> Microsoft.ResourceConnector.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from azure.cli.core.azclierror import (
    InvalidArgumentValueError,
    RequiredArgumentMissingError,
)

from .documents import check_option_text

CLUSTER_TYPES: dict[str, tuple[str, str]] = {  # lower-case type -> (canonical type, resource provider)
    "connectedclusters": ("connectedClusters", "Microsoft.Kubernetes"),
    "managedclusters": ("managedClusters", "Microsoft.ContainerService"),
    "provisionedclusters": ("provisionedClusters", "Microsoft.HybridContainerService"),
    "appliances": ("appliances", "Microsoft.ResourceConnector"),
}
NEEDS_EXPLICIT_RP = frozenset({"provisionedclusters"})
_RESOURCE_GROUP = re.compile(r"[-\w._()]{1,90}")


@dataclass(frozen=True)
class ClusterRef:
    resource_group: str
    cluster_rp: str
    cluster_type: str
    cluster_name: str

    @property
    def resource_path(self) -> str:
        """`resourceGroups/RG/providers/RP/TYPE/NAME` (prefix with /subscriptions/SUB/ for an id)."""
        return (f"resourceGroups/{self.resource_group}/providers/{self.cluster_rp}/"
                f"{self.cluster_type}/{self.cluster_name}")


def parse_cluster_ref(resource_group_name, cluster_type, cluster_name, cluster_resource_provider=None) -> ClusterRef:
    if not resource_group_name or not _RESOURCE_GROUP.fullmatch(resource_group_name) \
            or resource_group_name.endswith("."):
        raise InvalidArgumentValueError(f"Invalid --resource-group {resource_group_name!r}.",
                                        "A resource group name has 1-90 letters, digits, '-', '_', '.', '(' or ')' "
                                        "and does not end with a period.")
    if not cluster_name or not str(cluster_name).strip():
        raise RequiredArgumentMissingError("The cluster name is missing.", "Give it with --cluster-name/-c.")
    if "/" in cluster_name:
        raise InvalidArgumentValueError(f"Invalid --cluster-name {cluster_name!r}: it contains '/'.",
                                        "Give the cluster's name, not its resource id.")
    check_option_text(cluster_name, "--cluster-name")
    check_option_text(cluster_resource_provider, "--cluster-resource-provider")
    key = str(cluster_type or "").strip().lower()
    if key not in CLUSTER_TYPES:
        raise InvalidArgumentValueError(f"Invalid --cluster-type {cluster_type!r}.",
                                        "Use one of: " + ", ".join(t for t, _ in CLUSTER_TYPES.values()))
    canonical, rp = CLUSTER_TYPES[key]
    if key in NEEDS_EXPLICIT_RP:
        given = str(cluster_resource_provider or "").strip()
        if not given:
            raise RequiredArgumentMissingError(f"--cluster-type {canonical} needs --cluster-resource-provider.",
                                               f"Add --cluster-rp {rp.lower()}.")
        if given.lower() != rp.lower():
            raise InvalidArgumentValueError(f"--cluster-rp {given!r} is not supported for --cluster-type {canonical}.",
                                            f"Use --cluster-rp {rp.lower()}.")
    return ClusterRef(resource_group_name, rp, canonical, cluster_name)
