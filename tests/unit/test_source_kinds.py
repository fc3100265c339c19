import pytest
from azure.cli.core.azclierror import (
    InvalidArgumentValueError,
    MutuallyExclusiveArgumentError,
    RequiredArgumentMissingError,
    UnrecognizedArgumentError,
)

from azext_k8s_configuration.body_builder import build_put_body
from azext_k8s_configuration.flux_args import FluxArgs
from azext_k8s_configuration.source_kinds import check_params, exclusive_nulls

from .conftest import GIT_URL, KNOWN_HOSTS_LINE, b64, git_args


def put(args):
    return build_put_body(args, "cfg")[0]["properties"]


def test_foreign_options_listed_in_stable_order():
    args = git_args(container_name="c", bucket_name="b", account_key="k")
    with pytest.raises(UnrecognizedArgumentError) as err:
        check_params("git", args, creating=True)
    assert str(err.value).startswith("--bucket-name, --container-name, --account-key cannot be used with --kind git")
    assert err.value.recommendations[0].startswith("Options for --kind git: --url, --timeout, --interval, --branch")


def test_three_state_false_still_counts_as_given():
    with pytest.raises(UnrecognizedArgumentError, match="--bucket-insecure"):
        check_params("git", git_args(bucket_insecure=False), creating=True)


@pytest.mark.parametrize(("kind", "missing"), [("bucket", "--bucket-name"), ("azblob", "--container-name"),
                                               ("oci", "--url"), ("git", "--url")])
def test_required_per_kind(kind, missing):
    with pytest.raises(RequiredArgumentMissingError, match=missing):
        check_params(kind, FluxArgs(url=None if kind in ("oci", "git") else "https://x"), creating=True)


def test_git_ref_exactly_one():
    with pytest.raises(RequiredArgumentMissingError, match="--branch, --tag, --semver or --commit"):
        put(FluxArgs(url=GIT_URL))
    with pytest.raises(MutuallyExclusiveArgumentError, match="--branch, --tag"):
        put(git_args(tag="v1"))
    assert put(git_args(branch=None, commit="abc123"))["gitRepository"]["repositoryRef"] == {"commit": "abc123"}


def test_git_https_auth():
    props = put(git_args(https_user="me", https_key="tok", https_ca_cert=b64("CA"), provider="GitHub"))
    assert props["gitRepository"]["httpsUser"] == "me"
    assert props["gitRepository"]["provider"] == "GitHub"
    assert props["configurationProtectedSettings"] == {"httpsKey": b64("tok")}
    with pytest.raises(RequiredArgumentMissingError, match="together"):
        put(git_args(https_user="me"))


def test_git_ssh_auth(private_keys):
    props = put(FluxArgs(url="git@github.com:org/repo", branch="main", ssh_private_key=b64(private_keys["ec-sec1"]),
                         known_hosts=b64(KNOWN_HOSTS_LINE)))
    assert props["configurationProtectedSettings"] == {"sshPrivateKey": b64(private_keys["ec-sec1"])}
    assert props["gitRepository"]["sshKnownHosts"] == b64(KNOWN_HOSTS_LINE)


def test_ssh_key_file_is_base64_of_the_file(tmp_path, private_keys):
    path = tmp_path / "id_ed25519"
    path.write_bytes(private_keys["ed25519-openssh"])
    props = put(FluxArgs(url="ssh://git@h/r", branch="main", ssh_private_key_file=str(path)))
    assert props["configurationProtectedSettings"]["sshPrivateKey"] == b64(private_keys["ed25519-openssh"])


@pytest.mark.parametrize("extra", [{"known_hosts": b64(KNOWN_HOSTS_LINE)}, {"ssh_private_key": b64("x")}])
def test_ssh_material_with_http_url(extra):
    with pytest.raises(MutuallyExclusiveArgumentError, match="http\\(s\\) --url"):
        put(git_args(**extra))


def test_https_auth_with_ssh_url():
    with pytest.raises(MutuallyExclusiveArgumentError, match="--https-user / --https-key"):
        put(FluxArgs(url="ssh://git@h/r", branch="main", https_user="u", https_key="k"))


def test_provider_enum_casing():
    assert put(git_args(provider="AZURE"))["gitRepository"]["provider"] == "Azure"
    with pytest.raises(InvalidArgumentValueError, match="--provider"):
        put(git_args(provider="gitlab"))


def test_bucket():
    props = put(FluxArgs(kind="bucket", url="https://minio", bucket_name="b", bucket_access_key="ak",
                         bucket_secret_key="sk"))
    assert props["sourceKind"] == "Bucket"
    assert props["bucket"] == {"url": "https://minio", "bucketName": "b", "accessKey": "ak", "insecure": False}
    assert props["configurationProtectedSettings"] == {"bucketSecretKey": b64("sk")}
    assert put(FluxArgs(kind="bucket", url="http://m", bucket_name="b", local_auth_ref="s",
                        bucket_insecure=True))["bucket"]["insecure"] is True
    with pytest.raises(RequiredArgumentMissingError, match="--bucket-access-key and --bucket-secret-key"):
        put(FluxArgs(kind="bucket", url="https://m", bucket_name="b", bucket_access_key="ak"))


AZ = {"kind": "azblob", "url": "https://acct.blob.core.windows.net", "container_name": "c"}


def test_azblob_auth_methods():
    assert put(FluxArgs(**AZ))["azureBlob"] == {"url": AZ["url"], "containerName": "c"}
    assert put(FluxArgs(**AZ, account_key="k"))["azureBlob"]["accountKey"] == "k"
    assert put(FluxArgs(**AZ, mi_client_id="id"))["azureBlob"]["managedIdentity"] == {"clientId": "id"}
    with pytest.raises(MutuallyExclusiveArgumentError, match="--account-key, --sas-token"):
        put(FluxArgs(**AZ, account_key="k", sas_token="s"))


def test_azblob_service_principal():
    sp = put(FluxArgs(**AZ, sp_client_id="i", sp_tenant_id="t", sp_client_cert=b64("cert"),
                      sp_client_cert_password="pw", sp_client_cert_send_chain="true"))["azureBlob"]["servicePrincipal"]
    assert sp == {"clientId": "i", "tenantId": "t", "clientCertificate": b64("cert"),
                  "clientCertificatePassword": "pw", "clientCertificateSendChain": True}
    with pytest.raises(RequiredArgumentMissingError, match="incomplete"):
        put(FluxArgs(**AZ, sp_client_id="i", sp_client_secret="s"))
    with pytest.raises(MutuallyExclusiveArgumentError, match="--sp-client-secret and --sp-client-cert"):
        put(FluxArgs(**AZ, sp_client_id="i", sp_tenant_id="t", sp_client_secret="s", sp_client_cert=b64("c")))
    with pytest.raises(RequiredArgumentMissingError, match="--sp-cert-password"):
        put(FluxArgs(**AZ, sp_client_id="i", sp_tenant_id="t", sp_client_secret="s", sp_client_cert_password="p"))


def test_oci():
    props = put(FluxArgs(kind="oci", url="oci://ghcr.io/o/app", tag="1.0", oci_media_type="m", oci_operation="COPY",
                         use_workload_identity=True, verification_provider="cosign",
                         match_oidc_identity=['{"issuer": "i", "subject": "s"}'], verification_config=["k=v"],
                         tls_ca_certificate=b64("ca"), oci_insecure=False))
    assert props["ociRepository"] == {
        "url": "oci://ghcr.io/o/app", "repositoryRef": {"tag": "1.0"},
        "layerSelector": {"mediaType": "m", "operation": "copy"}, "tlsConfig": {"caCertificate": b64("ca")},
        "useWorkloadIdentity": True, "insecure": False,
        "verify": {"provider": "cosign", "matchOidcIdentity": [{"issuer": "i", "subject": "s"}],
                   "verificationConfig": {"k": "v"}}}


@pytest.mark.parametrize(("extra", "error", "text"), [
    ({"match_oidc_identity": ["{bad"]}, InvalidArgumentValueError, "--match-oidc-identity"),
    ({"verification_config": ["novalue"], "verification_provider": "cosign"}, InvalidArgumentValueError,
     "--verification-config"),
    ({"verification_config": ["a=b"]}, RequiredArgumentMissingError, "--verification-provider"),
    ({"tag": "1", "digest": "sha256:" + "a" * 64}, MutuallyExclusiveArgumentError, "--tag, --digest"),
    ({"digest": "latest"}, InvalidArgumentValueError, "--digest"),
    ({"oci_operation": "move"}, InvalidArgumentValueError, "--oci-operation"),
    ({"tls_client_certificate": b64("c")}, RequiredArgumentMissingError, "--tls-private-key"),
])
def test_oci_errors(extra, error, text):
    with pytest.raises(error, match=text):
        put(FluxArgs(kind="oci", url="oci://ghcr.io/o/app", **extra))


def test_exclusive_nulls():
    existing = {"url": GIT_URL, "repositoryRef": {"branch": "main"}, "sshKnownHosts": "x"}
    assert exclusive_nulls("git", {"repositoryRef": {"tag": "v1"}}, existing) == {"repositoryRef": {"branch": None}}
    assert exclusive_nulls("git", {"url": "https://h/r"}, existing) == {"sshKnownHosts": None}
    assert exclusive_nulls("git", {"timeoutInSeconds": 5}, existing) == {}
