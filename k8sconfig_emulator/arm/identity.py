"""The managed-identity token endpoint (App Service protocol: IDENTITY_ENDPOINT + IDENTITY_HEADER, which is what
`k8sconfig-emulator env` exports and az uses; the Azure ML variant MSI_ENDPOINT + MSI_SECRET sends the same secret in
a `secret` header). There is no IMDS route: that protocol has no secret, so any local process could get a token."""

from __future__ import annotations

import hmac

from k8sconfig_emulator import errors, tokens
from k8sconfig_emulator.arm.platform import AUDIENCE
from k8sconfig_emulator.context import Ctx, Reply
from k8sconfig_emulator.services import Services


def _resource(ctx: Ctx) -> str:
    return ctx.query.get("resource") or AUDIENCE


def app_service_token(svc: Services, ctx: Ctx) -> Reply:
    given = ctx.headers.get("x-identity-header") or ctx.headers.get("secret") or ""
    if not hmac.compare_digest(given.encode(), svc.identity_secret.encode()):
        raise errors.ArmError(401, "AuthenticationFailed",
                              "The X-IDENTITY-HEADER header does not match this emulator's identity secret. "
                              "Re-run: eval \"$(k8sconfig-emulator env)\".")
    return Reply(200, tokens.issue(svc.signing_key, _resource(ctx), svc.clock()))

