"""A logging filter that redacts secrets from the HTTP body logs azure-cli/azure-core write under --debug.

azure-cli logs every request and response body (`Request body:` / `Response content:`) through
`cli.azure.cli.core.sdk.policies`; azure-core's network trace policy does the same when enabled. The
configuration PUT/PATCH bodies carry protected settings and azblob/OCI secrets, so each such record is
rewritten before any handler sees it.
"""
import json
import logging
import re

REDACTED = "<redacted>"

# Field names whose values are secret wherever they appear in a Microsoft.KubernetesConfiguration body.
_BASE_SECRET_KEYS = frozenset({
    "configurationProtectedSettings", "accountKey", "sasToken", "clientSecret", "clientCertificate",
    "clientCertificatePassword", "privateKey", "sshPrivateKey", "httpsKey", "bucketSecretKey",
})
# Maps whose every value is secret.
_SECRET_MAPS = frozenset({"configurationProtectedSettings"})

LOGGER_NAMES = (
    "cli.azure.cli.core.sdk.policies",
    "azure.core.pipeline.policies._universal",
    "azure.core.pipeline.policies.http_logging_policy",
    "azure.mgmt.core.policies._base",
)


def _secret_keys():
    keys = set(_BASE_SECRET_KEYS)
    try:
        from azext_k8s_configuration.redaction import SECRET_FIELD_PATHS
    except ImportError:  # the parsing layer is optional for the filter
        return frozenset(keys)
    for path in SECRET_FIELD_PATHS:
        last = path[-1] if isinstance(path, (tuple, list)) else str(path).rsplit(".", maxsplit=1)[-1]
        if last and last != "*":
            keys.add(str(last))
    return frozenset(keys)


def redact_value(value, secret_keys):
    """Copy of a JSON value with every secret field's value replaced."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in _SECRET_MAPS and isinstance(item, dict):
                out[key] = {k: (REDACTED if v is not None else None) for k, v in item.items()}
            elif key in secret_keys and item is not None and not isinstance(item, (dict, list)):
                out[key] = REDACTED
            else:
                out[key] = redact_value(item, secret_keys)
        return out
    if isinstance(value, list):
        return [redact_value(v, secret_keys) for v in value]
    return value


def redact_text(text, secret_keys=None):
    """Redact a logged body. JSON is parsed and rewritten; anything else gets a key-based regex pass."""
    keys = secret_keys or _secret_keys()
    stripped = text.strip()
    if stripped[:1] in "{[":
        try:
            return json.dumps(redact_value(json.loads(stripped), keys))
        except ValueError:
            pass
    return _regex_redact(text, keys)


def _regex_redact(text, keys):
    names = "|".join(re.escape(k) for k in sorted(keys))
    # "key": "value"  or  'key': 'value'
    pattern = r"""(["'](?:""" + names + r""")["']\s*:\s*)(["'])(?:\\.|(?!\2).)*\2"""
    text = re.sub(pattern,
                  lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}{m.group(2)}", text)
    # whole protected-settings maps
    return re.sub(r"""(["']configurationProtectedSettings["']\s*:\s*)\{[^{}]*\}""",
                  lambda m: m.group(1) + '{"' + REDACTED + '": "' + REDACTED + '"}', text)


# logging.Filter's whole interface is its one filter() method.
class SecretRedactingFilter(logging.Filter):  # pylint: disable=too-few-public-methods
    """Rewrites log records whose text may contain a request or response body."""

    def __init__(self):
        super().__init__()
        self._keys = None

    def filter(self, record):
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed record is left to logging's own error handling
            return True
        if self._keys is None:
            self._keys = _secret_keys()
        if any(k in message for k in self._keys):
            record.msg = redact_text(message, self._keys)
            record.args = None
        return True


_FILTER = SecretRedactingFilter()


def install_log_filter():
    """Attach the filter once to every logger that writes HTTP bodies (idempotent)."""
    for name in LOGGER_NAMES:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
