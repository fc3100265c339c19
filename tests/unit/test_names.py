import pytest
from azure.cli.core.azclierror import InvalidArgumentValueError

from azext_k8s_configuration.names import (
    validate_config_name,
    validate_kustomization_name,
    validate_namespace,
)


@pytest.mark.parametrize("name", ["cluster-config", "a", "my.config", "a" * 63, "x1-y2"])
def test_valid_config_names(name):
    assert validate_config_name(name) == name


@pytest.mark.parametrize(("name", "reason"), [
    ("a" * 64, "64 characters long, the maximum is 63"),
    ("-abc", "hyphen"),
    ("abc-", "hyphen"),
    (".abc", "period"),
    ("Abc", "uppercase"),
    ("a_b", "'_'"),
    ("", "empty"),
])
def test_invalid_config_names_say_what_is_wrong(name, reason):
    with pytest.raises(InvalidArgumentValueError) as err:
        validate_config_name(name)
    assert reason in str(err.value)
    assert "--name" in str(err.value)
    assert "at most 63 characters" in err.value.recommendations[0]


def test_namespace_is_a_label_of_63():
    assert validate_namespace("cluster-config") == "cluster-config"
    with pytest.raises(InvalidArgumentValueError, match="periods are not allowed"):
        validate_namespace("my.ns")
    with pytest.raises(InvalidArgumentValueError, match="maximum is 63"):
        validate_namespace("n" * 64)


def test_kustomization_name_combined_rule():
    assert validate_kustomization_name("k" * 31, config_name="c" * 31) == "k" * 31
    with pytest.raises(InvalidArgumentValueError) as err:
        validate_kustomization_name("k" * 31, config_name="c" * 32)
    assert "63 characters" in err.value.recommendations[0]
    assert "62" in str(err.value)


def test_kustomization_name_flag_in_message():
    with pytest.raises(InvalidArgumentValueError, match="--kustomization name"):
        validate_kustomization_name("Bad", flag="--kustomization name")
