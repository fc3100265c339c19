"""Kubernetes name rules for the flux configuration name, its namespace and kustomization names.

- configuration name: DNS-1123 subdomain, at most 63 characters (it becomes a Kubernetes object name)
- namespace: DNS-1123 label, at most 63 characters
- kustomization name: DNS-1123 subdomain, at most 63 characters, and together with the configuration name
  at most 62 characters, because Flux names the in-cluster object `<config>-<kustomization>` (<= 63).
"""
from __future__ import annotations

import re

from azure.cli.core.azclierror import InvalidArgumentValueError

MAX_NAME_LENGTH = 63
MAX_COMBINED_LENGTH = 62

_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", re.ASCII)
_SUBDOMAIN = re.compile(r"[a-z0-9]([-.a-z0-9]*[a-z0-9])?", re.ASCII)


def _check(value, what: str, *, subdomain: bool) -> str:
    rule = ("lowercase letters, digits, '-' and '.', starting and ending with a letter or digit"
            if subdomain else "lowercase letters, digits and '-', starting and ending with a letter or digit")
    rule = f"{rule}, at most {MAX_NAME_LENGTH} characters"

    def bad(why: str) -> InvalidArgumentValueError:
        return InvalidArgumentValueError(f"Invalid {what} {value!r}: {why}.", f"A valid {what} has {rule}.")

    if not isinstance(value, str):
        raise bad("expected text")
    if not value:
        raise bad("it is empty")
    if len(value) > MAX_NAME_LENGTH:
        raise bad(f"it is {len(value)} characters long, the maximum is {MAX_NAME_LENGTH}")
    if value[0] == "-" or value[-1] == "-":
        raise bad("it cannot begin or end with a hyphen")
    if subdomain and (value[0] == "." or value[-1] == "."):
        raise bad("it cannot begin or end with a period")
    if not subdomain and "." in value:
        raise bad("periods are not allowed")
    if (_SUBDOMAIN if subdomain else _LABEL).fullmatch(value) is None:
        wrong = sorted({c for c in value if not (c.isascii() and (c.islower() or c.isdigit()) or c in "-.")})
        if any(c.isupper() for c in wrong):
            raise bad("uppercase letters are not allowed")
        raise bad("it contains characters that are not allowed: " + " ".join(repr(c) for c in wrong))
    return value


def validate_config_name(value, flag: str = "--name") -> str:
    return _check(value, f"flux configuration name ({flag})", subdomain=True)


def validate_namespace(value, flag: str = "--namespace") -> str:
    return _check(value, f"namespace ({flag})", subdomain=False)


def validate_kustomization_name(value, config_name: str | None = None, flag: str = "--kustomization-name") -> str:
    """Validate one kustomization name; with `config_name`, also the combined-length rule."""
    _check(value, f"kustomization name ({flag})", subdomain=True)
    if config_name and len(config_name) + len(value) > MAX_COMBINED_LENGTH:
        raise InvalidArgumentValueError(
            f"Invalid kustomization name ({flag}) {value!r}: together with the configuration name "
            f"{config_name!r} it is {len(config_name) + len(value)} characters long, the maximum is "
            f"{MAX_COMBINED_LENGTH}.",
            "Flux names the cluster object '<configuration>-<kustomization>', which must fit in 63 characters; "
            "shorten the configuration or the kustomization name (without --kustomization, the kustomization "
            "is named 'kustomization-1': give a shorter one with --kustomization name=NAME).")
    return value
