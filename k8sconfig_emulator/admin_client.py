"""Talk to a running emulator from the command line: ARM calls with an MI token, admin calls."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from k8sconfig_emulator import datadir
from k8sconfig_emulator.admin import ADMIN_HEADER
from k8sconfig_emulator.arm.platform import AUDIENCE
from k8sconfig_emulator.server import ssl_context


class ClientError(RuntimeError):
    """A failed call, with the emulator's error message."""


class EmulatorClient:
    def __init__(self, data_dir: Path):
        record = datadir.read_runtime(data_dir)
        if record is None or not datadir.pid_alive(int(record.get("pid", 0))):
            raise ClientError(f"no emulator is running for {data_dir}; start one with "
                              f"'k8sconfig-emulator start --detach --data-dir {data_dir}'")
        self.url = record["url"]
        self._data_dir = data_dir
        self._context = ssl_context(data_dir)
        self._token: str | None = None

    def _call(self, method: str, path: str, body=None, headers: dict | None = None) -> tuple[int, object]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method, headers={
            **({"Content-Type": "application/json"} if data is not None else {}), **(headers or {})})
        try:
            with urllib.request.urlopen(request, context=self._context, timeout=30) as response:
                raw = response.read()
                return response.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            try:
                message = json.loads(raw)["error"]["message"]
            except (ValueError, KeyError, TypeError):
                message = raw.decode(errors="replace") or exc.reason
            raise ClientError(f"{method} {path.split('?')[0]} failed with {exc.code}: {message}") from None
        except urllib.error.URLError as exc:
            raise ClientError(f"cannot reach the emulator at {self.url}: {exc.reason}") from None

    def token(self) -> str:
        if self._token is None:
            query = urllib.parse.urlencode({"api-version": "2019-08-01", "resource": AUDIENCE})
            _, body = self._call("GET", f"/msi/token?{query}",
                                 headers={"X-IDENTITY-HEADER": datadir.identity_secret(self._data_dir)})
            self._token = body["access_token"]
        return self._token

    def arm(self, method: str, path: str, api_version: str, body=None) -> object:
        separator = "&" if "?" in path else "?"
        return self._call(method, f"{path}{separator}api-version={api_version}", body,
                          {"Authorization": f"Bearer {self.token()}"})[1]

    def admin(self, method: str, name: str, body=None, query: dict | None = None) -> object:
        suffix = f"?{urllib.parse.urlencode(query)}" if query else ""
        return self._call(method, f"/_emulator/{name}{suffix}", body,
                          {ADMIN_HEADER: datadir.admin_secret(self._data_dir)})[1]
