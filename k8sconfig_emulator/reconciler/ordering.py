"""Order kustomizations by ``dependsOn`` and find unknown dependencies and cycles."""

from __future__ import annotations

from collections.abc import Callable


def order_kustomizations(kustomizations: dict[str, dict], display: Callable[[str], str] = str) -> tuple[list[str], dict[str, str]]:
    """Return (names with dependencies first, {name: problem message}) for unknown dependencies and cycles."""
    order: list[str] = []
    problems: dict[str, str] = {}
    done: set[str] = set()

    def deps(name: str) -> list[str]:
        return [str(d) for d in (kustomizations[name] or {}).get("dependsOn") or []]

    def visit(name: str, stack: list[str]) -> None:
        if name in done:
            return
        if name in stack:
            cycle = stack[stack.index(name):] + [name]
            text = "circular dependency detected: " + " -> ".join(display(n) for n in cycle)
            for member in cycle[:-1]:
                problems.setdefault(member, text)
            return
        stack.append(name)
        for dep in deps(name):
            if dep not in kustomizations:
                problems.setdefault(name, f"dependency '{display(dep)}' not found")
            else:
                visit(dep, stack)
        stack.pop()
        done.add(name)
        order.append(name)

    for name in kustomizations:
        visit(name, [])
    return order, problems
