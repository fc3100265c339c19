"""Shapes shared by handlers: paged lists and long-running-operation replies."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from k8sconfig_emulator import errors
from k8sconfig_emulator.context import Ctx, Reply

MIN_POLL_MS = 100
MAX_SKIP_DIGITS = 12   # an offset SQLite can take; longer digit runs are not parsed


def paged(ctx: Ctx, fetch: Callable[[int, int], list[dict]], page_size: int) -> Reply:
    """One page of a collection; `fetch(offset, limit)` reads only that slice (plus one item to see if more follow)."""
    token = next((v for k, v in ctx.query.items() if k.lower() == "$skiptoken"), "0")
    if not (token.isascii() and token.isdigit() and len(token) <= MAX_SKIP_DIGITS):
        shown = token if len(token) <= 40 else token[:40] + "..."
        raise errors.invalid_content(f"The $skipToken '{shown}' is not valid; use the nextLink as given.")
    start = int(token)
    items = fetch(start, page_size + 1)
    body: dict = {"value": items[:page_size]}
    if len(items) > page_size:
        query = {"api-version": ctx.api_version or "", "$skipToken": str(start + page_size)}
        body["nextLink"] = f"{ctx.base_url}{ctx.path}?{urlencode(query)}"
    return Reply(200, body)


def poll_hint(seconds: float) -> dict[str, str]:
    """When to poll again. Whole seconds go in Retry-After (the SDKs parse its initial value with int()); less
    than a second, 0 included, goes in Retry-After-ms, which azure-core also reads. It takes a zero delay for no
    hint at all (and then waits its own 30 s), and a tiny one makes every waiting client spin, so the hint is at
    least MIN_POLL_MS."""
    if seconds >= 1:
        return {"Retry-After": str(round(seconds))}
    return {"Retry-After-ms": str(max(MIN_POLL_MS, round(seconds * 1000)))}


def operation_url(ctx: Ctx, resource_path: str, op_id: str, collection: str = "operations") -> str:
    return f"{ctx.base_url}{resource_path}/{collection}/{op_id}?{urlencode({'api-version': ctx.api_version})}"


def accepted(ctx: Ctx, status: int, body: dict | None, resource_path: str, op_id: str, retry_after: float) -> Reply:
    """A 201/202 answer of a long-running write: Azure-AsyncOperation (what the SDKs poll), on 202 also Location
    (ARM's operation-result URL), and the poll hint."""
    headers = {"Azure-AsyncOperation": operation_url(ctx, resource_path, op_id), **poll_hint(retry_after)}
    if status == 202:
        headers["Location"] = operation_url(ctx, resource_path, op_id, "operationResults")
    return Reply(status, body, headers)
