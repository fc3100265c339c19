import pytest
from azure.cli.core.azclierror import InvalidArgumentValueError

from azext_k8s_configuration.keys import validate_known_hosts, validate_ssh_private_key

from .conftest import KNOWN_HOSTS_LINE


@pytest.mark.parametrize(("name", "kind"), [
    ("rsa-pkcs1", "RSA"), ("rsa-openssh", "RSA"), ("ec-sec1", "ECDSA"), ("ec-pkcs8", "ECDSA"), ("dsa", "DSA"),
    ("ed25519-openssh", "Ed25519"), ("ed25519-pkcs8", "Ed25519"),
])
def test_supported_keys(private_keys, name, kind):
    assert validate_ssh_private_key(private_keys[name]) == kind


def test_traditional_dsa_key_is_accepted_with_a_warning(private_keys, caplog):
    with caplog.at_level("WARNING"):
        assert validate_ssh_private_key(private_keys["dsa"], "--ssh-private-key-file") == "DSA"
    assert "refuse DSA" in caplog.text and "ed25519" in caplog.text


@pytest.mark.parametrize("name", ["dsa-pkcs8", "dsa-openssh"])
def test_dsa_keys_flux_cannot_read_are_refused_with_the_reason(private_keys, name):
    with pytest.raises(InvalidArgumentValueError) as err:
        validate_ssh_private_key(private_keys[name], "--ssh-private-key-file")
    assert "source-controller cannot read" in str(err.value) and "--ssh-private-key-file" in str(err.value)
    assert "ssh-keygen -t ed25519" in err.value.recommendations[0]


@pytest.mark.parametrize("name", ["rsa-encrypted", "ed25519-encrypted"])
def test_passphrase_protected_keys_get_a_clear_error(private_keys, name):
    with pytest.raises(InvalidArgumentValueError) as err:
        validate_ssh_private_key(private_keys[name], "--ssh-private-key-file")
    assert "passphrase" in str(err.value) and "--ssh-private-key-file" in str(err.value)
    assert "ssh-keygen -p" in err.value.recommendations[0]


@pytest.mark.parametrize("data", [
    b"not a key", b"\xff\xfe\x00garbage", b"-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----\n",
    b"-----BEGIN OPENSSH PRIVATE KEY-----\n!!!\n-----END OPENSSH PRIVATE KEY-----\n",
    b"-----BEGIN OPENSSH PRIVATE KEY-----\n\xff\xfe\n-----END OPENSSH PRIVATE KEY-----\n",
])
def test_garbage_is_a_cli_error_not_a_traceback(data):
    with pytest.raises(InvalidArgumentValueError, match="--ssh-private-key"):
        validate_ssh_private_key(data)


def test_known_hosts_ok():
    text = f"# comment\n\n{KNOWN_HOSTS_LINE}\n|1|abc=|def= ssh-ed25519 {KNOWN_HOSTS_LINE.split()[-1]}\n"
    assert validate_known_hosts(text.encode()) == 2


@pytest.mark.parametrize(("data", "line"), [
    (b"github.com ssh-ed25519\n", 1),
    (f"{KNOWN_HOSTS_LINE}\ngithub.com ssh-ed25519 AAAA!!\n".encode(), 2),
    (b"github.com ssh-unknown AAAAC3Nz\n", 1),
])
def test_known_hosts_bad_line_is_numbered(data, line):
    with pytest.raises(InvalidArgumentValueError, match=f"Line {line} of the known_hosts data given with --known-hosts"):
        validate_known_hosts(data)


def test_known_hosts_not_utf8_or_empty():
    with pytest.raises(InvalidArgumentValueError, match="UTF-8"):
        validate_known_hosts(b"\xff\xfe")
    with pytest.raises(InvalidArgumentValueError, match="no entries"):
        validate_known_hosts(b"# only a comment\n")
