"""The reconcile loop: a bounded pool (a slow configuration does not starve the others), failures become the
configuration's status, scratch trees of a crash are cleaned at start."""

from __future__ import annotations

import base64
import json
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from k8sconfig_emulator.config import EmulatorConfig
from k8sconfig_emulator.knobs import Knobs
from k8sconfig_emulator.reconcile_loop import ReconcileLoop
from k8sconfig_emulator.reconciler import ReconcilerSettings
from k8sconfig_emulator.services import Services
from k8sconfig_emulator.store import Store

CLUSTER = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/c"


def flux_id(name: str) -> str:
    return f"{CLUSTER}/providers/Microsoft.KubernetesConfiguration/fluxConfigurations/{name}"


class FakeReconciler:
    """Reconciles once per configuration; 'boom' raises, 'slow' waits until released."""

    def __init__(self):
        self.release = threading.Event()
        self.slow_started = threading.Event()

    def is_due(self, config, state, now):
        return not (state or {}).get("done")

    def reconcile(self, config, extension, state, now, settings, others=None):
        if config["name"] == "boom":
            raise KeyError("kustomizations")
        if config["name"] == "leak":
            raise ValueError("cannot use password s3cr3t-Value-42 here")
        if config["name"] == "slow":
            self.slow_started.set()
            assert self.release.wait(60), "never released"
            seen = f"reconciled with suspend={config['properties'].get('suspend')}"
            return {"complianceState": "Compliant", "errorMessage": seen, "statuses": []}, {**(state or {}), "done": True}
        return {"complianceState": "Compliant", "errorMessage": "", "statuses": []}, {**(state or {}), "done": True}


@pytest.fixture
def loop_env(tmp_path: Path):
    store = Store(tmp_path / "emulator.db")
    fake = FakeReconciler()
    svc = Services(store=store, config=EmulatorConfig(data_dir=tmp_path), knobs=Knobs(), signing_key=b"k" * 32,
                   identity_secret="i", admin_secret="a", reconciler=fake)  # type: ignore[arg-type]
    settings = ReconcilerSettings(cache_dir=tmp_path / "cache")
    loop = ReconcileLoop(svc, settings, 0.05)
    yield SimpleNamespace(store=store, fake=fake, loop=loop, settings=settings)
    fake.release.set()
    loop.stop()


def add(store: Store, name: str, **props) -> None:
    body = {"id": flux_id(name), "name": name, "type": "Microsoft.KubernetesConfiguration/fluxConfigurations",
            "properties": {"provisioningState": "Succeeded", "complianceState": "Pending", "namespace": "ns", **props}}
    store.put(flux_id(name), CLUSTER, "flux", body)


def compliance(store: Store, name: str) -> str:
    return store.get(flux_id(name))["properties"]["complianceState"]


def wait_for(predicate, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not met"
        time.sleep(0.02)


def test_an_exception_becomes_the_configurations_non_compliant_status(loop_env) -> None:
    add(loop_env.store, "boom")
    add(loop_env.store, "fine")
    loop_env.loop.tick(wait=True)
    props = loop_env.store.get(flux_id("boom"))["properties"]
    assert props["complianceState"] == "Non-Compliant"
    assert "could not reconcile" in props["errorMessage"] and "KeyError" in props["errorMessage"]
    assert props["statuses"][0]["statusConditions"][0]["reason"] == "ReconciliationFailed"
    state, _ = loop_env.store.get_state(flux_id("boom"))
    assert state["nextDueAt"] and state["specHash"]  # tried again later, not every tick
    assert compliance(loop_env.store, "fine") == "Compliant"


def test_the_failure_message_never_shows_a_protected_setting(loop_env) -> None:
    key = base64.b64encode(b"s3cr3t-Value-42").decode()
    add(loop_env.store, "leak", configurationProtectedSettings={"httpsKey": key})
    loop_env.loop.tick(wait=True)
    props = loop_env.store.get(flux_id("leak"))["properties"]
    assert props["complianceState"] == "Non-Compliant" and "ValueError" in props["errorMessage"]
    assert "s3cr3t-Value-42" not in json.dumps(props)


def test_a_slow_configuration_does_not_starve_the_others(loop_env) -> None:
    add(loop_env.store, "slow")
    loop_env.loop.tick()
    assert loop_env.fake.slow_started.wait(60)
    for i in range(6):
        add(loop_env.store, f"quick-{i}")
    wait_for(lambda: (loop_env.loop.tick() or True)
             and all(compliance(loop_env.store, f"quick-{i}") == "Compliant" for i in range(6)))
    assert compliance(loop_env.store, "slow") == "Pending"  # still running, and not started twice
    loop_env.fake.release.set()
    wait_for(lambda: compliance(loop_env.store, "slow") == "Compliant")


def test_scratch_trees_left_by_a_crash_are_removed_at_start(loop_env) -> None:
    leftover = loop_env.settings.cache_dir / "tmp" / "tmpabc123" / "src"
    leftover.mkdir(parents=True)
    (leftover / "big.yaml").write_text("x: 1\n")
    mirror = loop_env.settings.cache_dir / "mirrors"
    mirror.mkdir()
    loop_env.loop.start()
    assert not (loop_env.settings.cache_dir / "tmp").exists()
    assert mirror.exists()  # git mirrors are a cache worth keeping


def test_objects_of_the_clusters_other_configurations_reach_the_reconciler(loop_env) -> None:
    seen: dict[str, list] = {}
    real = loop_env.fake.reconcile

    def recording(config, extension, state, now, settings, others=None):
        seen[config["name"]] = [o["name"] for o in others or []]
        return real(config, extension, state, now, settings)

    loop_env.fake.reconcile = recording
    for name in ("infra", "apps"):
        add(loop_env.store, name)
    entry = {"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "HelmRepository", "namespace": "ns", "name": "charts"}
    loop_env.store.put_state(flux_id("infra"), {"configuration": {"name": "infra"}, "inventory": [entry]}, 0)
    loop_env.store.put_state(flux_id("apps"), None, 0)
    loop_env.loop.tick(wait=True)
    assert seen["apps"] == ["charts"] and seen["infra"] == []


def test_a_status_computed_for_an_older_spec_is_not_written(loop_env) -> None:
    """A PATCH that lands while a worker reconciles must not get the old spec's status; the next tick
    reconciles the new spec instead."""
    store, fake, loop = loop_env.store, loop_env.fake, loop_env.loop
    add(store, "slow", suspend=False)
    loop.start()
    assert fake.slow_started.wait(30)
    changed = store.get(flux_id("slow"))
    changed["properties"]["suspend"] = True
    store.update_body(flux_id("slow"), changed)
    fake.release.set()
    wait_for(lambda: compliance(store, "slow") == "Compliant")
    props = store.get(flux_id("slow"))["properties"]
    assert props["suspend"] is True
    assert props["errorMessage"] == "reconciled with suspend=True"
