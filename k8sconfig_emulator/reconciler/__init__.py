"""The emulated cluster: fetch GitOps sources, build kustomizations, keep an object inventory, report statuses.

Public interface (see docs/architecture.md): ReconcilerSettings, is_due, reconcile, finalize_delete,
extension_statuses, cluster_objects. Functions take and return plain JSON-shaped dicts.
"""

from .engine import reconcile
from .extension import extension_statuses
from .inventory import cluster_objects, finalize_delete
from .schedule import is_due
from .settings import ReconcilerSettings

__all__ = ["ReconcilerSettings", "cluster_objects", "extension_statuses", "finalize_delete", "is_due", "reconcile"]
