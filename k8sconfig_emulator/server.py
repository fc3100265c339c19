"""Run the emulator: TLS setup, uvicorn on 127.0.0.1, emulator.json; detach and stop helpers."""

from __future__ import annotations

import logging
import os
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from k8sconfig_emulator import azure_env, certs, datadir, demo_repo
from k8sconfig_emulator.config import EmulatorConfig

log = logging.getLogger("k8sconfig_emulator")
HOST = "127.0.0.1"
START_TIMEOUT = 60.0
STOP_TIMEOUT = 20.0
LAST_PORT_FILE = "last-port"  # the port of the latest start, reused by the next start when it is free


class ServerError(RuntimeError):
    """A start/stop problem with a message meant for the user."""


def _bind(port: int) -> socket.socket:
    # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on sockets whose proto is IPPROTO_TCP, and
    # accepted connections inherit proto 0 otherwise; Nagle + delayed ACK then cost ~40 ms per response.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
    except OSError as exc:
        sock.close()
        raise ServerError(f"cannot listen on {HOST}:{port} ({exc.strerror}); choose another --port "
                          "or --port 0 for a free one") from None
    return sock


def previous_port(data_dir: Path) -> int | None:
    try:
        port = int((data_dir / LAST_PORT_FILE).read_text().strip())
    except (OSError, ValueError):
        return None
    return port if 0 < port <= 65535 else None


def _bind_preferred(cfg: EmulatorConfig) -> socket.socket:
    """The given port; with port 0, the previous start's port when it is free, else any free port."""
    if cfg.port == 0 and cfg.preferred_port:
        try:
            return _bind(cfg.preferred_port)
        except ServerError:
            log.warning("port %s of the previous start is taken; using another one: run "
                        "'eval \"$(k8sconfig-emulator env)\"' again in shells pointed at the emulator",
                        cfg.preferred_port)
    return _bind(cfg.port)


def _refuse_if_running(data_dir: Path) -> None:
    record = datadir.read_runtime(data_dir)
    if record and datadir.pid_alive(int(record.get("pid", 0))) and record.get("pid") != os.getpid():
        raise ServerError(f"an emulator is already running for {data_dir} (pid {record['pid']}, "
                          f"{record.get('url')}); stop it with 'k8sconfig-emulator stop --data-dir {data_dir}'")


def prepare(data_dir: Path) -> None:
    datadir.ensure(data_dir)
    certs.ensure_certificates(data_dir)
    certs.write_ca_bundle(data_dir)


def run(cfg: EmulatorConfig) -> None:
    """Serve in the foreground until SIGTERM/SIGINT."""
    import uvicorn

    from k8sconfig_emulator.app import create_app

    _refuse_if_running(cfg.data_dir)
    prepare(cfg.data_dir)
    if cfg.demo_repo:
        _serve_demo_repo(cfg)
    sock = _bind_preferred(cfg)
    port = sock.getsockname()[1]
    (cfg.data_dir / LAST_PORT_FILE).write_text(f"{port}\n")
    azure_env.seed(cfg.data_dir / "azure", port)  # opens the az config dir that stop() closed
    app = create_app(cfg)
    config = uvicorn.Config(app, host=HOST, port=port, log_level="warning", access_log=False, lifespan="on",
                            ssl_certfile=str(cfg.data_dir / "server.pem"),
                            ssl_keyfile=str(cfg.data_dir / "server-key.pem"), timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)

    def announce() -> None:
        while not server.started and not server.should_exit:
            time.sleep(0.02)
        if server.started:
            record = datadir.write_runtime(cfg.data_dir, port, os.getpid())
            print(f"k8sconfig-emulator listening on {record['url']} (data dir {cfg.data_dir})", flush=True)
            if cfg.demo_repo:
                print(demo_repo.note(), flush=True)

    threading.Thread(target=announce, name="announce", daemon=True).start()
    # uvicorn shuts down on SIGTERM, then raises the signal again with the handler it found: with the default one
    # the process would die before the `finally` below removes emulator.json. Exit through Python instead.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        server.run(sockets=[sock])
    finally:
        datadir.remove_runtime(cfg.data_dir, os.getpid())


def _exit_on_signal(_signum, _frame) -> None:
    raise SystemExit(0)  # a requested shutdown that completed


def _serve_demo_repo(cfg: EmulatorConfig) -> None:
    """Rewrite the tutorial's URL to the bundled demo repository, after the user's own rules (which win)."""
    try:
        repo = demo_repo.prepare(cfg.data_dir)
    except demo_repo.DemoRepoError as exc:
        raise ServerError(str(exc)) from None
    cfg.git_insteadof = [*cfg.git_insteadof, *demo_repo.insteadof_rules(repo)]


def ssl_context(data_dir: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(data_dir / "ca.pem"))


def healthy(url: str, data_dir: Path, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_emulator/health", timeout=timeout,
                                    context=ssl_context(data_dir)) as response:
            return response.status == 200
    except OSError:
        return False


def wait_until_serving(data_dir: Path, pid: int, timeout: float = START_TIMEOUT,
                       alive=None) -> dict:
    """Poll until emulator.json names ``pid`` and the server answers; raise if it died or timed out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if alive is not None and not alive():
            raise ServerError("the emulator exited during start-up")
        record = datadir.read_runtime(data_dir)
        if record and record.get("pid") == pid and healthy(record["url"], data_dir):
            return record
        time.sleep(0.05)
    raise ServerError(f"the emulator did not answer within {timeout:.0f} s")


def start_detached(argv: list[str], data_dir: Path) -> dict:
    """Start ``k8sconfig-emulator start`` (without --detach) in the background; return once it answers."""
    _refuse_if_running(data_dir)
    datadir.ensure(data_dir)
    log_path = data_dir / "emulator.log"
    with log_path.open("ab") as log_file:
        child = subprocess.Popen([sys.executable, "-m", "k8sconfig_emulator", *argv], stdin=subprocess.DEVNULL,
                                 stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        return wait_until_serving(data_dir, child.pid, alive=lambda: child.poll() is None)
    except ServerError as exc:
        if child.poll() is None:
            child.terminate()
        tail = log_path.read_text(errors="replace")[-2000:]
        raise ServerError(f"{exc}; last log lines from {log_path}:\n{tail}") from None


def stop(data_dir: Path) -> str:
    record = datadir.read_runtime(data_dir)
    if record is None:
        return f"no emulator is running for {data_dir}"
    pid = int(record["pid"])
    if not datadir.pid_alive(pid):
        datadir.remove_runtime(data_dir)
        azure_env.close(data_dir / "azure")
        return f"removed the stale record of pid {pid}, which was not running"
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    while datadir.pid_alive(pid) and time.monotonic() < deadline:
        _reap(pid)
        time.sleep(0.05)
    if datadir.pid_alive(pid):
        os.kill(pid, signal.SIGKILL)
        _reap(pid)
    datadir.remove_runtime(data_dir)
    azure_env.close(data_dir / "azure")
    return f"stopped the emulator (pid {pid})"


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass
