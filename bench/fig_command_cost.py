"""Figure 1: what a flux command costs compared with an `az group` command against the same emulator,
and the import time of the extension (`python -X importtime`), cold (no bytecode) and warm.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import REPO, Emulator, Row, Section, median, ms, ratio, temp_workdir

# What az imports for any `az k8s-configuration ...` command: the loader, help, params and command table.
EXTENSION_IMPORTS = ("azext_k8s_configuration", "azext_k8s_configuration._params",
                     "azext_k8s_configuration.commands", "azext_k8s_configuration.custom")
PACKAGE = "azext_k8s_configuration"


def _interleaved(emu: Emulator, pairs: dict[str, tuple[list[str], list[str]]], runs: int) -> dict:
    """Median wall time of each (ours, baseline) pair, runs alternated so drift hits both equally."""
    import time
    times: dict[str, tuple[list[float], list[float]]] = {k: ([], []) for k in pairs}
    for key, (ours, base) in pairs.items():  # warm-up: command index, token cache, pyc files
        emu.az(*ours)
        emu.az(*base)
    for i in range(runs):
        for key, (ours, base) in pairs.items():
            order = [(0, ours), (1, base)] if i % 2 == 0 else [(1, base), (0, ours)]
            for slot, argv in order:
                start = time.perf_counter()
                emu.az(*argv)
                times[key][slot].append(time.perf_counter() - start)
    return {k: (median(a), median(b)) for k, (a, b) in times.items()}


def command_rows(runs: int) -> list[Row]:
    with temp_workdir("cost") as tmp, Emulator(Path(tmp)) as emu:
        cluster = emu.add_cluster()
        emu.az("k8s-configuration", "flux", "create", *cluster["args"], "-n", "cost", "-u",
               "https://github.com/Azure/gitops-flux2-kustomize-helm-mt", "--branch", "main",
               "--kustomization", "name=infra", "path=./infrastructure", "-o", "none")
        pairs = {
            "list": (["k8s-configuration", "flux", "list", *cluster["args"], "-o", "json"],
                     ["group", "list", "-o", "json"]),
            "show": (["k8s-configuration", "flux", "show", *cluster["args"], "-n", "cost", "-o", "json"],
                     ["group", "show", "-n", cluster["group"], "-o", "json"]),
        }
        result = _interleaved(emu, pairs, runs)
    rows = []
    for key, (ours, base) in result.items():
        r = ours / base if base else float("inf")
        flag = "" if r <= 1.05 else " ABOVE the 1.05 target"
        rows.append(Row(f"1. `az k8s-configuration flux {key}` vs `az group {key}` (wall, median of {runs})",
                        ms(ours), ms(base), ratio(ours, base), f"same emulator, interleaved runs{flag}"))
    return rows


# -- import time ------------------------------------------------------------------------------------
def parse_importtime(stderr: str) -> list[tuple[int, int, int, str]]:
    """(self_us, cumulative_us, depth, module) per `-X importtime` line, in print order."""
    out = []
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cum_us, name = line.split(":", 1)[1].split("|")
        depth = (len(name) - len(name.lstrip(" ")) - 1) // 2
        out.append((int(self_us), int(cum_us), depth, name.strip()))
    return out


def extension_cost(entries: list[tuple[int, int, int, str]]) -> tuple[int, list[tuple[int, str]]]:
    """Total µs spent importing what the extension pulled in, and the biggest self times inside it.

    A top-level line (depth 0) and the deeper lines printed before it form one import tree; trees whose
    root is one of the extension's modules are counted.
    """
    total, members, pending = 0, [], []
    for self_us, cum_us, depth, name in entries:
        pending.append((self_us, name))
        if depth == 0:
            if name.split(".")[0] == PACKAGE:
                total += cum_us
                members.extend(pending)
            pending = []
    members.sort(reverse=True)
    return total, members[:4]


def _import_once(env: dict, cwd: Path) -> tuple[int, list[tuple[int, str]]]:
    code = "import azure.cli.core, azure.cli.core.commands; " + "; ".join(f"import {m}" for m in EXTENSION_IMPORTS)
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True,
                          env=env, cwd=str(cwd), check=True)
    return extension_cost(parse_importtime(proc.stderr))


def import_rows(runs: int) -> list[Row]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    with tempfile.TemporaryDirectory(prefix="k8sconfig-bench-import-") as tmp:
        cold_root = Path(tmp)  # a copy without __pycache__; PYTHONDONTWRITEBYTECODE keeps it cold
        shutil.copytree(REPO / PACKAGE, cold_root / PACKAGE, ignore=shutil.ignore_patterns("__pycache__"))
        cold_env = {**env, "PYTHONDONTWRITEBYTECODE": "1"}
        _import_once(cold_env, cold_root)  # warm-up of the OS file cache and the dependencies' bytecode
        cold = [_import_once(cold_env, cold_root) for _ in range(runs)]
    _import_once(env, REPO)  # writes the bytecode
    warm = [_import_once(env, REPO) for _ in range(runs)]
    cold_us = median([c[0] for c in cold])
    warm_us = median([w[0] for w in warm])
    top = ", ".join(f"{name} {us / 1000:.1f} ms" for us, name in warm[-1][1])
    return [Row(f"1. import of the extension's command modules, cold (no bytecode), median of {runs}",
                f"{cold_us / 1000:.0f} ms", f"{warm_us / 1000:.0f} ms (warm)", ratio(cold_us, warm_us),
                "azure.cli.core preloaded, as in az; baseline = warm import"),
            Row(f"1. import of the extension's command modules, warm, median of {runs}", f"{warm_us / 1000:.0f} ms",
                notes=f"dominated by (self time): {top}")]


def run(quick: bool = False) -> Section:
    runs = 2 if quick else 7
    section = Section("1. Command cost and import time")
    section.rows += command_rows(runs)
    section.rows += import_rows(2 if quick else 5)
    for row in section.rows:
        if "ABOVE" in row.notes:
            section.problems.append(f"{row.figure}: ratio {row.ratio} is above 1.05")
    return section
