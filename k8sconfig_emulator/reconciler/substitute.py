"""Flux post-build variable substitution (``${var}``, ``${var:=default}``, ``$${var}`` escapes)."""

from __future__ import annotations

import re

DISABLE_ANNOTATION = "kustomize.toolkit.fluxcd.io/substitute"
_VAR_RE = re.compile(r"(\$?)\$\{([_a-zA-Z][_a-zA-Z0-9]*)(?:(:?[=-])([^}]*))?\}")


def substitute(text: str, variables: dict[str, str]) -> str:
    """Replace ``${name}`` with its value (empty when unset) and ``${name:=default}`` with value or default."""

    def repl(m: re.Match) -> str:
        if m.group(1):  # $${var} is an escaped literal ${var}
            return m.group(0)[1:]
        name, op, default = m.group(2), m.group(3), m.group(4)
        value = variables.get(name)
        if op is None:
            return value or ""
        if op.startswith(":"):
            return value if value else default
        return value if value is not None else default

    return _VAR_RE.sub(repl, text)


def substitution_disabled(obj: dict) -> bool:
    annotations = (obj.get("metadata") or {}).get("annotations") or {}
    return str(annotations.get(DISABLE_ANNOTATION, "")).lower() == "disabled"
