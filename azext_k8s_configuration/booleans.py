"""Strict boolean parsing for values typed by users (`prune=false`, `--sp-cert-send-chain no`, ...).

Any-case true/false/yes/no/1/0 are accepted; anything else is an error that names the flag or key.
A real `bool` (from argparse three-state flags or a YAML/JSON file) passes through unchanged.
"""
from __future__ import annotations

from azure.cli.core.azclierror import InvalidArgumentValueError

_TRUE = frozenset({"true", "yes", "1"})
_FALSE = frozenset({"false", "no", "0"})


def parse_bool(value, flag: str) -> bool:
    """Return the boolean meant by `value`; raise InvalidArgumentValueError naming `flag` otherwise."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    text = value.strip().lower() if isinstance(value, str) else None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    # a flag takes a separate value; a key (`prune`, `--kustomization prune`) takes key=value
    example = f"{flag} false" if flag.startswith("--") and " " not in flag else f"{flag}=false"
    raise InvalidArgumentValueError(
        f"Invalid value {value!r} for {flag}: expected a boolean.",
        f"Use true or false (yes/no and 1/0 are accepted too), for example: {example}",
    )
