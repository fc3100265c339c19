"""Local security (issue 12 §4): the data dir keeps its mode, /git/NAME needs the ARM token and bounds bodies, no
token without the identity secret, tokens are checked for audience and not-before, the request log shows no
secret."""

from __future__ import annotations

import gzip
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from emu_helpers import KC, flux_body

from k8sconfig_emulator import tokens

AUDIENCE = "https://management.k8sconfig.local/"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _start(data_dir: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "k8sconfig_emulator", "start", "--port", "0", "--data-dir",
                           str(data_dir), *extra], capture_output=True, text=True, timeout=60, check=False,
                          stdin=subprocess.DEVNULL)


def _signing_key(emulator) -> bytes:
    return (emulator.data_dir / "signing.key").read_text().strip().encode()


# -- the data dir -----------------------------------------------------------------------------

@pytest.mark.parametrize("mode", [0o1777, 0o777, 0o770])
def test_a_shared_data_dir_is_refused_and_keeps_its_mode(tmp_path, mode):
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, mode)
    for extra in ((), ("--detach",)):
        result = _start(shared, *extra)
        assert result.returncode == 1, result.stdout + result.stderr
        assert "writable by other users" in result.stderr and str(shared) in result.stderr
        assert "Traceback" not in result.stderr
        assert _mode(shared) == mode  # the sticky bit of a 1777 dir included
        assert list(shared.iterdir()) == []  # no key was written where others could read or swap it


def test_an_existing_private_dir_is_used_as_it_is(tmp_path, fresh_emulator):
    (tmp_path / "data0").mkdir(mode=0o750)
    os.chmod(tmp_path / "data0", 0o750)
    emulator = fresh_emulator()
    assert emulator.data_dir == (tmp_path / "data0").resolve()
    assert emulator.call("GET", "/subscriptions", api="2022-12-01").status_code == 200
    assert _mode(emulator.data_dir) == 0o750
    assert _mode(emulator.data_dir / "signing.key") == 0o600


def test_a_new_data_dir_is_created_private(tmp_path):
    from k8sconfig_emulator import datadir

    made = datadir.ensure(tmp_path / "a" / "b" / "data")
    assert _mode(made) == 0o700


def test_a_secret_others_can_read_is_refused(tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    (data / "identity.secret").write_text("guessable")
    os.chmod(data / "identity.secret", 0o644)
    result = _start(data)
    assert result.returncode == 1 and "identity.secret" in result.stderr and "chmod 600" in result.stderr
    assert "Traceback" not in result.stderr
    assert _mode(data / "identity.secret") == 0o644


# -- /git/NAME --------------------------------------------------------------------------------

@pytest.fixture
def git_emulator(tmp_path, fresh_emulator):
    repo = tmp_path / "repo"
    repo.mkdir()
    for args in (["init", "-q", "-b", "main"], ["add", "-A"],
                 ["-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "-m", "c"]):
        if args[0] == "add":
            (repo / "hello.yaml").write_text("kind: ConfigMap\n")
        subprocess.run(["git", *args], check=True, capture_output=True, cwd=repo)
    return fresh_emulator("--git-repo", f"demo={repo}")


def _git(emulator, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_SSL_CAINFO": str(emulator.data_dir / "ca.pem"),
           "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_ASKPASS": "", "SSH_ASKPASS": ""}
    return subprocess.run(["git", *args], capture_output=True, text=True, env=env, timeout=60, check=False)


def test_git_needs_the_arm_token(git_emulator, tmp_path):
    url = f"{git_emulator.url}/git/demo"
    refused = _git(git_emulator, "clone", "-q", url, str(tmp_path / "no-token"))
    assert refused.returncode != 0 and not (tmp_path / "no-token" / "hello.yaml").exists()
    token = git_emulator.token()
    cloned = _git(git_emulator, "-c", f"http.extraHeader=Authorization: Bearer {token}", "clone", "-q", url,
                  str(tmp_path / "bearer"))
    assert cloned.returncode == 0, cloned.stderr
    assert (tmp_path / "bearer" / "hello.yaml").is_file()
    host = git_emulator.url.split("://", 1)[1]
    basic = _git(git_emulator, "clone", "-q", f"https://git:{token}@{host}/git/demo.git", str(tmp_path / "basic"))
    assert basic.returncode == 0, basic.stderr

    session = git_emulator.session
    for path, method in (("/git/demo/info/refs?service=git-upload-pack", "GET"),
                         ("/git/demo/git-upload-pack", "POST"), ("/git/demo/git-receive-pack", "POST")):
        answer = session.request(method, git_emulator.url + path, data=b"0000", timeout=30)
        assert answer.status_code == 401 and "Authorization: Bearer" in answer.text
    foreign = tokens.issue(b"another-emulator-signing-key-0123456789", AUDIENCE)["access_token"]
    answer = session.get(f"{url}/info/refs", params={"service": "git-upload-pack"},
                         headers={"Authorization": f"Bearer {foreign}"}, timeout=30)
    assert answer.status_code == 401 and "not issued by this emulator" in answer.text


def test_git_bodies_are_bounded_before_and_after_gzip(git_emulator):
    headers = {"Authorization": f"Bearer {git_emulator.token()}", "Content-Type": "application/x-git-upload-pack-request"}
    endpoint = f"{git_emulator.url}/git/demo/git-upload-pack"
    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 100 * 1024
    answer = git_emulator.session.post(endpoint, data=bomb, headers={**headers, "Content-Encoding": "gzip"}, timeout=60)
    assert answer.status_code == 413 and "inflates to more than" in answer.text
    too_big = git_emulator.session.post(endpoint, data=b"0" * (5 * 1024 * 1024), headers=headers, timeout=60)
    assert too_big.status_code == 413
    truncated = git_emulator.session.post(endpoint, data=bomb[:1000], headers={**headers, "Content-Encoding": "gzip"},
                                          timeout=60)
    assert truncated.status_code == 400
    refs = git_emulator.session.get(f"{git_emulator.url}/git/demo/info/refs", params={"service": "git-upload-pack"},
                                    headers=headers, timeout=30)
    assert refs.status_code == 200 and b"refs/heads/main" in refs.content


# -- tokens -----------------------------------------------------------------------------------

def test_no_token_without_the_identity_secret(emulator):
    for path, headers in (("/metadata/identity/oauth2/token", {"Metadata": "true"}),
                          ("/msi/token", {"Metadata": "true"}), ("/msi/token", {"X-IDENTITY-HEADER": "guess"}),
                          ("/msi/token", {"secret": "guess"})):
        answer = emulator.session.get(emulator.url + path, params={"resource": AUDIENCE, "api-version": "2018-02-01"},
                                      headers=headers, timeout=30)
        assert answer.status_code == 401, (path, answer.text)
        assert "access_token" not in answer.text


def test_tokens_for_another_audience_or_not_yet_valid_are_refused(emulator):
    secret = (emulator.data_dir / "identity.secret").read_text().strip()
    other = emulator.session.get(f"{emulator.url}/msi/token", params={"resource": "https://graph.example/"},
                                 headers={"X-IDENTITY-HEADER": secret}, timeout=30)
    assert other.status_code == 200
    answer = emulator.call("GET", "/subscriptions", api="2022-12-01",
                           headers={"Authorization": f"Bearer {other.json()['access_token']}"})
    assert answer.status_code == 401 and answer.json()["error"]["code"] == "InvalidAuthenticationTokenAudience"
    assert "Bearer" in answer.headers["WWW-Authenticate"]

    future = tokens.issue(_signing_key(emulator), AUDIENCE, now=time.time() + 3600)["access_token"]
    answer = emulator.call("GET", "/subscriptions", api="2022-12-01", headers={"Authorization": f"Bearer {future}"})
    assert answer.status_code == 401 and "not valid yet" in answer.json()["error"]["message"]

    without_slash = tokens.issue(_signing_key(emulator), AUDIENCE.rstrip("/"))["access_token"]
    answer = emulator.call("GET", "/subscriptions", api="2022-12-01",
                           headers={"Authorization": f"Bearer {without_slash}"})
    assert answer.status_code == 200


# -- the request log --------------------------------------------------------------------------

def test_request_log_never_shows_secrets(emulator):
    cluster = emulator.new_cluster()
    canaries = [f"CANARY{i}-{os.getpid()}" for i in range(7)]
    rejected = {"properties": {"sourceKind": "GitRepository",
                               "ConfigurationProtectedSettings": {"sshPrivateKey": canaries[0]},
                               "gitRepository": {"url": f"https://alice:{canaries[1]}@git.example/r.git",
                                                 "Password": canaries[2]},
                               "azureBlob": {"AccountKey": canaries[3],
                                             "url": f"https://a.blob.example/c?sv=1&sig={canaries[4]}"}}}
    response = emulator.call("PUT", f"{cluster}/{KC}/fluxConfigurations/leaky", rejected)
    assert response.status_code == 400
    accepted = flux_body(url=f"https://bob:{canaries[5]}@git.example/r.git")
    assert emulator.call("PUT", f"{cluster}/{KC}/fluxConfigurations/userinfo", accepted).status_code == 201
    emulator.call("GET", f"{cluster}/{KC}/fluxConfigurations", params={"access_token": canaries[6]})
    text = (emulator.data_dir / "requests.jsonl").read_text()
    for canary in canaries:
        assert canary not in text, canary
    logged = [e for e in emulator.requests_log() if e["path"].endswith(("/leaky", "/userinfo"))]
    assert [e["status"] for e in logged] == [400, 201]
    assert logged[1]["body"]["properties"]["gitRepository"]["url"] == "https://<redacted>@git.example/r.git"
