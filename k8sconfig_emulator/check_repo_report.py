"""What `check-repo` prints: the objects, the findings and, with --diff-from, the objects added, changed (the
changed fields; a Secret's values are never shown) and removed (and whether prune deletes them), as a table or
JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass

from .check_repo_build import BuiltObject, Finding, TreeBuild
from .check_repo_config import CheckConfig, describe

_SHORT_DIFF_FIELDS = 3
_SHORT_VALUE = 40
REDACTED = "<redacted>"


# -- diff ---------------------------------------------------------------------------------------------------------

def _flatten(value, prefix: str, out: dict) -> dict:
    if isinstance(value, dict) and value:
        for key, item in value.items():
            _flatten(item, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(value, list) and value:
        for index, item in enumerate(value):
            _flatten(item, f"{prefix}[{index}]", out)
    else:
        out[prefix] = value
    return out


def field_changes(before: BuiltObject, after: BuiltObject) -> list[dict]:
    """[{path, before, after}] of the fields that differ, in manifest order (None: absent on that side).
    A Secret's values are never shown, only that they changed."""
    old, new = _flatten(before.obj, "", {}), _flatten(after.obj, "", {})
    out = []
    if before.kustomization != after.kustomization:
        out.append({"path": "(kustomization)", "before": before.kustomization, "after": after.kustomization})
    hide = before.kind == "Secret"
    for path in [*old, *(p for p in new if p not in old)]:
        if path in old and path in new and old[path] == new[path]:
            continue
        was, now = old.get(path), new.get(path)
        if hide and path.startswith(("data.", "stringData.")):
            was, now = (REDACTED if path in old else None), (REDACTED if path in new else None)
        out.append({"path": path, "before": was, "after": now})
    return out


def _ref(obj: BuiltObject) -> dict:
    return {"kustomization": obj.kustomization, "apiVersion": obj.entry["apiVersion"], "kind": obj.kind,
            "namespace": obj.namespace, "name": obj.name, "file": obj.file}


def diff_builds(old: TreeBuild, new: TreeBuild, config: CheckConfig) -> dict:
    """Objects added, changed and removed from ``old`` to ``new`` as the cluster would see them: a kustomization
    that fails to build in ``new`` is not applied, so its objects stay as they were."""
    held = sorted(new.failed)
    old_map = {o.key: o for o in old.objects if o.kustomization not in new.failed}
    new_map = {o.key: o for o in new.objects if o.kustomization not in new.failed}
    added = [_ref(o) for key, o in new_map.items() if key not in old_map]
    removed, changed = [], []
    for key, before in old_map.items():
        after = new_map.get(key)
        if after is None:
            spec = config.kustomizations.get(before.kustomization)
            prune = bool(spec and spec.prune)
            removed.append({**_ref(before), "pruned": prune,
                            "effect": (f"deleted from the cluster (kustomization '{before.kustomization}' has prune: "
                                       "true)") if prune else
                                      (f"left on the cluster, no longer managed (kustomization "
                                       f"'{before.kustomization}' has prune: false)")})
            continue
        changes = field_changes(before, after)
        if changes:
            changed.append({**_ref(after), "fields": changes})
    return {"added": added, "changed": changed, "removed": removed, "notApplied": held}


def _table(headers: tuple[str, ...], rows: list[list[str]]) -> str:
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(lines)


def _short(value) -> str:
    text = "(absent)" if value is None else json.dumps(value) if not isinstance(value, str) else value
    return text if len(text) <= _SHORT_VALUE else text[:_SHORT_VALUE - 3] + "..."


def _short_fields(fields: list[dict]) -> str:
    parts = [f"{c['path']}: {_short(c['before'])} -> {_short(c['after'])}" for c in fields[:_SHORT_DIFF_FIELDS]]
    more = len(fields) - _SHORT_DIFF_FIELDS
    return "; ".join(parts) + (f" (+{more} more)" if more > 0 else "")


@dataclass
class Report:
    directory: str
    config: CheckConfig
    build: TreeBuild
    findings: list[Finding]
    diff: dict | None = None

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")

    def kustomizations(self) -> list[dict]:
        counts: dict[str, int] = {}
        for obj in self.build.objects:
            counts[obj.kustomization] = counts.get(obj.kustomization, 0) + 1
        return [{"name": k, "path": s.path, "build": "generated" if k in self.build.generated else "kustomize",
                 "objects": counts.get(k, 0), "status": "failed" if k in self.build.failed else "built"}
                for k, s in self.config.kustomizations.items()]

    def to_json(self) -> dict:
        out = {"directory": self.directory, "result": "failed" if self.errors else "passed",
               "errors": self.errors, "warnings": self.warnings, "configuration": describe(self.config),
               "kustomizations": self.kustomizations(), "objects": [_ref(o) for o in self.build.objects],
               "findings": [f.to_json() for f in self.findings]}
        if self.diff is not None:
            out["diff"] = self.diff
        return out

    def to_text(self) -> str:
        name = f"'{self.config.name}'" if self.config.name else "(unnamed)"
        head = (f"Checked {self.directory} against flux configuration {name} (namespace {self.config.namespace}, "
                f"scope {self.config.scope}): {len(self.config.kustomizations)} kustomizations, "
                f"{len(self.build.objects)} objects.")
        parts = [head]
        parts.append(_table(("KUSTOMIZATION", "PATH", "BUILD", "OBJECTS", "STATUS"),
                            [[k["name"], k["path"], k["build"], str(k["objects"]), k["status"]]
                             for k in self.kustomizations()]))
        if self.build.objects:
            parts.append(_table(("KUSTOMIZATION", "KIND", "NAMESPACE", "NAME", "FILE"),
                                [[o.kustomization, o.kind, o.namespace, o.name, o.file] for o in self.build.objects]))
        else:
            parts.append("No objects.")
        if self.diff is not None:
            parts.append(self._diff_text())
        if self.findings:
            parts.append("Findings:\n" + _table(
                ("SEVERITY", "CHECK", "KUSTOMIZATION", "OBJECT", "FILE", "MESSAGE"),
                [[f.severity, f.check, f.kustomization, f.object, f.file, f.message] for f in self.findings]))
        verdict = "FAILED" if self.errors else "passed"
        parts.append(f"Result: {verdict}: {self.errors} error(s), {self.warnings} warning(s).")
        return "\n\n".join(parts) + "\n"

    def _diff_text(self) -> str:
        diff = self.diff or {}
        head = (f"Changes since {diff.get('from')} ({str(diff.get('commit'))[:12]}): {len(diff['added'])} added, "
                f"{len(diff['changed'])} changed, {len(diff['removed'])} removed.")
        rows = [["added", a["kustomization"], a["kind"], a["namespace"], a["name"], a["file"]] for a in diff["added"]]
        rows += [["changed", c["kustomization"], c["kind"], c["namespace"], c["name"], _short_fields(c["fields"])]
                 for c in diff["changed"]]
        rows += [["removed", r["kustomization"], r["kind"], r["namespace"], r["name"], r["effect"]]
                 for r in diff["removed"]]
        text = head
        if rows:
            text += "\n" + _table(("CHANGE", "KUSTOMIZATION", "KIND", "NAMESPACE", "NAME", "DETAIL"), rows)
        if diff["notApplied"]:
            text += ("\nNot compared (they fail to build, so the cluster keeps what they applied before): "
                     + ", ".join(diff["notApplied"]))
        return text
