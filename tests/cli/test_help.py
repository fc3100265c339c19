"""`-h` of every command and group works, through the real command table."""
import pytest

COMMANDS = [
    "k8s-configuration", "k8s-configuration flux",
    "k8s-configuration flux create", "k8s-configuration flux update", "k8s-configuration flux show",
    "k8s-configuration flux list", "k8s-configuration flux delete", "k8s-configuration flux export",
    "k8s-configuration flux wait", "k8s-configuration flux check",
    "k8s-configuration flux kustomization", "k8s-configuration flux kustomization create",
    "k8s-configuration flux kustomization update", "k8s-configuration flux kustomization delete",
    "k8s-configuration flux kustomization list", "k8s-configuration flux kustomization show",
    "k8s-configuration flux deployed-object", "k8s-configuration flux deployed-object list",
    "k8s-configuration flux deployed-object show",
    "k8s-configuration list", "k8s-configuration show", "k8s-configuration delete",
]


@pytest.mark.parametrize("command", COMMANDS)
def test_help_works(run_az, no_traceback, command):
    result = run_az(*command.split(), "-h")
    no_traceback(result)
    assert result.exit_code == 0, result.stderr
    assert command.split()[-1] in result.stdout


def test_create_help_has_tutorial_example_and_file_variants(run_az):
    text = " ".join(run_az("k8s-configuration", "flux", "create", "-h").stdout.split())
    assert "-u https://github.com/Azure/gitops-flux2-kustomize-helm-mt" in text
    for flag in ("--https-key-file", "--bucket-secret-key-file", "--sp-client-secret-file", "--sp-client-cert-file",
                 "--sp-cert-password-file", "--account-key-file", "--sas-token-file", "--tls-private-key-file",
                 "--ssh-private-key-file", "--known-hosts-file", "--https-ca-cert-file", "--provider",
                 "--wait-for-reconciliation", "--reconciliation-wait-duration", "--dry-run",
                 "--wait-for-compliance", "--compliance-timeout"):
        assert flag in text, flag


def test_secret_flags_recommend_file_variant(run_az):
    text = " ".join(run_az("k8s-configuration", "flux", "create", "-h").stdout.split())
    assert text.count("Prefer --") >= 7


def test_legacy_commands_are_deprecated(run_az):
    result = run_az("k8s-configuration", "list", "-h")
    assert "deprecated" in (result.stdout + result.stderr).lower()
    assert "k8s-configuration flux list" in result.stdout + result.stderr


def test_kustomization_subcommands_have_new_flags(run_az):
    text = run_az("k8s-configuration", "flux", "kustomization", "create", "-h").stdout
    for flag in ("--substitute", "--substitute-from", "--retry-interval", "--disable-health-check",
                 "--depends-on", "--wait", "--wait-for-compliance", "--compliance-timeout"):
        assert flag in text, flag
    assert "--remove-post-build" in run_az("k8s-configuration", "flux", "kustomization", "update", "-h").stdout
    assert "--graph" in run_az("k8s-configuration", "flux", "kustomization", "list", "-h").stdout
