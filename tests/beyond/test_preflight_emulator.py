"""`az k8s-configuration flux check` through the real az against the emulator: what it reports, what --fix repairs
and with which calls, an extension still installing, and a terminal that cannot show ✔/✗."""
from __future__ import annotations

import json

import pytest
from e2e_support import new_cluster, running_emulator

from azext_k8s_configuration.providers.preflight import (
    CHECK_CLUSTER,
    CHECK_EXTENSION,
    CHECK_FLUX_V1,
    CHECK_PROVIDER,
)

FLUX = ("k8s-configuration", "flux")
SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"


def _by_check(results):
    return {r["check"]: r for r in results}


def _calls(requests):
    return [(r["method"], r["path"].rsplit("/providers/Microsoft.KubernetesConfiguration/", 1)[-1])
            for r in requests if "/operations/" not in r["path"] and "token" not in r["path"]]


@pytest.fixture(scope="module")
def slow_install(tmp_path_factory):
    """An emulator whose extension installs stay in progress for a long time."""
    with running_emulator(tmp_path_factory.mktemp("slow-install"), "--extension-install-delay", "600",
                          "--operation-delay", "0") as emu:
        yield emu


def test_check_then_fix_installs_the_extension_like_create(emulator, cluster):
    before = emulator.az(*FLUX, "check", *cluster["args"])
    assert before.returncode == 1 and "Traceback" not in before.stderr
    assert "✗ microsoft.flux extension installed: not installed" in before.stderr
    assert "1 of 4 checks failed." in before.stderr

    mark = emulator.log_mark()
    after = emulator.az(*FLUX, "check", *cluster["args"], "--fix").ok()
    results = _by_check(after.json)
    assert all(r["status"] == "passed" for r in results.values()), results
    assert results[CHECK_EXTENSION]["code"] == "ExtensionReady" and "Succeeded" in results[CHECK_EXTENSION]["detail"]
    assert "All checks passed." in after.stderr
    ext_calls = [c for c in _calls(emulator.requests_since(mark)) if c[1].startswith("extensions")]
    # check: list; fix: PUT (polled to its end, no GET of the extension); check again: list.
    assert ext_calls == [("GET", "extensions"), ("PUT", "extensions/flux"), ("GET", "extensions")]

    codes = emulator.az(*FLUX, "check", *cluster["args"], "--query", "[].code", "-o", "tsv").ok().stdout.split()
    assert codes == ["ProviderRegistered", "ClusterFound", "ExtensionReady", "NoFluxV1"]


def test_check_reports_missing_cluster(emulator, cluster):
    result = emulator.az(*FLUX, "check", "-g", cluster["group"], "-c", "no-such-cluster", "-t", "connectedClusters")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"az connectedk8s connect -g {cluster['group']} -n no-such-cluster" in result.stderr
    assert f"- {CHECK_EXTENSION}: skipped" in result.stderr


def test_failed_install_is_reported_by_fix(emulator, cluster):
    assert emulator.tool("faults", "--fail-next-extension-install").returncode == 0
    fixed = emulator.az(*FLUX, "check", *cluster["args"], "--fix")
    assert fixed.returncode == 1 and "Traceback" not in fixed.stderr
    assert f"✗ Fix for: {CHECK_EXTENSION}: failed:" in fixed.stderr


def _start_install(emulator, cluster):
    """PUT the extension directly (as `az k8s-extension create --no-wait` would); it stays Creating here."""
    url = (f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{cluster['group']}/providers/Microsoft.Kubernetes"
           f"/connectedClusters/{cluster['name']}/providers/Microsoft.KubernetesConfiguration/extensions/flux"
           "?api-version=2025-03-01")
    body = {"identity": {"type": "SystemAssigned"}, "properties": {"extensionType": "microsoft.flux"}}
    emulator.az("rest", "--method", "put", "--url", url, "--body", json.dumps(body), "-o", "none").ok()


def test_extension_still_installing_is_in_progress_not_failed(slow_install):
    cluster = new_cluster(slow_install)
    _start_install(slow_install, cluster)

    checked = slow_install.az(*FLUX, "check", *cluster["args"]).ok()  # create would wait for it: not a failure
    result = _by_check(checked.json)[CHECK_EXTENSION]
    assert result["status"] == "inProgress" and result["code"] == "ExtensionInProgress" and result["ok"] is None
    assert "… microsoft.flux extension installed: 'flux'" in checked.stderr
    assert "All checks passed. 1 still in progress." in checked.stderr


def test_checklist_falls_back_to_ascii_when_the_stream_cannot_encode_it(slow_install):
    cluster = new_cluster(slow_install)
    env = {"PYTHONIOENCODING": "cp1252"}
    failed = slow_install.az(*FLUX, "check", *cluster["args"], env=env)
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    assert f"[ok] {CHECK_PROVIDER}" in failed.stderr and f"[ok] {CHECK_CLUSTER}" in failed.stderr
    assert f"[FAIL] {CHECK_EXTENSION}: not installed" in failed.stderr
    assert "\\u27" not in failed.stderr and "✔" not in failed.stderr

    missing = slow_install.az(*FLUX, "check", "-g", cluster["group"], "-c", "gone", "-t", "connectedClusters",
                              env=env)
    assert f"[-] {CHECK_FLUX_V1}: skipped" in missing.stderr

    _start_install(slow_install, cluster)
    passed = slow_install.az(*FLUX, "check", *cluster["args"], "--query", "[].status", "-o", "tsv", env=env).ok()
    assert passed.stdout.split() == ["passed", "passed", "inProgress", "passed"]
    assert f"[...] {CHECK_EXTENSION}: 'flux'" in passed.stderr and "Traceback" not in passed.stderr
