"""Text tree of the dependsOn relations between the kustomizations of one configuration.

A kustomization is drawn under each kustomization it depends on; roots are those with no (known)
dependency. A node already drawn elsewhere is not expanded twice, and a dependency cycle is marked
instead of being followed.
"""

from __future__ import annotations

_BRANCH, _LAST, _PIPE, _SPACE = "├── ", "└── ", "│   ", "    "
CYCLE_MARK = " (cycle)"
REPEAT_MARK = " (see above)"


def _dependencies(kustomizations: dict[str, dict]) -> dict[str, list[str]]:
    return {name: sorted({d for d in ((spec or {}).get("dependsOn") or []) if isinstance(d, str)})
            for name, spec in kustomizations.items()}


def _children(deps: dict[str, list[str]]) -> dict[str, list[str]]:
    children: dict[str, list[str]] = {name: [] for name in deps}
    for name, parents in deps.items():
        for parent in parents:
            if parent in children:
                children[parent].append(name)
    return {name: sorted(kids) for name, kids in children.items()}


def _label(name: str, deps: dict[str, list[str]]) -> str:
    missing = [d for d in deps[name] if d not in deps]
    return f"{name} (missing dependency: {', '.join(missing)})" if missing else name


def _on_cycle(name: str, deps: dict[str, list[str]]) -> bool:
    seen: set[str] = set()
    stack = [d for d in deps[name] if d in deps]
    while stack:
        current = stack.pop()
        if current == name:
            return True
        if current not in seen:
            seen.add(current)
            stack.extend(d for d in deps[current] if d in deps)
    return False


def render_dependency_tree(kustomizations: dict[str, dict]) -> str:
    """Render ``{name: KustomizationDefinition}`` as an indented tree; '' when there is nothing to show."""
    deps = _dependencies(kustomizations or {})
    children = _children(deps)
    lines: list[str] = []
    drawn: set[str] = set()

    def walk(name: str, prefix: str, connector: str, path: tuple[str, ...]) -> None:
        if name in path:
            lines.append(f"{prefix}{connector}{name}{CYCLE_MARK}")
            return
        if name in drawn:
            lines.append(f"{prefix}{connector}{name}{REPEAT_MARK}")
            return
        drawn.add(name)
        lines.append(f"{prefix}{connector}{_label(name, deps)}")
        child_prefix = prefix + ("" if not connector else (_SPACE if connector == _LAST else _PIPE))
        kids = children[name]
        for index, kid in enumerate(kids):
            walk(kid, child_prefix, _LAST if index == len(kids) - 1 else _BRANCH, path + (name,))

    roots = [name for name in sorted(deps) if not any(d in deps for d in deps[name])]
    for root in roots:
        walk(root, "", "", ())
    # Whatever is still undrawn sits on or behind a cycle with no root: start from the cycle members.
    for name in sorted(deps, key=lambda n: (not _on_cycle(n, deps), n)):
        if name not in drawn:
            walk(name, "", "", ())
    return "\n".join(lines)
