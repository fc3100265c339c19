"""Server-side rules for fluxConfigurations beyond types: pure functions over property dicts.

Each rule raises a ValidationFailed ArmError whose message names the field and says what to do.
"""

from __future__ import annotations

import re

from k8sconfig_emulator import errors
from k8sconfig_emulator.resource_schemas import MAX_FLUX_SECONDS, SOURCE_FIELDS

_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DURATION = re.compile(r"^P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")
MAX_NAME = 63
MAX_DURATION_CHARS = 64    # enough for any duration Flux can hold; longer digit runs are not parsed at all
MAX_COMBINED = 62          # "<config>-<kustomization>" must fit in a 63-character object name
SCOPES = ("cluster", "namespace")


def _name_problem(value: str, pattern: re.Pattern, allowed: str) -> str | None:
    if not value:
        return "must not be empty"
    if len(value) > MAX_NAME:
        return f"must be at most {MAX_NAME} characters (got {len(value)})"
    if not pattern.match(value):
        return f"may contain only {allowed}, and must start and end with a lowercase letter or digit"
    return None


def check_config_name(name: str) -> None:
    problem = _name_problem(name, _SUBDOMAIN, "lowercase letters, digits, '-' and '.'")
    if problem:
        raise errors.validation_failed(f"The flux configuration name '{name}' is invalid: it {problem}.",
                                       target="name")


def check_namespace(namespace: str) -> None:
    problem = _name_problem(namespace, _LABEL, "lowercase letters, digits and '-'")
    if problem:
        raise errors.validation_failed(f"properties.namespace '{namespace}' is invalid: it {problem}.",
                                       target="properties.namespace")


def check_source(props: dict) -> None:
    kind = props.get("sourceKind")
    if kind not in SOURCE_FIELDS:
        raise errors.validation_failed(
            f"properties.sourceKind '{kind}' is not supported; use one of {', '.join(SOURCE_FIELDS)}.",
            target="properties.sourceKind")
    present = [field for field in SOURCE_FIELDS.values() if props.get(field) is not None]
    expected = SOURCE_FIELDS[kind]
    if present != [expected]:
        given = ", ".join(present) or "none"
        raise errors.validation_failed(
            f"properties.sourceKind is '{kind}', so exactly one source object, properties.{expected}, "
            f"must be given (found: {given}). Make sourceKind and the source object agree.",
            target="properties.sourceKind")
    source = props[expected]
    url = source.get("url")
    if not url:
        raise errors.validation_failed(f"properties.{expected}.url is required.", target=f"properties.{expected}.url")
    if kind == "OCIRepository" and not url.startswith("oci://"):
        raise errors.validation_failed("properties.ociRepository.url must start with 'oci://'.",
                                       target="properties.ociRepository.url")
    if kind == "Bucket" and not source.get("bucketName"):
        raise errors.validation_failed("properties.bucket.bucketName is required.",
                                       target="properties.bucket.bucketName")


def check_kustomizations(config_name: str, kustomizations: dict) -> None:
    for key, spec in kustomizations.items():
        path = f"properties.kustomizations.{key}"
        problem = _name_problem(key, _SUBDOMAIN, "lowercase letters, digits, '-' and '.'")
        if problem:
            raise errors.validation_failed(f"The kustomization name '{key}' is invalid: it {problem}.", target=path)
        if len(config_name) + len(key) > MAX_COMBINED:
            raise errors.validation_failed(
                f"The kustomization name '{key}' is too long for configuration '{config_name}': together they "
                f"may have at most {MAX_COMBINED} characters. Use shorter names.", target=path)
        for dependency in spec.get("dependsOn") or []:
            if dependency == key:
                raise errors.validation_failed(f"{path}.dependsOn: a kustomization cannot depend on itself.",
                                               target=f"{path}.dependsOn")
            if dependency not in kustomizations:
                raise errors.validation_failed(
                    f"{path}.dependsOn names '{dependency}', which is not a kustomization of this "
                    f"configuration (known: {', '.join(sorted(kustomizations))}).", target=f"{path}.dependsOn")
    cycle = find_cycle({k: list(v.get("dependsOn") or []) for k, v in kustomizations.items()})
    if cycle:
        raise errors.validation_failed("The kustomizations' dependsOn form a cycle: " + " -> ".join(cycle) + ".",
                                       target="properties.kustomizations")


def find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    """Return one dependency cycle as a path (first node repeated at the end), or None."""
    state: dict[str, int] = {}

    for start in sorted(graph):
        if state.get(start):
            continue
        stack = [(start, iter(graph.get(start, [])))]
        path = [start]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
                path.pop()
            elif state.get(child) == 1:
                return path[path.index(child):] + [child]
            elif not state.get(child) and child in graph:
                state[child] = 1
                stack.append((child, iter(graph[child])))
                path.append(child)
    return None


def check_wait_duration(props: dict) -> None:
    value = props.get("reconciliationWaitDuration")
    if value is None:
        return
    shown = value if len(value) <= 40 else value[:40] + "..."
    if len(value) > MAX_DURATION_CHARS or not _DURATION.match(value):
        raise errors.validation_failed(
            f"properties.reconciliationWaitDuration '{shown}' is not an ISO-8601 duration such as PT30M or PT1H.",
            target="properties.reconciliationWaitDuration")
    if duration_seconds(value, 0) > MAX_FLUX_SECONDS:
        raise errors.validation_failed(
            f"properties.reconciliationWaitDuration '{shown}' is longer than {MAX_FLUX_SECONDS} seconds, the most a "
            "Flux duration holds.", target="properties.reconciliationWaitDuration")


def duration_seconds(value: str | None, default: float) -> float:
    match = _DURATION.match(value or "")
    if not match:
        return default
    days, _, hours, minutes, seconds, _ = match.groups()
    total = 0.0
    for part, factor in ((days, 86400), (hours, 3600), (minutes, 60)):
        if part:
            total += int(part[:-1]) * factor
    if seconds:
        total += float(seconds[:-1])
    return total


def check_immutable(props: dict, existing: dict | None) -> None:
    if existing is None:
        return
    for key in ("scope", "namespace"):
        if props.get(key) != existing.get(key):
            raise errors.validation_failed(
                f"properties.{key} cannot be changed after creation (current: '{existing.get(key)}', "
                f"requested: '{props.get(key)}'). Delete and re-create the configuration instead.",
                target=f"properties.{key}")


def check_all(name: str, props: dict, existing: dict | None) -> None:
    """Every rule for a complete (defaults applied) FluxConfiguration properties dict."""
    check_config_name(name)
    if props.get("scope") not in SCOPES:
        raise errors.validation_failed(f"properties.scope must be 'cluster' or 'namespace' (got '{props.get('scope')}').",
                                       target="properties.scope")
    check_namespace(props.get("namespace", ""))
    check_immutable(props, existing)
    check_source(props)
    check_kustomizations(name, props.get("kustomizations") or {})
    check_wait_duration(props)


def drop_other_sources(merged: dict, patch_props: dict) -> dict:
    """A patch that switches sourceKind drops the old source objects it does not mention."""
    kind = patch_props.get("sourceKind")
    if kind not in SOURCE_FIELDS:
        return merged
    keep = SOURCE_FIELDS[kind]
    return {k: v for k, v in merged.items()
            if k == keep or k not in SOURCE_FIELDS.values() or k in patch_props}


def expand_repository_ref(props: dict) -> dict:
    """Responses show all four git ref fields, unset ones as null."""
    git = props.get("gitRepository")
    if isinstance(git, dict) and isinstance(git.get("repositoryRef"), dict):
        ref = {k: git["repositoryRef"].get(k) for k in ("branch", "tag", "semver", "commit")}
        props = {**props, "gitRepository": {**git, "repositoryRef": ref}}
    return props
