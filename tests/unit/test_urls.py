import pytest
from azure.cli.core.azclierror import InvalidArgumentValueError

from azext_k8s_configuration.urls import is_http, scheme_of, shown, validate_url


@pytest.mark.parametrize(("url", "kind"), [
    ("https://github.com/org/repo", "git"), ("HTTPS://github.com/org/repo", "git"), ("http://h/r", "git"),
    ("ssh://git@github.com/org/repo", "git"), ("git@github.com:org/repo.git", "git"),
    ("deploy@dev.azure.com:v3/org/proj/repo", "git"), ("https://minio.local", "bucket"),
    ("http://minio.local:9000", "bucket"), ("https://acct.blob.core.windows.net", "azblob"),
    ("http://127.0.0.1:10000/devstoreaccount1", "azblob"), ("oci://ghcr.io/org/manifests/app", "oci"),
    ("OCI://ghcr.io/org/app", "oci"),
])
def test_accepted(url, kind):
    assert validate_url(url, kind) == url


@pytest.mark.parametrize(("url", "kind", "listed"), [
    ("git://github.com/org/repo", "git", "user@host:path"),
    ("ssh://host/bucket", "bucket", "http://, https://"),
    ("oci://ghcr.io/x", "azblob", "https://, http://"),
    ("https://ghcr.io/x", "oci", "oci://"),
    ("github.com/org/repo", "git", "ssh://"),
    ("https://", "git", "https://"),
])
def test_rejected_lists_schemes_of_that_kind(url, kind, listed):
    with pytest.raises(InvalidArgumentValueError) as err:
        validate_url(url, kind)
    hint = err.value.recommendations[0]
    assert f"--kind {kind}" in hint and listed in hint
    if kind != "git":
        assert "git@" not in hint and "user@host" not in hint


def test_embedded_password_refused_and_not_echoed():
    with pytest.raises(InvalidArgumentValueError) as err:
        validate_url("https://me:s3cret@github.com/org/repo", "git")
    assert "s3cret" not in str(err.value)
    assert "--https-key" in err.value.recommendations[0]


def test_scheme_helpers():
    assert scheme_of("git@github.com:o/r") == "ssh"
    assert is_http("HTTP://x") and not is_http("ssh://x")


@pytest.mark.parametrize("user", [
    "ghp_abcdefghijklmnopqrstuvwxyz0123456789", "github_pat_11ABCDEFG0123456789", "glpat-abcdefghij",
    "a" * 52,  # an Azure DevOps PAT
    "Ab3dEf6hIj9kLm2nOp5q",  # 20 characters mixing upper, lower and digits
])
def test_token_as_url_user_is_refused_and_not_echoed(user):
    url = f"https://{user}@github.com/org/repo"
    with pytest.raises(InvalidArgumentValueError) as err:
        validate_url(url, "git")
    assert user not in str(err.value) and "--https-user" in err.value.recommendations[0]
    assert user not in shown(url) and shown(url) == "https://<redacted>@github.com/org/repo"


@pytest.mark.parametrize("url", [
    "https://contoso@dev.azure.com/contoso/project/_git/repo", "https://git@example.com/org/repo",
    "https://contoso-engineering-team@dev.azure.com/x/y/_git/z",
])
def test_plain_user_names_in_the_url_are_kept(url):
    assert validate_url(url, "git") == url and shown(url) == url


def test_shown_masks_passwords_and_leaves_scp_urls_alone():
    assert shown("https://bot:s3cret@host/r") == "https://bot:<redacted>@host/r"
    assert shown("git@github.com:org/repo.git") == "git@github.com:org/repo.git"
    assert shown("ssh://git@github.com/org/repo") == "ssh://git@github.com/org/repo"
