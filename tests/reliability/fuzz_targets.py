"""Fuzz targets for the parsing layer: a hypothesis strategy plus a check per parser.

A check returns "accepted" (and asserts the result is well typed) or "rejected" (an azclierror was raised).
Any other exception escapes: that is a crash. Shared by tests/reliability/test_fuzz_parsers.py (a few hundred
inputs) and bench/fuzz_long.py (10,000 inputs per target).
"""
from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass

from azure.cli.core.azclierror import AzCLIError
from hypothesis import strategies as st

from azext_k8s_configuration import dependencies, durations, kustomizations, names, urls

NAME_CHARS = string.ascii_lowercase + string.digits + "-."
# text that mixes the grammar's own characters with hostile ones (unicode, controls, quotes, separators)
HOSTILE = st.text(alphabet=st.one_of(st.sampled_from(list(NAME_CHARS + "[]\"',=@/:;{} \t\n_HMSPTDhms")),
                                     st.characters()), max_size=40)
ANY_JSONISH = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | HOSTILE,
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(HOSTILE, inner, max_size=4),
                           max_leaves=10)
KUSTOMIZATION_NAME = st.from_regex(r"\A[a-z0-9]([-a-z0-9.]{0,20}[a-z0-9])?\Z")


def _outcome(call: Callable[[], object], check: Callable[[object], None]) -> str:
    try:
        result = call()
    except AzCLIError as err:
        assert str(err).strip(), "an az error needs a message"
        return "rejected"
    check(result)
    return "accepted"


# --- durations ---------------------------------------------------------------------------------------------

DURATION_INPUT = st.one_of(
    HOSTILE, ANY_JSONISH,
    st.from_regex(r"\A\s*([0-9]{1,2}h)?([0-9]{1,3}m)?([0-9]{1,4}s)?\s*\Z"),
    st.from_regex(r"\A\s*([0-9]{1,6}h)?([0-9]{1,6}m)?([0-9]{1,6}s)?\s*\Z"),
    st.from_regex(r"\A[Pp]([0-9][Dd])?([Tt]([0-9]{1,2}[Hh])?([0-9]{1,3}[Mm])?([0-9]{1,4}[Ss])?)?\Z"),
    st.builds(lambda n, u: f"{n}{u}", st.integers(-10, 10**7), st.sampled_from(["", "s", "m", "h", "ms", "d", "us"])))


def check_duration(value) -> str:
    def typed(seconds):
        assert isinstance(seconds, int) and not isinstance(seconds, bool)
        assert 0 < seconds <= durations.MAX_DURATION_SECONDS
        assert durations.parse_duration(durations.format_go(seconds), "--timeout") == seconds  # round trip
    return _outcome(lambda: durations.parse_duration(value, "--timeout"), typed)


# --- names -------------------------------------------------------------------------------------------------

NAME_INPUT = st.one_of(HOSTILE, KUSTOMIZATION_NAME, st.text(alphabet=NAME_CHARS + "A_", max_size=70),
                       st.integers(), st.none())
NAME_VALIDATORS = {
    "config": names.validate_config_name,
    "namespace": names.validate_namespace,
    "kustomization": lambda v: names.validate_kustomization_name(v, "cluster-config"),
}


def check_name(pair) -> str:
    which, value = pair

    def typed(result):
        assert result == value and isinstance(result, str)
        assert 0 < len(result) <= names.MAX_NAME_LENGTH and result.isascii()
        assert result[0].isalnum() and result[-1].isalnum() and result == result.lower()
    return _outcome(lambda: NAME_VALIDATORS[which](value), typed)


NAME_PAIR = st.tuples(st.sampled_from(sorted(NAME_VALIDATORS)), NAME_INPUT)


# --- dependsOn ---------------------------------------------------------------------------------------------

DEPENDS_INPUT = st.one_of(
    HOSTILE, ANY_JSONISH, st.lists(st.one_of(KUSTOMIZATION_NAME, HOSTILE, st.integers()), max_size=5),
    st.builds(lambda items, sep, br: (br[0] + sep.join(items) + br[1]),
              st.lists(st.one_of(KUSTOMIZATION_NAME, st.builds(lambda n: f'"{n}"', KUSTOMIZATION_NAME)), max_size=4),
              st.sampled_from([",", ", ", " , ", ",,"]), st.sampled_from([("", ""), ("[", "]"), ("'[", "]'"), ("[", "")])))


def check_depends_on(value) -> str:
    def typed(result):
        assert isinstance(result, list) and len(result) == len(set(result))
        for item in result:
            names.validate_kustomization_name(item)
    return _outcome(lambda: dependencies.parse_depends_on(value, "dependsOn"), typed)


GRAPH_INPUT = st.dictionaries(st.sampled_from(list("abcdef")), st.lists(st.sampled_from(list("abcdefg")), max_size=4),
                              max_size=6)


def check_graph(graph) -> str:
    return _outcome(lambda: dependencies.validate_graph(graph), lambda result: _assert_acyclic(graph))


def _assert_acyclic(graph) -> None:
    done: set[str] = set()

    def visit(node, path):
        assert node not in path, f"accepted a cycle through {node}"
        if node in done:
            return
        for dep in graph.get(node, []):
            assert dep in graph, f"accepted an unknown dependency {dep}"
            visit(dep, path | {node})
        done.add(node)
    for node in graph:
        visit(node, frozenset())


# --- URLs --------------------------------------------------------------------------------------------------

URL_PARTS = (st.builds(lambda s, u, h, p: f"{s}{u}{h}{p}",
                        st.sampled_from(["https://", "HTTP://", "ssh://", "oci://", "git@", "ftp://", "", "://"]),
                        st.sampled_from(["", "user@", "user:pw@", ":@", "a:b:c@", "@"]),
                        st.sampled_from(["github.com", "127.0.0.1", "[::1]", "[::1", "host:99999", "h:p", "", " x"]),
                        st.sampled_from(["", "/", "/org/repo", ":org/repo.git", "?q=1#f", "/%zz", "/a b"])))
URL_INPUT = st.tuples(st.sampled_from(sorted(urls.SCHEMES)), st.one_of(HOSTILE, ANY_JSONISH, URL_PARTS, URL_PARTS))


def check_url(pair) -> str:
    kind, value = pair

    def typed(result):
        assert isinstance(result, str) and result == value.strip() and result
        assert not any(c.isspace() for c in result)
        assert urls.scheme_of(result) in urls.SCHEMES[kind]
    return _outcome(lambda: urls.validate_url(value, kind), typed)


# --- --kustomization ---------------------------------------------------------------------------------------

KEYS = st.sampled_from(sorted(kustomizations.KEY_ALIASES) + ["substitute.VAR", "substitute.", "substitute.1x",
                                                              "timeoutInSeconds", "", " name", "NAME"])
VALUES = st.one_of(HOSTILE, KUSTOMIZATION_NAME, DURATION_INPUT.filter(lambda v: isinstance(v, str)),
                   st.sampled_from(["true", "False", "yes", "0", "2", "ConfigMap/vars", "secret/s/optional",
                                    "Secret/a/b/c", "[a,b]", "a,,b", "./apps", "", "="]))
TOKEN = st.one_of(st.builds(lambda k, v: f"{k}={v}", KEYS, VALUES), HOSTILE)
GO_DURATION = st.from_regex(r"\A([1-9]h)?([1-5]?[0-9]m)?([1-5]?[0-9]s)?\Z").filter(lambda v: v.strip("0hms"))
PLAUSIBLE = {  # key -> plausible values, so that many groups are accepted and deeper code runs
    "path": st.sampled_from(["./apps", "apps/staging", "", "./", "../x"]),
    "dependsOn": st.one_of(KUSTOMIZATION_NAME, st.sampled_from(["a,b", "[infra]", '["a","b"]', ""])),
    "timeout": GO_DURATION, "interval": GO_DURATION, "retryInterval": GO_DURATION,
    "prune": st.sampled_from(["true", "false", "yes", "0"]), "force": st.sampled_from(["true", "False"]),
    "wait": st.sampled_from(["true", "no"]), "disable_health_check": st.sampled_from(["true", "false"]),
    "substitute.cluster_env": st.text(alphabet=string.ascii_letters + " -_", max_size=10),
    "substituteFrom": st.sampled_from(["ConfigMap/vars", "Secret/creds/optional", "configmap/x"]),
}
PLAUSIBLE_GROUP = st.tuples(KUSTOMIZATION_NAME, st.dictionaries(st.sampled_from(sorted(PLAUSIBLE)), st.none(),
                                                                 max_size=6)).flatmap(
    lambda t: st.tuples(st.just(t[0]), *[PLAUSIBLE[k].map(lambda v, k=k: f"{k}={v}") for k in t[1]])).map(
    lambda t: [f"name={t[0]}", *t[1:]])
GROUP = st.lists(TOKEN, min_size=1, max_size=6).map(
    lambda g: ([f"name={g[0]}"] if not g[0].startswith("name=") else []) + g)
KUSTOMIZATION_INPUT = st.lists(st.one_of(PLAUSIBLE_GROUP, PLAUSIBLE_GROUP, GROUP, st.lists(TOKEN, min_size=1,
                                                                                            max_size=4)),
                               max_size=4).map(
    lambda groups: [[t for t in g if not t.startswith("@")] or ["name=x"] for g in groups])  # no file reads
ARM_KEYS = {"path": str, "dependsOn": list, "timeoutInSeconds": int, "syncIntervalInSeconds": int,
            "retryIntervalInSeconds": int, "prune": bool, "force": bool, "wait": bool, "postBuild": dict}


def check_kustomizations(groups) -> str:
    def typed(result):
        assert isinstance(result, dict) and len(result) <= len(groups)
        for name, spec in result.items():
            names.validate_kustomization_name(name, "cluster-config")
            for key, value in spec.items():
                assert isinstance(value, ARM_KEYS[key]) and not (ARM_KEYS[key] is int and isinstance(value, bool))
                if key.endswith("InSeconds"):
                    assert 0 < value <= durations.MAX_DURATION_SECONDS
    return _outcome(lambda: kustomizations.parse_kustomization_groups(groups, "cluster-config"), typed)


@dataclass(frozen=True)
class Target:
    strategy: st.SearchStrategy
    check: Callable[[object], str]


TARGETS: dict[str, Target] = {
    "kustomization": Target(KUSTOMIZATION_INPUT, check_kustomizations),
    "duration": Target(DURATION_INPUT, check_duration),
    "name": Target(NAME_PAIR, check_name),
    "depends_on": Target(DEPENDS_INPUT, check_depends_on),
    "graph": Target(GRAPH_INPUT, check_graph),
    "url": Target(URL_INPUT, check_url),
}
