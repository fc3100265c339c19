import base64

import pytest
from azure.cli.core.azclierror import (
    InvalidArgumentValueError,
    MutuallyExclusiveArgumentError,
)

from azext_k8s_configuration.flux_args import FluxArgs
from azext_k8s_configuration.secrets_input import (
    decode_base64,
    resolve_secret,
    resolve_secrets,
)


def test_key_and_file_are_mutually_exclusive(tmp_path):
    path = tmp_path / "key"
    path.write_text("x")
    with pytest.raises(MutuallyExclusiveArgumentError, match="--https-key and --https-key-file"):
        resolve_secret(FluxArgs(https_key="a", https_key_file=str(path)), "https_key")


def test_missing_secret_file_names_the_flag_but_never_echoes_the_value(tmp_path):
    # `--https-key-file @token.txt`: az has already replaced @token.txt with the token
    for dest, value in (("ssh_private_key", str(tmp_path / "nope.pem")), ("https_key", "ghp_CANARYtoken0123")):
        with pytest.raises(InvalidArgumentValueError) as err:
            resolve_secret(FluxArgs(**{dest + "_file": value}), dest)
        flag = "--" + dest.replace("_", "-") + "-file"
        assert flag in str(err.value) and value not in str(err.value)
        assert "without a leading '@'" in err.value.recommendations[0]


def test_empty_file(tmp_path):
    path = tmp_path / "empty"
    path.write_text("\n  \n")
    with pytest.raises(InvalidArgumentValueError, match="is empty"):
        resolve_secret(FluxArgs(bucket_secret_key_file=str(path)), "bucket_secret_key")


def test_non_utf8_text_file(tmp_path):
    path = tmp_path / "bin"
    path.write_bytes(b"\xff\xfe\xfd")
    with pytest.raises(InvalidArgumentValueError, match="not UTF-8"):
        resolve_secret(FluxArgs(https_key_file=str(path)), "https_key")


def test_encode_mode_base64s_value_and_stripped_file(tmp_path):
    path = tmp_path / "token"
    path.write_text("tok3n\n")
    assert resolve_secret(FluxArgs(https_key="tok3n"), "https_key") == base64.b64encode(b"tok3n").decode()
    assert resolve_secret(FluxArgs(https_key_file=str(path)), "https_key") == base64.b64encode(b"tok3n").decode()


def test_b64_mode_validates_value_and_encodes_file_bytes(tmp_path):
    path = tmp_path / "ca.pem"
    path.write_bytes(b"-----BEGIN CERTIFICATE-----\nxyz\n")
    assert resolve_secret(FluxArgs(https_ca_cert="YWJj\n"), "https_ca_cert") == "YWJj"
    assert base64.b64decode(resolve_secret(FluxArgs(https_ca_cert_file=str(path)), "https_ca_cert")) == \
        path.read_bytes()
    with pytest.raises(InvalidArgumentValueError, match="--https-ca-cert is not valid base64"):
        resolve_secret(FluxArgs(https_ca_cert="not base64!"), "https_ca_cert")


def test_plain_mode_keeps_value(tmp_path):
    path = tmp_path / "sas"
    path.write_text("  sv=2024&sig=abc \n")
    assert resolve_secret(FluxArgs(sas_token="sv=1"), "sas_token") == "sv=1"
    assert resolve_secret(FluxArgs(sas_token_file=str(path)), "sas_token") == "sv=2024&sig=abc"


def test_empty_literal_is_rejected():
    with pytest.raises(InvalidArgumentValueError, match="--account-key is empty"):
        resolve_secret(FluxArgs(account_key="  "), "account_key")


def test_resolve_secrets_only_given():
    assert resolve_secrets(FluxArgs(https_key="k")) == {"https_key": base64.b64encode(b"k").decode()}


def test_decode_base64_strict():
    assert decode_base64("YWJj", "--x") == b"abc"
    for bad in ("", "YWJ", "YW=j", "é"):
        with pytest.raises(InvalidArgumentValueError):
            decode_base64(bad, "--x")
