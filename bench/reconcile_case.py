"""One reconciler measurement in its own process (so peak RSS belongs to this case only).

`python -m bench.reconcile_case demo|kustomizations|kustomize|manifests N --workdir DIR --runs R` prints JSON:
{"times": [...seconds], "peak_rss_kib": int, "baseline_rss_kib": int, "compliance": str, "objects": int,
 "kustomize_runs": runs of the kustomize binary per reconcile, "kustomize_tool": "kubectl kustomize" or similar}
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.common import DEMO, commit_all, make_git_repo

NOW = datetime(2025, 5, 1, 12, 0, 0, tzinfo=UTC)
CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: bench\ndata:\n  key: \"{name}\"\n"


def demo_repo(root: Path) -> tuple[Path, dict]:
    repo = make_git_repo(root / "repo", DEMO)
    return repo, {"infra": {"path": "./infrastructure", "prune": True},
                  "apps": {"path": "./apps/staging", "prune": True, "dependsOn": ["infra"]}}


def kustomizations_repo(root: Path, count: int) -> tuple[Path, dict]:
    """`count` directories, each with two ConfigMaps and its own kustomization."""
    repo = root / "repo"
    for i in range(count):
        d = repo / f"k{i}"
        d.mkdir(parents=True)
        for j in range(2):
            (d / f"cm{j}.yaml").write_text(CONFIGMAP.format(name=f"k{i}-cm{j}"))
    make_git_repo(repo, None)
    return repo, {f"k{i}": {"path": f"./k{i}", "prune": True} for i in range(count)}


def kustomize_repo(root: Path, count: int) -> tuple[Path, dict]:
    """Like kustomizations_repo, but every directory has its own kustomization.yaml, so every kustomization is
    built by `kubectl kustomize` (or `kustomize build`), as Flux's kustomize-controller would."""
    repo, kustomizations = kustomizations_repo(root, count)
    for name in kustomizations:
        (repo / name / "kustomization.yaml").write_text(
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- cm0.yaml\n- cm1.yaml\n")
    commit_all(repo, "own kustomization.yaml files")
    return repo, kustomizations


def manifests_repo(root: Path, count: int) -> tuple[Path, dict]:
    """One kustomization over a directory of `count` single-object manifest files."""
    repo = root / "repo"
    big = repo / "manifests"
    big.mkdir(parents=True)
    for i in range(count):
        (big / f"cm{i:05d}.yaml").write_text(CONFIGMAP.format(name=f"cm{i:05d}"))
    make_git_repo(repo, None)
    return repo, {"all": {"path": "./manifests", "prune": True}}


def config(url: str, kustomizations: dict) -> dict:
    return {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/c/providers/"
                  "Microsoft.KubernetesConfiguration/fluxConfigurations/bench",
            "name": "bench", "type": "Microsoft.KubernetesConfiguration/fluxConfigurations",
            "properties": {"scope": "cluster", "namespace": "flux-system", "sourceKind": "GitRepository",
                           "suspend": False,
                           "gitRepository": {"url": url, "repositoryRef": {"branch": "main"},
                                             "syncIntervalInSeconds": 600, "timeoutInSeconds": 600},
                           "kustomizations": kustomizations, "configurationProtectedSettings": {}}}


BUILDERS = {"demo": lambda root, n: demo_repo(root), "kustomizations": kustomizations_repo,
            "kustomize": kustomize_repo, "manifests": manifests_repo}


def count_kustomize_runs() -> list[int]:
    """Count the reconciler's runs of the kustomize binary (`kubectl kustomize` / `kustomize build`); kustomizations
    of plain manifests without a kustomization.yaml are built in-process and not counted."""
    from k8sconfig_emulator.reconciler import engine
    runs = [0]
    real_build = engine.build

    def counting_build(*args, **kwargs):
        runs[0] += 1
        return real_build(*args, **kwargs)

    engine.build = counting_build
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.reconcile_case")
    parser.add_argument("case", choices=sorted(BUILDERS))
    parser.add_argument("size", type=int, nargs="?", default=0)
    parser.add_argument("--workdir", required=True, type=Path)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args(argv)

    from k8sconfig_emulator.reconciler import ReconcilerSettings, reconcile
    from k8sconfig_emulator.reconciler.kustomize import kustomize_command

    repo, kustomizations = BUILDERS[args.case](args.workdir, args.size)
    settings = ReconcilerSettings(cache_dir=args.workdir / "cache")
    cfg = config(str(repo), kustomizations)
    first = dict(list(kustomizations.items())[:1])
    reconcile(config(str(repo), first), None, None, NOW, settings)  # warm-up: git cache, imports, one build
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kustomize_runs = count_kustomize_runs()
    times, status, state = [], {}, {}
    for _ in range(args.runs):
        start = time.perf_counter()
        status, state = reconcile(cfg, None, None, NOW, settings)  # a first reconcile, git cache warm
        times.append(time.perf_counter() - start)
    json.dump({"times": times, "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
               "baseline_rss_kib": baseline, "compliance": status.get("complianceState"),
               "error": status.get("errorMessage"), "objects": len(state.get("inventory") or []),
               "kustomize_runs": kustomize_runs[0] // max(1, args.runs),
               "kustomize_tool": " ".join(Path(part).name for part in (kustomize_command() or ["none"]))}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
