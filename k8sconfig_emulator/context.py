"""Plain request/response values passed through the handler pipeline (no framework types)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from k8sconfig_emulator import errors
from k8sconfig_emulator.schema import json_depth

MAX_BODY_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 64


def _reject_constant(name: str) -> None:
    """NaN and Infinity are not JSON (Python's parser takes them unless told otherwise)."""
    raise ValueError(f"'{name}' is not a JSON value")


@dataclass
class Ctx:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]          # lower-cased names
    raw_body: bytes
    base_url: str                    # e.g. https://127.0.0.1:PORT
    request_id: str
    body_too_large: bool = False
    params: dict[str, str] = field(default_factory=dict)   # filled by the router
    _parsed: Any = None
    _parse_error: errors.ArmError | None = None
    _parsed_done: bool = False

    def _parse(self) -> None:
        if self._parsed_done:
            return
        self._parsed_done = True
        if self.body_too_large:
            self._parse_error = errors.too_large(MAX_BODY_BYTES)
            return
        if not self.raw_body.strip():
            return
        content_type = self.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type and content_type != "application/json" and not content_type.endswith("+json"):
            self._parse_error = errors.unsupported_media_type(content_type)
            return
        try:
            self._parsed = json.loads(self.raw_body, parse_constant=_reject_constant)
        except RecursionError:
            self._parse_error = errors.invalid_content(f"The request body is nested deeper than {MAX_DEPTH} levels.")
            return
        except (ValueError, UnicodeDecodeError) as exc:
            self._parse_error = errors.invalid_content(f"The request body is not valid JSON: {exc}.")
            return
        if json_depth(self._parsed) > MAX_DEPTH:
            self._parsed = None
            self._parse_error = errors.invalid_content(f"The request body is nested deeper than {MAX_DEPTH} levels.")

    @property
    def json(self) -> Any:
        """The parsed body, or None; never raises (used by the request log)."""
        self._parse()
        return self._parsed

    def body(self) -> Any:
        """The parsed body; raises the ArmError for a malformed, oversize or wrongly typed body."""
        self._parse()
        if self._parse_error:
            raise self._parse_error
        return self._parsed

    def object_body(self) -> dict:
        body = self.body()
        if not isinstance(body, dict):
            raise errors.invalid_content("The request body must be a JSON object.")
        return body

    @property
    def api_version(self) -> str | None:
        for key, value in self.query.items():
            if key.lower() == "api-version":
                return value
        return None


@dataclass
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_error(cls, error: errors.ArmError, request_id: str = "") -> Reply:
        headers = dict(error.headers)
        headers["x-ms-failure-cause"] = "gateway" if error.status in (429, 503) else "service"
        return cls(error.status, error.body(), headers)


Handler = Callable[[Ctx], Reply]
