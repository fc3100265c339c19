"""Published command lines (the reference's help examples, its documented flags and aliases, Microsoft's
tutorial) replayed through the real `az`: none may crash, be rejected, or send a body that differs from its
flags.

Each row of a table is one command line as a user would type it (`{C}` stands for `-g G -c C -t TYPE` of the
test's cluster, `{KEYS}` for a directory of key files) and the body fields it must send. `--dry-run` rows check
the printed request; a representative subset is also run for real and checked in the emulator's request log.
"""
from __future__ import annotations

import base64
import json
import shlex
import subprocess

import pytest
from e2e_support import TUTORIAL_URL, new_cluster
from flux_e2e_helpers import FLUX

CONFIG = "cluster-config"
HELP_URL = "https://github.com/Azure/arc-k8s-demo"
OCI_URL = "oci://ghcr.io/stefanprodan/manifests/podinfo"
BLOB_URL = "https://mystorageaccount.blob.core.windows.net"
SP_ID = "00000000-0000-0000-0000-000000000001"
TENANT = "00000000-0000-0000-0000-000000000002"
MI_ID = "00000000-0000-0000-0000-000000000003"
DIGEST = "sha256:" + "0123456789abcdef" * 4
K = "properties.kustomizations"
GIT = "properties.gitRepository"

# flux create: the reference's help examples, then documented flags, aliases and kustomization key spellings.
CREATE_LINES = [
    ("help-git", (f"create {{C}} -n myconfig --scope cluster --namespace my-namespace --kind git --url {HELP_URL} "
                  "--branch main --kustomization name=my-kustomization"),
     {"properties.scope": "cluster", "properties.namespace": "my-namespace", "properties.sourceKind": "GitRepository",
      f"{GIT}.url": HELP_URL, f"{GIT}.repositoryRef": {"branch": "main"}, f"{K}.my-kustomization": {}}),
    ("help-bucket", ("create {C} -n myconfig --scope cluster --namespace my-namespace --kind bucket "
                     "--url https://bucket-provider.minio.io --bucket-name my-bucket "
                     "--kustomization name=my-kustomization --bucket-access-key my-access-key "
                     "--bucket-secret-key my-secret-key"),
     {"properties.sourceKind": "Bucket", "properties.bucket.bucketName": "my-bucket",
      "properties.bucket.accessKey": "my-access-key", "properties.bucket.insecure": False,
      "properties.configurationProtectedSettings": {"bucketSecretKey": "<redacted>"}}),
    ("help-azblob", ("create {C} -n myconfig --scope cluster --namespace my-namespace --kind azblob "
                     f"--url {BLOB_URL} --container-name my-container --kustomization name=my-kustomization "
                     "--account-key my-account-key"),
     {"properties.sourceKind": "AzureBlob", "properties.azureBlob": {
         "url": BLOB_URL, "containerName": "my-container", "accountKey": "<redacted>"}}),
    ("help-oci", (f"create {{C}} -n myconfig --scope cluster --namespace my-namespace --kind oci --url {OCI_URL} "
                  "--kustomization name=my-kustomization --use-workload-identity"),
     {"properties.sourceKind": "OCIRepository",
      "properties.ociRepository": {"url": OCI_URL, "useWorkloadIdentity": True}}),
    ("tutorial", (f"create {{C}} -n {CONFIG} --namespace cluster-config --scope cluster -u {TUTORIAL_URL} "
                  "--branch main "
                  "--kustomization name=infra path=./infrastructure prune=true "
                  "--kustomization name=apps path=./apps/staging prune=true 'dependsOn=[\"infra\"]'"),
     {f"{K}.infra": {"path": "./infrastructure", "prune": True},
      f"{K}.apps": {"path": "./apps/staging", "prune": True, "dependsOn": ["infra"]}}),
    ("short-aliases", (f"create {{C}} -n myconfig -s namespace --ns team-a -u {HELP_URL} --tag v1.0 -k name=a "
                       "--interval 5m --timeout 3m"),
     {"properties.scope": "namespace", "properties.namespace": "team-a", f"{GIT}.repositoryRef": {"tag": "v1.0"},
      f"{GIT}.syncIntervalInSeconds": 300, f"{GIT}.timeoutInSeconds": 180}),
    ("snake-keys", (f"create {{C}} -n myconfig -u {HELP_URL} --branch main -k name=infra -k name=apps "
                    "depends_on=infra sync_interval=120s retry_interval=1m timeout=10m disable_health_check=true "
                    "prune=false force=true"),
     {f"{K}.apps": {"dependsOn": ["infra"], "syncIntervalInSeconds": 120, "retryIntervalInSeconds": 60,
                    "timeoutInSeconds": 600, "wait": False, "prune": False, "force": True}}),
    ("camel-and-hyphen-keys", (f"create {{C}} -n myconfig -u {HELP_URL} --branch main -k name=infra -k name=apps "
                               "dependencies=infra syncInterval=2m retryInterval=1m disable-health-check=true"),
     {f"{K}.apps": {"dependsOn": ["infra"], "syncIntervalInSeconds": 120, "retryIntervalInSeconds": 60,
                    "wait": False}}),
    ("depends-list-spellings", (f"create {{C}} -n myconfig -u {HELP_URL} --branch main -k name=infra -k name=db "
                                "-k name=a depends=infra,db -k name=b 'dependsOn=[infra,db]' -k name=c "
                                "'depends_on=infra, db' -k name=d \"dependsOn=['infra','db']\" interval=1h2m5s"),
     {f"{K}.a.dependsOn": ["infra", "db"], f"{K}.b.dependsOn": ["infra", "db"], f"{K}.c.dependsOn": ["infra", "db"],
      f"{K}.d.dependsOn": ["infra", "db"], f"{K}.d.syncIntervalInSeconds": 3725}),
    ("long-intervals", (f"create {{C}} -n myconfig -u {HELP_URL} --branch main --interval 168h --timeout 48h "
                        "-k name=nightly interval=24h timeout=36h retry_interval=P2D"),
     {f"{GIT}.syncIntervalInSeconds": 604800, f"{GIT}.timeoutInSeconds": 172800,
      f"{K}.nightly": {"syncIntervalInSeconds": 86400, "timeoutInSeconds": 129600,
                       "retryIntervalInSeconds": 172800}}),
    ("ssh-files", ("create {C} -n myconfig -u git@github.com:Azure/arc-k8s-demo.git --branch main "
                   "--ssh-private-key-file {KEYS}/id_ed25519 --known-hosts-file {KEYS}/known_hosts"),
     {"properties.configurationProtectedSettings": {"sshPrivateKey": "<redacted>"}, f"{GIT}.url":
      "git@github.com:Azure/arc-k8s-demo.git"}),
    ("https-auth", (f"create {{C}} -n myconfig -u {HELP_URL} --branch main --https-user user --https-key token "
                    "--provider generic --local-ref my-secret --suspend"),
     {f"{GIT}.httpsUser": "user", f"{GIT}.provider": "Generic", f"{GIT}.localAuthRef": "my-secret",
      "properties.suspend": True, "properties.configurationProtectedSettings": {"httpsKey": "<redacted>"}}),
    ("bucket-local-ref", ("create {C} -n myconfig --kind bucket -u http://minio.local:9000 --bucket-name b "
                          "--local-auth-ref s --bucket-insecure"),
     {"properties.bucket": {"url": "http://minio.local:9000", "bucketName": "b", "localAuthRef": "s",
                            "insecure": True}}),
    ("azblob-long-sp-cert", (f"create {{C}} -n myconfig --kind azblob -u {BLOB_URL} --container-name c "
                             f"--service-principal-client-id {SP_ID} --service-principal-tenant-id {TENANT} "
                             "--service-principal-client-certificate Y2VydA== "
                             "--service-principal-client-certificate-password pw "
                             "--service-principal-client-certificate-send-chain false"),
     {"properties.azureBlob.servicePrincipal": {
         "clientId": SP_ID, "tenantId": TENANT, "clientCertificate": "<redacted>",
         "clientCertificatePassword": "<redacted>", "clientCertificateSendChain": False}}),
    ("azblob-mi-long", (f"create {{C}} -n myconfig --kind azblob -u {BLOB_URL} --container-name c "
                        f"--managed-identity-client-id {MI_ID}"),
     {"properties.azureBlob.managedIdentity": {"clientId": MI_ID}}),
    ("azblob-sas", f"create {{C}} -n myconfig --kind azblob -u {BLOB_URL} --container-name c --sas-token sv=1",
     {"properties.azureBlob.sasToken": "<redacted>"}),
    ("oci-long-selector", (f"create {{C}} -n myconfig --kind oci -u {OCI_URL} --digest {DIGEST} "
                           "--oci-layer-selector-media-type application/vnd.cncf.flux.content.v1.tar+gzip "
                           "--oci-layer-selector-operation copy --service-account-name sa --oci-insecure"),
     {"properties.ociRepository": {
         "url": OCI_URL, "repositoryRef": {"digest": DIGEST}, "serviceAccountName": "sa", "insecure": True,
         "layerSelector": {"mediaType": "application/vnd.cncf.flux.content.v1.tar+gzip", "operation": "copy"}}}),
    ("oci-verify", (f"create {{C}} -n myconfig --kind oci -u {OCI_URL} --tag latest --verification-provider cosign "
                    "--match-oidc-identity '{\"issuer\":\"a\",\"subject\":\"b\"}' "
                    "'{\"issuer\":\"c\",\"subject\":\"d\"}'"),
     {"properties.ociRepository.verify": {"provider": "cosign", "matchOidcIdentity": [
         {"issuer": "a", "subject": "b"}, {"issuer": "c", "subject": "d"}]}}),
    ("oci-verify-provider-case", (f"create {{C}} -n myconfig --kind OCI -u {OCI_URL} --tag v1 "
                                  "--verification-provider Notation --verification-config trustpolicy.json=e30= "
                                  "--oci-operation EXTRACT"),
     {"properties.ociRepository.verify": {"provider": "notation",
                                          "verificationConfig": {"trustpolicy.json": "e30="}},
      "properties.ociRepository.layerSelector": {"operation": "extract"}}),
]

# Commands on the existing configuration CONFIG (git, kustomizations infra and apps).
EXISTING_LINES = [
    ("help-update", (f"update {{C}} -n {CONFIG} --url {TUTORIAL_URL} --branch main "
                     "--kustomization name=apps path=./my/new-path"),
     {f"{GIT}.url": TUTORIAL_URL, f"{K}": {"apps": {"path": "./my/new-path"}}}),
    ("update-ref", f"update {{C}} -n {CONFIG} --tag v1", {f"{GIT}.repositoryRef": {"tag": "v1", "branch": None}}),
    ("update-intervals", f"update {{C}} -n {CONFIG} --sync-interval 2m --timeout 1m",
     {f"{GIT}": {"syncIntervalInSeconds": 120, "timeoutInSeconds": 60}}),
    ("update-suspend", f"update {{C}} -n {CONFIG} --suspend false", {"properties": {"suspend": False}}),
    ("update-kustomization-keys", (f"update {{C}} -n {CONFIG} -k name=apps prune=false 'dependsOn=[\"infra\"]' "
                                   "sync_interval=3m"),
     {f"{K}": {"apps": {"prune": False, "dependsOn": ["infra"], "syncIntervalInSeconds": 180}}}),
    ("update-kind-bucket", (f"update {{C}} -n {CONFIG} --kind bucket -u https://s3.example.com --bucket-name b "
                            "--bucket-access-key a --bucket-secret-key s --yes"),
     {"properties.sourceKind": "Bucket", f"{GIT}": None, "properties.ociRepository": None,
      "properties.azureBlob": None}),
    ("help-kustomization-create", (f"kustomization create {{C}} -n {CONFIG} --kustomization-name my-kustomization-2 "
                                   "--path ./my/path --prune --force"),
     {f"{K}": {"my-kustomization-2": {"path": "./my/path", "prune": True, "force": True}}}),
    ("kustomization-create-aliases", (f"kustomization create {{C}} -n {CONFIG} -k k2 --depends-on infra "
                                      "--interval 5m --retry-interval 1m --timeout 2m --prune true --force false "
                                      "--disable-health-check"),
     {f"{K}.k2": {"dependsOn": ["infra"], "syncIntervalInSeconds": 300, "retryIntervalInSeconds": 60,
                  "timeoutInSeconds": 120, "prune": True, "force": False, "wait": False}}),
    ("kustomization-dependencies-json", (f"kustomization create {{C}} -n {CONFIG} -k k3 --dependencies "
                                         "'[\"infra\",\"apps\"]' --sync-interval 5m"),
     {f"{K}.k3": {"dependsOn": ["infra", "apps"], "syncIntervalInSeconds": 300}}),
    ("help-kustomization-update", (f"kustomization update {{C}} -n {CONFIG} -k apps --path ./my/new-path --prune "
                                   "--force --disable-health-check"),
     {f"{K}.apps": {"path": "./my/new-path", "prune": True, "force": True, "wait": False}}),
    ("kustomization-update-path-only", f"kustomization update {{C}} -n {CONFIG} -k apps --path ./apps/production",
     {f"{K}.apps": {"path": "./apps/production"}}),
    ("kustomization-delete", f"kustomization delete {{C}} -n {CONFIG} -k apps --yes", {f"{K}": {"apps": None}}),
]


def _at(body, dotted: str):
    """The value at a dotted path (kustomization names in these tables have no dots)."""
    node = body
    for key in dotted.split("."):
        node = node[key]
    return node


def _line(name: str) -> tuple[str, dict]:
    return next((line, expected) for n, line, expected in CREATE_LINES if n == name)


def _argv(line: str, cluster: dict, keys) -> list[str]:
    text = line.replace("{KEYS}", str(keys))
    words = shlex.split(text)
    at = words.index("{C}")
    return [*FLUX, *words[:at], *cluster["args"], *words[at + 1:]]


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    path = tmp_path_factory.mktemp("keys")
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path / "id_ed25519")], check=True)
    public = (path / "id_ed25519.pub").read_text().split()[1]
    (path / "known_hosts").write_text(f"github.com ssh-ed25519 {public}\n")
    return path


@pytest.fixture(scope="module")
def published(emulator):
    """A cluster holding the tutorial's configuration, created for real with the tutorial's command line."""
    cluster = new_cluster(emulator)
    line, _ = _line("tutorial")
    mark = emulator.log_mark()
    emulator.az(*_argv(line, cluster, ""), "--query", "provisioningState", "-o", "tsv").ok()
    (put,) = [r for r in emulator.requests_since(mark) if r["method"] == "PUT" and "/fluxConfigurations/" in r["path"]]
    return cluster, put["body"]


def _dry_run(emulator, argv: list[str]) -> dict:
    result = emulator.az(*argv, "--dry-run")
    assert "Traceback" not in result.stderr
    result.ok()
    return json.loads(result.stdout)["body"]


@pytest.mark.parametrize("line,expected", [pytest.param(line, exp, id=name) for name, line, exp in CREATE_LINES])
def test_create_line_sends_its_flags(emulator, published, keys, line, expected):
    cluster, _ = published
    body = _dry_run(emulator, _argv(line, cluster, keys))
    for path, value in expected.items():
        assert _at(body, path) == value, path


@pytest.mark.parametrize("line,expected", [pytest.param(line, exp, id=name) for name, line, exp in EXISTING_LINES])
def test_line_on_the_existing_configuration_sends_its_flags(emulator, published, keys, line, expected):
    cluster, _ = published
    body = _dry_run(emulator, _argv(line, cluster, keys))
    for path, value in expected.items():
        assert _at(body, path) == value, path


def test_tutorial_for_real_and_its_read_commands(emulator, published):
    """The real PUT of the tutorial's line carries its flags; every read the tutorial and the help show works
    in every output format."""
    cluster, put = published
    for path, value in _line("tutorial")[1].items():
        assert _at(put, path) == value, path
    base = [*FLUX, "show", *cluster["args"], "-n", CONFIG]
    assert emulator.az(*base, "--query", "kustomizations.apps.dependsOn[0]", "-o", "tsv").ok().stdout.strip() == "infra"
    assert emulator.az(*base, "--query", "resourceGroup", "-o", "tsv").ok().stdout.strip() == cluster["group"]
    reads = [["show", "-n", CONFIG], ["list"], ["kustomization", "list", "-n", CONFIG],
             ["kustomization", "show", "-n", CONFIG, "-k", "apps"], ["deployed-object", "list", "-n", CONFIG]]
    for output in ("table", "tsv", "yaml", "jsonc"):
        for read in reads:
            result = emulator.az(*FLUX, *read, *cluster["args"], "-o", output)
            assert result.returncode == 0 and "Traceback" not in result.stderr, (read, output, result.stderr)
            # tsv drops nested objects, so a kustomization map (the reference's shape) prints no values there
            assert output == "tsv" or result.stdout.strip(), (read, output)
    shown = emulator.az(*FLUX, "deployed-object", "show", *cluster["args"], "-n", CONFIG, "--object-name", CONFIG,
                        "--object-namespace", "cluster-config", "--object-kind", "GitRepository",
                        "--query", "kind", "-o", "tsv").ok()
    assert shown.stdout.strip() == "GitRepository"


def test_switching_azure_blob_auth_clears_the_secret_method_it_replaces(emulator):
    """ARM never returns accountKey, sasToken or the service principal's secret and certificate, so `flux update
    --sas-token` after `--account-key` (or --sp-client-cert after --sp-client-secret) must null the old one
    explicitly; otherwise the server keeps two authentication methods."""
    cluster = new_cluster(emulator)
    emulator.az(*FLUX, "create", *cluster["args"], "-n", "blob", "--kind", "azblob", "-u", BLOB_URL,
                "--container-name", "c", "--account-key", "key1", "-k", "name=root", "-o", "none").ok()
    steps = [(["--sas-token", "sv=2"], {"sasToken": "<redacted>", "accountKey": None}),
             (["--mi-client-id", MI_ID], {"managedIdentity": {"clientId": MI_ID}, "sasToken": None,
                                          "accountKey": None}),
             (["--account-key", "key2"], {"accountKey": "<redacted>", "sasToken": None, "managedIdentity": None}),
             (["--sp-client-id", SP_ID, "--sp-tenant-id", TENANT, "--sp-client-secret", "s1"],
              {"servicePrincipal": {"clientId": SP_ID, "tenantId": TENANT, "clientSecret": "<redacted>",
                                    "clientCertificate": None}, "accountKey": None}),
             (["--sp-client-cert", "Y2VydA=="], {"servicePrincipal": {"clientCertificate": "<redacted>",
                                                                    "clientSecret": None}})]
    for flags, expected in steps:
        mark = emulator.log_mark()
        emulator.az(*FLUX, "update", *cluster["args"], "-n", "blob", *flags, "-o", "none").ok()
        (patch,) = [r for r in emulator.requests_since(mark) if r["method"] == "PATCH"]
        blob = patch["body"]["properties"]["azureBlob"]
        for key, value in expected.items():
            assert blob[key] == value, (flags, key, blob)


def test_a_confirm_prompt_setting_that_is_not_a_boolean_is_a_clean_error(emulator):
    """CI scripts export AZURE_CORE_DISABLE_CONFIRM_PROMPT; an empty or misspelt value was a traceback from
    knack's getboolean. It is a clean error naming the setting, and nothing is deleted."""
    cluster = new_cluster(emulator)
    emulator.az(*FLUX, "create", *cluster["args"], "-n", "keep", "-u", TUTORIAL_URL, "--branch", "main",
                "-k", "name=infra", "-o", "none").ok()
    for value in ("", "maybe"):
        mark = emulator.log_mark()
        result = emulator.az(*FLUX, "delete", *cluster["args"], "-n", "keep",
                             env={"AZURE_CORE_DISABLE_CONFIRM_PROMPT": value})
        assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
        assert "core.disable_confirm_prompt" in result.stderr and repr(value) in result.stderr
        assert [r for r in emulator.requests_since(mark) if r["method"] == "DELETE"] == []
    shown = emulator.az(*FLUX, "show", *cluster["args"], "-n", "keep", "--query", "name", "-o", "tsv").ok()
    assert shown.stdout.strip() == "keep"


def test_known_hosts_with_markers_hashed_hosts_and_broken_keys(emulator, keys, tmp_path):
    """known_hosts as sshd(8) writes it (@cert-authority / @revoked markers, hashed hosts, [host]:port) is
    accepted and sent as given; a key that is not base64 was a traceback from paramiko and is a clean error
    naming its line."""
    cluster = new_cluster(emulator)
    public = (keys / "id_ed25519.pub").read_text().split()[1]
    good = (f"# written by ssh-keyscan\ngithub.com,140.82.112.3 ssh-ed25519 {public}\n"
            f"|1|JfKTdBh7rNbXkVAQCRp4OQoPfmI=|USECr3SWf1JUPsms5AqfD5QfxkM= ssh-ed25519 {public}\n"
            f"@cert-authority *.example.com ssh-ed25519 {public}\n@revoked * ssh-ed25519 {public}\n"
            f"[git.example.com]:2222 ssh-ed25519 {public} comment\n")
    (tmp_path / "good").write_text(good)
    argv = [*FLUX, "create", *cluster["args"], "-n", "kh", "-u", "ssh://git@github.com/a/b", "--branch", "main"]
    body = _dry_run(emulator, [*argv, "--known-hosts-file", str(tmp_path / "good")])
    assert base64.b64decode(_at(body, f"{GIT}.sshKnownHosts")).decode() == good
    for broken in ("github.com ssh-ed25519 QUJDx\n", "@cert-authority *.example.com ecdsa-sha2-nistp256\n",
                   f"github.com ssh-ed25519 {public}\n@revoked github.com ssh-ed25519 %%%\n"):
        (tmp_path / "broken").write_text(broken)
        result = emulator.az(*argv, "--known-hosts-file", str(tmp_path / "broken"), "--dry-run")
        assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
        assert "of the known_hosts data given with --known-hosts-file is not a valid entry" in result.stderr


def test_config_file_reused_for_update_keeps_scope_and_namespace_or_says_why_not(emulator, published, tmp_path):
    """A --config-file written for create (with scope and namespace) works unchanged for update when those
    match the configuration; a different namespace used to be dropped silently and is now an error."""
    cluster, _ = published
    base = (f"url: {TUTORIAL_URL}\nbranch: main\nscope: cluster\nkustomizations:\n"
            "  apps: {path: ./apps/production, depends_on: [infra]}\n")
    (tmp_path / "same.yaml").write_text(base + "namespace: cluster-config\n")
    (tmp_path / "moved.yaml").write_text(base + "namespace: elsewhere\n")
    argv = [*FLUX, "update", *cluster["args"], "-n", CONFIG, "--config-file"]
    body = _dry_run(emulator, [*argv, str(tmp_path / "same.yaml")])
    assert _at(body, f"{K}.apps") == {"path": "./apps/production", "dependsOn": ["infra"]}
    assert "namespace" not in body["properties"] and "scope" not in body["properties"]
    moved = emulator.az(*argv, str(tmp_path / "moved.yaml"), "--dry-run")
    assert moved.returncode != 0 and "Traceback" not in moved.stderr
    assert "'elsewhere'" in moved.stderr and "'cluster-config'" in moved.stderr


def test_deleting_a_kustomization_others_depend_on_says_which_and_what_to_do(emulator, published):
    """The refusal named the deleted kustomization as 'not a kustomization of this configuration' and told the
    user to add it; it now says who depends on it and how to remove the dependency."""
    cluster, _ = published
    mark = emulator.log_mark()
    result = emulator.az(*FLUX, "kustomization", "delete", *cluster["args"], "-n", CONFIG, "-k", "infra", "--yes")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "Cannot delete kustomization 'infra': kustomization 'apps' depends on it" in result.stderr
    assert "--depends-on" in result.stderr
    assert [r for r in emulator.requests_since(mark) if r["method"] == "PATCH"] == []


def test_a_malformed_depends_on_key_shows_the_key_syntax(emulator, published):
    cluster, _ = published
    result = emulator.az(*FLUX, "create", *cluster["args"], "-n", "deps", "-u", HELP_URL, "--branch", "main",
                         "-k", "name=a", "dependsOn=[b", "-k", "name=b", "--dry-run")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "for example --kustomization dependsOn=infra,apps" in result.stderr, result.stderr
    flag = emulator.az(*FLUX, "kustomization", "create", *cluster["args"], "-n", CONFIG, "-k", "x",
                       "--depends-on", "[infra", "--dry-run")
    assert "for example --depends-on infra,apps" in flag.stderr, flag.stderr
