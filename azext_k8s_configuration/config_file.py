"""Shell-safe structured input: `--config-file FILE` and `--kustomization @FILE` (YAML or JSON).

A config file is an object whose keys are the command's options without the leading dashes, in any of
the spellings `sync-interval`, `sync_interval` or `syncInterval` (e.g. url, kind, branch, interval,
bucket-name, suspend), plus `kustomizations`: either a map `{name: {path: ..., dependsOn: [...]}}` or a
list of objects with a `name`. Kustomization objects take the `--kustomization` keys (see
kustomizations.py). Options given on the command line override the file; a kustomization defined both in
the file and with --kustomization is an error.

A `@FILE` kustomization group holds one kustomization object, a list of them, a name -> object map, or an
object with a `kustomizations` member (parsed in kustomizations.py). Errors name the place in the file, for
example `kustomizations.apps.dependsOn[0]`. az itself replaces `@FILE` arguments with the file's text;
documents.py accepts either the text or a path.
"""
from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from dataclasses import fields

from azure.cli.core.azclierror import InvalidArgumentValueError

from . import documents
from .booleans import parse_bool
from .durations import parse_duration
from .flux_args import FLAG_NAMES, FluxArgs
from .kustomizations import kustomizations_from_doc

# Options that make no sense inside a configuration file.
_NOT_IN_FILE = frozenset({"kustomization", "config_file", "kustomization_name", "path", "dependencies",
                          "retry_interval", "prune", "force", "wait", "disable_health_check", "remove_post_build",
                          "substitute", "substitute_from", "no_wait", "dry_run", "wait_for_compliance",
                          "compliance_timeout", "yes"})
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
    doc = documents.load(path, "--config-file")
    what = documents.describe(None if documents.is_expanded_content(path) else path.lstrip("@"), "--config-file")
    if not isinstance(doc, Mapping):
        raise InvalidArgumentValueError(f"{what[0].upper()}{what[1:]} must contain an object.",
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
            raise InvalidArgumentValueError(f"Unknown key {key!r} in {what}.",
                                            (f"Did you mean {close[0]!r}? " if close else "") +
                                            "Keys are the command's options without the dashes, plus kustomizations.")
        if dest in values:
            raise InvalidArgumentValueError(f"{key!r} is given more than once in {what}.",
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
