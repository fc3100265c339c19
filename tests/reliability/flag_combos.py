"""Random `flux create/update` command lines: a few valid base flags plus a random subset of all the other
flags, each with a value from a pool of good, bad and hostile values (files included)."""
from __future__ import annotations

import base64
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from hypothesis import strategies as st

from azext_k8s_configuration.flux_args import FLAG_NAMES

FLUX_DESTS = tuple(d for d in FLAG_NAMES if d not in (
    "name", "kustomization_name", "path", "dependencies", "retry_interval", "prune", "force", "wait",
    "disable_health_check", "substitute", "substitute_from", "remove_post_build", "wait_for_compliance"))
THREE_STATE = {"suspend", "wait_for_reconciliation", "bucket_insecure", "sp_client_cert_send_chain",
               "use_workload_identity", "oci_insecure"}
MULTI_TOKEN = {"kustomization", "match_oidc_identity", "verification_config"}
B64 = base64.b64encode(b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n").decode()
DURATIONS = ["10m", "1h30m", "PT5M", "0s", "25h", "5", "-1m", "abc", ""]
GOOD: dict[str, list[str]] = {
    "scope": ["cluster", "namespace", "CLUSTER", "galaxy"],
    "namespace": ["default", "flux-ns", "Bad_NS", "a" * 64, ""],
    "kind": ["git", "bucket", "azblob", "oci", "GIT", "svn"],
    "url": ["https://github.com/Azure/gitops-flux2-kustomize-helm-mt", "ssh://git@github.com/o/r.git",
            "git@github.com:o/r.git", "oci://ghcr.io/o/manifests", "https://s3.amazonaws.com", "http://minio:9000",
            "https://acct.blob.core.windows.net", "https://u:pw@host/r", "ftp://x", "not a url", ""],
    "timeout": DURATIONS, "sync_interval": DURATIONS, "reconciliation_wait_duration": DURATIONS,
    "compliance_timeout": DURATIONS,
    "branch": ["main", "release/1.0", ""], "tag": ["v1.0.0", "latest"], "semver": [">=1.0.0", "~1.2", "not-semver"],
    "commit": ["0123456789abcdef0123456789abcdef01234567", "xyz"],
    "ssh_private_key": [B64, "not base64!", "AAAA"], "https_user": ["git", ""], "https_key": ["token", ""],
    "https_ca_cert": [B64, "%%%"], "known_hosts": [base64.b64encode(b"github.com ssh-rsa AAAA\n").decode(), "x"],
    "provider": ["generic", "azure", "github", "gitlab"], "local_auth_ref": ["my-secret", "Bad Name"],
    "bucket_name": ["bucket", ""], "bucket_access_key": ["AKIA1234"], "bucket_secret_key": ["secret"],
    "container_name": ["container", "UPPER"], "sp_client_id": ["00000000-0000-0000-0000-000000000001", "x"],
    "sp_tenant_id": ["00000000-0000-0000-0000-000000000002"], "sp_client_secret": ["s3cr3t"],
    "sp_client_cert": [B64, "??"], "sp_client_cert_password": ["pw"], "account_key": ["a2V5"],
    "sas_token": ["sv=2020&sig=abc", "?sv=1"], "mi_client_id": ["00000000-0000-0000-0000-000000000003"],
    "digest": ["sha256:" + "a" * 64, "sha256:short", "md5:x"], "oci_media_type": ["application/vnd.x"],
    "oci_operation": ["extract", "copy", "explode"], "tls_ca_certificate": [B64, "@@"],
    "tls_client_certificate": [B64], "tls_private_key": [B64, "!"], "service_account_name": ["sa", "SA!"],
    "verification_provider": ["cosign", "notation", ""],
    "config_file": ["/nonexistent/config.yaml"],
}
MULTI_VALUES: dict[str, list[list[str]]] = {
    "kustomization": [["name=infra", "path=./infrastructure", "prune=true"], ["name=apps", "dependsOn=infra"],
                      ["name=apps", "dependsOn=apps"], ["path=./x"], ["name=a", "timeout=zz"], ["bogus"],
                      ["name=a", "substitute.X=1", "substituteFrom=ConfigMap/v"], ["@/nonexistent.yaml"]],
    "match_oidc_identity": [['{"issuer": "i", "subject": "s"}'], ["not json"], ['{"issuer": 1}']],
    "verification_config": [["key1=dmFsdWU="], ["novalue"], ["=x"]],
}
HOSTILE = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30)


def make_files(directory: Path) -> dict[str, str]:
    """Files the *-file flags point at: a valid key, text, empty, binary, a directory, a missing path."""
    key = ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption())
    contents = {"key.pem": key, "token.txt": b"token-value\n", "empty.txt": b"", "binary.bin": bytes(range(256)),
                "kustomization.yaml": b"name: apps\npath: ./apps\nprune: true\n", "bad.yaml": b"[unclosed: {\n"}
    files = {}
    for name, data in contents.items():
        (directory / name).write_bytes(data)
        files[name] = str(directory / name)
    (directory / "a-directory").mkdir(exist_ok=True)
    files["a-directory"] = str(directory / "a-directory")
    files["missing"] = str(directory / "missing.txt")
    return files


def _value(dest: str, files: dict[str, str]) -> st.SearchStrategy:
    if dest in THREE_STATE:
        return st.sampled_from([[], ["true"], ["false"], ["maybe"]])
    if dest in MULTI_VALUES:
        return st.lists(st.sampled_from(MULTI_VALUES[dest]), min_size=1, max_size=3).map(lambda g: [t for x in g for t in x])
    pool = list(GOOD.get(dest, []))
    if dest.endswith("_file"):
        pool = list(files.values())
    if dest == "config_file":
        pool += [files["kustomization.yaml"], files["bad.yaml"], files["binary.bin"]]
    single = st.sampled_from(pool) if pool else HOSTILE
    return st.one_of(single, HOSTILE).map(lambda v: [v])


def combos(command: str, files: dict[str, str], max_flags: int = 5) -> st.SearchStrategy:
    """argv tails (after the cluster arguments) for `flux create` or `flux update`."""
    def build(dests):
        return st.tuples(*[_value(d, files).map(lambda v, d=d: [FLAG_NAMES[d], *v]) for d in dests])
    base = st.sampled_from([["-n", "cfg"]] * 8 + [["-n", "Bad_Name"], ["-n", "a" * 70]])
    if command == "create":
        git = ["-u", GOOD["url"][0], "--branch", "main"]
        base = st.tuples(base, st.sampled_from([[], git, git, git, ["-u", GOOD["url"][0]]])).map(lambda t: t[0] + t[1])
    extra = st.lists(st.sampled_from(FLUX_DESTS), unique=True, max_size=max_flags).flatmap(build)
    return st.tuples(base, extra).map(lambda t: t[0] + [tok for group in t[1] for tok in group])
