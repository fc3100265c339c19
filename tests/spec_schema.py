"""Validate JSON bodies against the published OpenAPI (swagger 2.0) spec, when it is present.

The spec lives outside this repository (`<repo>/../shared/spec`, or the directory named by $K8SCONFIG_SPEC_DIR);
a user's clone has none. Then only the schema assertion itself is left out: `assert_valid()`, which end-to-end
tests call between their steps, warns (SpecAbsentWarning, listed in pytest's summary) and returns, so every
remaining step still runs. Tests that check nothing but the spec call `require_spec()` (or `errors()`) and skip.
"""
from __future__ import annotations

import copy
import json
import os
import warnings
from functools import cache
from pathlib import Path

import pytest
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SPEC_DIR = Path(os.environ.get("K8SCONFIG_SPEC_DIR") or Path(__file__).resolve().parents[1].parent / "shared" / "spec")
SPEC_ROOT = SPEC_DIR / "specification"
KC = SPEC_ROOT / "kubernetesconfiguration" / "resource-manager" / "Microsoft.KubernetesConfiguration"
FLUX_SPEC = KC / "fluxConfigurations" / "stable" / "2025-04-01" / "fluxconfiguration.json"
EXTENSIONS_SPEC = KC / "extensions" / "stable" / "2025-03-01" / "extensions.json"


def spec_present() -> bool:
    return FLUX_SPEC.exists()


def require_spec() -> None:
    """Skip a test that checks nothing but the spec itself."""
    if not spec_present():
        pytest.skip(f"the published API spec is not at {SPEC_DIR} (../shared/spec or $K8SCONFIG_SPEC_DIR); "
                    "spec checks skipped")


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


class SpecAbsentWarning(UserWarning):
    """A schema assertion was left out because the published spec is not present."""


def assert_valid(body, definition: str, spec_file: Path = FLUX_SPEC) -> None:
    """Fail when `body` violates the spec. Without the spec: warn and return, never skip the calling test."""
    if not spec_file.exists():
        warnings.warn(SpecAbsentWarning(f"schema check of {definition} left out: no spec at {SPEC_DIR}"),
                      stacklevel=2)
        return
    problems = errors(body, spec_file, definition)
    assert not problems, f"{definition} body does not match the spec:\n" + "\n".join(problems)
