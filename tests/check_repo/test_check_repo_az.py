"""check-repo against what is deployed: the output of the real `az k8s-configuration flux show -o json` for a
configuration on the emulator, and the objects the emulated cluster applied from the same repository."""
from __future__ import annotations

import json

from check_repo_support import check_repo
from e2e_support import TUTORIAL_URL, wait_until

FLUX = ["k8s-configuration", "flux"]


def test_check_against_flux_show_output_lists_what_the_emulated_cluster_applied(emulator, cluster, tmp_path):
    emulator.az(*FLUX, "create", *cluster["args"], "-n", "cluster-config", "--namespace", "cluster-config",
                "--scope", "cluster", "-u", TUTORIAL_URL, "--branch", "main",
                "--kustomization", "name=infra", "path=./infrastructure", "prune=true",
                "--kustomization", "name=apps", "path=./apps/staging", "prune=true", "dependsOn=[infra]").ok()

    def compliant():
        shown = emulator.az(*FLUX, "show", *cluster["args"], "-n", "cluster-config", "-o", "json").ok()
        return shown.stdout if shown.json["complianceState"] == "Compliant" else None

    deployed = tmp_path / "deployed.json"
    deployed.write_text(wait_until(compliant, timeout=90))

    run = check_repo(emulator.demo_repo, "--config-file", deployed, "-o", "json")

    assert run.returncode == 0, run.stdout + run.stderr
    result = run.json()
    assert result["configuration"]["name"] == "cluster-config" and result["findings"] == []
    listed = {(o["kind"], o["namespace"], o["name"], f"cluster-config-{o['kustomization']}") for o in result["objects"]}
    tool = emulator.tool("cluster", "objects", cluster["name"], "-g", cluster["group"], "-o", "json")
    assert tool.returncode == 0, tool.stderr
    applied = {(o["kind"], o["namespace"], o["name"], o["appliedBy"]["name"]) for o in json.loads(tool.stdout)}
    assert listed == applied
