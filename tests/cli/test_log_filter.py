"""The --debug body-log filter redacts secrets from request bodies."""
import json
import logging

from azext_k8s_configuration._log_filter import (
    REDACTED,
    SecretRedactingFilter,
    install_log_filter,
    redact_text,
)

BODY = {"properties": {
    "sourceKind": "AzureBlob",
    "azureBlob": {"url": "https://acct.blob.core.windows.net", "accountKey": "ACCOUNT-KEY-SECRET",
                  "servicePrincipal": {"clientId": "id", "clientSecret": "SP-SECRET"}},
    "configurationProtectedSettings": {"httpsKey": "aHR0cHMta2V5"},
    "ociRepository": {"tlsConfig": {"privateKey": "TLS-KEY"}},
}}


def test_json_bodies_are_rewritten():
    out = json.loads(redact_text(json.dumps(BODY)))
    props = out["properties"]
    assert props["azureBlob"]["accountKey"] == REDACTED
    assert props["azureBlob"]["servicePrincipal"] == {"clientId": "id", "clientSecret": REDACTED}
    assert props["configurationProtectedSettings"] == {"httpsKey": REDACTED}
    assert props["ociRepository"]["tlsConfig"]["privateKey"] == REDACTED
    assert props["azureBlob"]["url"] == "https://acct.blob.core.windows.net"


def test_non_json_text_is_regex_redacted():
    text = "b'" + json.dumps(BODY) + "'"
    out = redact_text(text)
    for secret in ("ACCOUNT-KEY-SECRET", "SP-SECRET", "aHR0cHMta2V5", "TLS-KEY"):
        assert secret not in out
    assert "clientId" in out


def test_filter_rewrites_records_on_the_sdk_logger(caplog):
    install_log_filter()
    install_log_filter()  # idempotent
    logger = logging.getLogger("cli.azure.cli.core.sdk.policies")
    assert sum(isinstance(f, SecretRedactingFilter) for f in logger.filters) == 1
    with caplog.at_level(logging.DEBUG, logger="cli.azure.cli.core.sdk.policies"):
        logger.debug("%s", json.dumps(BODY))
        logger.debug("Request method: %r", "PUT")
    text = caplog.text
    assert "SP-SECRET" not in text and "ACCOUNT-KEY-SECRET" not in text and REDACTED in text
    assert "Request method: 'PUT'" in text
