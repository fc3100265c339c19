"""Typed view of the arguments of the `az k8s-configuration flux ...` commands.

`FluxArgs` field names are the argparse `dest` names registered in `_params.py`. Every field defaults to
None, meaning "not given on the command line"; the parsing layer never confuses "not given" with a
false/empty value. The cluster identity (-g/-c/-t/--cluster-rp) lives in `cluster_ref.ClusterRef`.

`FLAG_NAMES` maps a dest name to the option users type, so every error message names a real flag.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

# dest -> the option shown in messages (the first/primary spelling registered by _params.py).
FLAG_NAMES: dict[str, str] = {
    "name": "--name",
    "scope": "--scope",
    "namespace": "--namespace",
    "kind": "--kind",
    "url": "--url",
    "timeout": "--timeout",
    "sync_interval": "--interval",
    "suspend": "--suspend",
    "wait_for_reconciliation": "--wait-for-reconciliation",
    "reconciliation_wait_duration": "--reconciliation-wait-duration",
    "branch": "--branch",
    "tag": "--tag",
    "semver": "--semver",
    "commit": "--commit",
    "ssh_private_key": "--ssh-private-key",
    "ssh_private_key_file": "--ssh-private-key-file",
    "https_user": "--https-user",
    "https_key": "--https-key",
    "https_key_file": "--https-key-file",
    "https_ca_cert": "--https-ca-cert",
    "https_ca_cert_file": "--https-ca-cert-file",
    "known_hosts": "--known-hosts",
    "known_hosts_file": "--known-hosts-file",
    "provider": "--provider",
    "local_auth_ref": "--local-auth-ref",
    "bucket_name": "--bucket-name",
    "bucket_access_key": "--bucket-access-key",
    "bucket_secret_key": "--bucket-secret-key",
    "bucket_secret_key_file": "--bucket-secret-key-file",
    "bucket_insecure": "--bucket-insecure",
    "container_name": "--container-name",
    "sp_client_id": "--sp-client-id",
    "sp_tenant_id": "--sp-tenant-id",
    "sp_client_secret": "--sp-client-secret",
    "sp_client_secret_file": "--sp-client-secret-file",
    "sp_client_cert": "--sp-client-cert",
    "sp_client_cert_file": "--sp-client-cert-file",
    "sp_client_cert_password": "--sp-cert-password",
    "sp_client_cert_password_file": "--sp-cert-password-file",
    "sp_client_cert_send_chain": "--sp-cert-send-chain",
    "account_key": "--account-key",
    "account_key_file": "--account-key-file",
    "sas_token": "--sas-token",
    "sas_token_file": "--sas-token-file",
    "mi_client_id": "--mi-client-id",
    "digest": "--digest",
    "oci_media_type": "--oci-media-type",
    "oci_operation": "--oci-operation",
    "tls_ca_certificate": "--tls-ca-certificate",
    "tls_client_certificate": "--tls-client-certificate",
    "tls_private_key": "--tls-private-key",
    "tls_private_key_file": "--tls-private-key-file",
    "service_account_name": "--service-account-name",
    "use_workload_identity": "--use-workload-identity",
    "verification_provider": "--verification-provider",
    "match_oidc_identity": "--match-oidc-identity",
    "verification_config": "--verification-config",
    "oci_insecure": "--oci-insecure",
    "kustomization": "--kustomization",
    "config_file": "--config-file",
    "kustomization_name": "--kustomization-name",
    "path": "--path",
    "dependencies": "--depends-on",
    "retry_interval": "--retry-interval",
    "prune": "--prune",
    "force": "--force",
    "wait": "--wait",
    "disable_health_check": "--disable-health-check",
    "remove_post_build": "--remove-post-build",
    "substitute": "--substitute",
    "substitute_from": "--substitute-from",
    "wait_for_compliance": "--wait-for-compliance",
    "compliance_timeout": "--compliance-timeout",
}


def flag(dest: str) -> str:
    """The option a user types for `dest` (falls back to the dashed dest name)."""
    return FLAG_NAMES.get(dest, "--" + dest.replace("_", "-"))


@dataclass
class FluxArgs:  # pylint: disable=too-many-instance-attributes
    """Everything a flux command received; None means the option was not given."""

    name: str | None = None
    # configuration
    scope: str | None = None
    namespace: str | None = None
    kind: str | None = None
    url: str | None = None
    timeout: str | None = None
    sync_interval: str | None = None
    suspend: bool | None = None
    wait_for_reconciliation: bool | None = None
    reconciliation_wait_duration: str | None = None
    # git repository ref
    branch: str | None = None
    tag: str | None = None
    semver: str | None = None
    commit: str | None = None
    # git auth
    ssh_private_key: str | None = None
    ssh_private_key_file: str | None = None
    https_user: str | None = None
    https_key: str | None = None
    https_key_file: str | None = None
    https_ca_cert: str | None = None
    https_ca_cert_file: str | None = None
    known_hosts: str | None = None
    known_hosts_file: str | None = None
    provider: str | None = None
    local_auth_ref: str | None = None
    # bucket
    bucket_name: str | None = None
    bucket_access_key: str | None = None
    bucket_secret_key: str | None = None
    bucket_secret_key_file: str | None = None
    bucket_insecure: bool | None = None
    # azure blob
    container_name: str | None = None
    sp_client_id: str | None = None
    sp_tenant_id: str | None = None
    sp_client_secret: str | None = None
    sp_client_secret_file: str | None = None
    sp_client_cert: str | None = None
    sp_client_cert_file: str | None = None
    sp_client_cert_password: str | None = None
    sp_client_cert_password_file: str | None = None
    sp_client_cert_send_chain: bool | None = None
    account_key: str | None = None
    account_key_file: str | None = None
    sas_token: str | None = None
    sas_token_file: str | None = None
    mi_client_id: str | None = None
    # oci
    digest: str | None = None
    oci_media_type: str | None = None
    oci_operation: str | None = None
    tls_ca_certificate: str | None = None
    tls_client_certificate: str | None = None
    tls_private_key: str | None = None
    tls_private_key_file: str | None = None
    service_account_name: str | None = None
    use_workload_identity: bool | None = None
    verification_provider: str | None = None
    match_oidc_identity: list[str] | None = None
    verification_config: list[str] | None = None
    oci_insecure: bool | None = None
    # kustomizations
    kustomization: list[list[str]] | None = None
    config_file: str | None = None
    # kustomization subcommands
    kustomization_name: str | None = None
    path: str | None = None
    dependencies: str | None = None
    retry_interval: str | None = None
    prune: bool | None = None
    force: bool | None = None
    wait: bool | None = None
    disable_health_check: bool | None = None
    remove_post_build: bool | None = None
    substitute: list[str] | None = None
    substitute_from: list[str] | None = None
    # write behaviour (used by the command layer, not by the body builder)
    no_wait: bool | None = None
    dry_run: bool | None = None
    wait_for_compliance: bool | None = None
    compliance_timeout: str | None = None
    yes: bool | None = None

    def given(self, dest: str) -> bool:
        return getattr(self, dest, None) is not None

    def with_values(self, **changes: Any) -> FluxArgs:
        return replace(self, **changes)
