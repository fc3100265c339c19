"""Scripts and CI pipelines written for the reference extension, run unchanged through the real `az`.

Every command runs as a pipeline does: a subprocess whose stdin is not a terminal, its output read with `--query`
and `-o tsv` (or `-o table`). Covered: the reference's JSON shape (properties at the top level, `resourceGroup`
from the id, no secrets; `--dry-run` still prints the wire request), the tables, and the confirmation prompts
(a clean error naming --yes without a terminal and nothing written; skipped by --yes or core.disable_confirm_prompt).
"""
from __future__ import annotations

import os
import pty
import shutil
import subprocess

import pytest
from e2e_support import BIN, TUTORIAL_URL, wait_until
from flux_e2e_helpers import (
    FLUX,
    LEGACY,
    arm_writes,
    assert_clean_error,
    flux_writes,
    seed_legacy,
)

NAME = "pipeline"
KUSTOMIZATIONS = ["--kustomization", "name=infra", "path=./infrastructure", "prune=true",
                  "--kustomization", "name=apps", "path=./apps/staging", "prune=true", "dependsOn=infra"]
SECRET = "pipeline-canary-7f3a9c"
NO_PROMPT_ENV = {"AZURE_CORE_DISABLE_CONFIRM_PROMPT": "true"}


def _az(emulator, cluster, command, *args, **kwargs):
    return emulator.az(*FLUX, *command.split(), *cluster["args"], *args, **kwargs)


def _tsv(emulator, cluster, command, query, *args, **kwargs):
    result = _az(emulator, cluster, command, *args, "--query", query, "-o", "tsv", **kwargs).ok()
    return result.stdout.strip()


def _table(result):
    """(header cells, data rows) of `-o table` output."""
    lines = result.ok().stdout.splitlines()
    assert set(lines[1]) <= {"-", " "}, lines
    return lines[0].split(), lines[2:]


def _create(emulator, cluster, name=NAME, *extra):
    return _az(emulator, cluster, "create", "-n", name, "--namespace", name, "-u", TUTORIAL_URL,
               "--branch", "main", *KUSTOMIZATIONS, *extra).ok()


def _wait_compliant(emulator, cluster, name=NAME):
    return _tsv(emulator, cluster, "wait", "complianceState", "-n", name, "--timeout", "3m")


def _methods(calls, name=NAME):
    return [c["method"] for c in flux_writes(calls, name)]


# ---- JSON output in the reference's shape ------------------------------------------------------------------

def test_create_show_list_and_wait_print_the_reference_shape(emulator, cluster):
    created = _create(emulator, cluster).json
    assert "properties" not in created
    assert created["resourceGroup"] == cluster["group"]
    assert created["provisioningState"] == "Succeeded" and created["sourceKind"] == "GitRepository"
    assert created["gitRepository"]["repositoryRef"]["branch"] == "main"
    assert created["id"].endswith(f"/fluxConfigurations/{NAME}") and created["name"] == NAME

    assert _wait_compliant(emulator, cluster) == "Compliant"
    assert _tsv(emulator, cluster, "show", "complianceState", "-n", NAME) == "Compliant"
    assert _tsv(emulator, cluster, "show", "kustomizations.apps.dependsOn[0]", "-n", NAME) == "infra"
    assert _tsv(emulator, cluster, "show", "resourceGroup", "-n", NAME) == cluster["group"]
    assert _tsv(emulator, cluster, "show", "sourceSyncedCommitId", "-n", NAME).startswith("main")
    assert _tsv(emulator, cluster, "show", "gitRepository.url", "-n", NAME) == TUTORIAL_URL
    assert _tsv(emulator, cluster, "list", "[].name") == NAME
    assert _tsv(emulator, cluster, "list", "[0].resourceGroup") == cluster["group"]
    assert _tsv(emulator, cluster, "list", "[?complianceState=='Compliant'].name") == NAME
    kinds = _tsv(emulator, cluster, "show", "statuses[].kind", "-n", NAME).split()
    assert "HelmRelease" in kinds and "Kustomization" in kinds

    # what the reference's SDK model prints: every property present (null when unset), camelCase attribute names
    shown = _az(emulator, cluster, "show", "-n", NAME).ok().json
    assert shown["bucket"] is None and shown["azureBlob"] is None and shown["ociRepository"] is None
    assert "httpsCaCert" in shown["gitRepository"] and "httpsCACert" not in shown["gitRepository"]
    assert shown["configurationProtectedSettings"] is None
    assert shown["systemData"]["createdAt"]

    # tables keep their columns, with the reason of a failure in the last one
    header, rows = _table(_az(emulator, cluster, "wait", "-n", NAME, "--timeout", "1m", "-o", "table"))
    assert header == ["Namespace", "Name", "Scope", "SourceKind", "ProvisioningState", "ComplianceState",
                      "StatusUpdatedAt", "SourceUpdatedAt", "Message"]
    assert len(rows) == 1 and "Compliant" in rows[0].split()
    header, rows = _table(_az(emulator, cluster, "list", "-o", "table"))
    assert header[:3] == ["Namespace", "Name", "Scope"] and len(rows) == 1


def test_update_prints_the_reference_shape_and_dry_run_the_wire_request(emulator, cluster):
    _create(emulator, cluster, "upd")
    assert _tsv(emulator, cluster, "update", "gitRepository.syncIntervalInSeconds", "-n", "upd",
                "--interval", "20m") == "1200"
    header, rows = _table(_az(emulator, cluster, "update", "-n", "upd", "--interval", "15m", "-o", "table"))
    assert "SourceKind" in header and "GitRepository" in rows[0]

    # --dry-run prints the ARM request itself, in wire shape, and sends nothing
    mark = emulator.log_mark()
    request = _az(emulator, cluster, "update", "-n", "upd", "--interval", "5m", "--dry-run").ok().json
    assert request["method"] == "PATCH"
    assert request["body"]["properties"]["gitRepository"]["syncIntervalInSeconds"] == 300
    assert _tsv(emulator, cluster, "create", "body.properties.sourceKind", "-n", "dry", "-u", TUTORIAL_URL,
                "--branch", "main", "--dry-run") == "GitRepository"
    assert arm_writes(emulator.requests_since(mark)) == []


def test_secrets_are_in_no_output(emulator, cluster):
    created = _az(emulator, cluster, "create", "-n", "secret", "-u", TUTORIAL_URL, "--branch", "main",
                  "--https-user", "bot", "--https-key", SECRET, "-k", "name=infra", "path=./infrastructure").ok()
    assert created.json["configurationProtectedSettings"] is None
    outputs = [created.stdout + created.stderr]
    for command, args in (("show", ["-n", "secret"]), ("list", [])):
        for fmt in ("json", "tsv", "table", "yaml"):
            result = _az(emulator, cluster, command, *args, "-o", fmt).ok()
            outputs.append(result.stdout + result.stderr)
    dry = _az(emulator, cluster, "update", "-n", "secret", "--https-key", SECRET + "2", "--dry-run").ok()
    assert dry.json["body"]["properties"]["configurationProtectedSettings"] == {"httpsKey": "<redacted>"}
    outputs.append(dry.stdout + dry.stderr)
    assert not [text for text in outputs if SECRET in text]


def test_kustomization_writes_return_the_configuration(emulator, cluster):
    _create(emulator, cluster, "kust")
    assert _tsv(emulator, cluster, "kustomization create", "kustomizations.extra.path", "-n", "kust",
                "-k", "extra", "--path", "./apps/staging", "--depends", "infra") == "./apps/staging"
    updated = _az(emulator, cluster, "kustomization update", "-n", "kust", "-k", "extra", "--interval", "5m").ok()
    assert updated.json["kustomizations"]["extra"]["syncIntervalInSeconds"] == 300
    assert updated.json["resourceGroup"] == cluster["group"] and "properties" not in updated.json

    header, rows = _table(_az(emulator, cluster, "kustomization update", "-n", "kust", "-k", "extra",
                              "--interval", "6m", "-o", "table"))
    assert header == ["Name", "Path", "DependsOn", "SyncInterval", "Timeout", "RetryInterval", "Prune", "Force",
                      "Wait", "ComplianceState"]
    by_name = {row.split()[0]: row for row in rows}
    assert set(by_name) == {"infra", "apps", "extra"} and "6m" in by_name["extra"].split()

    remaining = _tsv(emulator, cluster, "kustomization delete", "keys(kustomizations)", "-n", "kust", "-k", "extra",
                     "--yes")
    assert sorted(remaining.split()) == ["apps", "infra"]
    header, rows = _table(_az(emulator, cluster, "kustomization delete", "-n", "kust", "-k", "apps", "--yes",
                              "-o", "table"))
    assert header[0] == "Name" and [row.split()[0] for row in rows] == ["infra"]

    # list and show stay dicts keyed by name; deployed objects stay an array
    assert _tsv(emulator, cluster, "kustomization list", "infra.path", "-n", "kust") == "./infrastructure"
    assert _tsv(emulator, cluster, "kustomization show", "infra.prune", "-n", "kust", "-k", "infra") == "true"
    objects = _az(emulator, cluster, "deployed-object list", "-n", "kust").ok().json
    assert isinstance(objects, list)


def test_non_compliant_table_says_why(emulator, cluster):
    _az(emulator, cluster, "create", "-n", "broken", "-u", TUTORIAL_URL, "--branch", "main",
        "-k", "name=missing", "path=./no-such-directory").ok()
    wait_until(lambda: _tsv(emulator, cluster, "show", "complianceState", "-n", "broken") == "Non-Compliant",
               timeout=120, interval=1)
    message = _tsv(emulator, cluster, "show", "errorMessage", "-n", "broken")
    header, rows = _table(_az(emulator, cluster, "show", "-n", "broken", "-o", "table"))
    assert header[-1] == "Message" and "Non-Compliant" in rows[0]
    assert message[:40] in rows[0] or "no-such-directory" in rows[0]


def _legacy(emulator, cluster, command, *args, **kwargs):
    return emulator.az(*LEGACY, command, *cluster["args"], *args, **kwargs)


def test_legacy_show_and_list_print_the_reference_shape(emulator, cluster):
    seed_legacy(emulator, cluster, "v1")
    shown = _legacy(emulator, cluster, "show", "-n", "v1").ok().json
    assert "properties" not in shown and shown["resourceGroup"] == cluster["group"]
    assert shown["repositoryUrl"] == "https://github.com/example/flux-v1-config"
    assert shown["operatorScope"] == "namespace"
    listed = _legacy(emulator, cluster, "list", "--query", "[0].[name, resourceGroup, operatorInstanceName]",
                     "-o", "tsv").ok().stdout.split()
    assert listed == ["v1", cluster["group"], "v1"]
    header, rows = _table(_legacy(emulator, cluster, "list", "-o", "table"))
    assert header == ["Name", "RepositoryUrl", "OperatorName", "OperatorNamespace", "Scope", "ProvisioningState"]
    assert rows[0].split()[:3] == ["v1", "https://github.com/example/flux-v1-config", "v1"]


# ---- confirmation prompts in pipelines -----------------------------------------------------------------------

def _assert_no_terminal_error(result):
    assert_clean_error(result, 1, "no terminal", "--yes", "core.disable_confirm_prompt")


def test_flux_delete_without_terminal_fails_cleanly_and_sends_nothing(emulator, cluster):
    _az(emulator, cluster, "create", "-n", "keep", "-u", TUTORIAL_URL, "--branch", "main",
        "-k", "name=infra", "path=./infrastructure").ok()
    mark = emulator.log_mark()
    _assert_no_terminal_error(_az(emulator, cluster, "delete", "-n", "keep"))
    calls = emulator.requests_since(mark)
    assert arm_writes(calls) == []
    assert not [c for c in calls if "fluxconfigurations" in c["path"].lower()]  # not even the GET
    assert _tsv(emulator, cluster, "show", "name", "-n", "keep") == "keep"

    # the environment variable turns the prompt off, as for azure-cli's own commands
    mark = emulator.log_mark()
    _az(emulator, cluster, "delete", "-n", "keep", env=NO_PROMPT_ENV).ok()
    assert _methods(emulator.requests_since(mark), "keep") == ["DELETE"]
    assert _tsv(emulator, cluster, "list", "length(@)") == "0"


def test_kustomization_delete_and_kind_change_without_terminal_write_nothing(emulator, cluster):
    _create(emulator, cluster, "ask")
    mark = emulator.log_mark()
    _assert_no_terminal_error(_az(emulator, cluster, "kustomization delete", "-n", "ask", "-k", "apps"))
    _assert_no_terminal_error(_az(emulator, cluster, "update", "-n", "ask", "--kind", "bucket",
                                  "-u", "https://bucket.example.com", "--bucket-name", "b",
                                  "--bucket-access-key", "ak", "--bucket-secret-key", "sk"))
    assert arm_writes(emulator.requests_since(mark)) == []
    assert sorted(_tsv(emulator, cluster, "show", "keys(kustomizations)", "-n", "ask").split()) == ["apps", "infra"]
    assert _tsv(emulator, cluster, "show", "sourceKind", "-n", "ask") == "GitRepository"

    # a dry run never asks
    assert _tsv(emulator, cluster, "kustomization delete", "method", "-n", "ask", "-k", "apps",
                "--dry-run") == "PATCH"
    # --yes answers for the user
    mark = emulator.log_mark()
    remaining = _tsv(emulator, cluster, "kustomization delete", "keys(kustomizations)", "-n", "ask", "-k", "apps",
                     "--yes")
    assert remaining == "infra" and _methods(emulator.requests_since(mark), "ask") == ["PATCH"]


@pytest.fixture
def config_dir_without_prompts(emulator, tmp_path):
    """A copy of the emulator's AZURE_CONFIG_DIR with `az config set core.disable_confirm_prompt=true` applied."""
    copy = tmp_path / "azure-config"
    shutil.copytree(emulator.env["AZURE_CONFIG_DIR"], copy)
    env = {"AZURE_CONFIG_DIR": str(copy)}
    emulator.az("config", "set", "core.disable_confirm_prompt=true", env=env).ok()
    return env


def test_disable_confirm_prompt_in_the_config_file_skips_every_prompt(emulator, cluster,
                                                                      config_dir_without_prompts):
    env = config_dir_without_prompts
    _create(emulator, cluster, "cfgfile")
    mark = emulator.log_mark()
    assert _tsv(emulator, cluster, "kustomization delete", "keys(kustomizations)", "-n", "cfgfile", "-k", "apps",
                env=env) == "infra"
    assert _tsv(emulator, cluster, "update", "sourceKind", "-n", "cfgfile", "--kind", "bucket",
                "-u", "https://bucket.example.com", "--bucket-name", "b", "--bucket-access-key", "ak",
                "--bucket-secret-key", "sk", env=env) == "Bucket"
    _az(emulator, cluster, "delete", "-n", "cfgfile", env=env).ok()
    assert _methods(emulator.requests_since(mark), "cfgfile") == ["PATCH", "PATCH", "DELETE"]
    assert _tsv(emulator, cluster, "list", "length(@)") == "0"


def test_legacy_delete_without_terminal_fails_cleanly(emulator, cluster):
    seed_legacy(emulator, cluster, "v1-keep")
    mark = emulator.log_mark()
    _assert_no_terminal_error(_legacy(emulator, cluster, "delete", "-n", "v1-keep"))
    assert arm_writes(emulator.requests_since(mark)) == []
    _legacy(emulator, cluster, "delete", "-n", "v1-keep", env=NO_PROMPT_ENV).ok()
    assert _legacy(emulator, cluster, "list").ok().json == []


def _az_on_terminal(emulator, args, answer):
    """Run az with a terminal as stdin (output still piped) and type `answer` at the prompt."""
    controller, terminal = pty.openpty()
    try:
        os.write(controller, answer.encode() + b"\n")
        proc = subprocess.run([str(BIN / "az"), *args], stdin=terminal, capture_output=True, text=True,
                              env=emulator.env, timeout=180, check=False)
    finally:
        os.close(terminal)
        os.close(controller)
    return proc


def test_with_a_terminal_the_answer_decides(emulator, cluster):
    _create(emulator, cluster, "tty")
    args = [*FLUX, "delete", *cluster["args"], "-n", "tty"]
    mark = emulator.log_mark()
    refused = _az_on_terminal(emulator, args, "n")
    assert refused.returncode != 0 and "Operation cancelled" in refused.stderr, refused.stderr
    assert "Traceback" not in refused.stderr
    # the question says that prune will delete what the configuration deployed
    assert "Prune is enabled" in refused.stdout + refused.stderr
    assert _methods(emulator.requests_since(mark), "tty") == []

    mark = emulator.log_mark()
    accepted = _az_on_terminal(emulator, args, "y")
    assert accepted.returncode == 0, accepted.stderr
    assert _methods(emulator.requests_since(mark), "tty") == ["DELETE"]
