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
from k8sconfig_emulator.arm.platform import AUDIENCE
from k8sconfig_emulator.context import Ctx, Handler, Reply
from k8sconfig_emulator.knobs import Knobs
from k8sconfig_emulator.resource_schemas import SECRET_NAMES
from k8sconfig_emulator.schema import redact_for_log

log = logging.getLogger("k8sconfig_emulator")

Layer = Callable[[Ctx, Handler], Reply]
TOKEN_PATHS = ("/msi/token",)
OPEN_PATHS = TOKEN_PATHS + ("/metadata/endpoints",)
# the cloud's resource id, with and without the trailing slash (clients ask for either, as with real ARM)
ARM_AUDIENCES = (AUDIENCE, AUDIENCE.rstrip("/"))


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
            "method": ctx.method, "path": redact_for_log(ctx.path, SECRET_NAMES),
            "query": redact_for_log(dict(ctx.query), SECRET_NAMES),
            "status": reply.status, "ms": round((time.monotonic() - started) * 1000, 1),
            "requestId": ctx.request_id,
            "body": None if is_token_call else redact_for_log(ctx.json, SECRET_NAMES),
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
    """ARM calls need a bearer token this emulator issued for its ARM audience and that is valid now."""

    def __init__(self, signing_key: bytes, clock: Callable[[], float] = time.time):
        self._key = signing_key
        self._clock = clock

    def __call__(self, ctx: Ctx, next_handler: Handler) -> Reply:
        if ctx.path.lower() in OPEN_PATHS:
            return next_handler(ctx)
        check_bearer(self._key, self._clock(), ctx.headers.get("authorization", ""), ctx.base_url)
        return next_handler(ctx)


def check_bearer(key: bytes, now: float, authorization: str, authority: str) -> None:
    """Raise the ARM 401 unless ``authorization`` carries a token this emulator issued for ARM, valid at ``now``.
    Used for ARM calls and for the git repositories served at /git/NAME."""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise errors.auth_failed("AuthenticationFailed",
                                 "Authentication failed. The 'Authorization' header is missing a bearer token.",
                                 authority)
    try:
        tokens.verify(key, token.strip(), now, ARM_AUDIENCES)
    except tokens.TokenError as exc:
        raise errors.auth_failed(exc.code, exc.message, authority) from None


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
