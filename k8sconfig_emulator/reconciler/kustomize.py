"""Build a kustomization directory with ``kustomize build`` or ``kubectl kustomize`` and split the output."""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path, PurePosixPath

import yaml

from . import confine, proc, yamlsafe

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
_MANIFEST_SUFFIXES = (".yaml", ".yml")
_DOC_SPLIT_RE = re.compile(r"^---[ \t]*$", re.MULTILINE)
# kubectl logs through klog: E1127 13:30:49.757252   10667 run.go:72] "command failed" err="..."
_KLOG_RE = re.compile(r'^[EWIF]\d{4} [\d:.]+\s+\d+ \S+\] "[^"]*" err="(?P<err>.*)"\s*$')

MAX_MANIFEST_FILE_BYTES = 16 * 1024 * 1024
MAX_BUILD_OUTPUT = 64 * 1024 * 1024
MAX_GENERATED_RESOURCES = 25_000  # manifest files one generated kustomization may list
# kustomize's legacy output order: these kinds first, in this order; webhooks last; the rest in between
_ORDER_FIRST = ("Namespace", "ResourceQuota", "StorageClass", "CustomResourceDefinition", "ServiceAccount",
                "PodSecurityPolicy", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "ConfigMap", "Secret",
                "Endpoints", "Service", "LimitRange", "PriorityClass", "PersistentVolume", "PersistentVolumeClaim",
                "Deployment", "StatefulSet", "CronJob", "PodDisruptionBudget")
_ORDER_LAST = ("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration")


class BuildError(Exception):
    """The kustomization cannot be built; the message is meant for the user."""


def kustomize_command() -> list[str] | None:
    """``kustomize build`` when that binary is on PATH, else ``kubectl kustomize``, else None."""
    path = os.environ.get("PATH", os.defpath)
    found = shutil.which("kustomize", path=path)
    if found:
        return [found, "build"]
    found = shutil.which("kubectl", path=path)
    if found:
        return [found, "kustomize"]
    return None


def resolve_path(tree: Path, path: str) -> Path:
    """The directory of a kustomization ``path`` inside the source tree, refusing paths that leave it."""
    rel = PurePosixPath(path.strip() or ".")
    if rel.is_absolute() or ".." in rel.parts:
        raise BuildError(f"kustomization path '{path}' must be relative to the repository root and stay inside it")
    target = tree.joinpath(*rel.parts) if rel.parts else tree
    if not target.is_dir():
        raise BuildError(f"kustomization path not found: stat {path}: no such file or directory")
    if not target.resolve().is_relative_to(tree.resolve()):
        raise BuildError(f"kustomization path '{path}' leads out of the repository through a symbolic link")
    return target


def _has_kustomization(directory: Path) -> bool:
    return any((directory / name).is_file() for name in KUSTOMIZATION_FILES)


class Deadline:
    """The time a reconcile step must end by (its timeoutInSeconds), checked between files."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.end:
            raise BuildError(f"kustomize build failed: timed out after {self.seconds:g}s")

    def left(self) -> float:
        return max(self.end - time.monotonic(), 0.1)


def _is_manifest(file: Path, root: Path) -> bool:
    try:
        docs = yamlsafe.load_all(file.read_text(encoding="utf-8"), MAX_MANIFEST_FILE_BYTES)
    except yamlsafe.YamlLimitError as exc:
        raise BuildError(f"{file.relative_to(root).as_posix()}: {exc}") from exc
    except (yaml.YAMLError, UnicodeDecodeError):
        return False
    docs = [d for d in docs if d is not None]
    return bool(docs) and all(isinstance(d, dict) and "apiVersion" in d and "kind" in d for d in docs)


def _inside(entry: Path, root: Path) -> bool:
    """A regular file, or a symbolic link to a file inside ``root`` (links are never followed out of the tree)."""
    if not entry.is_symlink():
        return True
    try:
        return entry.resolve(strict=True).is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # dangling link, or a loop
        return False


def _linked_dir(entry: Path, root: Path, tree: Path, visited: set[Path]) -> Path | None:
    """Where a symbolic link to a directory leads, when it may be walked; raises BuildError for a loop."""
    shown = entry.relative_to(root).as_posix()
    try:
        target = entry.resolve(strict=True)
    except (OSError, RuntimeError) as exc:
        raise BuildError(f"symbolic link '{shown}' cannot be resolved (a link loop?)") from exc
    if not target.is_relative_to(tree.resolve()):
        raise BuildError(f"symbolic link '{shown}' leads out of the repository; links are never followed out of it")
    if entry.parent.resolve().is_relative_to(target):
        where = target.relative_to(tree.resolve()).as_posix()
        raise BuildError(f"symbolic link '{shown}' points back to '{where}', which contains it: a loop; "
                         "remove the link")
    return None if target in visited else target


def _resources(directory: Path, root: Path, tree: Path, deadline: Deadline | None = None,
               visited: set[Path] | None = None) -> list[str]:
    visited = {directory.resolve()} if visited is None else visited
    out: list[str] = []
    for entry in sorted(directory.iterdir(), key=lambda p: p.name):
        if deadline is not None:
            deadline.check()
        if entry.name.startswith("."):
            continue
        if entry.is_symlink() and entry.is_dir():
            target = _linked_dir(entry, root, tree, visited)
            if target is None:
                continue  # already walked through another path
            visited.add(target)
        elif entry.is_dir():
            visited.add(entry.resolve())
        if entry.is_dir():
            if _has_kustomization(entry):
                out.append(entry.relative_to(root).as_posix())
            else:
                out.extend(_resources(entry, root, tree, deadline, visited))
        elif entry.suffix in _MANIFEST_SUFFIXES and entry.is_file() and _inside(entry, tree) and _is_manifest(entry, root):
            out.append(entry.relative_to(root).as_posix())
        if len(out) > MAX_GENERATED_RESOURCES:
            raise BuildError(f"more than {MAX_GENERATED_RESOURCES} manifest files below '{root.name}'; the emulated "
                             "cluster builds at most that many per kustomization")
    return out


def ensure_kustomization(directory: Path, deadline: Deadline | None = None, tree: Path | None = None) -> list[str] | None:
    """Write a kustomization.yaml listing every manifest below ``directory`` when it has none; symbolic links are
    followed only inside ``tree`` (the repository, default ``directory``) and never in loops.

    Returns the resources it listed, or None when the directory had its own kustomization."""
    if _has_kustomization(directory):
        return None
    resources = _resources(directory, directory, tree or directory, deadline)
    body = {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization", "resources": resources}
    (directory / "kustomization.yaml").write_text(yaml.safe_dump(body, sort_keys=False), encoding="utf-8")
    return resources


def _legacy_order(obj: dict) -> tuple:
    kind = obj["kind"]
    if kind in _ORDER_FIRST:
        rank = _ORDER_FIRST.index(kind)
    elif kind in _ORDER_LAST:
        rank = len(_ORDER_FIRST) + 1 + _ORDER_LAST.index(kind)
    else:
        rank = len(_ORDER_FIRST)
    group, _, version = str(obj["apiVersion"]).rpartition("/")
    meta = obj["metadata"]
    return rank, f"{group or '~G'}_{version}_{kind}", meta.get("namespace") or "~X", str(meta["name"])


def build_generated(directory: Path, resources: list[str], deadline: Deadline | None = None) -> str | None:
    """What kustomize prints for a generated kustomization whose resources are all plain manifest files: the
    same documents in kustomize's legacy order, computed here in linear time (kustomize itself slows down badly
    with thousands of files). None when a resource is a directory with its own kustomization."""
    if any((directory / rel).is_dir() for rel in resources):
        return None
    ordered: dict[tuple, tuple[tuple, str]] = {}
    for rel in resources:
        if deadline is not None:
            deadline.check()
        for doc in split_documents((directory / rel).read_text(encoding="utf-8")):
            obj = parse_document(doc, rel)
            key = _legacy_order(obj)
            if key in ordered:
                raise BuildError(f"may not add resource with an already registered id: {obj['kind']} "
                                 f"'{key[3]}' in namespace '{obj['metadata'].get('namespace') or 'default'}' ({rel})")
            ordered[key] = (key, doc.strip("\n") + "\n")
    return "---\n".join(doc for _, doc in sorted(ordered.values(), key=lambda item: item[0]))


def _clean_stderr(stderr: str, tree: Path) -> str:
    lines = []
    for line in stderr.strip().splitlines():
        klog = _KLOG_RE.match(line.strip())
        lines.append(klog.group("err").replace('\\"', '"') if klog else line)
    text = "\n".join(lines).replace(str(tree) + os.sep, "").replace(str(tree), ".")
    for prefix in ("Error: ", "error: "):
        text = text.removeprefix(prefix)
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def build(directory: Path, tree: Path, deadline: Deadline | float) -> str:
    """Run the kustomize build of ``directory``, confined to ``tree``; raises BuildError with kustomize's message.

    Like Flux: nothing outside the repository is read (checked first, then kustomize's root-only load
    restrictor), no remote bases, and kustomize runs with a scratch HOME and none of the host's git, ssh or
    proxy settings and credentials. On timeout the whole process group is killed."""
    cmd = kustomize_command()
    if cmd is None:
        raise BuildError("neither kustomize nor kubectl was found on PATH: install kubectl (or the kustomize binary) to build kustomizations")
    try:
        confine.check_tree(directory, tree)
    except confine.ConfineError as exc:
        raise BuildError(f"kustomize build failed: {exc}") from exc
    env = proc.isolated_env(tree.parent / "home")
    deadline = deadline if isinstance(deadline, Deadline) else Deadline(deadline)
    try:
        done = proc.run([*cmd, "--load-restrictor", "LoadRestrictionsRootOnly", str(directory)], env, deadline.left(),
                        MAX_BUILD_OUTPUT, cwd=tree)
    except proc.Timeout as exc:
        raise BuildError(f"kustomize build failed: timed out after {deadline.seconds:g}s; the build was stopped") from exc
    except proc.OutputTooLarge as exc:
        raise BuildError(f"kustomize build failed: {exc}") from exc
    except OSError as exc:
        raise BuildError(f"kustomize build failed: {exc.strerror}") from exc
    if done.returncode != 0:
        raise BuildError("kustomize build failed: " + _clean_stderr(done.stderr.decode("utf-8", "replace"), tree))
    return done.stdout.decode("utf-8", "replace")


def split_documents(text: str) -> list[str]:
    """The YAML documents of a multi-document stream, as text (empty ones dropped)."""
    return [doc for doc in _DOC_SPLIT_RE.split(text) if doc.strip()]


def parse_document(doc: str, where: str = "kustomize output") -> dict:
    """One Kubernetes object; raises BuildError when the document is not one (or is too large)."""
    try:
        obj = yamlsafe.load(doc)
    except yamlsafe.YamlLimitError as exc:
        raise BuildError(f"{where}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise BuildError(f"{where} is not valid YAML: {exc}") from exc
    if not isinstance(obj, dict) or not obj.get("apiVersion") or not obj.get("kind"):
        raise BuildError("kustomize output contains a document without apiVersion and kind")
    if not isinstance(obj.get("metadata"), dict) or not obj["metadata"].get("name"):
        raise BuildError(f"kustomize output contains a {obj['kind']} without metadata.name")
    return obj
