"""Export a Flux configuration as Flux custom resources, an ARM template or Bicep.

Pure functions. Secret values never leave this module: in ARM/Bicep they become secure parameters, in the
Flux YAML they are only referenced through ``secretRef`` (the Secret itself is not exported).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import yaml
from azure.cli.core.azclierror import InvalidArgumentValueError

from azext_k8s_configuration.cluster_ref import ClusterRef
from azext_k8s_configuration.durations import format_go
from azext_k8s_configuration.redaction import SECRET_FIELD_PATHS, mask_source_urls

FORMATS = ("flux-yaml", "arm", "bicep")
FLUX_API_VERSION = "2025-04-01"
EXTENSION_API_VERSION = "2025-03-01"
FLUX_EXTENSION_TYPE = "microsoft.flux"
DEFAULT_INTERVAL = 600
_CLUSTER_API_VERSIONS = {"managedclusters": "2021-10-01", "connectedclusters": "2021-10-01",
                         "provisionedclusters": "2022-05-01-preview", "appliances": "2021-10-31-preview"}
_READ_ONLY = ("statuses", "repositoryPublicKey", "sourceSyncedCommitId", "sourceUpdatedAt", "statusUpdatedAt",
              "complianceState", "provisioningState", "errorMessage")
# Secret fields that are plain properties of a source (everything in configurationProtectedSettings is too):
# the list redaction.py keeps for the whole extension.
_SECRET_PATHS = tuple(path for path in SECRET_FIELD_PATHS if "*" not in path)
_SOURCE_KEYS = {"GitRepository": "gitRepository", "Bucket": "bucket", "AzureBlob": "azureBlob",
                "OCIRepository": "ociRepository"}


@dataclass(frozen=True)
class ParamRef:
    """A reference to a template parameter (or, in Bicep, any symbol): parameters('x') in ARM, x in Bicep."""
    name: str
    description: str


# ---------------------------------------------------------------------------------------- desired state
def _drop_none(value):
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value if v is not None]
    return value


def _param_name(parts) -> str:
    words = [p for part in parts for p in re.split(r"[^A-Za-z0-9]+", part) if p]
    name = "".join(w if i == 0 else w[:1].upper() + w[1:] for i, w in enumerate(words)) or "secret"
    return name if name[0].isalpha() else "p" + name


def _inferred_protected_keys(props: dict) -> list[str]:
    """Protected settings a configuration needs even though GET never returns them."""
    git, bucket = props.get("gitRepository") or {}, props.get("bucket") or {}
    keys = []
    if git.get("httpsUser"):
        keys.append("httpsKey")
    if _is_ssh(git.get("url")) and not props.get("repositoryPublicKey") and not git.get("localAuthRef"):
        keys.append("sshPrivateKey")
    if bucket.get("accessKey"):
        keys.append("bucketSecretKey")
    return keys


def desired_properties(config: dict) -> tuple[dict, dict[str, ParamRef]]:
    """Writable properties of ``config`` with every secret replaced by a ParamRef; also returns the refs."""
    props = _drop_none(dict(config.get("properties") or {}))
    params: dict[str, ParamRef] = {}
    protected = dict(props.get("configurationProtectedSettings") or {})
    for key in _inferred_protected_keys(config.get("properties") or {}):
        protected.setdefault(key, None)
    for key in list(_READ_ONLY) + ["configurationProtectedSettings"]:
        props.pop(key, None)
    if protected:
        props["configurationProtectedSettings"] = {}
        for key in protected:
            ref = ParamRef(_param_name([key]), f"Base64-encoded value of the protected setting '{key}'")
            props["configurationProtectedSettings"][key] = params.setdefault(ref.name, ref)
    for path in _SECRET_PATHS:
        parent = props
        for part in path[:-1]:
            parent = parent.get(part) if isinstance(parent, dict) else None
        if isinstance(parent, dict) and path[-1] in parent:
            ref = ParamRef(_param_name(path), f"Secret value for properties.{'.'.join(path)}")
            parent[path[-1]] = params.setdefault(ref.name, ref)
    for spec in (props.get("kustomizations") or {}).values():
        if isinstance(spec, dict):
            spec.pop("name", None)
    return props, params


# ---------------------------------------------------------------------------------------- flux yaml
def _is_ssh(url) -> bool:
    return isinstance(url, str) and (url.lower().startswith("ssh://")
                                     or re.match(r"^[\w.-]+@[\w.-]+:", url) is not None)


def _needs_credentials(kind: str, source: dict, props: dict) -> bool:
    if props.get("configurationProtectedSettings"):
        return True
    if kind == "GitRepository":
        return bool(_is_ssh(source.get("url")) or source.get("httpsUser") or source.get("sshKnownHosts")
                    or source.get("httpsCACert"))
    if kind == "Bucket":
        return bool(source.get("accessKey"))
    if kind == "AzureBlob":
        return any(source.get(k) for k in ("accountKey", "sasToken", "servicePrincipal"))
    return False


def _timing(source: dict) -> dict:
    return {"interval": format_go(source.get("syncIntervalInSeconds", DEFAULT_INTERVAL)),
            "timeout": format_go(source.get("timeoutInSeconds", DEFAULT_INTERVAL))}


def _source_spec(kind: str, source: dict, name: str) -> tuple[str, str, dict]:
    """(apiVersion, Flux kind, spec) of the source object the agent creates for ``kind``."""
    if kind == "GitRepository":
        spec = {"url": source.get("url"), **_timing(source), "ref": dict(source.get("repositoryRef") or {})}
        if source.get("provider"):
            spec["provider"] = str(source["provider"]).lower()
        return "source.toolkit.fluxcd.io/v1", "GitRepository", spec
    if kind == "OCIRepository":
        spec = {"url": source.get("url"), **_timing(source), "ref": dict(source.get("repositoryRef") or {})}
        if source.get("layerSelector"):
            spec["layerSelector"] = dict(source["layerSelector"])
        if source.get("verify"):
            verify = source["verify"]
            spec["verify"] = {"provider": verify.get("provider")}
            if verify.get("matchOidcIdentity"):
                spec["verify"]["matchOIDCIdentity"] = [dict(i) for i in verify["matchOidcIdentity"]]
            if verify.get("verificationConfig"):
                spec["verify"]["secretRef"] = {"name": name}
        if source.get("tlsConfig"):
            spec["certSecretRef"] = {"name": name}
        if source.get("useWorkloadIdentity"):
            spec["provider"] = "azure"
        for key in ("serviceAccountName", "insecure"):
            if source.get(key) is not None:
                spec[key] = source[key]
        return "source.toolkit.fluxcd.io/v1beta2", "OCIRepository", spec
    if kind == "AzureBlob":
        spec = {"provider": "azure", "bucketName": source.get("containerName"), "endpoint": source.get("url"),
                **_timing(source)}
        return "source.toolkit.fluxcd.io/v1", "Bucket", spec
    endpoint = re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", "", source.get("url") or "").rstrip("/")
    spec = {"provider": "generic", "bucketName": source.get("bucketName"), "endpoint": endpoint,
            "insecure": bool(source.get("insecure", False)), **_timing(source)}
    return "source.toolkit.fluxcd.io/v1", "Bucket", spec


def _kustomization_doc(config_name: str, namespace: str, key: str, spec: dict, *, source_ref: dict,
                       suspend: bool) -> dict:
    body = {"interval": format_go(spec.get("syncIntervalInSeconds", DEFAULT_INTERVAL))}
    if spec.get("retryIntervalInSeconds") is not None:
        body["retryInterval"] = format_go(spec["retryIntervalInSeconds"])
    body["timeout"] = format_go(spec.get("timeoutInSeconds", DEFAULT_INTERVAL))
    if spec.get("path"):
        body["path"] = spec["path"]
    body.update(prune=bool(spec.get("prune", False)), force=bool(spec.get("force", False)),
                wait=bool(spec.get("wait", True)))
    if spec.get("dependsOn"):
        body["dependsOn"] = [{"name": f"{config_name}-{dep}"} for dep in spec["dependsOn"]]
    post_build = _drop_none(spec.get("postBuild") or {})
    if post_build.get("substitute") or post_build.get("substituteFrom"):
        body["postBuild"] = {k: v for k, v in post_build.items() if v}
    body["sourceRef"] = source_ref
    if suspend:
        body["suspend"] = True
    return {"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
            "metadata": {"name": f"{config_name}-{key}", "namespace": namespace}, "spec": body}


def flux_documents(config: dict) -> list[dict]:
    """The Flux objects (source + kustomizations) the agent creates in the cluster for ``config``."""
    raw = config.get("properties") or {}
    props, _ = desired_properties(config)
    name, namespace = config.get("name") or "", props.get("namespace") or "default"
    kind = props.get("sourceKind") or "GitRepository"
    source = props.get(_SOURCE_KEYS.get(kind, "gitRepository")) or {}
    api_version, flux_kind, spec = _source_spec(kind, source, name)
    spec = {k: v for k, v in spec.items() if v not in (None, {}, "")}
    if source.get("localAuthRef"):
        spec["secretRef"] = {"name": source["localAuthRef"]}
    elif _needs_credentials(kind, source, raw):
        spec["secretRef"] = {"name": name}
    if props.get("suspend"):
        spec["suspend"] = True
    docs = [{"apiVersion": api_version, "kind": flux_kind, "metadata": {"name": name, "namespace": namespace},
             "spec": spec}]
    source_ref = {"kind": flux_kind, "name": name}
    for key, kspec in sorted((props.get("kustomizations") or {}).items()):
        docs.append(_kustomization_doc(name, namespace, key, kspec or {}, source_ref=source_ref,
                                       suspend=bool(props.get("suspend"))))
    return docs


# ---------------------------------------------------------------------------------------- arm / bicep
def _extension_resource(cluster: ClusterRef, extension: dict | None) -> tuple[str, dict]:
    """(name, {identity?, properties}) of the microsoft.flux extension to deploy."""
    extension = extension or {}
    source = _drop_none(extension.get("properties") or {})
    props = {"extensionType": source.get("extensionType") or FLUX_EXTENSION_TYPE,
             "autoUpgradeMinorVersion": source.get("autoUpgradeMinorVersion", True)}
    for key in ("releaseTrain", "version", "scope", "configurationSettings"):
        if source.get(key) not in (None, {}):
            props[key] = source[key]
    if props["autoUpgradeMinorVersion"]:
        props.pop("version", None)  # a pinned version requires autoUpgradeMinorVersion false
    body: dict = {"properties": props}
    identity_type = (extension.get("identity") or {}).get("type")
    if identity_type:
        body["identity"] = {"type": identity_type}
    elif not extension and cluster.cluster_type.lower() != "managedclusters":
        body["identity"] = {"type": "SystemAssigned"}
    return extension.get("name") or "flux", body


def _arm_value(value):
    if isinstance(value, ParamRef):
        return f"[parameters('{value.name}')]"
    if isinstance(value, dict):
        return {k: _arm_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_arm_value(v) for v in value]
    if isinstance(value, str) and value.startswith("["):
        return "[" + value  # a literal that would otherwise be read as a template expression
    return value


def render_arm(config: dict, cluster: ClusterRef, extension: dict | None = None) -> str:
    props, params = desired_properties(config)
    ext_name, ext_body = _extension_resource(cluster, extension)
    cluster_type = f"{cluster.cluster_rp}/{cluster.cluster_type}"
    scope = f"[format('{cluster_type}/{{0}}', parameters('clusterName'))]"
    ext_id = (f"[extensionResourceId(resourceId('{cluster_type}', parameters('clusterName')), "
              f"'Microsoft.KubernetesConfiguration/extensions', '{ext_name}')]")
    parameters = {"clusterName": {"type": "string", "defaultValue": cluster.cluster_name,
                                  "metadata": {"description": f"Name of the {cluster.cluster_type} resource"}}}
    for ref in params.values():
        parameters[ref.name] = {"type": "securestring", "metadata": {"description": ref.description}}
    template = {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "parameters": parameters,
        "resources": [
            {"type": "Microsoft.KubernetesConfiguration/extensions", "apiVersion": EXTENSION_API_VERSION,
             "name": ext_name, "scope": scope, **_arm_value(ext_body)},
            {"type": "Microsoft.KubernetesConfiguration/fluxConfigurations", "apiVersion": FLUX_API_VERSION,
             "name": config.get("name"), "scope": scope, "dependsOn": [ext_id], "properties": _arm_value(props)},
        ],
    }
    return json.dumps(template, indent=2) + "\n"


def _bicep_string(text: str) -> str:
    escaped = (text.replace("\\", "\\\\").replace("'", "\\'").replace("${", "\\${")
               .replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t"))
    return f"'{escaped}'"


def _bicep_scalar(value) -> str:
    if isinstance(value, ParamRef):
        return value.name
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return _bicep_string(value)
    raise TypeError(f"cannot render {type(value).__name__} as Bicep")


def bicep_value(value, indent: int = 0) -> str:
    """A JSON-like value (with ParamRefs) as a Bicep expression, nested objects indented by two spaces."""
    inner, outer = "  " * (indent + 1), "  " * indent
    if isinstance(value, dict):
        if not value:
            return "{}"
        lines = [f"{inner}{k if re.fullmatch(r'[A-Za-z_][A-Za-z0-9_]*', k) else _bicep_string(k)}: "
                 f"{bicep_value(v, indent + 1)}" for k, v in value.items()]
        return "{\n" + "\n".join(lines) + f"\n{outer}}}"
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[\n" + "\n".join(f"{inner}{bicep_value(v, indent + 1)}" for v in value) + f"\n{outer}]"
    return _bicep_scalar(value)


def render_bicep(config: dict, cluster: ClusterRef, extension: dict | None = None) -> str:
    props, params = desired_properties(config)
    ext_name, ext_body = _extension_resource(cluster, extension)
    api = _CLUSTER_API_VERSIONS.get(cluster.cluster_type.lower(), "2021-10-01")
    out = [f"@description('Name of the {cluster.cluster_type} resource')",
           f"param clusterName string = {_bicep_string(cluster.cluster_name)}", ""]
    for ref in params.values():
        out += ["@secure()", f"@description({_bicep_string(ref.description)})", f"param {ref.name} string", ""]
    out += [f"resource cluster '{cluster.cluster_rp}/{cluster.cluster_type}@{api}' existing = {{",
            "  name: clusterName", "}", "",
            f"resource fluxExtension 'Microsoft.KubernetesConfiguration/extensions@{EXTENSION_API_VERSION}' = "
            + bicep_value({"name": ext_name, "scope": ParamRef("cluster", ""), **ext_body}), "",
            f"resource fluxConfig 'Microsoft.KubernetesConfiguration/fluxConfigurations@{FLUX_API_VERSION}' = "
            + bicep_value({"name": config.get("name"), "scope": ParamRef("cluster", ""), "properties": props,
                           "dependsOn": [ParamRef("fluxExtension", "")]})]
    return "\n".join(out) + "\n"


def render_flux_yaml(config: dict) -> str:
    return yaml.safe_dump_all(flux_documents(config), sort_keys=False, default_flow_style=False,
                              explicit_start=True)


def render(config: dict, fmt: str, cluster: ClusterRef, extension: dict | None = None) -> str:
    """Render ``config`` (a FluxConfiguration in ARM JSON) in ``fmt``: flux-yaml, arm or bicep."""
    chosen = (fmt or "").strip().lower()
    if isinstance(config.get("properties"), dict):  # a token in a source URL is never exported
        config = {**config, "properties": mask_source_urls(config["properties"])}
    if chosen == "flux-yaml":
        return render_flux_yaml(config)
    if chosen == "arm":
        return render_arm(config, cluster, extension)
    if chosen == "bicep":
        return render_bicep(config, cluster, extension)
    raise InvalidArgumentValueError(f"Unknown export format '{fmt}' for --format.",
                                    f"Use one of: {', '.join(FORMATS)}.")
