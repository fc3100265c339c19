"""Test doubles shared by the beyond-the-reference tests: a fake clock and FluxConfiguration builders."""
from __future__ import annotations


class FakeClock:
    """A monotonic clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds


def status(kind, name, state, message="", namespace="cluster-config", reason="", applied_by=None):
    entry = {"kind": kind, "name": name, "namespace": namespace, "complianceState": state,
             "statusConditions": [{"type": "Ready", "status": "True" if state == "Compliant" else "False",
                                   "message": message, "reason": reason}]}
    if applied_by:
        entry["appliedBy"] = {"name": applied_by, "namespace": namespace}
    return entry


def config(compliance, statuses, provisioning="Succeeded", name="cluster-config", suspend=False,
           kustomizations=("infra", "apps"), error_message=""):
    return {"name": name, "type": "Microsoft.KubernetesConfiguration/fluxConfigurations",
            "properties": {"namespace": "cluster-config", "suspend": suspend, "complianceState": compliance,
                           "provisioningState": provisioning, "errorMessage": error_message,
                           "kustomizations": {k: {"path": f"./{k}"} for k in kustomizations},
                           "statuses": statuses}}


def scripted(responses):
    """A fetch() returning the given responses in order, then repeating the last one."""
    calls = {"n": 0}

    def fetch():
        index = min(calls["n"], len(responses) - 1)
        calls["n"] += 1
        return responses[index]

    fetch.calls = calls
    return fetch
