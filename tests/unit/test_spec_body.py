"""The bodies we build validate against the published 2025-04-01 schema (skipped when ../shared/spec is absent)."""
import pytest
from spec_schema import (  # shared helper in tests/
    FLUX_SPEC,
    assert_valid,
    errors,
    require_spec,
)

from azext_k8s_configuration.body_builder import build_patch_body, build_put_body
from azext_k8s_configuration.flux_args import FluxArgs

from .conftest import b64, existing_config

TUTORIAL = FluxArgs(
    url="https://github.com/Azure/gitops-flux2-kustomize-helm-mt", branch="main", scope="cluster",
    namespace="cluster-config",
    kustomization=[["name=infra", "path=./infrastructure", "prune=true"],
                   ["name=apps", "path=./apps/staging", "prune=true", 'dependsOn=["infra"]']])


@pytest.fixture(autouse=True)
def _spec():
    require_spec()


def test_tutorial_put_body_matches_flux_configuration_schema():
    body, _ = build_put_body(TUTORIAL, "cluster-config")
    assert_valid(body, "FluxConfiguration")
    assert body["properties"]["kustomizations"]["apps"]["dependsOn"] == ["infra"]


def test_schema_check_can_fail():
    body, _ = build_put_body(TUTORIAL, "cluster-config")
    body["properties"]["kustomizations"]["apps"]["prune"] = "false"
    assert errors(body, FLUX_SPEC, "FluxConfiguration")


@pytest.mark.parametrize("args", [
    FluxArgs(kind="bucket", url="https://m", bucket_name="b", bucket_access_key="a", bucket_secret_key="s",
             kustomization=[["name=k", "substitute.a=1", "substituteFrom=Secret/s/optional", "retryInterval=1m"]]),
    FluxArgs(kind="azblob", url="https://a.blob.core.windows.net", container_name="c", sp_client_id="i",
             sp_tenant_id="t", sp_client_cert=b64("c"), sp_client_cert_send_chain=True, wait_for_reconciliation=True,
             reconciliation_wait_duration="PT10M"),
    FluxArgs(kind="oci", url="oci://ghcr.io/o/a", semver=">=1.0", oci_operation="extract",
             tls_client_certificate=b64("c"), tls_private_key=b64("k"), verification_provider="cosign",
             match_oidc_identity=['{"issuer": "i", "subject": "s"}']),
    FluxArgs(url="https://h/r", tag="v1", https_user="u", https_key="k", provider="azure"),
])
def test_other_kinds_match_schema(args):
    assert_valid(build_put_body(args, "cfg")[0], "FluxConfiguration")


def test_patch_bodies_match_patch_schema():
    patch, _, _ = build_patch_body(FluxArgs(kind="oci", url="oci://ghcr.io/o/a", suspend=True,
                                            kustomization=[["name=infra", "wait=false"]]), existing_config(), "cfg")
    assert_valid(patch, "FluxConfigurationPatch")
    patch, _, _ = build_patch_body(FluxArgs(semver="~1"), existing_config(), "cfg")
    assert_valid(patch, "FluxConfigurationPatch")
