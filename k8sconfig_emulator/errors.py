"""ARM error envelope: one named constructor per wire error code.

Every constructor fixes the HTTP status, the ARM ``code`` and a message that says what is wrong
and, where useful, what to do about it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ArmError(Exception):
    status: int
    code: str
    message: str
    target: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def body(self) -> dict:
        error: dict = {"code": self.code, "message": self.message}
        if self.target:
            error["target"] = self.target
        return {"error": error}

    def __str__(self) -> str:  # pragma: no cover - debugging aid
        return f"{self.status} {self.code}: {self.message}"


def missing_api_version() -> ArmError:
    return ArmError(400, "MissingApiVersionParameter",
                    "The api-version query parameter (?api-version=) is required for all requests.")


def invalid_api_version(version: str, supported: list[str], resource_type: str) -> ArmError:
    """A value that is not an api-version at all (ARM's answer to e.g. 'latest')."""
    return ArmError(400, "InvalidApiVersionParameter",
                    f"The api-version '{version}' is invalid: use a date such as '{supported[0]}'. "
                    f"The supported api-versions for '{resource_type}' are '{', '.join(supported)}'.")


def no_registered_provider(version: str, supported: list[str], resource_type: str) -> ArmError:
    """A well-formed api-version this resource type does not have (ARM's NoRegisteredProviderFound)."""
    return ArmError(400, "NoRegisteredProviderFound",
                    f"No registered resource provider found for API version '{version}' and type "
                    f"'{resource_type}'. The supported api-versions are '{', '.join(supported)}'.")


def invalid_content(message: str, target: str | None = None) -> ArmError:
    return ArmError(400, "InvalidRequestContent", message, target)


def validation_failed(message: str, target: str | None = None) -> ArmError:
    return ArmError(400, "ValidationFailed", message, target)


def unsupported_media_type(content_type: str) -> ArmError:
    return ArmError(415, "UnsupportedMediaType",
                    f"The content media type '{content_type or '(none)'}' is not supported. "
                    "Send the request body as 'application/json'.")


def too_large(limit: int) -> ArmError:
    return ArmError(413, "RequestEntityTooLarge",
                    f"The request body is larger than the limit of {limit} bytes.")


def auth_failed(code: str, message: str, authority: str) -> ArmError:
    header = (f'Bearer authorization_uri="{authority}", error="invalid_token", '
              f'error_description="{message}"')
    return ArmError(401, code, message, headers={"WWW-Authenticate": header})


def subscription_not_found(subscription: str) -> ArmError:
    return ArmError(404, "SubscriptionNotFound", f"The subscription '{subscription}' could not be found.")


def resource_group_not_found(group: str) -> ArmError:
    return ArmError(404, "ResourceGroupNotFound", f"Resource group '{group}' could not be found.")


def resource_not_found(type_path: str, group: str) -> ArmError:
    return ArmError(404, "ResourceNotFound",
                    f"The Resource '{type_path}' under resource group '{group}' was not found. "
                    "For more details please go to https://aka.ms/ARMResourceNotFoundFix")


def invalid_resource_type(resource_type: str, namespace: str) -> ArmError:
    return ArmError(404, "InvalidResourceType",
                    f"The resource type '{resource_type}' could not be found in the namespace "
                    f"'{namespace}'.")


def invalid_namespace(namespace: str) -> ArmError:
    return ArmError(404, "InvalidResourceNamespace", f"The resource namespace '{namespace}' is invalid.")


def path_not_found(path: str) -> ArmError:
    return ArmError(404, "NotFound", f"No route matches '{path}'.")


def method_not_allowed(method: str, path: str) -> ArmError:
    return ArmError(405, "MethodNotAllowed", f"The method '{method}' is not allowed on '{path}'.")


def operation_failed(code: str, message: str) -> ArmError:
    """The operation-result (Location) answer of an operation that failed or was canceled."""
    return ArmError(400, code, message)


def flux_extension_missing(cluster: str, install_command: str) -> ArmError:
    return ArmError(400, "FluxExtensionNotInstalled",
                    f"The 'microsoft.flux' extension is not installed on cluster '{cluster}', and flux "
                    f"configurations need it. Install it with '{install_command}' and retry "
                    "('az k8s-configuration flux create' installs it for you).", target="extensions")


def flux_extension_not_ready(cluster: str, name: str, state: str, remedy: str) -> ArmError:
    return ArmError(400, "FluxExtensionNotReady",
                    f"The 'microsoft.flux' extension '{name}' on cluster '{cluster}' is in state '{state}'; "
                    f"flux configurations can be written once it is Succeeded. {remedy}", target="extensions")


def operation_not_found(operation_id: str) -> ArmError:
    return ArmError(404, "OperationNotFound", f"The operation '{operation_id}' could not be found.")


def missing_registration(namespace: str) -> ArmError:
    return ArmError(409, "MissingSubscriptionRegistration",
                    # one quoted name only, as ARM writes it: SDK clients read the namespace to register from it
                    f"The subscription is not registered to use namespace '{namespace}'. "
                    f"Register the namespace (az provider register --namespace {namespace}) and retry.")


def registration_forbidden(namespace: str) -> ArmError:
    return ArmError(403, "AuthorizationFailed",
                    f"The client does not have authorization to perform action "
                    f"'{namespace}/register/action' over this subscription.")


def conflict(message: str) -> ArmError:
    return ArmError(409, "Conflict", message)


def throttled(status: int) -> ArmError:
    code = "TooManyRequests" if status == 429 else "ServiceUnavailable"
    return ArmError(status, code, "Injected fault: please retry after the interval in Retry-After.",
                    headers={"Retry-After": "1"})


def internal_error(request_id: str) -> ArmError:
    return ArmError(500, "InternalServerError",
                    f"The emulator hit an unexpected error (request id {request_id}); see its log.")
