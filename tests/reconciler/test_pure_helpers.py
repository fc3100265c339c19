"""Pure helpers: insteadOf rewriting, scrubbing, dependency ordering, substitution, scheduling."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from reconciler_support import NOW, make_config

from k8sconfig_emulator.reconciler import is_due
from k8sconfig_emulator.reconciler.ordering import order_kustomizations
from k8sconfig_emulator.reconciler.schedule import spec_hash
from k8sconfig_emulator.reconciler.substitute import substitute
from k8sconfig_emulator.reconciler.urls import (
    rewrite_url,
    scrub,
    served_repo,
    transport_of,
)


def test_insteadof_longest_prefix_wins() -> None:
    rules = [("https://github.com/", "file:///mirror/"), ("https://github.com/Azure/", "/srv/azure/")]
    assert rewrite_url("https://github.com/Azure/repo", rules) == "/srv/azure/repo"
    assert rewrite_url("https://github.com/other/repo", rules) == "file:///mirror/other/repo"
    assert rewrite_url("https://gitlab.com/x", rules) == "https://gitlab.com/x"


def test_served_repo_maps_emulator_urls_only() -> None:
    repos = {"demo": Path("/srv/demo")}
    assert served_repo("https://127.0.0.1:8443/git/demo", repos) == Path("/srv/demo")
    assert served_repo("http://localhost/git/demo.git", repos) == Path("/srv/demo")
    assert served_repo("https://example.com/git/demo", repos) is None
    assert served_repo("https://127.0.0.1:8443/git/other", repos) is None
    assert served_repo("https://127.0.0.1:8443/demo", repos) is None


def test_scrub_removes_passwords_and_secrets() -> None:
    text = "unable to clone 'https://bob:hunter2@host/r': token s3cr3t-token rejected"
    out = scrub(text, ["s3cr3t-token"])
    assert "hunter2" not in out and "s3cr3t-token" not in out
    assert "https://bob:***@host/r" in out


def test_transport_of() -> None:
    assert transport_of("git@github.com:Azure/x.git") == "ssh"
    assert transport_of("ssh://git@github.com/x") == "ssh"
    assert transport_of("/tmp/repo") == "file"
    assert transport_of("HTTPS://h/x") == "https"


def test_order_puts_dependencies_first() -> None:
    ks = {"apps": {"dependsOn": ["infra"]}, "infra": {}, "tests": {"dependsOn": ["apps", "infra"]}}
    order, problems = order_kustomizations(ks)
    assert problems == {}
    assert order.index("infra") < order.index("apps") < order.index("tests")


def test_order_reports_cycles_and_unknown_dependencies() -> None:
    ks = {"a": {"dependsOn": ["b"]}, "b": {"dependsOn": ["a"]}, "c": {"dependsOn": ["nope"]}, "d": {}}
    order, problems = order_kustomizations(ks, lambda n: f"ns/cfg-{n}")
    assert sorted(order) == ["a", "b", "c", "d"]
    assert "circular dependency detected" in problems["a"] and "ns/cfg-b" in problems["a"]
    assert "circular dependency detected" in problems["b"]
    assert problems["c"] == "dependency 'ns/cfg-nope' not found"
    assert "d" not in problems


def test_substitute_forms() -> None:
    variables = {"env": "staging", "empty": ""}
    assert substitute("name: app-${env}", variables) == "name: app-staging"
    assert substitute("r: ${replicas:=3}", variables) == "r: 3"
    assert substitute("e: ${empty:=fallback}", variables) == "e: fallback"
    assert substitute("u: '${unset}'", variables) == "u: ''"
    assert substitute("keep: $${env}", variables) == "keep: ${env}"
    assert substitute("plain $env stays", variables) == "plain $env stays"


def test_is_due_schedule() -> None:
    config = make_config("/nowhere")
    assert is_due(config, None, NOW)  # fast first reconcile
    state = {"specHash": spec_hash(config["properties"]), "nextDueAt": "2025-05-01T12:10:00.000000Z"}
    assert not is_due(config, state, NOW)
    assert is_due(config, state, NOW + timedelta(minutes=10))
    changed = make_config("/nowhere", ref={"branch": "other"})
    assert is_due(changed, state, NOW)  # spec change: reconcile soon
    suspended = make_config("/nowhere", suspend=True)
    suspended_state = {"specHash": spec_hash(suspended["properties"]), "nextDueAt": None}
    assert not is_due(suspended, suspended_state, NOW + timedelta(days=1))
