"""Generic handlers for cluster-scoped Microsoft.KubernetesConfiguration resources with LROs.

A ``KindSpec`` describes one resource type (flux configurations, extensions); the handlers here
implement the ARM contract once: PUT 201/200, merge PATCH 202, DELETE 202/204 (forceDelete 200),
GET, paged list, the operation-status GET (Azure-AsyncOperation) and the operation-result GET (Location).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from k8sconfig_emulator import errors, schema
from k8sconfig_emulator.arm import responses
from k8sconfig_emulator.arm.scope import (
    KC_NAMESPACE,
    ClusterRef,
    require_cluster,
    require_registered,
)
from k8sconfig_emulator.context import Ctx, Reply
from k8sconfig_emulator.services import Services

IN_FLIGHT = ("Creating", "Updating")
TERMINAL = ("Succeeded", "Failed", "Canceled")


@dataclass(frozen=True)
class KindSpec:
    kind: str                   # store kind and operation kind
    collection: str             # ARM collection segment, e.g. "fluxConfigurations"
    versions: tuple[str, ...]
    schema: schema.Obj
    patch_schema: schema.Obj
    # (svc, cluster, name, validated body, existing or None) -> stored resource
    build_put: Callable[[Services, ClusterRef, str, dict, dict | None], dict]
    # (svc, cluster, name, validated patch, existing) -> stored resource
    build_patch: Callable[[Services, ClusterRef, str, dict, dict], dict]
    # (svc, stored, action) -> (delay seconds, operation meta)
    plan_operation: Callable[[Services, dict, str], tuple[float, dict]]
    public_view: Callable[[dict], dict]
    # (svc, stored) -> None: synchronous removal used by forceDelete
    force_delete: Callable[[Services, dict], None]
    # (svc, cluster) -> None: raises when the cluster cannot take a write of this kind (PUT and PATCH)
    check_cluster: Callable[[Services, ClusterRef], None] = lambda svc, cluster: None

    @property
    def type_name(self) -> str:
        return f"{KC_NAMESPACE}/{self.collection}"


def collection_id(cluster: ClusterRef, spec: KindSpec) -> str:
    return f"{cluster.id}/providers/{KC_NAMESPACE}/{spec.collection}"


def _resource_path(ctx: Ctx) -> str:
    """The resource id in the casing of the request (path up to the resource name)."""
    path = ctx.path.rstrip("/")
    if "op" in ctx.params:  # .../{name}/operations/{op} or .../{name}/operationResults/{op}
        path = path.rsplit("/", 2)[0]
    return path


def _not_found(cluster: ClusterRef, spec: KindSpec, name: str) -> errors.ArmError:
    return errors.resource_not_found(f"{cluster.type_path}/providers/{spec.type_name}/{name}", cluster.group)


def _start_operation(svc: Services, spec: KindSpec, ctx: Ctx, stored: dict, action: str) -> str:
    op_id = str(uuid.uuid4())
    delay, meta = spec.plan_operation(svc, stored, action)
    meta = {**meta, "resource_path": _resource_path(ctx)}
    svc.store.add_operation(op_id, stored["id"], spec.kind, action, svc.clock() + delay, meta)
    return op_id


def list_(svc: Services, spec: KindSpec, ctx: Ctx) -> Reply:
    cluster = require_cluster(svc, ctx)
    collection = collection_id(cluster, spec)

    def fetch(offset: int, limit: int) -> list[dict]:
        return [spec.public_view(r) for r in svc.store.children(collection, spec.kind, offset, limit)]

    return responses.paged(ctx, fetch, svc.knobs.page_size)


def get(svc: Services, spec: KindSpec, ctx: Ctx) -> Reply:
    cluster = require_cluster(svc, ctx)
    stored = svc.store.get(_resource_path(ctx))
    if stored is None:
        raise _not_found(cluster, spec, ctx.params["name"])
    return Reply(200, spec.public_view(stored))


def put(svc: Services, spec: KindSpec, ctx: Ctx) -> Reply:
    cluster = require_cluster(svc, ctx)
    require_registered(svc)
    body = ctx.object_body()
    schema.validate(spec.schema, body)
    body = schema.drop_nulls(schema.strip_read_only(spec.schema, body))
    spec.check_cluster(svc, cluster)
    path = _resource_path(ctx)
    with svc.store.transaction():
        existing = svc.store.get(path)
        _refuse_while_deleting(existing)
        stored = spec.build_put(svc, cluster, ctx.params["name"], body, existing)
        stored["id"] = path if existing is None else existing["id"]
        svc.store.put(path, collection_id(cluster, spec), spec.kind, stored)
        op_id = _start_operation(svc, spec, ctx, stored, "put")
    svc.wake_worker()
    return responses.accepted(ctx, 200 if existing else 201, spec.public_view(stored), path, op_id,
                               svc.config.retry_after)


def patch(svc: Services, spec: KindSpec, ctx: Ctx) -> Reply:
    cluster = require_cluster(svc, ctx)
    require_registered(svc)
    body = ctx.object_body()
    schema.validate(spec.patch_schema, body)
    body = schema.strip_read_only(spec.patch_schema, body)
    spec.check_cluster(svc, cluster)
    path = _resource_path(ctx)
    with svc.store.transaction():
        existing = svc.store.get(path)
        if existing is None:
            raise _not_found(cluster, spec, ctx.params["name"])
        _refuse_while_deleting(existing)
        stored = spec.build_patch(svc, cluster, ctx.params["name"], body, existing)
        svc.store.put(path, collection_id(cluster, spec), spec.kind, stored)
        op_id = _start_operation(svc, spec, ctx, stored, "patch")
    svc.wake_worker()
    return responses.accepted(ctx, 202, spec.public_view(stored), path, op_id, svc.config.retry_after)


def delete(svc: Services, spec: KindSpec, ctx: Ctx) -> Reply:
    require_cluster(svc, ctx)
    require_registered(svc)
    force = next((v for k, v in ctx.query.items() if k.lower() == "forcedelete"), "false")
    if force.lower() not in ("true", "false"):
        raise errors.invalid_content(f"The query parameter forceDelete must be true or false, got '{force}'.",
                                     target="forceDelete")
    path = _resource_path(ctx)
    with svc.store.transaction():
        existing = svc.store.get(path)
        if existing is None:
            return Reply(204)
        if force.lower() == "true":
            spec.force_delete(svc, existing)
            return Reply(200)
        existing["properties"]["provisioningState"] = "Deleting"
        svc.store.put(path, collection_id_from(existing, spec), spec.kind, existing)
        op_id = _start_operation(svc, spec, ctx, existing, "delete")
    svc.wake_worker()
    return responses.accepted(ctx, 202, None, path, op_id, svc.config.retry_after)


def collection_id_from(stored: dict, spec: KindSpec) -> str:
    return stored["id"][: stored["id"].lower().rfind("/" + spec.collection.lower() + "/") + 1 + len(spec.collection)]


def _operation(svc: Services, spec: KindSpec, ctx: Ctx) -> dict:
    op = svc.store.get_operation(ctx.params["op"])
    if op is None or op["resource_id"] != _resource_path(ctx).lower() or op["kind"] != spec.kind:
        raise errors.operation_not_found(ctx.params["op"])
    return op


def operation_status(svc: Services, spec: KindSpec, ctx: Ctx) -> Reply:
    """The Azure-AsyncOperation URL: 200 with the operation's status."""
    require_cluster(svc, ctx)
    op = _operation(svc, spec, ctx)
    body = {"id": ctx.path.rstrip("/"), "name": op["id"], "status": op["status"], "properties": {}}
    if op["error"]:
        body["error"] = op["error"]
    # like ARM: while the operation runs, tell pollers when to come back (azure-core otherwise waits 30 s)
    running = op["status"] not in TERMINAL
    return Reply(200, body, responses.poll_hint(svc.config.retry_after) if running else {})


def operation_result(svc: Services, spec: KindSpec, ctx: Ctx) -> Reply:
    """The Location URL: 202 while the operation runs, then the result (200 with the resource, or 204 after a
    delete), or the operation's error."""
    require_cluster(svc, ctx)
    op = _operation(svc, spec, ctx)
    if op["status"] not in TERMINAL:
        location = responses.operation_url(ctx, _resource_path(ctx), op["id"], "operationResults")
        return Reply(202, None, {"Location": location, **responses.poll_hint(svc.config.retry_after)})
    if op["status"] != "Succeeded":
        error = op["error"] or {"code": "OperationFailed", "message": f"The operation ended {op['status']}."}
        raise errors.operation_failed(error.get("code") or "OperationFailed", error.get("message") or "")
    if op["action"] == "delete":
        return Reply(204)
    stored = svc.store.get(_resource_path(ctx))
    if stored is None:
        raise errors.resource_not_found(_resource_path(ctx), ctx.params.get("rg", ""))
    return Reply(200, spec.public_view(stored))


def _refuse_while_deleting(existing: dict | None) -> None:
    if existing and existing.get("properties", {}).get("provisioningState") == "Deleting":
        raise errors.conflict(f"'{existing['name']}' is being deleted; wait for the delete to finish and retry.")
