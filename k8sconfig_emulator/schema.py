"""A tiny typed-schema language for request bodies, plus the walkers that use it.

One schema per resource type (see ``resource_schemas.py``) is the single source of truth for:
type checks (with JSON paths in the error), read-only fields (ignored on input), defaults
(filled in on create), and secret fields (stored, never returned, masked in the request log).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from k8sconfig_emulator import errors

_NO_DEFAULT = object()
REDACTED = "<redacted>"


@dataclass(frozen=True)
class Node:
    read_only: bool = False
    secret: bool = False
    default: Any = _NO_DEFAULT

    kind = "value"

    def has_default(self) -> bool:
        return self.default is not _NO_DEFAULT


@dataclass(frozen=True)
class Str(Node):
    kind = "string"


@dataclass(frozen=True)
class Int(Node):
    minimum: int | None = None
    maximum: int | None = None
    kind = "integer"


@dataclass(frozen=True)
class Bool(Node):
    kind = "boolean"


@dataclass(frozen=True)
class Any_(Node):
    kind = "any value"


@dataclass(frozen=True)
class Arr(Node):
    item: Node = field(default_factory=Str)
    kind = "array"


@dataclass(frozen=True)
class Map(Node):
    value: Node = field(default_factory=Str)
    kind = "object"


@dataclass(frozen=True)
class Obj(Node):
    fields: dict[str, Node] = field(default_factory=dict)
    kind = "object"


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _fail(path: str, node: Node, value: Any) -> None:
    raise errors.invalid_content(
        f"Invalid request body at {path or '(root)'}: expected {node.kind}, got {_type_name(value)}.",
        target=path or None)


def _check_range(path: str, node: Int, value: float) -> None:
    low = node.minimum if node.minimum is not None else float("-inf")
    high = node.maximum if node.maximum is not None else float("inf")
    if not low <= value <= high:
        bounds = (f"between {node.minimum} and {node.maximum}" if node.minimum is not None and node.maximum is not None
                  else f"at least {node.minimum}" if node.minimum is not None else f"at most {node.maximum}")
        shown = f"{value:.6g}" if isinstance(value, float) else (str(value) if len(str(value)) <= 30 else
                                                                  f"a {len(str(value))}-digit number")
        raise errors.validation_failed(f"Invalid request body at {path or '(root)'}: must be {bounds}, got {shown}.",
                                       target=path or None)


def validate(node: Node, value: Any, path: str = "") -> None:
    """Raise an InvalidRequestContent ArmError naming the JSON path of the first problem.

    ``null`` is accepted everywhere: on create it means "not set", in a merge patch "remove".
    """
    if value is None or isinstance(node, Any_):
        return
    if isinstance(node, Str):
        if not isinstance(value, str):
            _fail(path, node, value)
    elif isinstance(node, Bool):
        if not isinstance(value, bool):
            _fail(path, node, value)
    elif isinstance(node, Int):
        integral = isinstance(value, float) and value.is_integer()
        if isinstance(value, bool) or not (isinstance(value, int) or integral):
            _fail(path, node, value)
        _check_range(path, node, value)
    elif isinstance(node, Arr):
        if not isinstance(value, list):
            _fail(path, node, value)
        for index, item in enumerate(value):
            validate(node.item, item, f"{path}[{index}]")
    elif isinstance(node, Map):
        if not isinstance(value, dict):
            _fail(path, node, value)
        for key, item in value.items():
            validate(node.value, item, _join(path, key))
    elif isinstance(node, Obj):
        if not isinstance(value, dict):
            _fail(path, node, value)
        for key, item in value.items():
            child = node.fields.get(key)
            if child is None:
                known = ", ".join(sorted(node.fields)) or "(none)"
                raise errors.invalid_content(
                    f"Invalid request body at {_join(path, key)}: unknown property '{key}'. "
                    f"Known properties here: {known}.", target=_join(path, key))
            validate(child, item, _join(path, key))


def strip_read_only(node: Node, value: Any) -> Any:
    """Drop read-only fields from a validated input body (ARM ignores them); integral numbers sent as 6e2 become
    integers."""
    if isinstance(node, Int) and isinstance(value, float):
        return int(value)
    if isinstance(node, Obj) and isinstance(value, dict):
        return {k: strip_read_only(node.fields[k], v) for k, v in value.items()
                if k not in node.fields or not node.fields[k].read_only}
    if isinstance(node, Map) and isinstance(value, dict):
        return {k: strip_read_only(node.value, v) for k, v in value.items()}
    if isinstance(node, Arr) and isinstance(value, list):
        return [strip_read_only(node.item, v) for v in value]
    return value


def drop_nulls(value: Any) -> Any:
    """On create, ``null`` means "not set"."""
    if isinstance(value, dict):
        return {k: drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [drop_nulls(v) for v in value]
    return value


def apply_defaults(node: Node, value: Any) -> Any:
    """Fill in the schema's defaults inside every object that is present."""
    if isinstance(node, Obj) and isinstance(value, dict):
        out = dict(value)
        for key, child in node.fields.items():
            if key not in out and child.has_default() and not child.read_only:
                out[key] = child.default
            if key in out:
                out[key] = apply_defaults(child, out[key])
        return out
    if isinstance(node, Map) and isinstance(value, dict):
        return {k: apply_defaults(node.value, v) for k, v in value.items()}
    if isinstance(node, Arr) and isinstance(value, list):
        return [apply_defaults(node.item, v) for v in value]
    return value


def remove_secrets(node: Node, value: Any) -> Any:
    """The public view of a stored resource: secret fields are never returned."""
    if isinstance(node, Obj) and isinstance(value, dict):
        return {k: remove_secrets(node.fields[k], v) if k in node.fields else v
                for k, v in value.items() if k not in node.fields or not node.fields[k].secret}
    if isinstance(node, Map) and isinstance(value, dict):
        return {k: remove_secrets(node.value, v) for k, v in value.items()}
    if isinstance(node, Arr) and isinstance(value, list):
        return [remove_secrets(node.item, v) for v in value]
    return value


def secret_names(*nodes: Node) -> frozenset[str]:
    """Names of every property marked secret anywhere in the given schemas."""
    found: set[str] = set()

    def walk(node: Node) -> None:
        if isinstance(node, Obj):
            for key, child in node.fields.items():
                if child.secret:
                    found.add(key)
                walk(child)
        elif isinstance(node, Map):
            walk(node.value)
        elif isinstance(node, Arr):
            walk(node.item)

    for node in nodes:
        walk(node)
    return frozenset(found)


# Words that mark a property or query parameter as secret in any casing, even where no schema knows it (a
# rejected body may carry anything): a name that contains one of them or ends in "key" (httpsKey, accountKey,
# sshPrivateKey...); "sig" is the signature of a SAS URL.
_SECRET_WORDS = ("secret", "password", "passwd", "token", "credential")
_SECRET_NAMES = frozenset({"sig", "code"})
_NOT_SECRET = frozenset({"$skiptoken"})
_URL = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://[^\s\"'<>]+")


def _looks_secret(key: str, names: frozenset[str]) -> bool:
    folded = key.lower()
    if folded in _NOT_SECRET:
        return False
    squashed = folded.replace("-", "").replace("_", "")
    return (folded in names or squashed in _SECRET_NAMES or squashed.endswith("key")
            or any(word in squashed for word in _SECRET_WORDS))


def _scrub_url(match: re.Match) -> str:
    url = match.group(0)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        return REDACTED
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{REDACTED}@{netloc.rsplit('@', 1)[1]}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode([(k, REDACTED if _looks_secret(k, frozenset()) else v) for k, v in pairs], safe="<>")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


# maps whose keys are names the user chose, not property names (a kustomization called "api-key" is no secret)
_NAMED_ENTRIES = frozenset({"kustomizations"})


def redact_for_log(value: Any, names: frozenset[str], keys_are_names: bool = False) -> Any:
    """Mask secrets for logging. A property named in ``names`` (any casing) or whose name looks secret keeps its
    keys if it is a map, every value becomes <redacted>; in every string, URLs lose their user:password@ and the
    values of secret-looking query parameters (SAS signatures, tokens)."""
    return _redact(value, frozenset(n.lower() for n in names), keys_are_names)


def _redact(value: Any, folded: frozenset[str], keys_are_names: bool = False) -> Any:
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if isinstance(key, str) and item is not None and not keys_are_names and _looks_secret(key, folded):
                out[key] = {k: REDACTED for k in item} if isinstance(item, dict) else REDACTED
            else:
                out[key] = _redact(item, folded, isinstance(key, str) and key.lower() in _NAMED_ENTRIES)
        return out
    if isinstance(value, list):
        return [_redact(v, folded) for v in value]
    if isinstance(value, str) and "://" in value:
        return _URL.sub(_scrub_url, value)
    return value


def as_patch(node: Node) -> Node:
    """The merge-patch variant of a schema: no defaults, no read-only fields (types and ranges kept)."""
    if isinstance(node, Obj):
        return Obj(secret=node.secret, fields={k: as_patch(v) for k, v in node.fields.items()
                                               if not v.read_only})
    if isinstance(node, Map):
        return Map(secret=node.secret, value=as_patch(node.value))
    if isinstance(node, Arr):
        return Arr(secret=node.secret, item=node.item)
    return replace(node, default=_NO_DEFAULT, read_only=False)


def json_depth(value: Any) -> int:
    """Nesting depth of a parsed JSON value, computed without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            deepest = max(deepest, depth)
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            deepest = max(deepest, depth)
            stack.extend((v, depth + 1) for v in item)
    return deepest


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396 JSON merge patch (pure)."""
    if not isinstance(patch, dict):
        return patch
    out = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge_patch(out.get(key), value)
    return out
