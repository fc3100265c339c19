"""Inputs as scripts give them to the real `az` process (issue 11 §3-§5): `@file` arguments, which az expands to the
file's content before the extension runs; `--wait true|false` of the kustomization commands (the API's `wait`) versus
`--wait-for-compliance`; and inputs found wrong by trying them (default kustomization length, a token in the URL,
postBuild removal, DSA keys, lone surrogates in a config file, `--graph` on a cp1252 pipe)."""
from __future__ import annotations

import json
import uuid

import spec_schema
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dsa
from e2e_support import TUTORIAL_URL
from flux_e2e_helpers import FLUX, arm_writes, assert_clean_error, flux_writes

GIT = ["-u", TUTORIAL_URL, "--branch", "main"]
TOKEN = "ghp_e2eCanaryT0kenInTheUserPart0123456789"

KUSTOMIZATIONS_YAML = """\
infra:
  path: ./infrastructure
  prune: true
apps:
  path: ./apps/staging
  dependsOn: [infra]
  interval: 5m
  wait: false
  postBuild:
    substitute: {cluster_env: staging}
"""


def _name() -> str:
    return f"in-{uuid.uuid4().hex[:8]}"


def _write(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _bodies(emulator, mark, name, method):
    return [c["body"] for c in flux_writes(emulator.requests_since(mark), name) if c["method"] == method]


# ---- §3 @file --------------------------------------------------------------------------------------------

def test_kustomization_at_file_sends_the_files_values(emulator, cluster, tmp_path):
    name = _name()
    path = _write(tmp_path, "kustomizations.yaml", KUSTOMIZATIONS_YAML)
    mark = emulator.log_mark()
    emulator.az(*FLUX, "create", *cluster["args"], "-n", name, *GIT, "--kustomization", "@" + path).ok()
    (body,) = _bodies(emulator, mark, name, "PUT")
    spec_schema.assert_valid(body, "FluxConfiguration")
    assert body["properties"]["kustomizations"] == {
        "infra": {"path": "./infrastructure", "prune": True},
        "apps": {"path": "./apps/staging", "dependsOn": ["infra"], "syncIntervalInSeconds": 300, "wait": False,
                 "postBuild": {"substitute": {"cluster_env": "staging"}}},
    }
    shown = emulator.az(*FLUX, "show", *cluster["args"], "-n", name, "--query",
                        "kustomizations.apps.dependsOn[0]", "-o", "tsv").ok()
    assert shown.stdout.strip() == "infra"


def test_at_file_json_list_and_single_object_in_a_dry_run(emulator, cluster, tmp_path):
    listed = _write(tmp_path, "list.json", json.dumps([{"name": "infra", "path": "./infrastructure"},
                                                       {"name": "apps", "dependsOn": "infra"}]))
    single = _write(tmp_path, "one.yaml", "name: extra\npath: ./extra\nprune: true\n")
    result = emulator.az(*FLUX, "create", *cluster["args"], "-n", _name(), *GIT, "-k", "@" + listed,
                         "-k", "@" + single, "-k", "name=last", "path=./last", "--dry-run").ok()
    kustomizations = result.json["body"]["properties"]["kustomizations"]
    assert kustomizations == {"infra": {"path": "./infrastructure"}, "apps": {"dependsOn": ["infra"]},
                              "extra": {"path": "./extra", "prune": True}, "last": {"path": "./last"}}


def test_errors_point_into_the_at_file_and_nothing_is_written(emulator, cluster, tmp_path):
    path = _write(tmp_path, "bad.yaml", "infra: {path: ./infrastructure}\napps:\n  dependsOn: [Infra]\n")
    mark = emulator.log_mark()
    result = emulator.az(*FLUX, "create", *cluster["args"], "-n", _name(), *GIT, "-k", "@" + path)
    assert_clean_error(result, 1, "kustomizations.apps.dependsOn[0]")
    syntax = _write(tmp_path, "syntax.yaml", "apps:\n  path: [unclosed\n")
    result = emulator.az(*FLUX, "create", *cluster["args"], "-n", _name(), *GIT, "-k", "@" + syntax)
    assert_clean_error(result, 1, "--kustomization", "line 2, column 18")
    missing = emulator.az(*FLUX, "create", *cluster["args"], "-n", _name(), *GIT, "-k",
                          "@" + str(tmp_path / "no-such.yaml"))
    assert_clean_error(missing, 1, "no-such.yaml")
    assert arm_writes(emulator.requests_since(mark)) == []


def test_config_file_as_path_and_as_at_file(emulator, cluster, tmp_path):
    path = _write(tmp_path, "flux.yaml", f"url: {TUTORIAL_URL}\nbranch: main\ninterval: 2m\n"
                                         "kustomizations:\n  infra: {path: ./infrastructure}\n")
    for value in (path, "@" + path):
        body = emulator.az(*FLUX, "create", *cluster["args"], "-n", _name(), "--config-file", value,
                           "--dry-run").ok().json["body"]
        assert body["properties"]["gitRepository"]["syncIntervalInSeconds"] == 120
        assert body["properties"]["kustomizations"] == {"infra": {"path": "./infrastructure"}}


def test_at_file_on_secret_options(emulator, cluster, tmp_path):
    token_file = _write(tmp_path, "token.txt", TOKEN + "\n")
    base = [*FLUX, "create", *cluster["args"], "-n", _name(), *GIT, "--https-user", "bot", "--dry-run"]
    # `--https-key @file` is az's own: the option receives the file's content, which is sent base64-encoded
    sent = emulator.az(*base, "--https-key", "@" + token_file).ok()
    assert TOKEN not in sent.stdout + sent.stderr
    assert sent.json["body"]["properties"]["configurationProtectedSettings"] == {"httpsKey": "<redacted>"}
    # `--https-key-file @file` hands the token over as a path: refused without echoing it
    refused = emulator.az(*base, "--https-key-file", "@" + token_file)
    assert_clean_error(refused, 1, "--https-key-file", "without a leading '@'")
    assert TOKEN not in refused.stdout + refused.stderr


# ---- §4 --wait -------------------------------------------------------------------------------------------

def test_kustomization_wait_false_sends_wait_false(emulator, cluster):
    name = _name()
    emulator.az(*FLUX, "create", *cluster["args"], "-n", name, *GIT, "-k", "name=infra",
                "path=./infrastructure").ok()
    base = [*FLUX, "kustomization", "create", *cluster["args"], "-n", name, "-k", "jobs", "--path", "./apps"]

    dry = emulator.az(*base, "--wait", "false", "--dry-run").ok().json
    assert dry["body"] == {"properties": {"kustomizations": {"jobs": {"path": "./apps", "wait": False}}}}

    mark = emulator.log_mark()
    emulator.az(*base, "--wait", "false").ok()
    (patch,) = _bodies(emulator, mark, name, "PATCH")
    assert patch == {"properties": {"kustomizations": {"jobs": {"path": "./apps", "wait": False}}}}
    spec_schema.assert_valid(patch, "FluxConfigurationPatch")
    shown = emulator.az(*FLUX, "kustomization", "show", *cluster["args"], "-n", name, "-k", "jobs",
                        "--query", "jobs.wait", "-o", "tsv").ok()
    assert shown.stdout.strip() == "false"

    update = [*FLUX, "kustomization", "update", *cluster["args"], "-n", name, "-k", "jobs"]
    mark = emulator.log_mark()
    emulator.az(*update, "--wait").ok()  # a bare --wait means true
    emulator.az(*update, "--wait", "false", "--disable-health-check", "true").ok()  # they agree
    assert [b["properties"]["kustomizations"]["jobs"] for b in _bodies(emulator, mark, name, "PATCH")] == [
        {"wait": True}, {"wait": False}]
    mark = emulator.log_mark()
    contradiction = emulator.az(*update, "--wait", "true", "--disable-health-check")
    assert_clean_error(contradiction, 1, "--wait", "--disable-health-check")
    assert arm_writes(emulator.requests_since(mark)) == []


def test_flux_create_has_no_bare_wait_and_compliance_wait_has_one_name(emulator, cluster):
    result = emulator.az(*FLUX, "create", *cluster["args"], "-n", _name(), *GIT, "--wait", "--dry-run")
    assert_clean_error(result, 2, "--wait-for-compliance")
    both = emulator.az(*FLUX, "create", *cluster["args"], "-n", _name(), *GIT, "--wait-for-compliance",
                       "--no-wait", "--dry-run")
    assert_clean_error(both, 1, "--wait-for-compliance", "--no-wait")


# ---- §5 inputs found wrong by trying them ----------------------------------------------------------------

def test_default_kustomization_obeys_the_62_character_rule(emulator, cluster):
    long_name = "c" * 48  # 48 + len("kustomization-1") = 63 > 62
    mark = emulator.log_mark()
    for extra in (["--dry-run"], []):
        result = emulator.az(*FLUX, "create", *cluster["args"], "-n", long_name, *GIT, *extra)
        assert_clean_error(result, 1, "kustomization-1", "62")
    assert arm_writes(emulator.requests_since(mark)) == []
    ok_name = "c" * 47
    body = emulator.az(*FLUX, "create", *cluster["args"], "-n", ok_name, *GIT, "--dry-run").ok().json["body"]
    assert list(body["properties"]["kustomizations"]) == ["kustomization-1"]


def test_token_in_the_url_user_part_is_refused_and_never_echoed(emulator, cluster):
    url = f"https://{TOKEN}@github.com/Azure/gitops-flux2-kustomize-helm-mt"
    mark = emulator.log_mark()
    for extra in (["--dry-run"], []):
        result = emulator.az(*FLUX, "create", *cluster["args"], "-n", _name(), "-u", url, "--branch", "main",
                             *extra)
        assert_clean_error(result, 1, "--url", "--https-user", "--https-key")
        assert TOKEN not in result.stdout + result.stderr
    assert arm_writes(emulator.requests_since(mark)) == []
    ado = "https://contoso@dev.azure.com/contoso/project/_git/repo"  # an organization name is not a token
    body = emulator.az(*FLUX, "create", *cluster["args"], "-n", _name(), "-u", ado, "--branch", "main",
                       "--dry-run").ok().json["body"]
    assert body["properties"]["gitRepository"]["url"] == ado


def test_remove_post_build_in_one_write(emulator, cluster):
    name = _name()
    emulator.az(*FLUX, "create", *cluster["args"], "-n", name, *GIT, "-k", "name=infra", "path=./infrastructure",
                "substitute.cluster_env=prod", "substituteFrom=ConfigMap/vars").ok()
    mark = emulator.log_mark()
    emulator.az(*FLUX, "kustomization", "update", *cluster["args"], "-n", name, "-k", "infra",
                "--remove-post-build").ok()
    (patch,) = _bodies(emulator, mark, name, "PATCH")
    assert patch == {"properties": {"kustomizations": {"infra": {"postBuild": None}}}}
    shown = emulator.az(*FLUX, "kustomization", "show", *cluster["args"], "-n", name, "-k", "infra").ok().json
    assert not shown["infra"].get("postBuild")
    assert shown["infra"]["path"] == "./infrastructure"
    both = emulator.az(*FLUX, "kustomization", "update", *cluster["args"], "-n", name, "-k", "infra",
                       "--remove-post-build", "--substitute", "a=b")
    assert_clean_error(both, 1, "--remove-post-build", "--substitute")


def test_dsa_keys_get_the_reason(emulator, cluster, tmp_path):
    pem = serialization.Encoding.PEM
    key = dsa.generate_private_key(key_size=2048)
    none = serialization.NoEncryption()
    pkcs8 = tmp_path / "dsa-pkcs8"
    pkcs8.write_bytes(key.private_bytes(pem, serialization.PrivateFormat.PKCS8, none))
    traditional = tmp_path / "dsa-pem"
    traditional.write_bytes(key.private_bytes(pem, serialization.PrivateFormat.TraditionalOpenSSL, none))
    base = [*FLUX, "create", *cluster["args"], "-n", _name(), "-u", "ssh://git@github.com/org/repo.git",
            "--branch", "main", "--dry-run"]
    refused = emulator.az(*base, "--ssh-private-key-file", str(pkcs8))
    assert_clean_error(refused, 1, "DSA", "source-controller cannot read", "ssh-keygen -t ed25519")
    warned = emulator.az(*base, "--ssh-private-key-file", str(traditional)).ok()
    assert "WARNING:" in warned.stderr and "DSA" in warned.stderr and "Traceback" not in warned.stderr


def test_lone_surrogates_in_a_config_file_are_clean_errors(emulator, cluster, tmp_path):
    mark = emulator.log_mark()
    cases = {"url.json": ('{"url": "\\ud800", "branch": "main"}', "url"),
             "branch.json": (f'{{"url": "{TUTORIAL_URL}", "branch": "ma\\udfffin"}}', "branch"),
             "kustomization.json": ((f'{{"url": "{TUTORIAL_URL}", "branch": "main", '
                                     '"kustomizations": {"apps": {"path": "./\\ud800"}}}'), "kustomizations.apps.path"),
             "key.json": (f'{{"url": "{TUTORIAL_URL}", "branch": "main", "\\ud800": 1}}', "invalid character")}
    for file_name, (text, place) in cases.items():
        path = _write(tmp_path, file_name, text)
        for value in (path, "@" + path):
            result = emulator.az(*FLUX, "create", *cluster["args"], "-n", _name(), "--config-file", value)
            assert_clean_error(result, 1, place, "surrogate")
    k_file = _write(tmp_path, "k.json", '{"name": "apps", "path": "\\udc00"}')
    result = emulator.az(*FLUX, "create", *cluster["args"], "-n", _name(), *GIT, "-k", "@" + k_file)
    assert_clean_error(result, 1, "kustomizations.apps.path", "surrogate")
    assert arm_writes(emulator.requests_since(mark)) == []


def test_command_line_bytes_that_are_not_utf8_are_clean_errors(emulator, cluster):
    name = _name()
    emulator.az(*FLUX, "create", *cluster["args"], "-n", name, *GIT, "-k", "name=infra",
                "path=./infrastructure").ok()
    mark = emulator.log_mark()
    bad = "main\udcff"  # passed to az as the byte 0xff, which Python turns back into this lone surrogate
    result = emulator.az(*FLUX, "create", *cluster["args"], "-n", _name(), "-u", TUTORIAL_URL, "--branch", bad)
    assert_clean_error(result, 1, "--branch", "not UTF-8")
    result = emulator.az(*FLUX, "update", *cluster["args"], "-n", name, "-k", "name=infra", "path=./" + bad)
    assert_clean_error(result, 1, "--kustomization", "not UTF-8")
    result = emulator.az(*FLUX, "kustomization", "update", *cluster["args"], "-n", name, "-k", "infra",
                         "--path", "./" + bad)
    assert_clean_error(result, 1, "--path", "not UTF-8")
    assert arm_writes(emulator.requests_since(mark)) == []


def test_graph_falls_back_to_ascii_on_a_cp1252_pipe(emulator, cluster):
    name = _name()
    emulator.az(*FLUX, "create", *cluster["args"], "-n", name, *GIT, "-k", "name=infra", "path=./infrastructure",
                "-k", "name=apps", "path=./apps/staging", "dependsOn=infra",
                "-k", "name=extra", "path=./apps", "dependsOn=infra").ok()
    command = [*FLUX, "kustomization", "list", *cluster["args"], "-n", name, "--graph"]
    utf8 = emulator.az(*command, env={"PYTHONIOENCODING": "utf-8"}).ok()
    assert utf8.stdout.splitlines() == ["infra", "├── apps", "└── extra"]
    cp1252 = emulator.az(*command, env={"PYTHONIOENCODING": "cp1252"}).ok()
    assert "Traceback" not in cp1252.stderr
    assert cp1252.stdout.splitlines() == ["infra", "|-- apps", "`-- extra"]
    # a text view by design (documented): --output does not turn it into JSON
    assert emulator.az(*command, "-o", "json", env={"PYTHONIOENCODING": "utf-8"}).ok().stdout == utf8.stdout


def test_export_prints_text_for_files_whatever_the_output_format(emulator, cluster):
    name = _name()
    emulator.az(*FLUX, "create", *cluster["args"], "-n", name, *GIT, "-k", "name=infra",
                "path=./infrastructure").ok()
    command = [*FLUX, "export", *cluster["args"], "-n", name, "--format", "flux-yaml"]
    text = emulator.az(*command).ok().stdout
    assert text.startswith("---\n") and "kind: GitRepository" in text and "kind: Kustomization" in text
    assert emulator.az(*command, "-o", "json").ok().stdout == text
    arm = json.loads(emulator.az(*FLUX, "export", *cluster["args"], "-n", name, "--format", "arm").ok().stdout)
    assert "resources" in arm
