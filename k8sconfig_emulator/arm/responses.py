"""Shapes shared by handlers: paged lists and long-running-operation replies."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from k8sconfig_emulator import errors
from k8sconfig_emulator.context import Ctx, Reply


def paged(ctx: Ctx, fetch: Callable[[int, int], list[dict]], page_size: int) -> Reply:
    """One page of a collection; `fetch(offset, limit)` reads only that slice (plus one item to see if more follow)."""
    token = next((v for k, v in ctx.query.items() if k.lower() == "$skiptoken"), "0")
    if not token.isdigit():
        raise errors.invalid_content(f"The $skipToken '{token}' is not valid; use the nextLink as given.")
    start = int(token)
    items = fetch(start, page_size + 1)
    body: dict = {"value": items[:page_size]}
    if len(items) > page_size:
        query = {"api-version": ctx.api_version or "", "$skipToken": str(start + page_size)}
        body["nextLink"] = f"{ctx.base_url}{ctx.path}?{urlencode(query)}"
    return Reply(200, body)


def operation_url(ctx: Ctx, resource_path: str, op_id: str) -> str:
    return f"{ctx.base_url}{resource_path}/operations/{op_id}?{urlencode({'api-version': ctx.api_version})}"


def accepted(ctx: Ctx, status: int, body: dict | None, resource_path: str, op_id: str) -> Reply:
    headers = {"Azure-AsyncOperation": operation_url(ctx, resource_path, op_id), "Retry-After": "1"}
    return Reply(status, body, headers)
