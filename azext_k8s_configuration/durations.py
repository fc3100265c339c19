"""Durations for timeouts and intervals.

Accepted forms (full match, surrounding spaces ignored):
- Go style, as Flux writes them: `1h2m3s`, `10m`, `90s`; units h, m, s in that order, each optional but
  at least one present, lower case only. `ms`, bare numbers and trailing text (`5m30`) are rejected.
- ISO-8601: `PT10M`, `PT1H30M`, `PT45S`, `P1D`, `P1DT2H` (days and time parts; any case).

Bounds: a duration must be at least 1 second and at most MAX_DURATION_SECONDS, the longest whole-second
duration Go (and so Flux) can hold; long sync intervals such as `168h` are legitimate. Zero is rejected because
a zero timeout or interval makes Flux either fail at once or reconcile in a hot loop.
"""
from __future__ import annotations

import re

from azure.cli.core.azclierror import InvalidArgumentValueError

MAX_DURATION_SECONDS = (2**63 - 1) // 10**9   # 9,223,372,036 s = 2562047h47m16s, Go's time.Duration limit

_GO = re.compile(r"(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+)s)?", re.ASCII)
_ISO = re.compile(r"P(?:(?P<d>\d+)D)?(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+)S)?)?", re.IGNORECASE | re.ASCII)
_FORMS = "a Go duration such as 90s, 10m or 1h30m, or an ISO-8601 duration such as PT10M or PT1H30M"


def _invalid(value, flag: str, why: str) -> InvalidArgumentValueError:
    return InvalidArgumentValueError(f"Invalid duration {value!r} for {flag}: {why}.", f"Use {_FORMS}.")


def _seconds(match: re.Match) -> int | None:
    parts = match.groupdict()
    if all(v is None for v in parts.values()):
        return None
    mult = {"d": 86400, "h": 3600, "m": 60, "s": 1}
    return sum(int(v) * mult[k] for k, v in parts.items() if v is not None)


def parse_duration(value, flag: str) -> int:
    """Seconds meant by `value`; InvalidArgumentValueError naming `flag` (or the --kustomization key)."""
    if not isinstance(value, str):
        raise _invalid(value, flag, "expected text with a unit")
    text = value.strip()
    seconds = None
    go = _GO.fullmatch(text)
    if go:
        seconds = _seconds(go)
    else:
        iso = _ISO.fullmatch(text)
        if iso and not text.upper().endswith("T"):
            seconds = _seconds(iso)
    if seconds is None:
        if text.isdigit():
            raise _invalid(value, flag, f"a unit is missing (did you mean {text}s?)")
        raise _invalid(value, flag, "not a recognised duration")
    if seconds == 0:
        raise _invalid(value, flag, "it must be longer than zero")
    if seconds > MAX_DURATION_SECONDS:
        raise _invalid(value, flag, f"the maximum is {format_go(MAX_DURATION_SECONDS)}, the longest duration Flux "
                                    "can hold")
    return seconds


def validate_seconds(value, where: str) -> int:
    """A duration already given in whole seconds (e.g. `timeoutInSeconds: 600` in a file)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgumentValueError(f"Invalid value {value!r} for {where}: expected a whole number of seconds.",
                                        "Give an integer such as 600.")
    if not 0 < value <= MAX_DURATION_SECONDS:
        raise InvalidArgumentValueError(f"Invalid value {value} for {where}: out of range.",
                                        f"Give a number of seconds between 1 and {MAX_DURATION_SECONDS}.")
    return value


def format_go(seconds: int | None) -> str | None:
    """600 -> '10m', 3725 -> '1h2m5s' (the form `az ... -o table` shows)."""
    if seconds is None:
        return None
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    text = (f"{hours}h" if hours else "") + (f"{minutes}m" if minutes else "") + (f"{secs}s" if secs else "")
    return text or "0s"


def format_iso8601(seconds: int) -> str:
    """1800 -> 'PT30M', 5400 -> 'PT1H30M', 86400 -> 'PT24H' (for reconciliationWaitDuration)."""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    text = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + (f"{secs}S" if secs else "")
    return "PT" + (text or "0S")
