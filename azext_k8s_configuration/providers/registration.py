"""Register Microsoft.KubernetesConfiguration when, and only when, ARM says the subscription is not registered.

Registered subscriptions (nearly all) pay nothing for this: there is no registration check before a write.
When a write is answered 409 MissingSubscriptionRegistration, the provider is registered once, its
registration waited for, and the write sent again. azure-mgmt-core has a pipeline policy meant to do this, but
it cannot read the error of the streamed responses that long-running operations use, so it never fires for them.
"""
import time

from azure.cli.core.azclierror import ForbiddenError, UnclassifiedUserFault
from azure.core.exceptions import HttpResponseError
from knack.log import get_logger

from azext_k8s_configuration._errors import REGISTER_HINT, error_fields

logger = get_logger(__name__)

PROVIDER_NAMESPACE = "Microsoft.KubernetesConfiguration"
MISSING_REGISTRATION = "MissingSubscriptionRegistration"
REGISTRATION_TIMEOUT_SECONDS = 10 * 60
POLL_SECONDS = 5


def register_and_wait(providers, *, timeout_seconds=REGISTRATION_TIMEOUT_SECONDS, poll_seconds=POLL_SECONDS,
                      clock=time.monotonic, sleep=time.sleep) -> bool:
    """POST the registration, then poll until Registered; False when the timeout passed first."""
    providers.register(PROVIDER_NAMESPACE)
    deadline = clock() + timeout_seconds
    while getattr(providers.get(PROVIDER_NAMESPACE), "registration_state", None) != "Registered":
        if clock() >= deadline:
            return False
        sleep(poll_seconds)
    return True


def _providers(cli_ctx):
    from azext_k8s_configuration._client_factory import cf_resource_management
    return cf_resource_management(cli_ctx).providers


def registering_on_demand(cmd, write):
    """Run `write()`; if ARM refuses it because the provider is not registered, register and run it again."""
    try:
        return write()
    except HttpResponseError as refused:
        if error_fields(refused)[1] != MISSING_REGISTRATION:
            raise
    logger.warning("The subscription is not registered for %s; registering it now (this can take a few "
                   "minutes)...", PROVIDER_NAMESPACE)
    try:
        registered = register_and_wait(_providers(cmd.cli_ctx))
    except HttpResponseError as denied:
        status, code, message, _ = error_fields(denied)
        if status == 403:
            raise ForbiddenError(
                f"The subscription is not registered for {PROVIDER_NAMESPACE} and this account may not register "
                f"it: ({code}) {message}",
                f"Ask a subscription owner to run 'az provider register --namespace {PROVIDER_NAMESPACE}', "
                f"then retry.") from None
        raise
    if not registered:
        raise UnclassifiedUserFault(
            f"{PROVIDER_NAMESPACE} is still registering after {REGISTRATION_TIMEOUT_SECONDS // 60} minutes.",
            REGISTER_HINT)
    logger.warning("%s is registered.", PROVIDER_NAMESPACE)
    return write()
