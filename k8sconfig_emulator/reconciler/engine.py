"""One reconcile of a FluxConfiguration: fetch the source, build and apply kustomizations, report statuses."""

from __future__ import annotations

import tempfile
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from .apply import ApplyContext, objects_from_build, resolve_variables
from .extension import disabled_message, enabled_controllers
from .inventory import drop_kustomization, merge_applied
from .kustomize import (
    BuildError,
    Deadline,
    build,
    build_generated,
    ensure_kustomization,
    resolve_path,
)
from .ordering import order_kustomizations
from .schedule import due_at, iso, next_interval, spec_hash
from .settings import ReconcilerSettings
from .source import (
    SourceOutcome,
    fetch_source,
    protected_secrets,
    source_kind,
    source_spec,
)
from .statuses import (
    COMPLIANT,
    NON_COMPLIANT,
    PENDING,
    SUSPENDED,
    Result,
    conditions_of,
    error_summary,
    overall_compliance,
    to_status,
)
from .urls import scrub
from .verify import Finding, manifest_of, verify_objects

STATE_VERSION = 1
# Objects one configuration may hold on the emulated cluster (its inventory is kept in the store).
MAX_OBJECTS = 25_000
# Bytes of ConfigMap/Secret data one configuration may keep (for postBuild substitution and valuesFrom checks).
MAX_DATA_BYTES = 16 * 1024 * 1024
NO_NETWORK = "the emulated cluster has no network"


def _suspended(props: dict, state: dict, now: str, digest: str) -> tuple[dict, dict]:
    status = {
        "complianceState": SUSPENDED,
        "statuses": state.get("statuses") or [],
        "sourceSyncedCommitId": state.get("revision"),
        "sourceUpdatedAt": state.get("sourceUpdatedAt"),
        "statusUpdatedAt": now,
        "errorMessage": "",
    }
    return status, {**state, "version": STATE_VERSION, "specHash": digest, "nextDueAt": None, "suspended": True}


def _source_result(props: dict, name: str, namespace: str, controllers: dict, settings: ReconcilerSettings,
                   scratch: Path) -> tuple[SourceOutcome, Result]:
    kind = source_kind(props)
    if not controllers["source-controller"]:
        outcome = SourceOutcome(False, "ControllerDisabled", disabled_message("source-controller", "nothing is fetched"))
        return outcome, Result(kind, name, namespace, PENDING, outcome.reason, outcome.message)
    outcome = fetch_source(props, settings, scratch)
    return outcome, Result(kind, name, namespace, COMPLIANT if outcome.ready else NON_COMPLIANT, outcome.reason, outcome.message)


class _Run:
    """The mutable bookkeeping of one reconcile pass."""

    def __init__(self, config: dict, state: dict, controllers: dict, source: SourceOutcome, source_failed: bool):
        self.props = config.get("properties") or {}
        self.name = str(config.get("name") or "")
        self.namespace = self.props.get("namespace") or "default"
        self.controllers = controllers
        self.source = source
        self.source_failed = source_failed
        self.recorded = state.get("kustomizations") or {}
        self.inventory: list[dict] = list(state.get("inventory") or [])
        self.results: dict[str, Result] = {}
        self.secrets = protected_secrets(self.props)
        self.findings: dict[tuple[str, str, str], list[Finding]] = {}

    def verify(self, helm_repos: dict, others: list[dict]) -> None:
        """Check the Flux objects on the emulated cluster the way the controllers would (no network). ``others``:
        inventory entries of the cluster's other configurations, which the objects may refer to."""
        own_source = {"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": source_kind(self.props),
                      "metadata": {"name": self.name, "namespace": self.namespace}}
        orphans = [manifest_of(e) for e in self.inventory if e.get("orphaned")]
        context = [*(manifest_of(e) for e in others), own_source, *orphans]
        objects = [manifest_of(e) for e in self.inventory if not e.get("orphaned")]
        for finding in verify_objects(objects, chart_repos=helm_repos, context=context):
            self.findings.setdefault((finding.kind, finding.namespace, finding.name), []).append(finding)

    def full_name(self, k: str) -> str:
        return f"{self.name}-{k}"

    def result(self, k: str, compliance: str, reason: str, message: str, ready_status: str | None = None) -> Result:
        return Result("Kustomization", self.full_name(k), self.namespace, compliance, reason, message, ready_status=ready_status)

    def apply(self, k: str, spec: dict) -> Result:
        assert self.source.tree is not None and self.source.revision is not None
        deadline = Deadline(float(spec.get("timeoutInSeconds") or 600))
        try:
            directory = resolve_path(self.source.tree, str(spec.get("path") or ""))
            generated = ensure_kustomization(directory, deadline, self.source.tree)
            output = build_generated(directory, generated, deadline) if generated is not None else None
            if output is None:
                output = build(directory, self.source.tree, deadline)
            postbuild = spec.get("postBuild")
            variables = resolve_variables(postbuild, self.inventory, self.namespace) if postbuild else None
            ctx = ApplyContext(self.name, self.namespace, self.props.get("scope") or "cluster",
                               source_kind(self.props), k, variables)
            applied = objects_from_build(output, ctx, self.inventory)
            kept = [e for e in self.inventory if e.get("kustomization") != k] + applied
            if len(kept) > MAX_OBJECTS:
                raise BuildError(f"the configuration would hold {len(kept)} objects; the emulated cluster keeps at "
                                 f"most {MAX_OBJECTS} per configuration")
            data = sum(len(str(key)) + len(str(v)) for e in kept for key, v in (e.get("data") or {}).items())
            if data > MAX_DATA_BYTES:
                raise BuildError(f"the ConfigMaps and Secrets of the configuration hold {data} bytes of data; the "
                                 f"emulated cluster keeps at most {MAX_DATA_BYTES // 2**20} MiB per configuration")
        except BuildError as exc:
            return self.result(k, NON_COMPLIANT, "BuildFailed", scrub(str(exc), self.secrets))
        except OSError as exc:
            return self.result(k, NON_COMPLIANT, "BuildFailed", f"kustomize build failed: {exc}")
        self.inventory = merge_applied(self.inventory, k, applied, bool(spec.get("prune")))
        return self.result(k, COMPLIANT, "ReconciliationSucceeded", f"Applied revision: {self.source.revision.synced_id}")

    def kustomization(self, k: str, spec: dict, problem: str | None) -> Result:
        if problem:
            return self.result(k, NON_COMPLIANT, "DependencyNotFound", problem, "False")
        if not self.controllers["kustomize-controller"]:
            return self.result(k, PENDING, "ControllerDisabled",
                               disabled_message("kustomize-controller", "kustomizations are not applied"))
        if not self.source.ready:
            previous = (self.recorded.get(k) or {}).get("result")
            if self.source_failed and previous and previous.get("compliance") == COMPLIANT:
                return Result(**previous)  # keeps serving the last applied revision, as Flux does
            kind = source_kind(self.props)
            return self.result(k, PENDING, "ArtifactFailed", f"source '{kind}/{self.namespace}/{self.name}' is not ready")
        for dep in (spec.get("dependsOn") or []):
            dep_result = self.results.get(str(dep))
            if dep_result is None or dep_result.compliance != COMPLIANT:
                return self.result(k, PENDING, "DependencyNotReady",
                                   f"dependency '{self.namespace}/{self.full_name(str(dep))}' is not ready", "False")
        return self.apply(k, spec)

    def object_result(self, entry: dict, helm_repos: dict) -> Result:
        kind, ns, name = entry["kind"], entry["namespace"], entry["name"]
        base = {"kind": kind, "name": name, "namespace": ns, "applied_by": entry.get("appliedBy")}
        findings = self.findings.get((kind, ns, name)) or []
        helm_props = None
        if kind == "HelmRelease":
            helm = entry.get("helm") or {}
            helm_props = {"lastRevisionApplied": helm.get("revision"), "helmChartRef": helm.get("chartRef"),
                          "failureCount": 0, "installFailureCount": 0, "upgradeFailureCount": 0}
            if not self.controllers["helm-controller"]:
                helm_props["lastRevisionApplied"] = None
                return Result(**base, compliance=PENDING, reason="ControllerDisabled", helm=helm_props,
                              message=disabled_message("helm-controller", "the HelmRelease is not reconciled"))
            if findings:
                helm_props = {**helm_props, "lastRevisionApplied": None, "failureCount": 1, "installFailureCount": 1}
        if findings:
            message = "; ".join(f.message for f in findings)
            return Result(**base, compliance=NON_COMPLIANT, reason=findings[0].reason, message=message, helm=helm_props)
        if kind == "HelmRelease":
            helm = entry.get("helm") or {}
            src = helm.get("sourceRef") or {}
            if src.get("kind") != "HelmRepository":
                checked = f"the chart in the {src.get('kind')} is not checked"
            elif self._local_chart_repo(src, helm_repos):
                checked = "version resolved in the local chart repository index"
            else:
                checked = "version range valid"
            message = (f"Helm chart '{helm.get('chart')}@{helm.get('version')}' from {src.get('kind')} "
                       f"'{src.get('namespace')}/{src.get('name')}': source found, {checked}; chart not downloaded "
                       f"or installed: {NO_NETWORK}")
            return Result(**base, compliance=COMPLIANT, reason="ChartRecorded", message=message, helm=helm_props)
        if kind in ("HelmRepository", "OCIRepository", "Bucket", "GitRepository") and entry.get("spec") is not None:
            url = entry.get("url") or (entry.get("spec") or {}).get("url") or (entry.get("spec") or {}).get("endpoint")
            local = kind == "HelmRepository" and str(url or "").rstrip("/") in {k.rstrip("/") for k in helm_repos}
            fetched = "index read from the local chart repository" if local else f"nothing fetched: {NO_NETWORK}"
            message = f"{kind} '{url}': URL well-formed; {fetched}"
            return Result(**base, compliance=COMPLIANT, reason="Succeeded", message=message)
        applied_by = entry.get("appliedBy") or {}
        message = f"{kind} applied by Kustomization '{applied_by.get('namespace')}/{applied_by.get('name')}'"
        return Result(**base, compliance=COMPLIANT, reason="Applied", message=message)

    def _local_chart_repo(self, src: dict, helm_repos: dict) -> bool:
        for entry in self.inventory:
            if (entry["kind"], entry["namespace"], entry["name"]) == ("HelmRepository", src.get("namespace"), src.get("name")):
                url = str((entry.get("spec") or {}).get("url") or entry.get("url") or "").rstrip("/")
                return url in {k.rstrip("/") for k in helm_repos}
        return False


def reconcile(config: dict, flux_extension: dict | None, state: dict | None, now: datetime,
              settings: ReconcilerSettings, others: list[dict] | None = None) -> tuple[dict, dict]:
    """Reconcile one configuration; returns (status properties to merge, new JSON-serialisable state).

    ``others``: the inventory entries of the cluster's other configurations (objects such as a HelmRepository
    that this configuration's HelmReleases may use)."""
    props = config.get("properties") or {}
    state = state or {}
    ts = iso(now)
    digest = spec_hash(props)
    if props.get("suspend"):
        return _suspended(props, state, ts, digest)
    controllers = enabled_controllers(flux_extension)
    name = str(config.get("name") or "")
    namespace = props.get("namespace") or "default"
    kustomizations = props.get("kustomizations") or {}
    tmp_root = settings.cache_dir / "tmp"
    tmp_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=tmp_root) as scratch:
        source, source_result = _source_result(props, name, namespace, controllers, settings, Path(scratch))
        run = _Run(config, state, controllers, source, source_result.compliance == NON_COMPLIANT)
        for gone, record in run.recorded.items():
            if gone not in kustomizations:
                run.inventory = drop_kustomization(run.inventory, gone, bool((record or {}).get("prune")))
        order, problems = order_kustomizations(kustomizations, lambda k: f"{namespace}/{name}-{k}")
        for k in order:
            run.results[k] = run.kustomization(k, kustomizations[k] or {}, problems.get(k))
    k_results = [run.results[k] for k in kustomizations if k in run.results]
    helm_repos = dict(getattr(settings, "helm_repos", None) or {})
    run.verify(helm_repos, list(others or []))
    object_results = [run.object_result(e, helm_repos) for e in run.inventory if not e.get("orphaned")]
    results = [source_result, *k_results, *object_results]
    statuses = [to_status(r, state.get("conditions") or {}, ts) for r in results]
    compliance = overall_compliance(results)

    revision, updated = state.get("revision"), state.get("sourceUpdatedAt")
    if source.ready and source.revision is not None:
        if source.revision.synced_id != revision:
            updated = ts
        revision = source.revision.synced_id
    failed = [k for k, r in run.results.items() if r.compliance == NON_COMPLIANT]
    # a missing object may be applied by another configuration soon: look again as for a pending one
    seconds = next_interval(props, source_spec(props), failed, compliance == PENDING or bool(run.findings))
    status = {
        "complianceState": compliance,
        "statuses": statuses,
        "sourceSyncedCommitId": revision,
        "sourceUpdatedAt": updated,
        "statusUpdatedAt": ts,
        "errorMessage": error_summary(results),
    }
    new_state = {
        "version": STATE_VERSION,
        "configuration": {"name": name, "namespace": namespace},
        "specHash": digest,
        "revision": revision,
        "sourceUpdatedAt": updated,
        "lastReconciledAt": ts,
        "nextDueAt": due_at(now, seconds),
        "kustomizations": {
            k: {"prune": bool((kustomizations[k] or {}).get("prune")), "result": asdict(r)} for k, r in run.results.items()
        },
        "inventory": run.inventory,
        "conditions": conditions_of(statuses),
        "statuses": statuses,
    }
    return status, new_state
