import pytest
from azure.cli.core.azclierror import InvalidArgumentValueError

from azext_k8s_configuration.durations import (
    MAX_DURATION_SECONDS,
    format_go,
    format_iso8601,
    parse_duration,
    validate_seconds,
)


@pytest.mark.parametrize(("text", "seconds"), [
    ("1h2m3s", 3723), ("2h", 7200), ("15m", 900), ("90s", 90), ("1h30m", 5400), (" 10m ", 600),
    ("PT10M", 600), ("PT1H30M", 5400), ("pt45s", 45), ("P1D", 86400), ("PT24H", 86400),
])
def test_accepted_forms(text, seconds):
    assert parse_duration(text, "--timeout") == seconds


@pytest.mark.parametrize("text", [
    "10ms", "5m30", "30s5m", "90", "1d", "1.5h", "abc", "5M", "", "h", "P", "PT", "P1DT", "1h 2m", "-5m",
])
def test_rejected_forms_name_the_flag_and_show_both_forms(text):
    with pytest.raises(InvalidArgumentValueError) as err:
        parse_duration(text, "--interval")
    assert "--interval" in str(err.value)
    hint = err.value.recommendations[0]
    assert "1h30m" in hint and "PT10M" in hint


def test_bare_number_suggests_a_unit():
    with pytest.raises(InvalidArgumentValueError, match="120s"):
        parse_duration("120", "--kustomization interval")


def test_zero_is_rejected():
    with pytest.raises(InvalidArgumentValueError, match="longer than zero"):
        parse_duration("0s", "--timeout")


def test_upper_bound_is_the_longest_go_duration():
    assert parse_duration("168h", "--interval") == 7 * 24 * 3600     # a weekly sync is legitimate
    assert parse_duration("P30D", "--interval") == 30 * 86400
    assert parse_duration("2562047h47m16s", "--timeout") == MAX_DURATION_SECONDS
    with pytest.raises(InvalidArgumentValueError, match="maximum is 2562047h47m16s"):
        parse_duration("2562047h47m17s", "--timeout")


def test_non_text_is_an_error_not_a_crash():
    with pytest.raises(InvalidArgumentValueError):
        parse_duration(600, "timeout")


def test_validate_seconds():
    assert validate_seconds(600, "timeoutInSeconds") == 600
    for bad in (0, -1, True, "600", MAX_DURATION_SECONDS + 1):
        with pytest.raises(InvalidArgumentValueError, match="timeoutInSeconds"):
            validate_seconds(bad, "timeoutInSeconds")


def test_formatting():
    assert format_go(3725) == "1h2m5s"
    assert format_go(600) == "10m"
    assert format_go(None) is None
    assert format_iso8601(1800) == "PT30M"
    assert format_iso8601(5400) == "PT1H30M"
    assert parse_duration(format_iso8601(3725), "x") == 3725
