"""What the emulated cluster can check about Flux objects without a network.

``verify_objects`` looks at every object a configuration applied and reports, Flux-style, what the real
controllers would refuse: HelmRelease chart sources that are not on the cluster, chart versions that are not
semver ranges, ``valuesFrom`` ConfigMaps/Secrets (and keys) that do not exist, HelmRelease ``dependsOn`` that does
not resolve, and source URLs that are not well-formed. With ``chart_repos`` (chart repository URL -> local
directory holding an ``index.yaml``) chart names and versions are resolved for real.

It is pure: no network, no I/O except reading those ``index.yaml`` files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from .semver import SemverError, best_match, parse_constraint
from .yamlsafe import LOADER

HELM_SOURCE_KINDS = ("HelmRepository", "GitRepository", "Bucket")
CHART_REF_KINDS = ("OCIRepository", "HelmChart")
KUSTOMIZATION_SOURCE_KINDS = ("GitRepository", "OCIRepository", "Bucket")
MAX_INDEX_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class Finding:
    kind: str
    namespace: str
    name: str
    reason: str  # Flux-like reason, e.g. "SourceNotFound", "InvalidChartVersion"
    message: str  # names the missing object or the cause


def identity(obj) -> tuple[str, str, str]:
    """kind, namespace, name of a parsed document ('' for each one it lacks, also when it is not an object)."""
    if not isinstance(obj, dict):
        return "", "", ""
    meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    return str(obj.get("kind") or ""), str(meta.get("namespace") or ""), str(meta.get("name") or "")


def _spec(obj: dict) -> dict:
    spec = obj.get("spec")
    return spec if isinstance(spec, dict) else {}


def _group(obj: dict) -> str:
    return str(obj.get("apiVersion") or "").rpartition("/")[0]


def _is_flux(obj: dict, group: str) -> bool:
    return _group(obj) == group


class _Cluster:
    """The objects by (kind, namespace, name); Flux kinds are told apart by their API group."""

    def __init__(self, objects: list[dict]):
        self.by_key: dict[tuple[str, str, str], dict] = {}
        for obj in objects:
            if isinstance(obj, dict):
                self.by_key[identity(obj)] = obj

    def get(self, kind: str, namespace: str, name: str) -> dict | None:
        return self.by_key.get((kind, namespace, name))


def _data_keys(obj: dict) -> set[str]:
    keys: set[str] = set()
    for field in ("data", "stringData", "binaryData"):
        value = obj.get(field)
        if isinstance(value, dict):
            keys.update(str(k) for k in value)
    return keys


# ---- source URLs ------------------------------------------------------------------------------------------------

def _url_problem(url: str, schemes: tuple[str, ...]) -> str | None:
    """Why ``url`` is not a well-formed URL with one of ``schemes`` (None when it is)."""
    if not url:
        return "spec.url is empty"
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError on a bad port
    except ValueError as exc:
        return f"invalid URL '{url}': {exc}"
    del port
    if parts.scheme.lower() not in schemes:
        wanted = ", ".join(f"{s}://" for s in schemes)
        return f"invalid URL '{url}': the scheme must be one of {wanted}"
    if not parts.hostname:
        return f"invalid URL '{url}': no host"
    if any(c.isspace() for c in url):
        return f"invalid URL '{url}': contains white space"
    return None


def _source_findings(obj: dict) -> list[Finding]:
    kind, namespace, name = identity(obj)
    spec = _spec(obj)
    problem = None
    if kind == "HelmRepository":
        oci = str(spec.get("type") or "default") == "oci"
        problem = _url_problem(str(spec.get("url") or ""), ("oci",) if oci else ("http", "https"))
    elif kind == "GitRepository":
        problem = _url_problem(str(spec.get("url") or ""), ("http", "https", "ssh"))
    elif kind == "OCIRepository":
        problem = _url_problem(str(spec.get("url") or ""), ("oci",))
    elif kind == "Bucket":
        endpoint = str(spec.get("endpoint") or "")
        if not endpoint or "://" in endpoint or any(c.isspace() for c in endpoint):
            problem = f"invalid endpoint '{endpoint}': give a host name (and port) without a scheme"
        elif not str(spec.get("bucketName") or ""):
            problem = "spec.bucketName is empty"
    if problem is None:
        return []
    return [Finding(kind, namespace, name, "URLInvalid", problem)]


# ---- HelmRelease --------------------------------------------------------------------------------------------------

class ChartIndexError(Exception):
    """The local chart repository's index.yaml cannot be used; the message says why."""


def _chart_index(directory: Path) -> dict[str, list[str]]:
    """{chart name: [versions]} from ``directory/index.yaml``; raises ChartIndexError with the cause."""
    index = directory / "index.yaml"
    try:
        with index.open("rb") as handle:
            raw = handle.read(MAX_INDEX_BYTES + 1)
    except OSError as exc:
        raise ChartIndexError(f"cannot read {index.name} of the local chart repository: {exc.strerror}") from exc
    if len(raw) > MAX_INDEX_BYTES:
        raise ChartIndexError(f"{index.name} of the local chart repository is larger than {MAX_INDEX_BYTES} bytes")
    try:
        doc = yaml.load(raw, Loader=LOADER)
    except yaml.YAMLError as exc:
        raise ChartIndexError(f"{index.name} of the local chart repository is not valid YAML") from exc
    entries = doc.get("entries") if isinstance(doc, dict) else None
    if not isinstance(entries, dict):
        raise ChartIndexError(f"{index.name} of the local chart repository has no 'entries'")
    out: dict[str, list[str]] = {}
    for chart, versions in entries.items():
        if isinstance(versions, list):
            out[str(chart)] = [str(v.get("version")) for v in versions if isinstance(v, dict) and v.get("version")]
    return out


def _local_repo(url: str, chart_repos: dict[str, Path]) -> Path | None:
    wanted = url.rstrip("/")
    for key, directory in chart_repos.items():
        if key.rstrip("/") == wanted:
            return Path(directory)
    return None


class _HelmReleaseCheck:
    def __init__(self, obj: dict, cluster: _Cluster, chart_repos: dict[str, Path], index_cache: dict):
        self.kind, self.namespace, self.name = identity(obj)
        self.spec = _spec(obj)
        self.cluster = cluster
        self.chart_repos = chart_repos
        self.index_cache = index_cache
        self.findings: list[Finding] = []

    def fail(self, reason: str, message: str) -> None:
        self.findings.append(Finding(self.kind, self.namespace, self.name, reason, message))

    def run(self) -> list[Finding]:
        if self.spec.get("chartRef"):
            self.chart_ref(self.spec["chartRef"])
        else:
            self.chart_template()
        self.values_from()
        self.depends_on()
        return self.findings

    def _ref(self, ref: object, what: str) -> tuple[str, str, str] | None:
        if not isinstance(ref, dict) or not ref.get("name") or not ref.get("kind"):
            self.fail("InvalidChartReference", f"{what} must name a kind and a name")
            return None
        return str(ref["kind"]), str(ref.get("namespace") or self.namespace), str(ref["name"])

    def chart_ref(self, ref: object) -> None:
        found = self._ref(ref, "spec.chartRef")
        if found is None:
            return
        kind, ns, name = found
        if kind not in CHART_REF_KINDS:
            self.fail("InvalidChartReference", f"spec.chartRef.kind '{kind}' is not one of {', '.join(CHART_REF_KINDS)}")
        elif self.cluster.get(kind, ns, name) is None:
            self.fail("SourceNotFound", f"could not get {kind} '{ns}/{name}': not found on the cluster "
                                        "(no configuration applied it)")

    def chart_template(self) -> None:
        chart = (self.spec.get("chart") or {}) if isinstance(self.spec.get("chart"), dict) else {}
        cspec = chart.get("spec") if isinstance(chart.get("spec"), dict) else {}
        if not cspec:
            self.fail("InvalidChartReference", "the HelmRelease has neither spec.chart.spec nor spec.chartRef")
            return
        chart_name = str(cspec.get("chart") or "")
        if not chart_name:
            self.fail("InvalidChartReference", "spec.chart.spec.chart (the chart name or path) is empty")
        found = self._ref(cspec.get("sourceRef"), "spec.chart.spec.sourceRef")
        version = str(cspec.get("version") or "*")
        if found is None:
            return
        kind, ns, name = found
        if kind not in HELM_SOURCE_KINDS:
            self.fail("InvalidChartReference",
                      f"spec.chart.spec.sourceRef.kind '{kind}' is not one of {', '.join(HELM_SOURCE_KINDS)}")
            return
        if kind == "HelmRepository":
            try:
                parse_constraint(version)
            except SemverError as exc:
                self.fail("InvalidChartVersion", f"invalid chart version '{version}': {exc}")
                return
        source = self.cluster.get(kind, ns, name)
        if source is None:
            self.fail("SourceNotFound", f"chart source {kind} '{ns}/{name}' not found on the cluster "
                                        "(no configuration applied it)")
            return
        if kind == "HelmRepository" and chart_name:
            self.resolve_version(source, chart_name, version)

    def resolve_version(self, source: dict, chart_name: str, version: str) -> None:
        url = str(_spec(source).get("url") or "")
        directory = _local_repo(url, self.chart_repos)
        if directory is None:
            return
        if directory not in self.index_cache:
            try:
                self.index_cache[directory] = _chart_index(directory)
            except ChartIndexError as exc:
                self.index_cache[directory] = str(exc)
        index = self.index_cache[directory]
        if isinstance(index, str):
            self.fail("ChartPullFailed", f"chart repository '{url}': {index}")
            return
        if chart_name not in index:
            self.fail("ChartPullFailed", f"chart '{chart_name}' not found in the index of '{url}'")
        elif best_match(version, index[chart_name]) is None:
            self.fail("ChartPullFailed", f"no '{chart_name}' chart with version matching '{version}' found in '{url}'")

    def values_from(self) -> None:
        refs = self.spec.get("valuesFrom") or []
        if not isinstance(refs, list):
            self.fail("InitFailed", "spec.valuesFrom must be a list")
            return
        for ref in refs:
            if not isinstance(ref, dict):
                continue
            kind, name = str(ref.get("kind") or ""), str(ref.get("name") or "")
            if kind not in ("ConfigMap", "Secret"):
                self.fail("InitFailed", f"spec.valuesFrom: kind '{kind}' is not supported, use ConfigMap or Secret")
                continue
            found = self.cluster.get(kind, self.namespace, name)
            if ref.get("optional"):
                continue
            if found is None:
                self.fail("InitFailed", f"could not resolve {kind} chart values reference "
                                        f"'{self.namespace}/{name}': not found on the cluster")
                continue
            key = str(ref.get("valuesKey") or "values.yaml")
            if key not in _data_keys(found):
                self.fail("InitFailed", f"missing key '{key}' in {kind} '{self.namespace}/{name}'")

    def depends_on(self) -> None:
        for dep in self.spec.get("dependsOn") or []:
            if not isinstance(dep, dict) or not dep.get("name"):
                self.fail("DependencyNotFound", "spec.dependsOn entries must have a name")
                continue
            ns, name = str(dep.get("namespace") or self.namespace), str(dep["name"])
            if (ns, name) == (self.namespace, self.name):
                self.fail("DependencyNotFound", f"HelmRelease '{ns}/{name}' depends on itself")
            elif self.cluster.get("HelmRelease", ns, name) is None:
                self.fail("DependencyNotFound", f"dependency HelmRelease '{ns}/{name}' not found on the cluster")


def _helm_chart_findings(obj: dict, cluster: _Cluster) -> list[Finding]:
    kind, namespace, name = identity(obj)
    ref = _spec(obj).get("sourceRef")
    if not isinstance(ref, dict) or not ref.get("kind") or not ref.get("name"):
        return [Finding(kind, namespace, name, "InvalidChartReference", "spec.sourceRef must name a kind and a name")]
    if cluster.get(str(ref["kind"]), namespace, str(ref["name"])) is None:
        return [Finding(kind, namespace, name, "SourceNotFound",
                        f"chart source {ref['kind']} '{namespace}/{ref['name']}' not found on the cluster")]
    return []


def _kustomization_findings(obj: dict, cluster: _Cluster) -> list[Finding]:
    kind, namespace, name = identity(obj)
    ref = _spec(obj).get("sourceRef")
    if not isinstance(ref, dict) or not ref.get("kind") or not ref.get("name"):
        return [Finding(kind, namespace, name, "ArtifactFailed", "spec.sourceRef must name a kind and a name")]
    src_kind, ns, src_name = str(ref["kind"]), str(ref.get("namespace") or namespace), str(ref["name"])
    if src_kind not in KUSTOMIZATION_SOURCE_KINDS:
        return [Finding(kind, namespace, name, "ArtifactFailed",
                        f"spec.sourceRef.kind '{src_kind}' is not one of {', '.join(KUSTOMIZATION_SOURCE_KINDS)}")]
    if cluster.get(src_kind, ns, src_name) is None:
        return [Finding(kind, namespace, name, "ArtifactFailed",
                        f"Source '{src_kind}/{ns}/{src_name}' not found on the cluster")]
    return []


_ESSENTIAL = {
    "HelmRelease": ("chart", "chartRef", "valuesFrom", "dependsOn"),
    "HelmRepository": ("url", "type"),
    "GitRepository": ("url",),
    "OCIRepository": ("url",),
    "Bucket": ("endpoint", "bucketName"),
    "HelmChart": ("sourceRef", "chart", "version"),
    "Kustomization": ("sourceRef",),
}
FLUX_GROUPS = ("source.toolkit.fluxcd.io", "helm.toolkit.fluxcd.io", "kustomize.toolkit.fluxcd.io")


def essential_spec(obj: dict) -> dict | None:
    """The part of a Flux object's spec verify_objects reads (small enough to keep in the inventory)."""
    if _group(obj) not in FLUX_GROUPS:
        return None
    spec = _spec(obj)
    return {k: spec[k] for k in _ESSENTIAL.get(str(obj.get("kind") or ""), ()) if k in spec}


def manifest_of(entry: dict) -> dict:
    """An inventory entry back in manifest shape, as much as verify_objects needs."""
    obj = {"apiVersion": entry.get("apiVersion"), "kind": entry.get("kind"),
           "metadata": {"name": entry.get("name"), "namespace": entry.get("namespace") or ""}}
    if entry.get("spec") is not None:
        obj["spec"] = entry["spec"]
    if entry.get("data") is not None:
        obj["data"] = entry["data"]
    return obj


def verify_objects(objects: list[dict], *, chart_repos: dict[str, Path] | None = None,
                   context: list[dict] | None = None) -> list[Finding]:
    """Findings for every object of ``objects`` the real Flux controllers would refuse, in their order.

    ``context``: other objects on the cluster (e.g. applied by other configurations) that ``objects`` may refer
    to; they are not checked themselves, and an object of ``objects`` with the same kind/namespace/name wins."""
    cluster = _Cluster([*(context or []), *objects])
    repos = dict(chart_repos or {})
    index_cache: dict = {}
    findings: list[Finding] = []
    for obj in objects:
        if not isinstance(obj, dict):
            continue
        kind = str(obj.get("kind") or "")
        if _is_flux(obj, "source.toolkit.fluxcd.io"):
            findings += _source_findings(obj)
            if kind == "HelmChart":
                findings += _helm_chart_findings(obj, cluster)
        elif _is_flux(obj, "helm.toolkit.fluxcd.io") and kind == "HelmRelease":
            findings += _HelmReleaseCheck(obj, cluster, repos, index_cache).run()
        elif _is_flux(obj, "kustomize.toolkit.fluxcd.io") and kind == "Kustomization":
            findings += _kustomization_findings(obj, cluster)
    return findings
