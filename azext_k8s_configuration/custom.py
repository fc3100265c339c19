"""Thin command entry points: collect the arguments, delegate to providers/.

Every function here only turns the parsed arguments into a `ClusterRef` plus a `FluxArgs` (or a few plain
values) and calls the provider layer. Parameter names are the `dest` names registered in `_params.py`.
az calls these functions with keyword arguments only, so every parameter after `cmd` is keyword-only.
"""
# az builds each command's arguments from its function's signature (one parameter per flag) and the functions
# hand them on through locals(), which pylint cannot see: hence these module-wide exceptions.
# pylint: disable=unused-argument,too-many-arguments,too-many-locals
import dataclasses


def _cluster(values):
    from azext_k8s_configuration.cluster_ref import parse_cluster_ref
    return parse_cluster_ref(values["resource_group_name"], values["cluster_type"], values["cluster_name"],
                             values.get("cluster_resource_provider"))


def _flux_args(values):
    from azext_k8s_configuration.flux_args import FluxArgs
    names = {f.name for f in dataclasses.fields(FluxArgs)}
    return FluxArgs(**{k: v for k, v in values.items() if k in names})


def _write_options(values):
    return {"no_wait": bool(values.get("no_wait")), "dry_run": bool(values.get("dry_run")),
            "wait_for_compliance": bool(values.get("wait_for_compliance")),
            "compliance_timeout": values.get("compliance_timeout")}


# ---- flux configurations ---------------------------------------------------------------------------------

def flux_create(cmd, *, resource_group_name, cluster_name, cluster_type, name, cluster_resource_provider=None,
                url=None, scope=None, namespace=None, kind=None, timeout=None, sync_interval=None, suspend=None,
                wait_for_reconciliation=None, reconciliation_wait_duration=None,
                branch=None, tag=None, semver=None, commit=None,
                ssh_private_key=None, ssh_private_key_file=None, https_user=None, https_key=None,
                https_key_file=None, https_ca_cert=None, https_ca_cert_file=None, known_hosts=None,
                known_hosts_file=None, provider=None, local_auth_ref=None,
                bucket_name=None, bucket_access_key=None, bucket_secret_key=None, bucket_secret_key_file=None,
                bucket_insecure=None, container_name=None, sp_client_id=None, sp_tenant_id=None,
                sp_client_secret=None, sp_client_secret_file=None, sp_client_cert=None, sp_client_cert_file=None,
                sp_client_cert_password=None, sp_client_cert_password_file=None, sp_client_cert_send_chain=None,
                account_key=None, account_key_file=None, sas_token=None, sas_token_file=None, mi_client_id=None,
                digest=None, oci_media_type=None, oci_operation=None, tls_ca_certificate=None,
                tls_client_certificate=None, tls_private_key=None, tls_private_key_file=None,
                service_account_name=None, use_workload_identity=None, verification_provider=None,
                match_oidc_identity=None, verification_config=None, oci_insecure=None,
                kustomization=None, config_file=None,
                no_wait=False, dry_run=False, wait_for_compliance=False, compliance_timeout=None):
    from azext_k8s_configuration.providers import flux_configurations
    values = locals()
    return flux_configurations.create(cmd, _cluster(values), name, _flux_args(values), **_write_options(values))


def flux_update(cmd, *, resource_group_name, cluster_name, cluster_type, name, cluster_resource_provider=None,
                url=None, kind=None, timeout=None, sync_interval=None, suspend=None,
                wait_for_reconciliation=None, reconciliation_wait_duration=None,
                branch=None, tag=None, semver=None, commit=None,
                ssh_private_key=None, ssh_private_key_file=None, https_user=None, https_key=None,
                https_key_file=None, https_ca_cert=None, https_ca_cert_file=None, known_hosts=None,
                known_hosts_file=None, provider=None, local_auth_ref=None,
                bucket_name=None, bucket_access_key=None, bucket_secret_key=None, bucket_secret_key_file=None,
                bucket_insecure=None, container_name=None, sp_client_id=None, sp_tenant_id=None,
                sp_client_secret=None, sp_client_secret_file=None, sp_client_cert=None, sp_client_cert_file=None,
                sp_client_cert_password=None, sp_client_cert_password_file=None, sp_client_cert_send_chain=None,
                account_key=None, account_key_file=None, sas_token=None, sas_token_file=None, mi_client_id=None,
                digest=None, oci_media_type=None, oci_operation=None, tls_ca_certificate=None,
                tls_client_certificate=None, tls_private_key=None, tls_private_key_file=None,
                service_account_name=None, use_workload_identity=None, verification_provider=None,
                match_oidc_identity=None, verification_config=None, oci_insecure=None,
                kustomization=None, config_file=None, yes=False,
                no_wait=False, dry_run=False, wait_for_compliance=False, compliance_timeout=None):
    from azext_k8s_configuration.providers import flux_configurations
    values = locals()
    return flux_configurations.update(cmd, _cluster(values), name, _flux_args(values), yes=yes,
                                      **_write_options(values))


def flux_list(cmd, *, resource_group_name, cluster_name, cluster_type, cluster_resource_provider=None):
    from azext_k8s_configuration.providers import flux_configurations
    return flux_configurations.list_configs(cmd, _cluster(locals()))


def flux_show(cmd, *, resource_group_name, cluster_name, cluster_type, name, cluster_resource_provider=None):
    from azext_k8s_configuration.providers import flux_configurations
    return flux_configurations.show(cmd, _cluster(locals()), name)


def flux_delete(cmd, *, resource_group_name, cluster_name, cluster_type, name, cluster_resource_provider=None,
                force=None, yes=False, no_wait=False, dry_run=False):
    from azext_k8s_configuration.providers import flux_configurations
    return flux_configurations.delete(cmd, _cluster(locals()), name, force=bool(force), yes=yes,
                                      no_wait=no_wait, dry_run=dry_run)


def flux_export(cmd, *, resource_group_name, cluster_name, cluster_type, name, cluster_resource_provider=None,
                export_format="flux-yaml"):
    from azext_k8s_configuration.providers import flux_configurations
    return flux_configurations.export(cmd, _cluster(locals()), name, export_format)


def flux_wait(cmd, *, resource_group_name, cluster_name, cluster_type, name, cluster_resource_provider=None,
              wait_for="compliant", timeout="10m"):
    from azext_k8s_configuration.providers import flux_configurations
    return flux_configurations.wait_until(cmd, _cluster(locals()), name, wait_for, timeout)


def flux_check(cmd, *, resource_group_name, cluster_name, cluster_type, cluster_resource_provider=None, fix=False):
    from azext_k8s_configuration.providers import checks
    return checks.run(cmd, _cluster(locals()), fix=bool(fix))


# ---- kustomizations --------------------------------------------------------------------------------------

def kustomization_create(cmd, *, resource_group_name, cluster_name, cluster_type, name, kustomization_name,
                         cluster_resource_provider=None, path=None, dependencies=None, timeout=None,
                         sync_interval=None, retry_interval=None, prune=None, force=None,
                         wait=None, disable_health_check=None, substitute=None, substitute_from=None,
                         no_wait=False, dry_run=False, wait_for_compliance=False, compliance_timeout=None):
    from azext_k8s_configuration.providers import kustomizations
    values = locals()
    return kustomizations.create(cmd, _cluster(values), name, kustomization_name,
                                 kustomizations.flag_values(values), **_write_options(values))


def kustomization_update(cmd, *, resource_group_name, cluster_name, cluster_type, name, kustomization_name,
                         cluster_resource_provider=None, path=None, dependencies=None, timeout=None,
                         sync_interval=None, retry_interval=None, prune=None, force=None,
                         wait=None, disable_health_check=None, substitute=None, substitute_from=None,
                         remove_post_build=False, no_wait=False, dry_run=False, wait_for_compliance=False,
                         compliance_timeout=None):
    from azext_k8s_configuration.providers import kustomizations
    values = locals()
    return kustomizations.update(cmd, _cluster(values), name, kustomization_name,
                                 kustomizations.flag_values(values), **_write_options(values))


def kustomization_delete(cmd, *, resource_group_name, cluster_name, cluster_type, name, kustomization_name,
                         cluster_resource_provider=None, yes=False, no_wait=False, dry_run=False):
    from azext_k8s_configuration.providers import kustomizations
    return kustomizations.delete(cmd, _cluster(locals()), name, kustomization_name, yes=yes,
                                 no_wait=no_wait, dry_run=dry_run)


def kustomization_list(cmd, *, resource_group_name, cluster_name, cluster_type, name, cluster_resource_provider=None,
                       graph=False):
    from azext_k8s_configuration.providers import kustomizations
    return kustomizations.list_kustomizations(cmd, _cluster(locals()), name, graph=bool(graph))


def kustomization_show(cmd, *, resource_group_name, cluster_name, cluster_type, name, kustomization_name,
                       cluster_resource_provider=None):
    from azext_k8s_configuration.providers import kustomizations
    return kustomizations.show(cmd, _cluster(locals()), name, kustomization_name)


# ---- deployed objects ------------------------------------------------------------------------------------

def deployed_object_list(cmd, *, resource_group_name, cluster_name, cluster_type, name,
                         cluster_resource_provider=None):
    from azext_k8s_configuration.providers import deployed_objects
    return deployed_objects.list_objects(cmd, _cluster(locals()), name)


def deployed_object_show(cmd, *, resource_group_name, cluster_name, cluster_type, name, object_name,
                         object_namespace, object_kind, cluster_resource_provider=None):
    from azext_k8s_configuration.providers import deployed_objects
    return deployed_objects.show(cmd, _cluster(locals()), name, object_name=object_name,
                                 object_namespace=object_namespace, object_kind=object_kind)


# ---- deprecated Flux v1 (sourceControlConfigurations) ------------------------------------------------------

def legacy_list(cmd, *, resource_group_name, cluster_name, cluster_type, cluster_resource_provider=None):
    from azext_k8s_configuration.providers import legacy
    return legacy.list_configs(cmd, _cluster(locals()))


def legacy_show(cmd, *, resource_group_name, cluster_name, cluster_type, name, cluster_resource_provider=None):
    from azext_k8s_configuration.providers import legacy
    return legacy.show(cmd, _cluster(locals()), name)


def legacy_delete(cmd, *, resource_group_name, cluster_name, cluster_type, name, cluster_resource_provider=None):
    from azext_k8s_configuration.providers import legacy
    return legacy.delete(cmd, _cluster(locals()), name)
