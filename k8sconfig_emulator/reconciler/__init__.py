"""The emulated cluster: fetch GitOps sources, build kustomizations, keep an object inventory, report statuses.

Public interface (see docs/architecture.md): ReconcilerSettings, is_due, reconcile, finalize_delete,
extension_statuses, cluster_objects. Functions take and return plain JSON-shaped dicts.

The names are imported on first use, so `check-repo` (which uses only the building blocks: gitcmd, gitsource,
kustomize, verify...) does not import the engine and everything it pulls in.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for readers and type checkers; at run time __getattr__ imports them
    from .engine import reconcile
    from .extension import extension_statuses
    from .inventory import cluster_objects, finalize_delete
    from .schedule import is_due
    from .settings import ReconcilerSettings

_EXPORTS = {"ReconcilerSettings": "settings", "cluster_objects": "inventory", "extension_statuses": "extension",
            "finalize_delete": "inventory", "is_due": "schedule", "reconcile": "engine"}

__all__ = ["ReconcilerSettings", "cluster_objects", "extension_statuses", "finalize_delete", "is_due", "reconcile"]


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
