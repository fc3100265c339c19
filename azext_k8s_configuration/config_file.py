"""Shell-safe structured input: `--config-file FILE` and `--kustomization @FILE` (YAML or JSON).

A config file is an object whose keys are the command's options without the leading dashes, in any of
the spellings `sync-interval`, `sync_interval` or `syncInterval` (e.g. url, kind, branch, interval,
bucket-name, suspend), plus `kustomizations`: either a map `{name: {path: ..., dependsOn: [...]}}` or a
list of objects with a `name`. Kustomization objects take the `--kustomization` keys (see
kustomizations.py). Options given on the command line override the file; a kustomization defined both in
the file and with --kustomization is an error.

A `@FILE` kustomization group holds one kustomization object, a list of them, a name -> object map, or an
object with a `kustomizations` member. Errors name the place in the file, for example
`kustomizations.apps.dependsOn[0]`.
"""
from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from dataclasses import fields

import yaml
from azure.cli.core.azclierror import InvalidArgumentValueError

from .booleans import parse_bool
from .durations import parse_duration
from .flux_args import FLAG_NAMES, FluxArgs
from .kustomizations import kustomization_from_mapping
from .secrets_input import read_file_text

# Options that make no sense inside a configuration file.
_NOT_IN_FILE = frozenset({"kustomization", "config_file", "kustomization_name", "path", "dependencies",
                          "retry_interval", "prune", "force", "disable_health_check", "substitute",
                          "substitute_from", "no_wait", "dry_run", "wait_for_compliance", "wait_timeout", "yes",
                          "extra"})
_DURATION_DESTS = frozenset({"timeout", "sync_interval", "reconciliation_wait_duration"})


def _file_dests() -> dict[str, str]:
    """Every accepted top-level spelling -> FluxArgs dest."""
    spellings: dict[str, str] = {}
    for f in fields(FluxArgs):
        if f.name in _NOT_IN_FILE:
            continue
        camel = re.sub(r"_([a-z])", lambda m: m.group(1).upper(), f.name)
        for spelling in (f.name, f.name.replace("_", "-"), camel, FLAG_NAMES.get(f.name, "").lstrip("-")):
            if spelling:
                spellings[spelling] = f.name
    spellings["sync-interval"] = spellings["syncInterval"] = "sync_interval"
    return spellings


FILE_KEYS = _file_dests()
_FIELD_TYPES = {f.name: str(f.type) for f in fields(FluxArgs)}


def load_document(path: str, flag: str):
    """Parse a YAML or JSON file (JSON is YAML); InvalidArgumentValueError with the position on errors."""
    text = read_file_text(path, flag)
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        place = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(err, "problem", None) or "invalid syntax"
        raise InvalidArgumentValueError(f"The file {path!r} given to {flag} is not valid YAML/JSON{place}: "
                                        f"{problem}.", "Fix the file's syntax and try again.") from None


def _kustomization_items(doc, where: str):
    """Yield (name, object, json path) for every kustomization in `doc`."""
    if isinstance(doc, list):
        for index, item in enumerate(doc):
            if not isinstance(item, Mapping) or "name" not in item:
                raise InvalidArgumentValueError(f"{where}[{index}] has no name.",
                                                "Each kustomization in a list needs a name member.")
            yield item["name"], item, f"{where}.{item['name']}"
    elif isinstance(doc, Mapping) and "kustomizations" in doc and len(doc) == 1:
        yield from _kustomization_items(doc["kustomizations"], where)
    elif isinstance(doc, Mapping) and "name" in doc:
        yield doc["name"], doc, f"{where}.{doc['name']}"
    elif isinstance(doc, Mapping) and doc and all(isinstance(v, Mapping) for v in doc.values()):
        for name, item in doc.items():
            yield name, item, f"{where}.{name}"
    else:
        raise InvalidArgumentValueError(
            f"{where} must be a list of kustomization objects or a map of name -> kustomization.",
            "For example: {apps: {path: ./apps, dependsOn: [infra]}, infra: {path: ./infrastructure}}")


def kustomizations_from_doc(doc, where: str, config_name: str | None) -> dict[str, dict]:
    result: dict[str, dict] = {}
    for name, item, path in _kustomization_items(doc, where):
        if name in result:
            raise InvalidArgumentValueError(f"Kustomization name {name!r} is used more than once in {where}.",
                                            "Give every kustomization a unique name.")
        result[name] = kustomization_from_mapping(name, item, path, config_name)
    return result


def kustomizations_from_file(path: str, config_name: str | None) -> dict[str, dict]:
    """The kustomizations of a `--kustomization @FILE` group."""
    return kustomizations_from_doc(load_document(path, "--kustomization @file"), "kustomizations", config_name)


def _convert(dest: str, value, where: str):
    kind = _FIELD_TYPES[dest]
    if "bool" in kind:
        return parse_bool(value, where)
    if "list" in kind:
        items = value if isinstance(value, list) else [value]
        if dest == "verification_config" and isinstance(value, Mapping):
            items = [f"{k}={v}" for k, v in value.items()]
        return [json.dumps(i) if isinstance(i, Mapping) else str(i) for i in items]
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise InvalidArgumentValueError(f"Invalid value {value!r} for {where} in the config file: expected text.",
                                        "Give a plain string value.")
    if dest in _DURATION_DESTS:
        parse_duration(value, where)
    return str(value)


def load_config_file(path: str, config_name: str | None = None) -> tuple[dict, dict[str, dict]]:
    """({FluxArgs dest: value}, {kustomization name: KustomizationDefinition}) from a --config-file."""
    doc = load_document(path, "--config-file")
    if not isinstance(doc, Mapping):
        raise InvalidArgumentValueError(f"The file {path!r} given to --config-file must contain an object.",
                                        "Start the file with keys such as url:, branch:, kustomizations:.")
    values: dict = {}
    kustomizations: dict[str, dict] = {}
    for key, value in doc.items():
        key = str(key)
        if key == "kustomizations":
            name = doc.get("name") if isinstance(doc.get("name"), str) else config_name
            kustomizations = kustomizations_from_doc(value, "kustomizations", config_name or name)
            continue
        dest = FILE_KEYS.get(key)
        if dest is None:
            close = difflib.get_close_matches(key, list(FILE_KEYS) + ["kustomizations"], n=1, cutoff=0.6)
            raise InvalidArgumentValueError(f"Unknown key {key!r} in the config file {path!r}.",
                                            (f"Did you mean {close[0]!r}? " if close else "") +
                                            "Keys are the command's options without the dashes, plus kustomizations.")
        if dest in values:
            raise InvalidArgumentValueError(f"{key!r} is given more than once in the config file {path!r}.",
                                            "Give each setting once.")
        if value is not None:
            values[dest] = _convert(dest, value, key)
    return values, kustomizations


def merge_config_file(args: FluxArgs, config_name: str | None = None) -> tuple[FluxArgs, dict[str, dict]]:
    """Fill options not given on the command line from --config-file; returns (args, file kustomizations)."""
    if not args.config_file:
        return args, {}
    values, kustomizations = load_config_file(args.config_file, config_name or args.name)
    missing = {dest: value for dest, value in values.items() if getattr(args, dest) is None}
    return args.with_values(**missing), kustomizations
