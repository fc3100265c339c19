"""Helpers for emulator tests: a real emulator process plus small call helpers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import requests

SUB = "00000000-0000-0000-0000-000000000000"
KC = "providers/Microsoft.KubernetesConfiguration"
FLUX_API = "2025-04-01"
EXT_API = "2025-03-01"
START_TIMEOUT = 60


class Emulator:
    """A running emulator process plus small helpers to call it."""

    def __init__(self, data_dir: Path, args: list[str]):
        self.data_dir = data_dir
        self.args = args
        self.proc: subprocess.Popen | None = None
        self.url = ""
        self.session = requests.Session()
        self.session.trust_env = False      # else a global REQUESTS_CA_BUNDLE overrides verify=
        self.session.verify = str(data_dir / "ca.pem")
        self._token: str | None = None

    # -- process ---------------------------------------------------------------------------------
    def start(self) -> None:
        (self.data_dir / "emulator.json").unlink(missing_ok=True)
        with open(self.data_dir.parent / f"{self.data_dir.name}.log", "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "k8sconfig_emulator", "start", "--port", "0", "--data-dir",
                 str(self.data_dir), *self.args], stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, "emulator exited during start-up: " + self.log_tail()
            record = _read_json(self.data_dir / "emulator.json")
            if record and record.get("pid") == self.proc.pid:
                self.url = record["url"]
                self.session.verify = str(self.data_dir / "ca.pem")
                try:
                    if self.session.get(f"{self.url}/_emulator/health", timeout=2).ok:
                        self._token = None
                        return
                except requests.RequestException:
                    pass
            time.sleep(0.05)
        raise AssertionError("emulator did not start: " + self.log_tail())

    def stop(self) -> None:
        self.session.close()
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    def kill9(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def log_tail(self) -> str:
        path = self.data_dir.parent / f"{self.data_dir.name}.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    # -- calls -----------------------------------------------------------------------------------
    def token(self) -> str:
        if self._token is None:
            secret = (self.data_dir / "identity.secret").read_text().strip()
            response = self.session.get(f"{self.url}/msi/token",
                                        params={"api-version": "2019-08-01",
                                                "resource": "https://management.k8sconfig.local/"},
                                        headers={"X-IDENTITY-HEADER": secret}, timeout=10)
            response.raise_for_status()
            self._token = response.json()["access_token"]
        return self._token

    def call(self, method: str, path: str, body=None, api: str | None = FLUX_API, headers: dict | None = None,
             params: dict | None = None, **kwargs) -> requests.Response:
        query = dict(params or {})
        if api is not None:
            query["api-version"] = api
        all_headers = {"Authorization": f"Bearer {self.token()}", **(headers or {})}
        url = path if path.startswith("https://") else self.url + path
        return self.session.request(method, url, json=body, params=query, headers=all_headers, timeout=30, **kwargs)

    def admin(self, method: str, name: str, body=None, params=None) -> requests.Response:
        secret = (self.data_dir / "admin.secret").read_text().strip()
        return self.session.request(method, f"{self.url}/_emulator/{name}", json=body, params=params,
                                    headers={"X-Emulator-Admin": secret}, timeout=10)

    def new_cluster(self, ctype: str = "Microsoft.Kubernetes/connectedClusters", group: str = "rg-tests",
                    flux: bool = True) -> str:
        """Create a resource group (idempotent) and a fresh cluster; return the cluster's ARM id. With `flux` the
        microsoft.flux extension is installed on it (flux configurations need it), as `az k8s-configuration flux
        create` would."""
        self.call("PUT", f"/subscriptions/{SUB}/resourcegroups/{group}", {"location": "eastus"}, api="2024-11-01")
        cluster = f"/subscriptions/{SUB}/resourceGroups/{group}/providers/{ctype}/c-{uuid.uuid4().hex[:8]}"
        response = self.call("PUT", cluster, {"location": "eastus", "properties": {}}, api="2024-01-01")
        assert response.status_code == 201, response.text
        if flux:
            self.install_flux(cluster)
        return cluster

    def install_flux(self, cluster: str) -> None:
        """PUT the microsoft.flux extension on `cluster` and wait until it is installed."""
        response = self.call("PUT", f"{cluster}/{KC}/extensions/flux",
                             {"properties": {"extensionType": "microsoft.flux"}}, api=EXT_API)
        assert response.status_code == 201, response.text
        assert self.wait_operation(response)["status"] == "Succeeded"

    def wait_operation(self, response: requests.Response, timeout: float = 30) -> dict:
        url = response.headers["Azure-AsyncOperation"]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            body = self.call("GET", url, api=None).json()
            if body["status"] != "InProgress":
                return body
            time.sleep(0.05)
        raise AssertionError(f"operation {url} did not finish in {timeout} s")

    def requests_log(self) -> list[dict]:
        path = self.data_dir / "requests.jsonl"
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        return None


def flux_body(url: str = "https://example.invalid/repo.git", **extra_props) -> dict:
    props = {"sourceKind": "GitRepository", "gitRepository": {"url": url, "repositoryRef": {"branch": "main"}},
             "kustomizations": {"apps": {"path": "./apps"}}}
    props.update(extra_props)
    return {"properties": props}
