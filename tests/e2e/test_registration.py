"""An unregistered Microsoft.KubernetesConfiguration provider: the first write registers it, with no extra
call on the hot path of registered subscriptions."""
from __future__ import annotations

from e2e_support import TUTORIAL_URL, new_cluster, running_emulator


def test_create_registers_the_provider_on_missing_subscription_registration(tmp_path):
    with running_emulator(tmp_path, "--provider-state", "NotRegistered", "--operation-delay", "0.1",
                          "--extension-install-delay", "0.2") as emu:
        cluster = new_cluster(emu)
        mark = emu.log_mark()
        created = emu.az("k8s-configuration", "flux", "create", *cluster["args"], "-n", "first",
                         "-u", TUTORIAL_URL, "--branch", "main", "--kustomization", "name=infra",
                         "path=./infrastructure", "--query", "provisioningState", "-o", "tsv").ok().stdout
        assert created.strip() == "Succeeded"
        calls = [(c["method"], c["path"].lower(), c["status"]) for c in emu.requests_since(mark)]
        registers = [c for c in calls if c[0] == "POST" and c[1].endswith("/providers/microsoft.kubernetesconfiguration/register")]
        assert len(registers) == 1
        refused = [c for c in calls if c[2] == 409]
        assert refused and calls.index(refused[0]) < calls.index(registers[0])  # registered only when ARM asked

        # Registered now: the next create goes straight to the resource provider.
        mark = emu.log_mark()
        emu.az("k8s-configuration", "flux", "create", *cluster["args"], "-n", "second", "-u", TUTORIAL_URL,
               "--branch", "main", "--kustomization", "name=infra", "path=./infrastructure").ok()
        again = [c["path"].lower() for c in emu.requests_since(mark)]
        assert not [p for p in again if "/providers/microsoft.kubernetesconfiguration/register" in p
                    or p.endswith("/providers/microsoft.kubernetesconfiguration")]


def test_account_that_may_not_register_gets_the_command_for_an_owner(tmp_path):
    with running_emulator(tmp_path, "--provider-state", "NotRegistered", "--operation-delay", "0.1") as emu:
        cluster = new_cluster(emu)
        denied = emu.tool("faults", "--deny-registration", "true")
        assert denied.returncode == 0, denied.stderr
        mark = emu.log_mark()
        result = emu.az("k8s-configuration", "flux", "create", *cluster["args"], "-n", "first", "-u", TUTORIAL_URL,
                        "--branch", "main", "--kustomization", "name=infra", "path=./infrastructure")
        assert result.returncode != 0 and "Traceback" not in result.stderr
        assert "may not register" in result.stderr
        assert "az provider register --namespace Microsoft.KubernetesConfiguration" in result.stderr
        writes = [c for c in emu.requests_since(mark) if c["method"] in ("PUT", "PATCH") and c["status"] < 300]
        assert writes == []  # nothing half-written
