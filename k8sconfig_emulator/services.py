"""What the ARM handlers need, built once by the composition root (app.py)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType

from k8sconfig_emulator.config import EmulatorConfig
from k8sconfig_emulator.knobs import Knobs
from k8sconfig_emulator.store import Store


@dataclass
class Services:
    store: Store
    config: EmulatorConfig
    knobs: Knobs
    signing_key: bytes
    identity_secret: str
    admin_secret: str
    reconciler: ModuleType | None = None
    clock: Callable[[], float] = time.time
    wake_worker: Callable[[], None] = field(default=lambda: None)

    def now_iso(self) -> str:
        return dt.datetime.fromtimestamp(self.clock(), dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
