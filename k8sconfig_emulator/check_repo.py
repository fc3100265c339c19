"""`k8sconfig-emulator check-repo DIR --config-file FILE [--diff-from REV] [-o table|json]`.

Checks a GitOps repository against the flux configuration that will apply it, with no server and no Azure:
every kustomization is built as the emulated cluster builds it (check_repo_build), then (check_repo_checks)

* what the emulated cluster checks about the objects (``reconciler.verify``: HelmRelease chart sources,
  versions, valuesFrom, dependsOn, source URLs);
* repository-level checks: one object applied by two kustomizations; a namespaced object whose namespace no
  kustomization creates and the configuration's namespace does not cover (and, as a warning, a namespace
  created by a kustomization the object's kustomization does not depend on); invalid manifests; the dependsOn
  graph.

With ``--diff-from REV`` the repository at REV is built too and the objects are compared: added, changed (the
changed fields) and removed, and for each removal whether prune deletes it on the cluster (check_repo_report,
which also renders the table and JSON output).

Exit codes: 0 no errors (warnings allowed), 1 at least one error, 2 bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from .check_repo_config import CheckConfig, ConfigError, load_config

if TYPE_CHECKING:  # the build, checks and report modules load the reconciler: only for check-repo itself
    from .check_repo_report import Report

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad command-line input (exit code 2)."""


def add_parser(commands) -> None:
    """Register the subcommand on the emulator's argparse subparsers."""
    parser = commands.add_parser(
        "check-repo", help="build and check a GitOps repository against a flux configuration (no server, no Azure)",
        description="Build every kustomization of a local GitOps checkout as the emulated cluster would, and report "
                    "build failures, unresolved HelmRelease sources, values and dependencies, objects applied twice, "
                    "missing namespaces, invalid manifests and dependsOn problems. Exit code 0: clean (warnings "
                    "allowed); 1: a check failed; 2: bad usage.")
    parser.add_argument("directory", metavar="DIR", help="the checkout (or the directory of it that Flux sees as the "
                                                         "source root): kustomization paths are relative to it")
    parser.add_argument("--config-file", required=True, metavar="FILE",
                        help="the flux configuration: a --config-file of 'az k8s-configuration flux create', or the "
                             "output of 'az k8s-configuration flux show -o json'")
    parser.add_argument("--diff-from", metavar="REV",
                        help="also build git revision REV of DIR and show the objects added, changed and removed "
                             "(and which removals prune deletes)")
    parser.add_argument("-o", "--output", choices=["table", "json"], default="table", help="output format")


TREE_TIMEOUT = 600  # seconds to write the checkout's files, as for a revision of --diff-from

# -- scratch trees ------------------------------------------------------------------------------------------------

def copy_tree(source: Path, dest: Path) -> list[str]:
    """The checkout's files (not .git) in a scratch directory the builds may write to, exactly as the cluster
    writes a revision: through a tar archive and the reconciler's extract_tree, so symbolic links are left out
    (returned) and hostile ones raise LinkRefused."""
    import tarfile

    from .reconciler.gitsource import extract_tree

    archive = dest.with_name(dest.name + ".tar")
    try:
        with tarfile.open(archive, "w") as tar:
            for child in sorted(source.iterdir()):
                if child.name != ".git":
                    tar.add(child, arcname=child.name, filter=_without_git)
        return extract_tree(archive, dest, time.monotonic() + TREE_TIMEOUT, TREE_TIMEOUT)
    finally:
        archive.unlink(missing_ok=True)


def _without_git(member):
    return None if ".git" in member.name.split("/") else member


def _refused_build(config: CheckConfig, reason: str):
    """The tree the cluster refuses as a whole (hostile links, too large): nothing builds."""
    from .check_repo_build import ERROR, Finding, TreeBuild

    finding = Finding(ERROR, "SourceRefused", "", "", "GitRepository", config.namespace, config.name,
                      f"the emulated cluster refuses this tree: {reason}")
    return TreeBuild([], findings=[finding], failed=set(config.kustomizations))


def _left_out_links(config: CheckConfig, links: list[str]) -> list:
    from .check_repo_build import WARNING, Finding

    return [Finding(WARNING, "SymlinkIgnored", "", link, "GitRepository", config.namespace, config.name,
                    f"symbolic link '{link}' is left out of the revision, as Flux's source-controller does: "
                    "nothing in the cluster can read it") for link in links]


def export_revision(directory: Path, rev: str, dest: Path, scratch: Path) -> tuple[str, Path]:
    """Write the files of ``rev`` into ``dest`` as the cluster exports a revision; returns (commit id, the tree
    of ``directory`` in it, which is ``dest`` or a subdirectory). Raises UsageError when ``directory`` is not in
    a git checkout or ``rev`` is not a commit."""
    from .reconciler.gitcmd import GitCommandError, git_env, run_git
    from .reconciler.gitsource import TreeTooLarge, export_tree

    env = git_env(None, scratch)
    try:
        git_dir = run_git(["-C", str(directory), "rev-parse", "--absolute-git-dir"], env, 60).strip()
        prefix = run_git(["-C", str(directory), "rev-parse", "--show-prefix"], env, 60).strip()
    except GitCommandError as exc:
        raise UsageError(f"--diff-from needs DIR to be a git checkout: {directory}: {exc.detail}") from None
    try:
        sha = run_git(["--git-dir", git_dir, "rev-parse", "--verify", "--quiet", "--end-of-options",
                       f"{rev}^{{commit}}"], env, 60).strip()
    except GitCommandError:
        sha = ""
    if not sha:
        raise UsageError(f"--diff-from: '{rev}' is not a commit of the repository at {directory} (in a shallow CI "
                         "checkout, fetch more history, e.g. actions/checkout with fetch-depth: 0)")
    try:
        export_tree(Path(git_dir), sha, dest, scratch, TREE_TIMEOUT)
    except (GitCommandError, TreeTooLarge) as exc:
        raise UsageError(f"--diff-from: cannot export revision '{rev}': {getattr(exc, 'detail', exc)}") from None
    return sha, dest.joinpath(*Path(prefix).parts)


# -- command ------------------------------------------------------------------------------------------------------

def check(directory: Path, config: CheckConfig, diff_from: str | None = None) -> Report:
    """Build and check ``directory`` (and ``diff_from``); raises UsageError for bad input."""
    from .check_repo_build import build_tree
    from .check_repo_checks import all_findings
    from .check_repo_report import Report, diff_builds

    with tempfile.TemporaryDirectory(prefix="k8sconfig-check-repo-") as scratch_dir:
        scratch = Path(scratch_dir)
        old_build, sha = None, None
        if diff_from is not None:
            sha, old_tree = export_revision(directory, diff_from, scratch / "old", scratch)
            old_build = build_tree(old_tree, config)
        from .reconciler.gitsource import TreeTooLarge
        try:
            links = copy_tree(directory, scratch / "new")
        except TreeTooLarge as exc:
            build = _refused_build(config, str(exc))
        else:
            build = build_tree(scratch / "new", config)
            build.findings.extend(_left_out_links(config, links))
    report = Report(str(directory), config, build, all_findings(build, config))
    if old_build is not None:
        report.diff = {"from": diff_from, "commit": sha, **diff_builds(old_build, build, config)}
    return report


def run(args: argparse.Namespace) -> int:
    """The subcommand: print the report; exit code 0, 1 or 2."""
    directory = Path(args.directory)
    try:
        if not directory.is_dir():
            raise UsageError(f"DIR '{args.directory}' is not a directory: give the path of the repository checkout")
        config = load_config(args.config_file)
        report = check(directory, config, args.diff_from)
    except (UsageError, ConfigError) as exc:
        print(f"k8sconfig-emulator check-repo: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.output == "json":
        json.dump(report.to_json(), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(report.to_text())
    return EXIT_FINDINGS if report.errors else EXIT_CLEAN
