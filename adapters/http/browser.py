"""What a person's browser sees: the OAuth callbacks (redirect back to the product UI, or a
small page) and the error explanations at /errors/<CODE>.

Amazon sends the browser to the callback with the authorization code and the state in the
query string, so those responses must not leak them onward: `Referrer-Policy: no-referrer`
keeps the URL out of the next page's Referer, and `Cache-Control: no-store` keeps it out of
caches (AMAZON.md's advice on OAuth redirects; RFC 6749 §10.5 / §10.6).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any, ClassVar
from urllib.parse import urlencode, urlsplit, urlunsplit

from litestar import MediaType, Request, Response
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIResponse, OpenAPIType, Operation, Schema

from adapters.http.schemas import ErrorExplanation, Problem
from adapters.http.views import CallbackOut
from domain.errors import CATALOGUE, ErrorCode

ADS_CALLBACK_PATH = "/oauth/amazon-ads/callback"
SP_API_CALLBACK_PATH = "/oauth/sp-api/callback"
CALLBACK_PATHS = frozenset({ADS_CALLBACK_PATH, SP_API_CALLBACK_PATH})

CALLBACK_HEADERS: Mapping[str, str] = {
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Pragma": "no-cache",
}

_NEXT_TEXT = {
    "authorize_ads": "Next: authorize Amazon Ads for this account.",
    "authorize_sp_api": "Next: authorize the Selling Partner API for this account.",
    "choose_profile": "Next: choose the advertising profile to use.",
    "choose_marketplaces": "Next: choose the marketplaces to set up.",
    "done": "All set: nothing more to do.",
}


HOSTED_PREFIX = "/connect/"


def is_callback_path(path: str) -> bool:
    """The routes a person's browser navigates to (the callbacks, the bounce to Amazon, the
    hosted flow): their errors are pages, not JSON, for a browser."""
    return path.rstrip("/") in CALLBACK_PATHS or path.startswith(HOSTED_PREFIX)


def wants_html(request: Request[Any, Any, Any]) -> bool:
    """A browser navigating here asks for text/html before JSON; an API client does not."""
    accept = request.headers.get("accept", "")
    return request.accept.best_match([MediaType.JSON, MediaType.HTML]) == MediaType.HTML and (
        "text/html" in accept
    )


def with_query(return_to: str, params: Mapping[str, str]) -> str:
    """Add the result to the relative `return_to` (validated by the domain when the
    authorization started), keeping its own query and fragment."""
    parts = urlsplit(return_to)
    query = f"{parts.query}&{urlencode(params)}" if parts.query else urlencode(params)
    return urlunsplit(("", "", parts.path, query, parts.fragment))


def redirect(location: str) -> Response[Any]:
    return Response(
        content=b"",
        status_code=303,
        media_type=MediaType.TEXT,
        headers={"Location": location, **CALLBACK_HEADERS},
    )


def html_response(
    page: str, status: int, headers: Mapping[str, str] | None = None
) -> Response[Any]:
    return Response(
        content=page.encode("utf-8"),
        status_code=status,
        media_type=MediaType.HTML,
        headers=dict(headers or {}),
    )


def _page(title: str, body: str) -> str:
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(title)} - sellerlink</title>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;"
        "padding:0 1rem;line-height:1.5}code{background:#f3f3f3;padding:0 .2rem}</style>"
        f"</head><body><main>{body}</main></body></html>"
    )


def callback_page(outcome: CallbackOut) -> str:
    c = outcome.connection
    verb = "reconnected" if outcome.reconnected else "connected"
    return _page(
        "Amazon account connected",
        f"<h1>Amazon account {verb}</h1>"
        f"<p><strong>{escape(c.display_name or c.id)}</strong> ({escape(str(c.region))}, "
        f"{escape(str(c.account_type))}) is {verb}. Connection id <code>{escape(c.id)}</code>.</p>"
        f"<p>{escape(_NEXT_TEXT.get(str(outcome.next), ''))}</p>"
        f"{_warnings(outcome.warnings)}"
        "<p>You can close this tab and return to the app.</p>",
    )


def _warnings(codes: Sequence[str]) -> str:
    """Warnings beside the success (seed 002's NO_ACTIVE_CAMPAIGNS): what and how to fix it."""
    items = []
    for code in codes:
        try:
            spec = CATALOGUE[ErrorCode(code)]
        except (ValueError, KeyError):
            continue
        items.append(
            f"<li><strong>{escape(spec.title)}</strong>: {escape(spec.message)} "
            f"{escape(' '.join(spec.remediation))} "
            f"<a href='/errors/{escape(code)}'>More about this warning</a>.</li>"
        )
    return f"<h2>Warning</h2><ul>{''.join(items)}</ul>" if items else ""


def problem_page(problem: Problem) -> str:
    steps = "".join(f"<li>{escape(step)}</li>" for step in problem.remediation)
    return _page(
        problem.title,
        f"<h1>{escape(problem.title)}</h1><p>{escape(problem.detail)}</p>"
        f"<h2>How to fix it</h2><ol>{steps}</ol>"
        f"<p>Error code <code>{escape(problem.code)}</code>, request id "
        f"<code>{escape(problem.request_id)}</code>. "
        f"<a href='{escape(problem.type)}'>More about this error</a>.</p>",
    )


def explanation_page(explanation: ErrorExplanation) -> str:
    steps = "".join(f"<li>{escape(step)}</li>" for step in explanation.remediation)
    kind = "Warning" if explanation.warning else f"HTTP status {explanation.status}"
    return _page(
        explanation.title,
        f"<h1>{escape(explanation.title)}</h1>"
        f"<p><code>{escape(explanation.code)}</code> ({escape(kind)})</p>"
        f"<p>{escape(explanation.message)}</p><h2>How to fix it</h2><ol>{steps}</ol>",
    )


def catalogue_page(explanations: list[ErrorExplanation]) -> str:
    rows = "".join(
        f"<li><a href='/errors/{escape(e.code)}'><code>{escape(e.code)}</code></a>: "
        f"{escape(e.title)}{' (warning)' if e.warning else ''}</li>"
        for e in explanations
    )
    return _page(
        "Errors and how to fix them",
        "<h1>Errors and how to fix them</h1><p>Every failure sellerlink reports has "
        "one of these codes, a message in plain words and the steps that fix it. Programs "
        "get the same list as JSON.</p>"
        f"<ul>{rows}</ul>",
    )


@dataclass
class HtmlAlternative(Operation):
    """OpenAPI for the routes a browser also reads: the 200 answer is JSON, or text/html when
    the request's Accept prefers it, and the schema says so."""

    html_statuses: ClassVar[frozenset[str] | None] = frozenset({"200"})

    def __post_init__(self) -> None:
        for status, response in (self.responses or {}).items():
            wanted = self.html_statuses is None or status in self.html_statuses
            if wanted and isinstance(response, OpenAPIResponse) and response.content is not None:
                response.content["text/html"] = OpenAPIMediaType(
                    schema=Schema(type=OpenAPIType.STRING)
                )


@dataclass
class CallbackOperation(HtmlAlternative):
    """The callbacks: their problems too are a page for a browser (see problems._respond)."""

    html_statuses: ClassVar[frozenset[str] | None] = None
