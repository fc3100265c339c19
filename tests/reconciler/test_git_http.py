"""git smart HTTP serving (make_git_app) through a real uvicorn server, and https auth via askpass."""

from __future__ import annotations

import base64
import os
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import uvicorn
from reconciler_support import NOW, git, make_config, ready
from starlette.responses import PlainTextResponse

from k8sconfig_emulator.git_http import make_git_app
from k8sconfig_emulator.reconciler import gitcmd, reconcile


class BasicAuth:
    """Test-only ASGI wrapper that demands HTTP basic auth."""

    def __init__(self, app, user: str, password: str):
        self.app = app
        self.expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    async def __call__(self, scope, receive, send):
        headers = dict(scope.get("headers") or [])
        if scope["type"] == "http" and headers.get(b"authorization", b"").decode() != self.expected:
            response = PlainTextResponse("unauthorized", 401, headers={"WWW-Authenticate": 'Basic realm="git"'})
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


@contextmanager
def serve(app) -> Iterator[str]:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)


def git_client(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    return subprocess.run(["git", *args], capture_output=True, text=True, env=env, timeout=60, check=False)


def test_clone_through_git_http(demo_repo, tmp_path) -> None:
    sha = demo_repo.head()
    with serve(make_git_app({"gitops-demo": demo_repo.path})) as base:
        for name in ("gitops-demo", "gitops-demo.git"):
            target = tmp_path / f"clone-{name}"
            cloned = git_client("clone", "-q", f"{base}/{name}", str(target))
            assert cloned.returncode == 0, cloned.stderr
            assert git(target, "rev-parse", "HEAD") == sha
            assert (target / "apps/staging/kustomization.yaml").is_file()
        missing = git_client("ls-remote", f"{base}/unknown")
        assert missing.returncode != 0 and "not found" in missing.stderr
        push = git_client("-C", str(demo_repo.path), "push", f"{base}/gitops-demo", "main")
        assert push.returncode != 0


def test_reconcile_from_http_server_picks_up_new_commits(demo_repo, settings) -> None:
    with serve(make_git_app({"gitops-demo": demo_repo.path})) as base:
        config = make_config(f"{base}/gitops-demo")
        status, state = reconcile(config, None, None, NOW, settings)
        assert status["complianceState"] == "Compliant", status["errorMessage"]
        new_sha = demo_repo.commit("another")
        status, _ = reconcile(config, None, state, NOW, settings)
        assert status["sourceSyncedCommitId"] == f"main@sha1:{new_sha}"


@pytest.mark.parametrize("password_ok", [True, False])
def test_https_user_and_key_are_sent_via_askpass(demo_repo, settings, monkeypatch, password_ok: bool) -> None:
    secret = "pa55-Word-never-shown"
    command_lines: list[list[str]] = []
    real_run = gitcmd.proc.run

    def recording_run(cmd, *args, **kwargs):
        command_lines.append(list(cmd))
        return real_run(cmd, *args, **kwargs)

    monkeypatch.setattr(gitcmd.proc, "run", recording_run)
    app = BasicAuth(make_git_app({"gitops-demo": demo_repo.path}), "flux", secret)
    sent = secret if password_ok else "wrong-" + secret[::-1]
    with serve(app) as base:
        config = make_config(f"{base}/gitops-demo",
                             configurationProtectedSettings={"httpsKey": base64.b64encode(sent.encode()).decode()})
        config["properties"]["gitRepository"]["httpsUser"] = "flux"
        status, state = reconcile(config, None, None, NOW, settings)
    if password_ok:
        assert status["complianceState"] == "Compliant", status["errorMessage"]
    else:
        assert status["complianceState"] == "Non-Compliant"
        message = ready(status["statuses"][0])["message"]
        assert message.startswith(f"failed to checkout and determine revision: unable to clone '{base}/gitops-demo'")
        assert "Authentication failed" in message or "401" in message
    dumped = str(status) + str(state)
    assert sent not in dumped and base64.b64encode(sent.encode()).decode() not in dumped
    askpass = (settings.cache_dir / "askpass.sh").read_text()
    assert sent not in askpass
    assert any("fetch" in cmd for cmd in command_lines)
    assert not any(sent in arg for cmd in command_lines for arg in cmd)  # never on a command line


def test_private_repo_without_credentials_fails_without_prompting(demo_repo, settings) -> None:
    app = BasicAuth(make_git_app({"gitops-demo": demo_repo.path}), "flux", "secret")
    with serve(app) as base:
        status, _ = reconcile(make_config(f"{base}/gitops-demo"), None, None, NOW, settings)
    assert status["complianceState"] == "Non-Compliant"
    assert "terminal prompts disabled" in ready(status["statuses"][0])["message"]
