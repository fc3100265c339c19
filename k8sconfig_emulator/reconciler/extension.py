"""The microsoft.flux extension: which controllers are on, and its per-controller statuses."""

from __future__ import annotations

CONTROLLERS = {
    "source-controller": True,
    "kustomize-controller": True,
    "helm-controller": True,
    "notification-controller": True,
    "image-automation-controller": False,
    "image-reflector-controller": False,
}


def _truthy(value: object) -> bool | None:
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off"):
        return False
    return None


def enabled_controllers(extension: dict | None) -> dict[str, bool]:
    """Controller name -> on, from ``<controller>.enabled`` configurationSettings (defaults when absent)."""
    settings = ((extension or {}).get("properties") or {}).get("configurationSettings") or {}
    out = dict(CONTROLLERS)
    for name in CONTROLLERS:
        value = _truthy(settings.get(f"{name}.enabled", ""))
        if value is not None:
            out[name] = value
    return out


def disabled_message(controller: str, what: str) -> str:
    return f"{controller} is disabled ({controller}.enabled=false in the flux extension's configuration settings); {what}"


def extension_statuses(extension: dict) -> list[dict]:
    """ExtensionStatus entries, one per running controller, like ``kubectl get pods -n flux-system``."""
    props = extension.get("properties") or {}
    namespace = ((props.get("scope") or {}).get("cluster") or {}).get("releaseNamespace") or "flux-system"
    system = extension.get("systemData") or {}
    when = system.get("lastModifiedAt") or system.get("createdAt") or ""
    out = []
    for name, on in enabled_controllers(extension).items():
        if not on:
            continue
        out.append(
            {
                "code": name,
                "displayStatus": "Running",
                "level": "Information",
                "message": f"Deployment {namespace}/{name}: 1/1 replicas ready",
                "time": when,
            }
        )
    return out
