"""Legacy sourceControlConfigurations (Flux v1): synchronous PUT/GET/list/DELETE, for seeding tests."""

from __future__ import annotations

from k8sconfig_emulator import errors, schema
from k8sconfig_emulator.arm.scope import KC_NAMESPACE, require_cluster, system_data
from k8sconfig_emulator.context import Ctx, Reply
from k8sconfig_emulator.resource_schemas import SCC, SCC_PROPERTIES
from k8sconfig_emulator.services import Services

KIND = "scc"
TYPE = f"{KC_NAMESPACE}/sourceControlConfigurations"
VERSIONS = ("2023-05-01", "2022-11-01", "2022-07-01", "2022-03-01", "2021-03-01")


def _collection(cluster_id: str) -> str:
    return f"{cluster_id}/providers/{TYPE}"


def _view(stored: dict) -> dict:
    return schema.remove_secrets(SCC, stored)


def put(svc: Services, ctx: Ctx) -> Reply:
    cluster = require_cluster(svc, ctx)
    body = ctx.object_body()
    schema.validate(SCC, body)
    body = schema.drop_nulls(schema.strip_read_only(SCC, body))
    props = schema.apply_defaults(SCC_PROPERTIES, body.get("properties") or {})
    if not props.get("repositoryUrl"):
        raise errors.validation_failed("properties.repositoryUrl is required.", target="properties.repositoryUrl")
    name = ctx.params["name"]
    props.setdefault("operatorInstanceName", name)
    props.update(provisioningState="Succeeded", repositoryPublicKey="",
                 complianceStatus={"complianceState": "Installed", "lastConfigApplied": svc.now_iso(),
                                   "message": "Applied by k8sconfig-emulator", "messageLevel": "Information"})
    path = ctx.path.rstrip("/")
    with svc.store.transaction():
        existing = svc.store.get(path)
        stored = {"id": existing["id"] if existing else path, "name": existing["name"] if existing else name,
                  "type": TYPE, "systemData": system_data(svc, existing), "properties": props}
        svc.store.put(stored["id"], _collection(cluster.id), KIND, stored)
    return Reply(200 if existing else 201, _view(stored))


def get(svc: Services, ctx: Ctx) -> Reply:
    cluster = require_cluster(svc, ctx)
    stored = svc.store.get(ctx.path)
    if stored is None:
        raise errors.resource_not_found(f"{cluster.type_path}/providers/{TYPE}/{ctx.params['name']}", cluster.group)
    return Reply(200, _view(stored))


def list_(svc: Services, ctx: Ctx) -> Reply:
    cluster = require_cluster(svc, ctx)
    return Reply(200, {"value": [_view(s) for s in svc.store.children(_collection(cluster.id), KIND)]})


def delete(svc: Services, ctx: Ctx) -> Reply:
    require_cluster(svc, ctx)
    if svc.store.get(ctx.path) is None:
        return Reply(204)
    svc.store.delete(ctx.path)
    return Reply(200)
