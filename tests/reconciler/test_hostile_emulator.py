"""Done when (issue 12): hostile repositories beside a healthy configuration on ONE emulator process, driven by
the real az: the healthy configuration becomes Compliant, each hostile one Non-Compliant with a message naming
the cause, and the store stays small."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from e2e_support import TUTORIAL_URL, new_cluster, running_emulator, wait_until
from reconciler_support import DEMO, git
from test_hostile_repos import BOMB, CONFIGMAP

FLUX = ["k8s-configuration", "flux"]
HOSTILE = "https://git.example.invalid/hostile/"
TUTORIAL = ["--kustomization", "name=infra", "path=./infrastructure", "prune=true",
            "--kustomization", "name=apps", "path=./apps/staging", "prune=true", "dependsOn=infra"]
APP = ["--kustomization", "name=app", "path=./app", "prune=true"]
# the first of the two places az may put a field (flat, or under properties), as one tsv value
FIELD = "[{0}, properties.{0}] | [?@ != null] | [0]"


def make_repo(path: Path, files: dict[str, str] | None = None, links: dict[str, str] | None = None,
              copy_demo: bool = False) -> None:
    if copy_demo:
        shutil.copytree(DEMO, path)
    path.mkdir(parents=True, exist_ok=True)
    for rel, text in (files or {}).items():
        (path / rel).parent.mkdir(parents=True, exist_ok=True)
        (path / rel).write_text(text)
    for rel, target in (links or {}).items():
        (path / rel).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, path / rel)
    git(path, "init", "-q", "-b", "main")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "content")


def hostile_repos(root: Path) -> None:
    missing = root / "missing-helm-repository"
    make_repo(missing, copy_demo=True)
    # on the same cluster as the healthy configuration, which applies HelmRepository podinfo/podinfo
    release = missing / "apps/base/podinfo/release.yaml"
    release.write_text(release.read_text().replace("name: podinfo\n        namespace: podinfo",
                                                   "name: podinfo-mirror\n        namespace: podinfo"))
    git(missing, "commit", "-q", "-am", "podinfo from a HelmRepository nobody applies")
    make_repo(root / "symlink-loop", {"app/cm.yaml": CONFIGMAP.format(name="looped")}, {"app/a": ".", "app/b": "."})
    make_repo(root / "alias-bomb", {"app/bomb.yaml": BOMB, "app/cm.yaml": CONFIGMAP.format(name="ok")})


def test_hostile_repositories_beside_a_healthy_configuration(tmp_path: Path) -> None:
    hostile_repos(tmp_path / "hostile")
    with running_emulator(tmp_path, "--git-insteadof", f"{HOSTILE}={tmp_path / 'hostile'}/") as emu:
        cluster = new_cluster(emu)

        def create(name: str, url: str, *kustomizations: str) -> None:
            emu.az(*FLUX, "create", *cluster["args"], "-n", name, "--namespace", name, "--scope", "cluster",
                   "-u", url, "--branch", "main", *kustomizations).ok()

        def field(name: str, key: str) -> str:
            shown = emu.az(*FLUX, "show", *cluster["args"], "-n", name, "--query", FIELD.format(key), "-o", "tsv")
            return shown.ok().stdout.strip()

        create("missing-helm", f"{HOSTILE}missing-helm-repository", *TUTORIAL)
        create("symlink-loop", f"{HOSTILE}symlink-loop", *APP)
        create("alias-bomb", f"{HOSTILE}alias-bomb", *APP)
        create("healthy", TUTORIAL_URL, *TUTORIAL)  # last: the hostile objects are already on the cluster

        wait_until(lambda: field("healthy", "complianceState") == "Compliant", timeout=60)
        causes = {
            "missing-helm": ["HelmRelease 'podinfo/podinfo'", "HelmRepository 'podinfo/podinfo-mirror' not found"],
            "symlink-loop": ["symbolic link 'app/a' -> '.'", "loop"],
            "alias-bomb": ["bomb.yaml", "alias"],
        }
        for name, fragments in causes.items():
            wait_until(lambda n=name: field(n, "complianceState") == "Non-Compliant", timeout=60)
            message = field(name, "errorMessage")
            assert all(f in message for f in fragments), (name, message)

        # the cluster's objects: the healthy configuration's releases are there and reported, the bomb is not
        objects = emu.az(*FLUX, "deployed-object", "list", *cluster["args"], "-n", "healthy",
                         "--query", "[?kind=='HelmRelease'].name", "-o", "tsv").ok().stdout.split()
        assert sorted(objects) == ["nginx", "podinfo", "redis"]

        store = sum(f.stat().st_size for f in emu.data_dir.glob("emulator.db*"))
        assert store < 4 * 1024 * 1024, f"the store grew to {store} bytes"
