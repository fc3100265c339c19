"""One harness for everything that runs an emulator of its own: the test suites and the benchmarks.

`EmulatorProcess` starts `k8sconfig-emulator start` as a direct child process (so it can be stopped, killed
with SIGKILL and restarted on the same port and data dir), waits until it answers, and knows what a client
needs: its URL, the environment that points the real `az` at it (a seeded AZURE_CONFIG_DIR of its own), the
request log, and an admin/ARM client for setting up clusters without starting another process.

    with EmulatorProcess(tmp / "emulator", "--operation-delay", "0") as emu:
        emu.add_cluster("arc", "rg")
        emu.az("k8s-configuration", "flux", "list", "-g", "rg", "-c", "arc", "-t", "connectedClusters")

Nothing here is used by the emulator itself.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Mapping
from pathlib import Path

from k8sconfig_emulator import azure_env, datadir
from k8sconfig_emulator.admin_client import EmulatorClient
from k8sconfig_emulator.server import ServerError, wait_until_serving

START_TIMEOUT = 60.0
STOP_TIMEOUT = 20.0
CLUSTER_TYPES = {"connectedClusters": "Microsoft.Kubernetes",
                 "managedClusters": "Microsoft.ContainerService",
                 "provisionedClusters": "Microsoft.HybridContainerService"}
# Settings that make an emulator answer as fast as it can: a test or benchmark that needs an operation to
# stay in progress for a while passes its own value, which wins.
FAST = {"--operation-delay": "0", "--extension-install-delay": "0", "--reconcile-interval": "0.2",
        "--retry-after": "0"}


def fast_args(*args: str) -> list[str]:
    """`args` plus every FAST setting that `args` does not set itself."""
    given = {a.split("=", 1)[0] for a in args if a.startswith("--")}
    return [*args, *(part for option, value in FAST.items() if option not in given for part in (option, value))]


class EmulatorProcess:
    """One emulator process in `data_dir`, with `args` passed to `k8sconfig-emulator start`.

    extension_sources: when given, `az` loads extensions from this AZURE_EXTENSION_DEV_SOURCES directory and
    from no installed-extensions directory. az_env: further variables for every `az` call.
    """

    def __init__(self, data_dir: Path, *args: str, extension_sources: Path | None = None,
                 az_env: Mapping[str, str] | None = None, executable: str | None = None):
        self.data_dir = Path(data_dir).resolve()
        self.args = list(args)
        self.port = 0
        self.proc: subprocess.Popen | None = None
        self.env: dict[str, str] = {}
        self._extension_sources = extension_sources
        self._az_env = dict(az_env or {})
        self._python = executable or sys.executable
        self._client: EmulatorClient | None = None

    # -- process ---------------------------------------------------------------------------------
    @property
    def log_file(self) -> Path:
        """stdout/stderr of the process (next to the data dir, so the data dir holds only its own files)."""
        return self.data_dir.parent / f"{self.data_dir.name}.log"

    def start(self) -> EmulatorProcess:
        """Start, or start again after stop()/kill() on the same data dir and port."""
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        argv = [self._python, "-m", "k8sconfig_emulator", "start", "--port", str(self.port),
                "--data-dir", str(self.data_dir), *self.args]
        with open(self.log_file, "ab") as log:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        try:
            record = wait_until_serving(self.data_dir, self.proc.pid, timeout=START_TIMEOUT,
                                        alive=lambda: self.proc.poll() is None)
        except ServerError as exc:
            self.stop()
            raise RuntimeError(f"k8sconfig-emulator did not start: {exc}\n{self.log_tail()}") from None
        self.port = int(record["port"])
        self._client = None
        env = {**os.environ, **azure_env.environment(self.data_dir, self.port, os.environ)}
        if self._extension_sources is not None:
            env["AZURE_EXTENSION_DEV_SOURCES"] = str(self._extension_sources)
            env["AZURE_EXTENSION_DIR"] = str(self.data_dir.parent / "no-installed-extensions")
        env.update(self._az_env)
        self.env = env
        return self

    def stop(self) -> None:
        """SIGTERM (the emulator shuts down cleanly), SIGKILL if it does not exit in time; then its
        emulator.json is removed, as `k8sconfig-emulator stop` does."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=STOP_TIMEOUT)
        if self.proc is not None:
            datadir.remove_runtime(self.data_dir, self.proc.pid)

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs and emulator.json stays behind."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=STOP_TIMEOUT)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def log_tail(self, chars: int = 3000) -> str:
        return self.log_file.read_text(errors="replace")[-chars:] if self.log_file.exists() else ""

    @property
    def runtime(self) -> dict:
        record = datadir.read_runtime(self.data_dir)
        if record is None:
            raise RuntimeError(f"no emulator is running for {self.data_dir}")
        return record

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.proc is not None, "not started"
        return self.proc.pid

    # -- talking to it -----------------------------------------------------------------------------
    @property
    def client(self) -> EmulatorClient:
        """ARM calls with a managed-identity token and admin calls, in this process."""
        if self._client is None:
            self._client = EmulatorClient(self.data_dir)
        return self._client

    def tool(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        """`k8sconfig-emulator ARGS --data-dir DATA_DIR`, as a user would run it."""
        return subprocess.run([self._python, "-m", "k8sconfig_emulator", *args, "--data-dir", str(self.data_dir)],
                              capture_output=True, text=True, timeout=timeout, check=False,
                              stdin=subprocess.DEVNULL)

    def add_cluster(self, name: str | None = None, group: str | None = None,
                    cluster_type: str = "connectedClusters", location: str = "eastus") -> dict:
        """A resource group (created when missing) and a cluster in it; fresh random names by default.

        Returns {"group", "name", "id", "args"} where args are the az flags `-g G -c C -t TYPE`."""
        suffix = uuid.uuid4().hex[:8]
        group, name = group or f"rg-{suffix}", name or f"arc-{suffix}"
        from k8sconfig_emulator.tokens import SUBSCRIPTION_ID

        self.client.arm("PUT", f"/subscriptions/{SUBSCRIPTION_ID}/resourcegroups/{group}", "2024-11-01",
                        {"location": location})
        cluster_id = (f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{group}/providers/"
                      f"{CLUSTER_TYPES[cluster_type]}/{cluster_type}/{name}")
        self.client.arm("PUT", cluster_id, "2024-01-01", {"location": location, "properties": {}})
        return {"group": group, "name": name, "id": cluster_id, "args": ["-g", group, "-c", name, "-t", cluster_type]}

    def faults(self, **knobs) -> dict:
        """Change fault knobs at runtime (names as in `k8sconfig-emulator faults`); returns them all."""
        return self.client.admin("PUT", "knobs", knobs) if knobs else self.client.admin("GET", "knobs")

    def az(self, *args: str, env: Mapping[str, str] | None = None, timeout: float = 300,
           az: str | None = None) -> subprocess.CompletedProcess:
        """The real `az` (next to this Python) against this emulator; stdin is not a terminal."""
        executable = az or str(Path(self._python).parent / "az")
        return subprocess.run([executable, *map(str, args)], capture_output=True, text=True, timeout=timeout,
                              env={**self.env, **(env or {})}, stdin=subprocess.DEVNULL, check=False)

    # -- request log -------------------------------------------------------------------------------
    @property
    def log_path(self) -> Path:
        return self.data_dir / "requests.jsonl"

    def log_mark(self) -> int:
        return self.log_path.stat().st_size if self.log_path.exists() else 0

    def requests_since(self, mark: int = 0) -> list[dict]:
        if not self.log_path.exists():
            return []
        with open(self.log_path, "rb") as fh:
            fh.seek(mark)
            return [json.loads(line) for line in fh.read().decode().splitlines() if line.strip()]
