"""Wait for a Flux configuration to become compliant (or to disappear), with live progress.

Everything here is pure apart from the injected ``fetch``, ``clock``, ``sleep`` and ``stream``: the caller
(the provider layer) passes a function that GETs the configuration, so tests can drive the loop with a
scripted sequence of responses and a fake clock.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

from azure.cli.core.azclierror import DeploymentError, ResourceNotFoundError

COMPLIANT = "Compliant"
NON_COMPLIANT = "Non-Compliant"
_TERMINAL_PROVISIONING = {"Succeeded", "Failed", "Canceled"}
# Flux reports a kustomization that waits for another one as Ready=False; that is progress, not failure.
_WAITING_REASONS = {"DependencyNotReady"}
_OBJECT_SHOW = ("az k8s-configuration flux deployed-object show -g <resource-group> -c <cluster> "
                "-t <cluster-type> -n {config} --object-kind {kind} --object-namespace {namespace} "
                "--object-name {name}")


class ComplianceTimeoutError(DeploymentError):
    """The configuration did not reach the wanted state within --compliance-timeout (or flux wait --timeout)."""


class ConfigurationSuspendedError(DeploymentError):
    """Waiting is pointless: reconciliation of the configuration is suspended."""


@dataclass(frozen=True)
class ObjectState:
    kind: str
    namespace: str
    name: str
    compliance: str
    message: str
    reason: str

    @property
    def label(self) -> str:
        return f"{self.kind}/{self.name}"

    @property
    def is_failed(self) -> bool:
        return self.compliance == NON_COMPLIANT and self.reason not in _WAITING_REASONS

    def describe(self) -> str:
        text = f"{self.label} (namespace {self.namespace or '-'}): {self.compliance}"
        return f"{text} - {self.message}" if self.message else text


def _ready_condition(status: dict) -> dict:
    for condition in status.get("statusConditions") or []:
        if (condition or {}).get("type") == "Ready":
            return condition
    return {}


def object_states(config: dict) -> list[ObjectState]:
    """All deployed objects of a configuration, from ``properties.statuses``."""
    result = []
    for status in (config.get("properties") or {}).get("statuses") or []:
        ready = _ready_condition(status)
        result.append(ObjectState(kind=status.get("kind") or "", namespace=status.get("namespace") or "",
                                  name=status.get("name") or "",
                                  compliance=status.get("complianceState") or "Unknown",
                                  message=(ready.get("message") or "").strip(), reason=ready.get("reason") or ""))
    return result


def _timestamp(value) -> datetime | None:
    """An ARM timestamp ('2026-12-01T22:00:00.1234567Z'); isodate, because datetime.fromisoformat reads neither
    'Z' nor 7 fractional digits before Python 3.11, and azure-cli still runs on 3.10."""
    import isodate  # a dependency of the azure-mgmt SDKs this extension requires
    try:
        parsed = isodate.parse_datetime(str(value))
    except (ValueError, TypeError, AttributeError):  # isodate.ISO8601Error is a ValueError
        return None
    # timezone.utc, not datetime.UTC (3.11+)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)  # noqa: UP017


def statuses_are_stale(config: dict) -> bool:
    """True when the cluster last reported status before the configuration's last change."""
    reported = (config.get("properties") or {}).get("statusUpdatedAt")
    changed = (config.get("systemData") or {}).get("lastModifiedAt")
    if not reported or not changed:
        return False
    reported_at, changed_at = _timestamp(reported), _timestamp(changed)
    if reported_at is None or changed_at is None:
        return False
    # The cluster reports whole seconds ("2021-05-19T18:17:12Z"), ARM's lastModifiedAt has fractions: a status
    # written in the same second as the change is not older than it.
    return reported_at < changed_at.replace(microsecond=0)


def _scoped_statuses(config: dict, kustomization: str) -> list[dict]:
    """The Kustomization object ``<config>-<kustomization>`` and everything it applied, transitively."""
    statuses = (config.get("properties") or {}).get("statuses") or []
    root = f"{config.get('name', '')}-{kustomization}"
    selected = [s for s in statuses if s.get("kind") == "Kustomization" and s.get("name") == root]
    owners = {(s.get("namespace"), s.get("name")) for s in selected}
    grew = True
    while grew:
        grew = False
        for status in statuses:
            applied_by = status.get("appliedBy") or {}
            owner = (applied_by.get("namespace"), applied_by.get("name"))
            if owner in owners and status not in selected:
                selected.append(status)
                owners.add((status.get("namespace"), status.get("name")))
                grew = True
    return selected


def _source_states(config: dict) -> list[ObjectState]:
    name = config.get("name")
    return [s for s in object_states(config) if s.kind != "Kustomization" and s.name == name]


def _relevant_states(config: dict, kustomization: str | None) -> list[ObjectState]:
    if kustomization is None:
        return object_states(config)
    scoped = _scoped_statuses(config, kustomization)
    return object_states({"properties": {"statuses": scoped}})


class _Progress:
    """Prints one line per object, only when its state changes."""

    def __init__(self, stream):
        self._stream = stream if stream is not None else sys.stderr
        self._seen: dict[tuple[str, str, str], str] = {}
        self._said: set[str] = set()

    def line(self, text: str) -> None:
        self._stream.write(text + "\n")
        self._stream.flush()

    def once(self, text: str) -> None:
        if text not in self._said:
            self._said.add(text)
            self.line(text)

    def update(self, states: Iterable[ObjectState]) -> None:
        for state in states:
            key = (state.kind, state.namespace, state.name)
            if self._seen.get(key) != state.compliance:
                self._seen[key] = state.compliance
                self.line(f"{state.label}: {state.compliance}")


def _non_compliant_error(config: dict, failed: ObjectState) -> DeploymentError:
    message = (f"{failed.kind} '{failed.name}' in namespace '{failed.namespace}' of flux configuration "
               f"'{config.get('name')}' is {NON_COMPLIANT}: {failed.message or 'no Ready message reported'}")
    hint = ("Fix the source or manifests, then check the object with: "
            + _OBJECT_SHOW.format(config=config.get("name"), kind=failed.kind, namespace=failed.namespace,
                                  name=failed.name))
    return DeploymentError(message, hint)


def _check_configuration(config: dict) -> None:
    """Failures visible on the configuration itself, whatever the age of its statuses."""
    props = config.get("properties") or {}
    name = config.get("name")
    if props.get("provisioningState") in {"Failed", "Canceled"}:
        raise DeploymentError(
            f"Provisioning of flux configuration '{name}' ended in state '{props.get('provisioningState')}': "
            f"{props.get('errorMessage') or 'no error message reported'}",
            "Run 'az k8s-configuration flux show' for details, correct the configuration and update it again.")
    # `suspend` is what the user asked for; a "Suspended" complianceState with suspend false was reported
    # before a resume (possibly in the same second, so no timestamp can tell), not a reason to stop waiting.
    if props.get("suspend"):
        raise ConfigurationSuspendedError(
            f"Flux configuration '{name}' is suspended, so it will not become {COMPLIANT}.",
            "Resume it with 'az k8s-configuration flux update ... --suspend false', then wait again.")


def _check_objects(config: dict, states: list[ObjectState], kustomization: str | None) -> None:
    props = config.get("properties") or {}
    name = config.get("name")
    if props.get("provisioningState") not in _TERMINAL_PROVISIONING:
        return  # statuses may still describe the previous revision
    candidates = states + (_source_states(config) if kustomization else [])
    failed = next((s for s in candidates if s.is_failed), None)
    if failed is not None:
        raise _non_compliant_error(config, failed)
    if kustomization is None and props.get("complianceState") == NON_COMPLIANT and not states:
        raise DeploymentError(
            f"Flux configuration '{name}' is {NON_COMPLIANT}: {props.get('errorMessage') or 'no details reported'}",
            "Run 'az k8s-configuration flux show' to see the error message and statuses.")


def _is_done(config: dict, states: list[ObjectState], kustomization: str | None) -> bool:
    props = config.get("properties") or {}
    if props.get("provisioningState") != "Succeeded":
        return False
    if kustomization is None:
        return props.get("complianceState") == COMPLIANT
    return bool(states) and all(s.compliance == COMPLIANT for s in states)


def _require_kustomization(config: dict, kustomization: str) -> None:
    names = (config.get("properties") or {}).get("kustomizations") or {}
    if kustomization not in names:
        raise ResourceNotFoundError(
            f"Kustomization '{kustomization}' does not exist on flux configuration '{config.get('name')}'.",
            "List the kustomizations with 'az k8s-configuration flux kustomization list'.")


_LONGER = "a larger --compliance-timeout with --wait-for-compliance, or --timeout with 'az k8s-configuration flux wait'"


def _timeout_error(config: dict | None, states: list[ObjectState], timeout_seconds: float) -> ComplianceTimeoutError:
    props = (config or {}).get("properties") or {}
    lines = [(f"Flux configuration '{(config or {}).get('name')}' did not become {COMPLIANT} within "
              f"{timeout_seconds:g} seconds (provisioningState {props.get('provisioningState') or 'unknown'}, "
              f"complianceState {props.get('complianceState') or 'unknown'}). Last known object states:")]
    lines += [f"  {s.describe()}" for s in states] or ["  (no objects reported yet)"]
    return ComplianceTimeoutError(
        "\n".join(lines),
        f"Wait longer ({_LONGER}), or inspect the objects with "
        "'az k8s-configuration flux deployed-object list'.")


def wait_for_compliance(fetch: Callable[[], dict], *, timeout_seconds: float, poll_seconds: float = 2.0,
                        kustomization: str | None = None, stream=None, clock=time.monotonic,
                        sleep=time.sleep) -> dict:
    """Poll ``fetch()`` until the configuration (or one kustomization) is Compliant; return the last GET.

    Raises DeploymentError at once when an object is Non-Compliant, ConfigurationSuspendedError when the
    configuration is suspended and ComplianceTimeoutError (with the last known states) on timeout.
    """
    progress = _Progress(stream)
    deadline = clock() + timeout_seconds
    while True:
        config = fetch()
        if config is None:
            raise ResourceNotFoundError("The flux configuration disappeared while waiting for compliance.",
                                        "Check whether it was deleted with 'az k8s-configuration flux list'.")
        if kustomization is not None:
            _require_kustomization(config, kustomization)
        states = _relevant_states(config, kustomization)
        _check_configuration(config)
        if statuses_are_stale(config):
            progress.once("Waiting for the cluster to report the status of the latest change...")
        else:
            progress.update(states)
            _check_objects(config, states, kustomization)
            if _is_done(config, states, kustomization):
                return config
        remaining = deadline - clock()
        if remaining <= 0:
            raise _timeout_error(config, states, timeout_seconds)
        sleep(min(poll_seconds, remaining))


def wait_for_deletion(fetch_or_none: Callable[[], dict | None], *, timeout_seconds: float,
                      poll_seconds: float = 2.0, stream=None, clock=time.monotonic, sleep=time.sleep) -> None:
    """Poll until ``fetch_or_none()`` returns None (the resource is gone)."""
    progress = _Progress(stream)
    deadline = clock() + timeout_seconds
    last_state = None
    while True:
        config = fetch_or_none()
        if config is None:
            return
        props = config.get("properties") or {}
        state = props.get("provisioningState") or "Unknown"
        if state != last_state:
            progress.line(f"{config.get('type', 'resource').split('/')[-1]}/{config.get('name')}: {state}")
            last_state = state
        if state in {"Failed", "Canceled"}:
            raise DeploymentError(
                f"Deletion of '{config.get('name')}' ended in state '{state}': "
                f"{props.get('errorMessage') or 'no error message reported'}",
                "Retry the delete, or add --force to remove the Azure resource without waiting for the cluster.")
        remaining = deadline - clock()
        if remaining <= 0:
            raise ComplianceTimeoutError(
                f"'{config.get('name')}' still exists after {timeout_seconds:g} seconds "
                f"(provisioningState {state}).",
                f"Wait longer ({_LONGER}), or check it with 'az k8s-configuration flux show'.")
        sleep(min(poll_seconds, remaining))
