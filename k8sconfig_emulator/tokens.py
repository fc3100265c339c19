"""Access tokens the emulator issues and accepts: HS256-signed JWTs (PyJWT), audience, issuer and lifetime checked.

The times are checked here against the caller's clock (the emulator's, which tests can set); PyJWT checks the
signature, the header, the required claims, the issuer and the audience.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Collection

import jwt

TENANT_ID = "00000000-0000-0000-0000-00000000aaaa"
SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000"
PRINCIPAL_ID = "00000000-0000-0000-0000-00000000cccc"
ISSUER = "https://k8sconfig-emulator.local/"
LIFETIME_SECONDS = 3600
ALGORITHM = "HS256"
REQUIRED_CLAIMS = ["exp", "nbf", "iat", "iss", "aud"]


class TokenError(Exception):
    """Raised for a token the emulator does not accept; ``code`` is the ARM error code."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def issue(key: bytes, resource: str, now: float | None = None, lifetime: int = LIFETIME_SECONDS) -> dict:
    """Return the token response fields (App Service MI protocol shape)."""
    issued = int(now if now is not None else time.time())
    claims = {"aud": resource, "iss": ISSUER, "iat": issued, "nbf": issued, "exp": issued + lifetime,
              "tid": TENANT_ID, "oid": PRINCIPAL_ID, "sub": PRINCIPAL_ID, "appid": PRINCIPAL_ID,
              "idtyp": "app", "uti": uuid.uuid4().hex}
    token = jwt.encode(claims, key, algorithm=ALGORITHM, headers={"typ": "JWT"})
    return {"access_token": token, "expires_on": str(claims["exp"]), "expires_in": lifetime,
            "resource": resource, "token_type": "Bearer"}


def verify(key: bytes, token: str, now: float | None = None, audiences: Collection[str] | None = None) -> dict:
    """Return the claims of a token this emulator issued for one of ``audiences`` (any when None) and that is
    valid at ``now``; raise TokenError otherwise."""
    options = {"verify_exp": False, "verify_nbf": False, "verify_iat": False, "verify_aud": audiences is not None,
               "require": REQUIRED_CLAIMS}
    try:
        claims = jwt.decode(token, key, algorithms=[ALGORITHM], issuer=ISSUER, options=options,
                            audience=list(audiences) if audiences is not None else None)
    except jwt.InvalidSignatureError:
        raise TokenError("InvalidAuthenticationToken",
                         "The access token was not issued by this emulator (invalid signature).") from None
    except jwt.InvalidAudienceError:
        raise TokenError("InvalidAuthenticationTokenAudience",
                         "The access token was obtained for another audience or resource; get one for "
                         f"'{max(audiences or [''], key=len)}'.") from None
    except jwt.InvalidIssuerError:
        raise TokenError("InvalidAuthenticationToken",
                         "The access token was not issued by this emulator (unknown issuer).") from None
    except jwt.MissingRequiredClaimError as exc:
        raise TokenError("InvalidAuthenticationToken",
                         f"The access token lacks the '{exc.claim}' claim.") from None
    except (jwt.InvalidTokenError, ValueError, TypeError):
        raise TokenError("InvalidAuthenticationToken", "The access token is not a well-formed JWT.") from None
    current = now if now is not None else time.time()
    for claim in ("exp", "nbf"):
        if isinstance(claims[claim], bool) or not isinstance(claims[claim], (int, float)):
            raise TokenError("InvalidAuthenticationToken", f"The access token's '{claim}' claim is not a time.")
    if claims["nbf"] > current:
        raise TokenError("InvalidAuthenticationToken", "The access token is not valid yet (its 'nbf' is in the "
                                                       "future); get a new one.")
    if claims["exp"] <= current:
        raise TokenError("InvalidAuthenticationToken", "The access token has expired; get a new one.")
    return claims
