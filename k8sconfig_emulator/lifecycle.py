"""How long-running operations finish, per resource kind and action.

``complete(svc, op)`` is called by the operation worker once an operation is due. It either
finishes the operation (Succeeded/Failed) or reschedules it (waitForReconciliation).
"""

from __future__ import annotations

import logging

from k8sconfig_emulator import extension_rules
from k8sconfig_emulator.services import Services

log = logging.getLogger("k8sconfig_emulator")
KC_MARKER = "/providers/microsoft.kubernetesconfiguration/"
WAIT_POLL_SECONDS = 0.2


def cluster_id_of(resource_id: str) -> str:
    return resource_id[: resource_id.lower().find(KC_MARKER)]


def _finish(svc: Services, op: dict, status: str = "Succeeded", error: dict | None = None) -> None:
    svc.store.update_operation(op["id"], status=status, error=error)


def remove_flux(svc: Services, stored: dict) -> None:
    """Delete a flux configuration now, keeping what it leaves on the cluster (prune=false)."""
    with svc.store.transaction():
        state, _ = svc.store.get_state(stored["id"])
        leftover = None
        if svc.reconciler is not None:
            try:
                leftover = svc.reconciler.finalize_delete(stored, state)
            except Exception:
                log.exception("reconciler.finalize_delete failed for %s", stored["id"])
        if leftover:
            svc.store.put_leftover(stored["id"], cluster_id_of(stored["id"]), leftover)
        svc.store.delete(stored["id"])


def remove_extension(svc: Services, stored: dict) -> None:
    svc.store.delete(stored["id"])


def _complete_flux_write(svc: Services, op: dict) -> None:
    now = svc.clock()
    with svc.store.transaction():
        stored = svc.store.get(op["resource_id"])
        if stored is None:
            _finish(svc, op, "Canceled", {"code": "ResourceDeleted", "message": "The configuration was deleted."})
            return
        if stored["properties"].get("provisioningState") in ("Creating", "Updating"):
            stored["properties"]["provisioningState"] = "Succeeded"
            svc.store.update_body(stored["id"], stored)
        meta = op["meta"]
        if "wait_seconds" not in meta:
            _finish(svc, op)
            return
        if "waiting_since" not in meta:
            meta = {**meta, "waiting_since": now, "deadline": now + meta["wait_seconds"]}
            svc.store.update_operation(op["id"], meta=meta, due=now + WAIT_POLL_SECONDS)
            return
        _, reconciled_at = svc.store.get_state(stored["id"])
        if (reconciled_at is not None and reconciled_at >= meta["waiting_since"]) or now >= meta["deadline"]:
            _finish(svc, op)
        else:
            svc.store.update_operation(op["id"], due=now + WAIT_POLL_SECONDS)


def _complete_flux_delete(svc: Services, op: dict) -> None:
    stored = svc.store.get(op["resource_id"])
    if stored is not None:
        remove_flux(svc, stored)
    _finish(svc, op)


def _extension_statuses(svc: Services, stored: dict) -> list:
    if svc.reconciler is None or not extension_rules.is_flux(stored):
        return []
    try:
        return svc.reconciler.extension_statuses(stored)
    except Exception:
        log.exception("reconciler.extension_statuses failed for %s", stored["id"])
        return []


def _complete_extension_write(svc: Services, op: dict) -> None:
    with svc.store.transaction():
        stored = svc.store.get(op["resource_id"])
        if stored is None:
            _finish(svc, op, "Canceled", {"code": "ResourceDeleted", "message": "The extension was deleted."})
            return
        props = stored["properties"]
        if op["meta"].get("fail"):
            error = {"code": "ExtensionOperationFailed",
                     "message": f"Installing extension '{stored['name']}' failed (fault injected by "
                                "k8sconfig-emulator). Delete the extension and install it again."}
            props.update(provisioningState="Failed", errorInfo=error)
            svc.store.update_body(stored["id"], stored)
            _finish(svc, op, "Failed", error)
            return
        props.update(provisioningState="Succeeded", errorInfo=None,
                     currentVersion=extension_rules.installed_version(props))
        props["statuses"] = _extension_statuses(svc, stored)
        svc.store.update_body(stored["id"], stored)
        _finish(svc, op)


def _complete_extension_delete(svc: Services, op: dict) -> None:
    svc.store.delete(op["resource_id"])
    _finish(svc, op)


COMPLETERS = {
    ("flux", "put"): _complete_flux_write, ("flux", "patch"): _complete_flux_write,
    ("flux", "delete"): _complete_flux_delete,
    ("extension", "put"): _complete_extension_write, ("extension", "patch"): _complete_extension_write,
    ("extension", "delete"): _complete_extension_delete,
}


def complete(svc: Services, op: dict) -> None:
    completer = COMPLETERS.get((op["kind"], op["action"]))
    if completer is None:
        _finish(svc, op, "Failed", {"code": "UnknownOperation", "message": "The emulator cannot finish this operation."})
        return
    completer(svc, op)
