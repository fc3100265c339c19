"""Preflight: rendering of results, and run_checks against fake ARM clients (no network)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from azure.cli.core.azclierror import DeploymentError
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from beyond_fakes import FakeClock

from azext_k8s_configuration.graph_render import can_encode
from azext_k8s_configuration.preflight_render import (
    ASCII_MARKS,
    SYMBOLS,
    failed_checks,
    render,
    render_line,
)
from azext_k8s_configuration.providers.preflight import (
    CHECK_CLUSTER,
    CHECK_EXTENSION,
    CHECK_FLUX_V1,
    CHECK_PROVIDER,
    PreflightClients,
    run_checks,
)

ARC = SimpleNamespace(resource_group="rg1", cluster_rp="Microsoft.Kubernetes", cluster_type="connectedClusters",
                      cluster_name="arc-1")
HYBRID = SimpleNamespace(resource_group="rg1", cluster_rp="Microsoft.HybridContainerService",
                         cluster_type="provisionedClusters", cluster_name="hyb-1")


def test_render_marks_and_fix_commands():
    results = [{"check": "Provider registered", "ok": True, "detail": "registrationState Registered",
                "fix_command": "az provider register --namespace X"},
               {"check": "Extension installed", "ok": False, "detail": "not installed",
                "fix_command": "az k8s-extension create ..."},
               {"check": "Flux v1", "ok": None, "detail": "skipped", "fix_command": None},
               {"check": "Extension ready", "ok": None, "status": "inProgress", "detail": "Creating",
                "fix_command": None}]
    assert render(results).splitlines() == [
        "✔ Provider registered: registrationState Registered",
        "✗ Extension installed: not installed (fix: az k8s-extension create ...)",
        "- Flux v1: skipped",
        "… Extension ready: Creating",
        "1 of 4 checks failed.",
    ]
    assert render(results, ascii_only=True).splitlines()[:4] == [
        "[ok] Provider registered: registrationState Registered",
        "[FAIL] Extension installed: not installed (fix: az k8s-extension create ...)",
        "[-] Flux v1: skipped",
        "[...] Extension ready: Creating",
    ]
    assert failed_checks(results) == [results[1]]
    assert render(results[:1]).endswith("All checks passed.")
    assert render([results[0], results[3]]).endswith("All checks passed. 1 still in progress.")
    assert render_line({"check": "c", "ok": False, "detail": "", "fix_command": None}) == "✗ c"


def test_marks_need_ascii_on_cp1252():
    assert not can_encode(SYMBOLS, "cp1252") and can_encode(SYMBOLS, "utf-8")
    assert can_encode("".join(ASCII_MARKS.values()), "ascii")


class FakeArm:
    """Just enough of the provider, resources, extensions and Flux v1 operations, and of the extension install."""

    def __init__(self, registered=True, cluster=True, extension_state=None, scc_names=(), fail_on=None,
                 extension_type="Microsoft.Flux"):
        self.state = "Registered" if registered else "NotRegistered"
        self.cluster, self.scc_names, self.fail_on = cluster, list(scc_names), fail_on
        self.extensions_list = [] if extension_state is None else [
            {"name": "flux", "properties": {"extensionType": extension_type, "provisioningState": extension_state,
                                            "currentVersion": "1.9.0"}}]
        self.calls: list[tuple] = []

    def clients(self) -> PreflightClients:
        return PreflightClients(providers=SimpleNamespace(get=self.get_provider, register=self.register),
                                resources=SimpleNamespace(get_by_id=self.get_by_id),
                                extensions=SimpleNamespace(list=self.list_extensions),
                                source_control=SimpleNamespace(list=self.list_scc), subscription_id="sub-1",
                                ensure_extension=self.ensure_extension)

    def _maybe_fail(self, name):
        if self.fail_on == name:
            raise HttpResponseError(message="(AuthorizationFailed) no access\nmore lines")

    def get_provider(self, namespace):
        self.calls.append(("get_provider", namespace))
        self._maybe_fail("provider")
        return SimpleNamespace(registration_state=self.state)

    def register(self, namespace):
        self.calls.append(("register", namespace))
        self.state = "Registering"

    def get_by_id(self, resource_id, api_version):
        self.calls.append(("get_by_id", resource_id, api_version))
        if not self.cluster:
            raise ResourceNotFoundError(message="not found")
        return {"id": resource_id}

    def list_extensions(self, *path):
        self.calls.append(("list_extensions",) + path)
        self._maybe_fail("extensions")
        return list(self.extensions_list)

    def ensure_extension(self, cluster, extensions):
        """Stands for extension_install.ensure_among (install when missing, wait when in progress)."""
        self.calls.append(("ensure_extension", cluster, extensions))
        if self.fail_on == "install":
            raise DeploymentError("The 'microsoft.flux' extension 'flux' on cluster 'arc-1' is in state 'Failed'.")
        self.extensions_list = [{"name": "flux", "properties": {"extensionType": "microsoft.flux",
                                                                 "provisioningState": "Succeeded"}}]
        return self.extensions_list[0]

    def list_scc(self, *path):
        self.calls.append(("list_scc",) + path)
        return [{"name": n} for n in self.scc_names]

    def count(self, name):
        return sum(1 for call in self.calls if call[0] == name)


def _by_check(results):
    return {r["check"]: r for r in results}


def test_all_good():
    arm = FakeArm(extension_state="Succeeded")
    results = _by_check(run_checks(arm.clients(), ARC, fix=False))
    assert all(r["ok"] and r["status"] == "passed" for r in results.values())
    assert results[CHECK_EXTENSION]["code"] == "ExtensionReady"
    assert "1.9.0" in results[CHECK_EXTENSION]["detail"] and "Succeeded" in results[CHECK_EXTENSION]["detail"]
    cluster_id = "/subscriptions/sub-1/resourceGroups/rg1/providers/Microsoft.Kubernetes/connectedClusters/arc-1"
    assert ("get_by_id", cluster_id, "2021-10-01") in arm.calls
    assert ("list_scc", "rg1", "Microsoft.Kubernetes", "connectedClusters", "arc-1") in arm.calls


def test_fix_with_nothing_to_fix_checks_once():
    arm = FakeArm(extension_state="Succeeded")
    run_checks(arm.clients(), ARC, fix=True)
    assert [arm.count(n) for n in ("get_provider", "get_by_id", "list_extensions", "list_scc")] == [1, 1, 1, 1]


def test_problems_are_reported_with_codes_and_fix_commands():
    arm = FakeArm(registered=False, scc_names=["legacy-b", "legacy-a"])
    results = _by_check(run_checks(arm.clients(), ARC, fix=False))
    assert results[CHECK_PROVIDER]["ok"] is False and results[CHECK_PROVIDER]["code"] == "ProviderNotRegistered"
    assert results[CHECK_PROVIDER]["fix_command"] == "az provider register --namespace Microsoft.KubernetesConfiguration"
    assert results[CHECK_EXTENSION]["code"] == "ExtensionMissing"
    assert results[CHECK_EXTENSION]["fix_command"] == (
        "az k8s-extension create -g rg1 -c arc-1 -t connectedClusters --name flux --extension-type microsoft.flux")
    assert results[CHECK_FLUX_V1]["ok"] is False and "legacy-a, legacy-b" in results[CHECK_FLUX_V1]["detail"]
    assert results[CHECK_FLUX_V1]["code"] == "FluxV1Found"
    assert results[CHECK_FLUX_V1]["fix_command"].startswith(
        "az k8s-configuration delete -g rg1 -c arc-1 -t connectedClusters -n legacy-a --yes && ")
    assert not any(call[0] in ("register", "ensure_extension") for call in arm.calls)


def test_missing_cluster_skips_dependent_checks():
    arm = FakeArm(cluster=False)
    results = _by_check(run_checks(arm.clients(), ARC, fix=True))
    assert results[CHECK_CLUSTER]["ok"] is False and results[CHECK_CLUSTER]["code"] == "ClusterNotFound"
    assert results[CHECK_CLUSTER]["fix_command"] == "az connectedk8s connect -g rg1 -n arc-1"
    assert results[CHECK_EXTENSION]["status"] == "skipped" and results[CHECK_FLUX_V1]["ok"] is None
    assert not any(call[0] in ("list_extensions", "ensure_extension") for call in arm.calls)


@pytest.mark.parametrize("state", ["Accepted", "Creating", "Updating"])
def test_extension_in_progress_is_not_a_failure_and_fix_waits_for_it(state):
    arm = FakeArm(extension_state=state)
    result = _by_check(run_checks(arm.clients(), ARC, fix=False))[CHECK_EXTENSION]
    assert result["status"] == "inProgress" and result["ok"] is None and result["code"] == "ExtensionInProgress"
    assert state in result["detail"] and arm.count("ensure_extension") == 0

    fixed = _by_check(run_checks(arm.clients(), ARC, fix=True))[CHECK_EXTENSION]
    assert fixed["status"] == "passed"
    (call,) = [c for c in arm.calls if c[0] == "ensure_extension"]
    assert call[2][0]["properties"]["provisioningState"] == state  # the list the check read, not a new one


@pytest.mark.parametrize("state, code, fix_start", [("Failed", "ExtensionFailed", "az k8s-extension delete"),
                                                    ("Canceled", "ExtensionFailed", "az k8s-extension delete"),
                                                    ("Deleting", "ExtensionDeleting", "az k8s-extension create")])
def test_extension_in_bad_state_is_reported_not_replaced(state, code, fix_start):
    arm = FakeArm(extension_state=state)
    result = _by_check(run_checks(arm.clients(), ARC, fix=True))[CHECK_EXTENSION]
    assert result["ok"] is False and result["code"] == code and state in result["detail"]
    assert result["fix_command"].startswith(fix_start)
    assert arm.count("ensure_extension") == 0  # --fix never replaces an extension


def test_flux_name_taken_by_another_extension_type():
    arm = FakeArm(extension_state="Succeeded", extension_type="Microsoft.AzureMonitor.Containers")
    result = _by_check(run_checks(arm.clients(), ARC, fix=True))[CHECK_EXTENSION]
    assert result["code"] == "ExtensionNameTaken" and "Microsoft.AzureMonitor.Containers" in result["detail"]
    assert "--name microsoft-flux" in result["fix_command"]
    assert arm.count("ensure_extension") == 0


def test_fix_registers_provider_and_installs_extension_then_rechecks():
    arm = FakeArm(registered=False)
    clock = FakeClock()
    original_get = arm.get_provider

    def get_provider(namespace):  # becomes Registered on the third poll
        if arm.state == "Registering" and arm.count("get_provider") >= 3:
            arm.state = "Registered"
        return original_get(namespace)

    arm.get_provider = get_provider
    results = _by_check(run_checks(arm.clients(), ARC, fix=True, sleep=clock.sleep, clock=clock))
    assert results[CHECK_PROVIDER]["ok"] is True and results[CHECK_EXTENSION]["ok"] is True
    assert ("register", "Microsoft.KubernetesConfiguration") in arm.calls
    names = [c[0] for c in arm.calls]
    assert names.index("register") < names.index("ensure_extension")  # the provider first
    (ensure,) = [c for c in arm.calls if c[0] == "ensure_extension"]
    assert ensure[1] is ARC and ensure[2] == []
    assert clock.now < 120


def test_failed_fix_is_reported():
    arm = FakeArm(fail_on="install")
    results = run_checks(arm.clients(), ARC, fix=True)
    failure = results[-1]
    assert failure["check"] == f"Fix for: {CHECK_EXTENSION}" and failure["code"] == "FixFailed"
    assert failure["ok"] is False and "is in state 'Failed'" in failure["detail"]
    assert _by_check(results)[CHECK_EXTENSION]["code"] == "ExtensionMissing"


def test_registration_poll_gives_up_after_timeout():
    arm = FakeArm(registered=False, extension_state="Succeeded")
    clock = FakeClock()
    results = _by_check(run_checks(arm.clients(), ARC, fix=True, registration_timeout=20, sleep=clock.sleep,
                                   clock=clock))
    assert results[CHECK_PROVIDER]["ok"] is False and "Registering" in results[CHECK_PROVIDER]["detail"]
    assert results[CHECK_PROVIDER]["code"] == "ProviderRegistering"
    assert 20 <= clock.now <= 25


def test_http_errors_become_failed_checks():
    arm = FakeArm(fail_on="extensions")
    results = _by_check(run_checks(arm.clients(), ARC, fix=True))
    assert results[CHECK_EXTENSION]["ok"] is False and results[CHECK_EXTENSION]["code"] == "CheckError"
    assert results[CHECK_EXTENSION]["detail"] == "could not be checked: (AuthorizationFailed) no access"
    assert arm.count("ensure_extension") == 0


def test_provisioned_cluster_commands_and_no_flux_v1_check():
    arm = FakeArm()
    results = _by_check(run_checks(arm.clients(), HYBRID, fix=False))
    assert "--cluster-resource-provider Microsoft.HybridContainerService" in results[CHECK_EXTENSION]["fix_command"]
    assert results[CHECK_FLUX_V1]["ok"] is True and results[CHECK_FLUX_V1]["code"] == "NotApplicable"
    assert not any(call[0] == "list_scc" for call in arm.calls)
    assert any(call[0] == "get_by_id" and call[2] == "2022-05-01-preview" for call in arm.calls)
