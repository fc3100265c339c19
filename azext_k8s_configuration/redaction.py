"""Secret redaction for --dry-run output and logs.

`SECRET_FIELD_PATHS` lists, relative to a FluxConfiguration's `properties`, every field the 2025-04-01 API
marks as secret (x-ms-secret). "*" matches every key of a map. `redact(body)` returns a deep copy in which
each secret value that is set is replaced by "<redacted>" (nulls, which delete a field in a PATCH, stay
null), and a password or token embedded in a source URL is masked too (`mask_source_urls` does only that, for
show and export).
"""
from __future__ import annotations

import copy

from .urls import shown

REDACTED = "<redacted>"
SECRET_FIELD_PATHS: tuple[tuple[str, ...], ...] = (
    ("configurationProtectedSettings", "*"),
    ("azureBlob", "accountKey"),
    ("azureBlob", "sasToken"),
    ("azureBlob", "servicePrincipal", "clientSecret"),
    ("azureBlob", "servicePrincipal", "clientCertificate"),
    ("azureBlob", "servicePrincipal", "clientCertificatePassword"),
    ("ociRepository", "tlsConfig", "caCertificate"),
    ("ociRepository", "tlsConfig", "clientCertificate"),
    ("ociRepository", "tlsConfig", "privateKey"),
)
_URL_HOLDERS = ("gitRepository", "bucket", "azureBlob", "ociRepository")


def _mask(node, path: tuple[str, ...]) -> None:
    if not isinstance(node, dict) or not path:
        return
    head, rest = path[0], path[1:]
    keys = list(node) if head == "*" else [head] if head in node else []
    for key in keys:
        if rest:
            _mask(node[key], rest)
        elif node[key] is not None:
            node[key] = REDACTED


def redact(body: dict) -> dict:
    """Deep copy of a FluxConfiguration (or its `properties`) with every secret replaced by '<redacted>'."""
    result = copy.deepcopy(body)
    props = result.get("properties") if isinstance(result.get("properties"), dict) else result
    for path in SECRET_FIELD_PATHS:
        _mask(props, path)
    _mask_urls(props)
    return result


def _mask_urls(props: dict) -> None:
    for holder in _URL_HOLDERS:
        source = props.get(holder)
        if isinstance(source, dict) and isinstance(source.get("url"), str):
            source["url"] = shown(source["url"])


def mask_source_urls(props: dict) -> dict:
    """Copy of a FluxConfiguration's `properties` whose source URLs show no password or token (for show/export
    of a configuration written by another tool)."""
    result = dict(props)
    for holder in _URL_HOLDERS:
        if isinstance(result.get(holder), dict):
            result[holder] = dict(result[holder])
    _mask_urls(result)
    return result
