"""A generated kustomization of plain manifests is built without kustomize, with kustomize's exact result."""
from __future__ import annotations

import shutil

import pytest
import yaml

from k8sconfig_emulator.reconciler.kustomize import (
    BuildError,
    build,
    build_generated,
    ensure_kustomization,
)

MANIFESTS = {
    "b/app.yaml": """apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec: {replicas: 1}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: b-settings}
data: {k: v}
""",
    "a.yaml": """apiVersion: v1
kind: ConfigMap
metadata: {name: a-settings, namespace: shop}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: guard}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w1, namespace: shop}
---
apiVersion: extensions/v1beta1
kind: Deployment
metadata: {name: legacy}
""",
    "c/ns.yml": """apiVersion: v1
kind: Namespace
metadata: {name: shop}
""",
    "notes.yaml": "just: some data\n",
}


def _tree(root):
    for rel, text in MANIFESTS.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_same_documents_in_the_same_order_as_kustomize(tmp_path):
    if not (shutil.which("kubectl") or shutil.which("kustomize")):
        pytest.skip("neither kubectl nor kustomize is installed; the comparison needs one of them")
    tree = _tree(tmp_path / "repo")
    resources = ensure_kustomization(tree)
    assert resources is not None and "notes.yaml" not in resources
    ours = list(yaml.safe_load_all(build_generated(tree, resources)))
    theirs = list(yaml.safe_load_all(build(tree, tree, 60)))
    assert ours[0]["kind"] == "Namespace"
    assert ours == theirs


def test_own_kustomization_is_left_to_kustomize(tmp_path):
    tree = _tree(tmp_path / "repo")
    (tree / "kustomization.yaml").write_text("resources: [a.yaml]\n")
    assert ensure_kustomization(tree) is None


def test_duplicate_object_is_a_build_error(tmp_path):
    tree = tmp_path / "repo"
    tree.mkdir()
    doc = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: same}\n"
    (tree / "one.yaml").write_text(doc)
    (tree / "two.yaml").write_text(doc)
    with pytest.raises(BuildError, match="already registered id"):
        build_generated(tree, ensure_kustomization(tree))
