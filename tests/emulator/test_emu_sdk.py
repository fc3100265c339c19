"""The official SDK clients against the emulator: LRO polling, final GET, paging, extension lifecycle."""

from __future__ import annotations

import time

import pytest
from azure.core.credentials import AccessToken
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.mgmt.kubernetesconfiguration.extensions import (
    KubernetesConfigurationExtensionsMgmtClient,
)
from azure.mgmt.kubernetesconfiguration.fluxconfigurations import (
    KubernetesConfigurationFluxConfigurationsMgmtClient,
)
from emu_helpers import KC, SUB


class EmulatorCredential:
    """Fetches a token from the emulator's managed-identity endpoint, like az does."""

    def __init__(self, emulator):
        self._emulator = emulator

    def get_token(self, *scopes, **kwargs) -> AccessToken:
        self._emulator._token = None
        token = self._emulator.token()
        return AccessToken(token, int(time.time()) + 3000)


def _parts(cluster_id: str) -> tuple[str, str, str, str]:
    segments = cluster_id.strip("/").split("/")
    return segments[3], segments[5], segments[6], segments[7]  # rg, rp, type, name


@pytest.fixture
def clients(emulator):
    options = {"base_url": emulator.url, "connection_verify": str(emulator.data_dir / "ca.pem"), "polling_interval": 0.1}
    credential = EmulatorCredential(emulator)
    return (KubernetesConfigurationFluxConfigurationsMgmtClient(credential, SUB, **options),
            KubernetesConfigurationExtensionsMgmtClient(credential, SUB, **options))


def test_flux_lifecycle_with_sdk(emulator, clients):
    flux, _ = clients
    cluster = emulator.new_cluster("Microsoft.ContainerService/managedClusters")
    rg, rp, ctype, name = _parts(cluster)
    body = {"properties": {"sourceKind": "GitRepository",
                           "gitRepository": {"url": "https://example.invalid/r.git", "repositoryRef": {"branch": "main"}},
                           "kustomizations": {"apps": {"path": "./apps", "prune": True}},
                           "configurationProtectedSettings": {"sshPrivateKey": "c2VjcmV0"}}}
    created = flux.flux_configurations.begin_create_or_update(rg, rp, ctype, name, "sdk", body).result()
    assert created.properties.provisioning_state == "Succeeded"
    assert created.properties.kustomizations["apps"].prune is True
    assert created.properties.configuration_protected_settings is None

    patch = {"properties": {"suspend": True, "kustomizations": {"extra": {"path": "./extra"}}}}
    updated = flux.flux_configurations.begin_update(rg, rp, ctype, name, "sdk", patch).result()
    assert updated.properties.suspend is True
    assert set(updated.properties.kustomizations) == {"apps", "extra"}

    names = [c.name for c in flux.flux_configurations.list(rg, rp, ctype, name)]
    assert names == ["sdk"]
    flux.flux_configurations.begin_delete(rg, rp, ctype, name, "sdk").result()
    with pytest.raises(ResourceNotFoundError):
        flux.flux_configurations.get(rg, rp, ctype, name, "sdk")


def test_sdk_follows_next_links(emulator, clients):
    flux, _ = clients
    cluster = emulator.new_cluster()
    rg, rp, ctype, name = _parts(cluster)
    for index in range(5):
        emulator.call("PUT", f"{cluster}/{KC}/fluxConfigurations/p{index}",
                      {"properties": {"gitRepository": {"url": "https://example.invalid/r.git"}}})
    emulator.admin("PUT", "knobs", {"page_size": 2})
    try:
        names = [c.name for c in flux.flux_configurations.list(rg, rp, ctype, name)]
    finally:
        emulator.admin("PUT", "knobs", {"page_size": 100})
    assert names == [f"p{i}" for i in range(5)]


def test_extension_install_and_injected_failure(emulator, clients):
    _, extensions = clients
    cluster = emulator.new_cluster("Microsoft.HybridContainerService/provisionedClusters", flux=False)
    rg, rp, ctype, name = _parts(cluster)
    body = {"properties": {"extensionType": "microsoft.flux", "configurationSettings": {"a": "b"},
                           "configurationProtectedSettings": {"secret": "TOPSECRET"}}}
    installed = extensions.extensions.begin_create(rg, rp, ctype, name, "flux", body).result()
    props = installed.properties
    assert props.provisioning_state == "Succeeded"
    assert props.current_version and props.is_system_extension is False
    assert props.configuration_settings == {"a": "b"}
    assert props.configuration_protected_settings is None
    assert props.release_train == "Stable" and props.auto_upgrade_minor_version is True
    assert isinstance(props.statuses, list)

    assert emulator.admin("PUT", "knobs", {"fail_next_extension_install": True}).status_code == 200
    with pytest.raises(HttpResponseError):
        extensions.extensions.begin_create(rg, rp, ctype, name, "monitor",
                                           {"properties": {"extensionType": "azuremonitor-containers"}}).result()
    failed = extensions.extensions.get(rg, rp, ctype, name, "monitor")
    assert failed.properties.provisioning_state == "Failed"
    assert failed.properties.error_info.code

    extensions.extensions.begin_delete(rg, rp, ctype, name, "monitor", force_delete=True).result()
    extensions.extensions.begin_delete(rg, rp, ctype, name, "flux").result()
    assert list(extensions.extensions.list(rg, rp, ctype, name)) == []


def test_second_flux_extension_is_rejected(emulator):
    cluster = emulator.new_cluster(flux=False)
    first = emulator.call("PUT", f"{cluster}/{KC}/extensions/flux", {"properties": {"extensionType": "microsoft.flux"}},
                          api="2022-07-01")
    assert first.status_code == 201
    second = emulator.call("PUT", f"{cluster}/{KC}/extensions/flux2",
                           {"properties": {"extensionType": "Microsoft.Flux"}}, api="2025-03-01")
    assert second.status_code == 409


def test_legacy_source_control_configurations(emulator):
    cluster = emulator.new_cluster()
    url = f"{cluster}/{KC}/sourceControlConfigurations/legacy"
    body = {"properties": {"repositoryUrl": "git@example.invalid:r.git",
                           "configurationProtectedSettings": {"sshPrivateKey": "TOPSECRET"}}}
    created = emulator.call("PUT", url, body, api="2022-03-01")
    assert created.status_code == 201 and "TOPSECRET" not in created.text
    listed = emulator.call("GET", f"{cluster}/{KC}/sourceControlConfigurations", api="2022-03-01").json()
    assert [c["name"] for c in listed["value"]] == ["legacy"]
    assert emulator.call("DELETE", url, api="2022-03-01").status_code == 200
    assert emulator.call("GET", url, api="2022-03-01").status_code == 404
