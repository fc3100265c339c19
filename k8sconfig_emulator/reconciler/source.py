"""The configuration's source: GitRepository is fetched for real; other kinds are reported as unsupported."""

from __future__ import annotations

import base64
import binascii
import tarfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .gitcmd import GitAuth, GitCommandError
from .gitsource import (
    LinkRefused,
    RefError,
    Revision,
    TreeTooLarge,
    export_tree,
    fetch_mirror,
    mirror_lock,
    mirror_path,
    resolve_ref,
)
from .settings import ReconcilerSettings
from .urls import (
    display_url,
    rewrite_url,
    scrub,
    served_repo,
    strip_userinfo,
    transport_of,
)

_SOURCE_FIELDS = {"GitRepository": "gitRepository", "Bucket": "bucket", "AzureBlob": "azureBlob", "OCIRepository": "ociRepository"}


@dataclass(frozen=True)
class SourceOutcome:
    ready: bool
    reason: str
    message: str
    revision: Revision | None = None
    tree: Path | None = None  # exported files of the revision


def source_kind(props: dict) -> str:
    return props.get("sourceKind") or "GitRepository"


def source_spec(props: dict) -> dict:
    return props.get(_SOURCE_FIELDS.get(source_kind(props), "gitRepository")) or {}


def decode_b64(value: str) -> str:
    return base64.b64decode(value, validate=True).decode("utf-8")


def protected_secrets(props: dict) -> list[str]:
    """Every protected value, raw and decoded, so messages can be scrubbed of them."""
    out: list[str] = []
    for value in (props.get("configurationProtectedSettings") or {}).values():
        if not isinstance(value, str) or not value:
            continue
        out.append(value)
        try:
            out.append(decode_b64(value))
        except (binascii.Error, UnicodeDecodeError, ValueError):
            pass
    return [s for s in out if len(s) >= 3]


def _effective_url(url: str, settings: ReconcilerSettings) -> str:
    local = served_repo(url, settings.git_repos)
    if local is not None:
        return str(local)
    rewritten = rewrite_url(url, settings.git_insteadof)
    local = served_repo(rewritten, settings.git_repos)
    return str(local) if local is not None else rewritten


def _auth(git: dict, props: dict, url: str, scratch: Path) -> tuple[GitAuth, str]:
    """Credentials from httpsUser/httpsKey (or the URL's user:password) and the CA from httpsCACert."""
    protected = props.get("configurationProtectedSettings") or {}
    username, password = git.get("httpsUser"), None
    if protected.get("httpsKey"):
        try:
            password = decode_b64(protected["httpsKey"])
        except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
            raise ValueError("configurationProtectedSettings.httpsKey is not valid base64") from exc
    if transport_of(url) in ("http", "https"):
        parts = urlsplit(url)
        if parts.username or parts.password:
            username = username or unquote(parts.username or "")
            password = password or unquote(parts.password or "")
            url = strip_userinfo(url)
    ca_file = None
    if git.get("httpsCACert"):
        try:
            pem = base64.b64decode(git["httpsCACert"], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError("gitRepository.httpsCACert is not valid base64") from exc
        ca_file = scratch / "ca.pem"
        ca_file.write_bytes(pem)
    return GitAuth(username or None, password or None, ca_file), url


def fetch_source(props: dict, settings: ReconcilerSettings, scratch: Path) -> SourceOutcome:
    """Fetch the source of ``props`` and export its files under ``scratch``; never raises for bad input."""
    kind = source_kind(props)
    if kind != "GitRepository":
        return SourceOutcome(False, "SourceNotSupported", f"{kind} sources are not supported by the emulator")
    git = props.get("gitRepository") or {}
    url = str(git.get("url") or "")
    shown = display_url(url)
    secrets = protected_secrets(props)

    def failed(detail: str) -> SourceOutcome:
        message = f"failed to checkout and determine revision: unable to clone '{shown}': {detail}"
        return SourceOutcome(False, "GitOperationFailed", scrub(message, secrets))

    if not url:
        return failed("gitRepository.url is empty")
    target = _effective_url(url, settings)
    if transport_of(target) not in ("file", "http", "https"):
        return failed(
            f"{transport_of(target)} URLs are not supported by the emulator; "
            "map the URL to a local repository with an insteadOf rewrite"
        )
    try:
        auth, target = _auth(git, props, target, scratch)
    except ValueError as exc:
        return failed(str(exc))
    secrets += auth.secrets
    timeout = float(git.get("timeoutInSeconds") or 600)
    mirror = mirror_path(settings.cache_dir, target)
    try:
        with mirror_lock(mirror):
            fetch_mirror(target, mirror, auth, settings.cache_dir, timeout)
            revision = resolve_ref(mirror, git.get("repositoryRef"), settings.cache_dir)
            tree = scratch / "src"
            links = export_tree(mirror, revision.sha, tree, settings.cache_dir, timeout)
    except GitCommandError as exc:
        return failed(exc.detail)
    except LinkRefused as exc:
        return SourceOutcome(False, "SymlinkRefused", scrub(f"the revision '{revision.artifact}' has a hostile "
                                                            f"link: {exc}", secrets))
    except (RefError, TreeTooLarge) as exc:
        return failed(str(exc))
    except tarfile.FilterError as exc:
        return failed(f"the repository has an entry that leads out of it: '{exc.tarinfo.name}'")
    except (OSError, tarfile.TarError) as exc:
        return failed(f"cannot write the work tree: {exc}")
    message = f"stored artifact for revision '{revision.artifact}'"
    if links:
        shown = ", ".join(f"'{name}'" for name in links[:5]) + (f" and {len(links) - 5} more" if len(links) > 5 else "")
        message += f"; symbolic links left out of the artifact, as Flux's source-controller does: {shown}"
    return SourceOutcome(True, "Succeeded", message, revision, tree)
