"""Source kinds (git, bucket, azblob, oci): which options each accepts or requires, how they map to the ARM
source object, and the rules checked on the merged (existing + new) source.

The per-kind facts are DATA (KINDS, FIELD_PATHS, EXCLUSIVE); one generic checker and one generic filler
work for every kind. Only the cross-field rules differ, one small function per kind (RULES).
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from azure.cli.core.azclierror import (
    InvalidArgumentValueError,
    MutuallyExclusiveArgumentError,
    RequiredArgumentMissingError,
    UnrecognizedArgumentError,
)

from .booleans import parse_bool
from .durations import parse_duration
from .flux_args import FLAG_NAMES, FluxArgs, flag
from .keys import validate_known_hosts, validate_ssh_private_key
from .redaction import SECRET_FIELD_PATHS
from .secrets_input import decode_base64
from .urls import is_http, validate_url


@dataclass(frozen=True)
class KindSpec:
    kind: str  # CLI --kind value
    source_kind: str  # ARM properties.sourceKind
    prop: str  # ARM property holding the source object
    required: tuple[str, ...]  # dests required when the source is created
    options: tuple[str, ...]  # kind-specific dests (besides COMMON)


COMMON = ("url", "timeout", "sync_interval", "local_auth_ref")
KINDS: dict[str, KindSpec] = {
    "git": KindSpec("git", "GitRepository", "gitRepository", ("url",), (
        "branch", "tag", "semver", "commit", "ssh_private_key", "ssh_private_key_file", "https_user", "https_key",
        "https_key_file", "https_ca_cert", "https_ca_cert_file", "known_hosts", "known_hosts_file", "provider")),
    "bucket": KindSpec("bucket", "Bucket", "bucket", ("url", "bucket_name"), (
        "bucket_name", "bucket_access_key", "bucket_secret_key", "bucket_secret_key_file", "bucket_insecure")),
    "azblob": KindSpec("azblob", "AzureBlob", "azureBlob", ("url", "container_name"), (
        "container_name", "sp_client_id", "sp_tenant_id", "sp_client_secret", "sp_client_secret_file",
        "sp_client_cert", "sp_client_cert_file", "sp_client_cert_password", "sp_client_cert_password_file",
        "sp_client_cert_send_chain", "account_key", "account_key_file", "sas_token", "sas_token_file",
        "mi_client_id")),
    "oci": KindSpec("oci", "OCIRepository", "ociRepository", ("url",), (
        "tag", "semver", "digest", "oci_media_type", "oci_operation", "tls_ca_certificate",
        "tls_client_certificate", "tls_private_key", "tls_private_key_file", "service_account_name",
        "use_workload_identity", "verification_provider", "match_oidc_identity", "verification_config",
        "oci_insecure")),
}
# Every source option, in the stable order used in messages (the order of FLAG_NAMES).
SOURCE_DESTS = tuple(d for d in FLAG_NAMES if d in set(COMMON).union(*(k.options for k in KINDS.values())))
BY_SOURCE_KIND = {spec.source_kind.lower(): spec for spec in KINDS.values()}

# Literal secret dest -> its -file twin (a file counts as giving the option).
_FILE_TWIN = {d[:-5]: d for d in SOURCE_DESTS if d.endswith("_file")}
_COMMON_PATHS = {"url": ("url",), "timeout": ("timeoutInSeconds",), "sync_interval": ("syncIntervalInSeconds",),
                 "local_auth_ref": ("localAuthRef",)}
# dest -> path inside the kind's ARM source object ("protected:" = configurationProtectedSettings key)
FIELD_PATHS: dict[str, dict[str, tuple[str, ...]]] = {
    "git": {**_COMMON_PATHS, "branch": ("repositoryRef", "branch"), "tag": ("repositoryRef", "tag"),
            "semver": ("repositoryRef", "semver"), "commit": ("repositoryRef", "commit"),
            "https_user": ("httpsUser",), "https_ca_cert": ("httpsCACert",), "known_hosts": ("sshKnownHosts",),
            "provider": ("provider",), "ssh_private_key": ("protected:sshPrivateKey",),
            "https_key": ("protected:httpsKey",)},
    "bucket": {**_COMMON_PATHS, "bucket_name": ("bucketName",), "bucket_access_key": ("accessKey",),
               "bucket_insecure": ("insecure",), "bucket_secret_key": ("protected:bucketSecretKey",)},
    "azblob": {**_COMMON_PATHS, "container_name": ("containerName",), "account_key": ("accountKey",),
               "sas_token": ("sasToken",), "mi_client_id": ("managedIdentity", "clientId"),
               "sp_client_id": ("servicePrincipal", "clientId"), "sp_tenant_id": ("servicePrincipal", "tenantId"),
               "sp_client_secret": ("servicePrincipal", "clientSecret"),
               "sp_client_cert": ("servicePrincipal", "clientCertificate"),
               "sp_client_cert_password": ("servicePrincipal", "clientCertificatePassword"),
               "sp_client_cert_send_chain": ("servicePrincipal", "clientCertificateSendChain")},
    "oci": {**_COMMON_PATHS, "tag": ("repositoryRef", "tag"), "semver": ("repositoryRef", "semver"),
            "digest": ("repositoryRef", "digest"), "oci_media_type": ("layerSelector", "mediaType"),
            "oci_operation": ("layerSelector", "operation"), "tls_ca_certificate": ("tlsConfig", "caCertificate"),
            "tls_client_certificate": ("tlsConfig", "clientCertificate"),
            "tls_private_key": ("tlsConfig", "privateKey"), "service_account_name": ("serviceAccountName",),
            "use_workload_identity": ("useWorkloadIdentity",), "oci_insecure": ("insecure",),
            "verification_provider": ("verify", "provider"), "match_oidc_identity": ("verify", "matchOidcIdentity"),
            "verification_config": ("verify", "verificationConfig")},
}
# Sets of source paths that replace each other: a new member given on update nulls the others.
EXCLUSIVE: dict[str, tuple[tuple[tuple[str, ...], ...], ...]] = {
    "git": ((("repositoryRef", "branch"), ("repositoryRef", "tag"), ("repositoryRef", "semver"),
             ("repositoryRef", "commit")),),
    "bucket": ((("accessKey",), ("localAuthRef",)),),
    "azblob": ((("servicePrincipal",), ("accountKey",), ("sasToken",), ("localAuthRef",), ("managedIdentity",)),
               (("servicePrincipal", "clientSecret"), ("servicePrincipal", "clientCertificate"))),
    "oci": ((("repositoryRef", "tag"), ("repositoryRef", "semver"), ("repositoryRef", "digest")),),
}
PROVIDERS = {"azure": "Azure", "github": "GitHub", "generic": "Generic"}
OCI_OPERATIONS = ("extract", "copy")
VERIFY_PROVIDERS = ("cosign", "notation")  # Flux OCIRepository spec.verify.provider
_DIGEST = re.compile(r"[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}", re.ASCII)


def kind_spec(kind: str) -> KindSpec:
    spec = KINDS.get(str(kind).strip().lower())
    if spec is None:
        raise InvalidArgumentValueError(f"Invalid --kind {kind!r}.", "Use one of: " + ", ".join(KINDS))
    return spec


def kind_of_config(properties: dict) -> str:
    """CLI kind of an existing configuration's properties (sourceKind, matched case-insensitively)."""
    spec = BY_SOURCE_KIND.get(str(properties.get("sourceKind") or "GitRepository").lower())
    return spec.kind if spec else "git"


def _given(args: FluxArgs, dest: str) -> bool:
    return args.given(dest) or (dest in _FILE_TWIN and args.given(_FILE_TWIN[dest]))


def check_params(kind: str, args: FluxArgs, creating: bool) -> None:
    """Reject options of other kinds (UnrecognizedArgumentError); on create require the kind's options."""
    spec = kind_spec(kind)
    allowed = set(COMMON) | set(spec.options)
    foreign = [d for d in SOURCE_DESTS if args.given(d) and d not in allowed]
    if foreign:
        valid = ", ".join(flag(d) for d in SOURCE_DESTS if d in allowed)
        raise UnrecognizedArgumentError(
            f"{', '.join(flag(d) for d in foreign)} cannot be used with --kind {spec.kind}.",
            f"Options for --kind {spec.kind}: {valid}")
    if creating:
        missing = [d for d in spec.required if not _given(args, d)]
        if missing:
            raise RequiredArgumentMissingError(
                f"--kind {spec.kind} requires {', '.join(flag(d) for d in missing)}.",
                f"Add {' and '.join(flag(d) for d in missing)} and try again.")


def _match_oidc(values: list[str]) -> list[dict]:
    result = []
    for item in values:
        try:
            parsed = json.loads(item)
        except (TypeError, ValueError):
            parsed = None
        if not isinstance(parsed, dict) or set(parsed) != {"issuer", "subject"} \
                or not all(isinstance(v, str) and v for v in parsed.values()):
            raise InvalidArgumentValueError(f"Invalid --match-oidc-identity value {item!r}.",
                                            'Each value is a JSON object with exactly "issuer" and "subject", e.g. '
                                            '\'{"issuer": "^https://token.actions.githubusercontent.com$", '
                                            '"subject": "^https://github.com/org/repo.*$"}\'')
        result.append(parsed)
    return result


def _verification_config(values: list[str]) -> dict:
    result = {}
    for item in values:
        key, sep, value = str(item).partition("=")
        if not sep or not key.strip() or key.strip() in result:
            raise InvalidArgumentValueError(f"Invalid --verification-config value {item!r}.",
                                            "Give distinct KEY=VALUE pairs, e.g. cosign.pub=BASE64KEY")
        result[key.strip()] = value
    return result


def _choice(table: dict[str, str], dest: str) -> Callable[[object], str]:
    def convert(value) -> str:
        found = table.get(str(value).strip().lower())
        if found is None:
            raise InvalidArgumentValueError(f"Invalid {flag(dest)} {value!r}.", "Use one of: " + ", ".join(table))
        return found
    return convert


def _boolean(dest: str) -> Callable[[object], bool]:
    return lambda value: parse_bool(value, flag(dest))


def _digest(value) -> str:
    if not _DIGEST.fullmatch(str(value)):
        raise InvalidArgumentValueError(f"Invalid --digest {value!r}.", "Use ALGORITHM:HEX, e.g. sha256:3f5a...")
    return str(value)


def _verification_provider(value) -> str:
    """Flux accepts only lower-case verify providers (its CRD enum); other names pass through unchanged."""
    text = _plain("verification_provider")(value)
    return text.lower() if text.lower() in VERIFY_PROVIDERS else text


_CONVERTERS: dict[str, Callable[[object], object]] = {
    "timeout": lambda v: parse_duration(v, "--timeout"),
    "sync_interval": lambda v: parse_duration(v, "--interval"),
    "provider": _choice(PROVIDERS, "provider"),
    "oci_operation": _choice({o: o for o in OCI_OPERATIONS}, "oci_operation"),
    "digest": _digest,
    "match_oidc_identity": _match_oidc,
    "verification_config": _verification_config,
    "verification_provider": _verification_provider,
    **{d: _boolean(d) for d in ("bucket_insecure", "oci_insecure", "use_workload_identity",
                                "sp_client_cert_send_chain")},
}


def _set(target: dict, path: tuple[str, ...], value) -> None:
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = value


def build_source(kind: str, args: FluxArgs, secrets: dict[str, str]) -> tuple[dict, dict]:
    """(source object fragment, protected settings) from the given options only."""
    source: dict = {}
    protected: dict = {}
    for dest, path in FIELD_PATHS[kind].items():
        if dest in secrets:
            value = secrets[dest]
        elif args.given(dest):
            raw = getattr(args, dest)
            value = validate_url(raw, kind) if dest == "url" else _CONVERTERS.get(dest, _plain(dest))(raw)
        else:
            continue
        if path[0].startswith("protected:"):
            protected[path[0].split(":", 1)[1]] = value
        else:
            _set(source, path, value)
    if kind == "azblob" and source.get("servicePrincipal") == {"clientCertificateSendChain": False}:
        del source["servicePrincipal"]  # `--sp-cert-send-chain false` alone is the default, not a new principal
    return source, protected


def _plain(dest: str) -> Callable[[object], str]:
    def convert(value) -> str:
        if not isinstance(value, str) or not value.strip():
            raise InvalidArgumentValueError(f"The value of {flag(dest)} is empty.", "Give a non-empty value.")
        return value.strip()
    return convert


def exclusive_nulls(kind: str, fragment: dict, existing: dict) -> dict:
    """Nulls for existing members of an EXCLUSIVE set that the fragment replaces (update only).

    A secret member (accountKey, sasToken) is nulled even when `existing` lacks it: ARM never returns a
    secret, so its absence from a GET does not mean it is unset on the server."""
    nulls: dict = {}
    write_only = {path[1:] for path in SECRET_FIELD_PATHS if path[0] == KINDS[kind].prop}
    for group in EXCLUSIVE[kind]:
        if not any(_get(fragment, p) is not None for p in group):
            continue
        for path in group:
            if _get(fragment, path) is None and (_get(existing, path) is not None or path in write_only):
                _set(nulls, path, None)
    if kind == "git" and "url" in fragment and existing.get("url"):
        stale = ("sshKnownHosts",) if is_http(fragment["url"]) else ("httpsUser",)
        if existing.get(stale[0]) is not None and stale[0] not in fragment:
            _set(nulls, stale, None)
    return nulls


def _get(source: dict, path: tuple[str, ...]):
    for key in path:
        if not isinstance(source, dict):
            return None
        source = source.get(key)
    return source


def _flags(*dests: str) -> str:
    return " / ".join(flag(d) for d in dests)


def _rules_git(src: dict, protected: dict, args: FluxArgs, creating: bool) -> None:
    refs = [k for k in ("branch", "tag", "semver", "commit") if (src.get("repositoryRef") or {}).get(k) is not None]
    if not refs:
        raise RequiredArgumentMissingError("The git repository reference is missing: --branch, --tag, --semver or "
                                           "--commit.",
                                           "Give exactly one of --branch, --tag, --semver or --commit.")
    if len(refs) > 1:
        raise MutuallyExclusiveArgumentError(f"Only one repository reference may be set, got "
                                             f"{', '.join('--' + r for r in refs)}.",
                                             "Give exactly one of --branch, --tag, --semver or --commit.")
    url = src.get("url") or ""
    if is_http(url):
        if "sshPrivateKey" in protected or src.get("sshKnownHosts"):
            used = [d for d in ("ssh_private_key", "ssh_private_key_file", "known_hosts", "known_hosts_file")
                    if args.given(d)] or ["known_hosts"]
            raise MutuallyExclusiveArgumentError(f"{_flags(*used)} cannot be used with an http(s) --url.",
                                                 "SSH keys and known_hosts need an ssh:// or user@host:path URL; "
                                                 "for https use --https-user and --https-key.")
    elif src.get("httpsUser") or "httpsKey" in protected:
        raise MutuallyExclusiveArgumentError("--https-user / --https-key cannot be used with an ssh --url.",
                                             "Use an https:// URL, or authenticate with --ssh-private-key(-file).")
    if _given(args, "https_user") != _given(args, "https_key") and (creating or not src.get("httpsUser")):
        raise RequiredArgumentMissingError("--https-user and --https-key (or --https-key-file) must be given "
                                           "together.", "Give both the user name and the token/password.")
    if "sshPrivateKey" in protected:
        validate_ssh_private_key(decode_base64(protected["sshPrivateKey"], "--ssh-private-key"),
                                 _flags("ssh_private_key_file") if args.given("ssh_private_key_file")
                                 else "--ssh-private-key")
    if args.given("known_hosts") or args.given("known_hosts_file"):
        validate_known_hosts(decode_base64(src["sshKnownHosts"], "--known-hosts"),
                             "--known-hosts-file" if args.given("known_hosts_file") else "--known-hosts")


def _rules_bucket(src: dict, protected: dict, _args: FluxArgs, creating: bool) -> None:
    has_keys = bool(src.get("accessKey")) and ("bucketSecretKey" in protected or not creating)
    if not (has_keys or src.get("localAuthRef")):
        raise RequiredArgumentMissingError("--kind bucket needs credentials: --bucket-access-key and "
                                           "--bucket-secret-key, or --local-auth-ref.",
                                           "Give both --bucket-access-key and --bucket-secret-key "
                                           "(or --bucket-secret-key-file), or --local-auth-ref.")
    if "bucketSecretKey" in protected and not src.get("accessKey"):
        raise RequiredArgumentMissingError("--bucket-secret-key needs --bucket-access-key.",
                                           "Give both --bucket-access-key and --bucket-secret-key.")


SP_DESTS = ("sp_client_id", "sp_tenant_id", "sp_client_secret", "sp_client_cert", "sp_client_cert_password",
            "sp_client_cert_send_chain")
_AZBLOB_METHODS = (("servicePrincipal", "service principal (--sp-*)"), ("accountKey", "--account-key"),
                   ("sasToken", "--sas-token"), ("localAuthRef", "--local-auth-ref"),
                   ("managedIdentity", "--mi-client-id"))


def _rules_azblob(src: dict, _protected: dict, args: FluxArgs, creating: bool) -> None:
    used = [label for key, label in _AZBLOB_METHODS if src.get(key)]
    if len(used) > 1:
        raise MutuallyExclusiveArgumentError(f"Too many Azure Blob authentication methods: {', '.join(used)}.",
                                             "Choose one of --account-key, --sas-token, --mi-client-id, "
                                             "--local-auth-ref or a service principal.")
    sp = src.get("servicePrincipal") or {}
    sp_given = any(_given(args, d) for d in SP_DESTS)
    if not sp or not (creating or sp_given):
        return
    if sp.get("clientSecret") and sp.get("clientCertificate"):
        raise MutuallyExclusiveArgumentError("--sp-client-secret and --sp-client-cert cannot be used together.",
                                             "Authenticate the service principal with a secret or a certificate.")
    if not creating:
        return  # existing secrets are never returned by ARM, so completeness is only checked on create
    if not (sp.get("clientId") and sp.get("tenantId") and (sp.get("clientSecret") or sp.get("clientCertificate"))):
        raise RequiredArgumentMissingError("The service principal is incomplete.",
                                           "Give --sp-client-id, --sp-tenant-id and either --sp-client-secret or "
                                           "--sp-client-cert (or their -file variants).")
    if (sp.get("clientCertificatePassword") or sp.get("clientCertificateSendChain")) \
            and not sp.get("clientCertificate"):
        raise RequiredArgumentMissingError("--sp-cert-password and --sp-cert-send-chain need --sp-client-cert.",
                                           "Give the certificate with --sp-client-cert or --sp-client-cert-file.")


def _rules_oci(src: dict, _protected: dict, _args: FluxArgs, creating: bool) -> None:
    refs = [k for k in ("tag", "semver", "digest") if (src.get("repositoryRef") or {}).get(k) is not None]
    if len(refs) > 1:
        raise MutuallyExclusiveArgumentError(f"Only one OCI reference may be set, got "
                                             f"{', '.join('--' + r for r in refs)}.",
                                             "Give one of --tag, --semver or --digest.")
    verify = src.get("verify") or {}
    if verify and not verify.get("provider"):
        raise RequiredArgumentMissingError("--match-oidc-identity and --verification-config need "
                                           "--verification-provider.", "Add --verification-provider cosign "
                                           "(or notation).")
    tls = src.get("tlsConfig") or {}
    if creating and bool(tls.get("clientCertificate")) != bool(tls.get("privateKey")):
        raise RequiredArgumentMissingError("--tls-client-certificate and --tls-private-key must be given together.",
                                           "Give both halves of the client certificate.")
    if src.get("useWorkloadIdentity") and src.get("localAuthRef"):
        raise MutuallyExclusiveArgumentError("--use-workload-identity and --local-auth-ref cannot be used together.",
                                             "Choose one way to authenticate to the registry.")


# Every rule takes (merged source, protected settings, FluxArgs, creating); a rule that does not need one of
# them names it with a leading underscore.
RULES: dict[str, Callable[[dict, dict, FluxArgs, bool], None]] = {
    "git": _rules_git, "bucket": _rules_bucket, "azblob": _rules_azblob, "oci": _rules_oci}


def validate_source(kind: str, merged: dict, protected: dict, args: FluxArgs, creating: bool) -> None:
    """Cross-field rules on the merged source object (create: the new one; update: existing + patch)."""
    RULES[kind](merged, protected, args, creating)
