"""Text tree of the dependsOn relations between the kustomizations of one configuration.

A kustomization is drawn under each kustomization it depends on; roots are those with no (known)
dependency. A node already drawn elsewhere is not expanded twice, and a dependency cycle is marked
instead of being followed.

The tree is drawn with box-drawing characters, or with plain ASCII when the output encoding cannot represent
them (for example a Windows pipe in cp1252), so it never fails or prints escapes.
"""

from __future__ import annotations

UNICODE_PARTS = ("├── ", "└── ", "│   ", "    ")
ASCII_PARTS = ("|-- ", "`-- ", "|   ", "    ")
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


def can_encode(text: str, encoding: str | None) -> bool:
    if not encoding:
        return True
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def render_dependency_tree(kustomizations: dict[str, dict], encoding: str | None = None) -> str:
    """Render ``{name: KustomizationDefinition}`` as an indented tree; '' when there is nothing to show.

    With `encoding` (e.g. sys.stdout.encoding), ASCII connectors are used when that encoding cannot hold the
    box-drawing ones, and any other character it cannot hold is replaced."""
    parts = UNICODE_PARTS if can_encode("".join(UNICODE_PARTS), encoding) else ASCII_PARTS
    text = _render(kustomizations, *parts)
    if encoding and not can_encode(text, encoding):
        try:
            text = text.encode(encoding, "replace").decode(encoding)
        except LookupError:
            text = text.encode("ascii", "replace").decode("ascii")
    return text


def _render(kustomizations: dict[str, dict], branch: str, last: str, pipe: str, space: str) -> str:
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
        child_prefix = prefix + ("" if not connector else (space if connector == last else pipe))
        kids = children[name]
        for index, kid in enumerate(kids):
            walk(kid, child_prefix, last if index == len(kids) - 1 else branch, path + (name,))

    roots = [name for name in sorted(deps) if not any(d in deps for d in deps[name])]
    for root in roots:
        walk(root, "", "", ())
    # Whatever is still undrawn sits on or behind a cycle with no root: start from the cycle members.
    for name in sorted(deps, key=lambda n: (not _on_cycle(n, deps), n)):
        if name not in drawn:
            walk(name, "", "", ())
    return "\n".join(lines)
