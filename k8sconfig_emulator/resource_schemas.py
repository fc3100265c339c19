"""Request/response shapes of the emulated resource types, written from the API's documented facts.

fluxConfigurations 2025-04-01, extensions 2025-03-01, and legacy sourceControlConfigurations 2022-03-01.
Read-only fields are accepted on input and ignored; secret fields are kept but never returned.
"""

from __future__ import annotations

from k8sconfig_emulator.schema import (
    Any_,
    Arr,
    Bool,
    Int,
    Map,
    Node,
    Obj,
    Str,
    as_patch,
    secret_names,
)


def _obj(**fields: Node) -> Obj:
    return Obj(fields=fields)


def _secret() -> Str:
    return Str(secret=True)


# Flux keeps these durations as Go time.Duration values (int64 nanoseconds): whole seconds from 1 up to
# 9,223,372,036 fit. Zero or less means nothing to Flux; more overflows it.
MAX_FLUX_SECONDS = (2**63 - 1) // 10**9


def _seconds(default: int | None = 600) -> Int:
    if default is None:
        return Int(minimum=1, maximum=MAX_FLUX_SECONDS)
    return Int(default=default, minimum=1, maximum=MAX_FLUX_SECONDS)


_SYSTEM_DATA = Obj(read_only=True, fields={
    "createdBy": Str(), "createdByType": Str(), "createdAt": Str(),
    "lastModifiedBy": Str(), "lastModifiedByType": Str(), "lastModifiedAt": Str(),
})


def _envelope(properties: Node, **extra: Node) -> Obj:
    return Obj(fields={
        "id": Str(read_only=True), "name": Str(read_only=True), "type": Str(read_only=True),
        "systemData": _SYSTEM_DATA, "properties": properties, **extra,
    })


# ---------------------------------------------------------------------------------------------
# fluxConfigurations
# ---------------------------------------------------------------------------------------------

_GIT = _obj(
    url=Str(), timeoutInSeconds=_seconds(), syncIntervalInSeconds=_seconds(),
    repositoryRef=_obj(branch=Str(), tag=Str(), semver=Str(), commit=Str()),
    sshKnownHosts=Str(), httpsUser=Str(), httpsCACert=Str(), localAuthRef=Str(), provider=Str(),
)

_BUCKET = _obj(
    url=Str(), bucketName=Str(), insecure=Bool(default=True), timeoutInSeconds=_seconds(),
    syncIntervalInSeconds=_seconds(), accessKey=Str(), localAuthRef=Str(),
)

_AZURE_BLOB = _obj(
    url=Str(), containerName=Str(), timeoutInSeconds=_seconds(), syncIntervalInSeconds=_seconds(),
    servicePrincipal=_obj(
        clientId=Str(), tenantId=Str(), clientSecret=_secret(), clientCertificate=_secret(),
        clientCertificatePassword=_secret(), clientCertificateSendChain=Bool(default=False),
    ),
    accountKey=_secret(), sasToken=_secret(), managedIdentity=_obj(clientId=Str()), localAuthRef=Str(),
)

_OCI = _obj(
    url=Str(), timeoutInSeconds=_seconds(), syncIntervalInSeconds=_seconds(),
    repositoryRef=_obj(tag=Str(), semver=Str(), digest=Str()),
    layerSelector=_obj(mediaType=Str(), operation=Str()),
    verify=_obj(provider=Str(), verificationConfig=Map(value=Str()),
                matchOidcIdentity=Arr(item=_obj(issuer=Str(), subject=Str()))),
    insecure=Bool(default=False), useWorkloadIdentity=Bool(default=False), serviceAccountName=Str(),
    tlsConfig=_obj(clientCertificate=_secret(), privateKey=_secret(), caCertificate=_secret()),
    localAuthRef=Str(),
)

_KUSTOMIZATION = _obj(
    name=Str(read_only=True), path=Str(default=""), dependsOn=Arr(item=Str()),
    timeoutInSeconds=_seconds(), syncIntervalInSeconds=_seconds(), retryIntervalInSeconds=_seconds(None),
    prune=Bool(default=False), force=Bool(default=False), wait=Bool(default=True),
    postBuild=_obj(substitute=Map(value=Str()),
                   substituteFrom=Arr(item=_obj(kind=Str(), name=Str(), optional=Bool(default=False)))),
)

_STATUS_ONLY = Arr(read_only=True, item=Any_())

FLUX_PROPERTIES = Obj(fields={
    "scope": Str(default="cluster"), "namespace": Str(default="default"),
    "sourceKind": Str(default="GitRepository"), "suspend": Bool(default=False),
    "gitRepository": _GIT, "bucket": _BUCKET, "azureBlob": _AZURE_BLOB, "ociRepository": _OCI,
    "kustomizations": Map(value=_KUSTOMIZATION),
    "configurationProtectedSettings": Map(secret=True, value=Str()),
    "statuses": _STATUS_ONLY, "repositoryPublicKey": Str(read_only=True),
    "sourceSyncedCommitId": Str(read_only=True), "sourceUpdatedAt": Str(read_only=True),
    "statusUpdatedAt": Str(read_only=True), "waitForReconciliation": Bool(),
    "reconciliationWaitDuration": Str(), "complianceState": Str(read_only=True),
    "provisioningState": Str(read_only=True), "errorMessage": Str(read_only=True),
})

FLUX = _envelope(FLUX_PROPERTIES)
FLUX_PATCH = Obj(fields={"properties": as_patch(FLUX_PROPERTIES)})

SOURCE_FIELDS = {"GitRepository": "gitRepository", "Bucket": "bucket", "AzureBlob": "azureBlob",
                 "OCIRepository": "ociRepository"}
FLUX_STATUS_FIELDS = ("complianceState", "statuses", "sourceSyncedCommitId", "sourceUpdatedAt",
                      "statusUpdatedAt", "errorMessage", "repositoryPublicKey")

# ---------------------------------------------------------------------------------------------
# extensions
# ---------------------------------------------------------------------------------------------

EXTENSION_PROPERTIES = Obj(fields={
    "extensionType": Str(), "autoUpgradeMode": Str(default="compatible"),
    "autoUpgradeMinorVersion": Bool(default=True), "releaseTrain": Str(default="Stable"),
    "version": Str(),
    "scope": _obj(cluster=_obj(releaseNamespace=Str()), namespace=_obj(targetNamespace=Str())),
    "configurationSettings": Map(value=Str()),
    "configurationProtectedSettings": Map(secret=True, value=Str()),
    "currentVersion": Str(read_only=True), "installedVersion": Str(read_only=True),
    "provisioningState": Str(read_only=True), "statuses": _STATUS_ONLY,
    "errorInfo": Any_(read_only=True), "customLocationSettings": Any_(read_only=True),
    "packageUri": Str(read_only=True),
    "aksAssignedIdentity": Obj(fields={
        "principalId": Str(read_only=True), "tenantId": Str(read_only=True), "type": Str(),
        "objectId": Str(), "clientId": Str(), "resourceId": Str(), "url": Str()}),
    "isSystemExtension": Bool(read_only=True), "managementDetails": Any_(read_only=True),
    "additionalDetails": Any_(read_only=True), "extensionState": Str(read_only=True),
})

_IDENTITY = Obj(fields={"principalId": Str(read_only=True), "tenantId": Str(read_only=True),
                        "type": Str(), "userAssignedIdentities": Map(value=Any_())})

EXTENSION = _envelope(
    EXTENSION_PROPERTIES, identity=_IDENTITY,
    plan=_obj(name=Str(), publisher=Str(), product=Str(), promotionCode=Str(), version=Str()),
    managedBy=Str(),
    location=Str(),  # sent by older clients; accepted and ignored
)

EXTENSION_PATCH = Obj(fields={"properties": Obj(fields={
    "autoUpgradeMode": Str(), "autoUpgradeMinorVersion": Bool(), "releaseTrain": Str(),
    "version": Str(), "configurationSettings": Map(value=Str()),
    "configurationProtectedSettings": Map(secret=True, value=Str()),
})})

# ---------------------------------------------------------------------------------------------
# sourceControlConfigurations (Flux v1, legacy; only seeded by tests)
# ---------------------------------------------------------------------------------------------

SCC_PROPERTIES = Obj(fields={
    "repositoryUrl": Str(), "operatorNamespace": Str(default="default"), "operatorInstanceName": Str(),
    "operatorType": Str(default="Flux"), "operatorParams": Str(), "operatorScope": Str(default="cluster"),
    "configurationProtectedSettings": Map(secret=True, value=Str()),
    "sshKnownHostsContents": Str(), "enableHelmOperator": Bool(default=False),
    "helmOperatorProperties": _obj(chartVersion=Str(), chartValues=Str()),
    "repositoryPublicKey": Str(read_only=True), "complianceStatus": Any_(read_only=True),
    "provisioningState": Str(read_only=True),
})

SCC = _envelope(SCC_PROPERTIES)

SECRET_NAMES = secret_names(FLUX, EXTENSION, EXTENSION_PATCH, SCC)
