import json

import pytest
from azure.cli.core.azclierror import InvalidArgumentValueError

from azext_k8s_configuration.config_file import load_config_file, merge_config_file
from azext_k8s_configuration.flux_args import FluxArgs
from azext_k8s_configuration.kustomizations import parse_kustomization_groups

CONFIG_YAML = """
url: https://github.com/Azure/gitops-flux2-kustomize-helm-mt
branch: main
sync-interval: 5m
suspend: no
kustomizations:
  infra:
    path: ./infrastructure
    prune: true
  apps:
    path: ./apps/staging
    dependsOn: [infra]
    postBuild:
      substitute: {env: staging, replicas: 2}
"""


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_load_config_file(tmp_path):
    values, kustomizations = load_config_file(write(tmp_path, "flux.yaml", CONFIG_YAML), "cfg")
    assert values == {"url": "https://github.com/Azure/gitops-flux2-kustomize-helm-mt", "branch": "main",
                      "sync_interval": "5m", "suspend": False}
    assert kustomizations["apps"] == {"path": "./apps/staging", "dependsOn": ["infra"],
                                      "postBuild": {"substitute": {"env": "staging", "replicas": "2"}}}


def test_flags_override_the_file(tmp_path):
    args = FluxArgs(config_file=write(tmp_path, "f.yaml", CONFIG_YAML), branch="release")
    merged, kustomizations = merge_config_file(args, "cfg")
    assert merged.branch == "release" and merged.url.endswith("helm-mt") and set(kustomizations) == {"infra", "apps"}


def test_error_paths_point_into_the_file(tmp_path):
    doc = {"url": "https://x/y", "kustomizations": {"apps": {"dependsOn": ["Infra"]}}}
    with pytest.raises(InvalidArgumentValueError, match=r"kustomizations\.apps\.dependsOn\[0\]"):
        load_config_file(write(tmp_path, "f.json", json.dumps(doc)))
    doc = {"kustomizations": [{"name": "apps", "prune": "perhaps"}]}
    with pytest.raises(InvalidArgumentValueError, match=r"kustomizations\.apps\.prune"):
        load_config_file(write(tmp_path, "g.json", json.dumps(doc)))


def test_unknown_top_level_key_did_you_mean(tmp_path):
    with pytest.raises(InvalidArgumentValueError) as err:
        load_config_file(write(tmp_path, "f.yaml", "urll: https://x/y\n"))
    assert "Did you mean 'url'" in err.value.recommendations[0]


def test_bad_yaml_shows_position(tmp_path):
    with pytest.raises(InvalidArgumentValueError, match="line 2"):
        load_config_file(write(tmp_path, "f.yaml", "url: x\n  : - [\n"))


def test_bad_duration_in_file_names_the_key(tmp_path):
    with pytest.raises(InvalidArgumentValueError, match="interval"):
        load_config_file(write(tmp_path, "f.yaml", "interval: 300\n"))


def test_at_file_kustomization_group(tmp_path):
    path = write(tmp_path, "k.yaml", "- name: infra\n  path: ./infra\n- name: apps\n  dependsOn: infra\n"
                 "  timeoutInSeconds: 120\n")
    result = parse_kustomization_groups([["@" + path], ["name=extra", "path=./x"]], "cfg")
    assert result == {"infra": {"path": "./infra"}, "apps": {"dependsOn": ["infra"], "timeoutInSeconds": 120},
                      "extra": {"path": "./x"}}


def test_at_file_single_object_and_missing_file(tmp_path):
    path = write(tmp_path, "k.json", json.dumps({"name": "one", "wait": False}))
    assert parse_kustomization_groups([["@" + path]], "cfg") == {"one": {"wait": False}}
    with pytest.raises(InvalidArgumentValueError, match="Cannot read the file"):
        parse_kustomization_groups([["@" + str(tmp_path / "missing.yaml")]], "cfg")


def test_config_file_as_expanded_at_file_content():
    values, kustomizations = load_config_file("url: https://x/y\nbranch: main\nkustomizations:\n  a: {path: ./a}")
    assert values == {"url": "https://x/y", "branch": "main"} and kustomizations == {"a": {"path": "./a"}}
    values, _ = load_config_file('{"url": "https://x/y"}')
    assert values == {"url": "https://x/y"}
    with pytest.raises(InvalidArgumentValueError, match="@file content given to --config-file"):
        load_config_file("url: [x")


@pytest.mark.parametrize(("text", "place"), [
    ('{"url": "\\ud800"}', "at url"), ('{"branch": "a\\udfffb"}', "at branch"),
    ('{"kustomizations": {"apps": {"path": "\\ud800"}}}', "kustomizations.apps.path"),
    ('{"kustomizations": [{"name": "a", "dependsOn": ["\\udc00"]}]}', "kustomizations[0].dependsOn[0]"),
    ('{"\\ud800": 1}', "A key"), ('{"verification-config": {"k": "\\ud800"}}', "verification-config.k"),
])
def test_lone_surrogates_anywhere_are_clean_errors(tmp_path, text, place):
    with pytest.raises(InvalidArgumentValueError, match="surrogate") as err:
        load_config_file(write(tmp_path, "f.json", text))
    assert place in str(err.value)
