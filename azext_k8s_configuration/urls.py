"""Source URL rules per kind (schemes are matched case-insensitively).

- git: http://, https://, ssh://, or the scp-like form `user@host:path` (any user, not only `git`)
- bucket: http://, https://
- azblob: https:// (and http://, which Flux also allows for emulators such as Azurite)
- oci: oci://

Credentials embedded in an http(s) URL (`https://user:token@host/...`, or a token alone as the user part,
`https://TOKEN@host/...`) are refused: they would be stored and shown in plain text. Use
--https-user/--https-key (git) or the kind's auth options instead. A plain user or organization name in the
user part (`https://contoso@dev.azure.com/...`, as Azure DevOps clone URLs have) is kept.
"""
from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from azure.cli.core.azclierror import InvalidArgumentValueError

SCHEMES: dict[str, tuple[str, ...]] = {
    "git": ("http", "https", "ssh"),
    "bucket": ("http", "https"),
    "azblob": ("https", "http"),
    "oci": ("oci",),
}
_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)([^/@:?#]*)(?::([^/@?#]*))?@")
_TOKEN_PREFIXES = ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "gldt-", "x-access-token",
                   "oauth2")
_SCP_LIKE = re.compile(r"[^@/\s:]+@[^@/\s:]+:[^\s]+")


def is_scp_like(url: str) -> bool:
    return "://" not in url and _SCP_LIKE.fullmatch(url) is not None


def scheme_of(url: str) -> str:
    """'https', 'ssh' (also for the scp-like form), ... in lower case; '' when there is none."""
    if is_scp_like(url):
        return "ssh"
    if "://" not in url:
        return ""
    return url.split("://", 1)[0].lower()


def is_http(url: str) -> bool:
    return scheme_of(url) in ("http", "https")


def looks_like_token(user: str) -> bool:
    """True for a URL user part that is a credential rather than a user name (e.g. a GitHub or Azure DevOps
    personal access token): a well-known token prefix, 32 or more characters, or 20 or more characters mixing
    upper case, lower case and digits. Plain user and organization names (`git`, `contoso`) are not."""
    text = unquote(user)
    if text.lower().startswith(_TOKEN_PREFIXES) or len(text) >= 32:
        return True
    return len(text) >= 20 and all(any(test(c) for c in text) for test in (str.isupper, str.islower, str.isdigit))


def _mask_userinfo(match: re.Match) -> str:
    user, password = match.group(2), match.group(3)
    if password is not None:
        return f"{match.group(1)}{user}:<redacted>@"
    return f"{match.group(1)}<redacted>@" if looks_like_token(user) else match.group(0)


def shown(url: str) -> str:
    """The URL with any password or token in its user part replaced, safe for messages, logs and output."""
    return _USERINFO.sub(_mask_userinfo, url) if isinstance(url, str) else url


def _accepted(kind: str) -> str:
    forms = [f"{s}://" for s in SCHEMES[kind]]
    if kind == "git":
        forms.append("user@host:path")
    return ", ".join(forms)


def validate_url(url, kind: str, flag: str = "--url") -> str:
    """Return the URL (surrounding spaces removed) or raise InvalidArgumentValueError."""
    text = url.strip() if isinstance(url, str) else ""
    hint = f"For --kind {kind} the URL must start with one of: {_accepted(kind)}"
    if not text:
        raise InvalidArgumentValueError(f"Invalid {flag}: it is empty.", hint)
    if any(c.isspace() for c in text):
        raise InvalidArgumentValueError(f"Invalid {flag} {shown(text)!r}: it contains whitespace.", hint)
    scheme = scheme_of(text)
    if scheme not in SCHEMES[kind] or (scheme == "ssh" and kind != "git"):
        raise InvalidArgumentValueError(f"Invalid {flag} {shown(text)!r} for --kind {kind}.", hint)
    if is_scp_like(text):
        return text
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. an unbalanced '[' of an IPv6 host
        raise InvalidArgumentValueError(f"Invalid {flag} {shown(text)!r}: it is not a well-formed URL.", hint) from None
    if not parts.hostname:
        raise InvalidArgumentValueError(f"Invalid {flag} {shown(text)!r}: the host name is missing.", hint)
    if scheme in ("http", "https") and (parts.password or (parts.username and looks_like_token(parts.username))):
        raise InvalidArgumentValueError(
            f"Invalid {flag}: it contains a password or token, which would be stored and shown in plain text.",
            "Remove the credentials from the URL and pass them with --https-user and --https-key "
            "(or use --local-auth-ref).")
    return text
