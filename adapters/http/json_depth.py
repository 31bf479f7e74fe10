"""Bad input never answers 500: JSON nested deeper than any request of this API
needs is refused at the edge, before a parser meets it. Python's parsers (msgspec, json) raise
RecursionError somewhere past a thousand levels, and that surfaced as INTERNAL_ERROR.

The check reads only brackets outside strings, with the byte-level work done in C (a regex
drops strings, `translate` keeps brackets), so a large listings upload costs a pass over
its brackets and nothing more."""

from __future__ import annotations

import re
from typing import Any

from litestar import Request, Response

from adapters.http.problems import build_problem, problem_response
from adapters.http.request_ids import request_id_of
from adapters.http.schemas import FieldError
from domain.errors import ErrorCode

# Far deeper than any body this API or Amazon's models describe; far below a parser's limit.
MAX_JSON_DEPTH = 64
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def too_deep(body: bytes) -> bool:
    """Whether `body` nests deeper than MAX_JSON_DEPTH; a body with fewer brackets than
    that cannot, and is not scanned."""
    if body.count(b"[") + body.count(b"{") <= MAX_JSON_DEPTH:
        return False
    return json_depth(body) > MAX_JSON_DEPTH


def json_depth(body: bytes) -> int:
    """The deepest nesting of arrays and objects in `body` (which need not be valid JSON)."""
    brackets = _STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    depth = deepest = 0
    for byte in brackets:
        depth += 1 if byte in b"[{" else -1
        if depth > deepest:
            deepest = depth
    return deepest


async def refuse_deep_json(request: Request[Any, Any, Any]) -> Response[Any] | None:
    """Litestar `before_request` hook for the whole API. The body read here is cached by the
    request, so the handler parses the same bytes."""
    if request.method not in _BODY_METHODS:
        return None
    if "json" not in request.headers.get("content-type", "").lower():
        return None
    body = await request.body()
    if not too_deep(body):
        return None
    message = f"JSON may be nested at most {MAX_JSON_DEPTH} levels deep."
    problem = build_problem(
        ErrorCode.VALIDATION_FAILED,
        request_id=request_id_of(request.scope),
        detail=message,
        status=400,
        instance=request.url.path,
        errors=[FieldError(field="", message=message, source="body")],
    )
    return problem_response(problem)
