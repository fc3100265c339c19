import pytest
from azure.cli.core.azclierror import InvalidArgumentValueError

from azext_k8s_configuration.dependencies import (
    merged_dependencies,
    parse_depends_on,
    validate_graph,
)


@pytest.mark.parametrize("text", ["a,b", "[a,b]", '["a","b"]', "'[\"a\", \"b\"]'", " a , b ", "[a, b,]", "a,b,a"])
def test_shell_spellings(text):
    assert parse_depends_on(text, "dependsOn") == ["a", "b"]


def test_empty_list_and_list_input():
    assert parse_depends_on("[]", "dependsOn") == []
    assert parse_depends_on(["infra", " apps "], "dependsOn") == ["infra", "apps"]


@pytest.mark.parametrize("text", ["[a", "a]", "Infra", "a b"])
def test_bad_items_are_rejected_naming_the_key(text):
    with pytest.raises(InvalidArgumentValueError, match="--depends-on"):
        parse_depends_on(text, "--depends-on")


def test_list_items_get_indexed_paths():
    with pytest.raises(InvalidArgumentValueError, match=r"kustomizations\.apps\.dependsOn\[1\]"):
        parse_depends_on(["infra", 5], "kustomizations.apps.dependsOn")


def test_graph_ok():
    validate_graph({"infra": [], "apps": ["infra"], "tests": ["apps", "infra"]})


def test_graph_unknown_name():
    with pytest.raises(InvalidArgumentValueError, match="'infra'.*not a kustomization"):
        validate_graph({"apps": ["infra"]})


def test_graph_self_reference():
    with pytest.raises(InvalidArgumentValueError, match="'apps' depends on itself"):
        validate_graph({"apps": ["apps"]})


def test_graph_cycle_path():
    with pytest.raises(InvalidArgumentValueError) as err:
        validate_graph({"apps": ["infra"], "infra": ["apps"]})
    assert "apps -> infra -> apps" in str(err.value)


def test_graph_longer_cycle():
    with pytest.raises(InvalidArgumentValueError, match="a -> b -> c -> a"):
        validate_graph({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]})


def test_merged_view():
    existing = {"infra": {"path": "./i"}, "apps": {"dependsOn": ["infra"]}}
    merged = merged_dependencies(existing, {"infra": None, "new": {"dependsOn": ["apps"]}})
    assert merged == {"apps": ["infra"], "new": ["apps"]}
    with pytest.raises(InvalidArgumentValueError, match="'infra'"):
        validate_graph(merged)
