"""The checks `check-repo` runs on a built tree, besides the build's own (check_repo_build): what the emulated
cluster verifies (``reconciler.verify``, on the same inventory entries the cluster keeps), one object applied by two
kustomizations, namespaces nothing creates (or that are created out of dependsOn order).
"""

from __future__ import annotations

from .check_repo_build import ERROR, WARNING, BuiltObject, Finding, TreeBuild
from .check_repo_config import CheckConfig
from .reconciler.verify import manifest_of, verify_objects

# namespaces every AKS / Arc cluster with the flux extension has, whatever the repository holds
CLUSTER_NAMESPACES = frozenset({"default", "kube-system", "kube-public", "kube-node-lease", "flux-system"})
_FLUX_SOURCE_KINDS = {"GitRepository": "GitRepository", "Bucket": "Bucket", "AzureBlob": "Bucket",
                      "OCIRepository": "OCIRepository"}


def _config_source(config: CheckConfig) -> dict | None:
    """The configuration's own source object, which the cluster has although the repository does not hold it."""
    if not config.name:
        return None
    return {"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": _FLUX_SOURCE_KINDS.get(config.source_kind, "GitRepository"),
            "metadata": {"name": config.name, "namespace": config.namespace}, "spec": {}}


def _owners(build: TreeBuild) -> dict[tuple[str, str, str], list[BuiltObject]]:
    owners: dict[tuple[str, str, str], list[BuiltObject]] = {}
    for obj in build.objects:
        owners.setdefault((obj.kind, obj.namespace, obj.name), []).append(obj)
    return owners


def verify_findings(build: TreeBuild, config: CheckConfig) -> list[Finding]:
    """What the emulated cluster reports about the objects, named by kustomization and file."""
    source = _config_source(config)
    # what the cluster verifies: its inventory entries in manifest shape (as reconciler.engine does)
    objects = [manifest_of(o.entry) for o in build.objects] + ([source] if source else [])
    owners = _owners(build)
    out = []
    for found in verify_objects(objects):
        built = owners.get((found.kind, found.namespace, found.name))
        if not built:
            continue  # about the configuration's own source, which is not in the repository
        out.append(Finding(ERROR, found.reason, built[0].kustomization, built[0].file, found.kind, found.namespace,
                           found.name, found.message))
    return out


def duplicate_findings(build: TreeBuild) -> list[Finding]:
    seen: dict[tuple, BuiltObject] = {}
    out = []
    for obj in build.objects:
        first = seen.setdefault(obj.key, obj)
        if first is obj or first.kustomization == obj.kustomization:
            continue
        out.append(Finding(ERROR, "DuplicateObject", obj.kustomization, obj.file, obj.kind, obj.namespace, obj.name,
                           f"also applied by kustomization '{first.kustomization}' ({first.file}): the two "
                           "kustomizations overwrite each other's copy on every reconcile and pruning one deletes "
                           "the other's object; keep the object in one kustomization"))
    return out


class _Ancestors:
    """Transitive dependsOn of each kustomization (memoised; cycles are reported elsewhere)."""

    def __init__(self, config: CheckConfig):
        self.config = config
        self.memo: dict[str, frozenset[str]] = {}

    def of(self, name: str, visiting: frozenset[str] = frozenset()) -> frozenset[str]:
        if name in self.memo:
            return self.memo[name]
        spec = self.config.kustomizations.get(name)
        out: set[str] = set()
        for dep in spec.depends_on if spec else ():
            if dep in visiting or dep == name:
                continue
            out.add(dep)
            out |= self.of(dep, visiting | {name})
        self.memo[name] = frozenset(out)
        return self.memo[name]


def namespace_findings(build: TreeBuild, config: CheckConfig) -> list[Finding]:
    creators: dict[str, str] = {}
    for obj in build.objects:
        if obj.kind == "Namespace" and not obj.namespace:
            creators.setdefault(obj.name, obj.kustomization)
    covered = CLUSTER_NAMESPACES | {config.namespace}
    ancestors = _Ancestors(config)
    out = []
    for obj in build.objects:
        ns = obj.namespace
        if not ns or ns in covered:
            continue
        creator = creators.get(ns)
        if creator is None:
            out.append(Finding(ERROR, "NamespaceNotFound", obj.kustomization, obj.file, obj.kind, ns, obj.name,
                               f"namespace '{ns}' is not created by any kustomization and is not the configuration's "
                               f"namespace '{config.namespace}': applying it fails with namespaces \"{ns}\" not found; "
                               "add a Namespace manifest (in this kustomization or one it depends on)"))
        elif creator != obj.kustomization and creator not in ancestors.of(obj.kustomization):
            out.append(Finding(WARNING, "NamespaceNotOrdered", obj.kustomization, obj.file, obj.kind, ns, obj.name,
                               f"namespace '{ns}' is created by kustomization '{creator}', which "
                               f"'{obj.kustomization}' does not depend on: its first apply can fail until "
                               f"'{creator}' has run; add dependsOn: [{creator}] to '{obj.kustomization}'"))
    return out


def all_findings(build: TreeBuild, config: CheckConfig) -> list[Finding]:
    severity_rank = {"error": 0, "warning": 1}
    order = {k: i for i, k in enumerate(config.kustomizations)}
    findings = [*build.findings, *verify_findings(build, config), *duplicate_findings(build),
                *namespace_findings(build, config)]
    return sorted(findings, key=lambda f: (severity_rank.get(f.severity, 2), order.get(f.kustomization, -1), f.file))
