"""Pure parts of the microsoft.flux extension handling: lookup, install body, state handling, waiting."""
from types import SimpleNamespace

import pytest
from azure.cli.core.azclierror import DeploymentError

from azext_k8s_configuration.providers import extension_install as ei

ARC = SimpleNamespace(resource_group="rg", cluster_rp="Microsoft.Kubernetes", cluster_type="connectedClusters",
                      cluster_name="arc1")
AKS = SimpleNamespace(resource_group="rg", cluster_rp="Microsoft.ContainerService", cluster_type="managedClusters",
                      cluster_name="aks1")


def _ext(name, ext_type="microsoft.flux", state="Succeeded", **props):
    return {"name": name, "properties": {"extensionType": ext_type, "provisioningState": state, **props}}


def test_find_flux_extension_by_type_under_any_name():
    exts = [_ext("monitor", "Microsoft.AzureMonitor.Containers"), _ext("gitops", "Microsoft.Flux")]
    assert ei.find_flux_extension(exts)["name"] == "gitops"
    assert ei.find_flux_extension([_ext("monitor", "other")]) is None
    assert ei.find_flux_extension([]) is None


def test_extension_body_identity_only_off_aks_and_env_compat():
    arc = ei.extension_body(ARC, environ={})
    assert arc == {"properties": {"extensionType": "microsoft.flux", "autoUpgradeMinorVersion": True},
                   "identity": {"type": "SystemAssigned"}}
    assert "identity" not in ei.extension_body(AKS, environ={})
    pinned = ei.extension_body(AKS, environ={ei.RELEASE_TRAIN_ENV: "preview", ei.VERSION_ENV: "1.2.3"})
    assert pinned["properties"]["releaseTrain"] == "preview"
    assert pinned["properties"]["version"] == "1.2.3"
    assert pinned["properties"]["autoUpgradeMinorVersion"] is False


def test_check_ready_states():
    assert ei.check_ready(ARC, _ext("flux")) is True
    assert ei.check_ready(ARC, _ext("flux", state="Creating")) is False
    assert ei.check_ready(ARC, _ext("flux", state="Updating")) is False
    with pytest.raises(DeploymentError) as deleting:
        ei.check_ready(ARC, _ext("flux", state="Deleting"))
    assert "being deleted" in deleting.value.error_msg


def test_failed_extension_reports_error_info_and_the_fix_command():
    failed = _ext("flux", state="Failed",
                  errorInfo={"code": "ExtensionOperationFailed", "message": "Helm install timed out"})
    with pytest.raises(DeploymentError) as err:
        ei.check_ready(ARC, failed)
    assert "ExtensionOperationFailed" in err.value.error_msg and "Helm install timed out" in err.value.error_msg
    assert "az k8s-extension delete -g rg -c arc1 -t connectedClusters -n flux --yes" in err.value.recommendations[0]


def test_wait_until_ready_polls_until_succeeded():
    states = iter(["Creating", "Creating", "Succeeded"])
    calls = []

    def get_extension(name):
        calls.append(name)
        return _ext(name, state=next(states))

    now = [0.0]
    result = ei.wait_until_ready(get_extension, ARC, _ext("flux", state="Creating"), timeout_seconds=60,
                                 poll_seconds=5, clock=lambda: now[0],
                                 sleep=lambda s: now.__setitem__(0, now[0] + s))
    assert result["properties"]["provisioningState"] == "Succeeded"
    assert calls == ["flux", "flux", "flux"]


def test_wait_until_ready_times_out_and_fails_on_failed():
    now = [0.0]
    clock, sleep = (lambda: now[0]), (lambda s: now.__setitem__(0, now[0] + s))
    with pytest.raises(DeploymentError) as timeout:
        ei.wait_until_ready(lambda n: _ext(n, state="Creating"), ARC, _ext("flux", state="Creating"),
                            timeout_seconds=10, poll_seconds=4, clock=clock, sleep=sleep)
    assert "did not become ready" in timeout.value.error_msg
    with pytest.raises(DeploymentError) as failed:
        ei.wait_until_ready(lambda n: _ext(n, state="Failed"), ARC, _ext("flux", state="Updating"),
                            timeout_seconds=10, poll_seconds=1, clock=clock, sleep=sleep)
    assert "'Failed'" in failed.value.error_msg


@pytest.mark.parametrize("state, code", [("Succeeded", ei.READY), ("Accepted", ei.IN_PROGRESS),
                                         ("Creating", ei.IN_PROGRESS), ("Updating", ei.IN_PROGRESS),
                                         ("Running", ei.IN_PROGRESS), ("Deleting", ei.DELETING),
                                         ("Failed", ei.FAILED), ("Canceled", ei.FAILED), (None, ei.FAILED)])
def test_extension_state_codes(state, code):
    assert ei.extension_state(_ext("flux", state=state)) == code
