"""What the sandbox answers, in Amazon's wire shapes, without any web framework: the state
modules return `Reply`s and `app.py` (or the in-process transport) turns them into HTTP."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit

from attrs import field, frozen


@frozen
class Reply:
    """What the sandbox answers: status, body (JSON-able, HTML text or bytes) and headers."""

    status: int
    body: Any = None
    headers: Mapping[str, str] = field(factory=dict)
    # json (a `Content-Type` header overrides application/json) | html | raw (bytes)
    kind: str = "json"


def encode(reply: Reply) -> tuple[bytes, str, dict[str, str]]:
    """The reply as bytes, its media type, and the other headers."""
    headers = dict(reply.headers)
    if reply.kind == "html":
        return str(reply.body).encode("utf-8"), "text/html; charset=utf-8", headers
    if reply.kind == "raw":
        media_type = headers.pop("Content-Type", "text/plain")
        body = reply.body if isinstance(reply.body, bytes) else str(reply.body).encode()
        return body, media_type, headers
    media_type = headers.pop("Content-Type", "application/json")
    return json.dumps(reply.body, separators=(",", ":")).encode("utf-8"), media_type, headers


def json_reply(status: int, body: Any, **headers: str) -> Reply:
    return Reply(status, body, dict(headers))


def lwa_error(status: int, error: str, description: str) -> Reply:
    """LWA's OAuth error body (AMAZON.md: `{"error", "error_description"}`)."""
    return Reply(
        status,
        {"error": error, "error_description": description},
        {"Cache-Control": "no-store", "Pragma": "no-cache"},
    )


def sp_error(status: int, code: str, message: str, details: str = "", **headers: str) -> Reply:
    """SP-API's ErrorList (every model's `{"errors": [{"code", "message", "details"}]}`)."""
    return Reply(
        status, {"errors": [{"code": code, "message": message, "details": details}]}, headers
    )


def ads_error(status: int, code: str, details: str, **headers: str) -> Reply:
    """Amazon Ads' error body (AMAZON.md: `{"code", "details"}`)."""
    return Reply(status, {"code": code, "details": details}, headers)


def html_page(status: int, title: str, body: str) -> Reply:
    page = (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<meta name='referrer' content='no-referrer'><title>{title}</title></head>"
        f"<body><h1>{title}</h1>{body}</body></html>"
    )
    return Reply(status, page, {"Referrer-Policy": "no-referrer"}, kind="html")


def redirect(uri: str, params: list[tuple[str, str]]) -> Reply:
    separator = "&" if urlsplit(uri).query else "?"
    return Reply(302, b"", {"Location": uri + separator + urlencode(params)}, kind="raw")


def raw(status: int, body: bytes, content_type: str = "text/plain", **headers: str) -> Reply:
    return Reply(status, body, {"Content-Type": content_type, **headers}, kind="raw")
