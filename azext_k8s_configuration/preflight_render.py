"""Checklist text for `az k8s-configuration flux preflight` results."""

from __future__ import annotations

PASS, FAIL, SKIP = "✔", "✗", "-"


def render_line(result: dict) -> str:
    """One result {check, ok, detail, fix_command} as a checklist line; ok None means 'not checked'."""
    ok = result.get("ok")
    mark = PASS if ok is True else (SKIP if ok is None else FAIL)
    text = f"{mark} {result.get('check', '')}"
    if result.get("detail"):
        text += f": {result['detail']}"
    if ok is False and result.get("fix_command"):
        text += f" (fix: {result['fix_command']})"
    return text


def render(results: list[dict]) -> str:
    """All results, one line each, followed by a one-line summary."""
    lines = [render_line(r) for r in results]
    failed = sum(1 for r in results if r.get("ok") is False)
    lines.append("All checks passed." if not failed else f"{failed} of {len(results)} checks failed.")
    return "\n".join(lines)


def worst_exit_code(results: list[dict]) -> int:
    """0 when nothing failed, 1 otherwise (for a command that wants its exit code to reflect the result)."""
    return 1 if any(r.get("ok") is False for r in results) else 0
