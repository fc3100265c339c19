"""Background loop driving the reconciler for every provisioned flux configuration."""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import threading

from k8sconfig_emulator import extension_rules, lifecycle
from k8sconfig_emulator.resource_schemas import FLUX_STATUS_FIELDS
from k8sconfig_emulator.services import Services

log = logging.getLogger("k8sconfig_emulator")

# A configuration whose stored document has not changed is asked `is_due` again only after this long, so a
# tick costs one cheap read per configuration instead of parsing every document and state each time.
RECHECK_SECONDS = 2.0


def flux_extension(svc: Services, cluster_id: str) -> dict | None:
    collection = cluster_id + "/providers/Microsoft.KubernetesConfiguration/extensions"
    return next((e for e in svc.store.children(collection, "extension") if extension_rules.is_flux(e)), None)


class ReconcileLoop:
    def __init__(self, svc: Services, settings, interval: float):
        self._svc = svc
        self._settings = settings
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="reconcile-loop", daemon=True)
        self._quiet: dict[str, tuple[str, float]] = {}   # id -> (document seen, nothing to do before this time)

    def start(self) -> None:
        if self._svc.reconciler is not None:
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.tick()
            self._stop.wait(self._interval)

    def tick(self) -> None:
        now_ts = self._svc.clock()
        rows = self._svc.store.texts_of_kind("flux")
        for key in self._quiet.keys() - {key for key, _ in rows}:
            del self._quiet[key]                      # deleted configurations
        for key, text in rows:
            if self._stop.is_set():
                return
            seen = self._quiet.get(key)
            if seen and seen[0] == text and now_ts < seen[1]:
                continue
            config = json.loads(text)
            if config.get("properties", {}).get("provisioningState") != "Succeeded":
                self._quiet[key] = (text, math.inf)   # its document changes when the operation finishes
                continue
            try:
                written = self._reconcile_one(config)
            except Exception:
                log.exception("reconciling %s failed", config.get("id"))
                written = None
            self._quiet[key] = (written or text, now_ts + RECHECK_SECONDS)

    def _reconcile_one(self, config: dict) -> str | None:
        """Reconcile when due; returns the document text written, if any."""
        reconciler, store = self._svc.reconciler, self._svc.store
        now_ts = self._svc.clock()
        now = dt.datetime.fromtimestamp(now_ts, dt.UTC)
        state, _ = store.get_state(config["id"])
        if not reconciler.is_due(config, state, now):
            return None
        extension = flux_extension(self._svc, lifecycle.cluster_id_of(config["id"]))
        status, new_state = reconciler.reconcile(config, extension, state, now, self._settings)
        with store.transaction():
            current = store.get(config["id"])
            if current is None or current["properties"].get("provisioningState") == "Deleting":
                return None
            for key in FLUX_STATUS_FIELDS:
                if key in status:
                    current["properties"][key] = status[key]
            store.update_body(current["id"], current)
            store.put_state(current["id"], new_state, now_ts)
        return json.dumps(current)
