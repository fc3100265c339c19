"""When a configuration is due, spec hashing and timestamps."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

SPEC_FIELDS = (
    "scope", "namespace", "sourceKind", "suspend", "gitRepository", "bucket", "azureBlob", "ociRepository",
    "kustomizations", "configurationProtectedSettings",
)
DEFAULT_INTERVAL = 600
PENDING_RETRY = 30


def utc(now: datetime) -> datetime:
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)


def iso(now: datetime) -> str:
    """UTC with microseconds, like the store's systemData times: statuses written in the same second as a
    change must still compare as newer than it."""
    return utc(now).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def spec_hash(props: dict) -> str:
    """A digest of everything that should trigger a prompt reconcile when it changes (secrets only hashed)."""
    spec = {k: props.get(k) for k in SPEC_FIELDS}
    return hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()


def _seconds(value: object, default: int) -> int:
    try:
        n = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default
    return n if n > 0 else default


def source_interval(props: dict, source: dict) -> int:
    return _seconds(source.get("syncIntervalInSeconds"), DEFAULT_INTERVAL)


def next_interval(props: dict, source: dict, failed: list[str], pending: bool) -> int:
    """Seconds until the next reconcile: the shortest sync interval, retry intervals after failures."""
    kustomizations = props.get("kustomizations") or {}
    interval = source_interval(props, source)
    for k in kustomizations.values():
        interval = min(interval, _seconds((k or {}).get("syncIntervalInSeconds"), DEFAULT_INTERVAL))
    for name in failed:
        k = kustomizations.get(name) or {}
        retry = _seconds(k.get("retryIntervalInSeconds"), _seconds(k.get("syncIntervalInSeconds"), DEFAULT_INTERVAL))
        interval = min(interval, retry)
    if pending:
        interval = min(interval, PENDING_RETRY)
    return interval


def due_at(now: datetime, seconds: int) -> str:
    return iso(utc(now) + timedelta(seconds=seconds))


def is_due(config: dict, state: dict | None, now: datetime) -> bool:
    """First reconcile, spec changed since the last one, or the interval has passed (never while suspended)."""
    if not state:
        return True
    props = config.get("properties") or {}
    if state.get("specHash") != spec_hash(props):
        return True
    if "statusUpdatedAt" in props and props["statusUpdatedAt"] is None:
        return True  # a write (e.g. a PUT of the same spec) reset the reported status: report it again
    if props.get("suspend"):
        return False
    next_due = state.get("nextDueAt")
    if not next_due:
        return True
    try:
        return utc(now) >= parse_iso(next_due)
    except ValueError:
        return True
