"""The per-configuration inventory of objects "applied" to the emulated cluster."""

from __future__ import annotations

PUBLIC_FIELDS = ("apiVersion", "kind", "namespace", "name", "appliedBy")


def object_key(entry: dict) -> str:
    return "/".join((entry["apiVersion"], entry["kind"], entry.get("namespace") or "", entry["name"]))


def merge_applied(inventory: list[dict], kustomization: str, applied: list[dict], prune: bool) -> list[dict]:
    """The inventory after ``kustomization`` applied ``applied``.

    Objects it applied before and no longer produces are removed when ``prune`` is true; otherwise they stay on
    the cluster as orphans (no longer managed, never pruned later)."""
    new_keys = {object_key(e) for e in applied}
    out: list[dict] = []
    for entry in inventory:
        key = object_key(entry)
        if key in new_keys:
            continue  # replaced by the fresh copy (another kustomization may take ownership)
        if entry.get("kustomization") == kustomization and not entry.get("orphaned"):
            if prune:
                continue
            entry = {**entry, "orphaned": True}
        out.append(entry)
    return out + applied


def drop_kustomization(inventory: list[dict], kustomization: str, prune: bool) -> list[dict]:
    """The inventory after ``kustomization`` was removed from the configuration."""
    out = []
    for entry in inventory:
        if entry.get("kustomization") == kustomization and not entry.get("orphaned"):
            if prune:
                continue
            entry = {**entry, "orphaned": True}
        out.append(entry)
    return out


def find_object(inventory: list[dict], kind: str, namespace: str, name: str) -> dict | None:
    for entry in reversed(inventory):
        if entry["kind"] == kind and (entry.get("namespace") or "") == namespace and entry["name"] == name:
            return entry
    return None


def cluster_objects(states: list[dict]) -> list[dict]:
    """Every object on the emulated cluster: [{apiVersion, kind, namespace, name, appliedBy}...] (no data)."""
    seen: dict[str, dict] = {}
    for state in states:
        for entry in (state or {}).get("inventory") or []:
            seen[object_key(entry)] = {f: entry.get(f) for f in PUBLIC_FIELDS}
    return sorted(seen.values(), key=lambda o: (o["namespace"] or "", o["kind"], o["name"]))


def finalize_delete(config: dict, state: dict | None) -> dict | None:
    """After the configuration is deleted: objects of pruning kustomizations go, the others stay as orphans.

    Returns a state-like dict {"configuration", "orphaned": True, "inventory": [...]} usable with
    cluster_objects(), or None when nothing is left on the cluster."""
    if not state:
        return None
    kustomizations = (config.get("properties") or {}).get("kustomizations") or {}
    recorded = state.get("kustomizations") or {}

    def prunes(name: str) -> bool:
        if name in kustomizations:
            return bool((kustomizations[name] or {}).get("prune"))
        return bool((recorded.get(name) or {}).get("prune"))

    left = [
        {**e, "orphaned": True}
        for e in state.get("inventory") or []
        if e.get("orphaned") or not prunes(e.get("kustomization", ""))
    ]
    if not left:
        return None
    return {"configuration": config.get("name"), "orphaned": True, "inventory": left}
