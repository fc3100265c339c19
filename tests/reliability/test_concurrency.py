"""Issue item 5: concurrency. 20 parallel `kustomization create` on one configuration all land; parallel creates
of the same configuration name leave one consistent configuration, and every loser fails cleanly."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from .secret_material import TUTORIAL_URL

FLUX = ["k8s-configuration", "flux"]


def _parallel(emulator, commands: list[list[str]], workers: int = 20):
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda argv: emulator.az(*argv), commands))


def _clean(result) -> None:
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    if result.returncode != 0:
        assert result.stderr.startswith("ERROR") or "\nERROR" in result.stderr, result.stderr[-3000:]


@pytest.fixture
def configured(emulator, cluster):
    emulator.az(*FLUX, "create", *cluster["args"], "-n", "cfg", "-u", TUTORIAL_URL, "--branch", "main",
                "--kustomization", "name=infra", "path=./infrastructure").ok()
    return cluster


def test_parallel_kustomization_creates_all_land(emulator, configured):
    cl = configured["args"]
    names = [f"k{i:02d}" for i in range(20)]
    results = _parallel(emulator, [[*FLUX, "kustomization", "create", *cl, "-n", "cfg", "-k", name,
                                    "--path", f"./apps/{name}", "--depends-on", "infra"] for name in names])
    for result in results:
        _clean(result)
    failed = [r.argv[r.argv.index("-k") + 1] for r in results if r.returncode != 0]
    assert not failed, f"kustomization creates failed: {failed}\n{results[0].stderr[-1500:]}"
    shown = emulator.az(*FLUX, "show", *cl, "-n", "cfg").ok().json
    assert set(shown["kustomizations"]) == {"infra", *names}
    assert all(shown["kustomizations"][n]["path"] == f"./apps/{n}" for n in names)
    assert shown["provisioningState"] == "Succeeded"


def test_parallel_creates_of_one_name_stay_consistent(emulator, cluster):
    cl = cluster["args"]
    emulator.az(*FLUX, "create", *cl, "-n", "warmup", "-u", TUTORIAL_URL, "--branch", "main").ok()
    branches = [f"branch-{i}" for i in range(8)]
    results = _parallel(emulator, [[*FLUX, "create", *cl, "-n", "same", "-u", TUTORIAL_URL, "--branch", b,
                                    "-o", "json"] for b in branches])
    for result in results:
        _clean(result)
    winners = [r for r in results if r.returncode == 0]
    assert winners, "no create succeeded"
    listing = emulator.az(*FLUX, "list", *cl).ok().json
    same = [c for c in listing if c["name"] == "same"]
    assert len(same) == 1  # one resource, never duplicated
    final = emulator.az(*FLUX, "show", *cl, "-n", "same").ok().json
    assert final["provisioningState"] == "Succeeded"
    assert final["gitRepository"]["repositoryRef"]["branch"] in branches
    assert set(final["kustomizations"]) == {"kustomization-1"}
