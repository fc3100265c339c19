"""FluxArgs -> ARM JSON bodies: the full FluxConfiguration PUT (create) and the JSON merge PATCH (update).

Bodies are plain dicts in wire shape (2025-04-01). What --dry-run prints is exactly what is sent (after
redaction.redact). Secrets go where the API wants them:
- configurationProtectedSettings (base64 values): sshPrivateKey (the key file, base64), httpsKey,
  bucketSecretKey;
- secret properties of the source: azureBlob.accountKey / sasToken / servicePrincipal.clientSecret,
  clientCertificate (base64), clientCertificatePassword; ociRepository.tlsConfig.* (base64).
The https user name is a plain property (gitRepository.httpsUser), as in the API.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields

from azure.cli.core.azclierror import (
    InvalidArgumentValueError,
    RequiredArgumentMissingError,
)

from .booleans import parse_bool
from .config_file import merge_config_file
from .dependencies import merged_dependencies, validate_graph
from .documents import check_option_text
from .durations import format_iso8601, parse_duration
from .flux_args import FluxArgs, flag
from .kustomizations import DEFAULT_KUSTOMIZATION_NAME, parse_kustomization_groups
from .names import validate_config_name, validate_kustomization_name, validate_namespace
from .secrets_input import resolve_secrets
from .source_kinds import (
    KINDS,
    build_source,
    check_params,
    exclusive_nulls,
    kind_of_config,
    kind_spec,
    validate_source,
)

SCOPES = ("cluster", "namespace")
NO_KUSTOMIZATION_WARNING = (f"No --kustomization was given: a kustomization named '{DEFAULT_KUSTOMIZATION_NAME}' "
                            "that applies the root of the source (path '') is added.")


def _config_name(args: FluxArgs, config_name: str | None) -> str:
    name = config_name or args.name
    if not name:
        raise RequiredArgumentMissingError("The flux configuration name is missing.", "Give it with --name.")
    return validate_config_name(name)


def _kustomizations(args: FluxArgs, file_kustomizations: dict, config_name: str) -> dict[str, dict]:
    result = dict(file_kustomizations)
    for name, spec in parse_kustomization_groups(args.kustomization, config_name).items():
        if name in result:
            raise InvalidArgumentValueError(f"Kustomization {name!r} is defined both in --config-file and with "
                                            "--kustomization.", "Define each kustomization once.")
        result[name] = spec
    return result


def _scope(value) -> str:
    scope = str(value).strip().lower()
    if scope not in SCOPES:
        raise InvalidArgumentValueError(f"Invalid --scope {value!r}.", "Use cluster or namespace.")
    return scope


def _reconciliation_wait(args: FluxArgs) -> dict:
    wait = None if args.wait_for_reconciliation is None else parse_bool(args.wait_for_reconciliation,
                                                                        "--wait-for-reconciliation")
    props: dict = {}
    if args.reconciliation_wait_duration is not None:
        if wait is False:
            raise InvalidArgumentValueError("--reconciliation-wait-duration needs --wait-for-reconciliation.",
                                            "Drop the duration, or let ARM wait for reconciliation.")
        seconds = parse_duration(args.reconciliation_wait_duration, "--reconciliation-wait-duration")
        wait = True
        props["reconciliationWaitDuration"] = format_iso8601(seconds)
    if wait is not None:
        props = {"waitForReconciliation": wait, **props}
    return props


def _check_text(args: FluxArgs) -> None:
    """Refuse command-line values that cannot be sent: bytes that are not UTF-8 reach Python as lone surrogates."""
    for item in fields(args):
        check_option_text(getattr(args, item.name), flag(item.name))


def build_put_body(args: FluxArgs, config_name: str | None = None) -> tuple[dict, list[str]]:
    """(complete FluxConfiguration PUT body, warnings for the user)."""
    _check_text(args)
    name = _config_name(args, config_name)
    args, file_kustomizations = merge_config_file(args, name)
    warnings: list[str] = []
    spec = kind_spec(args.kind or "git")
    namespace = validate_namespace(args.namespace) if args.namespace is not None else "default"
    check_params(spec.kind, args, creating=True)
    source, protected = build_source(spec.kind, args, resolve_secrets(args))
    validate_source(spec.kind, source, protected, args, creating=True)
    if spec.kind == "bucket":
        source.setdefault("insecure", False)  # the API's default is true; never talk plain HTTP by accident
    kustomizations = _kustomizations(args, file_kustomizations, name)
    if not kustomizations:
        validate_kustomization_name(DEFAULT_KUSTOMIZATION_NAME, name, flag="--kustomization (default name)")
        kustomizations = {DEFAULT_KUSTOMIZATION_NAME: {"path": ""}}
        warnings.append(NO_KUSTOMIZATION_WARNING)
    validate_graph({k: v.get("dependsOn") for k, v in kustomizations.items()})
    props = {
        "scope": _scope(args.scope) if args.scope is not None else "cluster",
        "namespace": namespace,
        "sourceKind": spec.source_kind,
        "suspend": parse_bool(args.suspend, "--suspend") if args.suspend is not None else False,
        spec.prop: source,
        "kustomizations": kustomizations,
    }
    if protected:
        props["configurationProtectedSettings"] = protected
    props.update(_reconciliation_wait(args))
    return {"properties": props}, warnings


def apply_merge_patch(target, patch):
    """RFC 7396 JSON merge patch applied to a copy of `target`."""
    if not isinstance(patch, Mapping):
        return patch
    result = dict(target) if isinstance(target, Mapping) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = apply_merge_patch(result.get(key), value)
    return result


def _deep_merge(base: dict, top: dict) -> dict:
    merged = dict(base)
    for key, value in top.items():
        merged[key] = _deep_merge(merged[key], value) if isinstance(value, dict) and isinstance(
            merged.get(key), dict) else value
    return merged


def _check_immutable(args: FluxArgs, current: dict) -> None:
    """scope and namespace come only from a --config-file on update (the flags are create-only): the same
    file may be reused for updates, but a value that differs from the configuration's is an error, not
    silently dropped."""
    given = {"scope": _scope(args.scope) if args.scope is not None else None,
             "namespace": validate_namespace(args.namespace) if args.namespace is not None else None}
    for key, value in given.items():
        if value is not None and value != current.get(key, value):
            raise InvalidArgumentValueError(
                f"The config file sets {key} to {value!r}, but the configuration's {key} is "
                f"{current.get(key)!r}, and it cannot be changed by an update.",
                f"Remove {key} from the file (or set it to {current.get(key)!r}); to move the configuration, "
                "delete it and create it again.")


def build_patch_body(args: FluxArgs, existing: dict, config_name: str | None = None) -> tuple[dict, bool, list[str]]:
    """(JSON merge patch for `flux update`, kind_changed, warnings).

    Only given options appear. A kind switch sets sourceKind and nulls the other source objects. A new
    member of an exclusive set (repository ref, azblob auth method, ...) nulls the old one. The merged
    result (existing + patch) is validated like a create.
    """
    _check_text(args)
    name = _config_name(args, config_name)
    args, file_kustomizations = merge_config_file(args, name)
    current = (existing or {}).get("properties") or {}
    _check_immutable(args, current)
    old_kind = kind_of_config(current)
    spec = kind_spec(args.kind) if args.kind is not None else KINDS[old_kind]
    kind_changed = spec.kind != old_kind
    warnings: list[str] = []
    check_params(spec.kind, args, creating=kind_changed)
    fragment, protected = build_source(spec.kind, args, resolve_secrets(args))
    props: dict = {}
    if args.suspend is not None:
        props["suspend"] = parse_bool(args.suspend, "--suspend")
    if fragment or protected or kind_changed:
        base = {} if kind_changed else (current.get(spec.prop) or {})
        patch_source = _deep_merge({} if kind_changed else exclusive_nulls(spec.kind, fragment, base), fragment)
        validate_source(spec.kind, apply_merge_patch(base, patch_source), protected, args, creating=kind_changed)
        if kind_changed:
            if spec.kind == "bucket":
                patch_source.setdefault("insecure", False)
            props["sourceKind"] = spec.source_kind
            props.update({other.prop: None for other in KINDS.values() if other.prop != spec.prop})
            warnings.append(f"The source kind changes from {old_kind} to {spec.kind}: the {old_kind} source "
                            "settings are removed.")
        if patch_source:
            props[spec.prop] = patch_source
    if protected:
        props["configurationProtectedSettings"] = protected
    if args.wait_for_reconciliation is not None or args.reconciliation_wait_duration is not None:
        raise InvalidArgumentValueError("--wait-for-reconciliation and --reconciliation-wait-duration can only be "
                                        "set when the configuration is created.",
                                        "Drop these options from the update.")
    changes = _kustomizations(args, file_kustomizations, name)
    if changes:
        validate_graph(merged_dependencies(current.get("kustomizations"), changes))
        props["kustomizations"] = changes
    if not props:
        raise RequiredArgumentMissingError("Nothing to update: no option that changes the configuration was given.",
                                           "Give at least one option to change, e.g. --branch, --url, --suspend or "
                                           "--kustomization name=NAME path=PATH.")
    return {"properties": props}, kind_changed, warnings


def kustomization_patch(name: str, spec: dict | None) -> dict:
    """Merge patch that creates/updates (spec) or deletes (None) one kustomization."""
    return {"properties": {"kustomizations": {name: spec}}}
