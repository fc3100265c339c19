"""Admin routes under /_emulator/: not ARM, never logged, never faulted; need the admin secret."""

from __future__ import annotations

import hmac
import logging
import os

from k8sconfig_emulator import errors
from k8sconfig_emulator.context import Ctx, Reply
from k8sconfig_emulator.services import Services

PREFIX = "/_emulator/"
ADMIN_HEADER = "x-emulator-admin"
log = logging.getLogger("k8sconfig_emulator")


def is_admin_path(path: str) -> bool:
    return path.lower().startswith(PREFIX)


def handle(svc: Services, ctx: Ctx) -> Reply:
    try:
        return _dispatch(svc, ctx)
    except errors.ArmError as exc:
        return Reply.from_error(exc)


def _dispatch(svc: Services, ctx: Ctx) -> Reply:
    name = ctx.path[len(PREFIX):].strip("/").lower()
    if name == "health" and ctx.method == "GET":
        return Reply(200, {"status": "ok", "pid": os.getpid()})
    given = ctx.headers.get(ADMIN_HEADER, "")
    if not hmac.compare_digest(given.encode(), svc.admin_secret.encode()):
        raise errors.ArmError(401, "AdminSecretRequired",
                              f"Send the admin secret from the data dir's admin.secret in the {ADMIN_HEADER} header.")
    if name == "knobs" and ctx.method == "GET":
        return Reply(200, svc.knobs.snapshot())
    if name == "knobs" and ctx.method in ("PUT", "POST", "PATCH"):
        try:
            return Reply(200, svc.knobs.update(ctx.object_body()))
        except ValueError as exc:
            raise errors.invalid_content(f"Invalid knobs: {exc}.") from None
    if name == "cluster-objects" and ctx.method == "GET":
        return Reply(200, {"value": cluster_objects(svc, ctx.query.get("id", ""))})
    raise errors.path_not_found(ctx.path)


def cluster_objects(svc: Services, cluster_id: str) -> list[dict]:
    if not cluster_id or svc.store.get(cluster_id) is None:
        raise errors.ArmError(404, "ResourceNotFound", f"The cluster '{cluster_id}' does not exist in the emulator.")
    if svc.reconciler is None:
        log.warning("the reconciler package is not available, so no cluster objects are known")
        return []
    return svc.reconciler.cluster_objects(svc.store.states_on_cluster(cluster_id))
