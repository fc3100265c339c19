import pytest
from azure.cli.core.azclierror import (
    InvalidArgumentValueError,
    MutuallyExclusiveArgumentError,
    RequiredArgumentMissingError,
)

from azext_k8s_configuration.body_builder import (
    NO_KUSTOMIZATION_WARNING,
    apply_merge_patch,
    build_patch_body,
    build_put_body,
    kustomization_patch,
)
from azext_k8s_configuration.flux_args import FluxArgs

from .conftest import existing_config, git_args


def test_put_defaults_and_default_kustomization_warning():
    body, warnings = build_put_body(git_args(), "cfg")
    props = body["properties"]
    assert (props["scope"], props["namespace"], props["sourceKind"], props["suspend"]) == \
        ("cluster", "default", "GitRepository", False)
    assert props["kustomizations"] == {"kustomization-1": {"path": ""}}
    assert warnings == [NO_KUSTOMIZATION_WARNING]
    assert "configurationProtectedSettings" not in props


def test_put_scope_namespace_and_wait_for_reconciliation():
    props = build_put_body(git_args(scope="Namespace", namespace="team-a", suspend=True,
                                    reconciliation_wait_duration="30m", kustomization=[["name=a"]]), "cfg")[0][
        "properties"]
    assert (props["scope"], props["namespace"], props["suspend"]) == ("namespace", "team-a", True)
    assert props["waitForReconciliation"] is True and props["reconciliationWaitDuration"] == "PT30M"
    with pytest.raises(InvalidArgumentValueError, match="--scope"):
        build_put_body(git_args(scope="global"), "cfg")
    with pytest.raises(InvalidArgumentValueError, match="needs --wait-for-reconciliation"):
        build_put_body(git_args(wait_for_reconciliation=False, reconciliation_wait_duration="5m"), "cfg")


def test_put_rejects_bad_graph_and_names():
    with pytest.raises(InvalidArgumentValueError, match="apps -> infra -> apps"):
        build_put_body(git_args(kustomization=[["name=apps", "dependsOn=infra"], ["name=infra", "dependsOn=apps"]]),
                       "cfg")
    with pytest.raises(InvalidArgumentValueError, match="--name"):
        build_put_body(git_args(), "Bad_Name")
    with pytest.raises(InvalidArgumentValueError, match="--namespace"):
        build_put_body(git_args(namespace="a.b"), "cfg")


def test_patch_only_given_fields():
    patch, changed, warnings = build_patch_body(FluxArgs(suspend=True), existing_config(), "cfg")
    assert patch == {"properties": {"suspend": True}} and changed is False and warnings == []


def test_patch_nothing_to_update():
    with pytest.raises(RequiredArgumentMissingError, match="Nothing to update"):
        build_patch_body(FluxArgs(), existing_config(), "cfg")


def test_patch_new_ref_replaces_old_one():
    patch = build_patch_body(FluxArgs(tag="v2"), existing_config(), "cfg")[0]
    assert patch["properties"]["gitRepository"] == {"repositoryRef": {"tag": "v2", "branch": None}}


def test_patch_two_refs_rejected():
    with pytest.raises(MutuallyExclusiveArgumentError):
        build_patch_body(FluxArgs(tag="v2", semver=">=1"), existing_config(), "cfg")


def test_patch_kind_switch_nulls_every_other_source():
    args = FluxArgs(kind="oci", url="oci://ghcr.io/o/app")
    patch, changed, warnings = build_patch_body(args, existing_config(), "cfg")
    props = patch["properties"]
    assert changed is True and warnings
    assert props["sourceKind"] == "OCIRepository"
    assert props["ociRepository"] == {"url": "oci://ghcr.io/o/app"}
    assert props["gitRepository"] is None and props["bucket"] is None and props["azureBlob"] is None
    back = build_patch_body(FluxArgs(kind="git", url="https://h/r", branch="main"),
                            existing_config("ociRepository", {"url": "oci://x/y"}), "cfg")[0]["properties"]
    assert back["ociRepository"] is None


def test_patch_kind_switch_requires_new_source():
    with pytest.raises(RequiredArgumentMissingError, match="--bucket-name"):
        build_patch_body(FluxArgs(kind="bucket", url="https://m"), existing_config(), "cfg")


def test_patch_kustomizations_merge_and_graph():
    patch = build_patch_body(FluxArgs(kustomization=[["name=apps", "dependsOn=infra", "prune=false"]]),
                             existing_config(), "cfg")[0]
    assert patch["properties"]["kustomizations"] == {"apps": {"dependsOn": ["infra"], "prune": False}}
    with pytest.raises(InvalidArgumentValueError, match="'nothere'"):
        build_patch_body(FluxArgs(kustomization=[["name=apps", "dependsOn=nothere"]]), existing_config(), "cfg")


def test_patch_wait_for_reconciliation_is_create_only():
    with pytest.raises(InvalidArgumentValueError, match="only be set when the configuration is created"):
        build_patch_body(FluxArgs(wait_for_reconciliation=True), existing_config(), "cfg")


def test_patch_azblob_switch_auth_method_nulls_old():
    existing = existing_config("azureBlob", {"url": "https://a.blob.core.windows.net", "containerName": "c",
                                             "managedIdentity": {"clientId": "id"}})
    patch = build_patch_body(FluxArgs(sas_token="sv=1"), existing, "cfg")[0]["properties"]
    # accountKey is secret (never in a GET), so it is nulled whether or not it was set
    assert patch["azureBlob"] == {"sasToken": "sv=1", "managedIdentity": None, "accountKey": None}
    with pytest.raises(MutuallyExclusiveArgumentError):
        build_patch_body(FluxArgs(sas_token="sv=1", account_key="k"), existing, "cfg")


def test_merge_patch_semantics():
    assert apply_merge_patch({"a": 1, "b": {"c": 2, "d": 3}}, {"a": None, "b": {"c": 5}}) == {"b": {"c": 5, "d": 3}}
    assert kustomization_patch("k", None) == {"properties": {"kustomizations": {"k": None}}}


def test_default_kustomization_obeys_the_combined_length_rule():
    build_put_body(git_args(), "c" * 47)
    with pytest.raises(InvalidArgumentValueError) as err:
        build_put_body(git_args(), "c" * 48)
    assert "kustomization-1" in str(err.value) and "62" in str(err.value)
    assert "--kustomization name=NAME" in err.value.recommendations[0]


@pytest.mark.parametrize("changes", [{"branch": "ma\udcffin"}, {"kustomization": [["name=a", "path=./\udcff"]]},
                                     {"https_user": "\ud800"}])
def test_command_line_values_that_are_not_text_are_clean_errors(changes):
    args = git_args(**changes)
    flag = "--" + next(iter(changes)).replace("_", "-")
    for build in (lambda: build_put_body(args, "cfg"), lambda: build_patch_body(args, existing_config(), "cfg")):
        with pytest.raises(InvalidArgumentValueError, match="not UTF-8") as err:
            build()
        assert flag in str(err.value)
