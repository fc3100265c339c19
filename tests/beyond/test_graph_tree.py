"""graph_render.render_dependency_tree: roots first, children indented, cycles marked not followed."""
from __future__ import annotations

from azext_k8s_configuration.graph_render import render_dependency_tree


def _k(*deps):
    return {"path": "./", "dependsOn": list(deps)}


def test_tree_with_branches_and_shared_child():
    tree = render_dependency_tree({"infra": _k(), "apps": _k("infra"), "monitoring": _k("apps", "infra"),
                                   "services": _k("infra"), "standalone": _k()})
    assert tree.splitlines() == [
        "infra",
        "├── apps",
        "│   └── monitoring",
        "├── monitoring (see above)",
        "└── services",
        "standalone",
    ]


def test_deep_last_branch_uses_spaces():
    tree = render_dependency_tree({"a": _k(), "b": _k("a"), "c": _k("b"), "d": _k("a")})
    assert tree.splitlines() == ["a", "├── b", "│   └── c", "└── d"]
    tree = render_dependency_tree({"a": _k(), "b": _k("a"), "c": _k("b")})
    assert tree.splitlines() == ["a", "└── b", "    └── c"]


def test_cycle_is_marked_and_terminates():
    tree = render_dependency_tree({"apps": _k("infra"), "infra": _k("apps"), "later": _k("infra")})
    assert tree.splitlines() == ["apps", "└── infra", "    ├── apps (cycle)", "    └── later"]


def test_self_reference_and_cycle_behind_a_root():
    assert render_dependency_tree({"x": _k("x")}).splitlines() == ["x", "└── x (cycle)"]
    tree = render_dependency_tree({"root": _k(), "a": _k("root", "b"), "b": _k("a")})
    lines = tree.splitlines()
    assert lines[0] == "root" and any("(cycle)" in line for line in lines)
    assert {"a", "b"} <= {line.split()[-1] for line in lines if "(" not in line}


def test_missing_dependency_is_annotated():
    assert render_dependency_tree({"apps": _k("ghost")}) == "apps (missing dependency: ghost)"


def test_empty_and_none_dependencies():
    assert render_dependency_tree({}) == ""
    assert render_dependency_tree({"b": {"dependsOn": None}, "a": {}}).splitlines() == ["a", "b"]


def test_ascii_when_the_output_encoding_cannot_draw_boxes():
    kustomizations = {"a": _k(), "b": _k("a"), "c": _k("b"), "d": _k("a")}
    assert render_dependency_tree(kustomizations, encoding="utf-8").splitlines() == ["a", "├── b", "│   └── c",
                                                                                    "└── d"]
    for encoding in ("cp1252", "ascii", "latin-1"):
        assert render_dependency_tree(kustomizations, encoding=encoding).splitlines() == [
            "a", "|-- b", "|   `-- c", "`-- d"]
    assert render_dependency_tree(kustomizations, encoding="no-such-codec").splitlines()[1] == "|-- b"
