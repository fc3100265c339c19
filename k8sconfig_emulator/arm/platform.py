"""Cloud metadata, tenants, subscriptions and locations: fixed answers for one subscription."""

from __future__ import annotations

from k8sconfig_emulator.arm.scope import check_subscription
from k8sconfig_emulator.context import Ctx, Reply
from k8sconfig_emulator.services import Services
from k8sconfig_emulator.tokens import SUBSCRIPTION_ID, TENANT_ID

AUDIENCE = "https://management.k8sconfig.local/"
SUBSCRIPTION_NAME = "k8sconfig-emulator"
TENANT_NAME = "k8sconfig-emulator tenant"
TENANT_DOMAIN = "k8sconfig.local"
LOCATIONS = (("eastus", "East US"), ("westus2", "West US 2"), ("westeurope", "West Europe"),
             ("northeurope", "North Europe"), ("uksouth", "UK South"), ("eastus2euap", "East US 2 EUAP"))


def metadata_endpoints(svc: Services, ctx: Ctx) -> Reply:
    base = ctx.base_url
    return Reply(200, {
        "name": "K8sConfigEmulator", "resourceManager": f"{base}/", "portal": f"{base}/",
        "authentication": {"loginEndpoint": base, "audiences": [AUDIENCE], "tenant": "common",
                           "identityProvider": "AAD"},
        "media": f"{base}/", "graphAudience": f"{base}/", "graph": f"{base}/", "batch": f"{base}/",
        "suffixes": {"storage": "core.k8sconfig.local", "keyVaultDns": "vault.k8sconfig.local"},
    })


def subscription_body() -> dict:
    return {"id": f"/subscriptions/{SUBSCRIPTION_ID}", "subscriptionId": SUBSCRIPTION_ID,
            "tenantId": TENANT_ID, "displayName": SUBSCRIPTION_NAME, "state": "Enabled",
            "authorizationSource": "RoleBased", "managedByTenants": [],
            "subscriptionPolicies": {"locationPlacementId": "Public_2014-09-01", "quotaId": "Emulator",
                                     "spendingLimit": "Off"}}


def list_tenants(svc: Services, ctx: Ctx) -> Reply:
    return Reply(200, {"value": [{"id": f"/tenants/{TENANT_ID}", "tenantId": TENANT_ID, "tenantCategory": "Home",
                                  "displayName": TENANT_NAME, "defaultDomain": TENANT_DOMAIN,
                                  "domains": [TENANT_DOMAIN], "tenantType": "AAD"}]})


def list_subscriptions(svc: Services, ctx: Ctx) -> Reply:
    return Reply(200, {"value": [subscription_body()]})


def get_subscription(svc: Services, ctx: Ctx) -> Reply:
    check_subscription(ctx.params["sub"])
    return Reply(200, subscription_body())


def list_locations(svc: Services, ctx: Ctx) -> Reply:
    check_subscription(ctx.params["sub"])
    sub = ctx.params["sub"]
    return Reply(200, {"value": [
        {"id": f"/subscriptions/{sub}/locations/{name}", "name": name, "displayName": display,
         "regionalDisplayName": f"(Emulator) {display}", "type": "Region",
         "metadata": {"regionType": "Physical", "regionCategory": "Recommended"}}
        for name, display in LOCATIONS]})
