"""How many ARM calls a command makes, read from the emulator's request log while the real `az` runs.

Operation-status polls depend on timing (one per Retry-After) and token requests on az's cache, so both are
counted apart; every other request is one the command chose to send.
"""
from __future__ import annotations

import re

from e2e_support import TUTORIAL_URL

FLUX = ("k8s-configuration", "flux")
KC = "/providers/microsoft.kubernetesconfiguration/"
OPERATION = re.compile(r"/operations/[^/]+$")
TOKEN_PATHS = ("/msi/token", "/metadata/identity/oauth2/token")


def _calls(requests: list[dict]) -> tuple[list[tuple[str, str]], int]:
    """(method, resource path after the KubernetesConfiguration provider) of every call but polls and tokens,
    and the number of polls."""
    calls, polls = [], 0
    for request in requests:
        path = request["path"]
        if path.lower() in TOKEN_PATHS:
            continue
        if OPERATION.search(path):
            polls += 1
            continue
        low = path.lower()
        calls.append((request["method"], path[low.index(KC) + len(KC):] if KC in low else path))
    return calls, polls


def _create(emulator, cluster, name):
    return emulator.az(*FLUX, "create", *cluster["args"], "-n", name, "-u", TUTORIAL_URL, "--branch", "main",
                       "--kustomization", "name=infra", "path=./infrastructure",
                       "--query", "name", "-o", "tsv").ok()


def test_create_that_installs_the_extension_makes_four_calls(emulator, cluster):
    mark = emulator.log_mark()
    assert _create(emulator, cluster, "first").stdout.strip() == "first"
    calls, polls = _calls(emulator.requests_since(mark))
    assert calls == [("GET", "extensions"), ("PUT", "extensions/flux"),
                     ("PUT", "fluxConfigurations/first"), ("GET", "fluxConfigurations/first")]
    assert polls >= 2  # one operation each for the extension and the configuration

    # The extension is there now: list, PUT, final GET.
    mark = emulator.log_mark()
    _create(emulator, cluster, "second")
    calls, _ = _calls(emulator.requests_since(mark))
    assert calls == [("GET", "extensions"), ("PUT", "fluxConfigurations/second"),
                     ("GET", "fluxConfigurations/second")]


def test_failed_extension_install_stops_create_before_the_configuration(emulator, cluster):
    assert emulator.tool("faults", "--fail-next-extension-install").returncode == 0
    mark = emulator.log_mark()
    result = emulator.az(*FLUX, "create", *cluster["args"], "-n", "never", "-u", TUTORIAL_URL, "--branch", "main",
                         "--kustomization", "name=infra", "path=./infrastructure")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "ERROR:" in result.stderr
    calls, _ = _calls(emulator.requests_since(mark))
    assert calls == [("GET", "extensions"), ("PUT", "extensions/flux")]  # nothing half-written
