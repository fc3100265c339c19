"""Generic cluster resources (connectedClusters, managedClusters, provisionedClusters)."""

from __future__ import annotations

from k8sconfig_emulator import errors, schema
from k8sconfig_emulator.arm.scope import (
    canonical_cluster_type,
    check_subscription,
    cluster_id,
    require_group,
    system_data,
)
from k8sconfig_emulator.context import Ctx, Reply
from k8sconfig_emulator.services import Services

KIND = "cluster"
_IDENTITY_TYPES = ("SystemAssigned", "UserAssigned", "SystemAssigned, UserAssigned", "None")


def _collection(sub: str, group: str, rp: str, ctype: str) -> str:
    return f"/subscriptions/{sub}/resourceGroups/{group}/providers/{rp}/{ctype}"


def _id(ctx: Ctx) -> str:
    p = ctx.params
    return cluster_id(p["sub"], p["rg"], p["rp"], p["ctype"], p["cluster"])


def put_cluster(svc: Services, ctx: Ctx) -> Reply:
    p = ctx.params
    group = require_group(svc, p["sub"], p["rg"])
    rp, ctype = canonical_cluster_type(p["rp"], p["ctype"])
    body = ctx.object_body()
    properties = body.get("properties") or {}
    if not isinstance(properties, dict):
        raise errors.invalid_content("Invalid request body at properties: expected object.", target="properties")
    location = body.get("location") or group["location"]
    if not isinstance(location, str):
        raise errors.invalid_content("Invalid request body at location: expected string.", target="location")
    with svc.store.transaction():
        existing = svc.store.get(_id(ctx))
        stored = {"id": existing["id"] if existing else _id(ctx),
                  "name": existing["name"] if existing else p["cluster"], "type": f"{rp}/{ctype}",
                  "location": location.replace(" ", "").lower(), "tags": body.get("tags") or {},
                  "systemData": system_data(svc, existing),
                  "properties": {**schema.drop_nulls(properties), "provisioningState": "Succeeded"}}
        identity = body.get("identity")
        if isinstance(identity, dict) and identity.get("type") in _IDENTITY_TYPES:
            stored["identity"] = {**identity, "principalId": "00000000-0000-0000-0000-0000000000d1",
                                  "tenantId": "00000000-0000-0000-0000-00000000aaaa"}
        if ctype == "connectedClusters":
            stored["properties"].setdefault("connectivityStatus", "Connected")
            stored["properties"].setdefault("kubernetesVersion", "1.30.0")
        svc.store.put(stored["id"], _collection(p["sub"], p["rg"], rp, ctype), KIND, stored)
    return Reply(200 if existing else 201, stored)


def _existing(svc: Services, ctx: Ctx) -> dict:
    p = ctx.params
    require_group(svc, p["sub"], p["rg"])
    rp, ctype = canonical_cluster_type(p["rp"], p["ctype"])
    stored = svc.store.get(_id(ctx))
    if stored is None:
        raise errors.resource_not_found(f"{rp}/{ctype}/{p['cluster']}", p["rg"])
    return stored


def get_cluster(svc: Services, ctx: Ctx) -> Reply:
    return Reply(200, _existing(svc, ctx))


def patch_cluster(svc: Services, ctx: Ctx) -> Reply:
    body = ctx.object_body()
    with svc.store.transaction():
        stored = _existing(svc, ctx)
        if isinstance(body.get("tags"), dict):
            stored["tags"] = body["tags"]
        svc.store.update_body(stored["id"], stored)
    return Reply(200, stored)


def delete_cluster(svc: Services, ctx: Ctx) -> Reply:
    p = ctx.params
    require_group(svc, p["sub"], p["rg"])
    canonical_cluster_type(p["rp"], p["ctype"])
    if svc.store.get(_id(ctx)) is None:
        return Reply(204)
    svc.store.delete_tree(_id(ctx))
    return Reply(200)


def list_in_group(svc: Services, ctx: Ctx) -> Reply:
    p = ctx.params
    require_group(svc, p["sub"], p["rg"])
    rp, ctype = canonical_cluster_type(p["rp"], p["ctype"])
    return Reply(200, {"value": svc.store.children(_collection(p["sub"], p["rg"], rp, ctype), KIND)})


def list_in_subscription(svc: Services, ctx: Ctx) -> Reply:
    check_subscription(ctx.params["sub"])
    rp, ctype = canonical_cluster_type(ctx.params["rp"], ctx.params["ctype"])
    wanted = f"{rp}/{ctype}".lower()
    return Reply(200, {"value": [c for c in svc.store.all_of_kind(KIND) if c["type"].lower() == wanted]})
