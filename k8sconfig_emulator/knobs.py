"""Runtime knobs changed through the admin route: injected faults and list page size."""

from __future__ import annotations

import random
import threading
from dataclasses import asdict, dataclass, field

ALLOWED_FAULT_CODES = (429, 503)


@dataclass
class Knobs:
    rate: float = 0.0
    codes: list[int] = field(default_factory=lambda: [429, 503])
    latency_ms: int = 0
    fail_next_extension_install: bool = False
    deny_registration: bool = False   # POST .../register answers 403, as for an account without the right
    page_size: int = 100

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._random = random.Random()

    def snapshot(self) -> dict:
        with self._lock:
            return {k: v for k, v in asdict(self).items()}

    def update(self, changes: dict) -> dict:
        """Apply a partial update; raise ValueError naming the field for a bad value."""
        clean = _validated(changes)
        with self._lock:
            for key, value in clean.items():
                setattr(self, key, value)
        return self.snapshot()

    def pick_fault(self) -> int | None:
        """Status code of the fault to inject for this call, or None."""
        with self._lock:
            if self.rate <= 0 or not self.codes or self._random.random() >= self.rate:
                return None
            return self._random.choice(self.codes)

    def take_fail_next(self) -> bool:
        with self._lock:
            value, self.fail_next_extension_install = self.fail_next_extension_install, False
            return value


def _validated(changes: dict) -> dict:
    if not isinstance(changes, dict):
        raise ValueError("expected a JSON object")  # noqa: TRY004 - reported to the caller as a 400
    clean = {}
    for key, value in changes.items():
        if key == "rate":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
                raise ValueError("rate must be a number between 0 and 1")
            clean[key] = float(value)
        elif key == "codes":
            if not isinstance(value, list) or any(c not in ALLOWED_FAULT_CODES for c in value):
                raise ValueError("codes must be a list of 429 and/or 503")
            clean[key] = [int(c) for c in value]
        elif key in ("latency_ms", "page_size"):
            if isinstance(value, bool) or not isinstance(value, int) or value < (1 if key == "page_size" else 0):
                raise ValueError(f"{key} must be a non-negative integer" + (" (at least 1)" if key == "page_size" else ""))
            clean[key] = value
        elif key in ("fail_next_extension_install", "deny_registration"):
            if not isinstance(value, bool):
                raise ValueError(f"{key} must be true or false")
            clean[key] = value
        else:
            raise ValueError(f"unknown knob '{key}'")
    return clean
