"""Amazon's redirects back to sellerlink: one path per provider (DESIGN §5), so a code can
never be presented to the wrong token endpoint. The state alone identifies the request; a
valid bearer token on the request makes the use case also check it is the same person.

Answers (API.md): 303 to the relative `return_to` with `?connection_id=...&result=connected`
plus `next`, `reconnected` and, when there are any, `warnings` (CallbackResult.outcome;
errors: `?result=error&code=...`, see problems.py); without one, JSON, or a small HTML page
when the browser asks for text/html. Every answer carries `Referrer-Policy: no-referrer` and
`Cache-Control: no-store` (browser.py). The browser binding cookie set on the way to Amazon
(binding.py) must come back with the callback, or it is refused."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from litestar import Request, Response, get
from litestar.di import NamedDependency, Provide
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromQuery, QueryParameter

from adapters.http import browser
from adapters.http.binding import binding_secret
from adapters.http.problems import problem_responses
from adapters.http.views import CallbackOut, ViewResponse
from application.app import Application
from application.callback import CallbackCommand
from application.context import Actor
from domain.errors import OAuthStateInvalid
from domain.grant import Channel

OptionalText = FromQuery[str | None]
# `state` and `scope` are Litestar's reserved kwarg names; the query keys stay Amazon's.
StateParam = Annotated[str | None, QueryParameter(name="state")]
ScopeParam = Annotated[str | None, QueryParameter(name="scope")]

_RESPONSES: dict[int, ResponseSpec] = {
    303: ResponseSpec(
        data_container=None,
        description="Back to the product UI at `return_to`, with `connection_id`, "
        "`result=connected`, `next`, `reconnected` (`true`/`false`) and `warnings` (codes, "
        "comma-separated, e.g. NO_ACTIVE_CAMPAIGNS; only when there are), or "
        "`result=error&code=<CODE>`.",
    ),
    **problem_responses(400, 403, 404, 409, 410, 422, 429, 500, 503),
}


def _redirect(
    request: Request[Any, Any, Any],
    caller: NamedDependency[Actor | None],
    oauth_state: StateParam = None,
    error: OptionalText = None,
    error_description: OptionalText = None,
) -> partial[CallbackCommand]:
    """What both of Amazon's redirects carry (the state, or Amazon's refusal) and which
    browser and person came back with them; each callback adds its channel and its code."""
    if not oauth_state:
        raise OAuthStateInvalid("Amazon sent you back without a state: start again from the app.")
    return partial(
        CallbackCommand,
        state=oauth_state,
        error=error,
        error_description=error_description,
        caller=caller,
        browser=binding_secret(request),
    )


# What both callbacks are, for the router and the OpenAPI document; each adds its summary.
_CALLBACK: dict[str, Any] = {
    "sync_to_thread": True,
    "responses": _RESPONSES,
    "tags": ["connecting"],
    "description": "Amazon redirects the person's browser here. Without a `return_to` the "
    "answer is JSON, or a small text/html page when the browser prefers HTML.",
    "security": [{}, {"BearerToken": []}],
    "operation_class": browser.CallbackOperation,
    "dependencies": {"redirect": Provide(_redirect, sync_to_thread=False)},
}
Redirect = NamedDependency[partial[CallbackCommand]]


def _respond(
    request: Request[Any, Any, Any], command: CallbackCommand, app: Application
) -> Response[Any]:
    result = app.complete_callback(command)
    outcome = CallbackOut.of(result)
    if result.return_to:
        return browser.redirect(browser.with_query(result.return_to, result.outcome()))
    if browser.wants_html(request):
        return browser.html_response(browser.callback_page(outcome), 200, browser.CALLBACK_HEADERS)
    return ViewResponse(outcome, status_code=200, headers=dict(browser.CALLBACK_HEADERS))


@get(browser.ADS_CALLBACK_PATH, summary="Amazon Ads authorization callback", **_CALLBACK)
def ads_callback(
    request: Request[Any, Any, Any],
    application: NamedDependency[Application],
    redirect: Redirect,
    code: OptionalText = None,
    granted_scope: ScopeParam = None,
) -> Response[CallbackOut]:
    return _respond(request, redirect(channel=Channel.ADS, code=code), application)


@get(
    browser.SP_API_CALLBACK_PATH, summary="Selling Partner API authorization callback", **_CALLBACK
)
def sp_api_callback(
    request: Request[Any, Any, Any],
    application: NamedDependency[Application],
    redirect: Redirect,
    spapi_oauth_code: OptionalText = None,
    selling_partner_id: OptionalText = None,
    mws_auth_token: OptionalText = None,  # MWS migration only; ignored
) -> Response[CallbackOut]:
    command = redirect(
        channel=Channel.SP_API, code=spapi_oauth_code, selling_partner_id=selling_partner_id
    )
    return _respond(request, command, application)
