"""Composition root: builds the store, services, worker threads, pipeline and the Starlette app.

Pipeline order (outermost first) is written down once, in ``LAYER_ORDER`` below.
"""

from __future__ import annotations

import base64
import contextlib
import importlib
import json
import logging
import re
import uuid
from types import ModuleType

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

from k8sconfig_emulator import admin, datadir, errors, layers
from k8sconfig_emulator.arm import providers
from k8sconfig_emulator.config import EmulatorConfig
from k8sconfig_emulator.context import MAX_BODY_BYTES, Ctx, Reply
from k8sconfig_emulator.knobs import Knobs
from k8sconfig_emulator.operations import OperationWorker
from k8sconfig_emulator.reconcile_loop import ReconcileLoop
from k8sconfig_emulator.routes import Router
from k8sconfig_emulator.services import Services
from k8sconfig_emulator.store import Store

log = logging.getLogger("k8sconfig_emulator")
RECONCILER_API = ("ReconcilerSettings", "is_due", "reconcile", "finalize_delete", "extension_statuses",
                  "cluster_objects")
METHODS = ["GET", "PUT", "POST", "PATCH", "DELETE", "HEAD", "OPTIONS"]


def optional_module(name: str, required: tuple[str, ...]) -> ModuleType | None:
    """Import a part another package provides; a clear log line instead of a crash when missing."""
    try:
        module = importlib.import_module(f"k8sconfig_emulator.{name}")
        missing = [attr for attr in required if not hasattr(module, attr)]  # a package may import names lazily
    except ImportError as exc:
        log.warning("k8sconfig_emulator.%s is not available (%s); running without it", name, exc)
        return None
    if missing:
        log.warning("k8sconfig_emulator.%s lacks %s; running without it", name, ", ".join(missing))
        return None
    return module


def reconciler_settings(reconciler: ModuleType, cfg: EmulatorConfig):
    return reconciler.ReconcilerSettings(cache_dir=cfg.data_dir / "reconciler-cache",
                                         git_insteadof=list(cfg.git_insteadof), git_repos=dict(cfg.git_repos),
                                         helm_repos=dict(cfg.helm_repos))


def build_services(cfg: EmulatorConfig, reconciler: ModuleType | None) -> Services:
    datadir.ensure(cfg.data_dir)
    store = Store(cfg.db_path)
    svc = Services(store=store, config=cfg, knobs=Knobs(page_size=cfg.page_size),
                   signing_key=datadir.signing_key(cfg.data_dir),
                   identity_secret=datadir.identity_secret(cfg.data_dir),
                   admin_secret=datadir.admin_secret(cfg.data_dir), reconciler=reconciler)
    providers.initialise(svc)
    return svc


def build_pipeline(svc: Services):
    LAYER_ORDER = [
        layers.RequestLog(svc.config.data_dir / "requests.jsonl"),
        layers.catch_errors,
        layers.Faults(svc.knobs),
        layers.Authenticate(svc.signing_key, svc.clock),
        layers.check_body,
    ]
    arm = layers.compose(LAYER_ORDER, Router(svc))

    def handle(ctx: Ctx) -> Reply:
        if admin.is_admin_path(ctx.path):
            return admin.handle(svc, ctx)
        return arm(ctx)

    return handle


def git_auth(svc: Services):
    """/git/NAME takes the ARM bearer token, also as the password of HTTP basic auth (git credential helpers)."""
    def check(authorization: str) -> str | None:
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() == "basic":
            try:
                authorization = "Bearer " + base64.b64decode(value.strip(), validate=True).decode().partition(":")[2]
            except (ValueError, UnicodeDecodeError):
                return "the basic credentials are not valid base64"
        try:
            layers.check_bearer(svc.signing_key, svc.clock(), authorization, "")
        except errors.ArmError as exc:
            return exc.message
        return None

    return check


async def _read_body(request: Request) -> tuple[bytes, bool]:
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and (len(declared) > 18 or int(declared) > MAX_BODY_BYTES):
        return b"", True
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return b"", True
        chunks.append(chunk)
    return b"".join(chunks), False


MAX_ECHOED_ID = 256


def _tracking_headers(request_headers, request_id: str) -> dict[str, str]:
    """ARM's tracking headers: x-ms-request-id is the server's own; the correlation id is the caller's when it
    sent one (else a new one); the client request id is echoed when sent."""
    def given(name: str) -> str:
        value = request_headers.get(name, "").strip()
        return value if 0 < len(value) <= MAX_ECHOED_ID and value.isprintable() else ""

    headers = {"x-ms-request-id": request_id,
               "x-ms-correlation-request-id": given("x-ms-correlation-request-id") or str(uuid.uuid4())}
    if given("x-ms-client-request-id"):
        headers["x-ms-client-request-id"] = given("x-ms-client-request-id")
    return headers


def _to_response(reply: Reply, tracking: dict[str, str], method: str) -> Response:
    headers = {**reply.headers, **tracking}
    if reply.body is None or method == "HEAD":
        return Response(status_code=reply.status, headers=headers)
    # ASCII-escaped JSON: a lone surrogate echoed from a request body must not break the encoding
    content = json.dumps(reply.body, ensure_ascii=True, separators=(",", ":"))
    return Response(content, status_code=reply.status, headers=headers, media_type="application/json")


def create_app(cfg: EmulatorConfig) -> Starlette:
    reconciler = optional_module("reconciler", RECONCILER_API)
    git_http = optional_module("git_http", ("make_git_app",))
    svc = build_services(cfg, reconciler)
    worker = OperationWorker(svc)
    svc.wake_worker = worker.wake
    loop = ReconcileLoop(svc, reconciler_settings(reconciler, cfg) if reconciler else None, cfg.reconcile_interval)
    handle = build_pipeline(svc)

    async def endpoint(request: Request) -> Response:
        raw, too_large = await _read_body(request)
        request_id = str(uuid.uuid4())
        ctx = Ctx(method=request.method, path=re.sub("/{2,}", "/", request.url.path), query=dict(request.query_params),
                  headers={k.lower(): v for k, v in request.headers.items()}, raw_body=raw,
                  base_url=f"{request.url.scheme}://{request.url.netloc}", request_id=request_id,
                  body_too_large=too_large)
        reply = await run_in_threadpool(handle, ctx)
        return _to_response(reply, _tracking_headers(request.headers, request_id), request.method)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        worker.start()
        loop.start()
        try:
            yield
        finally:
            loop.stop()
            worker.stop()
            svc.store.close()

    routes = []
    if git_http is not None:
        routes.append(Mount("/git", app=git_http.make_git_app(dict(cfg.git_repos), git_auth(svc))))
    routes.append(Route("/{path:path}", endpoint, methods=METHODS))
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.services = svc
    return app

