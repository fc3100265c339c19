"""Build ARM ObjectStatusDefinition entries and the configuration's overall compliance."""

from __future__ import annotations

from dataclasses import dataclass

COMPLIANT, NON_COMPLIANT, PENDING, SUSPENDED = "Compliant", "Non-Compliant", "Pending", "Suspended"
# Bounds on what one configuration stores and every GET returns
MAX_MESSAGE = 2000
MAX_ERROR_MESSAGE = 8000
_READY_STATUS = {COMPLIANT: "True", NON_COMPLIANT: "False", PENDING: "Unknown"}


@dataclass
class Result:
    kind: str
    name: str
    namespace: str
    compliance: str
    reason: str
    message: str
    applied_by: dict | None = None
    helm: dict | None = None
    ready_status: str | None = None  # overrides the status derived from compliance

    @property
    def key(self) -> str:
        return f"{self.kind}/{self.namespace}/{self.name}"


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, saying so."""
    if len(text) <= limit:
        return text
    return text[: limit - 40] + f" ... ({len(text) - limit + 40} more characters)"


def to_status(result: Result, previous_conditions: dict, now: str) -> dict:
    status = result.ready_status or _READY_STATUS.get(result.compliance, "Unknown")
    before = previous_conditions.get(result.key) or {}
    when = before.get("lastTransitionTime") if before.get("status") == status else None
    entry = {
        "name": result.name,
        "namespace": result.namespace,
        "kind": result.kind,
        "complianceState": result.compliance,
        "appliedBy": result.applied_by,
        "statusConditions": [
            {
                "lastTransitionTime": when or now,
                "message": clip(result.message, MAX_MESSAGE),
                "reason": result.reason,
                "status": status,
                "type": "Ready",
            }
        ],
    }
    if result.helm is not None:
        entry["helmReleaseProperties"] = result.helm
    return entry


def conditions_of(statuses: list[dict]) -> dict:
    """{kind/namespace/name: Ready condition}, kept in state to preserve lastTransitionTime."""
    out = {}
    for s in statuses:
        for c in s.get("statusConditions") or []:
            if c.get("type") == "Ready":
                out[f"{s['kind']}/{s['namespace']}/{s['name']}"] = c
    return out


def overall_compliance(results: list[Result]) -> str:
    states = {r.compliance for r in results}
    if NON_COMPLIANT in states:
        return NON_COMPLIANT
    if PENDING in states or not results:
        return PENDING
    return COMPLIANT


def error_summary(results: list[Result]) -> str:
    failed = [r for r in results if r.compliance == NON_COMPLIANT]
    return clip("; ".join(f"{r.kind} '{r.namespace}/{r.name}': {clip(r.message, MAX_MESSAGE)}" for r in failed),
                MAX_ERROR_MESSAGE)
