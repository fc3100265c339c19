"""One test per bug of the reference extension (reference §8) that the parsing layer fixes."""
import json

import pytest
from azure.cli.core.azclierror import (
    AzCLIError,
    InvalidArgumentValueError,
    MutuallyExclusiveArgumentError,
    RequiredArgumentMissingError,
    UnrecognizedArgumentError,
)

from azext_k8s_configuration.body_builder import build_patch_body, build_put_body
from azext_k8s_configuration.dependencies import parse_depends_on
from azext_k8s_configuration.durations import parse_duration
from azext_k8s_configuration.flux_args import FluxArgs
from azext_k8s_configuration.keys import validate_ssh_private_key
from azext_k8s_configuration.kustomizations import (
    kustomization_from_flags,
    parse_kustomization_groups,
)
from azext_k8s_configuration.names import validate_config_name, validate_namespace
from azext_k8s_configuration.urls import validate_url

from .conftest import KNOWN_HOSTS_LINE, b64, existing_config, git_args


def test_bug1_prune_and_force_false_are_sent_as_false():
    body = build_put_body(git_args(kustomization=[["name=k", "prune=false", "force=false"]]), "cfg")[0]
    wire = json.loads(json.dumps(body))
    assert wire["properties"]["kustomizations"]["k"] == {"prune": False, "force": False}


def test_bug2_advertised_spelling_works_and_typos_are_rejected():
    assert parse_kustomization_groups([["name=k", "disable_health_check=True"]], "c")["k"] == {"wait": False}
    for typo in ("sync-interval=1m", "retry-interval=1m", "depends-on=a", "postBuild=x"):
        with pytest.raises(InvalidArgumentValueError, match="Unknown kustomization key"):
            parse_kustomization_groups([["name=k", typo]], "c")


def test_bug3_every_group_needs_a_name_and_tokens_need_equals():
    with pytest.raises(RequiredArgumentMissingError) as err:
        parse_kustomization_groups([["name=a"], ["path=./x"]], "c")
    assert "{" not in str(err.value)  # no Python set repr
    with pytest.raises(InvalidArgumentValueError):
        parse_kustomization_groups([["name=a", "justtext"]], "c")


def test_bug4_duplicates_length_dependencies_and_quotes():
    with pytest.raises(InvalidArgumentValueError, match="more than once"):
        parse_kustomization_groups([["name=a"], ["name=a"]], "c")
    with pytest.raises(InvalidArgumentValueError, match="62"):
        parse_kustomization_groups([["name=" + "k" * 33]], "c" * 30)
    with pytest.raises(InvalidArgumentValueError, match="not a kustomization"):
        build_put_body(git_args(kustomization=[["name=apps", "dependsOn=infra"]]), "cfg")
    assert parse_depends_on('["infra", "apps"]', "dependsOn") == ["infra", "apps"]


@pytest.mark.parametrize("text", ["10ms", "5m30", "30s5m"])
def test_bug5_durations_match_fully(text):
    with pytest.raises(InvalidArgumentValueError):
        parse_duration(text, "--timeout")


def test_bug5_days_and_upper_bound():
    assert parse_duration("P1D", "--interval") == 86400
    assert parse_duration("P2D", "--interval") == 2 * 86400
    with pytest.raises(InvalidArgumentValueError, match="maximum"):   # what Flux's Go duration cannot hold
        parse_duration("P200000D", "--interval")


def test_bug9_update_validates_url_auth_and_ref_without_kind_change():
    with pytest.raises(InvalidArgumentValueError, match="--url"):
        build_patch_body(FluxArgs(url="ftp://h/r"), existing_config(), "cfg")
    with pytest.raises(MutuallyExclusiveArgumentError, match="--known-hosts"):
        build_patch_body(FluxArgs(known_hosts=b64(KNOWN_HOSTS_LINE)), existing_config(), "cfg")
    patch = build_patch_body(FluxArgs(commit="abc"), existing_config(), "cfg")[0]
    assert patch["properties"]["gitRepository"]["repositoryRef"] == {"commit": "abc", "branch": None}


def test_bug9_kind_switch_clears_with_null_including_oci():
    patch = build_patch_body(FluxArgs(kind="bucket", url="https://m", bucket_name="b", local_auth_ref="s"),
                             existing_config("ociRepository", {"url": "oci://r/x"}), "cfg")[0]["properties"]
    assert patch["ociRepository"] is None and patch["gitRepository"] is None and patch["azureBlob"] is None


def test_bug10_namespace_63_clear_recommendation_and_kustomization_name():
    with pytest.raises(InvalidArgumentValueError):
        validate_namespace("n" * 64)
    with pytest.raises(InvalidArgumentValueError) as err:
        validate_config_name("a_b")
    assert err.value.recommendations[0] != str(err.value)
    assert "periods" not in err.value.recommendations[0] or "'.'" in err.value.recommendations[0]
    with pytest.raises(InvalidArgumentValueError, match="--kustomization-name"):
        kustomization_from_flags(name="UPPER")


def test_bug11_case_insensitive_urls_and_per_kind_help():
    assert validate_url("HTTPS://acct.blob.core.windows.net", "azblob")
    with pytest.raises(InvalidArgumentValueError) as err:
        validate_url("git@github.com:o/r", "bucket")
    assert "git@" not in err.value.recommendations[0] and "ssh://" not in err.value.recommendations[0]


def test_bug12_messages_use_real_option_names_in_stable_order():
    with pytest.raises(RequiredArgumentMissingError) as err:
        build_put_body(FluxArgs(kind="bucket", url="https://m", bucket_name="b"), "cfg")
    text = str(err.value) + err.value.recommendations[0]
    assert "--bucket-access-key" in text and "--bucket-secret-key" in text and "--secret-key'" not in text
    with pytest.raises(UnrecognizedArgumentError) as err:
        build_put_body(git_args(sp_client_cert_password="p", sp_client_cert_send_chain=True), "cfg")
    assert str(err.value).startswith("--sp-cert-password, --sp-cert-send-chain cannot be used")
    first = err.value.recommendations[0]
    with pytest.raises(UnrecognizedArgumentError) as err:
        build_put_body(git_args(sp_client_cert_send_chain=True, sp_client_cert_password="p"), "cfg")
    assert err.value.recommendations[0] == first


def test_bug13_send_chain_false_is_false():
    args = FluxArgs(kind="azblob", url="https://a.blob.core.windows.net", container_name="c",
                    sp_client_cert_send_chain="false")
    props = build_put_body(args, "cfg")[0]["properties"]
    assert "servicePrincipal" not in props["azureBlob"]


@pytest.mark.parametrize("data", [b"-----BEGIN OPENSSH PRIVATE KEY-----\n\xff\n-----END OPENSSH PRIVATE KEY-----",
                                  b"-----BEGIN OPENSSH PRIVATE KEY-----\nA\n-----END OPENSSH PRIVATE KEY-----"])
def test_bug14_key_decoding_errors_are_cli_errors(data):
    with pytest.raises(AzCLIError):
        validate_ssh_private_key(data)


def test_bug14_passphrase_keys_are_explained(private_keys):
    with pytest.raises(InvalidArgumentValueError, match="passphrase"):
        validate_ssh_private_key(private_keys["rsa-encrypted"])
