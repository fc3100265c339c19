"""--dry-run prints the exact request with secrets redacted and sends nothing."""
from __future__ import annotations

import json

import spec_schema
from e2e_support import TUTORIAL_URL
from flux_e2e_helpers import FLUX, arm_writes

HTTPS_KEY = "dry-run-https-t0ken-e2e"
BUCKET_KEY = "dry-run-bucket-s3cret-e2e"


def _printed(result):
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _assert_secret_free(result, *secrets):
    for secret in secrets:
        assert secret not in result.stdout and secret not in result.stderr


def test_dry_run_of_create_sends_no_request(emulator, cluster, tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text(HTTPS_KEY)
    mark = emulator.log_mark()
    git = emulator.az(*FLUX, "create", *cluster["args"], "-n", "dry", "-u", TUTORIAL_URL, "--branch", "main",
                      "--https-user", "bot", "--https-key-file", str(key_file), "-k", "name=infra",
                      "path=./infrastructure", "--dry-run")
    bucket = emulator.az(*FLUX, "create", *cluster["args"], "-n", "dry-bucket", "--kind", "bucket",
                         "-u", "https://s3.example.com", "--bucket-name", "b", "--bucket-access-key", "AK",
                         "--bucket-secret-key", BUCKET_KEY, "-k", "name=root", "--dry-run")
    assert emulator.requests_since(mark) == []

    request = _printed(git)
    assert request["method"] == "PUT"
    assert request["url"].endswith(f"/connectedClusters/{cluster['name']}/providers/Microsoft.KubernetesConfiguration"
                                   "/fluxConfigurations/dry?api-version=2025-04-01")
    assert request["body"]["properties"]["configurationProtectedSettings"] == {"httpsKey": "<redacted>"}
    assert request["body"]["properties"]["gitRepository"]["httpsUser"] == "bot"
    spec_schema.assert_valid(request["body"], "FluxConfiguration")
    _assert_secret_free(git, HTTPS_KEY)

    bucket_request = _printed(bucket)
    assert bucket_request["body"]["properties"]["configurationProtectedSettings"] == {"bucketSecretKey": "<redacted>"}
    _assert_secret_free(bucket, BUCKET_KEY)
    assert emulator.az(*FLUX, "list", *cluster["args"]).ok().json == []


def test_dry_run_of_changes_to_an_existing_configuration_writes_nothing(emulator, cluster):
    emulator.az(*FLUX, "create", *cluster["args"], "-n", "dry", "-u", TUTORIAL_URL, "--branch", "main",
                "-k", "name=infra", "path=./infrastructure", "--no-wait").ok()
    mark = emulator.log_mark()
    update = _printed(emulator.az(*FLUX, "update", *cluster["args"], "-n", "dry", "--https-user", "bot",
                                  "--https-key", HTTPS_KEY, "--dry-run"))
    assert update["method"] == "PATCH"
    assert update["body"]["properties"]["configurationProtectedSettings"] == {"httpsKey": "<redacted>"}
    spec_schema.assert_valid(update["body"], "FluxConfigurationPatch")
    assert HTTPS_KEY not in json.dumps(update)

    k_create = _printed(emulator.az(*FLUX, "kustomization", "create", *cluster["args"], "-n", "dry",
                                    "-k", "apps", "--path", "./apps/staging", "--depends", "infra", "--dry-run"))
    assert k_create["method"] == "PATCH"
    (added,) = k_create["body"]["properties"]["kustomizations"].items()
    assert added[0] == "apps" and added[1]["dependsOn"] == ["infra"] and added[1]["path"] == "./apps/staging"
    spec_schema.assert_valid(k_create["body"], "FluxConfigurationPatch")

    delete = _printed(emulator.az(*FLUX, "delete", *cluster["args"], "-n", "dry", "--yes", "--dry-run"))
    assert delete["method"] == "DELETE" and delete["body"] is None
    assert delete["url"].split("?")[0].endswith("/fluxConfigurations/dry")

    calls = emulator.requests_since(mark)
    assert arm_writes(calls) == []
    assert HTTPS_KEY not in emulator.log_path.read_text()
    config = emulator.az(*FLUX, "show", *cluster["args"], "-n", "dry").ok().json
    assert set(config["kustomizations"]) == {"infra"}
    assert config["gitRepository"].get("httpsUser") is None


def test_dry_run_with_no_wait_is_refused_instead_of_printing_nothing(emulator, cluster):
    """az discards the result of a --no-wait command, so a dry run with --no-wait would be silent: refuse it."""
    mark = emulator.log_mark()
    create = emulator.az(*FLUX, "create", *cluster["args"], "-n", "dry", "-u", TUTORIAL_URL, "--branch", "main",
                         "-k", "name=infra", "--dry-run", "--no-wait")
    delete = emulator.az(*FLUX, "delete", *cluster["args"], "-n", "dry", "--dry-run", "--no-wait")
    for result in (create, delete):
        assert result.returncode != 0 and result.stdout == ""
        assert "--no-wait" in result.stderr and "Traceback" not in result.stderr
    assert emulator.requests_since(mark) == []
