"""Every failure as RFC 9457 problem+json, from one place (STYLE.md: "Errors map to
problem+json in one exception handler, not per route").

The catalogue (domain/error_catalogue.py) gives each code its title, message and remediation; this
module only decides the HTTP status and the shape. `STATUS` is the one table of code ->
status; API.md fixes most rows, the rest are chosen here and documented beside them.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping
from http import HTTPStatus
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.datastructures import ResponseSpec

from adapters.http import browser
from adapters.http.request_ids import request_id_of
from adapters.http.schemas import FieldError, Problem
from application.marketplace_views import TransitionView
from domain.errors import CATALOGUE, DomainError, ErrorCode

PROBLEM_MEDIA_TYPE = "application/problem+json"

log = logging.getLogger("sellerlink.http")

# code -> HTTP status. API.md fixes: 400 bad input, 401 no/invalid token, 403 role or another
# team, 404 unknown id, 409 state conflicts, 410 expired session, 422 validation, 429 rate
# limit, 502/503 Amazon. The rows marked "chosen" are this module's decision.
STATUS: Mapping[ErrorCode, int] = {
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.NO_TEAM: 403,
    ErrorCode.NOT_A_MEMBER: 403,
    ErrorCode.FORBIDDEN_ROLE: 403,
    ErrorCode.SCOPE_MISSING: 403,
    # chosen (403): Amazon refused with a valid token; the fix is a role, a token or a
    # permission on Amazon's side (DESIGN §9).
    ErrorCode.APP_ROLE_MISSING: 403,
    ErrorCode.RESTRICTED_DATA: 403,
    ErrorCode.PERMISSION_MISSING: 403,
    ErrorCode.PATH_NOT_ALLOWED: 400,
    # chosen: the team's sellerlink plan refuses it; like a role, only someone else fixes it.
    ErrorCode.PLAN_REQUIRED: 403,
    # chosen: the person declined on Amazon (OAuth `access_denied`): consent refused.
    ErrorCode.AUTHORIZATION_DENIED: 403,
    ErrorCode.NOT_FOUND: 404,
    # chosen: a forged, replayed or foreign state is bad input to the callback.
    ErrorCode.OAUTH_STATE_INVALID: 400,
    # chosen: Amazon would not exchange what the callback carried (wrong region, no code).
    ErrorCode.REFRESH_TOKEN_FAILED: 400,
    ErrorCode.VALIDATION_FAILED: 422,
    # chosen: bad input: the URL is well formed but names a target this installation forbids.
    ErrorCode.WEBHOOK_TARGET_FORBIDDEN: 400,
    ErrorCode.CONCURRENT_UPDATE: 409,
    ErrorCode.INVALID_TRANSITION: 409,
    # chosen: the state of the connection (an authorization not yet given) stands in the way.
    ErrorCode.AUTHORIZATION_REQUIRED: 409,
    ErrorCode.CONNECTION_LIMIT: 409,
    ErrorCode.ACCOUNT_IN_USE: 409,
    ErrorCode.WRONG_ACCOUNT: 409,
    ErrorCode.ADS_SP_MISMATCH: 409,
    ErrorCode.MARKETPLACE_NOT_SELECTABLE: 409,
    ErrorCode.RETRY_LIMIT_EXCEEDED: 409,
    # chosen (409): the Amazon account's own state stands in the way; the person fixes it on
    # Amazon's side and connects again.
    ErrorCode.PROFESSIONAL_SELLING_PLAN_REQUIRED: 409,
    ErrorCode.ADVERTISING_NOT_ENABLED: 409,
    ErrorCode.NO_ACTIVE_CAMPAIGNS: 409,
    ErrorCode.CALLBACK_ACCOUNT_MISSING: 409,
    ErrorCode.PROFILE_NOT_SELECTABLE: 409,
    ErrorCode.TOKEN_REVOKED: 409,
    ErrorCode.TOKEN_EXPIRED: 409,
    ErrorCode.SESSION_EXPIRED: 410,
    ErrorCode.RATE_LIMITED: 429,
    ErrorCode.INTERNAL_ERROR: 500,
    # chosen: Amazon answered, but setup of the marketplace failed there.
    ErrorCode.SETUP_FAILED: 502,
    ErrorCode.AMAZON_UNAVAILABLE: 503,
    ErrorCode.APP_CREDENTIALS_REJECTED: 503,
}

# Framework errors (no route, wrong method, malformed body) by HTTP status -> code.
_FRAMEWORK_CODES: Mapping[int, ErrorCode] = {
    400: ErrorCode.VALIDATION_FAILED,
    401: ErrorCode.UNAUTHENTICATED,
    403: ErrorCode.FORBIDDEN_ROLE,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.NOT_FOUND,
    409: ErrorCode.CONCURRENT_UPDATE,
    413: ErrorCode.VALIDATION_FAILED,
    415: ErrorCode.VALIDATION_FAILED,
    422: ErrorCode.VALIDATION_FAILED,
    429: ErrorCode.RATE_LIMITED,
    503: ErrorCode.AMAZON_UNAVAILABLE,
}

# Extension members a code may carry from DomainError.context (RFC 9457 §3.2). Nothing else
# in the context reaches a response.
_EXTENSIONS: Mapping[ErrorCode, tuple[str, ...]] = {
    ErrorCode.RETRY_LIMIT_EXCEEDED: ("marketplace_id", "retries_used", "retry_limit", "history"),
    ErrorCode.CONNECTION_LIMIT: ("max_connections", "connected"),
    ErrorCode.MARKETPLACE_NOT_SELECTABLE: ("marketplace_id",),
}


def status_of(code: ErrorCode) -> int:
    return STATUS.get(code, 500)


def problem_type(code: ErrorCode) -> str:
    return f"/errors/{code}"


def build_problem(
    code: ErrorCode,
    *,
    request_id: str,
    detail: str | None = None,
    status: int | None = None,
    instance: str | None = None,
    errors: list[FieldError] | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> Problem:
    spec = CATALOGUE[code]
    extra = dict(extensions or {})
    history = extra.get("history")
    return Problem(
        type=problem_type(code),
        title=spec.title,
        status=status or status_of(code),
        detail=detail or spec.message,
        code=str(code),
        remediation=list(spec.remediation),
        request_id=request_id,
        instance=instance,
        errors=errors,
        marketplace_id=_str_or_none(extra.get("marketplace_id")),
        retries_used=_int_or_none(extra.get("retries_used")),
        retry_limit=_int_or_none(extra.get("retry_limit")),
        history=msgspec.convert(history, list[TransitionView]) if history else None,
        max_connections=_int_or_none(extra.get("max_connections")),
        connected=_int_or_none(extra.get("connected")),
    )


def problem_response(problem: Problem, headers: Mapping[str, str] | None = None) -> Response[Any]:
    return Response(
        content=msgspec.json.encode(problem),
        status_code=problem.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers={"Cache-Control": "no-store", **(headers or {})},
    )


# --------------------------------------------------------------------------- handlers


def domain_error_handler(request: Request[Any, Any, Any], error: DomainError) -> Response[Any]:
    allowed = _EXTENSIONS.get(error.code, ())
    errors = None
    if error.code is ErrorCode.VALIDATION_FAILED:
        field = error.context.get("field")
        errors = [FieldError(field=str(field) if field else "", message=error.detail)]
    problem = build_problem(
        error.code,
        request_id=request_id_of(request.scope),
        detail=error.detail,
        instance=request.url.path,
        errors=errors,
        extensions={k: v for k, v in error.context.items() if k in allowed},
    )
    if error.code is ErrorCode.UNAUTHENTICATED:
        return problem_response(problem, {"WWW-Authenticate": 'Bearer realm="sellerlink"'})
    retry_after = error.context.get("retry_after_seconds")
    if error.code is ErrorCode.RATE_LIMITED and isinstance(retry_after, int | float):
        return problem_response(problem, {"Retry-After": str(max(1, math.ceil(retry_after)))})
    return _respond(request, problem, error.context.get("return_to"))


def validation_error_handler(
    request: Request[Any, Any, Any], error: ValidationException
) -> Response[Any]:
    """Litestar's own validation errors get the same shape as VALIDATION_FAILED, with one
    entry per field (422, API.md)."""
    fields = [
        FieldError(
            field=str(item.get("key") or ""),
            message=str(item.get("message") or "invalid value"),
            source=str(item.get("source")) if item.get("source") else None,
        )
        for item in _extra_items(error.extra)
    ]
    problem = build_problem(
        ErrorCode.VALIDATION_FAILED,
        request_id=request_id_of(request.scope),
        detail="Some of the values sent are not valid: "
        + (", ".join(f.field for f in fields if f.field) or "the request body"),
        instance=request.url.path,
        errors=fields or None,
    )
    return _respond(request, problem, None)


def http_error_handler(request: Request[Any, Any, Any], error: HTTPException) -> Response[Any]:
    status = error.status_code
    code = _FRAMEWORK_CODES.get(status, ErrorCode.INTERNAL_ERROR)
    if status >= 500:
        return internal_error_handler(request, error)
    headers = {k: v for k, v in (error.headers or {}).items() if k.lower() == "allow"}
    problem = build_problem(
        code,
        request_id=request_id_of(request.scope),
        detail=_framework_detail(status, error.detail),
        status=status,
        instance=request.url.path,
    )
    return problem_response(problem, headers)


def internal_error_handler(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
    """Never a stack trace or a secret: the person gets the request id, the log gets the
    exception (with the same id) for support."""
    rid = request_id_of(request.scope)
    log.error(
        "unhandled %s on %s %s (request %s)",
        type(error).__name__,
        request.method,
        request.url.path,
        rid,
        exc_info=error,
    )
    problem = build_problem(ErrorCode.INTERNAL_ERROR, request_id=rid, instance=request.url.path)
    return _respond(request, problem, None)


EXCEPTION_HANDLERS: Mapping[type[Exception] | int, Any] = {
    DomainError: domain_error_handler,
    ValidationException: validation_error_handler,
    HTTPException: http_error_handler,
    Exception: internal_error_handler,
}


def _respond(request: Request[Any, Any, Any], problem: Problem, return_to: object) -> Response[Any]:
    """The OAuth callbacks answer a browser: with a `return_to` the person is sent back to the
    product UI with the code (API.md); a browser asking for HTML gets a readable page."""
    if not browser.is_callback_path(request.url.path):
        return problem_response(problem)
    if isinstance(return_to, str) and return_to:
        target = browser.with_query(return_to, {"result": "error", "code": problem.code})
        return browser.redirect(target)
    if browser.wants_html(request):
        return browser.html_response(
            browser.problem_page(problem), problem.status, browser.CALLBACK_HEADERS
        )
    return problem_response(problem, browser.CALLBACK_HEADERS)


def _framework_detail(status: int, detail: str) -> str:
    known = {
        404: "There is no such page or route.",
        405: "This route does not accept that method.",
        400: "The request could not be read (malformed body or parameters).",
    }
    if status in known:
        return known[status]
    try:
        return HTTPStatus(status).description or detail
    except ValueError:
        return detail


def _extra_items(extra: object) -> Iterable[Mapping[str, object]]:
    if isinstance(extra, list):
        return [item for item in extra if isinstance(item, Mapping)]
    if isinstance(extra, Mapping):
        return [extra]
    return []


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


# --------------------------------------------------------------------------- OpenAPI


def problem_responses(*statuses: int) -> dict[int, ResponseSpec]:
    """The problem+json responses a route documents, so /schema lists what can come back."""
    return {
        status: ResponseSpec(
            data_container=Problem,
            media_type=PROBLEM_MEDIA_TYPE,
            description=_describe(status),
            generate_examples=False,
        )
        for status in sorted(set(statuses))
    }


def _describe(status: int) -> str:
    codes = [str(code) for code, s in STATUS.items() if s == status]
    name = HTTPStatus(status).phrase
    return f"{name}: " + (", ".join(codes) if codes else "see the problem's code")


# The errors every authenticated /api/v1 route can answer.
COMMON = (400, 401, 403, 422, 429, 500, 503)
