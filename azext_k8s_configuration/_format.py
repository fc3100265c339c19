"""What the commands print: the JSON shape of the reference extension, and the `-o table` transformers.

Providers return resources in ARM wire shape (`properties` nested). The `*_output` functions are registered as the
commands' `transform`, which azure-cli applies once, before `--query` and table output: they turn a resource into
what azure-cli prints for the reference's SDK model (properties flattened to the top level beside id, name, type and
systemData; azure-cli then adds `resourceGroup` from the id). Anything else (a `--dry-run` request, a list of check
results, a dict of kustomizations) passes through unchanged. The table transformers read that shaped output.
"""
from collections import OrderedDict

MESSAGE_WIDTH = 60
NON_COMPLIANT = "Non-Compliant"
PROTECTED_SETTINGS = "configurationProtectedSettings"


# ---- JSON output ------------------------------------------------------------------------------------------

def _flux_configuration_model():
    from azure.mgmt.kubernetesconfiguration.fluxconfigurations.models import (
        FluxConfiguration,
    )
    return FluxConfiguration


def _extension_model():
    from azure.mgmt.kubernetesconfiguration.extensions.models import Extension
    return Extension


def _is_resource(value):
    return isinstance(value, dict) and isinstance(value.get("properties"), dict)


def _without_secrets(resource):
    """A shallow copy of the resource whose properties carry no protected settings (secrets never in output)."""
    from azext_k8s_configuration.redaction import mask_source_urls
    props = mask_source_urls({k: v for k, v in resource["properties"].items() if k != PROTECTED_SETTINGS})
    return {**resource, "properties": props}


def flatten_properties(resource):
    """{id, name, ..., properties: {...}} -> {id, name, ..., <properties>}: the shape of a flattened SDK model."""
    shaped = {k: v for k, v in resource.items() if k != "properties"}
    for key, value in resource["properties"].items():
        shaped.setdefault(key, value)
    return shaped


def _model_dict(resource, model_factory):
    """azure-cli's own conversion of the SDK model (camelCase attribute names, absent attributes as null), or the
    plain flattening when the SDK cannot read the resource."""
    from azure.cli.core.util import todict
    try:
        return todict(model_factory()(resource))
    except (ValueError, TypeError, AttributeError, KeyError):  # azure-core's DeserializationError is a ValueError
        return flatten_properties(resource)


def _shape(result, model_factory):
    if isinstance(result, list):
        return [_shape(item, model_factory) for item in result]
    if not _is_resource(result):
        return result
    resource = _without_secrets(result)
    if model_factory is None:
        return flatten_properties(resource)
    return _model_dict(resource, model_factory)


def flux_configuration_output(result):
    """`transform` of every command that returns flux configurations."""
    return _shape(result, _flux_configuration_model)


def extension_output(result):
    """`transform` of commands that may return a cluster extension."""
    return _shape(result, _extension_model)


def legacy_output(result):
    """`transform` of the Flux v1 (sourceControlConfigurations) commands."""
    return _shape(result, None)


# ---- tables -----------------------------------------------------------------------------------------------

def format_duration(seconds):
    """600 -> '10m', 3725 -> '1h2m5s', 0 -> '0s', None -> ''."""
    from azext_k8s_configuration.durations import format_go
    return "" if seconds is None or seconds == "" else format_go(seconds)


def _truncate(text):
    text = " ".join(str(text or "").split())
    return text[:MESSAGE_WIDTH] + "..." if len(text) > MESSAGE_WIDTH else text


def _request_row(result):
    """A `--dry-run` result is the request that would be sent, not a resource."""
    if isinstance(result, dict) and "method" in result and "url" in result:
        return OrderedDict([("method", result["method"]), ("url", result["url"])])
    return None


def _ready_condition(status):
    for condition in (status or {}).get("statusConditions") or []:
        if (condition or {}).get("type") == "Ready":
            return condition
    return None


def ready_message(status):
    """Message of the object's Ready condition, truncated; '' when there is none."""
    return _truncate((_ready_condition(status) or {}).get("message"))


def status_message(config):
    """Why a configuration is not compliant: its errorMessage, else (when Non-Compliant) the Ready message of
    the first non-compliant object; '' otherwise."""
    text = config.get("errorMessage") or ""
    if not text and config.get("complianceState") == NON_COMPLIANT:
        for status in config.get("statuses") or []:
            if (status or {}).get("complianceState") == NON_COMPLIANT:
                message = (_ready_condition(status) or {}).get("message") or "not ready"
                text = f"{status.get('kind')}/{status.get('name')}: {message}"
                break
    return _truncate(text)


def _flux_row(config):
    config = config or {}
    return OrderedDict([
        ("namespace", config.get("namespace")),
        ("name", config.get("name")),
        ("scope", config.get("scope")),
        ("sourceKind", config.get("sourceKind")),
        ("provisioningState", config.get("provisioningState")),
        ("complianceState", config.get("complianceState")),
        ("statusUpdatedAt", config.get("statusUpdatedAt")),
        ("sourceUpdatedAt", config.get("sourceUpdatedAt")),
        ("message", status_message(config)),
    ])


def flux_list_table(results):
    return [_flux_row(item) for item in results or []]


def flux_show_table(result):
    """flux create/update/show/wait: one row (the request row for --dry-run)."""
    return _request_row(result) or _flux_row(result)


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


def _kustomization_compliance(config, kustomization_name):
    """complianceState of the Flux Kustomization object `<configuration>-<kustomization>`, '' when unknown."""
    wanted = f"{config.get('name')}-{kustomization_name}"
    for status in config.get("statuses") or []:
        if (status or {}).get("kind") == "Kustomization" and status.get("name") == wanted:
            return status.get("complianceState") or ""
    return ""


def kustomization_write_table(result):
    """kustomization create/update/delete return the configuration: one row per kustomization it now has, with
    the compliance Flux reported for each."""
    request = _request_row(result)
    if request is not None or not isinstance(result, dict):
        return request or result
    rows = []
    for name, spec in (result.get("kustomizations") or {}).items():
        row = _kustomization_row(name, spec)
        row["complianceState"] = _kustomization_compliance(result, name)
        rows.append(row)
    return rows


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


def _legacy_row(config):
    config = config or {}
    return OrderedDict([
        ("name", config.get("name")),
        ("repositoryUrl", config.get("repositoryUrl")),
        ("operatorName", config.get("operatorInstanceName")),
        ("operatorNamespace", config.get("operatorNamespace")),
        ("scope", config.get("operatorScope")),
        ("provisioningState", config.get("provisioningState")),
    ])


def legacy_list_table(results):
    return [_legacy_row(item) for item in results or []]


def legacy_show_table(result):
    return _legacy_row(result)
