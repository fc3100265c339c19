"""Pure URL helpers: insteadOf rewriting, the emulator's own /git/NAME repos, secret scrubbing."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

_LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
_USERINFO_RE = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<user>[^/@:\s]*):(?P<pw>[^/@\s]*)@")


def rewrite_url(url: str, insteadof: list[tuple[str, str]]) -> str:
    """Apply git-style ``url.<replacement>.insteadOf <prefix>`` rules; the longest matching prefix wins."""
    best: tuple[str, str] | None = None
    for prefix, replacement in insteadof:
        if prefix and url.startswith(prefix) and (best is None or len(prefix) > len(best[0])):
            best = (prefix, replacement)
    if best is None:
        return url
    prefix, replacement = best
    return replacement + url[len(prefix):]


def served_repo(url: str, repos: dict[str, Path]) -> Path | None:
    """The local path of ``http(s)://127.0.0.1[:port]/git/NAME[.git]`` when NAME is one of the emulator's repos."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or (parts.hostname or "") not in _LOCAL_HOSTS:
        return None
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) != 2 or segments[0] != "git":
        return None
    name = segments[1]
    if name not in repos and name.endswith(".git"):
        name = name[: -len(".git")]
    return repos.get(name)


def scrub(text: str, secrets: list[str]) -> str:
    """Remove passwords in URLs and every known secret value from ``text``."""
    text = _USERINFO_RE.sub(lambda m: f"{m.group('scheme')}{m.group('user')}:***@", text)
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def display_url(url: str) -> str:
    """The URL with any password removed, for messages."""
    return scrub(url, [])


def transport_of(url: str) -> str:
    """``file``, ``http``, ``https``, ``ssh`` or another scheme name, for a git URL or a local path."""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", url):
        return url.split("://", 1)[0].lower()
    if re.match(r"^[^/\\]+@[^/:]+:", url):  # scp-like user@host:path
        return "ssh"
    return "file"


def strip_userinfo(url: str) -> str:
    """Drop user:password from an http(s) URL (credentials go through askpass instead)."""
    parts = urlsplit(url)
    if not parts.username and not parts.password:
        return url
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
