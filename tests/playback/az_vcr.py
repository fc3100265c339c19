"""Run the real az command line inside a vcrpy cassette.

    python az_vcr.py record   CASSETTE EMULATOR_URL -- az-args...   (talks to the emulator, writes CASSETTE)
    python az_vcr.py playback CASSETTE               -- az-args...   (no server: answers come from CASSETTE)

Recordings are made host-neutral (the emulator's https://127.0.0.1:PORT becomes ARM's public host),
carry no tokens and no secret values, so playback runs with az's default AzureCloud and no login.
"""
from __future__ import annotations

import json
import re
import sys

import vcr

PUBLIC_ARM = "https://management.azure.com"
KEEP_REQUEST_HEADERS = {"content-type"}
KEEP_RESPONSE_HEADERS = {"content-type", "azure-asyncoperation", "location", "retry-after"}
SECRET_KEYS = re.compile(r"(?i)^(configurationProtectedSettings|accountKey|sasToken|clientSecret|"
                         r"clientCertificate|clientCertificatePassword|privateKey)$")


def _scrub_secrets(node):
    if isinstance(node, dict):
        return {k: ("<redacted>" if SECRET_KEYS.match(k) and v is not None else _scrub_secrets(v))
                for k, v in node.items()}
    if isinstance(node, list):
        return [_scrub_secrets(v) for v in node]
    return node


def _scrub_body(raw, local: str | None):
    if not raw:
        return raw
    text = raw.decode() if isinstance(raw, bytes) else raw
    if local:
        text = text.replace(local, PUBLIC_ARM)
    try:
        text = json.dumps(_scrub_secrets(json.loads(text)), sort_keys=True)
    except ValueError:
        pass
    return text.encode()


def make_vcr(mode: str, local: str | None) -> vcr.VCR:
    def before_request(request):
        if "/msi/token" in request.path or "/oauth2/" in request.path:
            return None                       # token traffic is never recorded
        if local:
            request.uri = request.uri.replace(local, PUBLIC_ARM)
        request.headers = {k: v for k, v in request.headers.items() if k.lower() in KEEP_REQUEST_HEADERS}
        request.body = _scrub_body(request.body, local)
        return request

    def before_response(response):
        headers = {}
        for key, values in response["headers"].items():
            if key.lower() in KEEP_RESPONSE_HEADERS:
                headers[key] = [v.replace(local, PUBLIC_ARM) if local else v for v in values]
        response["headers"] = headers
        response["body"]["string"] = _scrub_body(response["body"]["string"], local)
        return response

    return vcr.VCR(
        record_mode="all" if mode == "record" else "none",
        match_on=["method", "scheme", "host", "port", "path", "query", "body"],
        before_record_request=before_request,
        before_record_response=before_response,
        decode_compressed_response=True,
    )


def _offline_login() -> None:
    """Playback: no token endpoint exists, so az gets a static credential and LRO polls do not sleep."""
    import time

    from azure.cli.core._profile import Profile
    from azure.core.credentials import AccessToken, AccessTokenInfo
    from azure.core.polling.base_polling import LROBasePolling

    class StaticCredential:
        def get_token(self, *scopes, **kwargs):
            return AccessToken("playback-token", int(time.time()) + 3600)

        def get_token_info(self, *scopes, options=None):
            return AccessTokenInfo("playback-token", int(time.time()) + 3600)

    def get_login_credentials(self, subscription_id=None, **kwargs):
        account = self.get_subscription(subscription_id)
        return StaticCredential(), account["id"], account["tenantId"]

    Profile.get_login_credentials = get_login_credentials
    LROBasePolling._sleep = lambda self, delay: None


def main(argv: list[str]) -> int:
    mode, cassette = argv[0], argv[1]
    sep = argv.index("--")
    local = argv[2].rstrip("/") if mode == "record" else None
    az_args = argv[sep + 1:]
    if mode == "playback":
        _offline_login()
    from azure.cli.core import get_default_cli
    with make_vcr(mode, local).use_cassette(cassette) as tape:
        code = get_default_cli().invoke(az_args)
    if mode == "playback" and code == 0 and not tape.all_played:
        # a recorded call the command no longer makes is a wire change too
        sys.stderr.write(f"playback: {len(tape.data) - tape.play_count} recorded request(s) were not made\n")
        return 3
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
