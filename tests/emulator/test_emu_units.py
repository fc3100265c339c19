"""Pure parts of the emulator: schema walkers, merge patch, tokens, rules, az config seeding."""

from __future__ import annotations

import pytest

from k8sconfig_emulator import azure_env, errors, flux_rules, schema, tokens
from k8sconfig_emulator.resource_schemas import (
    FLUX,
    FLUX_PATCH,
    FLUX_PROPERTIES,
    SECRET_NAMES,
)


def test_merge_patch_follows_rfc7396():
    target = {"a": 1, "m": {"x": 1, "y": 2}, "keep": [1]}
    assert schema.merge_patch(target, {"a": None, "m": {"x": None, "z": 3}, "new": {"n": None}}) == \
        {"m": {"y": 2, "z": 3}, "keep": [1], "new": {}}
    assert target == {"a": 1, "m": {"x": 1, "y": 2}, "keep": [1]}


def test_defaults_fill_only_present_objects():
    props = schema.apply_defaults(FLUX_PROPERTIES, {"gitRepository": {"url": "u"}, "kustomizations": {"k": {}}})
    assert props["gitRepository"]["timeoutInSeconds"] == 600 and "bucket" not in props
    assert props["kustomizations"]["k"]["wait"] is True and props["suspend"] is False


def test_secret_names_come_from_the_schema():
    assert {"configurationProtectedSettings", "accountKey", "sasToken", "clientSecret", "clientCertificate",
            "clientCertificatePassword", "privateKey"} <= SECRET_NAMES
    stored = {"properties": {"azureBlob": {"url": "u", "sasToken": "s"}, "configurationProtectedSettings": {"a": "b"}}}
    assert schema.remove_secrets(FLUX, stored) == {"properties": {"azureBlob": {"url": "u"}}}
    assert schema.redact_for_log(stored, SECRET_NAMES)["properties"]["configurationProtectedSettings"] == \
        {"a": schema.REDACTED}


def test_log_redaction_ignores_casing_and_scrubs_urls():
    body = {"properties": {"ConfigurationProtectedSettings": {"sshPrivateKey": "K1"},
                           "gitRepository": {"url": "https://alice:pw-S3CRET@git.example/r.git?ref=main",
                                             "PASSWORD": "P2", "Https_Key": "P3"},
                           "azureBlob": {"url": "https://acct.blob.example/c?sv=2024&sig=SIGVALUE&se=x",
                                         "AccountKey": "P4"},
                           "note": "see ssh://bob:hunter2@host/x and https://h/p?access_token=TOK"}}
    text = str(schema.redact_for_log(body, SECRET_NAMES))
    for secret in ("K1", "pw-S3CRET", "alice", "P2", "P3", "SIGVALUE", "P4", "hunter2", "TOK"):
        assert secret not in text, secret
    logged = schema.redact_for_log(body, SECRET_NAMES)["properties"]
    assert logged["ConfigurationProtectedSettings"] == {"sshPrivateKey": schema.REDACTED}
    assert logged["gitRepository"]["url"].startswith("https://<redacted>@git.example/r.git?ref=main")
    assert "sv=2024" in logged["azureBlob"]["url"] and "se=x" in logged["azureBlob"]["url"]
    assert schema.redact_for_log({"$skipToken": "5", "api-version": "1"}, SECRET_NAMES) == \
        {"$skipToken": "5", "api-version": "1"}
    named = {"properties": {"kustomizations": {"api-key": {"path": "./k", "Password": "P5"}}}}
    assert schema.redact_for_log(named, SECRET_NAMES) == \
        {"properties": {"kustomizations": {"api-key": {"path": "./k", "Password": schema.REDACTED}}}}


@pytest.mark.parametrize("value", [0, -5, 1e20, 10**30, 9223372037])
def test_seconds_fields_are_range_checked(value):
    body = {"properties": {"gitRepository": {"timeoutInSeconds": value}}}
    with pytest.raises(errors.ArmError) as caught:
        schema.validate(FLUX, body)
    assert caught.value.code == "ValidationFailed" and caught.value.target == "properties.gitRepository.timeoutInSeconds"
    assert "between 1 and 9223372036" in caught.value.message


def test_integral_numbers_become_integers_and_the_patch_schema_keeps_ranges():
    body = {"properties": {"kustomizations": {"k": {"retryIntervalInSeconds": 6e2}}}}
    schema.validate(FLUX, body)
    assert schema.strip_read_only(FLUX, body)["properties"]["kustomizations"]["k"]["retryIntervalInSeconds"] == 600
    assert isinstance(schema.strip_read_only(FLUX, body)["properties"]["kustomizations"]["k"]["retryIntervalInSeconds"],
                      int)
    with pytest.raises(errors.ArmError):
        schema.validate(FLUX_PATCH, {"properties": {"bucket": {"syncIntervalInSeconds": 1e20}}})


@pytest.mark.parametrize("body,path", [
    ({"properties": {"suspend": 1}}, "properties.suspend"),
    ({"properties": {"gitRepository": {"timeoutInSeconds": True}}}, "properties.gitRepository.timeoutInSeconds"),
    ({"properties": {"kustomizations": {"a": {"dependsOn": [1]}}}}, "properties.kustomizations.a.dependsOn[0]"),
    ({"properties": []}, "properties"),
])
def test_validate_names_the_json_path(body, path):
    with pytest.raises(errors.ArmError) as caught:
        schema.validate(FLUX, body)
    assert caught.value.target == path and caught.value.status == 400


def test_json_depth_is_iterative():
    deep: list = []
    for _ in range(5000):
        deep = [deep]
    assert schema.json_depth(deep) == 5001


KEY = b"k" * 48


def test_tokens_round_trip_and_reject_tampering():
    issued = tokens.issue(KEY, "res", now=1000)
    assert issued["expires_on"] == str(1000 + tokens.LIFETIME_SECONDS)
    assert tokens.verify(KEY, issued["access_token"], now=1001, audiences=["res"])["tid"] == tokens.TENANT_ID
    with pytest.raises(tokens.TokenError):
        tokens.verify(b"o" * 48, issued["access_token"], now=1001)
    with pytest.raises(tokens.TokenError):
        tokens.verify(KEY, issued["access_token"], now=10**9)
    with pytest.raises(tokens.TokenError):
        tokens.verify(KEY, "not-a-jwt")


def test_tokens_check_audience_and_not_before():
    issued = tokens.issue(KEY, "https://graph.example/", now=1000)["access_token"]
    with pytest.raises(tokens.TokenError) as caught:
        tokens.verify(KEY, issued, now=1001, audiences=["https://management.k8sconfig.local/"])
    assert caught.value.code == "InvalidAuthenticationTokenAudience"
    with pytest.raises(tokens.TokenError) as caught:
        tokens.verify(KEY, issued, now=999)
    assert "not valid yet" in caught.value.message


def test_find_cycle_and_durations():
    assert flux_rules.find_cycle({"a": ["b"], "b": ["c"], "c": ["a"]}) == ["a", "b", "c", "a"]
    assert flux_rules.find_cycle({"a": ["b"], "b": []}) is None
    assert flux_rules.duration_seconds("PT1H30M", 0) == 5400
    assert flux_rules.duration_seconds("P1DT2S", 0) == 86402
    assert flux_rules.duration_seconds("bogus", 7) == 7


def test_seeded_az_config_follows_the_port(tmp_path):
    azure_env.seed(tmp_path, 1111)
    assert "https://127.0.0.1:1111/" in (tmp_path / "clouds.config").read_text()
    (tmp_path / "config").write_text("changed by az")
    azure_env.seed(tmp_path, 1111)
    assert (tmp_path / "config").read_text() == "changed by az"
    azure_env.seed(tmp_path, 2222)
    assert "https://127.0.0.1:2222/" in (tmp_path / "clouds.config").read_text()
    assert "use_dynamic_install = no" in (tmp_path / "config").read_text()


def test_extension_dir_defaults():
    assert azure_env.extension_dir({"AZURE_EXTENSION_DIR": "/x"}) == "/x"
    assert azure_env.extension_dir({"AZURE_CONFIG_DIR": "/c"}) == "/c/cliextensions"
    assert azure_env.extension_dir({"HOME": "/h"}) == "/h/.azure/cliextensions"


def test_cluster_objects_table_reads_like_kubectl_get():
    from k8sconfig_emulator.cli import _table
    text = _table([{"kind": "HelmRelease", "namespace": "nginx", "name": "nginx", "apiVersion": "helm.toolkit.fluxcd.io/v2",
                    "appliedBy": {"namespace": "cluster-config", "name": "cluster-config-infra"}},
                   {"kind": "Namespace", "name": "nginx", "apiVersion": "v1", "appliedBy": None}])
    header, first, second = text.splitlines()
    assert header.split() == ["KIND", "NAMESPACE", "NAME", "API", "VERSION", "APPLIED", "BY"]
    assert first.split() == ["HelmRelease", "nginx", "nginx", "helm.toolkit.fluxcd.io/v2", "cluster-config/cluster-config-infra"]
    assert second.split() == ["Namespace", "nginx", "v1"]
