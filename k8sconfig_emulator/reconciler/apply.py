"""Turn a kustomize build into inventory entries: substitution, namespaces, scope, managed Helm sources."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass

from .inventory import find_object
from .kustomize import BuildError, parse_document, split_documents
from .substitute import substitute, substitution_disabled
from .verify import essential_spec

MANAGED_SOURCE_ANNOTATION = "clusterconfig.azure.com/use-managed-source"
CLUSTER_SCOPED_KINDS = {
    "Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "PersistentVolume",
    "StorageClass", "PriorityClass", "IngressClass", "RuntimeClass", "APIService", "CSIDriver",
    "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
}


@dataclass
class ApplyContext:
    config_name: str
    namespace: str  # the configuration's namespace
    scope: str  # cluster | namespace
    source_kind: str
    kustomization: str
    variables: dict[str, str] | None = None  # None: no postBuild, nothing is substituted

    @property
    def applied_by(self) -> dict:
        return {"name": f"{self.config_name}-{self.kustomization}", "namespace": self.namespace}


def resolve_variables(postbuild: dict | None, inventory: list[dict], namespace: str) -> dict[str, str]:
    """Variables from postBuild.substituteFrom (in order) then postBuild.substitute; raises BuildError."""
    postbuild = postbuild or {}
    out: dict[str, str] = {}
    for ref in postbuild.get("substituteFrom") or []:
        kind, name = str(ref.get("kind") or ""), str(ref.get("name") or "")
        if kind not in ("ConfigMap", "Secret"):
            raise BuildError(f"postBuild.substituteFrom: kind '{kind}' is not supported, use ConfigMap or Secret")
        found = find_object(inventory, kind, namespace, name)
        if found is None or found.get("orphaned"):
            if ref.get("optional"):
                continue
            raise BuildError(
                f"substitute from '{kind}/{name}' error: {kind} '{namespace}/{name}' not found "
                "(create it in an earlier kustomization or mark the reference optional)"
            )
        out.update(found.get("data") or {})
    out.update({str(k): str(v) for k, v in (postbuild.get("substitute") or {}).items()})
    return out


def _object_data(obj: dict) -> dict[str, str]:
    data: dict[str, str] = {}
    if obj["kind"] == "Secret":
        for k, v in (obj.get("data") or {}).items():
            try:
                data[str(k)] = base64.b64decode(str(v), validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
                raise BuildError(f"Secret '{obj['metadata']['name']}': data.{k} is not valid base64") from exc
        data.update({str(k): str(v) for k, v in (obj.get("stringData") or {}).items()})
    else:
        data.update({str(k): str(v) for k, v in (obj.get("data") or {}).items()})
    return data


def _managed(obj: dict, ctx: ApplyContext) -> bool:
    """The HelmRelease takes its chart from the configuration's own GitRepository (Azure's managed source)."""
    annotations = obj["metadata"].get("annotations") or {}
    return str(annotations.get(MANAGED_SOURCE_ANNOTATION, "")).lower() == "true" and ctx.source_kind == "GitRepository"


def _helm(obj: dict, ctx: ApplyContext, previous: dict | None) -> dict:
    spec = obj.get("spec") or {}
    chart_spec = ((spec.get("chart") or {}).get("spec")) or {}
    namespace = obj["metadata"]["namespace"]
    if _managed(obj, ctx):
        chart_spec = {**chart_spec, "sourceRef": {"kind": "GitRepository", "name": ctx.config_name, "namespace": ctx.namespace}}
    if spec.get("chartRef"):
        ref = spec["chartRef"]
        source = {"kind": ref.get("kind"), "name": ref.get("name"), "namespace": ref.get("namespace") or namespace}
        chart, version = ref.get("name"), None
    else:
        ref = chart_spec.get("sourceRef") or {}
        source = {"kind": ref.get("kind"), "name": ref.get("name"), "namespace": ref.get("namespace") or namespace}
        chart, version = chart_spec.get("chart"), chart_spec.get("version")
    digest = hashlib.sha256(json.dumps([spec, source], sort_keys=True, default=str).encode()).hexdigest()
    revision = 1
    if previous and previous.get("helm"):
        revision = previous["helm"]["revision"] + (0 if previous["helm"].get("specHash") == digest else 1)
    return {
        "chart": chart,
        "version": version or "*",
        "sourceRef": source,
        "chartRef": {"name": f"{namespace}-{obj['metadata']['name']}", "namespace": source["namespace"]},
        "specHash": digest,
        "revision": revision,
    }


def _entry(obj: dict, ctx: ApplyContext, previous_inventory: list[dict]) -> dict:
    meta = obj["metadata"]
    kind = obj["kind"]
    if kind in CLUSTER_SCOPED_KINDS:
        meta["namespace"] = ""
    elif not meta.get("namespace"):
        meta["namespace"] = ctx.namespace if ctx.scope == "namespace" else "default"
    if ctx.scope == "namespace" and meta["namespace"] != ctx.namespace:
        where = "cluster-scoped" if not meta["namespace"] else f"in namespace '{meta['namespace']}'"
        raise BuildError(
            f"{kind} '{meta['name']}' is {where}, but a namespace-scoped configuration may only apply objects "
            f"in namespace '{ctx.namespace}'"
        )
    entry = {
        "apiVersion": obj["apiVersion"],
        "kind": kind,
        "namespace": meta["namespace"],
        "name": str(meta["name"]),
        "kustomization": ctx.kustomization,
        "appliedBy": ctx.applied_by,
    }
    if kind in ("ConfigMap", "Secret"):
        entry["data"] = _object_data(obj)
    spec = essential_spec(obj)
    if spec is not None:
        entry["spec"] = spec
    if kind == "HelmRelease":
        previous = next((e for e in previous_inventory if e["kind"] == kind and e["namespace"] == entry["namespace"] and e["name"] == entry["name"]), None)
        entry["helm"] = _helm(obj, ctx, previous)
        if _managed(obj, ctx) and isinstance((entry.get("spec") or {}).get("chart"), dict):
            chart = entry["spec"]["chart"]
            entry["spec"]["chart"] = {**chart, "spec": {**(chart.get("spec") or {}), "sourceRef": entry["helm"]["sourceRef"]}}
    if kind == "HelmRepository":
        entry["url"] = str((obj.get("spec") or {}).get("url") or "")
    return entry


def objects_from_build(output: str, ctx: ApplyContext, previous_inventory: list[dict]) -> list[dict]:
    """Inventory entries for the objects of one kustomize build output; raises BuildError."""
    entries: dict[tuple, dict] = {}
    for doc in split_documents(output):
        obj = parse_document(doc)
        if ctx.variables is not None and not substitution_disabled(obj):
            obj = parse_document(substitute(doc, ctx.variables))
        entry = _entry(obj, ctx, previous_inventory)
        entries[(entry["apiVersion"], entry["kind"], entry["namespace"], entry["name"])] = entry
    return list(entries.values())
