"""Issue item 2: random `flux create/update` flag combinations through the real command table, in process.
Every run ends in success or one clean az error (azclierror / knack CLIError / argparse usage error), never a
crash or a traceback. Offline --dry-run for create; --dry-run against the emulator for update (it reads the
existing configuration); a small sample of real writes against the emulator."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings

from . import inproc
from .flag_combos import combos, make_files

FLUX = ["k8s-configuration", "flux"]
SETTINGS = {"deadline": None, "database": None, "suppress_health_check": list(HealthCheck)}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return make_files(tmp_path_factory.mktemp("flag-files"))


@pytest.fixture(scope="module")
def offline(tmp_path_factory):
    return inproc.offline_env(tmp_path_factory.mktemp("azconfig-offline"))


@pytest.fixture(scope="module")
def target(emulator):
    """A cluster with an existing git configuration 'cfg' (module-wide: update dry runs only read it)."""
    import uuid
    suffix = uuid.uuid4().hex[:8]
    group, name = f"rg-fz-{suffix}", f"arc-fz-{suffix}"
    emulator.add_cluster(name, group)
    args = ["-g", group, "-c", name, "-t", "connectedClusters"]
    emulator.az(*FLUX, "create", *args, "-n", "cfg", "-u", "https://github.com/Azure/gitops-flux2-kustomize-helm-mt",
                "--branch", "main", "--kustomization", "name=infra", "path=./infrastructure").ok()
    return args


def _check(argv, outcome: inproc.Outcome, counts: dict, dry_run: bool) -> None:
    assert outcome.kind in ("ok", "az-error"), outcome.describe(argv)
    assert "Traceback" not in outcome.stderr, outcome.describe(argv)
    if outcome.kind == "ok" and dry_run:
        request = json.loads(outcome.stdout)
        assert request["method"] in ("PUT", "PATCH") and isinstance(request["body"], dict), outcome.stdout
    if outcome.kind == "az-error":
        # a clean error carries a message (argparse usage errors, exit code 2, carry no exception object)
        assert outcome.exit_code == 2 or str(outcome.exception).strip(), outcome.describe(argv)
    counts[outcome.kind] += 1


def _fuzz(command: str, cluster_args: list[str], env: dict, files: dict, examples: int, dry_run=True) -> dict:
    counts = {"ok": 0, "az-error": 0}

    @settings(max_examples=examples, **SETTINGS)
    @given(combos(command, files))
    def body(tail):
        argv = [*FLUX, command, *cluster_args, *tail] + (["--dry-run"] if dry_run else ["--yes"] * (command == "update"))
        _check(argv, inproc.run(argv, env), counts, dry_run)

    body()
    return counts


OFFLINE_CLUSTER = ["-g", "rg1", "-c", "arc1", "-t", "connectedClusters"]


def test_create_flag_combinations_dry_run(offline, files):
    counts = _fuzz("create", OFFLINE_CLUSTER, offline, files, 100)
    assert counts["az-error"] > 0, counts


def test_update_flag_combinations_dry_run(emulator, target, files):
    counts = _fuzz("update", target, emulator.env, files, 30)
    assert counts["az-error"] > 0, counts


def test_real_writes_sample(emulator, cluster, files):
    """A few combinations sent for real: each succeeds or fails cleanly, and the configuration stays readable."""
    from hypothesis import strategies as st
    safe = combos("update", files, max_flags=4).filter(
        lambda tail: not {"--url", "--kind", "--config-file"} & set(tail))
    counts = {"ok": 0, "az-error": 0}
    emulator.az(*FLUX, "create", *cluster["args"], "-n", "cfg", "-u",
                "https://github.com/Azure/gitops-flux2-kustomize-helm-mt", "--branch", "main").ok()

    @settings(max_examples=6, **SETTINGS)
    @given(safe, st.sampled_from(["update", "create"]))
    def body(tail, command):
        argv = [*FLUX, command, *cluster["args"], *tail]
        if command == "create":
            argv += ["-u", "https://github.com/Azure/gitops-flux2-kustomize-helm-mt", "--branch", "main"]
        _check(argv, inproc.run(argv + ["--yes"] * (command == "update"), emulator.env), counts, dry_run=False)

    body()
    shown = emulator.az(*FLUX, "show", *cluster["args"], "-n", "cfg").ok().json
    assert shown["provisioningState"] in ("Succeeded", "Updating", "Creating"), shown


@pytest.mark.slow
def test_flag_combinations_long(offline, emulator, target, files):
    create = _fuzz("create", OFFLINE_CLUSTER, offline, files, 700)
    update = _fuzz("update", target, emulator.env, files, 300)
    assert sum(create.values()) + sum(update.values()) >= 1000
