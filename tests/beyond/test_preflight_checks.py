"""Preflight: rendering of results, and run_checks against fake ARM clients (no network)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from beyond_fakes import FakeClock

from azext_k8s_configuration.preflight_render import (
    render,
    render_line,
    worst_exit_code,
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
               {"check": "Flux v1", "ok": None, "detail": "skipped", "fix_command": None}]
    assert render(results).splitlines() == [
        "✔ Provider registered: registrationState Registered",
        "✗ Extension installed: not installed (fix: az k8s-extension create ...)",
        "- Flux v1: skipped",
        "1 of 3 checks failed.",
    ]
    assert worst_exit_code(results) == 1
    assert worst_exit_code(results[:1]) == 0
    assert render(results[:1]).endswith("All checks passed.")
    assert render_line({"check": "c", "ok": False, "detail": "", "fix_command": None}) == "✗ c"


class FakeArm:
    """Just enough of the provider, resources, extensions and Flux v1 operations."""

    def __init__(self, registered=True, cluster=True, extension_state=None, scc_names=(), fail_on=None):
        self.state = "Registered" if registered else "NotRegistered"
        self.cluster, self.scc_names, self.fail_on = cluster, list(scc_names), fail_on
        self.extensions_list = [] if extension_state is None else [
            {"name": "flux", "properties": {"extensionType": "Microsoft.Flux", "provisioningState": extension_state,
                                            "currentVersion": "1.9.0"}}]
        self.calls: list[tuple] = []

    def clients(self) -> PreflightClients:
        return PreflightClients(providers=SimpleNamespace(get=self.get_provider, register=self.register),
                                resources=SimpleNamespace(get_by_id=self.get_by_id),
                                extensions=SimpleNamespace(list=self.list_extensions, begin_create=self.create),
                                source_control=SimpleNamespace(list=self.list_scc), subscription_id="sub-1")

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

    def create(self, *args):
        self.calls.append(("create_extension",) + args)
        self.extensions_list = [{"name": args[4], "properties": {**args[5]["properties"],
                                                                  "provisioningState": "Succeeded"}}]
        return SimpleNamespace(result=lambda: None)

    def list_scc(self, *path):
        self.calls.append(("list_scc",) + path)
        return [SimpleNamespace(name=n) for n in self.scc_names]


def _by_check(results):
    return {r["check"]: r for r in results}


def test_all_good():
    arm = FakeArm(extension_state="Succeeded")
    results = _by_check(run_checks(arm.clients(), ARC, fix=False))
    assert all(r["ok"] for r in results.values())
    assert "1.9.0" in results[CHECK_EXTENSION]["detail"] and "Succeeded" in results[CHECK_EXTENSION]["detail"]
    cluster_id = "/subscriptions/sub-1/resourceGroups/rg1/providers/Microsoft.Kubernetes/connectedClusters/arc-1"
    assert ("get_by_id", cluster_id, "2021-10-01") in arm.calls
    assert ("list_scc", "rg1", "Microsoft.Kubernetes", "connectedClusters", "arc-1") in arm.calls


def test_problems_are_reported_with_fix_commands():
    arm = FakeArm(registered=False, scc_names=["legacy-b", "legacy-a"])
    results = _by_check(run_checks(arm.clients(), ARC, fix=False))
    assert results[CHECK_PROVIDER]["ok"] is False
    assert results[CHECK_PROVIDER]["fix_command"] == "az provider register --namespace Microsoft.KubernetesConfiguration"
    assert results[CHECK_EXTENSION]["fix_command"] == (
        "az k8s-extension create -g rg1 -c arc-1 -t connectedClusters --name flux --extension-type microsoft.flux")
    assert results[CHECK_FLUX_V1]["ok"] is False and "legacy-a, legacy-b" in results[CHECK_FLUX_V1]["detail"]
    assert results[CHECK_FLUX_V1]["fix_command"].startswith(
        "az k8s-configuration delete -g rg1 -c arc-1 -t connectedClusters -n legacy-a --yes && ")
    assert not any(call[0] in ("register", "create_extension") for call in arm.calls)


def test_missing_cluster_skips_dependent_checks():
    arm = FakeArm(cluster=False)
    results = _by_check(run_checks(arm.clients(), ARC, fix=True))
    assert results[CHECK_CLUSTER]["ok"] is False
    assert results[CHECK_CLUSTER]["fix_command"] == "az connectedk8s connect -g rg1 -n arc-1"
    assert results[CHECK_EXTENSION]["ok"] is None and results[CHECK_FLUX_V1]["ok"] is None
    assert not any(call[0] in ("list_extensions", "create_extension") for call in arm.calls)


@pytest.mark.parametrize("state, fix_start", [("Creating", "az k8s-extension show"),
                                              ("Failed", "az k8s-extension delete")])
def test_extension_in_bad_state(state, fix_start):
    arm = FakeArm(extension_state=state)
    result = _by_check(run_checks(arm.clients(), ARC, fix=True))[CHECK_EXTENSION]
    assert result["ok"] is False and state in result["detail"]
    assert result["fix_command"].startswith(fix_start)
    assert not any(call[0] == "create_extension" for call in arm.calls)  # --fix never replaces an extension


def test_fix_registers_provider_and_installs_extension_then_rechecks():
    arm = FakeArm(registered=False)
    clock = FakeClock()
    original_get = arm.get_provider

    def get_provider(namespace):  # becomes Registered on the third poll
        if arm.state == "Registering" and sum(c[0] == "get_provider" for c in arm.calls) >= 3:
            arm.state = "Registered"
        return original_get(namespace)

    arm.get_provider = get_provider
    results = _by_check(run_checks(arm.clients(), ARC, fix=True, sleep=clock.sleep, clock=clock))
    assert results[CHECK_PROVIDER]["ok"] is True and results[CHECK_EXTENSION]["ok"] is True
    assert ("register", "Microsoft.KubernetesConfiguration") in arm.calls
    create = next(c for c in arm.calls if c[0] == "create_extension")
    assert create[1:6] == ("rg1", "Microsoft.Kubernetes", "connectedClusters", "arc-1", "flux")
    assert create[6] == {"properties": {"extensionType": "microsoft.flux", "autoUpgradeMinorVersion": True},
                         "identity": {"type": "SystemAssigned"}}
    assert clock.now < 120


def test_registration_poll_gives_up_after_timeout():
    arm = FakeArm(registered=False, extension_state="Succeeded")
    clock = FakeClock()
    results = _by_check(run_checks(arm.clients(), ARC, fix=True, registration_timeout=20, sleep=clock.sleep,
                                   clock=clock))
    assert results[CHECK_PROVIDER]["ok"] is False and "Registering" in results[CHECK_PROVIDER]["detail"]
    assert 20 <= clock.now <= 25


def test_http_errors_become_failed_checks():
    arm = FakeArm(fail_on="extensions")
    results = _by_check(run_checks(arm.clients(), ARC, fix=True))
    assert results[CHECK_EXTENSION]["ok"] is False
    assert results[CHECK_EXTENSION]["detail"] == "could not be checked: (AuthorizationFailed) no access"


def test_provisioned_cluster_commands_and_no_flux_v1_check():
    arm = FakeArm()
    results = _by_check(run_checks(arm.clients(), HYBRID, fix=False))
    assert "--cluster-resource-provider Microsoft.HybridContainerService" in results[CHECK_EXTENSION]["fix_command"]
    assert results[CHECK_FLUX_V1]["ok"] is True and "not applicable" in results[CHECK_FLUX_V1]["detail"]
    assert not any(call[0] == "list_scc" for call in arm.calls)
    assert any(call[0] == "get_by_id" and call[2] == "2022-05-01-preview" for call in arm.calls)
