"""Issue item 6 (and issue 12 §4): calls without a token, with an expired, foreign, not-yet-valid or other-audience
token get 401 (and az a clear message); no token without the identity secret; /git/NAME needs the token;
the emulator listens on loopback only; its data dir and private key files are 0700/0600."""
from __future__ import annotations

import socket
import stat
import time
from pathlib import Path

import pytest

from k8sconfig_emulator import tokens

from .emu_http import AUDIENCE, client_for, flux_path

FLUX = ["k8s-configuration", "flux"]


def _assert_401(resp) -> None:
    assert resp.status == 401, (resp.status, resp.text)
    error = resp.json["error"]
    assert error["code"] and error["message"]
    assert "bearer" in resp.headers.get("www-authenticate", "").lower()


@pytest.fixture(scope="module")
def raw(emulator):
    return client_for(emulator)


@pytest.fixture(scope="module")
def signing_key(emulator) -> bytes:
    return (emulator.data_dir / "signing.key").read_text().strip().encode("ascii")


def test_no_token(raw, cluster):
    path = flux_path(cluster["group"], cluster["name"]) + "?api-version=2025-04-01"
    _assert_401(raw.request("GET", path))
    _assert_401(raw.request("GET", path, headers={"Authorization": "Bearer "}))
    _assert_401(raw.request("GET", path, headers={"Authorization": "Basic dXNlcjpwdw=="}))


def test_expired_token(raw, cluster, signing_key):
    expired = tokens.issue(signing_key, AUDIENCE, now=time.time() - 7200)["access_token"]
    resp = raw.arm("GET", flux_path(cluster["group"], cluster["name"]), token=expired)
    _assert_401(resp)
    assert "expired" in resp.json["error"]["message"]


@pytest.mark.parametrize("token", [
    "not-a-jwt", "a.b.c", "a.b", "....", "eyJhbGciOiJub25lIn0.eyJleHAiOjk5OTk5OTk5OTl9.",
    "x" * 5000, "é.é.é",
])
def test_malformed_and_foreign_tokens(raw, cluster, token):
    _assert_401(raw.arm("GET", flux_path(cluster["group"], cluster["name"]), token=token))


def test_token_signed_with_another_key(raw, cluster):
    foreign = tokens.issue(b"some-other-emulator-signing-key-0123456789", AUDIENCE)["access_token"]
    _assert_401(raw.arm("GET", flux_path(cluster["group"], cluster["name"]), token=foreign))


def test_az_with_a_foreign_token_gets_a_clear_error(emulator, cluster, private_emulator, tmp_path):
    """az takes its token from another emulator's identity endpoint: ARM answers 401, az says so cleanly."""
    other = private_emulator("foreign-token")
    bundle = tmp_path / "both-cas.pem"
    bundle.write_bytes((emulator.data_dir / "ca-bundle.pem").read_bytes() + (other.data_dir / "ca.pem").read_bytes())
    env = {"IDENTITY_ENDPOINT": other.handle.env["IDENTITY_ENDPOINT"],
           "IDENTITY_HEADER": other.handle.env["IDENTITY_HEADER"], "REQUESTS_CA_BUNDLE": str(bundle)}
    result = emulator.az(*FLUX, "list", *cluster["args"], env=env)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "ERROR" in result.stderr and "not issued by this emulator" in result.stderr, result.stderr[-2000:]


def _listen_addresses(port: int) -> list[str]:
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:  # 0A = LISTEN
                found.append(address)
    return found


def _outside_address() -> str | None:
    """This machine's non-loopback address (UDP connect sends nothing)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 9))
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def test_listens_on_loopback_only(emulator):
    port = int(emulator.url.rsplit(":", 1)[1])
    assert emulator.url.startswith("https://127.0.0.1:")
    addresses = _listen_addresses(port)
    if not addresses:
        pytest.skip("/proc/net/tcp is not readable here")
    assert addresses == ["0100007F"], addresses  # 127.0.0.1 (little-endian hex), no 0.0.0.0, no IPv6
    outside = _outside_address()
    if outside:
        with pytest.raises(OSError):
            socket.create_connection((outside, port), timeout=2).close()


def test_data_dir_and_key_files_are_private(emulator):
    def mode(path: Path) -> int:
        return stat.S_IMODE(path.stat().st_mode)

    assert mode(emulator.data_dir) == 0o700
    private = ["ca-key.pem", "server-key.pem", "signing.key", "admin.secret", "identity.secret"]
    for name in private:
        path = emulator.data_dir / name
        assert path.exists(), name
        assert mode(path) == 0o600, f"{name}: {oct(mode(path))}"
    for path in emulator.data_dir.rglob("*"):
        assert not mode(path) & 0o002, f"{path} is world-writable"


def test_no_token_without_the_identity_secret(raw):
    """The IMDS protocol has no secret, so there is no IMDS route: a local process that sends `Metadata: true`
    gets no token; the App Service route wants the identity secret."""
    query = f"api-version=2018-02-01&resource={AUDIENCE}"
    for path, headers in (("/metadata/identity/oauth2/token", {"Metadata": "true"}),
                          ("/msi/token", {"Metadata": "true"}), ("/msi/token", {"X-IDENTITY-HEADER": "guess"})):
        resp = raw.request("GET", f"{path}?{query}", headers=headers)
        assert resp.status == 401, (path, resp.status, resp.text)
        assert "access_token" not in resp.text


def test_token_for_another_audience_or_not_yet_valid(raw, cluster, signing_key):
    query = "api-version=2019-08-01&resource=https://vault.example/"
    other = raw.request("GET", f"/msi/token?{query}", headers={"X-IDENTITY-HEADER": raw.env["IDENTITY_HEADER"]})
    assert other.status == 200
    resp = raw.arm("GET", flux_path(cluster["group"], cluster["name"]), token=other.json["access_token"])
    _assert_401(resp)
    assert resp.json["error"]["code"] == "InvalidAuthenticationTokenAudience"
    future = tokens.issue(signing_key, AUDIENCE, now=time.time() + 600)["access_token"]
    resp = raw.arm("GET", flux_path(cluster["group"], cluster["name"]), token=future)
    _assert_401(resp)
    assert "not valid yet" in resp.json["error"]["message"]


def test_git_route_needs_the_token(raw):
    for method, path in (("GET", "/git/any/info/refs?service=git-upload-pack"), ("POST", "/git/any/git-upload-pack")):
        resp = raw.request(method, path, body=b"0000")
        assert resp.status == 401, (path, resp.status, resp.text)
        assert "Bearer" in resp.text
