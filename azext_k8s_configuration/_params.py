"""Argument registration for `az k8s-configuration` (no logic: parsing lives in the pure modules)."""
# pylint: disable=too-many-statements
from azure.cli.core.commands.parameters import get_enum_type, get_three_state_flag

CLUSTER_TYPES = ["connectedClusters", "managedClusters", "provisionedClusters"]
SOURCE_KINDS = ["git", "bucket", "azblob", "oci"]
GIT_PROVIDERS = ["generic", "azure", "github"]
OBJECT_KINDS = ["GitRepository", "Bucket", "OCIRepository", "HelmRepository", "HelmChart", "HelmRelease",
                "Kustomization"]
EXPORT_FORMATS = ["flux-yaml", "bicep", "arm"]

PREFER_FILE = "Prefer {} so the secret does not appear on the command line or in shell history."
DURATION = "Go duration such as 10m, 1h30m or 45s (ISO-8601 like PT10M also accepted)."


def _secret(help_text, file_flag):
    return f"{help_text} {PREFER_FILE.format(file_flag)}"


def _file(what):
    return f"Path of a file holding {what}; read locally, never echoed."


def load_arguments(loader, _):
    _cluster_arguments(loader)
    _flux_arguments(loader)
    _write_arguments(loader)
    _command_specific_arguments(loader)
    _kustomization_arguments(loader)


def _cluster_arguments(loader):
    with loader.argument_context("k8s-configuration") as c:
        c.argument("cluster_name", options_list=["--cluster-name", "-c"], help="Name of the Kubernetes cluster.")
        c.argument("cluster_type", options_list=["--cluster-type", "-t"], arg_type=get_enum_type(CLUSTER_TYPES),
                   help="Type of the cluster: Arc connected clusters, AKS managed clusters or provisioned "
                        "clusters (case-insensitive).")
        c.argument("cluster_resource_provider", options_list=["--cluster-resource-provider", "--cluster-rp"],
                   help="Resource provider of the cluster type. Required for provisionedClusters, where the "
                        "only accepted value is Microsoft.HybridContainerService; ignored otherwise.")
        c.argument("name", options_list=["--name", "-n"], help="Name of the configuration.")


def _flux_arguments(loader):
    with loader.argument_context("k8s-configuration flux") as c:
        c.argument("name", options_list=["--name", "-n"], help="Name of the flux configuration.")
        c.argument("scope", options_list=["--scope", "-s"], arg_type=get_enum_type(["cluster", "namespace"]),
                   help="Scope of the operator: 'cluster' or 'namespace'. Default: cluster.")
        c.argument("namespace", options_list=["--namespace", "--ns"],
                   help="Namespace to deploy the configuration into. Default: default.")
        c.argument("kind", arg_type=get_enum_type(SOURCE_KINDS),
                   help="Source kind to reconcile. Default: git on create, the existing kind on update.")
        c.argument("url", options_list=["--url", "-u"],
                   help="URL of the source to reconcile. Required on create unless --config-file gives it.")
        c.argument("timeout", help="Maximum time to reconcile the source before timing out. " + DURATION)
        c.argument("sync_interval", options_list=["--interval", "--sync-interval"],
                   help="Time between reconciliations of the source on the cluster. " + DURATION)
        c.argument("suspend", arg_type=get_three_state_flag(),
                   help="Suspend the reconciliation of the source and its kustomizations. Default: false.")
        c.argument("wait_for_reconciliation", options_list=["--wait-for-reconciliation", "--wait-for-reconcile"],
                   arg_type=get_three_state_flag(), arg_group="Reconciliation",
                   help="Have the service wait for the first reconciliation before the operation completes.")
        c.argument("reconciliation_wait_duration",
                   options_list=["--reconciliation-wait-duration", "--reconcile-wait-time"],
                   arg_group="Reconciliation",
                   help="How long the service waits for reconciliation (with --wait-for-reconciliation). "
                        + DURATION)
        c.argument("config_file", options_list=["--config-file"],
                   help="YAML or JSON file with a whole configuration (a path, or @path); flags given on the "
                        "command line override its values.")
        c.argument("kustomization", options_list=["--kustomization", "-k"], nargs="+", action="append",
                   help="A kustomization as KEY=VALUE tokens; repeat the flag for each one. Keys: name "
                        "(required), path, dependsOn (comma list, e.g. dependsOn=infra,apps), timeout, "
                        "interval, retryInterval (durations), prune, force, wait, disable_health_check "
                        "(true/false), substitute.VAR=VALUE and substituteFrom=Kind/name[/optional] "
                        "(postBuild, repeatable). Or @FILE with YAML/JSON: one kustomization with a name, a "
                        "list of them, or a map of name -> kustomization.")

    with loader.argument_context("k8s-configuration flux", arg_group="Git Repo Ref") as c:
        c.argument("branch", help="Branch within the git source to reconcile with the cluster.")
        c.argument("commit", help="Commit within the git source to reconcile with the cluster.")
    with loader.argument_context("k8s-configuration flux", arg_group="Git Repo Ref / OCI Repo Ref") as c:
        c.argument("tag", help="Tag within the git or OCI source to reconcile with the cluster.")
        c.argument("semver", help="Semver range within the git or OCI source to reconcile with the cluster.")

    with loader.argument_context("k8s-configuration flux", arg_group="Git Auth") as c:
        c.argument("ssh_private_key", help=_secret("Base64-encoded private SSH key for the git repository.",
                                                   "--ssh-private-key-file"))
        c.argument("ssh_private_key_file", help=_file("the private SSH key (PEM or OpenSSH format)"))
        c.argument("https_user", help="HTTPS user name for the git repository.")
        c.argument("https_key", help=_secret("HTTPS token or password for the git repository.",
                                             "--https-key-file"))
        c.argument("https_key_file", help=_file("the HTTPS token or password"))
        c.argument("https_ca_cert", help="Base64-encoded CA certificate for TLS to the git server.")
        c.argument("https_ca_cert_file", help=_file("the CA certificate for TLS to the git server"))
        c.argument("known_hosts", help="Base64-encoded known_hosts data for SSH git servers.")
        c.argument("known_hosts_file", help=_file("known_hosts lines for SSH git servers"))
        c.argument("provider", arg_type=get_enum_type(GIT_PROVIDERS),
                   help="Authentication provider: 'azure' uses the cluster's managed identity for Azure DevOps, "
                        "'github' a GitHub App, 'generic' the secrets given here.")
    with loader.argument_context("k8s-configuration flux", arg_group="Auth") as c:
        c.argument("local_auth_ref", options_list=["--local-auth-ref", "--local-ref"],
                   help="Kubernetes secret in the configuration namespace to authenticate to the source.")

    with loader.argument_context("k8s-configuration flux", arg_group="Bucket") as c:
        c.argument("bucket_name", help="Name of the S3 bucket to sync.")
        c.argument("bucket_insecure", arg_type=get_three_state_flag(),
                   help="Talk to the bucket without TLS.")
    with loader.argument_context("k8s-configuration flux", arg_group="Bucket Auth") as c:
        c.argument("bucket_access_key", help="Access key ID for the bucket.")
        c.argument("bucket_secret_key", help=_secret("Secret key for the bucket.", "--bucket-secret-key-file"))
        c.argument("bucket_secret_key_file", help=_file("the bucket secret key"))

    with loader.argument_context("k8s-configuration flux", arg_group="Azure Blob Auth") as c:
        c.argument("container_name", arg_group=None, help="Name of the Azure Blob Storage container to sync.")
        c.argument("sp_client_id", options_list=["--sp-client-id", "--service-principal-client-id"],
                   help="Client ID of the service principal.")
        c.argument("sp_tenant_id", options_list=["--sp-tenant-id", "--service-principal-tenant-id"],
                   help="Tenant ID of the service principal.")
        c.argument("sp_client_secret", options_list=["--sp-client-secret", "--service-principal-client-secret"],
                   help=_secret("Client secret of the service principal.", "--sp-client-secret-file"))
        c.argument("sp_client_secret_file", options_list=["--sp-client-secret-file"],
                   help=_file("the service principal's client secret"))
        c.argument("sp_client_cert",
                   options_list=["--sp-client-cert", "--service-principal-client-certificate"],
                   help=_secret("Base64-encoded client certificate of the service principal.",
                                "--sp-client-cert-file"))
        c.argument("sp_client_cert_file", options_list=["--sp-client-cert-file"],
                   help=_file("the service principal's client certificate (PEM)"))
        c.argument("sp_client_cert_password",
                   options_list=["--sp-cert-password", "--service-principal-client-certificate-password"],
                   help=_secret("Password of the client certificate.", "--sp-cert-password-file"))
        c.argument("sp_client_cert_password_file", options_list=["--sp-cert-password-file"],
                   help=_file("the client certificate's password"))
        c.argument("sp_client_cert_send_chain",
                   options_list=["--sp-cert-send-chain", "--service-principal-client-certificate-send-chain"],
                   arg_type=get_three_state_flag(),
                   help="Send the certificate chain (x5c header) for subject-name/issuer authentication.")
        c.argument("account_key", help=_secret("Shared key of the storage account.", "--account-key-file"))
        c.argument("account_key_file", help=_file("the storage account shared key"))
        c.argument("sas_token", help=_secret("SAS token for the container.", "--sas-token-file"))
        c.argument("sas_token_file", help=_file("the SAS token"))
        c.argument("mi_client_id", options_list=["--mi-client-id", "--managed-identity-client-id"],
                   help="Client ID of the managed identity to authenticate with Azure Blob.")

    with loader.argument_context("k8s-configuration flux", arg_group="OCI Repo Ref") as c:
        c.argument("digest", help="Image digest (sha256:...) to pull from the OCI repository; wins over tag "
                                  "and semver.")
        c.argument("oci_media_type", options_list=["--oci-media-type", "--oci-layer-selector-media-type"],
                   help="Media type of the OCI layer to extract or copy.")
        c.argument("oci_operation", options_list=["--oci-operation", "--oci-layer-selector-operation"],
                   arg_type=get_enum_type(["extract", "copy"]),
                   help="What to do with the selected layer. Default: extract.")
    with loader.argument_context("k8s-configuration flux", arg_group="OCI Repository Auth") as c:
        c.argument("tls_ca_certificate", help="Base64-encoded CA certificate for TLS to the registry.")
        c.argument("tls_client_certificate", help="Base64-encoded client certificate for mutual TLS.")
        c.argument("tls_private_key", help=_secret("Base64-encoded private key of the TLS client certificate.",
                                                   "--tls-private-key-file"))
        c.argument("tls_private_key_file", help=_file("the TLS client private key (PEM)"))
        c.argument("service_account_name", help="Kubernetes service account used to pull from the registry.")
        c.argument("use_workload_identity", arg_type=get_three_state_flag(),
                   help="Authenticate to the registry with workload identity.")
        c.argument("verification_provider", help="Provider used to verify the OCI artifact (e.g. cosign).")
        c.argument("match_oidc_identity", nargs="+",
                   help="JSON objects with 'issuer' and 'subject' regexes of trusted keyless signatures.")
        c.argument("verification_config", nargs="+",
                   help="KEY=VALUE entries with trusted public keys for artifact verification.")
        c.argument("oci_insecure", arg_group=None, arg_type=get_three_state_flag(),
                   help="Allow connecting to an insecure (HTTP) OCI registry.")


def _write_arguments(loader):
    for scope in ("k8s-configuration flux", "k8s-configuration flux kustomization"):
        with loader.argument_context(scope) as c:
            c.argument("dry_run", options_list=["--dry-run"], action="store_true",
                       help="Validate offline and print the request that would be sent (method, URL, body with "
                            "secrets redacted) instead of sending it.")
            c.argument("wait_for_compliance", options_list=["--wait-for-compliance"], action="store_true",
                       arg_group="Wait",
                       help="After the write, keep polling until the configuration is Compliant on the cluster, "
                            "showing the state of each object; fail fast on Non-Compliant. (Client-side: nothing "
                            "is sent to Azure for it.)")
            c.argument("compliance_timeout", options_list=["--compliance-timeout"], arg_group="Wait",
                       help="How long --wait-for-compliance waits. Default: 10m. " + DURATION)
            c.argument("yes", options_list=["--yes", "-y"], action="store_true",
                       help="Do not prompt for confirmation.")


def _command_specific_arguments(loader):
    with loader.argument_context("k8s-configuration flux delete") as c:
        c.argument("force", arg_type=get_three_state_flag(),
                   help="Delete the configuration resource in Azure without waiting for the cluster to remove "
                        "it (forceDelete).")
    with loader.argument_context("k8s-configuration flux export") as c:
        c.argument("export_format", options_list=["--format"], arg_type=get_enum_type(EXPORT_FORMATS),
                   help="flux-yaml: the Flux source and Kustomization objects; bicep or arm: a template for the "
                        "configuration (and the microsoft.flux extension). Secrets are never exported.")
    with loader.argument_context("k8s-configuration flux wait") as c:
        c.argument("wait_for", options_list=["--for"], arg_type=get_enum_type(["compliant", "deleted"]),
                   help="Condition to wait for.")
        c.argument("timeout", help="How long to wait before failing. " + DURATION)
    with loader.argument_context("k8s-configuration flux check") as c:
        c.argument("fix", options_list=["--fix"], action="store_true",
                   help="Fix what can be fixed: register the provider, install the microsoft.flux "
                        "extension or wait for one still installing.")
    with loader.argument_context("k8s-configuration flux deployed-object show") as c:
        c.argument("object_name", help="Name of the object on the cluster.")
        c.argument("object_namespace", help="Namespace of the object on the cluster.")
        c.argument("object_kind", arg_type=get_enum_type(OBJECT_KINDS),
                   help="Kind of the object on the cluster (case-insensitive).")


def _kustomization_arguments(loader):
    with loader.argument_context("k8s-configuration flux kustomization") as c:
        c.argument("kustomization_name", options_list=["--kustomization-name", "-k"],
                   help="Name of the kustomization to target.")
        c.argument("path", help="Path in the source that the kustomization applies. Default on create: the "
                                "source root.")
        c.argument("dependencies", options_list=["--depends", "--dependencies", "--depends-on"],
                   help="Comma-separated names of kustomizations that must be ready first.")
        c.argument("timeout", help="Maximum time to reconcile the kustomization. " + DURATION)
        c.argument("sync_interval", options_list=["--interval", "--sync-interval"],
                   help="Time between reconciliations of the kustomization. " + DURATION)
        c.argument("retry_interval", help="Time between retries after a failure; defaults to --sync-interval. "
                                          + DURATION)
        c.argument("prune", arg_type=get_three_state_flag(),
                   help="Garbage collect objects the kustomization deployed when they leave the source.")
        c.argument("force", arg_type=get_three_state_flag(),
                   help="Re-create objects that cannot be updated in place (e.g. jobs).")
        c.argument("wait", options_list=["--wait"], arg_type=get_three_state_flag(),
                   help="Have Flux wait for the applied objects to become healthy before the kustomization is "
                        "Ready (the kustomization's wait field, as in the Flux CLI). Default on create: true. "
                        "Not the client-side wait: that is --wait-for-compliance.")
        c.argument("disable_health_check", arg_type=get_three_state_flag(),
                   help="Inverse of --wait: true sends wait=false. Give one of the two; both are accepted when "
                        "they agree.")
        c.argument("substitute", nargs="+",
                   help="postBuild variable substitutions as KEY=VALUE pairs.")
        c.argument("substitute_from", nargs="+",
                   help="postBuild substitutions from ConfigMaps or Secrets as Kind/name[/optional], e.g. "
                        "ConfigMap/cluster-vars Secret/tokens/optional.")
    with loader.argument_context("k8s-configuration flux kustomization update") as c:
        c.argument("remove_post_build", options_list=["--remove-post-build"], action="store_true",
                   help="Remove the kustomization's postBuild (every substitution and substituteFrom) in this "
                        "write; cannot be combined with --substitute or --substitute-from.")
    with loader.argument_context("k8s-configuration flux kustomization list") as c:
        c.argument("graph", options_list=["--graph"], action="store_true",
                   help="Print the dependsOn graph of the kustomizations as a text tree instead of the list "
                        "(ASCII when the output cannot show box-drawing characters; not affected by --output).")
