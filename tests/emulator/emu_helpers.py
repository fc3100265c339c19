"""Helpers for emulator tests: a real emulator process (k8sconfig_emulator.testing) plus small call helpers."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import requests

from k8sconfig_emulator.testing import EmulatorProcess

SUB = "00000000-0000-0000-0000-000000000000"
KC = "providers/Microsoft.KubernetesConfiguration"
FLUX_API = "2025-04-01"
EXT_API = "2025-03-01"


class Emulator(EmulatorProcess):
    """A running emulator process plus a `requests` session that trusts its CA and small helpers to call it."""

    def __init__(self, data_dir: Path, args: list[str]):
        super().__init__(data_dir, *args)
        self.session = requests.Session()
        self.session.trust_env = False      # else a global REQUESTS_CA_BUNDLE overrides verify=
        self.session.verify = str(self.data_dir / "ca.pem")
        self._token: str | None = None

    # -- process ---------------------------------------------------------------------------------
    def start(self) -> Emulator:
        super().start()
        self._token = None
        return self

    def stop(self) -> None:
        self.session.close()
        super().stop()

    # -- calls -----------------------------------------------------------------------------------
    def token(self) -> str:
        if self._token is None:
            self._token = self.client.token()
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
        return self.requests_since(0)


def flux_body(url: str = "https://example.invalid/repo.git", **extra_props) -> dict:
    props = {"sourceKind": "GitRepository", "gitRepository": {"url": url, "repositoryRef": {"branch": "main"}},
             "kustomizations": {"apps": {"path": "./apps"}}}
    props.update(extra_props)
    return {"properties": props}


def config_path(cluster: str, name: str = "cfg") -> str:
    """The path of flux configuration ``name`` on ``cluster`` (a cluster id)."""
    return f"{cluster}/{KC}/fluxConfigurations/{name}"


def expect_error(response, status: int, code: str) -> dict:
    """Assert an ARM error answer with ``status`` and error ``code``; returns the error object."""
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code, error
    return error
