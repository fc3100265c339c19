"""ARM path templates -> handlers, compiled once at startup; matching is case-insensitive.

A path that matches no template gets ARM's 404; a template matched with another method gets 405.
Each route declares its api-versions: OPTIONAL, ANY (required, any value) or an explicit tuple.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from k8sconfig_emulator import errors
from k8sconfig_emulator.arm import (
    clusters,
    extensions,
    flux,
    groups,
    identity,
    lro_resources,
    platform,
    providers,
    scc,
)
from k8sconfig_emulator.context import Ctx, Reply
from k8sconfig_emulator.services import Services

OPTIONAL = "optional"
ANY = "any"

_SEG = r"[^/]+"
SUB = rf"/subscriptions/(?P<sub>{_SEG})"
RG = rf"{SUB}/resourcegroups/(?P<rg>{_SEG})"
CLUSTER = rf"{RG}/providers/(?P<rp>{_SEG})/(?P<ctype>{_SEG})/(?P<cluster>{_SEG})"
KC = rf"{CLUSTER}/providers/microsoft\.kubernetesconfiguration"


@dataclass(frozen=True)
class Route:
    pattern: re.Pattern
    methods: dict[str, Callable[[Services, Ctx], Reply]]
    versions: object
    type_name: str


def _route(template: str, methods: dict, versions: object = ANY, type_name: str = "") -> Route:
    return Route(re.compile(f"^{template}/?$", re.IGNORECASE), methods, versions, type_name)


def _kind_routes(spec: lro_resources.KindSpec) -> list[Route]:
    base = rf"{KC}/{spec.collection}"

    def bind(fn):
        return lambda svc, ctx: fn(svc, spec, ctx)

    item = {"GET": bind(lro_resources.get), "PUT": bind(lro_resources.put),
            "PATCH": bind(lro_resources.patch), "DELETE": bind(lro_resources.delete)}
    return [
        _route(base, {"GET": bind(lro_resources.list_)}, spec.versions, spec.type_name),
        _route(rf"{base}/(?P<name>{_SEG})", item, spec.versions, spec.type_name),
        _route(rf"{base}/(?P<name>{_SEG})/operations/(?P<op>{_SEG})",
               {"GET": bind(lro_resources.operation_status)}, spec.versions, spec.type_name),
        _route(rf"{base}/(?P<name>{_SEG})/operationResults/(?P<op>{_SEG})",
               {"GET": bind(lro_resources.operation_result)}, spec.versions, spec.type_name),
    ]


def build_routes() -> list[Route]:
    return [
        _route("/metadata/endpoints", {"GET": platform.metadata_endpoints}, OPTIONAL),
        _route("/msi/token", {"GET": identity.app_service_token}, OPTIONAL),
        _route("/tenants", {"GET": platform.list_tenants}),
        _route("/subscriptions", {"GET": platform.list_subscriptions}),
        _route(SUB, {"GET": platform.get_subscription}),
        _route(rf"{SUB}/locations", {"GET": platform.list_locations}),
        _route(rf"{SUB}/providers", {"GET": providers.list_providers}),
        _route(rf"{SUB}/providers/(?P<ns>{_SEG})", {"GET": providers.get_provider}),
        _route(rf"{SUB}/providers/(?P<ns>{_SEG})/register", {"POST": providers.register}),
        _route(rf"{SUB}/resourcegroups", {"GET": groups.list_groups}),
        _route(RG, {"PUT": groups.put_group, "GET": groups.get_group, "HEAD": groups.head_group,
                    "PATCH": groups.patch_group, "DELETE": groups.delete_group}),
        *_kind_routes(flux.SPEC),
        *_kind_routes(extensions.SPEC),
        _route(rf"{KC}/sourcecontrolconfigurations", {"GET": scc.list_}, scc.VERSIONS, scc.TYPE),
        _route(rf"{KC}/sourcecontrolconfigurations/(?P<name>{_SEG})",
               {"GET": scc.get, "PUT": scc.put, "DELETE": scc.delete}, scc.VERSIONS, scc.TYPE),
        _route(CLUSTER, {"PUT": clusters.put_cluster, "GET": clusters.get_cluster, "PATCH": clusters.patch_cluster,
                         "DELETE": clusters.delete_cluster}),
        _route(rf"{RG}/providers/(?P<rp>{_SEG})/(?P<ctype>{_SEG})", {"GET": clusters.list_in_group}),
        _route(rf"{SUB}/providers/(?P<rp>{_SEG})/(?P<ctype>{_SEG})", {"GET": clusters.list_in_subscription}),
    ]


# what ARM takes for an api-version at all: a date, optionally with a pre-release suffix
_API_VERSION = re.compile(r"\d{4}-\d{2}-\d{2}(-[a-z]+)?", re.IGNORECASE)
_UNKNOWN_KC = re.compile(rf"^{KC}/(?P<type>{_SEG})", re.IGNORECASE)


class Router:
    def __init__(self, svc: Services, routes: list[Route] | None = None):
        self._svc = svc
        self._routes = routes if routes is not None else build_routes()

    def __call__(self, ctx: Ctx) -> Reply:
        path = ctx.path
        matched = [(r, m) for r in self._routes if (m := r.pattern.match(path))]
        for route, match in matched:
            handler = route.methods.get(ctx.method)
            if handler is None:
                continue
            _check_version(ctx, route)
            ctx.params = {k: v for k, v in match.groupdict().items() if v is not None}
            return handler(self._svc, ctx)
        if matched:
            raise errors.method_not_allowed(ctx.method, path)
        unknown = _UNKNOWN_KC.match(path)
        if unknown:
            raise errors.invalid_resource_type(unknown.group("type"), "Microsoft.KubernetesConfiguration")
        raise errors.path_not_found(path)


def _check_version(ctx: Ctx, route: Route) -> None:
    if route.versions == OPTIONAL:
        return
    version = ctx.api_version
    if not version:
        raise errors.missing_api_version()
    if isinstance(route.versions, tuple) and version not in route.versions:
        if _API_VERSION.fullmatch(version):
            raise errors.no_registered_provider(version, list(route.versions), route.type_name)
        raise errors.invalid_api_version(version, list(route.versions), route.type_name)
