"""YAML/JSON documents given to `--config-file` and `--kustomization` (JSON is read as YAML).

A document reaches the extension in one of two ways:
- a path (`--config-file flux.yaml`, or a `@file` whose file az could not read), read here;
- the text itself: az replaces an argument of the form `@path` with the file's content before any extension
  code runs, so `--kustomization @apps.yaml` and `--config-file @flux.yaml` arrive as the YAML text.

Every string of a document (keys and values) must be encodable as UTF-8: a lone surrogate such as the JSON
escape "\\ud800" is refused with the place where it was found, before anything is built or sent.
"""
from __future__ import annotations

import os
from collections.abc import Mapping

import yaml
from azure.cli.core.azclierror import InvalidArgumentValueError

from .secrets_input import read_file_text

_VALID_TEXT = "Give valid UTF-8 text: surrogate escapes must come in high/low pairs."


def describe(source: str | None, flag: str) -> str:
    """'the file 'x.yaml' given to --config-file' or 'the @file content given to --kustomization'."""
    return f"the file {source!r} given to {flag}" if source else f"the @file content given to {flag}"


def parse_text(text: str, flag: str, source: str | None = None, *, check: bool = True):
    """Parse YAML/JSON text; InvalidArgumentValueError with the line and column on syntax errors. With `check`,
    every string is checked here (check_strings); callers that name places their own way check later."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        place = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(err, "problem", None) or "invalid syntax"
        raise InvalidArgumentValueError(f"{describe(source, flag).capitalize()} is not valid YAML/JSON{place}: "
                                        f"{problem}.", "Fix the syntax and try again.") from None
    if check:
        check_strings(doc, "", describe(source, flag))
    return doc


def _bad_text(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _child(where: str, key) -> str:
    return f"{where}[{key}]" if isinstance(key, int) else (f"{where}.{key}" if where else str(key))


def check_strings(node, where: str, what: str) -> None:
    """Refuse a string that cannot be sent (a lone surrogate), naming its place, e.g. `kustomizations.apps.path`."""
    if isinstance(node, str):
        if _bad_text(node):
            place = f"The value at {where} in {what}" if where else f"The value of {what}"
            raise InvalidArgumentValueError(
                f"{place} contains an invalid character (a lone UTF-16 surrogate such as "
                "\\ud800, or bytes that are not UTF-8).", _VALID_TEXT)
    elif isinstance(node, Mapping):
        for key, value in node.items():
            if isinstance(key, str) and _bad_text(key):
                raise InvalidArgumentValueError(
                    f"A key{' in ' + where if where else ''} of {what} contains an invalid character (a lone "
                    "UTF-16 surrogate, or bytes that are not UTF-8).", _VALID_TEXT)
            check_strings(value, _child(where, key), what)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            check_strings(value, _child(where, index), what)


def check_option_text(value, option: str) -> None:
    """Refuse a command-line value (or list of values) that cannot be sent: bytes that are not UTF-8 reach Python
    as lone surrogates."""
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, list):
            check_option_text(item, option)
        else:
            check_strings(item, "", option)


def is_expanded_content(value: str) -> bool:
    """True when `value` is not a path that exists and looks like document text (az expanded an @path)."""
    if os.path.exists(value):
        return False
    text = value.strip()
    return "\n" in text or text[:1] in ("{", "[", "-") or ": " in text or text.endswith(":")


def load(value: str, flag: str, *, check: bool = True):
    """The document given to `flag`: read from the path `value`, or `value` itself when az expanded an @path."""
    if isinstance(value, str) and is_expanded_content(value):
        return parse_text(value, flag, check=check)
    path = value[1:] if value.startswith("@") and not os.path.exists(value) else value  # az could not read it
    return parse_text(read_file_text(path, flag), flag, path, check=check)
