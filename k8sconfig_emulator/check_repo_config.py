"""The flux configuration `check-repo` checks a repository against, read from a file.

Three shapes are accepted, told apart by their keys:

* the extension's ``--config-file`` format: the command's options without dashes (``name``, ``namespace``,
  ``scope``, ``kind``, ``url``, ``branch`` ...) in snake_case, dashed or camelCase spelling, plus
  ``kustomizations`` (a name -> object map or a list of objects with a ``name``) whose objects take the
  ``--kustomization`` keys (``path``, ``dependsOn``, ``prune``, ``substitute`` / ``substitute.VAR``,
  ``substituteFrom``, ``postBuild`` ...);
* a configuration as ``az k8s-configuration flux show -o json`` prints it, flattened (``kustomizations``,
  ``namespace``, ``sourceKind`` ... at the top level, plus ``resourceGroup``);
* the ARM wire shape (``properties`` nested).

Only what a build needs is interpreted (name, namespace, scope, source kind, and per kustomization path,
dependsOn, prune, postBuild, timeout); every other known key is accepted and ignored, unknown keys are
refused with a suggestion (a resource's keys a build does not need are ignored). Errors are ConfigError (bad usage: exit code 2).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

DEFAULT_NAMESPACE = "default"
_SOURCE_KINDS = {"git": "GitRepository", "gitrepository": "GitRepository", "bucket": "Bucket",
                 "azblob": "AzureBlob", "azureblob": "AzureBlob", "oci": "OCIRepository",
                 "ocirepository": "OCIRepository"}
_SUBDOMAIN = re.compile(r"[a-z0-9]([-.a-z0-9]*[a-z0-9])?", re.ASCII)
_VAR_NAME = re.compile(r"[_a-zA-Z][_a-zA-Z0-9]*", re.ASCII)

# Options of `az k8s-configuration flux create` that a --config-file may hold (snake_case dest names).
_FILE_OPTIONS = (
    "name", "scope", "namespace", "kind", "url", "timeout", "sync_interval", "suspend", "wait_for_reconciliation",
    "reconciliation_wait_duration", "branch", "tag", "semver", "commit", "ssh_private_key", "ssh_private_key_file",
    "https_user", "https_key", "https_key_file", "https_ca_cert", "https_ca_cert_file", "known_hosts",
    "known_hosts_file", "provider", "local_auth_ref", "bucket_name", "bucket_access_key", "bucket_secret_key",
    "bucket_secret_key_file", "bucket_insecure", "container_name", "sp_client_id", "sp_tenant_id",
    "sp_client_secret", "sp_client_secret_file", "sp_client_cert", "sp_client_cert_file", "sp_client_cert_password",
    "sp_client_cert_password_file", "sp_client_cert_send_chain", "account_key", "account_key_file", "sas_token",
    "sas_token_file", "mi_client_id", "digest", "oci_media_type", "oci_operation", "tls_ca_certificate",
    "tls_client_certificate", "tls_private_key", "tls_private_key_file", "service_account_name",
    "use_workload_identity", "verification_provider", "match_oidc_identity", "verification_config", "oci_insecure",
)
# flag spellings that differ from the dest name
_FLAG_SPELLINGS = {"interval": "sync_interval", "sp-cert-password": "sp_client_cert_password",
                   "sp-cert-password-file": "sp_client_cert_password_file",
                   "sp-cert-send-chain": "sp_client_cert_send_chain"}
# kustomization keys: spelling -> canonical
_K_KEYS = {
    "name": "name", "path": "path",
    "dependsOn": "dependsOn", "depends_on": "dependsOn", "dependencies": "dependsOn", "depends": "dependsOn",
    "timeout": "timeout", "timeoutInSeconds": "timeoutInSeconds",
    "interval": "interval", "sync_interval": "interval", "syncInterval": "interval", "syncIntervalInSeconds": "interval",
    "retryInterval": "interval", "retry_interval": "interval", "retryIntervalInSeconds": "interval",
    "prune": "prune", "force": "force", "wait": "wait",
    "disable-health-check": "wait", "disable_health_check": "wait",
    "substituteFrom": "substituteFrom", "substitute_from": "substituteFrom",
    "substitute": "substitute", "postBuild": "postBuild",
}
_TRUE, _FALSE = frozenset({"true", "yes", "1"}), frozenset({"false", "no", "0"})
_SHOW_MARKERS = frozenset({"sourceKind", "gitRepository", "bucket", "azureBlob", "ociRepository", "id", "type",
                           "resourceGroup", "provisioningState", "complianceState", "statuses"})


class ConfigError(Exception):
    """The configuration file cannot be used; the message names the file, the key and what to do."""


@dataclass(frozen=True)
class KustomizationSpec:
    name: str
    path: str
    depends_on: tuple[str, ...] = ()
    prune: bool = False
    post_build: dict | None = None  # ARM postBuild {substitute: {...}, substituteFrom: [...]}
    timeout_seconds: float = 600.0

    def arm(self) -> dict:
        """The ARM KustomizationDefinition the emulated cluster reads."""
        out: dict = {"path": self.path, "dependsOn": list(self.depends_on), "prune": self.prune,
                     "timeoutInSeconds": self.timeout_seconds}
        if self.post_build:
            out["postBuild"] = self.post_build
        return out


@dataclass(frozen=True)
class CheckConfig:
    name: str  # "" when the file does not say
    namespace: str
    scope: str  # cluster | namespace
    source_kind: str
    url: str
    kustomizations: dict[str, KustomizationSpec] = field(default_factory=dict)
    shape: str = "config-file"  # config-file | show | arm
    path: str = ""  # the file it was read from

    def kustomization_object(self, k: str) -> tuple[str, str, str]:
        """(kind, namespace, name) of the Flux Kustomization the configuration creates for ``k``."""
        return "Kustomization", self.namespace, f"{self.name}-{k}" if self.name else k


def _spellings() -> dict[str, str]:
    out: dict[str, str] = {}
    for dest in _FILE_OPTIONS:
        camel = re.sub(r"_([a-z])", lambda m: m.group(1).upper(), dest)
        for spelling in (dest, dest.replace("_", "-"), camel):
            out[spelling] = dest
    out.update(_FLAG_SPELLINGS)
    out["syncInterval"] = out["sync-interval"] = "sync_interval"
    return out


FILE_KEYS = _spellings()


class _Reader:
    def __init__(self, path: str):
        self.path = path

    def error(self, where: str, problem: str, fix: str) -> ConfigError:
        return ConfigError(f"{self.path}: {where}: {problem}. {fix}")

    def text(self, value, where: str) -> str:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise self.error(where, f"expected text, got {value!r}", "Give a plain string value.")
        return str(value)

    def boolean(self, value, where: str) -> bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower() if isinstance(value, (str, int)) else None
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise self.error(where, f"expected true or false, got {value!r}", "Use true or false.")

    def name(self, value, where: str) -> str:
        text = self.text(value, where)
        if len(text) > 63 or not _SUBDOMAIN.fullmatch(text):
            raise self.error(where, f"invalid name {text!r}",
                             "Names have lowercase letters, digits, '-' and '.', start and end with a letter or "
                             "digit, at most 63 characters.")
        return text

    def depends_on(self, value, where: str) -> tuple[str, ...]:
        if isinstance(value, str):
            text = value.strip().strip("\"'").strip()
            if text.startswith("[") and text.endswith("]"):
                text = text[1:-1]
            items = [i.strip().strip("\"'").strip() for i in text.split(",")]
            items = [i for i in items if i]
        elif isinstance(value, list):
            items = value
        elif value is None:
            items = []
        else:
            raise self.error(where, f"expected a list of kustomization names, got {value!r}",
                             "For example dependsOn: [infra].")
        out: list[str] = []
        for index, item in enumerate(items):
            dep = self.name(item, f"{where}[{index}]")
            if dep not in out:
                out.append(dep)
        return tuple(out)

    def substitute_from(self, value, where: str) -> list[dict]:
        items = value if isinstance(value, list) else [value]
        out = []
        for index, item in enumerate(items):
            spot = f"{where}[{index}]" if isinstance(value, list) else where
            if isinstance(item, Mapping):
                unknown = sorted(set(item) - {"kind", "name", "optional"})
                if unknown:
                    raise self.error(spot, f"unknown key {unknown[0]!r}", "substituteFrom entries have kind, name, optional.")
                kind, name, optional = item.get("kind"), item.get("name"), item.get("optional") or False
            elif isinstance(item, str) and len(item.split("/")) in (2, 3):
                parts = [p.strip() for p in item.split("/")]
                kind, name = parts[0], parts[1]
                optional = len(parts) == 3 and parts[2].lower() in ("optional", "true")
            else:
                raise self.error(spot, f"invalid reference {item!r}", "Use Kind/name or Kind/name/optional, "
                                                                      "e.g. ConfigMap/cluster-vars.")
            canonical = {"configmap": "ConfigMap", "secret": "Secret"}.get(str(kind).lower())
            if canonical is None:
                raise self.error(spot, f"invalid kind {kind!r}", "The kind is ConfigMap or Secret.")
            out.append({"kind": canonical, "name": self.name(name, f"{spot}.name"),
                        "optional": self.boolean(optional, f"{spot}.optional")})
        return out

    def substitute(self, value, where: str, table: dict) -> None:
        if not isinstance(value, Mapping):
            raise self.error(where, "expected a map of VARIABLE: value", "For example substitute: {cluster_env: prod}.")
        for var, text in value.items():
            self.variable(str(var), text, f"{where}.{var}", table)

    def variable(self, var: str, value, where: str, table: dict) -> None:
        if not _VAR_NAME.fullmatch(var):
            raise self.error(where, f"invalid variable name {var!r}",
                             "Variable names start with a letter or '_' and hold letters, digits and '_'.")
        if var in table:
            raise self.error(where, f"variable {var!r} is given twice", "Give each variable once.")
        table[var] = str(value).lower() if isinstance(value, bool) else self.text(value, where)

    def seconds(self, value, where: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise self.error(where, f"expected a positive number of seconds, got {value!r}", "For example 600.")
        return float(value)

    def kustomization(self, name: str, item, where: str) -> KustomizationSpec:
        if not isinstance(item, Mapping):
            raise self.error(where, "expected an object", "A kustomization is an object such as {path: ./apps}.")
        path, depends, prune, timeout = "", (), False, 600.0
        substitute: dict = {}
        substitute_from: list[dict] = []
        for raw_key, value in item.items():
            key, spot = str(raw_key), f"{where}.{raw_key}"
            if key.startswith("substitute."):
                self.variable(key[len("substitute."):], value, spot, substitute)
                continue
            canonical = _K_KEYS.get(key)
            if canonical is None:
                close = difflib.get_close_matches(key, list(_K_KEYS), n=1, cutoff=0.6)
                raise self.error(spot, f"unknown kustomization key {key!r}",
                                 (f"Did you mean {close[0]!r}? " if close else "") +
                                 "Keys: path, dependsOn, prune, substitute, substituteFrom, postBuild, timeout ...")
            if value is None or canonical in ("interval", "force", "wait", "timeout"):
                continue  # not needed for a build (show output prints null for unset keys)
            if canonical == "name":
                if self.text(value, spot) != name:
                    raise self.error(spot, f"the name {value!r} differs from the key {name!r}", "Use one name.")
            elif canonical == "path":
                path = self.text(value, spot)
            elif canonical == "dependsOn":
                depends = self.depends_on(value, spot)
            elif canonical == "prune":
                prune = self.boolean(value, spot)
            elif canonical == "timeoutInSeconds":
                timeout = self.seconds(value, spot)
            elif canonical == "substitute":
                self.substitute(value, spot, substitute)
            elif canonical == "substituteFrom":
                substitute_from += self.substitute_from(value, spot)
            elif canonical == "postBuild":
                self.post_build(value, spot, substitute, substitute_from)
        post_build: dict = {}
        if substitute:
            post_build["substitute"] = substitute
        if substitute_from:
            post_build["substituteFrom"] = substitute_from
        return KustomizationSpec(name, path, depends, prune, post_build or None, timeout)

    def post_build(self, value, where: str, substitute: dict, substitute_from: list[dict]) -> None:
        if not isinstance(value, Mapping):
            raise self.error(where, "expected an object", "postBuild has substitute (a map) and substituteFrom (a list).")
        for key, item in value.items():
            if item is None:
                continue
            if key == "substitute":
                self.substitute(item, f"{where}.substitute", substitute)
            elif key == "substituteFrom":
                substitute_from += self.substitute_from(item, f"{where}.substituteFrom")
            else:
                raise self.error(f"{where}.{key}", f"unknown key {key!r}", "postBuild has substitute and substituteFrom.")

    def kustomizations(self, value, where: str = "kustomizations") -> dict[str, KustomizationSpec]:
        items: list[tuple[object, object, str]] = []
        if isinstance(value, list):
            for index, item in enumerate(value):
                if not isinstance(item, Mapping) or "name" not in item:
                    raise self.error(f"{where}[{index}]", "the kustomization has no name",
                                     "Each kustomization in a list needs a name member.")
                items.append((item["name"], item, f"{where}.{item['name']}"))
        elif isinstance(value, Mapping):
            items = [(name, item, f"{where}.{name}") for name, item in value.items()]
        elif value is not None:
            raise self.error(where, "expected a map of name -> kustomization or a list",
                             "For example kustomizations: {infra: {path: ./infrastructure}}.")
        out: dict[str, KustomizationSpec] = {}
        for name, item, spot in items:
            name = self.name(name, spot)
            if name in out:
                raise self.error(spot, f"kustomization {name!r} is given twice", "Give every kustomization a unique name.")
            out[name] = self.kustomization(name, item, spot)
        return out


def _source_kind(reader: _Reader, value, where: str) -> str:
    kind = _SOURCE_KINDS.get(reader.text(value, where).lower().replace("_", ""))
    if kind is None:
        raise reader.error(where, f"unknown source kind {value!r}", "Use git, bucket, azblob or oci.")
    return kind


def _scope(reader: _Reader, value, where: str) -> str:
    scope = reader.text(value, where).lower()
    if scope not in ("cluster", "namespace"):
        raise reader.error(where, f"invalid scope {value!r}", "Use cluster or namespace.")
    return scope


def _from_config_file(reader: _Reader, doc: Mapping) -> CheckConfig:
    values: dict[str, object] = {}
    kustomizations: dict[str, KustomizationSpec] = {}
    for raw_key, value in doc.items():
        key = str(raw_key)
        if key == "kustomizations":
            kustomizations = reader.kustomizations(value)
            continue
        dest = FILE_KEYS.get(key)
        if dest is None:
            close = difflib.get_close_matches(key, [*FILE_KEYS, "kustomizations"], n=1, cutoff=0.6)
            raise reader.error(key, f"unknown key {key!r}", (f"Did you mean {close[0]!r}? " if close else "") +
                               "Keys are the flux create options without the dashes, plus kustomizations.")
        if dest in values:
            raise reader.error(key, f"{key!r} is given more than once", "Give each setting once.")
        values[dest] = value
    name = reader.name(values["name"], "name") if values.get("name") is not None else ""
    namespace = reader.name(values["namespace"], "namespace") if values.get("namespace") is not None else DEFAULT_NAMESPACE
    scope = _scope(reader, values["scope"], "scope") if values.get("scope") is not None else "cluster"
    kind = _source_kind(reader, values["kind"], "kind") if values.get("kind") is not None else "GitRepository"
    url = reader.text(values["url"], "url") if values.get("url") is not None else ""
    return CheckConfig(name, namespace, scope, kind, url, kustomizations, "config-file")


def _from_resource(reader: _Reader, top: Mapping, props: Mapping, shape: str, prefix: str) -> CheckConfig:
    """A configuration resource (machine-written: keys a build does not need are ignored)."""
    name = reader.name(top["name"], "name") if top.get("name") else ""
    namespace = reader.name(props["namespace"], f"{prefix}namespace") if props.get("namespace") else DEFAULT_NAMESPACE
    scope = _scope(reader, props["scope"], f"{prefix}scope") if props.get("scope") else "cluster"
    kind = _source_kind(reader, props["sourceKind"], f"{prefix}sourceKind") if props.get("sourceKind") else "GitRepository"
    source = props.get({"GitRepository": "gitRepository", "Bucket": "bucket", "AzureBlob": "azureBlob",
                        "OCIRepository": "ociRepository"}[kind]) or {}
    url = str(source.get("url") or "") if isinstance(source, Mapping) else ""
    kustomizations = reader.kustomizations(props.get("kustomizations"), f"{prefix}kustomizations")
    return CheckConfig(name, namespace, scope, kind, url, kustomizations, shape)


def parse_config(doc, path: str) -> CheckConfig:
    """A CheckConfig from a parsed document; ``path`` is only used in messages."""
    reader = _Reader(path)
    if not isinstance(doc, Mapping):
        raise ConfigError(f"{path}: the file must contain an object (a --config-file or the output of "
                          "'az k8s-configuration flux show -o json').")
    if isinstance(doc.get("properties"), Mapping):
        config = _from_resource(reader, doc, doc["properties"], "arm", "properties.")
    elif any(str(k) in _SHOW_MARKERS for k in doc):
        config = _from_resource(reader, doc, doc, "show", "")
    else:
        config = _from_config_file(reader, doc)
    if not config.kustomizations:
        raise ConfigError(f"{path}: the configuration has no kustomizations, so nothing would be applied. "
                          "Add kustomizations: {NAME: {path: ./DIR}} to the file.")
    return config


def load_config(path: str) -> CheckConfig:
    """Read and parse a configuration file (YAML or JSON); ConfigError on any problem."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file. Give --config-file the path of a configuration file.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the file: {exc}.") from None
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        place = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid syntax"
        raise ConfigError(f"{path}: not valid YAML/JSON{place}: {problem}. Fix the file's syntax.") from None
    return replace(parse_config(doc, path), path=path)


def describe(config: CheckConfig) -> dict:
    """JSON-friendly summary for the report."""
    return {"name": config.name, "namespace": config.namespace, "scope": config.scope, "sourceKind": config.source_kind,
            "shape": config.shape,
            "kustomizations": {k: s.arm() for k, s in config.kustomizations.items()}}
