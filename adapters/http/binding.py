"""Browser binding (RFC 9700 §4.7, DESIGN §14): every trip to Amazon passes through
`/connect/authorize/{state}`, which gives the browser an HttpOnly, SameSite=Lax cookie
bound to the state (the server keeps only its SHA-256) and then redirects to Amazon. The
callbacks read the cookie back; without it they refuse (OAUTH_STATE_INVALID, "started in
another browser").

SameSite=Lax is enough and is what makes this work: Amazon's redirect back is a top-level
GET navigation, on which Lax cookies are sent, while a cross-site sub-request is not.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec

from adapters.http import browser
from adapters.http.problems import problem_responses
from adapters.http.routing import PathStr
from application.app import Application
from application.connect import OpenConsentCommand

BINDING_COOKIE = "sellerlink_browser"
BOUNCE_PATH = "/connect/authorize"
# One cookie per browser binds both its authorizations and its connect sessions; it lives
# as long as a connect session may (domain/connect_session.py LIFETIME).
BINDING_MAX_AGE = 30 * 60


def public_url(request: Request[Any, Any, Any], path: str) -> str:
    """An absolute URL of this service: the configured public base URL (behind a proxy the
    request's own host may be an internal one), else the request's base."""
    base = request.app.state.get("public_base_url") or str(request.base_url)
    return base.rstrip("/") + path


def authorization_url(request: Request[Any, Any, Any], state: str) -> str:
    return public_url(request, f"{BOUNCE_PATH}/{state}")


def binding_secret(request: Request[Any, Any, Any]) -> str | None:
    value = request.cookies.get(BINDING_COOKIE)
    return value if value and len(value) <= 200 else None


def secure_cookies(request: Request[Any, Any, Any]) -> bool:
    return public_url(request, "/").startswith("https://")


@get(
    f"{BOUNCE_PATH}/{{authorization_state:str}}",
    sync_to_thread=True,
    tags=["connecting"],
    summary="Go to Amazon's consent page, bound to this browser",
    description="Where `authorization_url` points. Sets an HttpOnly, SameSite=Lax cookie "
    "that binds the authorization to this browser (RFC 9700 §4.7) and answers 303 to "
    "Amazon's consent page. Amazon's callback is accepted only with that cookie, so an "
    "authorization link opened or approved in another browser connects nothing.",
    responses={
        303: ResponseSpec(data_container=None, description="On to Amazon's consent page."),
        **problem_responses(400, 410, 422),
    },
    operation_class=browser.CallbackOperation,
)
def bounce_to_amazon(
    request: Request[Any, Any, Any],
    application: NamedDependency[Application],
    authorization_state: PathStr,
) -> Response[Any]:
    opened = application.open_consent(
        OpenConsentCommand(state=authorization_state, browser=binding_secret(request))
    )
    response = browser.redirect(opened.consent_url)
    response.set_cookie(binding_cookie(request, opened.browser))
    return response


def binding_cookie(request: Request[Any, Any, Any], secret: str) -> Cookie:
    return Cookie(
        key=BINDING_COOKIE,
        value=secret,
        max_age=BINDING_MAX_AGE,
        path="/",
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
    )
