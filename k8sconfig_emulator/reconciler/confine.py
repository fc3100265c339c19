"""Keep a kustomize build inside the repository, as Flux does: every file or directory a kustomization names
(resources, bases, components, patches, generators, ...) must stay inside the repository, and remote bases are
refused (the emulated cluster has no network). Checked before kustomize runs, following local bases."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

import yaml

from . import yamlsafe

_KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
_MAX_KUSTOMIZATION_BYTES = 4 * 1024 * 1024
_MAX_RESOURCE_BYTES = 16 * 1024 * 1024
_REMOTE_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*://|[^/\s]+@[^/\s]+:|(github\.com|gitlab\.com|bitbucket\.org)/)")
# keys whose values are lists of paths (or of inline documents, which are skipped)
_PATH_LISTS = ("resources", "bases", "components", "crds", "patchesStrategicMerge", "transformers", "generators",
               "validators", "configurations")
_ENTRY_LISTS = ("patches", "patchesJson6902", "replacements")  # entries with a "path"
_GENERATORS = ("configMapGenerator", "secretGenerator")


class ConfineError(Exception):
    """A kustomization reaches outside the repository; the message names the file and the reference."""


def _kustomization_file(directory: Path) -> Path | None:
    return next((directory / n for n in _KUSTOMIZATION_FILES if (directory / n).is_file()), None)


def _yaml_references(doc: dict) -> list[str]:
    """The paths of a kustomization document kustomize reads as YAML (resources, patches, ...)."""
    out: list[str] = []
    for key in _PATH_LISTS:
        for item in doc.get(key) or []:
            if isinstance(item, str) and "\n" not in item:
                out.append(item)
    for key in _ENTRY_LISTS:
        for item in doc.get(key) or []:
            if isinstance(item, dict) and isinstance(item.get("path"), str):
                out.append(item["path"])
    return out


def _references(doc: dict) -> list[str]:
    """Every path or URL a kustomization document refers to."""
    out = _yaml_references(doc)
    for key in _GENERATORS:
        for gen in doc.get(key) or []:
            if not isinstance(gen, dict):
                continue
            for field in ("files", "envs"):
                for item in gen.get(field) or []:
                    if isinstance(item, str):
                        out.append(item.partition("=")[2] if "=" in item else item)
            if isinstance(gen.get("env"), str):
                out.append(gen["env"])
    openapi = doc.get("openapi")
    if isinstance(openapi, dict) and isinstance(openapi.get("path"), str):
        out.append(openapi["path"])
    if doc.get("helmCharts") or doc.get("helmChartInflationGenerator"):
        out.append("helm://charts")  # inflating Helm charts downloads them: refused like a remote base
    return out


def _load(file: Path, shown: str) -> dict:
    try:
        text = file.read_text(encoding="utf-8")
        doc = yamlsafe.load_all(text, _MAX_KUSTOMIZATION_BYTES)
    except yamlsafe.YamlLimitError as exc:
        raise ConfineError(f"{shown}: {exc}") from exc
    except (yaml.YAMLError, UnicodeDecodeError, OSError):
        return {}  # kustomize reports it with its own words
    first = doc[0] if doc else None
    return first if isinstance(first, dict) else {}


def _check_yaml(file: Path, shown: str) -> None:
    """kustomize expands YAML aliases while it builds: refuse alias bombs and oversize files before it runs."""
    try:
        with file.open("rb") as handle:
            raw = handle.read(_MAX_RESOURCE_BYTES + 1)
        yamlsafe.load_all_check(raw.decode("utf-8"), _MAX_RESOURCE_BYTES)
    except yamlsafe.YamlLimitError as exc:
        raise ConfineError(f"{shown}: {exc}") from exc
    except (UnicodeDecodeError, OSError, yaml.YAMLError):
        return  # kustomize reports it with its own words


def check_tree(directory: Path, tree: Path) -> None:
    """Raise ConfineError when the kustomization in ``directory`` (or a local base) reaches outside ``tree``."""
    root = tree.resolve()
    pending, seen = [directory.resolve()], set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        file = _kustomization_file(current)
        if file is None:
            continue
        shown = (current.relative_to(root) / file.name).as_posix()
        doc = _load(file, shown)
        as_yaml = set(_yaml_references(doc))
        for ref in _references(doc):
            if _REMOTE_RE.match(ref):
                raise ConfineError(f"{shown}: '{ref}' is a remote reference; the emulated cluster has no network, "
                                   "keep bases and charts in the repository")
            rel = PurePosixPath(ref)
            if rel.is_absolute():
                raise ConfineError(f"{shown}: '{ref}' is an absolute path; use a path inside the repository")
            try:
                target = (current / ref).resolve()
            except (OSError, RuntimeError) as exc:
                raise ConfineError(f"{shown}: '{ref}' cannot be resolved (a symbolic link loop?)") from exc
            if not target.is_relative_to(root):
                raise ConfineError(f"{shown}: '{ref}' is outside the repository; a kustomization may only use "
                                   "files of its own repository")
            if target.is_dir():
                pending.append(target)
            elif ref in as_yaml and target.is_file():
                _check_yaml(target, (current.relative_to(root) / ref).as_posix())
