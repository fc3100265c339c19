"""Validate JSON bodies against the published OpenAPI (swagger 2.0) spec, when it is present.

The spec lives outside this repository (`<repo>/../shared/spec`); a user's clone has none, so callers
skip with a clear reason via `require_spec()`.
"""
from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path

import pytest
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SPEC_ROOT = Path(__file__).resolve().parents[1].parent / "shared" / "spec" / "specification"
KC = SPEC_ROOT / "kubernetesconfiguration" / "resource-manager" / "Microsoft.KubernetesConfiguration"
FLUX_SPEC = KC / "fluxConfigurations" / "stable" / "2025-04-01" / "fluxconfiguration.json"
EXTENSIONS_SPEC = KC / "extensions" / "stable" / "2025-03-01" / "extensions.json"


def require_spec() -> None:
    if not FLUX_SPEC.exists():
        pytest.skip("the published API spec (../shared/spec) is not next to this clone; spec checks skipped")


def _nullable(node):
    """Swagger's `x-nullable: true` means JSON null is allowed: express that in JSON Schema."""
    if isinstance(node, dict):
        node = {k: _nullable(v) for k, v in node.items()}
        if node.get("x-nullable") is True:
            if "$ref" in node:
                return {"anyOf": [{"type": "null"}, {"$ref": node["$ref"]}]}
            if isinstance(node.get("type"), str):
                node["type"] = [node["type"], "null"]
        return node
    if isinstance(node, list):
        return [_nullable(v) for v in node]
    return node


def _without_nulls(node):
    """A JSON merge patch (RFC 7396) uses null to delete a member; validate what remains."""
    if isinstance(node, dict):
        return {k: _without_nulls(v) for k, v in node.items() if v is not None}
    if isinstance(node, list):
        return [_without_nulls(v) for v in node]
    return node


@cache
def _registry() -> Registry:
    resources = []
    for path in SPEC_ROOT.rglob("*.json"):
        if "examples" in path.parts:
            continue
        contents = _nullable(json.loads(path.read_text()))
        resources.append((path.as_uri(), Resource.from_contents(contents, default_specification=DRAFT4)))
    return Registry().with_resources(resources)


def validator(spec_file: Path, definition: str) -> Draft4Validator:
    schema = {"$ref": f"{spec_file.as_uri()}#/definitions/{definition}"}
    return Draft4Validator(schema, registry=_registry())


def errors(body, spec_file: Path, definition: str) -> list[str]:
    """Every schema violation of `body` against `definition`, as 'path: message' strings.

    Bodies of `*Patch` definitions are JSON merge patches: their nulls are deletions, not values.
    """
    require_spec()
    if definition.endswith("Patch") or definition == "PatchExtension":
        body = _without_nulls(body)
    found = []
    for err in validator(spec_file, definition).iter_errors(copy.deepcopy(body)):
        where = "/".join(str(p) for p in err.absolute_path) or "(root)"
        found.append(f"{where}: {err.message}")
    return found


def assert_valid(body, definition: str, spec_file: Path = FLUX_SPEC) -> None:
    problems = errors(body, spec_file, definition)
    assert not problems, f"{definition} body does not match the spec:\n" + "\n".join(problems)
