"""Issue item 1: generated inputs to the parsers are accepted with a well-typed result or rejected with an
azclierror, never another exception. A few hundred inputs per parser here; 10,000 behind the `slow` marker
(and in bench/fuzz_long.py)."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from .fuzz_targets import TARGETS

DEFAULT_EXAMPLES = {"kustomization": 300, "duration": 300, "name": 300, "depends_on": 300, "graph": 150, "url": 300}
LONG_EXAMPLES = 10_000


def _run(name: str, examples: int) -> dict[str, int]:
    target = TARGETS[name]
    counts = {"accepted": 0, "rejected": 0}

    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(target.strategy)
    def body(value):
        counts[target.check(value)] += 1

    body()
    return counts


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_parser_fuzz(name):
    counts = _run(name, DEFAULT_EXAMPLES[name])
    # the generators must exercise both sides, or the test proves nothing
    assert counts["accepted"] > 0 and counts["rejected"] > 0, counts


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(TARGETS))
def test_parser_fuzz_long(name):
    counts = _run(name, LONG_EXAMPLES)
    assert counts["accepted"] > 0 and counts["rejected"] > 0, counts


def test_checks_catch_a_crashing_parser(monkeypatch):
    """The harness itself: a parser raising something other than an azclierror must fail the run."""
    from azext_k8s_configuration import durations

    def broken(value, flag):
        raise KeyError(value)

    monkeypatch.setattr(durations, "parse_duration", broken)
    with pytest.raises(KeyError):
        TARGETS["duration"].check("10m")


# inputs that crashed a parser once (found by the long run), kept as fixed regressions
REGRESSIONS = [("url", ("azblob", "HTTP://[")), ("url", ("git", "https://[::1/repo")), ("url", ("bucket", "http://]x["))]


@pytest.mark.parametrize("name,value", REGRESSIONS)
def test_inputs_that_once_crashed(name, value):
    assert TARGETS[name].check(value) == "rejected"
