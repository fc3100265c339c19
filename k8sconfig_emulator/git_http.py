"""Serve local git repositories read-only over git's smart HTTP protocol (``git upload-pack --stateless-rpc``).

``make_git_app({"demo": Path(...)})`` is an ASGI app; mounted at ``/git`` it answers
``git clone https://host/git/demo`` (and ``.../demo.git``). Pushing is refused. With ``check_auth`` every request
must carry credentials it accepts (the emulator wires its ARM bearer token check in). Request bodies are bounded,
before and after gzip decompression.
"""

from __future__ import annotations

import os
import subprocess
import zlib
from collections.abc import Callable
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

_TIMEOUT = 300
# An upload-pack request is "want"/"have" lines: a few KB usually, ~50 bytes per ref wanted at most.
MAX_REQUEST_BYTES = 4 * 1024 * 1024
MAX_DECOMPRESSED_BYTES = 16 * 1024 * 1024
AUTH_HINT = ("this repository needs the emulator's access token, e.g. git -c http.extraHeader=\"Authorization: "
             "Bearer $(az account get-access-token --query accessToken -o tsv)\" clone URL")
_NO_CACHE = {"Cache-Control": "no-cache, max-age=0, must-revalidate", "Pragma": "no-cache"}


def _pkt_line(text: str) -> bytes:
    data = text.encode()
    return f"{len(data) + 4:04x}".encode() + data


def _upload_pack(repo: Path, args: list[str], body: bytes | None) -> bytes:
    env = {k: os.environ[k] for k in ("PATH", "HOME", "TMPDIR") if k in os.environ}
    env.update({"LC_ALL": "C", "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull})
    cmd = ["git", "-c", "safe.directory=*", "upload-pack", "--stateless-rpc", *args, str(repo)]
    proc = subprocess.run(cmd, input=body or b"", capture_output=True, env=env, timeout=_TIMEOUT, check=False)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.decode("utf-8", "replace").strip() or "git upload-pack failed")
    return proc.stdout


def _lookup(repos: dict[str, Path], name: str) -> Path | None:
    if name in repos:
        return repos[name]
    if name.endswith(".git") and name[:-4] in repos:
        return repos[name[:-4]]
    return None


class BodyError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


async def _bounded_body(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and (len(declared) > 18 or int(declared) > MAX_REQUEST_BYTES):
        raise BodyError(413, f"request body larger than {MAX_REQUEST_BYTES} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_REQUEST_BYTES:
            raise BodyError(413, f"request body larger than {MAX_REQUEST_BYTES} bytes")
        chunks.append(chunk)
    body = b"".join(chunks)
    if request.headers.get("content-encoding", "").lower() != "gzip":
        return body
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(body, MAX_DECOMPRESSED_BYTES + 1)
    except zlib.error:
        raise BodyError(400, "request body is not valid gzip") from None
    if len(out) > MAX_DECOMPRESSED_BYTES:
        raise BodyError(413, f"request body inflates to more than {MAX_DECOMPRESSED_BYTES} bytes")
    if not inflater.eof:
        raise BodyError(400, "request body is not valid gzip (truncated)")
    return out


def make_git_app(repos: dict[str, Path], check_auth: Callable[[str], str | None] | None = None) -> Starlette:
    """An ASGI app serving ``repos`` (NAME -> repository path, bare or not) read-only over smart HTTP.

    ``check_auth(authorization_header)`` returns None to let a request in, or the reason it is refused (401)."""
    repos = {name: Path(path) for name, path in repos.items()}

    def refused(request: Request) -> Response | None:
        if check_auth is None:
            return None
        reason = check_auth(request.headers.get("authorization", ""))
        if reason is None:
            return None
        return PlainTextResponse(f"{reason}\n{AUTH_HINT}\n", status_code=401,
                                 headers={"WWW-Authenticate": 'Basic realm="k8sconfig-emulator git"'})

    def not_found(name: str) -> Response:
        return PlainTextResponse(f"repository '{name}' not found\n", status_code=404)

    async def info_refs(request: Request) -> Response:
        if (denied := refused(request)) is not None:
            return denied
        name = request.path_params["name"]
        repo = _lookup(repos, name)
        if repo is None:
            return not_found(name)
        service = request.query_params.get("service")
        if service != "git-upload-pack":
            return PlainTextResponse("only the smart HTTP git-upload-pack service is offered (read-only)\n", status_code=403)
        try:
            refs = await run_in_threadpool(_upload_pack, repo, ["--advertise-refs"], None)
        except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
            return PlainTextResponse(f"{exc}\n", status_code=500)
        body = _pkt_line("# service=git-upload-pack\n") + b"0000" + refs
        return Response(body, media_type="application/x-git-upload-pack-advertisement", headers=_NO_CACHE)

    async def upload_pack(request: Request) -> Response:
        if (denied := refused(request)) is not None:
            return denied
        name = request.path_params["name"]
        repo = _lookup(repos, name)
        if repo is None:
            return not_found(name)
        try:
            body = await _bounded_body(request)
        except BodyError as exc:
            return PlainTextResponse(f"{exc}\n", status_code=exc.status)
        try:
            result = await run_in_threadpool(_upload_pack, repo, [], body)
        except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
            return PlainTextResponse(f"{exc}\n", status_code=500)
        return Response(result, media_type="application/x-git-upload-pack-result", headers=_NO_CACHE)

    async def receive_pack(request: Request) -> Response:
        if (denied := refused(request)) is not None:
            return denied
        return PlainTextResponse("this git server is read-only; push to the local repository instead\n", status_code=403)

    return Starlette(
        routes=[
            Route("/{name}/info/refs", info_refs, methods=["GET"]),
            Route("/{name}/git-upload-pack", upload_pack, methods=["POST"]),
            Route("/{name}/git-receive-pack", receive_pack, methods=["POST"]),
        ]
    )
