"""`dependsOn` parsing and validation of the kustomization dependency graph.

`parse_depends_on` accepts what users type in any shell: `a,b`, `[a,b]`, `["a","b"]`, `'["a"]'`,
spaces around items, or a list (from a YAML/JSON file). Quotes and brackets are stripped and every item
must be a valid kustomization name.

`validate_graph` checks a whole configuration (the merged view of existing and new kustomizations):
every dependency must exist, no kustomization may depend on itself, and there must be no cycle. A cycle
is reported as its path, e.g. `apps -> infra -> apps`.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from azure.cli.core.azclierror import InvalidArgumentValueError

from .names import validate_kustomization_name

_QUOTES = "\"'"


def _items_from_text(text: str) -> list[str]:
    text = text.strip().strip(_QUOTES).strip()
    if text.startswith("[") or text.endswith("]"):
        if not (text.startswith("[") and text.endswith("]")):
            raise ValueError("unbalanced brackets")
        text = text[1:-1]
    return [item.strip().strip(_QUOTES).strip() for item in text.split(",")]


def parse_depends_on(value, flag: str) -> list[str]:
    """List of kustomization names; InvalidArgumentValueError naming `flag` for bad input."""
    try:
        if isinstance(value, str):
            raw = _items_from_text(value)
        elif isinstance(value, (list, tuple)):
            raw = [item.strip() if isinstance(item, str) else item for item in value]
        else:
            raise TypeError("expected a list of names")
    except (TypeError, ValueError) as err:
        raise InvalidArgumentValueError(
            f"Invalid value {value!r} for {flag}: {err}.",
            f"Give kustomization names separated by commas, for example {_example(flag)}") from None
    names: list[str] = []
    for index, item in enumerate(raw):
        where = flag if isinstance(value, str) else f"{flag}[{index}]"
        if item == "" and isinstance(value, str):
            continue  # `a,,b`, trailing commas and `[]` are harmless
        if not isinstance(item, str):
            raise InvalidArgumentValueError(f"Invalid value {item!r} for {where}: expected a kustomization name.",
                                            "Dependencies are names of kustomizations in the same configuration.")
        validate_kustomization_name(item, flag=where)
        if item not in names:
            names.append(item)
    return names


def _example(flag: str) -> str:
    """`--depends-on infra,apps` for a flag; `--kustomization dependsOn=infra,apps` or `x.dependsOn=...` for a key."""
    return f"{flag} infra,apps" if flag.startswith("--") and " " not in flag else f"{flag}=infra,apps"


def _find_cycle(graph: Mapping[str, list[str]]) -> list[str] | None:
    """First cycle found (deterministic: names visited in sorted order), as a closed path."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for dep in graph.get(node, []):
            if state.get(dep) == 1:
                return path[path.index(dep):] + [dep]
            if dep in graph and dep not in state:
                found = visit(dep)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            cycle = visit(start)
            if cycle:
                return cycle
    return None


def validate_graph(kustomizations: Mapping[str, Iterable[str] | None], removed: Iterable[str] = ()) -> None:
    """Unknown names, self references and cycles in `{name: dependsOn}` raise InvalidArgumentValueError;
    `removed` are kustomizations the command deletes (a dependency on one of them gets its own message)."""
    graph = {name: list(deps or []) for name, deps in kustomizations.items()}
    removed = set(removed)
    for name in sorted(graph):
        if name in graph[name]:
            raise InvalidArgumentValueError(f"Kustomization {name!r} depends on itself.",
                                            f"Remove {name!r} from its own dependsOn list.")
        deleted = [dep for dep in graph[name] if dep in removed and dep not in graph]
        if deleted:
            raise InvalidArgumentValueError(
                f"Cannot delete kustomization {deleted[0]!r}: kustomization {name!r} depends on it, and Flux "
                "would stop reconciling it.",
                f"First remove the dependency (az k8s-configuration flux kustomization update -k {name} "
                "--depends-on with the remaining names, or \"\" for none), or delete "
                f"{name!r} first.")
        unknown = [dep for dep in graph[name] if dep not in graph]
        if unknown:
            known = ", ".join(sorted(graph)) or "none"
            raise InvalidArgumentValueError(
                f"Kustomization {name!r} depends on {', '.join(repr(u) for u in unknown)}, which "
                f"{'is' if len(unknown) == 1 else 'are'} not a kustomization of this configuration.",
                f"Existing and new kustomizations: {known}. Fix the name or add that kustomization first.")
    cycle = _find_cycle(graph)
    if cycle:
        raise InvalidArgumentValueError(f"Kustomization dependencies form a cycle: {' -> '.join(cycle)}.",
                                        "Remove one of these dependencies so that the order can be resolved.")


def merged_dependencies(existing: Mapping[str, dict | None] | None,
                        changes: Mapping[str, dict | None]) -> dict[str, list[str]]:
    """`{name: dependsOn}` after applying `changes` (None deletes) to `existing` kustomizations (ARM JSON)."""
    merged = {name: list((spec or {}).get("dependsOn") or []) for name, spec in (existing or {}).items()}
    for name, spec in changes.items():
        if spec is None:
            merged.pop(name, None)
        elif "dependsOn" in spec:
            merged[name] = list(spec["dependsOn"] or [])
        else:
            merged.setdefault(name, [])
    return merged
