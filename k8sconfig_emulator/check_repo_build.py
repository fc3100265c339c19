"""Build every kustomization of a source tree as the emulated cluster does, keeping each object whole and
remembering which file it came from.

The steps are the reconciler's own (``reconciler.kustomize``: path resolution, a generated kustomization
where the directory has none, ``kubectl kustomize`` otherwise; ``reconciler.apply``: postBuild substitution,
namespaces, scope; ``reconciler.ordering``: dependsOn order). Unlike a reconcile, a problem with one object
does not stop the others, so one run reports every problem. kustomize runs of different kustomizations are
independent and run concurrently; everything that depends on order (substituteFrom) runs afterwards, in
dependsOn order.

The tree is written to (generated kustomization.yaml files), so it must be a scratch copy.
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml

from .check_repo_config import CheckConfig, KustomizationSpec
from .reconciler import yamlsafe
from .reconciler.apply import ApplyContext, objects_from_build, resolve_variables
from .reconciler.inventory import find_object
from .reconciler.kustomize import (
    KUSTOMIZATION_FILES,
    MAX_MANIFEST_FILE_BYTES,
    BuildError,
    build,
    build_generated,
    ensure_kustomization,
    resolve_path,
    split_documents,
)
from .reconciler.ordering import order_kustomizations
from .reconciler.substitute import substitute, substitution_disabled
from .reconciler.verify import identity

ERROR, WARNING = "error", "warning"
_YAML_ERRORS = (OSError, UnicodeDecodeError, yaml.YAMLError, yamlsafe.YamlLimitError)
_MANIFEST_SUFFIXES = (".yaml", ".yml")
# ${name} without a default (``$${name}`` is an escaped literal): empty after substitution when name is unset
_PLAIN_VAR_RE = re.compile(r"(?<!\$)\$\{([_a-zA-Z][_a-zA-Z0-9]*)\}")
_QUOTED_RE = re.compile(r"'([^'\s]+)'")


@dataclass(frozen=True)
class Finding:
    """One problem: which check, where (kustomization, file, object) and what to do about it."""

    severity: str  # error | warning
    check: str  # e.g. BuildFailed, InvalidManifest, DuplicateObject, SourceNotFound
    kustomization: str
    file: str  # path inside the repository ("" when it is the configuration itself)
    kind: str
    namespace: str
    name: str
    message: str

    @property
    def object(self) -> str:
        kind = self.kind or "(no kind)"
        return f"{kind}/{self.namespace}/{self.name}" if self.namespace else f"{kind}/{self.name}"

    def to_json(self) -> dict:
        return {"severity": self.severity, "check": self.check, "kustomization": self.kustomization, "file": self.file,
                "object": {"kind": self.kind, "namespace": self.namespace, "name": self.name},
                "message": self.message}


@dataclass
class BuiltObject:
    kustomization: str
    file: str  # the file that defines it, or the kustomization's directory when kustomize made it
    obj: dict  # the whole object after substitution, metadata.namespace set as the cluster sets it
    entry: dict  # the reconciler's inventory entry for it

    @property
    def kind(self) -> str:
        return self.entry["kind"]

    @property
    def namespace(self) -> str:
        return self.entry["namespace"]

    @property
    def name(self) -> str:
        return self.entry["name"]

    @property
    def key(self) -> tuple[str, str, str, str]:
        """The object's identity on a cluster: API group (not version), kind, namespace, name."""
        return str(self.entry["apiVersion"]).rpartition("/")[0], self.kind, self.namespace, self.name


@dataclass
class TreeBuild:
    order: list[str]
    objects: list[BuiltObject] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    failed: set[str] = field(default_factory=set)  # kustomizations the cluster would not apply at all
    generated: set[str] = field(default_factory=set)  # kustomizations built from a generated kustomization


def _rel(path: Path, tree: Path) -> str:
    try:
        return path.relative_to(tree).as_posix() or "."
    except ValueError:
        return str(path)


def _load_docs(file: Path) -> list:
    """The documents of a repository file, with the cluster's bounds (size, alias expansion)."""
    text = file.read_text(encoding="utf-8")
    return [d for d in yamlsafe.load_all(text, MAX_MANIFEST_FILE_BYTES) if d is not None]


def manifest_problem(doc) -> str | None:
    """Why a YAML document is not a Kubernetes object the cluster can apply (None when it is one)."""
    if not isinstance(doc, dict):
        return "the document is not an object"
    missing = [f for f in ("apiVersion", "kind") if not doc.get(f)]
    meta = doc.get("metadata")
    if not isinstance(meta, dict) or not meta.get("name"):
        missing.append("metadata.name")
    return f"missing {', '.join(missing)}" if missing else None


def _looks_like_manifest(doc) -> bool:
    return isinstance(doc, dict) and any(k in doc for k in ("apiVersion", "kind", "metadata"))


class _SourceIndex:
    """Where objects are defined: (kind, name) -> files, for the files a kustomization can reach."""

    def __init__(self, tree: Path):
        self.tree = tree
        self.parsed: dict[Path, list[tuple[str, str, str]]] = {}

    def objects_in(self, file: Path) -> list[tuple[str, str, str]]:
        if file not in self.parsed:
            out = []
            try:
                for doc in _load_docs(file):
                    if manifest_problem(doc) is None:
                        meta = doc["metadata"]
                        out.append((str(doc["kind"]), str(meta.get("namespace") or ""), str(meta["name"])))
            except _YAML_ERRORS:
                pass
            self.parsed[file] = out
        return self.parsed[file]

    def reachable(self, directory: Path, seen: set[Path] | None = None) -> list[Path]:
        """Manifest files listed (directly or through other kustomizations) by ``directory``'s kustomization."""
        seen = set() if seen is None else seen
        if directory in seen:
            return []
        seen.add(directory)
        kfile = next((directory / n for n in KUSTOMIZATION_FILES if (directory / n).is_file()), None)
        if kfile is None:
            return []
        try:
            doc = yamlsafe.load(kfile.read_text(encoding="utf-8"))
        except _YAML_ERRORS:
            return []
        out: list[Path] = []
        for key in ("resources", "bases", "components"):
            for item in (doc or {}).get(key) or [] if isinstance(doc, dict) else []:
                if not isinstance(item, str) or "://" in item or item.startswith(("github.com/", "git@")):
                    continue
                target = (directory / item).resolve()
                if not target.is_relative_to(self.tree):
                    continue
                if target.is_dir():
                    out += self.reachable(target, seen)
                elif target.is_file():
                    out.append(target)
        return out

    def lookup(self, files: list[Path]) -> dict[tuple[str, str], list[tuple[str, Path]]]:
        """(kind, name) -> [(namespace as written, file)] over ``files``."""
        out: dict[tuple[str, str], list[tuple[str, Path]]] = {}
        for file in files:
            for kind, namespace, name in self.objects_in(file):
                out.setdefault((kind, name), []).append((namespace, file))
        return out


@dataclass
class _Prepared:
    spec: KustomizationSpec
    directory: Path | None = None
    generated: list[str] | None = None  # resources of a generated kustomization
    output: str | None = None
    error: str | None = None
    error_file: str = ""
    error_check: str = "BuildFailed"


class _Builder:
    def __init__(self, tree: Path, config: CheckConfig):
        self.tree = tree
        self.config = config
        self.index = _SourceIndex(tree.resolve())
        arm = {k: s.arm() for k, s in config.kustomizations.items()}
        order, problems = order_kustomizations(arm)
        self.result = TreeBuild(order)
        for k, problem in problems.items():
            check = "DependencyCycle" if problem.startswith("circular") else "DependencyNotFound"
            self.finding(ERROR, check, k, config.path, "", "", "", f"{problem} (dependsOn of kustomization '{k}' in "
                                                                    "the configuration)")
            self.result.failed.add(k)
        self.inventory: list[dict] = []

    def finding(self, severity: str, check: str, k: str, file: str, kind: str, ns: str, name: str, message: str) -> None:
        """Record a finding; without an object it is about the kustomization itself (its Flux Kustomization)."""
        if not kind and not name:
            kind, ns, name = self.config.kustomization_object(k)
        self.result.findings.append(Finding(severity, check, k, file, kind, ns, name, message))

    # -- phase 1: paths and generated kustomizations (sequential: it writes into the tree) ----------------------
    def prepare(self, k: str) -> _Prepared:
        spec = self.config.kustomizations[k]
        prep = _Prepared(spec)
        try:
            prep.directory = resolve_path(self.tree, spec.path)
            prep.generated = ensure_kustomization(prep.directory, tree=self.tree)
            if prep.generated is not None:
                self.result.generated.add(k)
                self.skipped_files(k, prep.directory, prep.generated)
                prep.output = build_generated(prep.directory, prep.generated)
        except BuildError as exc:
            prep.error = str(exc)
            if prep.generated:
                self.invalid_listed_file(prep)
        except (OSError, UnicodeDecodeError) as exc:
            prep.error = f"kustomize build failed: {exc}"
        return prep

    def skipped_files(self, k: str, directory: Path, listed: list[str]) -> None:
        """YAML files a generated kustomization leaves out because they are not valid manifests."""
        taken = set(listed) | {"kustomization.yaml"}
        for path in sorted(directory.rglob("*")):
            rel = path.relative_to(directory)
            if path.suffix not in _MANIFEST_SUFFIXES or not path.is_file() or rel.as_posix() in taken:
                continue
            if any(part.startswith(".") for part in rel.parts) or any(
                    str(PurePosixPath(*rel.parts[:i])) in taken for i in range(1, len(rel.parts))):
                continue  # hidden, or inside a listed directory with its own kustomization
            file = _rel(path, self.tree)
            try:
                docs = _load_docs(path)
            except _YAML_ERRORS as exc:
                mark = getattr(exc, "problem_mark", None)
                why = str(exc) if isinstance(exc, yamlsafe.YamlLimitError) else "not valid YAML" + (
                    f" at line {mark.line + 1}" if mark else "")
                self.finding(ERROR, "InvalidManifest", k, file, "", "", "",
                             f"{why}: the generated kustomization leaves the whole file out, so nothing in it is "
                             "applied")
                continue
            for doc in docs:
                problem = manifest_problem(doc)
                if problem and _looks_like_manifest(doc):
                    self.finding(ERROR, "InvalidManifest", k, file, *identity(doc),
                                 f"{problem}: the generated kustomization leaves the whole file out, so nothing in "
                                 "it is applied")

    def invalid_listed_file(self, prep: _Prepared) -> None:
        """Point a failed generated build at the first listed file holding an object the cluster cannot apply."""
        for rel in prep.generated or []:
            path = prep.directory / rel
            try:
                problems = [manifest_problem(d) for d in _load_docs(path)] if path.is_file() else []
            except _YAML_ERRORS:
                continue
            problem = next((p for p in problems if p), None)
            if problem:
                prep.error_file, prep.error_check = _rel(path, self.tree), "InvalidManifest"
                prep.error = f"{problem}: the kustomization cannot be built ({prep.error})"
                return

    # -- phase 2: kustomize runs (concurrent) ---------------------------------------------------------------------
    def run_kustomize(self, prep: _Prepared) -> None:
        try:
            prep.output = build(prep.directory, self.tree, prep.spec.timeout_seconds)
        except BuildError as exc:
            prep.error = str(exc)
            if prep.directory is not None:
                prep.error_file = self.file_in_message(prep.error, prep.directory)

    def file_in_message(self, message: str, directory: Path) -> str:
        """The innermost repository file a kustomize error names (relative to the tree or to ``directory``)."""
        tree = self.tree.resolve()
        found = ""
        for quoted in _QUOTED_RE.findall(message):
            if not quoted.endswith(_MANIFEST_SUFFIXES):
                continue
            for base in (tree, directory.resolve()):
                path = (base / quoted).resolve()
                if path.is_relative_to(tree) and (path.is_file() or path.parent.is_dir()):
                    found = _rel(path, tree)
                    break
        return found

    # -- phase 3: objects, in dependsOn order ---------------------------------------------------------------------
    def variables(self, k: str, spec: KustomizationSpec) -> dict[str, str] | None:
        if not spec.post_build:
            return None
        post_build = dict(spec.post_build)
        refs = []
        for ref in post_build.get("substituteFrom") or []:
            if not ref.get("optional") and find_object(self.inventory, ref["kind"], self.config.namespace, ref["name"]) is None:
                self.finding(WARNING, "SubstituteFromNotFound", k, self.config.path, ref["kind"], self.config.namespace, ref["name"],
                             f"postBuild.substituteFrom: no kustomization applied before '{k}' creates {ref['kind']} "
                             f"'{self.config.namespace}/{ref['name']}'; it must already exist on the cluster (or add "
                             "dependsOn on the kustomization that creates it); its variables are left empty here")
                ref = {**ref, "optional": True}
            refs.append(ref)
        post_build["substituteFrom"] = refs
        return resolve_variables(post_build, self.inventory, self.config.namespace)

    def objects(self, k: str, prep: _Prepared) -> None:
        spec = prep.spec
        where = _rel(prep.directory, self.tree) if prep.directory is not None else spec.path
        try:
            variables = self.variables(k, spec)
        except BuildError as exc:
            self.finding(ERROR, "BuildFailed", k, self.config.path, "", "", "", f"postBuild: {exc}")
            self.result.failed.add(k)
            return
        ctx = ApplyContext(self.config.name, self.config.namespace, self.config.scope, self.config.source_kind,
                           k, variables)
        files = self.source_files(prep)
        for doc in split_documents(prep.output or ""):
            try:
                obj = yamlsafe.load(doc)
            except (yaml.YAMLError, yamlsafe.YamlLimitError) as exc:
                self.finding(ERROR, "InvalidManifest", k, where, "", "", "", f"build output is not valid YAML: {exc}")
                self.result.failed.add(k)
                continue
            problem = manifest_problem(obj)
            if problem:
                self.finding(ERROR, "InvalidManifest", k, where, *identity(obj), f"{problem} in the build output")
                self.result.failed.add(k)
                continue
            self.add_object(k, doc, obj, ctx, files, where)

    def add_object(self, k: str, doc: str, obj: dict, ctx: ApplyContext, files: dict, where: str) -> None:
        meta = obj["metadata"]
        kind, name = str(obj["kind"]), str(meta["name"])
        file = self.locate(files, kind, str(meta.get("namespace") or ""), name) or where
        try:
            entry = objects_from_build(doc, ctx, [])[0]
            substituted = ctx.variables is not None and not substitution_disabled(obj)
            if substituted:
                obj = yamlsafe.load(substitute(doc, ctx.variables))
        except BuildError as exc:
            self.finding(ERROR, "BuildFailed", k, file, kind, str(meta.get("namespace") or ""), name, str(exc))
            self.result.failed.add(k)
            return
        obj["metadata"]["namespace"] = entry["namespace"]
        unset = sorted({v for v in _PLAIN_VAR_RE.findall(doc) if v not in ctx.variables}) if substituted else []
        if unset:
            self.finding(WARNING, "UnsetVariable", k, file, kind, entry["namespace"], entry["name"],
                         f"postBuild has no value for {', '.join('${' + v + '}' for v in unset)}: Flux substitutes "
                         "an empty string; set it in substitute/substituteFrom, give a default (${var:=value}) or "
                         "escape a literal as $${var}")
        self.inventory.append(entry)
        self.result.objects.append(BuiltObject(k, file, obj, entry))

    def source_files(self, prep: _Prepared) -> dict:
        if prep.directory is None:
            return {}
        if prep.generated is not None:
            return self.index.lookup([(prep.directory / rel).resolve() for rel in prep.generated])
        return self.index.lookup(self.index.reachable(prep.directory.resolve()))

    def locate(self, files: dict, kind: str, namespace: str, name: str) -> str | None:
        """The file defining the object: same kind and name, the same namespace preferred (kustomize may set it)."""
        candidates = files.get((kind, name)) or []
        exact = [f for ns, f in candidates if ns == namespace]
        found = exact or [f for _, f in candidates]
        return _rel(found[0], self.index.tree) if found else None

    def run(self, jobs: int) -> TreeBuild:
        prepared = {k: self.prepare(k) for k in self.result.order}
        pending = [p for p in prepared.values() if p.error is None and p.output is None]
        if len(pending) > 1 and jobs > 1:
            with ThreadPoolExecutor(max_workers=min(jobs, len(pending))) as pool:
                list(pool.map(self.run_kustomize, pending))
        else:
            for prep in pending:
                self.run_kustomize(prep)
        for k in self.result.order:
            prep = prepared[k]
            if prep.error is not None:
                file = prep.error_file or (_rel(prep.directory, self.tree) if prep.directory else prep.spec.path)
                self.finding(ERROR, prep.error_check, k, file, "", "", "", prep.error)
                self.result.failed.add(k)
                continue
            self.objects(k, prep)
        return self.result


def build_tree(tree: Path, config: CheckConfig, *, jobs: int | None = None) -> TreeBuild:
    """Build every kustomization of ``config`` from the scratch tree ``tree``."""
    return _Builder(tree, config).run(jobs or min(8, os.cpu_count() or 2))
