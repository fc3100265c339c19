"""Deprecated Flux v1 commands on a seeded sourceControlConfiguration, and `flux check` (+ --fix)."""
from __future__ import annotations

from flux_e2e_helpers import FLUX, LEGACY, arm_writes, assert_clean_error, seed_legacy

SCC = "legacy-config"


def _assert_deprecated(result, replacement):
    assert "WARNING: This command has been deprecated" in result.stderr
    assert f"'k8s-configuration flux {replacement}'" in result.stderr


def test_legacy_commands_and_preflight_check(emulator, cluster):
    seed_legacy(emulator, cluster, SCC)

    check = emulator.az(*FLUX, "check", *cluster["args"])
    assert_clean_error(check, 1, "2 of 4 preflight checks failed", "--fix")
    assert "✗ microsoft.flux extension installed: not installed" in check.stderr
    assert f"found {SCC}" in check.stderr and f"az k8s-configuration delete -g {cluster['group']}" in check.stderr

    mark = emulator.log_mark()
    fixed = emulator.az(*FLUX, "check", *cluster["args"], "--fix")
    assert_clean_error(fixed, 1, "1 of 4 preflight checks failed")
    assert "✔ microsoft.flux extension installed" in fixed.stderr
    writes = arm_writes(emulator.requests_since(mark))
    assert [(w["method"], w["path"].rsplit("/", 2)[-2:]) for w in writes] == [("PUT", ["extensions", "flux"])]
    assert writes[0]["body"]["properties"]["extensionType"].lower() == "microsoft.flux"

    listed = emulator.az(*LEGACY, "list", *cluster["args"]).ok()
    _assert_deprecated(listed, "list")
    (config,) = listed.json
    assert config["name"] == SCC and config["repositoryUrl"].endswith("/flux-v1-config")

    table = emulator.az(*LEGACY, "list", *cluster["args"], "-o", "table").ok().stdout
    assert "RepositoryUrl" in table.splitlines()[0] and SCC in table
    shown = emulator.az(*LEGACY, "show", *cluster["args"], "-n", SCC, "-o", "table").ok()
    _assert_deprecated(shown, "show")
    assert SCC in shown.stdout and "namespace" in shown.stdout

    missing = emulator.az(*LEGACY, "show", *cluster["args"], "-n", "no-such-scc")
    assert_clean_error(missing, 3, "no-such-scc")

    deleted = emulator.az(*LEGACY, "delete", *cluster["args"], "-n", SCC, "--yes").ok()
    _assert_deprecated(deleted, "delete")
    assert emulator.az(*LEGACY, "list", *cluster["args"]).ok().json == []

    passed = emulator.az(*FLUX, "check", *cluster["args"]).ok()
    assert "All checks passed." in passed.stderr
    assert all(item["ok"] for item in passed.json)
