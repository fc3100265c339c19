"""Access tokens the emulator issues: HS256-signed JWTs (a small own implementation, no extra deps)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid

TENANT_ID = "00000000-0000-0000-0000-00000000aaaa"
SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000"
PRINCIPAL_ID = "00000000-0000-0000-0000-00000000cccc"
ISSUER = "https://k8sconfig-emulator.local/"
LIFETIME_SECONDS = 3600


class TokenError(Exception):
    """Raised for a token the emulator does not accept; ``code`` is the ARM error code."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def issue(key: bytes, resource: str, now: float | None = None, lifetime: int = LIFETIME_SECONDS) -> dict:
    """Return the token response fields (App Service MI protocol shape)."""
    issued = int(now if now is not None else time.time())
    claims = {"aud": resource, "iss": ISSUER, "iat": issued, "nbf": issued, "exp": issued + lifetime,
              "tid": TENANT_ID, "oid": PRINCIPAL_ID, "sub": PRINCIPAL_ID, "appid": PRINCIPAL_ID,
              "idtyp": "app", "uti": uuid.uuid4().hex}
    header = {"alg": "HS256", "typ": "JWT"}
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    signature = hmac.new(key, signing_input.encode("ascii"), hashlib.sha256).digest()
    return {"access_token": f"{signing_input}.{_b64(signature)}", "expires_on": str(claims["exp"]),
            "expires_in": lifetime, "resource": resource, "token_type": "Bearer"}


def verify(key: bytes, token: str, now: float | None = None) -> dict:
    """Return the claims of a token this emulator issued; raise TokenError otherwise."""
    parts = token.split(".")
    if len(parts) != 3 or not token.isascii():
        raise TokenError("InvalidAuthenticationToken", "The access token is not a well-formed JWT.")
    expected = hmac.new(key, f"{parts[0]}.{parts[1]}".encode("ascii"), hashlib.sha256).digest()
    try:
        signature = _unb64(parts[2])
        claims = json.loads(_unb64(parts[1]))
    except (ValueError, UnicodeDecodeError) as exc:
        raise TokenError("InvalidAuthenticationToken", "The access token could not be decoded.") from exc
    if not hmac.compare_digest(signature, expected) or claims.get("iss") != ISSUER:
        raise TokenError("InvalidAuthenticationToken",
                         "The access token was not issued by this emulator (invalid signature).")
    current = now if now is not None else time.time()
    if not isinstance(claims.get("exp"), int) or claims["exp"] <= current:
        raise TokenError("InvalidAuthenticationToken", "The access token has expired; get a new one.")
    return claims
