import pytest
from azure.cli.core.azclierror import InvalidArgumentValueError

from azext_k8s_configuration.booleans import parse_bool


@pytest.mark.parametrize("text", ["true", "TRUE", "True", "yes", "YES", "1", " true "])
def test_true_spellings(text):
    assert parse_bool(text, "prune") is True


@pytest.mark.parametrize("text", ["false", "FALSE", "no", "No", "0"])
def test_false_spellings(text):
    assert parse_bool(text, "prune") is False


def test_real_bools_pass_through():
    assert parse_bool(True, "--suspend") is True
    assert parse_bool(False, "--suspend") is False


@pytest.mark.parametrize("text", ["", "ture", "on", "2", "y", "false!"])
def test_anything_else_names_the_key(text):
    with pytest.raises(InvalidArgumentValueError) as err:
        parse_bool(text, "--kustomization prune")
    assert "--kustomization prune" in str(err.value)
    assert "true or false" in err.value.recommendations[0]


def test_error_example_matches_the_syntax_of_flag_or_key():
    with pytest.raises(InvalidArgumentValueError) as flag_error:
        parse_bool("maybe", "--prune")
    assert "--prune false" in str(flag_error.value.recommendations)
    with pytest.raises(InvalidArgumentValueError) as key_error:
        parse_bool("maybe", "--kustomization prune")
    assert "--kustomization prune=false" in str(key_error.value.recommendations)
