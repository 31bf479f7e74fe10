"""`GET /errors/<CODE>`: the page a problem's `type` points to, explaining the error and its
fix to a person (DESIGN §4), as HTML for a browser or JSON for a program."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.params import FromPath

from adapters.http import browser
from adapters.http.problems import problem_responses, status_of
from adapters.http.schemas import ErrorExplanation
from domain.errors import CATALOGUE, ErrorCode, NotFound


def explain(code: ErrorCode) -> ErrorExplanation:
    spec = CATALOGUE[code]
    return ErrorExplanation(
        code=str(code),
        title=spec.title,
        status=status_of(code),
        message=spec.message,
        remediation=list(spec.remediation),
        warning=spec.warning,
    )


@get(
    "/errors/{code:str}",
    tags=["errors"],
    summary="What an error code means and how to fix it",
    sync_to_thread=False,
    responses=problem_responses(400, 404),
    operation_class=browser.HtmlAlternative,
)
def explain_error(
    request: Request[Any, Any, Any], code: FromPath[str]
) -> Response[ErrorExplanation]:
    try:
        known = ErrorCode(code.upper())
    except ValueError:
        raise NotFound(f"There is no error code {code[:60]!r}.") from None
    explanation = explain(known)
    if browser.wants_html(request):
        return browser.html_response(browser.explanation_page(explanation), 200)
    return Response(explanation)


@get(
    "/errors",
    tags=["errors"],
    summary="Every error code",
    description="JSON for programs; a page listing every code with its title for a "
    "browser (Accept: text/html).",
    sync_to_thread=False,
    operation_class=browser.HtmlAlternative,
)
def list_errors(request: Request[Any, Any, Any]) -> Response[list[ErrorExplanation]]:
    explanations = [explain(code) for code in ErrorCode]
    if browser.wants_html(request):
        return browser.html_response(browser.catalogue_page(explanations), 200)
    return Response(explanations)
