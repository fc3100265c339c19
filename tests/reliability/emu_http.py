"""Raw HTTPS calls to an emulator (no az): a managed-identity token and plain requests, for the tests that need
to send what az never would (no token, forged tokens, malformed bodies)."""
from __future__ import annotations

import http.client
import json
import ssl
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

SUB = "00000000-0000-0000-0000-000000000000"
FLUX_API = "2025-04-01"
AUDIENCE = "https://management.k8sconfig.local/"


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    text: str

    @property
    def json(self):
        return json.loads(self.text) if self.text else None


class RawClient:
    def __init__(self, url: str, data_dir: Path, env: dict[str, str]):
        parts = urllib.parse.urlsplit(url)
        self.host, self.port = parts.hostname, parts.port
        self.context = ssl.create_default_context(cafile=str(data_dir / "ca.pem"))
        self.env = env

    def request(self, method: str, path: str, body: bytes | str | None = None,
                headers: dict[str, str] | None = None) -> Response:
        conn = http.client.HTTPSConnection(self.host, self.port, context=self.context, timeout=30)
        try:
            data = body.encode() if isinstance(body, str) else body
            conn.request(method, path, body=data, headers=headers or {})
            resp = conn.getresponse()
            return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()},
                            resp.read().decode("utf-8", "replace"))
        finally:
            conn.close()

    def token(self) -> str:
        endpoint = urllib.parse.urlsplit(self.env["IDENTITY_ENDPOINT"])
        query = urllib.parse.urlencode({"api-version": "2019-08-01", "resource": AUDIENCE})
        resp = self.request("GET", f"{endpoint.path}?{query}", headers={"X-IDENTITY-HEADER": self.env["IDENTITY_HEADER"]})
        assert resp.status == 200, resp.text
        return resp.json["access_token"]

    def arm(self, method: str, path: str, body=None, token: str | None = None, api_version: str = FLUX_API,
            content_type: str = "application/json", raw: bytes | str | None = None) -> Response:
        headers = {"Authorization": f"Bearer {token or self.token()}"}
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        if data is not None:
            headers["Content-Type"] = content_type
        sep = "&" if "?" in path else "?"
        return self.request(method, f"{path}{sep}api-version={api_version}" if api_version else path, data, headers)


def flux_path(group: str, cluster: str, name: str = "") -> str:
    base = (f"/subscriptions/{SUB}/resourceGroups/{group}/providers/Microsoft.Kubernetes/connectedClusters/{cluster}"
            f"/providers/Microsoft.KubernetesConfiguration/fluxConfigurations")
    return f"{base}/{name}" if name else base


def client_for(emulator) -> RawClient:
    return RawClient(emulator.url, emulator.data_dir, emulator.env)
