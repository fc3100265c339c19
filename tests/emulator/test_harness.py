"""The one emulator harness (k8sconfig_emulator.testing) that tests and benchmarks share."""

from __future__ import annotations

import os

from k8sconfig_emulator.testing import FAST, EmulatorProcess, fast_args


def test_fast_args_fill_in_only_what_the_caller_did_not_set():
    args = fast_args("--operation-delay", "6", "--git-repo", "x=/tmp/x")
    assert args[:4] == ["--operation-delay", "6", "--git-repo", "x=/tmp/x"]
    assert args.count("--operation-delay") == 1
    assert "--extension-install-delay" in args and args[args.index("--extension-install-delay") + 1] == "0"
    assert set(args[4::2]) == set(FAST) - {"--operation-delay"}
    assert fast_args("--retry-after=2").count("--retry-after") == 0


def test_process_serves_restarts_on_its_port_and_stops(tmp_path):
    emu = EmulatorProcess(tmp_path / "data", *fast_args(), az_env={"K8SCONFIG_TEST_MARKER": "1"})
    with emu:
        port = emu.port
        cluster = emu.add_cluster()
        assert cluster["args"] == ["-g", cluster["group"], "-c", cluster["name"], "-t", "connectedClusters"]
        assert emu.env["AZURE_CONFIG_DIR"] == str(emu.data_dir / "azure")
        assert emu.env["K8SCONFIG_TEST_MARKER"] == "1"
        assert any(r["path"].endswith(cluster["name"]) for r in emu.requests_since(0))
        first_pid = emu.pid
        emu.kill()
        assert (emu.data_dir / "emulator.json").exists()      # SIGKILL: no clean-up ran
        emu.start()
        assert emu.port == port and emu.pid != first_pid
        assert emu.client.arm("GET", cluster["id"], "2024-01-01")["name"] == cluster["name"]
        pid = emu.pid
    assert emu.proc.poll() is not None and not (emu.data_dir / "emulator.json").exists()
    try:
        os.kill(pid, 0)
        alive = True
    except ProcessLookupError:
        alive = False
    assert not alive


def test_sigterm_shuts_down_cleanly_and_removes_its_runtime_file(tmp_path):
    """A service manager's SIGTERM (not only `k8sconfig-emulator stop`) leaves no emulator.json behind."""
    emu = EmulatorProcess(tmp_path / "data", *fast_args()).start()
    try:
        assert (emu.data_dir / "emulator.json").exists()
        emu.proc.terminate()
        emu.proc.wait(timeout=30)
        assert not (emu.data_dir / "emulator.json").exists()
    finally:
        emu.stop()
