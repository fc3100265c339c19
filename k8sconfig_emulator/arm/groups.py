"""Resource groups: PUT/GET/HEAD/PATCH/DELETE and list, as `az group` uses them."""

from __future__ import annotations

import re

from k8sconfig_emulator import errors
from k8sconfig_emulator.arm.scope import check_subscription, group_id
from k8sconfig_emulator.context import Ctx, Reply
from k8sconfig_emulator.services import Services

_GROUP_NAME = re.compile(r"^[-\w._()]{1,90}$")
KIND = "group"


def _parent(sub: str) -> str:
    return f"/subscriptions/{sub}/resourceGroups"


def _check_tags(body: dict) -> dict:
    tags = body.get("tags") or {}
    if not isinstance(tags, dict) or not all(isinstance(v, str) for v in tags.values()):
        raise errors.invalid_content("Invalid request body at tags: expected an object of strings.", target="tags")
    return tags


def put_group(svc: Services, ctx: Ctx) -> Reply:
    sub, name = ctx.params["sub"], ctx.params["rg"]
    check_subscription(sub)
    if not _GROUP_NAME.match(name) or name.endswith("."):
        raise errors.ArmError(400, "InvalidResourceGroup",
                              f"The resource group name '{name}' is invalid: use 1-90 letters, digits, '_', '-', "
                              "'.', '(' or ')', not ending in '.'.")
    body = ctx.object_body()
    location = body.get("location")
    if not isinstance(location, str) or not location:
        raise errors.invalid_content("Invalid request body at location: a location is required.", target="location")
    tags = _check_tags(body)
    with svc.store.transaction():
        existing = svc.store.get(group_id(sub, name))
        stored = {"id": existing["id"] if existing else group_id(sub, name),
                  "name": existing["name"] if existing else name, "type": "Microsoft.Resources/resourceGroups",
                  "location": (existing or {}).get("location", location.replace(" ", "").lower()),
                  "tags": tags, "properties": {"provisioningState": "Succeeded"}}
        if body.get("managedBy"):
            stored["managedBy"] = body["managedBy"]
        svc.store.put(stored["id"], _parent(sub), KIND, stored)
    return Reply(200 if existing else 201, stored)


def _existing(svc: Services, ctx: Ctx) -> dict:
    check_subscription(ctx.params["sub"])
    stored = svc.store.get(group_id(ctx.params["sub"], ctx.params["rg"]))
    if stored is None:
        raise errors.resource_group_not_found(ctx.params["rg"])
    return stored


def get_group(svc: Services, ctx: Ctx) -> Reply:
    return Reply(200, _existing(svc, ctx))


def head_group(svc: Services, ctx: Ctx) -> Reply:
    check_subscription(ctx.params["sub"])
    return Reply(204 if svc.store.get(group_id(ctx.params["sub"], ctx.params["rg"])) else 404)


def patch_group(svc: Services, ctx: Ctx) -> Reply:
    body = ctx.object_body()
    with svc.store.transaction():
        stored = _existing(svc, ctx)
        if "tags" in body:
            stored["tags"] = _check_tags(body)
        svc.store.update_body(stored["id"], stored)
    return Reply(200, stored)


def delete_group(svc: Services, ctx: Ctx) -> Reply:
    check_subscription(ctx.params["sub"])
    gid = group_id(ctx.params["sub"], ctx.params["rg"])
    if svc.store.get(gid) is None:
        raise errors.resource_group_not_found(ctx.params["rg"])
    svc.store.delete_tree(gid)
    return Reply(200)


def list_groups(svc: Services, ctx: Ctx) -> Reply:
    check_subscription(ctx.params["sub"])
    return Reply(200, {"value": svc.store.children(_parent(ctx.params["sub"]), KIND)})
