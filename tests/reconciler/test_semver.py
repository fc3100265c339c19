"""The semver range matcher used for repositoryRef.semver."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from k8sconfig_emulator.reconciler.semver import (
    SemverError,
    best_match,
    parse_constraint,
    parse_version,
)

TAGS = ["v0.9.0", "v1.0.0", "v1.2.0", "v1.2.5", "v1.3.0", "1.10.0", "v2.0.0", "v2.1.0-rc.1", "not-a-version"]


@pytest.mark.parametrize(
    ("constraint", "expected"),
    [
        (">=1.0.0 <2.0.0", "1.10.0"),
        (">=1.0.0, <1.3.0", "v1.2.5"),
        ("^1.2", "1.10.0"),
        ("^0.9", "v0.9.0"),
        ("~1.2.3", "v1.2.5"),
        ("~1.2", "v1.2.5"),
        ("1.x", "1.10.0"),
        ("1.2.*", "v1.2.5"),
        ("2", "v2.0.0"),
        ("1.2.0", "v1.2.0"),
        ("=v1.3.0", "v1.3.0"),
        ("*", "v2.0.0"),
        ("<1.0.0 || >=2.0.0", "v2.0.0"),
        ("1.2 - 1.3", "v1.3.0"),
        (">=2.1.0-rc.0", "v2.1.0-rc.1"),
        ("3.x", None),
        ("~0.1", None),
    ],
)
def test_best_match(constraint: str, expected: str | None) -> None:
    assert best_match(constraint, TAGS) == expected


def test_prerelease_only_when_asked() -> None:
    assert best_match(">=2.0.0", ["v2.0.0", "v2.1.0-rc.1"]) == "v2.0.0"
    assert best_match(">=2.1.0-rc.0", ["v2.0.0", "v2.1.0-rc.1"]) == "v2.1.0-rc.1"


def test_version_ordering() -> None:
    assert parse_version("1.0.0-alpha") < parse_version("1.0.0-alpha.1") < parse_version("1.0.0-beta")
    assert parse_version("1.0.0-rc.1") < parse_version("1.0.0") < parse_version("1.0.1")
    assert parse_version("1.0.0-2") < parse_version("1.0.0-10")
    assert parse_version("release-1") is None


@pytest.mark.parametrize("bad", ["", "  ", "foo", ">=1.0.0 <", ">>1", "1.2.3.4"])
def test_improper_constraint(bad: str) -> None:
    with pytest.raises(SemverError, match="improper constraint"):
        parse_constraint(bad)


@given(st.integers(0, 20), st.integers(0, 20), st.integers(0, 20))
def test_caret_and_tilde_bounds(major: int, minor: int, patch: int) -> None:
    v = parse_version(f"{major}.{minor}.{patch}")
    caret = parse_constraint("^1.2.3").matches(v)
    assert caret == ((1, 2, 3) <= (major, minor, patch) < (2, 0, 0))
    tilde = parse_constraint("~1.2.3").matches(v)
    assert tilde == ((1, 2, 3) <= (major, minor, patch) < (1, 3, 0))
    wildcard = parse_constraint("1.x").matches(v)
    assert wildcard == (major == 1)
