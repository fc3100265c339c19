"""Figure 1: what a flux command costs compared with an `az group` command against the same emulator; the import
time of the extension's command modules (`python -X importtime`), cold (no bytecode) and warm; what a whole
`flux show` imports (SDK client modules included) against `az group show`; and the extension's installed size.
"""
from __future__ import annotations

import email
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from bench.common import (
    BIN,
    REPO,
    Emulator,
    Row,
    Section,
    median,
    ms,
    ratio,
    temp_workdir,
)

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
    rows = []
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
        rows += command_import_rows(emu, pairs["show"], max(1, runs // 2))
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


def _command_imports(emu: Emulator, argv: list[str]) -> dict[str, int]:
    """module -> self µs of every import the real `az ARGV` made (PYTHONPROFILEIMPORTTIME, bytecode warm)."""
    proc = subprocess.run([str(BIN / "az"), *argv, "--only-show-errors"], capture_output=True, text=True,
                          env={**emu.env, "PYTHONPROFILEIMPORTTIME": "1"}, stdin=subprocess.DEVNULL, timeout=300,
                          check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"az {' '.join(argv)} failed: {proc.stderr.strip()[-800:]}")
    return {name: self_us for self_us, _, _, name in parse_importtime(proc.stderr)}


def _group(module: str) -> str:
    if module.split(".")[0] == PACKAGE:
        return "extension"
    if module.startswith("azure.mgmt.kubernetesconfiguration"):
        return "KubernetesConfiguration SDK"
    return "other (azure-core, azure-mgmt-core, stdlib, ...)"


def command_import_rows(emu: Emulator, pair: tuple[list[str], list[str]], runs: int) -> list[Row]:
    """Everything `az k8s-configuration flux show` imports against `az group show` in the same run; and what only
    the flux command imports (the extension plus the SDK client modules its providers load), by group."""
    ours_argv, base_argv = pair
    ours = [_command_imports(emu, ours_argv) for _ in range(runs)]
    base = [_command_imports(emu, base_argv) for _ in range(runs)]
    ours_total, base_total = median([sum(o.values()) for o in ours]), median([sum(b.values()) for b in base])
    extra_groups: dict[str, list[float]] = {}
    extra_counts = []
    for o, b in zip(ours, base):
        extra = {m: us for m, us in o.items() if m not in b}
        extra_counts.append(len(extra))
        for group in {_group(m) for m in extra} | {"extension"}:
            extra_groups.setdefault(group, []).append(sum(us for m, us in extra.items() if _group(m) == group))
    extra_total = median([sum(values[i] for values in extra_groups.values()) for i in range(len(ours))])
    split = ", ".join(f"{group} {median(values) / 1000:.0f} ms" for group, values in sorted(extra_groups.items()))
    return [Row(f"1. imports of a whole `az k8s-configuration flux show` vs `az group show` (sum of self times, "
                f"median of {runs})", f"{ours_total / 1000:.0f} ms", f"{base_total / 1000:.0f} ms",
                ratio(ours_total, base_total), "PYTHONPROFILEIMPORTTIME on the real az, bytecode warm, same emulator"),
            Row(f"1. imports only `flux show` makes ({median(extra_counts):.0f} modules), median of {runs}",
                f"{extra_total / 1000:.0f} ms", f"{ours_total / 1000:.0f} ms (all of flux show)",
                ratio(extra_total, ours_total), f"by group: {split}")]


# -- installed size ---------------------------------------------------------------------------------
def _tree_bytes(root: Path) -> int:
    return sum(p.lstat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _requirements(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = email.message_from_bytes(archive.read(name))
    return [r for r in metadata.get_all("Requires-Dist") or [] if "extra ==" not in r]


def installed_size_rows() -> list[Row]:
    """`az extension add --source` of the wheel built from this checkout into an empty extension dir; the
    extension's own package is the baseline (ratio: how much the dependencies it brings add)."""
    with tempfile.TemporaryDirectory(prefix="k8sconfig-bench-size-") as tmp:
        root = Path(tmp)
        subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(root / "dist"), str(REPO)],
                       check=True, capture_output=True, timeout=600)
        (wheel,) = (root / "dist").glob("*.whl")
        wheels = root / "wheels"  # dependencies fetched first (pip's cache), so `az extension add` runs offline
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "-d", str(wheels), *_requirements(wheel)],
                       check=True, capture_output=True, timeout=600)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "IDENTITY_"))}
        env.update(AZURE_CONFIG_DIR=str(root / "az"), AZURE_EXTENSION_DIR=str(root / "extensions"),
                   AZURE_CORE_COLLECT_TELEMETRY="false", PIP_NO_INDEX="1", PIP_FIND_LINKS=str(wheels))
        subprocess.run([str(BIN / "az"), "extension", "add", "--source", str(wheel), "--yes"], check=True,
                       capture_output=True, env=env, timeout=600, stdin=subprocess.DEVNULL)
        installed = root / "extensions" / "k8s-configuration"
        total, own = _tree_bytes(installed), _tree_bytes(installed / PACKAGE)
        parts = {}
        for top in installed.iterdir():
            if top.is_dir() and top.name != PACKAGE and not top.name.endswith(".dist-info"):
                for sub in ([top] if top.name != "azure" else [d for d in (top / "mgmt").rglob("*")
                                                                 if d.parent.name in ("mgmt", "kubernetesconfiguration")
                                                                 and d.is_dir()]):
                    parts[sub.relative_to(installed).as_posix()] = _tree_bytes(sub)
        biggest = sorted(((b, n) for n, b in parts.items() if n != "azure/mgmt/kubernetesconfiguration"), reverse=True)[:4]
        top = ", ".join(f"{n} {b / 2**20:.1f} MiB" for b, n in biggest)
    return [Row("1. installed size (`az extension add --source` of the wheel, bytes of files)",
                f"{total / 2**20:.1f} MiB", f"{own / 2**20:.2f} MiB (the extension's own package)",
                ratio(total, own), f"largest dependencies: {top}")]


def run(quick: bool = False) -> Section:
    runs = 2 if quick else 7
    section = Section("1. Command cost and import time")
    section.rows += command_rows(runs)
    section.rows += import_rows(2 if quick else 5)
    if not quick:  # builds and installs the wheel (pip): minutes on a slow machine, and test_wheel.py covers it
        section.rows += installed_size_rows()
    for row in section.rows:
        if "ABOVE" in row.notes:
            section.problems.append(f"{row.figure}: ratio {row.ratio} is above 1.05")
    return section
