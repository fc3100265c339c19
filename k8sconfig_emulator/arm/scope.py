"""Parent checks shared by handlers: subscription, resource group, cluster; ids in request casing."""

from __future__ import annotations

from dataclasses import dataclass

from k8sconfig_emulator import errors
from k8sconfig_emulator.context import Ctx
from k8sconfig_emulator.services import Services
from k8sconfig_emulator.tokens import SUBSCRIPTION_ID

KC_NAMESPACE = "Microsoft.KubernetesConfiguration"
CLUSTER_TYPES = {
    ("microsoft.kubernetes", "connectedclusters"): ("Microsoft.Kubernetes", "connectedClusters"),
    ("microsoft.containerservice", "managedclusters"): ("Microsoft.ContainerService", "managedClusters"),
    ("microsoft.hybridcontainerservice", "provisionedclusters"):
        ("Microsoft.HybridContainerService", "provisionedClusters"),
}
SHORT_TYPES = {canonical[1].lower(): canonical for canonical in CLUSTER_TYPES.values()}


def check_subscription(sub: str) -> None:
    if sub.lower() != SUBSCRIPTION_ID:
        raise errors.subscription_not_found(sub)


def group_id(sub: str, group: str) -> str:
    return f"/subscriptions/{sub}/resourceGroups/{group}"


def require_group(svc: Services, sub: str, group: str) -> dict:
    check_subscription(sub)
    stored = svc.store.get(group_id(sub, group))
    if stored is None:
        raise errors.resource_group_not_found(group)
    return stored


def canonical_cluster_type(rp: str, ctype: str) -> tuple[str, str]:
    found = CLUSTER_TYPES.get((rp.lower(), ctype.lower()))
    if found is None:
        raise errors.invalid_resource_type(ctype, rp)
    return found


@dataclass(frozen=True)
class ClusterRef:
    sub: str
    group: str
    rp: str
    ctype: str
    name: str
    id: str               # request casing
    resource: dict

    @property
    def type_path(self) -> str:
        return f"{self.rp}/{self.ctype}/{self.name}"


def cluster_id(sub: str, group: str, rp: str, ctype: str, name: str) -> str:
    return f"{group_id(sub, group)}/providers/{rp}/{ctype}/{name}"


def require_cluster(svc: Services, ctx: Ctx) -> ClusterRef:
    p = ctx.params
    require_group(svc, p["sub"], p["rg"])
    rp, ctype = canonical_cluster_type(p["rp"], p["ctype"])
    cid = cluster_id(p["sub"], p["rg"], p["rp"], p["ctype"], p["cluster"])
    stored = svc.store.get(cid)
    if stored is None:
        raise errors.resource_not_found(f"{rp}/{ctype}/{p['cluster']}", p["rg"])
    return ClusterRef(p["sub"], p["rg"], rp, ctype, p["cluster"], cid, stored)


def provider_state(svc: Services, namespace: str) -> str:
    """Registration state, moving Registering -> Registered once its time has come."""
    record = svc.store.get_setting(f"provider:{namespace.lower()}")
    if record is None:
        return "Registered"
    if record["state"] == "Registering" and svc.clock() >= record["ready_at"]:
        svc.store.put_setting(f"provider:{namespace.lower()}", {"state": "Registered", "ready_at": 0})
        return "Registered"
    return record["state"]


def require_registered(svc: Services, namespace: str = KC_NAMESPACE) -> None:
    if provider_state(svc, namespace) != "Registered":
        raise errors.missing_registration(namespace)


def system_data(svc: Services, existing: dict | None) -> dict:
    now = svc.now_iso()
    created = (existing or {}).get("systemData") or {}
    return {
        "createdBy": created.get("createdBy", "systemAssignedIdentity"),
        "createdByType": created.get("createdByType", "ManagedIdentity"),
        "createdAt": created.get("createdAt", now),
        "lastModifiedBy": "systemAssignedIdentity", "lastModifiedByType": "ManagedIdentity",
        "lastModifiedAt": now,
    }
