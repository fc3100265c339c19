"""A small semantic-version range matcher for GitRepository ``repositoryRef.semver``.

Supports the constraint forms Flux documents (Masterminds/semver style):
exact (``1.2.3``, ``=1.2.3``), comparisons (``>=1.0.0 <2.0.0``, comma or space = AND),
alternatives (``a || b``), caret (``^1.2``), tilde (``~1.2.3``), wildcards
(``1.x``, ``1.2.*``, ``1``, ``*``) and hyphen ranges (``1.2 - 1.4.5``).
Pre-release versions match only when the constraint itself names a pre-release.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import total_ordering

_VERSION_RE = re.compile(
    r"^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?"
    r"(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?"
    r"(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$"
)
_PARTIAL_RE = re.compile(
    r"^v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?"
    r"(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?"
    r"(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$"
)
_TOKEN_RE = re.compile(r"(!=|>=|<=|~>|=|>|<|~|\^)?\s*([^\s,]+)")
_HYPHEN_RE = re.compile(r"^\s*(\S+)\s+-\s+(\S+)\s*$")
_WILD = {"x", "X", "*"}


class SemverError(ValueError):
    """The constraint cannot be parsed."""


def _pre_key(pre: tuple[str, ...]) -> tuple:
    # A release sorts after all of its pre-releases.
    if not pre:
        return (1,)
    parts = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre)
    return (0, parts)


@total_ordering
@dataclass(frozen=True)
class Version:
    major: int
    minor: int
    patch: int
    pre: tuple[str, ...] = ()

    def _key(self) -> tuple:
        return (self.major, self.minor, self.patch, _pre_key(self.pre))

    def __lt__(self, other: Version) -> bool:
        return self._key() < other._key()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Version) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())


def parse_version(text: str) -> Version | None:
    """Parse a tag such as ``v1.2.3``, ``1.2`` or ``2.0.0-rc.1``; None when it is not a version."""
    m = _VERSION_RE.match(text.strip())
    if not m:
        return None
    major, minor, patch, pre = m.groups()
    return Version(int(major), int(minor or 0), int(patch or 0), tuple(pre.split(".")) if pre else ())


@dataclass(frozen=True)
class _Partial:
    parts: tuple[int | None, ...]  # None = wildcard or absent
    pre: tuple[str, ...]

    def floor(self) -> Version:
        p = [x or 0 for x in self.parts]
        return Version(p[0], p[1], p[2], self.pre)

    def precision(self) -> int:
        """How many leading parts are concrete numbers."""
        n = 0
        for x in self.parts:
            if x is None:
                break
            n += 1
        return n


def _parse_partial(text: str, constraint: str) -> _Partial:
    m = _PARTIAL_RE.match(text)
    if not m:
        raise SemverError(f"improper constraint: {constraint}")
    raw = m.groups()[:3]
    parts: list[int | None] = []
    wild = False
    for r in raw:
        if r is None or r in _WILD or wild:
            wild = True
            parts.append(None)
        else:
            parts.append(int(r))
    pre = tuple(m.group(4).split(".")) if m.group(4) else ()
    return _Partial(tuple(parts), pre)


def _bump(p: _Partial, index: int) -> Version:
    """The first version above the range fixed by the first ``index + 1`` parts."""
    nums = [x or 0 for x in p.parts]
    nums[index] += 1
    for i in range(index + 1, 3):
        nums[i] = 0
    return Version(nums[0], nums[1], nums[2], ("0",))


Comparator = tuple[str, Version]


def _range(lo: Version | None, hi: Version | None) -> list[Comparator]:
    out: list[Comparator] = []
    if lo is not None:
        out.append((">=", lo))
    if hi is not None:
        out.append(("<", hi))
    return out


def _token_comparators(op: str, p: _Partial) -> list[Comparator]:
    n = p.precision()
    if op in ("", "="):
        if n == 0:
            return _range(Version(0, 0, 0), None)
        if n < 3:
            return _range(p.floor(), _bump(p, n - 1))
        return [("=", p.floor())]
    if op == "!=":
        return [("!=", p.floor())]
    if op in ("~", "~>"):
        if n == 0:
            return _range(Version(0, 0, 0), None)
        return _range(p.floor(), _bump(p, 0 if n == 1 else 1))
    if op == "^":
        if n == 0:
            return _range(Version(0, 0, 0), None)
        parts = [x or 0 for x in p.parts]
        if parts[0] > 0 or n == 1:
            return _range(p.floor(), _bump(p, 0))
        if parts[1] > 0 or n == 2:
            return _range(p.floor(), _bump(p, 1))
        return _range(p.floor(), _bump(p, 2))
    if op == ">" and 0 < n < 3:
        return [(">=", _bump(p, n - 1))]
    if op == "<=" and 0 < n < 3:
        return [("<", _bump(p, n - 1))]
    return [(op, p.floor())]


def _compare(op: str, v: Version, ref: Version) -> bool:
    return {
        "=": v == ref,
        "!=": v != ref,
        ">": v > ref,
        "<": v < ref,
        ">=": v >= ref,
        "<=": v <= ref,
    }[op]


@dataclass(frozen=True)
class Constraint:
    alternatives: tuple[tuple[Comparator, ...], ...]
    allow_pre: tuple[bool, ...]

    def matches(self, v: Version) -> bool:
        for comps, allow_pre in zip(self.alternatives, self.allow_pre):
            if v.pre and not allow_pre:
                continue
            if all(_compare(op, v, ref) for op, ref in comps):
                return True
        return False


def _parse_alternative(text: str, constraint: str) -> tuple[tuple[Comparator, ...], bool]:
    hyphen = _HYPHEN_RE.match(text)
    if hyphen:
        lo = _parse_partial(hyphen.group(1), constraint)
        hi = _parse_partial(hyphen.group(2), constraint)
        upper = _token_comparators("<=", hi) if hi.precision() else []
        comps = [(">=", lo.floor())] + upper
        return tuple(comps), bool(lo.pre or hi.pre)
    comps: list[Comparator] = []
    pre = False
    pos = 0
    text = text.strip()
    while pos < len(text):
        if text[pos] in ", ":
            pos += 1
            continue
        m = _TOKEN_RE.match(text, pos)
        if not m:
            raise SemverError(f"improper constraint: {constraint}")
        partial = _parse_partial(m.group(2), constraint)
        pre = pre or bool(partial.pre)
        comps.extend(_token_comparators(m.group(1) or "", partial))
        pos = m.end()
    if not comps:
        raise SemverError(f"improper constraint: {constraint}")
    return tuple(comps), pre


def parse_constraint(text: str) -> Constraint:
    """Parse a range such as ``>=1.0.0 <2.0.0``; raises SemverError with Flux's wording."""
    if not text or not text.strip():
        raise SemverError(f"improper constraint: {text}")
    alts, pres = [], []
    for alt in text.split("||"):
        comps, pre = _parse_alternative(alt, text)
        alts.append(comps)
        pres.append(pre)
    return Constraint(tuple(alts), tuple(pres))


def best_match(constraint: str, tags: list[str]) -> str | None:
    """The tag with the highest version satisfying ``constraint`` (None when no tag does)."""
    c = parse_constraint(constraint)
    best: tuple[Version, str] | None = None
    for tag in tags:
        v = parse_version(tag)
        if v is None or not c.matches(v):
            continue
        if best is None or v > best[0]:
            best = (v, tag)
    return best[1] if best else None
