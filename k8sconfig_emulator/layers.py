"""The request pipeline's layers, outermost first: request log -> faults -> auth -> body check.

Each layer is ``layer(ctx, next_handler) -> Reply``; ``compose`` writes the order down once.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from k8sconfig_emulator import errors, tokens
from k8sconfig_emulator.context import Ctx, Handler, Reply
from k8sconfig_emulator.knobs import Knobs
from k8sconfig_emulator.resource_schemas import SECRET_NAMES
from k8sconfig_emulator.schema import redact_by_name

log = logging.getLogger("k8sconfig_emulator")

Layer = Callable[[Ctx, Handler], Reply]
TOKEN_PATHS = ("/msi/token", "/metadata/identity/oauth2/token")
OPEN_PATHS = TOKEN_PATHS + ("/metadata/endpoints",)


def compose(layers: list[Layer], handler: Handler) -> Handler:
    for layer in reversed(layers):
        handler = partial(layer, next_handler=handler)
    return handler


class RequestLog:
    """Appends one JSON line per ARM request to requests.jsonl, secrets masked."""

    def __init__(self, path: Path):
        self._path = path
        self._lock = threading.Lock()

    def __call__(self, ctx: Ctx, next_handler: Handler) -> Reply:
        started = time.monotonic()
        reply = next_handler(ctx)
        is_token_call = ctx.path.lower() in TOKEN_PATHS
        entry = {
            "method": ctx.method, "path": ctx.path,
            "query": {k: v for k, v in ctx.query.items()},
            "status": reply.status, "ms": round((time.monotonic() - started) * 1000, 1),
            "body": None if is_token_call else redact_by_name(ctx.json, SECRET_NAMES),
        }
        line = json.dumps(entry, separators=(",", ":")) + "\n"
        with self._lock, self._path.open("a", encoding="utf-8") as handle:
            handle.write(line)
        return reply


class Faults:
    """Latency and throttling injected before the handler runs, so no write can happen twice."""

    def __init__(self, knobs: Knobs, sleep: Callable[[float], None] = time.sleep):
        self._knobs = knobs
        self._sleep = sleep

    def __call__(self, ctx: Ctx, next_handler: Handler) -> Reply:
        if ctx.path.lower() in TOKEN_PATHS:
            return next_handler(ctx)
        latency = self._knobs.latency_ms
        if latency:
            self._sleep(latency / 1000)
        status = self._knobs.pick_fault()
        if status is not None:
            return Reply.from_error(errors.throttled(status))
        return next_handler(ctx)


class Authenticate:
    """ARM calls need a bearer token this emulator issued and that has not expired."""

    def __init__(self, signing_key: bytes, clock: Callable[[], float] = time.time):
        self._key = signing_key
        self._clock = clock

    def __call__(self, ctx: Ctx, next_handler: Handler) -> Reply:
        if ctx.path.lower() in OPEN_PATHS:
            return next_handler(ctx)
        header = ctx.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise errors.auth_failed("AuthenticationFailed",
                                     "Authentication failed. The 'Authorization' header is missing a bearer token.",
                                     ctx.base_url)
        try:
            tokens.verify(self._key, token.strip(), self._clock())
        except tokens.TokenError as exc:
            raise errors.auth_failed(exc.code, exc.message, ctx.base_url) from None
        return next_handler(ctx)


def check_body(ctx: Ctx, next_handler: Handler) -> Reply:
    """Reject oversize, non-JSON, malformed or too deeply nested bodies before routing."""
    if ctx.method in ("PUT", "PATCH", "POST"):
        ctx.body()
    return next_handler(ctx)


def catch_errors(ctx: Ctx, next_handler: Handler) -> Reply:
    """ArmError -> ARM error envelope; anything unexpected -> 500 with the request id (logged)."""
    try:
        return next_handler(ctx)
    except errors.ArmError as exc:
        return Reply.from_error(exc)
    except Exception:
        log.exception("unexpected error handling %s %s (request id %s)", ctx.method, ctx.path, ctx.request_id)
        return Reply.from_error(errors.internal_error(ctx.request_id))
