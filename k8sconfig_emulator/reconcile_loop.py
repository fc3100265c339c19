"""Background loop driving the reconciler for every provisioned flux configuration."""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor

from k8sconfig_emulator import extension_rules, lifecycle
from k8sconfig_emulator.resource_schemas import FLUX_STATUS_FIELDS
from k8sconfig_emulator.services import Services

log = logging.getLogger("k8sconfig_emulator")

# A configuration whose stored document has not changed is asked `is_due` again only after this long, so a
# tick costs one cheap read per configuration instead of parsing every document and state each time.
RECHECK_SECONDS = 2.0
# Configurations reconciled at the same time: a slow repository occupies one worker, not the whole cluster.
WORKERS = 4
# After an unexpected error the configuration is tried again after this long.
ERROR_RETRY_SECONDS = 30


def flux_extension(svc: Services, cluster_id: str) -> dict | None:
    collection = cluster_id + "/providers/Microsoft.KubernetesConfiguration/extensions"
    return next((e for e in svc.store.children(collection, "extension") if extension_rules.is_flux(e)), None)


def _other_objects(store, cluster_id: str, config: dict) -> list[dict]:
    """Inventory entries of the cluster's other configurations (live, or left behind by deleted ones)."""
    out: list[dict] = []
    for state in store.states_on_cluster(cluster_id):
        owner = state.get("configuration")
        if isinstance(owner, dict) and owner.get("name") == config.get("name"):
            continue
        out.extend(state.get("inventory") or [])
    return out


def _spec_changed(reconciled: dict, current: dict) -> bool:
    from k8sconfig_emulator.reconciler.schedule import spec_hash
    return spec_hash(reconciled.get("properties") or {}) != spec_hash(current.get("properties") or {})


def _failure(config: dict, state: dict | None, exc: BaseException, now: dt.datetime) -> tuple[dict, dict]:
    """Status and state for a reconcile that raised: Non-Compliant with the cause, retried later."""
    # only used when the reconciler is there
    from k8sconfig_emulator.reconciler import statuses
    from k8sconfig_emulator.reconciler.schedule import iso, spec_hash
    from k8sconfig_emulator.reconciler.source import protected_secrets
    from k8sconfig_emulator.reconciler.urls import scrub

    props = config.get("properties") or {}
    ts = iso(now)
    cause = scrub(f"{type(exc).__name__}: {exc}", protected_secrets(props))
    message = statuses.clip(f"the emulated cluster could not reconcile the configuration: {cause}",
                            statuses.MAX_MESSAGE)
    source = statuses.Result(props.get("sourceKind") or "GitRepository", config.get("name"), props.get("namespace"),
                             statuses.NON_COMPLIANT, "ReconciliationFailed", message)
    status = {"complianceState": statuses.NON_COMPLIANT, "errorMessage": message, "statusUpdatedAt": ts,
              "statuses": [statuses.to_status(source, {}, ts)]}
    retry = iso(now + dt.timedelta(seconds=ERROR_RETRY_SECONDS))
    return status, {**(state or {}), "specHash": spec_hash(props), "nextDueAt": retry, "failedAt": ts}


class ReconcileLoop:
    def __init__(self, svc: Services, settings, interval: float):
        self._svc = svc
        self._settings = settings
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="reconcile-loop", daemon=True)
        self._quiet: dict[str, tuple[str, float]] = {}   # id -> (document seen, nothing to do before this time)
        self._running: set[str] = set()
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="reconcile")

    def start(self) -> None:
        if self._svc.reconciler is not None:
            self.clean_scratch()
            self._thread.start()

    def clean_scratch(self) -> None:
        """Work trees left behind by a crash (they are only used during a reconcile)."""
        if self._settings is not None:
            shutil.rmtree(self._settings.cache_dir / "tmp", ignore_errors=True)

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)
        self._pool.shutdown(wait=False, cancel_futures=True)
        stop_all = getattr(getattr(self._svc.reconciler, "proc", None), "stop_all", None)
        if stop_all is not None:
            stop_all()  # a worker inside a long git or kustomize run must not keep the process alive

    def _run(self) -> None:
        while not self._stop.is_set():
            self.tick()
            self._stop.wait(self._interval)

    def tick(self, wait: bool = False) -> None:
        """Hand every configuration with something to do to the worker pool (``wait``: until they finish)."""
        now_ts = self._svc.clock()
        rows = self._svc.store.texts_of_kind("flux")
        futures = []
        with self._lock:
            for key in self._quiet.keys() - {key for key, _ in rows}:
                del self._quiet[key]                      # deleted configurations
        for key, text in rows:
            if self._stop.is_set():
                return
            with self._lock:
                seen = self._quiet.get(key)
                if key in self._running or (seen and seen[0] == text and now_ts < seen[1]):
                    continue
            config = json.loads(text)
            if config.get("properties", {}).get("provisioningState") != "Succeeded":
                with self._lock:
                    self._quiet[key] = (text, math.inf)   # its document changes when the operation finishes
                continue
            with self._lock:
                self._running.add(key)
            futures.append(self._pool.submit(self._work, key, text, config))
        if wait:
            for future in futures:
                future.result()

    def _work(self, key: str, text: str, config: dict) -> None:
        try:
            try:
                written = self._reconcile_one(config)
            except Exception as exc:  # any failure becomes the configuration's status
                log.exception("reconciling %s failed", config.get("id"))
                written = self._write_failure(config, exc)
            with self._lock:
                self._quiet[key] = (written or text, self._svc.clock() + RECHECK_SECONDS)
        finally:
            with self._lock:
                self._running.discard(key)

    def _write_failure(self, config: dict, exc: Exception) -> str | None:
        now = dt.datetime.fromtimestamp(self._svc.clock(), dt.UTC)
        try:
            state, _ = self._svc.store.get_state(config["id"])
            return self._write(config, *_failure(config, state, exc, now))
        except Exception: # the store itself failed; the next tick tries again
            log.exception("recording the failure of %s failed", config.get("id"))
            return None

    def _reconcile_one(self, config: dict) -> str | None:
        """Reconcile when due; returns the document text written, if any."""
        reconciler, store = self._svc.reconciler, self._svc.store
        now_ts = self._svc.clock()
        now = dt.datetime.fromtimestamp(now_ts, dt.UTC)
        state, _ = store.get_state(config["id"])
        if not reconciler.is_due(config, state, now):
            return None
        cluster_id = lifecycle.cluster_id_of(config["id"])
        extension = flux_extension(self._svc, cluster_id)
        status, new_state = reconciler.reconcile(config, extension, state, now, self._settings,
                                                 others=_other_objects(store, cluster_id, config))
        return self._write(config, status, new_state)

    def _write(self, config: dict, status: dict, new_state: dict) -> str | None:
        store = self._svc.store
        with store.transaction():
            current = store.get(config["id"])
            if current is None or current["properties"].get("provisioningState") == "Deleting":
                return None
            if _spec_changed(config, current):
                return None   # written while this reconcile ran: its status would describe the old spec
            for key in FLUX_STATUS_FIELDS:
                if key in status:
                    current["properties"][key] = status[key]
            store.update_body(current["id"], current)
            store.put_state(current["id"], new_state, self._svc.clock())
        return json.dumps(current)
