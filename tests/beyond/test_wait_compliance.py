"""compliance_wait: scripted fetch sequences and a fake clock, so no test waits for real time."""
from __future__ import annotations

import io

import pytest
from azure.cli.core.azclierror import AzCLIError, DeploymentError, ResourceNotFoundError
from beyond_fakes import FakeClock, config, scripted, status

from azext_k8s_configuration.compliance_wait import (
    ComplianceTimeoutError,
    ConfigurationSuspendedError,
    wait_for_compliance,
    wait_for_deletion,
)

SOURCE = "GitRepository"


def _wait(fetch, clock=None, **kwargs):
    clock = clock or FakeClock()
    stream = io.StringIO()
    kwargs.setdefault("timeout_seconds", 60)
    return wait_for_compliance(fetch, stream=stream, clock=clock, sleep=clock.sleep, **kwargs), stream


def test_returns_config_when_compliant_and_prints_each_change_once():
    pending = config("Pending", [status(SOURCE, "cluster-config", "Compliant"),
                                 status("Kustomization", "cluster-config-infra", "Pending")])
    done = config("Compliant", [status(SOURCE, "cluster-config", "Compliant"),
                                status("Kustomization", "cluster-config-infra", "Compliant")])
    fetch = scripted([pending, pending, done])
    result, stream = _wait(fetch)
    assert result is done
    assert fetch.calls["n"] == 3
    assert stream.getvalue().splitlines() == [
        "GitRepository/cluster-config: Compliant",
        "Kustomization/cluster-config-infra: Pending",
        "Kustomization/cluster-config-infra: Compliant",
    ]


def test_not_done_while_provisioning_is_still_running():
    updating = config("Compliant", [status(SOURCE, "cluster-config", "Compliant")], provisioning="Updating")
    done = config("Compliant", [status(SOURCE, "cluster-config", "Compliant")])
    fetch = scripted([updating, done])
    result, _ = _wait(fetch)
    assert result is done and fetch.calls["n"] == 2


def test_non_compliant_object_fails_at_once_with_its_details():
    failing = config("Non-Compliant", [
        status(SOURCE, "cluster-config", "Compliant"),
        status("Kustomization", "cluster-config-apps", "Non-Compliant", namespace="cluster-config",
               message="kustomize build failed: missing ./apps/kustomization.yaml")])
    clock = FakeClock()
    fetch = scripted([failing])
    with pytest.raises(DeploymentError) as info:
        _wait(fetch, clock=clock)
    text = str(info.value)
    for expected in ("Kustomization", "cluster-config-apps", "cluster-config", "missing ./apps/kustomization.yaml"):
        assert expected in text
    assert "deployed-object show" in " ".join(info.value.recommendations)
    assert "--object-name cluster-config-apps" in " ".join(info.value.recommendations)
    assert fetch.calls["n"] == 1 and clock.sleeps == []


def test_dependency_not_ready_is_progress_not_failure():
    waiting = config("Pending", [status("Kustomization", "cluster-config-apps", "Non-Compliant",
                                       reason="DependencyNotReady", message="dependency not ready")])
    done = config("Compliant", [status("Kustomization", "cluster-config-apps", "Compliant")])
    result, _ = _wait(scripted([waiting, done]))
    assert result is done


def test_stale_non_compliant_status_during_update_is_not_fatal():
    stale = config("Non-Compliant", [status("Kustomization", "cluster-config-apps", "Non-Compliant",
                                            message="old revision failed")], provisioning="Updating")
    done = config("Compliant", [status("Kustomization", "cluster-config-apps", "Compliant")])
    result, _ = _wait(scripted([stale, done]))
    assert result is done


def test_timeout_lists_last_known_states():
    pending = config("Pending", [status(SOURCE, "cluster-config", "Compliant"),
                                 status("HelmRelease", "podinfo", "Pending", message="install in progress",
                                        applied_by="cluster-config-apps")])
    clock = FakeClock()
    fetch = scripted([pending])
    with pytest.raises(ComplianceTimeoutError) as info:
        _wait(fetch, clock=clock, timeout_seconds=10, poll_seconds=3)
    assert isinstance(info.value, AzCLIError)
    text = str(info.value)
    assert "did not become Compliant within 10 seconds" in text
    assert "HelmRelease/podinfo (namespace cluster-config): Pending - install in progress" in text
    assert "GitRepository/cluster-config (namespace cluster-config): Compliant" in text
    assert "--compliance-timeout" in " ".join(info.value.recommendations)
    assert clock.sleeps == [3, 3, 3, 1]  # never sleeps past the deadline


def test_suspended_configuration_fails_with_resume_hint():
    suspended = config("Suspended", [], suspend=True)
    with pytest.raises(ConfigurationSuspendedError) as info:
        _wait(scripted([suspended]))
    assert "suspended" in str(info.value)
    assert "--suspend false" in " ".join(info.value.recommendations)


def test_failed_provisioning_reports_error_message():
    failed = config("Unknown", [], provisioning="Failed", error_message="extension not ready")
    with pytest.raises(DeploymentError, match="extension not ready"):
        _wait(scripted([failed]))


def test_kustomization_wait_only_considers_its_object_and_children():
    statuses = [status(SOURCE, "cluster-config", "Compliant"),
                status("Kustomization", "cluster-config-infra", "Compliant"),
                status("HelmRelease", "nginx", "Compliant", applied_by="cluster-config-infra"),
                status("HelmChart", "nginx-chart", "Compliant", applied_by="nginx"),
                status("Kustomization", "cluster-config-apps", "Pending")]
    waiting_child = [dict(s) for s in statuses]
    waiting_child[3] = status("HelmChart", "nginx-chart", "Pending", applied_by="nginx")
    fetch = scripted([config("Pending", waiting_child), config("Pending", statuses)])
    result, stream = _wait(fetch, kustomization="infra")
    assert result["properties"]["complianceState"] == "Pending"  # apps is irrelevant to this wait
    assert fetch.calls["n"] == 2
    lines = stream.getvalue().splitlines()
    assert "HelmChart/nginx-chart: Pending" in lines and "HelmChart/nginx-chart: Compliant" in lines
    assert not any("cluster-config-apps" in line for line in lines)


def test_kustomization_wait_fails_on_broken_source():
    statuses = [status(SOURCE, "cluster-config", "Non-Compliant", message="authentication required"),
                status("Kustomization", "cluster-config-infra", "Pending")]
    with pytest.raises(DeploymentError, match="authentication required"):
        _wait(scripted([config("Non-Compliant", statuses)]), kustomization="infra")


def test_kustomization_wait_for_unknown_name():
    with pytest.raises(ResourceNotFoundError, match="'nope'"):
        _wait(scripted([config("Compliant", [])]), kustomization="nope")


def test_configuration_vanishing_while_waiting():
    with pytest.raises(ResourceNotFoundError):
        _wait(scripted([None]))


def test_progress_defaults_to_stderr(capsys):
    clock = FakeClock()
    done = config("Compliant", [status(SOURCE, "cluster-config", "Compliant")])
    wait_for_compliance(scripted([done]), timeout_seconds=5, clock=clock, sleep=clock.sleep)
    captured = capsys.readouterr()
    assert captured.out == "" and "GitRepository/cluster-config: Compliant" in captured.err


def test_wait_for_deletion_until_gone():
    deleting = config("Compliant", [], provisioning="Deleting")
    clock = FakeClock()
    fetch = scripted([deleting, deleting, None])
    stream = io.StringIO()
    assert wait_for_deletion(fetch, timeout_seconds=30, poll_seconds=1, stream=stream, clock=clock,
                             sleep=clock.sleep) is None
    assert fetch.calls["n"] == 3
    assert stream.getvalue().splitlines() == ["fluxConfigurations/cluster-config: Deleting"]


def test_wait_for_deletion_times_out():
    clock = FakeClock()
    with pytest.raises(ComplianceTimeoutError, match="still exists after 4 seconds"):
        wait_for_deletion(scripted([config("Compliant", [], provisioning="Deleting")]), timeout_seconds=4,
                          poll_seconds=2, stream=io.StringIO(), clock=clock, sleep=clock.sleep)
    assert clock.now == 4


def test_wait_for_deletion_failed():
    failed = config("Compliant", [], provisioning="Failed", error_message="finalizer stuck")
    with pytest.raises(DeploymentError, match="finalizer stuck"):
        wait_for_deletion(scripted([failed]), timeout_seconds=4, stream=io.StringIO(), clock=FakeClock(),
                          sleep=FakeClock().sleep)


def _stamped(cfg, reported, changed):
    cfg["properties"]["statusUpdatedAt"] = reported
    cfg["systemData"] = {"lastModifiedAt": changed}
    return cfg


def test_statuses_older_than_the_last_change_are_ignored():
    changed = "2026-01-01T10:00:05.000000Z"
    old_failure = _stamped(config("Non-Compliant", [status("Kustomization", "cluster-config-apps", "Non-Compliant",
                                                           message="old revision failed")]),
                           "2026-01-01T10:00:00Z", changed)
    old_success = _stamped(config("Compliant", [status("Kustomization", "cluster-config-apps", "Compliant")]),
                           "2026-01-01T10:00:01Z", changed)
    fresh = _stamped(config("Compliant", [status("Kustomization", "cluster-config-apps", "Compliant")]),
                     "2026-01-01T10:00:09.5Z", changed)
    fetch = scripted([old_failure, old_success, fresh])
    result, stream = _wait(fetch)
    assert result is fresh and fetch.calls["n"] == 3
    assert stream.getvalue().splitlines() == [
        "Waiting for the cluster to report the status of the latest change...",
        "Kustomization/cluster-config-apps: Compliant",
    ]


def test_failed_provisioning_is_reported_even_with_stale_statuses():
    failed = _stamped(config("Pending", [], provisioning="Failed", error_message="quota exceeded"),
                      "2026-01-01T10:00:00Z", "2026-01-01T10:00:05Z")
    with pytest.raises(DeploymentError, match="quota exceeded"):
        _wait(scripted([failed]))


def test_status_reported_in_the_same_second_as_the_change_is_not_stale():
    from azext_k8s_configuration.compliance_wait import statuses_are_stale

    def config(reported, changed):
        return {"properties": {"statusUpdatedAt": reported}, "systemData": {"lastModifiedAt": changed}}

    assert not statuses_are_stale(config("2026-05-01T12:00:03Z", "2026-05-01T12:00:03.731Z"))
    assert not statuses_are_stale(config("2026-05-01T12:00:03.900000Z", "2026-05-01T12:00:03.731Z"))
    assert statuses_are_stale(config("2026-05-01T12:00:02Z", "2026-05-01T12:00:03.731Z"))
    assert not statuses_are_stale(config(None, "2026-05-01T12:00:03.731Z"))


def test_arm_timestamps_parse_the_same_on_every_supported_python():
    # ARM writes 7 fractional digits and 'Z', which datetime.fromisoformat reads only from Python 3.11 on
    from azext_k8s_configuration.compliance_wait import statuses_are_stale

    def config(reported, changed):
        return {"properties": {"statusUpdatedAt": reported}, "systemData": {"lastModifiedAt": changed}}

    assert statuses_are_stale(config("2026-05-01T12:00:02Z", "2026-05-01T12:00:03.7310000Z"))
    assert not statuses_are_stale(config("2026-05-01T12:00:04.1234567Z", "2026-05-01T12:00:03.7310000+00:00"))
    assert not statuses_are_stale(config("not a time", "2026-05-01T12:00:03.7310000Z"))
