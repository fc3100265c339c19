"""Fetch a GitRepository source into a reused bare mirror and export the requested revision."""

from __future__ import annotations

import hashlib
import posixpath
import shutil
import tarfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .gitcmd import GitAuth, GitCommandError, git_env, run_git
from .semver import SemverError, best_match

MAX_TREE_FILES = 200_000
MAX_TREE_BYTES = 1024 * 1024 * 1024
_FETCH_SPECS = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"]


class RefError(Exception):
    """The requested ref does not exist in the fetched repository."""


@dataclass(frozen=True)
class Revision:
    ref_name: str  # branch, tag or "HEAD"
    sha: str

    @property
    def artifact(self) -> str:
        """Flux 2.x's revision form: ``<branch or tag>@sha1:<sha>``, ``sha1:<sha>`` for a pinned commit."""
        return f"sha1:{self.sha}" if self.ref_name == "HEAD" else f"{self.ref_name}@sha1:{self.sha}"

    @property
    def synced_id(self) -> str:
        """``sourceSyncedCommitId``: the same Flux 2.x revision form as every status message."""
        return self.artifact


_LOCKS: dict[Path, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def mirror_lock(mirror: Path) -> threading.Lock:
    """One lock per mirror, so concurrent reconciles of the same URL do not fetch into it at once."""
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(mirror, threading.Lock())


def mirror_path(cache_dir: Path, url: str) -> Path:
    """One bare mirror per (effective) URL."""
    return cache_dir / "mirrors" / (hashlib.sha256(url.encode()).hexdigest()[:24] + ".git")


def fetch_mirror(url: str, mirror: Path, auth: GitAuth | None, cache_dir: Path, timeout: float) -> None:
    """Create the mirror on first use and fetch all branches and tags; raises GitCommandError."""
    env = git_env(auth, cache_dir)
    created = not (mirror / "HEAD").exists()
    if created:
        mirror.parent.mkdir(parents=True, exist_ok=True)
        run_git(["init", "--bare", "--quiet", str(mirror)], env, timeout)
    try:
        run_git(["--git-dir", str(mirror), "fetch", "--quiet", "--prune", "--force", "--", url, *_FETCH_SPECS], env, timeout)
    except GitCommandError:
        if created:
            shutil.rmtree(mirror, ignore_errors=True)
        raise


def _peel(mirror: Path, ref: str, env: dict[str, str]) -> str | None:
    try:
        out = run_git(["--git-dir", str(mirror), "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"], env, 30)
    except GitCommandError:
        return None
    return out.strip() or None


def resolve_ref(mirror: Path, ref: dict | None, cache_dir: Path) -> Revision:
    """Pick the commit for a RepositoryRefDefinition: commit > semver > tag > branch (default ``master``)."""
    ref = ref or {}
    env = git_env(None, cache_dir)
    if ref.get("commit"):
        commit = str(ref["commit"]).strip()
        sha = _peel(mirror, commit, env) if all(c in "0123456789abcdefABCDEF" for c in commit) else None
        if not sha:
            raise RefError(f"unable to resolve commit object for '{commit}': object not found")
        return Revision(str(ref.get("branch") or "HEAD"), sha)  # Flux: main@sha1:<sha>, or sha1:<sha> alone
    if ref.get("semver"):
        tags = run_git(["--git-dir", str(mirror), "for-each-ref", "--format=%(refname:strip=2)", "refs/tags"], env, 30)
        try:
            tag = best_match(str(ref["semver"]), tags.split())
        except SemverError as exc:
            raise RefError(f"semver parse error: {exc}") from exc
        if tag is None:
            raise RefError(f"no match found for semver: {ref['semver']}")
        return Revision(tag, _peel(mirror, f"refs/tags/{tag}", env) or "")
    if ref.get("tag"):
        tag = str(ref["tag"])
        sha = _peel(mirror, f"refs/tags/{tag}", env)
        if not sha:
            raise RefError(f'couldn\'t find remote ref "refs/tags/{tag}"')
        return Revision(tag, sha)
    branch = str(ref.get("branch") or "master")
    sha = _peel(mirror, f"refs/heads/{branch}", env)
    if not sha:
        raise RefError(f'couldn\'t find remote ref "refs/heads/{branch}"')
    return Revision(branch, sha)


class TreeTooLarge(Exception):
    """The files of the revision are refused: too many, too large, too slow to write, or hostile links."""


class LinkRefused(TreeTooLarge):
    """A symbolic link leads out of the repository or back into a directory that contains it (a loop)."""


def _link_problem(member: tarfile.TarInfo) -> str | None:
    """Why a symbolic link is hostile (out of the repository, or a loop), or None."""
    where = posixpath.dirname(member.name)
    if posixpath.isabs(member.linkname):
        return f"symbolic link '{member.name}' -> '{member.linkname}' leads out of the repository"
    target = posixpath.normpath(posixpath.join(where, member.linkname))
    if target == ".." or target.startswith("../"):
        return f"symbolic link '{member.name}' -> '{member.linkname}' leads out of the repository"
    target = "" if target == "." else target
    if target == "" or where == target or where.startswith(target + "/"):
        return (f"symbolic link '{member.name}' -> '{member.linkname}' points back to a directory that contains "
                "it: a loop")
    return None


def export_tree(mirror: Path, sha: str, dest: Path, cache_dir: Path, timeout: float) -> list[str]:
    """Write the files of commit ``sha`` into ``dest`` (a fresh directory) and return the symbolic links left out
    (see extract_tree). The archive goes through a file."""
    archive = dest.with_name(dest.name + ".tar")
    end = time.monotonic() + timeout
    dest.parent.mkdir(parents=True, exist_ok=True)
    run_git(["--git-dir", str(mirror), "archive", "--format=tar", f"--output={archive}", sha],
            git_env(None, cache_dir), timeout)
    try:
        return extract_tree(archive, dest, end, timeout)
    finally:
        archive.unlink(missing_ok=True)


def extract_tree(archive: Path, dest: Path, end: float, timeout: float) -> list[str]:
    """Write the files of a tar ``archive`` into ``dest`` and return the symbolic links left out.

    Like the artifact of Flux's source-controller, the tree holds regular files and directories only: symbolic
    links are left out. Links that leave the repository or loop raise LinkRefused (they are hostile, not just
    dropped); too many or too large files, or writing past ``end`` (a time.monotonic() value, ``timeout``
    seconds after the start), raise TreeTooLarge."""
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, mode="r:") as tar:
        members, links, size = [], [], 0
        for member in tar:
            if member.issym() or member.islnk():
                problem = _link_problem(member)
                if problem:
                    raise LinkRefused(problem + "; the emulated cluster never follows such links")
                links.append(member.name)
                continue
            if not (member.isfile() or member.isdir()):
                continue
            members.append(member)
            size += member.size
            if len(members) > MAX_TREE_FILES:
                raise TreeTooLarge(f"the revision has more than {MAX_TREE_FILES} files")
            if size > MAX_TREE_BYTES:
                raise TreeTooLarge(f"the files of the revision are larger than {MAX_TREE_BYTES // 2**20} MiB")
        for member in members:
            if time.monotonic() > end:
                raise TreeTooLarge(f"writing the {len(members)} files of the revision took longer than the "
                                   f"timeout of {timeout:g}s")
            tar.extract(member, dest, filter="data")
    return links
