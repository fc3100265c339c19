"""Table transformers for `-o table` (pure functions over the plain dicts the commands return)."""
from collections import OrderedDict

MESSAGE_WIDTH = 60


def format_duration(seconds):
    """600 -> '10m', 3725 -> '1h2m5s', 0 -> '0s', None -> ''."""
    if seconds is None or seconds == "":
        return ""
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    text = "".join(f"{v}{unit}" for v, unit in ((hours, "h"), (minutes, "m"), (secs, "s")) if v)
    return text or "0s"


def _props(item):
    item = item or {}
    return item.get("properties") or item


def _flux_row(item):
    props = _props(item)
    return OrderedDict([
        ("namespace", props.get("namespace")),
        ("name", (item or {}).get("name")),
        ("scope", props.get("scope")),
        ("sourceKind", props.get("sourceKind")),
        ("provisioningState", props.get("provisioningState")),
        ("complianceState", props.get("complianceState")),
        ("statusUpdatedAt", props.get("statusUpdatedAt")),
        ("sourceUpdatedAt", props.get("sourceUpdatedAt")),
    ])


def flux_list_table(results):
    return [_flux_row(item) for item in results or []]


def flux_show_table(result):
    if result and "method" in result and "url" in result:  # --dry-run output: the request, not a resource
        return OrderedDict([("method", result["method"]), ("url", result["url"])])
    return _flux_row(result)


def _flag(value):
    return "" if value is None else str(bool(value))


def _kustomization_row(name, spec):
    spec = spec or {}
    return OrderedDict([
        ("name", spec.get("name") or name),
        ("path", spec.get("path")),
        ("dependsOn", ", ".join(spec.get("dependsOn") or [])),
        ("syncInterval", format_duration(spec.get("syncIntervalInSeconds"))),
        ("timeout", format_duration(spec.get("timeoutInSeconds"))),
        ("retryInterval", format_duration(spec.get("retryIntervalInSeconds"))),
        ("prune", _flag(spec.get("prune"))),
        ("force", _flag(spec.get("force"))),
        ("wait", _flag(spec.get("wait"))),
    ])


def kustomization_table(result):
    """`kustomization list` returns {name: spec}; `show` returns {name: spec} with one entry."""
    if not isinstance(result, dict):
        return result
    return [_kustomization_row(name, spec) for name, spec in result.items()]


def ready_message(status):
    """Message of the object's Ready condition, truncated; '' when there is none."""
    for condition in (status or {}).get("statusConditions") or []:
        if (condition or {}).get("type") == "Ready":
            message = condition.get("message") or ""
            if len(message) > MESSAGE_WIDTH:
                return message[:MESSAGE_WIDTH] + "..."
            return message
    return ""


def _object_row(status):
    status = status or {}
    return OrderedDict([
        ("kind", status.get("kind")),
        ("namespace", status.get("namespace")),
        ("name", status.get("name")),
        ("complianceState", status.get("complianceState")),
        ("message", ready_message(status)),
    ])


def deployed_object_list_table(results):
    return [_object_row(item) for item in results or []]


def deployed_object_show_table(result):
    return _object_row(result)


def _legacy_row(item):
    props = _props(item)
    return OrderedDict([
        ("name", (item or {}).get("name")),
        ("repositoryUrl", props.get("repositoryUrl")),
        ("operatorName", props.get("operatorInstanceName")),
        ("operatorNamespace", props.get("operatorNamespace")),
        ("scope", props.get("operatorScope")),
        ("provisioningState", props.get("provisioningState")),
    ])


def legacy_list_table(results):
    return [_legacy_row(item) for item in results or []]


def legacy_show_table(result):
    return _legacy_row(result)
