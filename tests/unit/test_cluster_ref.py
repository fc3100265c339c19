import pytest
from azure.cli.core.azclierror import (
    InvalidArgumentValueError,
    RequiredArgumentMissingError,
)

from azext_k8s_configuration.cluster_ref import ClusterRef, parse_cluster_ref


@pytest.mark.parametrize(("ctype", "rp", "canonical"), [
    ("connectedClusters", "Microsoft.Kubernetes", "connectedClusters"),
    ("CONNECTEDCLUSTERS", "Microsoft.Kubernetes", "connectedClusters"),
    ("managedclusters", "Microsoft.ContainerService", "managedClusters"),
])
def test_types(ctype, rp, canonical):
    assert parse_cluster_ref("rg", ctype, "c1") == ClusterRef("rg", rp, canonical, "c1")


def test_provisioned_clusters_need_rp():
    ref = parse_cluster_ref("rg", "provisionedClusters", "c", "MICROSOFT.HybridContainerService")
    assert (ref.cluster_rp, ref.cluster_type) == ("Microsoft.HybridContainerService", "provisionedClusters")
    assert ref.resource_path == "resourceGroups/rg/providers/Microsoft.HybridContainerService/provisionedClusters/c"
    with pytest.raises(RequiredArgumentMissingError, match="--cluster-resource-provider"):
        parse_cluster_ref("rg", "provisionedclusters", "c")
    with pytest.raises(InvalidArgumentValueError, match="--cluster-rp"):
        parse_cluster_ref("rg", "provisionedclusters", "c", "Microsoft.Kubernetes")


def test_bad_inputs():
    with pytest.raises(InvalidArgumentValueError, match="--cluster-type"):
        parse_cluster_ref("rg", "kind", "c")
    with pytest.raises(InvalidArgumentValueError, match="--resource-group"):
        parse_cluster_ref("rg/x", "managedClusters", "c")
    with pytest.raises(RequiredArgumentMissingError):
        parse_cluster_ref("rg", "managedClusters", "")


def test_cluster_name_that_is_not_text_is_a_clean_error():
    with pytest.raises(InvalidArgumentValueError, match="--cluster-name"):
        parse_cluster_ref("rg", "connectedClusters", "arc\udcff")
