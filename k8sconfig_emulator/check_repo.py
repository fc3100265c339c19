"""`k8sconfig-emulator check-repo DIR --config-file FILE [--diff-from REV] [-o table|json]`.

Checks a GitOps repository against the flux configuration that will apply it, with no server and no Azure:
every kustomization is built as the emulated cluster builds it (check_repo_build), then

* what the emulated cluster checks about the objects (``reconciler.verify``: HelmRelease chart sources,
  versions, valuesFrom, dependsOn, source URLs);
* repository-level checks: one object applied by two kustomizations; a namespaced object whose namespace no
  kustomization creates and the configuration's namespace does not cover (and, as a warning, a namespace
  created by a kustomization the user does not depend on); invalid manifests; the dependsOn graph.

With ``--diff-from REV`` the repository at REV is built too and the objects are compared: added, changed (the
changed fields) and removed, and for each removal whether prune deletes it on the cluster.

Exit codes: 0 no errors (warnings allowed), 1 at least one error, 2 bad usage.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .check_repo_config import CheckConfig, ConfigError, describe, load_config

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
# namespaces every AKS / Arc cluster with the flux extension has, whatever the repository holds
CLUSTER_NAMESPACES = frozenset({"default", "kube-system", "kube-public", "kube-node-lease", "flux-system"})
_FLUX_SOURCE_KINDS = {"GitRepository": "GitRepository", "Bucket": "Bucket", "AzureBlob": "Bucket",
                      "OCIRepository": "OCIRepository"}
_SHORT_DIFF_FIELDS = 3
_SHORT_VALUE = 40
REDACTED = "<redacted>"


class UsageError(Exception):
    """Bad command-line input (exit code 2)."""


def add_parser(commands) -> None:
    """Register the subcommand on the emulator's argparse subparsers."""
    parser = commands.add_parser(
        "check-repo", help="build and check a GitOps repository against a flux configuration (no server, no Azure)",
        description="Build every kustomization of a local GitOps checkout as the emulated cluster would, and report "
                    "build failures, unresolved HelmRelease sources, values and dependencies, objects applied twice, "
                    "missing namespaces, invalid manifests and dependsOn problems. Exit code 0: clean (warnings "
                    "allowed); 1: a check failed; 2: bad usage.")
    parser.add_argument("directory", metavar="DIR", help="the repository checkout (its root is the source root)")
    parser.add_argument("--config-file", required=True, metavar="FILE",
                        help="the flux configuration: a --config-file of 'az k8s-configuration flux create', or the "
                             "output of 'az k8s-configuration flux show -o json'")
    parser.add_argument("--diff-from", metavar="REV",
                        help="also build git revision REV of DIR and show the objects added, changed and removed "
                             "(and which removals prune deletes)")
    parser.add_argument("-o", "--output", choices=["table", "json"], default="table", help="output format")


# -- scratch trees ------------------------------------------------------------------------------------------------

def copy_tree(source: Path, dest: Path) -> None:
    """The checkout's files (not .git) in a scratch directory the builds may write to."""
    shutil.copytree(source, dest, symlinks=True, ignore=shutil.ignore_patterns(".git"))


def export_revision(directory: Path, rev: str, dest: Path, scratch: Path) -> tuple[str, Path]:
    """Write the files of ``rev`` into ``dest`` as the cluster exports a revision; returns (commit id, the tree
    of ``directory`` in it, which is ``dest`` or a subdirectory). Raises UsageError when ``directory`` is not in
    a git checkout or ``rev`` is not a commit."""
    from .reconciler.gitcmd import GitCommandError, git_env, run_git
    from .reconciler.gitsource import TreeTooLarge, export_tree

    env = git_env(None, scratch)
    try:
        git_dir = run_git(["-C", str(directory), "rev-parse", "--absolute-git-dir"], env, 60).strip()
        prefix = run_git(["-C", str(directory), "rev-parse", "--show-prefix"], env, 60).strip()
    except GitCommandError as exc:
        raise UsageError(f"--diff-from needs DIR to be a git checkout: {directory}: {exc.detail}") from None
    try:
        sha = run_git(["--git-dir", git_dir, "rev-parse", "--verify", "--quiet", "--end-of-options",
                       f"{rev}^{{commit}}"], env, 60).strip()
    except GitCommandError:
        sha = ""
    if not sha:
        raise UsageError(f"--diff-from: '{rev}' is not a commit of the repository at {directory} (in a shallow CI "
                         "checkout, fetch more history, e.g. actions/checkout with fetch-depth: 0)")
    try:
        export_tree(Path(git_dir), sha, dest, scratch, 600)
    except (GitCommandError, TreeTooLarge) as exc:
        raise UsageError(f"--diff-from: cannot export revision '{rev}': {getattr(exc, 'detail', exc)}") from None
    return sha, dest.joinpath(*Path(prefix).parts)


# -- checks -------------------------------------------------------------------------------------------------------

def _config_source(config: CheckConfig) -> dict | None:
    """The configuration's own source object, which the cluster has although the repository does not hold it."""
    if not config.name:
        return None
    return {"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": _FLUX_SOURCE_KINDS.get(config.source_kind, "GitRepository"),
            "metadata": {"name": config.name, "namespace": config.namespace}, "spec": {}}


def _owners(build) -> dict[tuple[str, str, str], list]:
    owners: dict[tuple[str, str, str], list] = {}
    for obj in build.objects:
        owners.setdefault((obj.kind, obj.namespace, obj.name), []).append(obj)
    return owners


def verify_findings(build, config: CheckConfig) -> list:
    """What the emulated cluster reports about the objects, named by kustomization and file."""
    from .check_repo_build import ERROR, Finding
    from .reconciler.verify import manifest_of, verify_objects

    source = _config_source(config)
    # what the cluster verifies: its inventory entries in manifest shape (as reconciler.engine does)
    objects = [manifest_of(o.entry) for o in build.objects] + ([source] if source else [])
    owners = _owners(build)
    out = []
    for found in verify_objects(objects):
        if source is not None and (found.kind, found.namespace, found.name) == (
                source["kind"], config.namespace, config.name) and not owners.get((found.kind, found.namespace, found.name)):
            continue  # the configuration's own source: not in the repository
        built = owners.get((found.kind, found.namespace, found.name)) or [None]
        first = built[0]
        out.append(Finding(ERROR, found.reason, first.kustomization if first else "", first.file if first else "",
                           found.kind, found.namespace, found.name, found.message))
    return out


def duplicate_findings(build) -> list:
    from .check_repo_build import ERROR, Finding

    seen: dict[tuple, object] = {}
    out = []
    for obj in build.objects:
        first = seen.setdefault(obj.key, obj)
        if first is obj or first.kustomization == obj.kustomization:
            continue
        out.append(Finding(ERROR, "DuplicateObject", obj.kustomization, obj.file, obj.kind, obj.namespace, obj.name,
                           f"also applied by kustomization '{first.kustomization}' ({first.file}): the two "
                           "kustomizations overwrite each other's copy on every reconcile and pruning one deletes "
                           "the other's object; keep the object in one kustomization"))
    return out


class _Ancestors:
    """Transitive dependsOn of each kustomization (memoised; cycles are reported elsewhere)."""

    def __init__(self, config: CheckConfig):
        self.config = config
        self.memo: dict[str, frozenset[str]] = {}

    def of(self, name: str, visiting: frozenset[str] = frozenset()) -> frozenset[str]:
        if name in self.memo:
            return self.memo[name]
        spec = self.config.kustomizations.get(name)
        out: set[str] = set()
        for dep in spec.depends_on if spec else ():
            if dep in visiting or dep == name:
                continue
            out.add(dep)
            out |= self.of(dep, visiting | {name})
        self.memo[name] = frozenset(out)
        return self.memo[name]


def namespace_findings(build, config: CheckConfig) -> list:
    from .check_repo_build import ERROR, WARNING, Finding

    creators: dict[str, str] = {}
    for obj in build.objects:
        if obj.kind == "Namespace" and not obj.namespace:
            creators.setdefault(obj.name, obj.kustomization)
    covered = CLUSTER_NAMESPACES | {config.namespace}
    ancestors = _Ancestors(config)
    out = []
    for obj in build.objects:
        ns = obj.namespace
        if not ns or ns in covered:
            continue
        creator = creators.get(ns)
        if creator is None:
            out.append(Finding(ERROR, "NamespaceNotFound", obj.kustomization, obj.file, obj.kind, ns, obj.name,
                               f"namespace '{ns}' is not created by any kustomization and is not the configuration's "
                               f"namespace '{config.namespace}': applying it fails with namespaces \"{ns}\" not found; "
                               "add a Namespace manifest (in this kustomization or one it depends on)"))
        elif creator != obj.kustomization and creator not in ancestors.of(obj.kustomization):
            out.append(Finding(WARNING, "NamespaceNotOrdered", obj.kustomization, obj.file, obj.kind, ns, obj.name,
                               f"namespace '{ns}' is created by kustomization '{creator}', which "
                               f"'{obj.kustomization}' does not depend on: its first apply can fail until "
                               f"'{creator}' has run; add dependsOn: [{creator}] to '{obj.kustomization}'"))
    return out


def all_findings(build, config: CheckConfig) -> list:
    severity_rank = {"error": 0, "warning": 1}
    order = {k: i for i, k in enumerate(config.kustomizations)}
    findings = [*build.findings, *verify_findings(build, config), *duplicate_findings(build),
                *namespace_findings(build, config)]
    return sorted(findings, key=lambda f: (severity_rank.get(f.severity, 2), order.get(f.kustomization, -1), f.file))


# -- diff ---------------------------------------------------------------------------------------------------------

def _flatten(value, prefix: str, out: dict) -> dict:
    if isinstance(value, dict) and value:
        for key, item in value.items():
            _flatten(item, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(value, list) and value:
        for index, item in enumerate(value):
            _flatten(item, f"{prefix}[{index}]", out)
    else:
        out[prefix] = value
    return out


def field_changes(before, after) -> list[dict]:
    """[{path, before, after}] of the fields that differ, in manifest order (None: absent on that side).
    A Secret's values are never shown, only that they changed."""
    old, new = _flatten(before.obj, "", {}), _flatten(after.obj, "", {})
    out = []
    if before.kustomization != after.kustomization:
        out.append({"path": "(kustomization)", "before": before.kustomization, "after": after.kustomization})
    hide = before.kind == "Secret"
    for path in [*old, *(p for p in new if p not in old)]:
        if path in old and path in new and old[path] == new[path]:
            continue
        was, now = old.get(path), new.get(path)
        if hide and path.startswith(("data.", "stringData.")):
            was, now = (REDACTED if path in old else None), (REDACTED if path in new else None)
        out.append({"path": path, "before": was, "after": now})
    return out


def _ref(obj) -> dict:
    return {"kustomization": obj.kustomization, "apiVersion": obj.entry["apiVersion"], "kind": obj.kind,
            "namespace": obj.namespace, "name": obj.name, "file": obj.file}


def diff_builds(old, new, config: CheckConfig) -> dict:
    """Objects added, changed and removed from ``old`` to ``new`` as the cluster would see them: a kustomization
    that fails to build in ``new`` is not applied, so its objects stay as they were."""
    held = sorted(new.failed)
    old_map = {o.key: o for o in old.objects if o.kustomization not in new.failed}
    new_map = {o.key: o for o in new.objects if o.kustomization not in new.failed}
    added = [_ref(o) for key, o in new_map.items() if key not in old_map]
    removed, changed = [], []
    for key, before in old_map.items():
        after = new_map.get(key)
        if after is None:
            spec = config.kustomizations.get(before.kustomization)
            prune = bool(spec and spec.prune)
            removed.append({**_ref(before), "pruned": prune,
                            "effect": (f"deleted from the cluster (kustomization '{before.kustomization}' has prune: "
                                       "true)") if prune else
                                      (f"left on the cluster, no longer managed (kustomization "
                                       f"'{before.kustomization}' has prune: false)")})
            continue
        changes = field_changes(before, after)
        if changes:
            changed.append({**_ref(after), "fields": changes})
    return {"added": added, "changed": changed, "removed": removed, "notApplied": held}


# -- rendering ----------------------------------------------------------------------------------------------------

def _table(headers: tuple[str, ...], rows: list[list[str]]) -> str:
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(lines)


def _short(value) -> str:
    text = "(absent)" if value is None else json.dumps(value) if not isinstance(value, str) else value
    return text if len(text) <= _SHORT_VALUE else text[:_SHORT_VALUE - 3] + "..."


def _short_fields(fields: list[dict]) -> str:
    parts = [f"{c['path']}: {_short(c['before'])} -> {_short(c['after'])}" for c in fields[:_SHORT_DIFF_FIELDS]]
    more = len(fields) - _SHORT_DIFF_FIELDS
    return "; ".join(parts) + (f" (+{more} more)" if more > 0 else "")


@dataclass
class Report:
    directory: str
    config: CheckConfig
    build: object
    findings: list
    diff: dict | None = None

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")

    def kustomizations(self) -> list[dict]:
        counts: dict[str, int] = {}
        for obj in self.build.objects:
            counts[obj.kustomization] = counts.get(obj.kustomization, 0) + 1
        return [{"name": k, "path": s.path, "build": "generated" if k in self.build.generated else "kustomize",
                 "objects": counts.get(k, 0), "status": "failed" if k in self.build.failed else "built"}
                for k, s in self.config.kustomizations.items()]

    def to_json(self) -> dict:
        out = {"directory": self.directory, "result": "failed" if self.errors else "passed",
               "errors": self.errors, "warnings": self.warnings, "configuration": describe(self.config),
               "kustomizations": self.kustomizations(), "objects": [_ref(o) for o in self.build.objects],
               "findings": [f.to_json() for f in self.findings]}
        if self.diff is not None:
            out["diff"] = self.diff
        return out

    def to_text(self) -> str:
        name = f"'{self.config.name}'" if self.config.name else "(unnamed)"
        head = (f"Checked {self.directory} against flux configuration {name} (namespace {self.config.namespace}, "
                f"scope {self.config.scope}): {len(self.config.kustomizations)} kustomizations, "
                f"{len(self.build.objects)} objects.")
        parts = [head]
        parts.append(_table(("KUSTOMIZATION", "PATH", "BUILD", "OBJECTS", "STATUS"),
                            [[k["name"], k["path"], k["build"], str(k["objects"]), k["status"]]
                             for k in self.kustomizations()]))
        if self.build.objects:
            parts.append(_table(("KUSTOMIZATION", "KIND", "NAMESPACE", "NAME", "FILE"),
                                [[o.kustomization, o.kind, o.namespace, o.name, o.file] for o in self.build.objects]))
        else:
            parts.append("No objects.")
        if self.diff is not None:
            parts.append(self._diff_text())
        if self.findings:
            parts.append("Findings:\n" + _table(
                ("SEVERITY", "CHECK", "KUSTOMIZATION", "OBJECT", "FILE", "MESSAGE"),
                [[f.severity, f.check, f.kustomization, f.object, f.file, f.message] for f in self.findings]))
        verdict = "FAILED" if self.errors else "passed"
        parts.append(f"Result: {verdict}: {self.errors} error(s), {self.warnings} warning(s).")
        return "\n\n".join(parts) + "\n"

    def _diff_text(self) -> str:
        diff = self.diff or {}
        head = (f"Changes since {diff.get('from')} ({str(diff.get('commit'))[:12]}): {len(diff['added'])} added, "
                f"{len(diff['changed'])} changed, {len(diff['removed'])} removed.")
        rows = [["added", a["kustomization"], a["kind"], a["namespace"], a["name"], a["file"]] for a in diff["added"]]
        rows += [["changed", c["kustomization"], c["kind"], c["namespace"], c["name"], _short_fields(c["fields"])]
                 for c in diff["changed"]]
        rows += [["removed", r["kustomization"], r["kind"], r["namespace"], r["name"], r["effect"]]
                 for r in diff["removed"]]
        text = head
        if rows:
            text += "\n" + _table(("CHANGE", "KUSTOMIZATION", "KIND", "NAMESPACE", "NAME", "DETAIL"), rows)
        if diff["notApplied"]:
            text += ("\nNot compared (they fail to build, so the cluster keeps what they applied before): "
                     + ", ".join(diff["notApplied"]))
        return text


# -- command ------------------------------------------------------------------------------------------------------

def check(directory: Path, config: CheckConfig, diff_from: str | None = None) -> Report:
    """Build and check ``directory`` (and ``diff_from``); raises UsageError for bad input."""
    from .check_repo_build import build_tree

    with tempfile.TemporaryDirectory(prefix="k8sconfig-check-repo-") as scratch_dir:
        scratch = Path(scratch_dir)
        old_build, sha = None, None
        if diff_from is not None:
            sha, old_tree = export_revision(directory, diff_from, scratch / "old", scratch)
            old_build = build_tree(old_tree, config)
        copy_tree(directory, scratch / "new")
        build = build_tree(scratch / "new", config)
    report = Report(str(directory), config, build, all_findings(build, config))
    if old_build is not None:
        report.diff = {"from": diff_from, "commit": sha, **diff_builds(old_build, build, config)}
    return report


def run(args: argparse.Namespace) -> int:
    """The subcommand: print the report; exit code 0, 1 or 2."""
    directory = Path(args.directory)
    try:
        if not directory.is_dir():
            raise UsageError(f"DIR '{args.directory}' is not a directory: give the path of the repository checkout")
        config = load_config(args.config_file)
        report = check(directory, config, args.diff_from)
    except (UsageError, ConfigError) as exc:
        print(f"k8sconfig-emulator check-repo: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.output == "json":
        json.dump(report.to_json(), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(report.to_text())
    return EXIT_FINDINGS if report.errors else EXIT_CLEAN
