"""Resource provider registration: GET a provider, list them, POST register."""

from __future__ import annotations

from k8sconfig_emulator import errors
from k8sconfig_emulator.arm.scope import (
    KC_NAMESPACE,
    check_subscription,
    provider_state,
)
from k8sconfig_emulator.context import Ctx, Reply
from k8sconfig_emulator.services import Services

_TYPES = {
    "Microsoft.KubernetesConfiguration": {
        "fluxConfigurations": ["2025-04-01", "2024-11-01", "2024-04-01-preview", "2023-05-01", "2022-11-01",
                               "2022-07-01", "2022-03-01"],
        "extensions": ["2025-03-01", "2024-11-01", "2023-05-01", "2022-11-01", "2022-07-01", "2022-03-01"],
        "sourceControlConfigurations": ["2023-05-01", "2022-11-01", "2022-07-01", "2022-03-01", "2021-03-01"],
        "operations": ["2025-04-01", "2025-03-01"],
    },
    "Microsoft.Kubernetes": {"connectedClusters": ["2024-01-01", "2021-10-01"]},
    "Microsoft.ContainerService": {"managedClusters": ["2024-09-01", "2021-10-01"]},
    "Microsoft.HybridContainerService": {"provisionedClusters": ["2024-01-01", "2022-05-01-preview"]},
    "Microsoft.Resources": {"resourceGroups": ["2024-11-01", "2022-09-01"],
                            "subscriptions": ["2022-12-01"], "tenants": ["2022-12-01"]},
}
_LOCATIONS = ["East US", "West US 2", "West Europe", "North Europe", "UK South"]


def _canonical(namespace: str) -> str:
    found = next((n for n in _TYPES if n.lower() == namespace.lower()), None)
    if found is None:
        raise errors.invalid_namespace(namespace)
    return found


def _body(svc: Services, sub: str, namespace: str) -> dict:
    return {"id": f"/subscriptions/{sub}/providers/{namespace}", "namespace": namespace,
            "registrationState": provider_state(svc, namespace), "registrationPolicy": "RegistrationRequired",
            "resourceTypes": [{"resourceType": t, "locations": _LOCATIONS, "apiVersions": versions,
                               "capabilities": "None"} for t, versions in _TYPES[namespace].items()]}


def get_provider(svc: Services, ctx: Ctx) -> Reply:
    check_subscription(ctx.params["sub"])
    return Reply(200, _body(svc, ctx.params["sub"], _canonical(ctx.params["ns"])))


def list_providers(svc: Services, ctx: Ctx) -> Reply:
    check_subscription(ctx.params["sub"])
    return Reply(200, {"value": [_body(svc, ctx.params["sub"], n) for n in _TYPES]})


def register(svc: Services, ctx: Ctx) -> Reply:
    check_subscription(ctx.params["sub"])
    namespace = _canonical(ctx.params["ns"])
    if svc.knobs.deny_registration:
        raise errors.registration_forbidden(namespace)
    if provider_state(svc, namespace) != "Registered":
        svc.store.put_setting(f"provider:{namespace.lower()}",
                              {"state": "Registering", "ready_at": svc.clock() + svc.config.operation_delay})
    return Reply(200, _body(svc, ctx.params["sub"], namespace))


def initialise(svc: Services) -> None:
    """Apply --provider-state on first start (a later restart keeps what was registered)."""
    key = f"provider:{KC_NAMESPACE.lower()}"
    if svc.store.get_setting(key) is None and svc.config.provider_state == "NotRegistered":
        svc.store.put_setting(key, {"state": "NotRegistered", "ready_at": 0})
