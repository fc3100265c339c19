import pytest
from azure.cli.core.azclierror import (
    InvalidArgumentValueError,
    MutuallyExclusiveArgumentError,
    RequiredArgumentMissingError,
)

from azext_k8s_configuration.kustomizations import (
    kustomization_from_flags,
    parse_kustomization_groups,
    parse_substitute_from,
)


def parse(*groups, config="cfg"):
    return parse_kustomization_groups([list(g) for g in groups], config)


def test_tutorial_tokens():
    result = parse(["name=infra", "path=./infrastructure", "prune=true"],
                   ["name=apps", "path=./apps/staging", "prune=true", 'dependsOn=["infra"]'])
    assert result == {"infra": {"path": "./infrastructure", "prune": True},
                      "apps": {"path": "./apps/staging", "dependsOn": ["infra"], "prune": True}}


@pytest.mark.parametrize(("token", "arm_key"), [
    ("interval=5m", "syncIntervalInSeconds"), ("sync_interval=5m", "syncIntervalInSeconds"),
    ("syncInterval=5m", "syncIntervalInSeconds"), ("retryInterval=5m", "retryIntervalInSeconds"),
    ("retry_interval=5m", "retryIntervalInSeconds"), ("timeout=5m", "timeoutInSeconds"),
])
def test_duration_aliases(token, arm_key):
    assert parse(["name=k", token])["k"] == {arm_key: 300}


@pytest.mark.parametrize("key", ["dependencies", "depends_on", "dependsOn", "depends"])
def test_dependency_aliases(key):
    assert parse(["name=k", f"{key}=a,b"])["k"]["dependsOn"] == ["a", "b"]


def test_depends_on_is_repeatable():
    assert parse(["name=k", "dependsOn=a", "depends=b"])["k"]["dependsOn"] == ["a", "b"]


@pytest.mark.parametrize(("token", "wait"), [
    ("disable-health-check=true", False), ("disable_health_check=YES", False), ("disable_health_check=false", True),
    ("wait=false", False), ("wait=1", True),
])
def test_health_check_and_wait(token, wait):
    assert parse(["name=k", token])["k"] == {"wait": wait}


def test_wait_and_disable_health_check_conflict():
    with pytest.raises(MutuallyExclusiveArgumentError):
        parse(["name=k", "wait=true", "disable_health_check=true"])


def test_booleans_are_json_booleans():
    spec = parse(["name=k", "prune=false", "force=No"])["k"]
    assert spec["prune"] is False and spec["force"] is False


def test_bad_boolean_names_the_key():
    with pytest.raises(InvalidArgumentValueError, match="--kustomization prune"):
        parse(["name=k", "prune=maybe"])


def test_post_build():
    spec = parse(["name=k", "substitute.cluster_env=prod", "substitute.replicas=2=3",
                  "substituteFrom=ConfigMap/cluster-vars", "substituteFrom=secret/creds/optional"])["k"]
    assert spec["postBuild"] == {
        "substitute": {"cluster_env": "prod", "replicas": "2=3"},
        "substituteFrom": [{"kind": "ConfigMap", "name": "cluster-vars", "optional": False},
                           {"kind": "Secret", "name": "creds", "optional": True}]}


@pytest.mark.parametrize(("token", "message"), [
    ("substitute.1bad=x", "variable name"), ("substituteFrom=Pod/x", "ConfigMap or Secret"),
    ("substituteFrom=ConfigMap", "Kind/name"), ("substitute=x", "substitute.VARIABLE"),
])
def test_post_build_errors(token, message):
    with pytest.raises(InvalidArgumentValueError) as err:
        parse(["name=k", token])
    assert message in str(err.value) + err.value.recommendations[0]


def test_substitute_from_mapping():
    assert parse_substitute_from({"kind": "Secret", "name": "s", "optional": True}, "x") == \
        {"kind": "Secret", "name": "s", "optional": True}


def test_unknown_key_did_you_mean():
    with pytest.raises(InvalidArgumentValueError) as err:
        parse(["name=k", "sync-interval=5m"])
    assert "'sync-interval'" in str(err.value)
    assert "Did you mean 'sync_interval'" in err.value.recommendations[0]


def test_token_without_equals():
    with pytest.raises(InvalidArgumentValueError, match="expected KEY=VALUE"):
        parse(["name=k", "prune"])


def test_missing_name_in_any_group():
    with pytest.raises(RequiredArgumentMissingError, match="group 2 has no name"):
        parse(["name=a"], ["path=./b"])


def test_duplicate_names_across_groups():
    with pytest.raises(InvalidArgumentValueError, match="'a' is used more than once"):
        parse(["name=a"], ["name=a", "path=./x"])


def test_duplicate_key_in_group():
    with pytest.raises(InvalidArgumentValueError, match="more than once"):
        parse(["name=a", "path=./x", "path=./y"])


def test_name_rules_and_combined_length():
    with pytest.raises(InvalidArgumentValueError, match="uppercase"):
        parse(["name=Apps"])
    with pytest.raises(InvalidArgumentValueError, match="together with the configuration name"):
        parse(["name=" + "k" * 40], config="c" * 30)


def test_from_flags_only_given():
    assert kustomization_from_flags(name="apps", path="./apps", prune=False) == {"path": "./apps", "prune": False}
    spec = kustomization_from_flags(name="apps", config_name="cfg", dependencies="infra", timeout="PT5M",
                                    sync_interval="1m", retry_interval="30s", force=True, disable_health_check=True,
                                    substitute=["a=1"], substitute_from=["ConfigMap/v"])
    assert spec == {"dependsOn": ["infra"], "timeoutInSeconds": 300, "syncIntervalInSeconds": 60,
                    "retryIntervalInSeconds": 30, "force": True, "wait": False,
                    "postBuild": {"substitute": {"a": "1"},
                                  "substituteFrom": [{"kind": "ConfigMap", "name": "v", "optional": False}]}}


def test_from_flags_errors_name_real_flags():
    with pytest.raises(InvalidArgumentValueError, match="--retry-interval"):
        kustomization_from_flags(name="apps", retry_interval="5")
    with pytest.raises(InvalidArgumentValueError, match="--substitute"):
        kustomization_from_flags(name="apps", substitute=["novalue"])
    with pytest.raises(InvalidArgumentValueError, match="--kustomization-name"):
        kustomization_from_flags(name="Apps")


@pytest.mark.parametrize(("given", "wait"), [
    ({"wait": True}, True), ({"wait": "false"}, False), ({"disable_health_check": True}, False),
    ({"wait": False, "disable_health_check": True}, False), ({"wait": "yes", "disable_health_check": "no"}, True),
])
def test_from_flags_wait_and_its_inverse(given, wait):
    assert kustomization_from_flags(name="apps", **given) == {"wait": wait}


def test_from_flags_contradicting_wait_flags():
    with pytest.raises(MutuallyExclusiveArgumentError) as err:
        kustomization_from_flags(name="apps", wait=True, disable_health_check=True)
    assert "--wait" in str(err.value) and "--disable-health-check" in str(err.value)


def test_from_flags_remove_post_build():
    assert kustomization_from_flags(name="apps", remove_post_build=True, prune=True) == {"prune": True,
                                                                                         "postBuild": None}
    with pytest.raises(MutuallyExclusiveArgumentError, match="--remove-post-build"):
        kustomization_from_flags(name="apps", remove_post_build=True, substitute_from=["ConfigMap/v"])


YAML_MAP = "infra:\n  path: ./infrastructure\napps:\n  path: ./apps\n  dependsOn: [infra]"


@pytest.mark.parametrize("content", [
    YAML_MAP,  # what az hands over for `--kustomization @file.yaml`: the file's text, trailing newline removed
    '{"infra": {"path": "./infrastructure"}, "apps": {"path": "./apps", "dependsOn": ["infra"]}}',
    '[{"name": "infra", "path": "./infrastructure"}, {"name": "apps", "path": "./apps", "dependsOn": "infra"}]',
    "kustomizations:\n  infra: {path: ./infrastructure}\n  apps: {path: ./apps, dependsOn: infra}",
])
def test_expanded_at_file_content(content):
    assert parse([content]) == {"infra": {"path": "./infrastructure"}, "apps": {"path": "./apps",
                                                                                "dependsOn": ["infra"]}}


def test_expanded_single_line_object_and_mixed_groups():
    assert parse(["name: apps"], ["name=b", "path=./b"]) == {"apps": {}, "b": {"path": "./b"}}
    with pytest.raises(InvalidArgumentValueError, match="expected KEY=VALUE"):
        parse(["name=a", "path: ./x"])
    with pytest.raises(InvalidArgumentValueError, match="expected KEY=VALUE"):
        parse(["apps"])


def test_expanded_content_errors_point_into_it():
    with pytest.raises(InvalidArgumentValueError, match=r"kustomizations\.apps\.dependsOn\[0\]"):
        parse(["infra: {}\napps:\n  dependsOn: [Infra]"])
    with pytest.raises(InvalidArgumentValueError, match=r"kustomizations\.apps\.path.*surrogate"):
        parse(['{"apps": {"path": "\\ud800"}}'])


def test_from_flags_values_that_are_not_text():
    with pytest.raises(InvalidArgumentValueError, match="--path"):
        kustomization_from_flags(name="apps", path="./\udcff")
    with pytest.raises(InvalidArgumentValueError, match="--substitute"):
        kustomization_from_flags(name="apps", substitute=["a=\ud800"])
