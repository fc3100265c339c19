"""Errors as a user meets them: clear message, right exit code, no traceback, and nothing written."""
from __future__ import annotations

import re
import uuid

import pytest
from e2e_support import TUTORIAL_URL
from flux_e2e_helpers import FLUX, arm_writes, assert_clean_error

GIT = ["-u", TUTORIAL_URL, "--branch", "main"]

# id -> (create arguments after -n, fragments the error must contain)
CREATE_ERRORS = {
    "misspelled-kustomization-key": (
        [*GIT, "-k", "name=apps", "pathh=./apps"], ["'pathh'", "Did you mean 'path'?"]),
    "bad-duration": ([*GIT, "--interval", "10x"], ["'10x'", "--interval"]),
    "bad-kustomization-duration": ([*GIT, "-k", "name=apps", "timeout=soon"], ["'soon'"]),
    "oci-url-for-git": (["-u", "oci://registry.example.com/org/repo", "--branch", "main"],
                        ["--url", "--kind git", "https://"]),
    "https-url-for-oci": (["--kind", "oci", "-u", "https://registry.example.com/org/repo", "--tag", "v1"],
                          ["--url", "--kind oci", "oci://"]),
    "missing-git-ref": (["-u", TUTORIAL_URL], ["--branch", "--tag", "--semver", "--commit"]),
    "dependency-cycle": ([*GIT, "-k", "name=a", "dependsOn=b", "-k", "name=b", "dependsOn=a"], ["a -> b -> a"]),
}


@pytest.mark.parametrize("case", list(CREATE_ERRORS))
def test_invalid_create_is_refused_before_anything_is_sent(emulator, cluster, case):
    args, fragments = CREATE_ERRORS[case]
    mark = emulator.log_mark()
    result = emulator.az(*FLUX, "create", *cluster["args"], "-n", "bad-input", *args)
    assert_clean_error(result, 1, *fragments)
    assert result.stderr.startswith("ERROR: ") or "\nERROR: " in result.stderr
    assert arm_writes(emulator.requests_since(mark)) == []


def test_unknown_flag_is_a_usage_error(emulator, cluster):
    mark = emulator.log_mark()
    result = emulator.az(*FLUX, "create", *cluster["args"], "-n", "x", *GIT, "--no-such-flag", "1")
    assert_clean_error(result, 2, "unrecognized arguments: --no-such-flag")
    assert arm_writes(emulator.requests_since(mark)) == []


@pytest.mark.parametrize("group_exists", [True, False], ids=["missing-cluster", "missing-group"])
def test_configuration_on_a_missing_cluster_names_the_cluster(emulator, cluster, group_exists):
    name = f"missing-{uuid.uuid4().hex[:8]}"
    group = cluster["group"] if group_exists else f"rg-{name}"
    mark = emulator.log_mark()
    result = emulator.az(*FLUX, "create", "-g", group, "-c", name, "-t", "connectedClusters", "-n", "cfg", *GIT,
                         "-k", "name=infra", "path=./infrastructure")
    assert_clean_error(result, 3, f"connectedClusters/{name}", f"resource group '{group}'", "-c/--cluster-name")
    assert arm_writes(emulator.requests_since(mark)) == []


def test_show_and_delete_of_a_missing_configuration(emulator, cluster):
    shown = emulator.az(*FLUX, "show", *cluster["args"], "-n", "no-such-config")
    assert_clean_error(shown, 3, "no-such-config", "az k8s-configuration flux list")

    deleted = emulator.az(*FLUX, "delete", *cluster["args"], "-n", "no-such-config", "--yes")
    assert deleted.returncode == 0, deleted.stderr
    assert "WARNING:" in deleted.stderr and "no-such-config" in deleted.stderr and "Traceback" not in deleted.stderr
    assert deleted.stdout.strip() == ""

    missing = emulator.az(*FLUX, "kustomization", "show", *cluster["args"], "-n", "no-such-config", "-k", "x")
    assert_clean_error(missing, 3, "no-such-config")


def test_kustomization_dependency_cycles_are_refused_without_writing(emulator, cluster):
    emulator.az(*FLUX, "create", *cluster["args"], "-n", "cycles", *GIT, "--no-wait",
                "-k", "name=infra", "path=./infrastructure",
                "-k", "name=apps", "path=./apps/staging", "dependsOn=infra").ok()
    mark = emulator.log_mark()
    onto_itself = emulator.az(*FLUX, "kustomization", "create", *cluster["args"], "-n", "cycles",
                              "-k", "extra", "--path", "./apps", "--depends", "extra")
    assert_clean_error(onto_itself, 1, "'extra'", "itself")

    two_step = emulator.az(*FLUX, "kustomization", "update", *cluster["args"], "-n", "cycles",
                           "-k", "infra", "--depends", "apps")
    assert_clean_error(two_step, 1, "cycle")
    loop = re.search(r"(\w+) -> (\w+) -> (\w+)", two_step.stderr)
    assert loop and loop.group(1) == loop.group(3) and {loop.group(1), loop.group(2)} == {"infra", "apps"}

    # the only other way to close a loop with `kustomization create` is to re-create an existing one
    existing = emulator.az(*FLUX, "kustomization", "create", *cluster["args"], "-n", "cycles",
                           "-k", "infra", "--depends", "apps")
    assert_clean_error(existing, 1, "'infra' already exists", "kustomization update")

    unknown = emulator.az(*FLUX, "kustomization", "create", *cluster["args"], "-n", "cycles",
                          "-k", "extra", "--depends", "nope")
    assert_clean_error(unknown, 1, "'nope'")
    assert arm_writes(emulator.requests_since(mark)) == []

    config = emulator.az(*FLUX, "kustomization", "list", *cluster["args"], "-n", "cycles").ok().json
    assert set(config) == {"infra", "apps"} and "dependsOn" not in config["infra"]
