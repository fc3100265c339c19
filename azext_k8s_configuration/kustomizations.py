"""Kustomization definitions from `--kustomization KEY=VALUE ...` tokens, `@file` groups, a config file or
the `kustomization create/update` flags, to ARM `KustomizationDefinition` JSON.

Keys (aliases in KEY_ALIASES; unknown keys are rejected with a did-you-mean suggestion):
  name, path, dependsOn (a list, see dependencies.parse_depends_on; repeatable), timeout, interval,
  retryInterval (durations, see durations.py), prune, force, wait, disable_health_check (booleans),
  substitute.VAR=VALUE (repeatable; postBuild.substitute) and substituteFrom=Kind/name[/optional]
  (repeatable; Kind is ConfigMap or Secret; postBuild.substituteFrom).
Files may also use the ARM spellings timeoutInSeconds/syncIntervalInSeconds/retryIntervalInSeconds (whole
seconds) and postBuild {substitute: {...}, substituteFrom: [...]}.

Only the keys a user gave appear in the result, so the same output serves a PUT body and a merge PATCH.
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from azure.cli.core.azclierror import (
    InvalidArgumentValueError,
    MutuallyExclusiveArgumentError,
    RequiredArgumentMissingError,
)

from . import documents
from .booleans import parse_bool
from .dependencies import parse_depends_on
from .durations import parse_duration, validate_seconds
from .names import validate_kustomization_name

KEY_ALIASES: dict[str, str] = {
    "name": "name",
    "path": "path",
    "dependsOn": "depends_on", "depends_on": "depends_on", "dependencies": "depends_on", "depends": "depends_on",
    "timeout": "timeout",
    "interval": "sync_interval", "sync_interval": "sync_interval", "syncInterval": "sync_interval",
    "retryInterval": "retry_interval", "retry_interval": "retry_interval",
    "prune": "prune",
    "force": "force",
    "wait": "wait",
    "disable-health-check": "disable_health_check", "disable_health_check": "disable_health_check",
    "substituteFrom": "substitute_from", "substitute_from": "substitute_from",
}
FILE_ONLY_KEYS: dict[str, str] = {
    "timeoutInSeconds": "timeout_seconds",
    "syncIntervalInSeconds": "sync_interval_seconds",
    "retryIntervalInSeconds": "retry_interval_seconds",
    "postBuild": "post_build",
    "substitute": "substitute_map",
}
REPEATABLE = frozenset({"depends_on", "substitute_from", "substitute"})
SUBSTITUTE_PREFIX = "substitute."
DEFAULT_KUSTOMIZATION_NAME = "kustomization-1"
_VAR_NAME = re.compile(r"[_a-zA-Z][_a-zA-Z0-9]*", re.ASCII)
_SUBSTITUTE_KINDS = {"configmap": "ConfigMap", "secret": "Secret"}
USAGE = ("Usage: --kustomization name=NAME [path=PATH] [dependsOn=a,b] [prune=true] ...; or --kustomization "
         "@FILE with YAML or JSON: one kustomization, a list of them, or a map of name -> kustomization.")
_TOKEN_KEY = re.compile(r"\s*[A-Za-z0-9_.\-]+=", re.ASCII)
_ARM_ORDER = ("path", "dependsOn", "timeoutInSeconds", "syncIntervalInSeconds", "retryIntervalInSeconds",
              "prune", "force", "wait", "postBuild")


@dataclass(frozen=True)
class Entry:
    """One KEY=VALUE input: the key as typed, its value, and where it came from (for messages)."""

    key: str
    value: object
    where: str


# --- value handlers: (spec being built, value, where) -> None ---------------------------------------------

def _text(value, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise InvalidArgumentValueError(f"Invalid value {value!r} for {where}: expected text.",
                                        "Give a plain string value.")
    return str(value)


def _set_path(spec: dict, value, where: str) -> None:
    text = _text(value, where)
    if "\n" in text or "\r" in text:
        raise InvalidArgumentValueError(f"Invalid value for {where}: it contains a line break.",
                                        "Give the path inside the source, for example ./apps/staging")
    spec["path"] = text


def _add_depends(spec: dict, value, where: str) -> None:
    deps = spec.setdefault("dependsOn", [])
    deps.extend(d for d in parse_depends_on(value, where) if d not in deps)


def _duration(arm_key: str) -> Callable[[dict, object, str], None]:
    def handler(spec: dict, value, where: str) -> None:
        spec[arm_key] = parse_duration(value, where)
    return handler


def _seconds(arm_key: str) -> Callable[[dict, object, str], None]:
    def handler(spec: dict, value, where: str) -> None:
        spec[arm_key] = validate_seconds(value, where)
    return handler


def _boolean(arm_key: str, invert: bool = False) -> Callable[[dict, object, str], None]:
    def handler(spec: dict, value, where: str) -> None:
        spec[arm_key] = parse_bool(value, where) != invert
    return handler


def _post_build(spec: dict) -> dict:
    return spec.setdefault("postBuild", {})


def _add_substitute(spec: dict, var: str, value, where: str) -> None:
    if not _VAR_NAME.fullmatch(var):
        raise InvalidArgumentValueError(
            f"Invalid substitution variable name {var!r} in {where}.",
            "Variable names start with a letter or '_' and contain only letters, digits and '_', "
            "for example substitute.cluster_env=prod")
    table = _post_build(spec).setdefault("substitute", {})
    if var in table:
        raise InvalidArgumentValueError(f"Substitution variable {var!r} is given twice in {where}.",
                                        "Give each variable once.")
    table[var] = str(value).lower() if isinstance(value, bool) else _text(value, where)


def _set_substitute_map(spec: dict, value, where: str) -> None:
    if not isinstance(value, Mapping):
        raise InvalidArgumentValueError(f"Invalid value for {where}: expected a map of VARIABLE: value.",
                                        "For example substitute: {cluster_env: prod}")
    for var, text in value.items():
        _add_substitute(spec, str(var), text, f"{where}.{var}")


def parse_substitute_from(value, where: str) -> dict:
    """`ConfigMap/name`, `Secret/name/optional` (or a {kind, name, optional} mapping) -> ARM JSON."""
    if isinstance(value, Mapping):
        unknown = sorted(set(value) - {"kind", "name", "optional"})
        if unknown:
            raise InvalidArgumentValueError(f"Unknown key {unknown[0]!r} in {where}.",
                                            "substituteFrom entries have kind, name and optional.")
        kind, name, optional = value.get("kind"), value.get("name"), value.get("optional", False)
    elif isinstance(value, str):
        parts = [p.strip() for p in value.split("/")]
        if len(parts) not in (2, 3):
            raise InvalidArgumentValueError(f"Invalid value {value!r} for {where}.",
                                            "Use Kind/name or Kind/name/optional, e.g. ConfigMap/cluster-vars")
        kind, name = parts[0], parts[1]
        optional = parts[2] if len(parts) == 3 else False
        if isinstance(optional, str) and optional.lower() == "optional":
            optional = True
    else:
        raise InvalidArgumentValueError(f"Invalid value {value!r} for {where}.",
                                        "Use Kind/name or Kind/name/optional, e.g. Secret/cluster-secrets")
    canonical = _SUBSTITUTE_KINDS.get(str(kind).lower()) if isinstance(kind, str) else None
    if canonical is None:
        raise InvalidArgumentValueError(f"Invalid kind {kind!r} in {where}.", "The kind is ConfigMap or Secret.")
    validate_kustomization_name(name, flag=f"{where} (name)")
    return {"kind": canonical, "name": name, "optional": parse_bool(optional, f"{where} (optional)")}


def _add_substitute_from(spec: dict, value, where: str) -> None:
    items = value if isinstance(value, list) else [value]
    target = _post_build(spec).setdefault("substituteFrom", [])
    for index, item in enumerate(items):
        target.append(parse_substitute_from(item, f"{where}[{index}]" if isinstance(value, list) else where))


def _set_post_build(spec: dict, value, where: str) -> None:
    if not isinstance(value, Mapping):
        raise InvalidArgumentValueError(f"Invalid value for {where}: expected an object.",
                                        "postBuild has substitute (a map) and substituteFrom (a list).")
    for key, item in value.items():
        if key == "substitute":
            _set_substitute_map(spec, item, f"{where}.substitute")
        elif key == "substituteFrom":
            _add_substitute_from(spec, item if isinstance(item, list) else [item], f"{where}.substituteFrom")
        else:
            raise InvalidArgumentValueError(f"Unknown key {key!r} in {where}.",
                                            "postBuild has substitute and substituteFrom.")


HANDLERS: dict[str, Callable[[dict, object, str], None]] = {
    "path": _set_path,
    "depends_on": _add_depends,
    "timeout": _duration("timeoutInSeconds"),
    "sync_interval": _duration("syncIntervalInSeconds"),
    "retry_interval": _duration("retryIntervalInSeconds"),
    "timeout_seconds": _seconds("timeoutInSeconds"),
    "sync_interval_seconds": _seconds("syncIntervalInSeconds"),
    "retry_interval_seconds": _seconds("retryIntervalInSeconds"),
    "prune": _boolean("prune"),
    "force": _boolean("force"),
    "wait": _boolean("wait"),
    "disable_health_check": _boolean("wait", invert=True),
    "substitute_from": _add_substitute_from,
    "substitute_map": _set_substitute_map,
    "post_build": _set_post_build,
}
# canonical field -> the ARM key it writes (used to detect two keys that set the same thing)
_TARGET = {"timeout": "timeoutInSeconds", "timeout_seconds": "timeoutInSeconds",
           "sync_interval": "syncIntervalInSeconds", "sync_interval_seconds": "syncIntervalInSeconds",
           "retry_interval": "retryIntervalInSeconds", "retry_interval_seconds": "retryIntervalInSeconds",
           "wait": "wait", "disable_health_check": "wait"}


def _unknown_key(key: str, where: str, allow_file_keys: bool) -> InvalidArgumentValueError:
    known = list(KEY_ALIASES) + (list(FILE_ONLY_KEYS) if allow_file_keys else []) + ["substitute.VAR"]
    if key == "substitute":
        hint = "Give substitutions as substitute.VARIABLE=value, one token per variable."
    else:
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        if not close:
            close = difflib.get_close_matches(key.lower(), [k.lower() for k in known], n=1, cutoff=0.6)
            close = [k for k in known if close and k.lower() == close[0]][:1]
        hint = (f"Did you mean {close[0]!r}? " if close else "") + \
            "Valid keys: name, path, dependsOn, timeout, interval, retryInterval, prune, force, wait, " \
            "disable_health_check, substitute.VAR, substituteFrom."
    return InvalidArgumentValueError(f"Unknown kustomization key {key!r} in {where}.", hint)


def _check_repeat(spec: dict, target: str, first: Entry, entry: Entry, field_name: str) -> None:
    """A second key for an ARM field already set: fine only for wait / disable_health_check saying the same."""
    if first.key == entry.key:
        raise InvalidArgumentValueError(f"{entry.where} is given more than once.", "Give each kustomization "
                                        "setting once.")
    if target == "wait":
        probe: dict = {}
        HANDLERS[field_name](probe, entry.value, entry.where)
        if probe["wait"] == spec["wait"]:
            return
        raise MutuallyExclusiveArgumentError(
            f"{first.where} and {entry.where} contradict each other (wait={str(spec['wait']).lower()} vs "
            f"wait={str(probe['wait']).lower()}).",
            "Give only one of them: wait=false is the same as disable_health_check=true.")
    raise MutuallyExclusiveArgumentError(f"{entry.where} is given more than once (also as {first.where}).",
                                         "Give each kustomization setting once.")


def build_spec(entries: Iterable[Entry], *, allow_file_keys: bool = False) -> dict:
    """ARM KustomizationDefinition JSON from entries (the `name` entry is ignored here)."""
    spec: dict = {}
    seen: dict[str, Entry] = {}
    for entry in entries:
        key = entry.key
        if key.startswith(SUBSTITUTE_PREFIX):
            _add_substitute(spec, key[len(SUBSTITUTE_PREFIX):], entry.value, entry.where)
            continue
        field_name = KEY_ALIASES.get(key) or (FILE_ONLY_KEYS.get(key) if allow_file_keys else None)
        if field_name is None:
            raise _unknown_key(key, entry.where, allow_file_keys)
        if field_name == "name":
            continue
        target = _TARGET.get(field_name, field_name)
        if target in seen and field_name not in REPEATABLE:
            _check_repeat(spec, target, seen[target], entry, field_name)
            continue
        seen[target] = entry
        HANDLERS[field_name](spec, entry.value, entry.where)
    return {k: spec[k] for k in _ARM_ORDER if k in spec}


def _short(token: str) -> str:
    first = token.strip().splitlines()[0] if token.strip() else token
    return first if len(first) <= 40 and first == token.strip() else first[:40] + "..."


def _token_entries(group: list[str], index: int) -> list[Entry]:
    entries = []
    for token in group:
        key, sep, value = token.partition("=")
        if not sep or not key.strip() or _TOKEN_KEY.match(token) is None:
            raise InvalidArgumentValueError(
                f"Invalid --kustomization token {_short(token)!r} (group {index}): expected KEY=VALUE.", USAGE)
        entries.append(Entry(key.strip(), value, f"--kustomization {key.strip()}"))
    return entries


def _name_of(entries: list[Entry], missing: str) -> tuple[str, str]:
    names = [e for e in entries if KEY_ALIASES.get(e.key) == "name"]
    if not names:
        raise RequiredArgumentMissingError(f"{missing} has no name.",
                                           "Every kustomization needs a name, e.g. --kustomization name=apps ...")
    if len(names) > 1:
        raise InvalidArgumentValueError(f"{missing} has more than one name.", "Give name= once per kustomization.")
    return names[0].value, names[0].where


def _add_unique(result: dict[str, dict], name: str, spec: dict) -> None:
    if name in result:
        raise InvalidArgumentValueError(f"Kustomization name {name!r} is used more than once.",
                                        "Give every kustomization a unique name.")
    result[name] = spec


def _is_document(token: str) -> bool:
    """A token that is not KEY=VALUE: YAML/JSON text (az expanded `@file`) or an `@path` az could not read."""
    if _TOKEN_KEY.match(token):
        return False
    return token.startswith("@") or documents.is_expanded_content(token)


def kustomization_items(doc, where: str):
    """Yield (name, object, json path) for every kustomization in a document: one object with a name, a list of
    them, a name -> object map, or an object whose only member is `kustomizations`."""
    if isinstance(doc, list):
        for index, item in enumerate(doc):
            if not isinstance(item, Mapping) or "name" not in item:
                raise InvalidArgumentValueError(f"{where}[{index}] has no name.",
                                                "Each kustomization in a list needs a name member.")
            yield item["name"], item, f"{where}.{item['name']}"
    elif isinstance(doc, Mapping) and "kustomizations" in doc and len(doc) == 1:
        yield from kustomization_items(doc["kustomizations"], where)
    elif isinstance(doc, Mapping) and "name" in doc:
        yield doc["name"], doc, f"{where}.{doc['name']}"
    elif isinstance(doc, Mapping) and doc and all(isinstance(v, Mapping) for v in doc.values()):
        for name, item in doc.items():
            yield name, item, f"{where}.{name}"
    else:
        raise InvalidArgumentValueError(
            f"{where} must be a kustomization object with a name, a list of them or a map of name -> kustomization.",
            "For example: {apps: {path: ./apps, dependsOn: [infra]}, infra: {path: ./infrastructure}}")


def kustomizations_from_doc(doc, where: str, config_name: str | None) -> dict[str, dict]:
    """{name: KustomizationDefinition} from a parsed YAML/JSON document; errors name the place in it."""
    result: dict[str, dict] = {}
    for name, item, path in kustomization_items(doc, where):
        documents.check_strings(item, path, "--kustomization")
        if name in result:
            raise InvalidArgumentValueError(f"Kustomization name {name!r} is used more than once in {where}.",
                                            "Give every kustomization a unique name.")
        result[name] = kustomization_from_mapping(name, item, path, config_name)
    return result


def _document_group(group: list[str], index: int, config_name: str | None) -> dict[str, dict]:
    result: dict[str, dict] = {}
    for token in group:
        doc = documents.load(token, "--kustomization", check=False)  # checked per kustomization, named by path
        if not isinstance(doc, (Mapping, list)):
            raise InvalidArgumentValueError(
                f"Invalid --kustomization value {_short(token)!r} (group {index}): expected KEY=VALUE tokens or "
                "@FILE.", USAGE)
        for name, spec in kustomizations_from_doc(doc, "kustomizations", config_name).items():
            _add_unique(result, name, spec)
    return result


def parse_kustomization_groups(groups: list[list[str]] | None, config_name: str | None) -> dict[str, dict]:
    """`--kustomization` groups (argparse nargs='+', action='append') -> {name: KustomizationDefinition}.

    A group is KEY=VALUE tokens, or documents: az hands `--kustomization @apps.yaml` over as the file's text."""
    result: dict[str, dict] = {}
    for index, group in enumerate(groups or [], start=1):
        if isinstance(group, str):
            group = [group]
        if all(_is_document(token) for token in group):
            parsed = _document_group(group, index, config_name)
        else:
            entries = _token_entries(group, index)
            name, where = _name_of(entries, f"--kustomization group {index}")
            validate_kustomization_name(name, config_name, flag=where)
            parsed = {name: build_spec(entries)}
        for name, spec in parsed.items():
            _add_unique(result, name, spec)
    return result


def kustomization_from_mapping(name, mapping, where: str, config_name: str | None) -> dict:
    """One kustomization from a YAML/JSON object; `where` is its JSON path, e.g. `kustomizations.apps`."""
    if not isinstance(mapping, Mapping):
        raise InvalidArgumentValueError(f"Invalid value for {where}: expected an object.",
                                        "A kustomization is an object such as {path: ./apps, prune: true}.")
    validate_kustomization_name(name, config_name, flag=f"{where}.name" if "name" in mapping else where)
    entries = [Entry(str(k), v, f"{where}.{k}") for k, v in mapping.items() if k != "name"]
    return build_spec(entries, allow_file_keys=True)


def kustomization_from_flags(*, name: str, config_name: str | None = None, path=None, dependencies=None,
                             timeout=None, sync_interval=None, retry_interval=None, prune=None, force=None,
                             wait=None, disable_health_check=None, substitute=None, substitute_from=None,
                             remove_post_build=None) -> dict:
    """ARM JSON for `flux kustomization create/update` flags; only the given flags appear.

    `remove_post_build` sends `postBuild: null`, which deletes the kustomization's postBuild in a merge patch."""
    for where, value in (("--kustomization-name", name), ("--path", path), ("--depends-on", dependencies),
                         ("--substitute", substitute), ("--substitute-from", substitute_from)):
        documents.check_option_text(value, where)
    validate_kustomization_name(name, config_name, flag="--kustomization-name")
    if remove_post_build and (substitute or substitute_from):
        raise MutuallyExclusiveArgumentError(
            "--remove-post-build cannot be combined with --substitute or --substitute-from.",
            "Remove postBuild with --remove-post-build, then add new substitutions in a second update; or give "
            "only the substitutions to change.")
    given = (("path", path, "--path"), ("depends_on", dependencies, "--depends-on"),
             ("timeout", timeout, "--timeout"), ("interval", sync_interval, "--interval"),
             ("retry_interval", retry_interval, "--retry-interval"), ("prune", prune, "--prune"),
             ("force", force, "--force"), ("wait", wait, "--wait"),
             ("disable_health_check", disable_health_check, "--disable-health-check"))
    entries = [Entry(key, value, where) for key, value, where in given if value is not None]
    for item in substitute or []:
        var, sep, value = item.partition("=")
        if not sep or not var.strip():
            raise InvalidArgumentValueError(f"Invalid --substitute value {item!r}: expected VARIABLE=VALUE.",
                                            "For example --substitute cluster_env=prod replicas=2")
        entries.append(Entry(SUBSTITUTE_PREFIX + var.strip(), value, "--substitute"))
    entries.extend(Entry("substituteFrom", item, "--substitute-from") for item in substitute_from or [])
    spec = build_spec(entries)
    if remove_post_build:
        spec["postBuild"] = None
    return spec
