"""Property tests: the parsers either return a typed result or raise an azclierror, never anything else."""
from azure.cli.core.azclierror import AzCLIError
from hypothesis import given, settings
from hypothesis import strategies as st

from azext_k8s_configuration.dependencies import parse_depends_on
from azext_k8s_configuration.durations import MAX_DURATION_SECONDS, parse_duration
from azext_k8s_configuration.kustomizations import parse_kustomization_groups

KEYS = st.sampled_from(["name", "path", "dependsOn", "depends", "timeout", "interval", "retryInterval", "prune",
                        "force", "wait", "disable_health_check", "substitute.x", "substituteFrom", "bogus", ""])
VALUES = st.one_of(st.text(max_size=12), st.sampled_from(["a", "true", "no", "5m", "PT1M", "[a,b]", "ConfigMap/v",
                                                          "Secret/s/optional", "10ms", "a,,b"]))
TOKEN = st.one_of(st.builds(lambda k, v: f"{k}={v}", KEYS, VALUES), st.text(max_size=10))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(TOKEN, min_size=1, max_size=5), max_size=3))
def test_kustomization_parser_never_crashes(groups):
    groups = [g for g in groups if not (len(g) == 1 and g[0].startswith("@"))]
    try:
        result = parse_kustomization_groups(groups, "cfg")
    except AzCLIError:
        return
    assert isinstance(result, dict)
    for spec in result.values():
        assert all(isinstance(spec[k], bool) for k in ("prune", "force", "wait") if k in spec)
        assert all(isinstance(spec[k], int) for k in spec if k.endswith("InSeconds"))


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=12), st.from_regex(r"\A(\d{1,3}h)?(\d{1,3}m)?(\d{1,3}s)?\Z"),
                 st.from_regex(r"\AP(\dD)?(T(\dH)?(\d{1,2}M)?(\d{1,2}S)?)?\Z")))
def test_durations_never_crash(text):
    try:
        seconds = parse_duration(text, "--timeout")
    except AzCLIError:
        return
    assert isinstance(seconds, int) and 0 < seconds <= MAX_DURATION_SECONDS


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=20))
def test_depends_on_never_crashes(text):
    try:
        names = parse_depends_on(text, "dependsOn")
    except AzCLIError:
        return
    assert all(isinstance(n, str) and n for n in names)
