"""Replay every example request of the published spec against the emulator; responses must match the spec.

The spec lives next to the repository (<repo>/../shared/spec); without it these tests skip.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from emu_helpers import KC, SUB
from spec_schema import EXTENSIONS_SPEC, FLUX_SPEC, SPEC_DIR, assert_valid


def _referenced_examples(spec_file: Path) -> list[Path]:
    """Example files the swagger's x-ms-examples point at (the folder also holds unreferenced ones)."""
    if not spec_file.exists():
        return []
    found = set()
    for methods in json.loads(spec_file.read_text())["paths"].values():
        for operation in methods.values():
            for ref in (operation.get("x-ms-examples") or {}).values():
                found.add((spec_file.parent / ref["$ref"]).resolve())
    return sorted(found)


KINDS = {
    FLUX_SPEC: {"collection": "fluxConfigurations", "name_param": "fluxConfigurationName", "body": "fluxConfiguration",
                    "patch": "fluxConfigurationPatch", "item": "FluxConfiguration", "list": "FluxConfigurationsList",
                    "seed": "CreateFluxConfiguration.json"},
    EXTENSIONS_SPEC: {"collection": "extensions", "name_param": "extensionName", "body": "extension",
                          "patch": "patchExtension", "item": "Extension", "list": "ExtensionsList",
                          "seed": "CreateExtension.json"},
}
CASES = [(spec, example) for spec in KINDS for example in _referenced_examples(spec)]


def _seed_body(spec: Path, kind: dict, example: dict) -> dict:
    seed = json.loads((spec.parent / "examples" / kind["seed"]).read_text())["parameters"][kind["body"]]
    if kind["collection"] == "extensions":
        for response in example["responses"].values():
            ext_type = (response.get("body") or {}).get("properties", {}).get("extensionType")
            if ext_type:
                return {"properties": {"extensionType": ext_type}}
    return seed


@pytest.mark.skipif(not FLUX_SPEC.exists(), reason=f"the published spec is not at {SPEC_DIR}")
@pytest.mark.parametrize("spec,example_file", CASES, ids=[f"{s.parent.parent.parent.name}-{e.stem}" for s, e in CASES])
def test_example_replays_and_matches_the_spec(emulator, spec, example_file):
    kind = KINDS[spec]
    example = json.loads(example_file.read_text())
    params = example["parameters"]
    group = f"rg-contract-{uuid.uuid4().hex[:6]}"
    emulator.call("PUT", f"/subscriptions/{SUB}/resourcegroups/{group}", {"location": "eastus"}, api="2024-11-01")
    cluster = (f"/subscriptions/{SUB}/resourceGroups/{group}/providers/{params['clusterRp']}/"
               f"{params['clusterResourceName']}/{params['clusterName']}")
    assert emulator.call("PUT", cluster, {"location": "eastus"}, api="2024-01-01").status_code == 201
    if spec == FLUX_SPEC:
        emulator.install_flux(cluster)  # the service takes flux configurations only on a cluster that has it
    collection = f"{cluster}/{KC}/{kind['collection']}"
    name = params.get(kind["name_param"])
    api = params["api-version"]
    expected = {int(code) for code in example["responses"]}

    def seed():
        response = emulator.call("PUT", f"{collection}/{name}", _seed_body(spec, kind, example), api=api)
        assert response.status_code == 201, response.text
        emulator.wait_operation(response)
        return response

    if kind["body"] in params:
        response = emulator.call("PUT", f"{collection}/{name}", params[kind["body"]], api=api)
        definition = kind["item"]
    elif kind["patch"] in params:
        seed()
        response = emulator.call("PATCH", f"{collection}/{name}", params[kind["patch"]], api=api)
        definition = kind["item"]
    elif "operationId" in params:
        op_url = seed().headers["Azure-AsyncOperation"]
        response = emulator.call("GET", op_url, api=None)
        definition = "OperationStatusResult" if spec == FLUX_SPEC else None
        assert response.json()["status"] == "Succeeded"
    elif example_file.stem.startswith("Delete"):
        seed()
        response = emulator.call("DELETE", f"{collection}/{name}", api=api)
        definition = None
    elif name:
        seed()
        response = emulator.call("GET", f"{collection}/{name}", api=api)
        definition = kind["item"]
    else:
        name = "listed"
        seed()
        response = emulator.call("GET", collection, api=api)
        definition = kind["list"]

    assert response.status_code in expected, f"{response.status_code} not in {expected}: {response.text}"
    if definition:
        assert_valid(response.json(), definition, spec)
    if response.status_code in (201, 202):
        assert emulator.wait_operation(response)["status"] == "Succeeded"
        if kind["body"] in params or kind["patch"] in params:
            final = emulator.call("GET", f"{collection}/{name}", api=api).json()
            assert final["properties"]["provisioningState"] == "Succeeded"
            assert_valid(final, kind["item"], spec)
