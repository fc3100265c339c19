"""Settings the emulator core hands to the reconciler."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class ReconcilerSettings:
    cache_dir: Path  # git mirrors and temporary work trees
    git_insteadof: list[tuple[str, str]] = field(default_factory=list)  # (prefix, replacement), like url.X.insteadOf
    git_repos: dict[str, Path] = field(default_factory=dict)  # NAME -> local repo served at /git/NAME
    helm_repos: dict[str, Path] = field(default_factory=dict)  # chart repository URL -> directory with index.yaml
