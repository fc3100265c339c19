"""Reading the configuration check-repo checks against: the extension's --config-file format, `flux show -o json`
(flattened) and the ARM shape; strict about keys and values, never a traceback."""
from __future__ import annotations

import pytest

from k8sconfig_emulator.check_repo_config import ConfigError, load_config, parse_config


def test_config_file_spellings_and_kustomization_forms():
    config = parse_config({
        "name": "cfg", "namespace": "flux-apps", "scope": "cluster", "kind": "git", "url": "https://x.example/r",
        "sync-interval": "5m", "https_user": "u", "sp-cert-password": "p",
        "kustomizations": [
            {"name": "infra", "path": "./infrastructure", "prune": "true", "interval": "1m", "wait": False},
            {"name": "apps", "path": "./apps", "dependencies": "[infra]", "substitute.env": "prod",
             "substituteFrom": ["ConfigMap/vars", "Secret/keys/optional"], "timeoutInSeconds": 60},
        ],
    }, "c.yaml")
    assert (config.name, config.namespace, config.scope, config.source_kind) == ("cfg", "flux-apps", "cluster",
                                                                                  "GitRepository")
    infra, apps = config.kustomizations["infra"], config.kustomizations["apps"]
    assert infra.prune is True and infra.path == "./infrastructure" and infra.post_build is None
    assert apps.depends_on == ("infra",) and apps.timeout_seconds == 60
    assert apps.post_build == {"substitute": {"env": "prod"},
                               "substituteFrom": [{"kind": "ConfigMap", "name": "vars", "optional": False},
                                                  {"kind": "Secret", "name": "keys", "optional": True}]}
    assert config.kustomization_object("apps") == ("Kustomization", "flux-apps", "cfg-apps")


def test_defaults_when_the_file_says_little():
    config = parse_config({"kustomizations": {"all": {"path": "."}}}, "c.yaml")
    assert (config.name, config.namespace, config.scope, config.source_kind) == ("", "default", "cluster",
                                                                                  "GitRepository")
    assert config.kustomization_object("all") == ("Kustomization", "default", "all")


def test_flux_show_output_keeps_only_what_a_build_needs():
    show = {"id": "/subscriptions/s/.../fluxConfigurations/cfg", "name": "cfg", "resourceGroup": "rg",
            "namespace": "ns1", "scope": "namespace", "sourceKind": "GitRepository", "somethingNew": {"x": 1},
            "kustomizations": {"k": {"name": "k", "path": "./k", "dependsOn": None, "prune": None,
                                     "postBuild": {"substitute": {"a": "b"}, "substituteFrom": None}}}}
    config = parse_config(show, "show.json")
    assert (config.shape, config.name, config.namespace, config.scope) == ("show", "cfg", "ns1", "namespace")
    assert config.kustomizations["k"].post_build == {"substitute": {"a": "b"}}
    arm = parse_config({"name": "cfg", "properties": {"namespace": "ns1", "kustomizations": {"k": {"path": "./k"}}}},
                       "arm.json")
    assert arm.shape == "arm" and arm.namespace == "ns1"


@pytest.mark.parametrize(("doc", "message"), [
    ({"kustomisations": {}}, "unknown key 'kustomisations'. Did you mean 'kustomizations'?"),
    ({"interval": "1m", "sync_interval": "2m"}, "'sync_interval' is given more than once"),
    ({"name": "Bad_Name", "kustomizations": {"a": {"path": "."}}}, "name: invalid name 'Bad_Name'"),
    ({"scope": "galaxy", "kustomizations": {"a": {"path": "."}}}, "scope: invalid scope 'galaxy'"),
    ({"kind": "svn", "kustomizations": {"a": {"path": "."}}}, "kind: unknown source kind 'svn'"),
    ({"kustomizations": {"a": {"pth": "."}}}, ("kustomizations.a.pth: unknown kustomization key 'pth'. "
                                              "Did you mean 'path'?")),
    ({"kustomizations": {"a": {"prune": "maybe"}}}, "kustomizations.a.prune: expected true or false"),
    ({"kustomizations": {"a": {"dependsOn": ["Infra"]}}}, "kustomizations.a.dependsOn[0]: invalid name 'Infra'"),
    ({"kustomizations": {"a": {"substituteFrom": "Pod/x"}}}, "invalid kind 'Pod'"),
    ({"kustomizations": {"a": {"substitute": {"1x": "y"}}}}, "invalid variable name '1x'"),
    ({"kustomizations": [{"path": "."}]}, "kustomizations[0]: the kustomization has no name"),
    ({"url": "https://x.example/r"}, "has no kustomizations"),
    (["not", "an", "object"], "must contain an object"),
], ids=["key", "twice", "name", "scope", "kind", "k-key", "bool", "dep", "subst-kind", "var", "list", "empty", "list-doc"])
def test_bad_configuration_is_a_config_error_naming_the_key(doc, message):
    with pytest.raises(ConfigError) as err:
        parse_config(doc, "c.yaml")
    assert message in str(err.value)
    assert str(err.value).startswith("c.yaml")


def test_unreadable_or_invalid_files(tmp_path):
    with pytest.raises(ConfigError, match="no such file"):
        load_config(str(tmp_path / "absent.yaml"))
    broken = tmp_path / "broken.yaml"
    broken.write_text("kustomizations: {a: [\n")
    with pytest.raises(ConfigError, match=r"not valid YAML/JSON at line \d+"):
        load_config(str(broken))
    good = tmp_path / "good.json"
    good.write_text('{"kustomizations": {"a": {"path": "./a"}}}')
    assert load_config(str(good)).path == str(good)
