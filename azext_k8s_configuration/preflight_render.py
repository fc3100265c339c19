"""Checklist text for `az k8s-configuration flux check` results, with ASCII marks for streams that cannot show
the Unicode ones."""

from __future__ import annotations

MARKS = {"passed": "✔", "failed": "✗", "skipped": "-", "inProgress": "…"}
ASCII_MARKS = {"passed": "[ok]", "failed": "[FAIL]", "skipped": "[-]", "inProgress": "[...]"}
SYMBOLS = "".join(MARKS.values())


def status_of(result: dict) -> str:
    """passed/failed/inProgress/skipped; results without a status (ok only) read True/False/None."""
    if result.get("status") in MARKS:
        return result["status"]
    return {True: "passed", False: "failed"}.get(result.get("ok"), "skipped")


def failed_checks(results: list[dict]) -> list[dict]:
    return [r for r in results if status_of(r) == "failed"]


def render_line(result: dict, ascii_only: bool = False) -> str:
    """One result {check, status, detail, fix_command} as a checklist line."""
    status = status_of(result)
    text = f"{(ASCII_MARKS if ascii_only else MARKS)[status]} {result.get('check', '')}"
    if result.get("detail"):
        text += f": {result['detail']}"
    if status == "failed" and result.get("fix_command"):
        text += f" (fix: {result['fix_command']})"
    return text


def render(results: list[dict], ascii_only: bool = False) -> str:
    """All results, one line each, followed by a one-line summary."""
    lines = [render_line(r, ascii_only) for r in results]
    failed = len(failed_checks(results))
    busy = sum(1 for r in results if status_of(r) == "inProgress")
    if failed:
        lines.append(f"{failed} of {len(results)} checks failed.")
    else:
        lines.append("All checks passed." + (f" {busy} still in progress." if busy else ""))
    return "\n".join(lines)
