"""Parse YAML from repositories with bounds: document size and the size aliases expand to (no alias bombs)."""

from __future__ import annotations

import yaml

# Kubernetes refuses objects over etcd's default request limit of 1.5 MiB (as JSON); YAML text of such an object
# can be larger (indentation), so a document may have up to 4 MiB.
MAX_DOCUMENT_BYTES = 4 * 1024 * 1024
# Nodes that aliases may add to a document once expanded (a manifest's anchors add a few at most).
MAX_EXPANDED_NODES = 250_000
# libyaml's parser when PyYAML has it (several times faster on large repositories)
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlLimitError(ValueError):
    """The YAML is larger than the emulated cluster accepts; the message says which bound."""


def expanded_nodes(text: str) -> int:
    """The largest node count of a document of ``text`` with every alias expanded, computed from parser events
    in linear time (nothing is expanded); raises YamlLimitError when aliases add more than MAX_EXPANDED_NODES
    nodes to a document, yaml.YAMLError."""
    anchors: dict[str, int] = {}
    stack: list[list] = []  # [anchor, count] of each open collection
    largest = 0
    document = 0
    added = 0  # nodes the aliases of the current document add
    for event in yaml.parse(text, Loader=LOADER):
        if isinstance(event, yaml.DocumentStartEvent):
            anchors, document, added = {}, 0, 0
            continue
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            stack.append([event.anchor, 1])
            continue
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            anchor, size = stack.pop()
        elif isinstance(event, yaml.ScalarEvent):
            anchor, size = event.anchor, 1
        elif isinstance(event, yaml.AliasEvent):
            if any(entry[0] == event.anchor for entry in stack):
                raise YamlLimitError(f"alias *{event.anchor} refers to a node that contains it (a recursive structure)")
            anchor, size = None, anchors.get(event.anchor, 1)
            added += size
        else:
            continue
        if anchor:
            anchors[anchor] = size
        if stack:
            stack[-1][1] += size
        else:
            document += size
        if added > MAX_EXPANDED_NODES:
            raise YamlLimitError(f"its aliases expand to more than {MAX_EXPANDED_NODES} nodes (an alias bomb?)")
        largest = max(largest, document)
    return largest


def _document_too_large() -> YamlLimitError:
    return YamlLimitError(f"a document is larger than {MAX_DOCUMENT_BYTES // 2**20} MiB of YAML (Kubernetes accepts "
                          "objects up to 1.5 MiB)")


def check(text: str) -> None:
    """Raise YamlLimitError when one document of ``text`` is too large or its aliases expand too far."""
    if len(text) > MAX_DOCUMENT_BYTES and "\n---" not in text:
        raise _document_too_large()
    if "&" in text and "*" in text:  # only documents with anchors and aliases can expand
        expanded_nodes(text)


def load(text: str):
    """One YAML document, bounded; raises YamlLimitError or yaml.YAMLError."""
    if len(text) > MAX_DOCUMENT_BYTES:
        raise _document_too_large()
    check(text)
    return yaml.load(text, Loader=LOADER)


def load_all_check(text: str, max_bytes: int) -> None:
    """Raise YamlLimitError when a file of YAML documents is too large or its aliases expand too far."""
    if len(text) > max_bytes:
        raise YamlLimitError(f"the file is larger than {max_bytes // (1024 * 1024)} MiB")
    check(text)


def load_all(text: str, max_bytes: int) -> list:
    """Every YAML document of a file of at most ``max_bytes``, bounded; raises YamlLimitError or yaml.YAMLError."""
    load_all_check(text, max_bytes)
    return list(yaml.load_all(text, Loader=LOADER))
