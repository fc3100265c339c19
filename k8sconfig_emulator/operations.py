"""Background worker that finishes long-running operations when they are due.

Operations live in the store, so the ones in flight when the process died are picked up again
(and finish at once, their due time having passed) after a restart.
"""

from __future__ import annotations

import logging
import threading

from k8sconfig_emulator import lifecycle
from k8sconfig_emulator.services import Services

log = logging.getLogger("k8sconfig_emulator")
MAX_IDLE_SECONDS = 0.5


class OperationWorker:
    def __init__(self, svc: Services):
        self._svc = svc
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="lro-worker", daemon=True)

    def start(self) -> None:
        resumed = self._svc.store.resume_operations(self._svc.clock() + self._svc.config.operation_delay)
        if resumed:
            log.info("resuming %d operation(s) left in flight by a previous run", resumed)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=10)

    def wake(self) -> None:
        self._wake.set()

    def run_once(self) -> int:
        """Finish every due operation; return how many were handled."""
        due = self._svc.store.due_operations(self._svc.clock())
        for op in due:
            try:
                lifecycle.complete(self._svc, op)
            except Exception:
                log.exception("operation %s failed inside the emulator", op["id"])
                self._svc.store.update_operation(op["id"], status="Failed", error={
                    "code": "InternalServerError", "message": "The emulator failed to finish this operation."})
        return len(due)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.run_once()
            next_due = self._svc.store.next_due()
            timeout = MAX_IDLE_SECONDS if next_due is None else min(
                MAX_IDLE_SECONDS, max(0.01, next_due - self._svc.clock()))
            self._wake.wait(timeout)
            self._wake.clear()
