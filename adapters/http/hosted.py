"""The hosted connect flow's routes (DESIGN §14): server-rendered pages and plain HTML forms
(it works without JavaScript; connect.js adds live progress, focus keeping and the pop-up's
postMessage), served with their own assets: nothing comes from a CDN.

- `GET /connect/{token}`: the product's link. The first browser to open it claims the
  session (the same HttpOnly, SameSite=Lax cookie that binds authorizations, binding.py)
  and is sent on to `/connect/s/{id}`, so the token leaves the address bar.
- `GET /connect/s/{id}`: the current step; `POST /connect/s/{id}/<action>`: one action,
  then 303 back to the page (or on to Amazon through the bounce).
- `GET /connect/s/{id}/events`: server-sent events with the progress, for connect.js.

Forms are safe from cross-site posting because the cookie is SameSite=Lax: a POST from
another site arrives without it and is refused.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from operator import attrgetter
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import anyio
import anyio.to_thread
from litestar import Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.handlers import HTTPRouteHandler
from litestar.params import Body
from litestar.response import ServerSentEvent
from litestar.static_files import create_static_files_router
from msgspec import Struct

from adapters.http import browser
from adapters.http.binding import (
    BINDING_COOKIE,
    BOUNCE_PATH,
    binding_cookie,
    binding_secret,
    public_url,
)
from adapters.http.hosted_pages import live_state, render_flow, render_page
from adapters.http.routing import PathStr
from application.app import Application
from application.hosted import FlowEnd, HostedFlow
from domain.connection import AccountType, Region
from domain.errors import ValidationFailed
from domain.grant import Channel

App = NamedDependency[Application]
STATIC_PATH = "/connect/static"
# A stream ends after this long; EventSource reconnects by itself. Short streams never hold
# a server's shutdown for long.
STREAM_SECONDS = 20.0
POLL_SECONDS = 0.5


class AuthorizeForm(Struct, kw_only=True):
    channel: str = "ads"
    account_type: str | None = None
    region: str | None = None


class ButtonForm(Struct, kw_only=True):
    """What a button of the flow page posts: the profile or marketplace it is about (Use this
    profile, Retry); the other buttons post nothing."""

    profile_id: str = ""
    marketplace_id: str = ""


class FinishForm(Struct, kw_only=True):
    popup: str = "0"


Form = Body(media_type=RequestEncodingType.URL_ENCODED)
SESSION = "/connect/s/{session_id:str}"
_OPTIONS: dict[str, Any] = {"sync_to_thread": True, "include_in_schema": False}


def _base(session_id: str) -> str:
    return f"/connect/s/{session_id}"


def _page(html: str, status: int = 200) -> Response[Any]:
    return browser.html_response(html, status, browser.CALLBACK_HEADERS)


def _back(session_id: str) -> Response[Any]:
    return browser.redirect(_base(session_id))


def _enum(kind: type[Channel] | type[AccountType] | type[Region], value: str | None) -> Any:
    if value is None:
        return None
    try:
        return kind(value)
    except ValueError:
        raise ValidationFailed(f"Unknown {kind.__name__}: {value[:40]!r}.") from None


@get("/connect/{token:str}", sync_to_thread=True, include_in_schema=False)
def open_link(request: Request[Any, Any, Any], application: App, token: PathStr) -> Response[Any]:
    opened = application.open_connect_session(token, binding_secret(request))
    response = browser.redirect(_base(opened.session_id))
    response.set_cookie(binding_cookie(request, opened.browser))
    return response


@get(SESSION, **_OPTIONS)
def flow_page(
    request: Request[Any, Any, Any], application: App, session_id: PathStr
) -> Response[Any]:
    view = application.hosted.view(session_id, binding_secret(request))
    return _page(render_flow(view, _base(session_id)))


@post(f"{SESSION}/authorize", **_OPTIONS)
def authorize(
    request: Request[Any, Any, Any],
    application: App,
    session_id: PathStr,
    data: Annotated[AuthorizeForm, Form],
) -> Response[Any]:
    started = application.hosted.authorize(
        session_id,
        binding_secret(request),
        channel=_enum(Channel, data.channel),
        account_type=_enum(AccountType, data.account_type),
        region=_enum(Region, data.region),
        return_to=_base(session_id),
    )
    if started is None:
        return _back(session_id)
    return browser.redirect(f"{BOUNCE_PATH}/{started.state}")


def _button(
    action: str,
    act: Callable[..., None],
    chosen: Callable[[ButtonForm], str] | None = None,
) -> HTTPRouteHandler:
    """A button of the flow page that acts on the session and comes back to the page;
    `chosen` reads what the button is about from its form, for `act`'s last argument."""

    @post(f"{SESSION}/{action}", **_OPTIONS)
    def pressed(
        request: Request[Any, Any, Any],
        application: App,
        session_id: PathStr,
        data: Annotated[ButtonForm, Form],
    ) -> Response[Any]:
        about = () if chosen is None else (chosen(data),)
        act(application.hosted, session_id, binding_secret(request), *about)
        return _back(session_id)

    return pressed


skip_vendor_central = _button("skip-vendor-central", HostedFlow.skip_vendor_central)
refresh = _button("refresh", HostedFlow.refresh)
disconnect = _button("disconnect", HostedFlow.disconnect)
choose_profile = _button("profile", HostedFlow.choose_profile, attrgetter("profile_id"))
retry = _button("retry", HostedFlow.retry, attrgetter("marketplace_id"))


@post(f"{SESSION}/marketplaces", include_in_schema=False)
async def choose_marketplaces(
    request: Request[Any, Any, Any], application: App, session_id: PathStr
) -> Response[Any]:
    form = await request.form()
    chosen = (
        [str(v) for v in form.getall("marketplace_id") if v] if "marketplace_id" in form else []
    )
    await anyio.to_thread.run_sync(
        application.hosted.select_marketplaces, session_id, binding_secret(request), chosen
    )
    return _back(session_id)


@get(f"{SESSION}/disconnect", **_OPTIONS)
def confirm_disconnect(
    request: Request[Any, Any, Any], application: App, session_id: PathStr
) -> Response[Any]:
    """Disconnect asks first: this page, then the POST."""
    view = application.hosted.view(session_id, binding_secret(request))
    name = view.connection.display_name if view.connection else "this account"
    return _page(
        render_page(
            f"Disconnect {name or 'this account'}?",
            paragraphs=[
                "sellerlink deletes this connection's Amazon tokens at once and stops "
                "syncing. Its history and settings are kept: you can reconnect later.",
            ],
            form_action=f"{_base(session_id)}/disconnect",
            form_label="Disconnect",
            back_href=_base(session_id),
            back_label="Cancel",
        )
    )


@post(f"{SESSION}/finish", **_OPTIONS)
def finish(
    request: Request[Any, Any, Any],
    application: App,
    session_id: PathStr,
    data: Annotated[FinishForm, Form],
) -> Response[Any]:
    end = application.hosted.finish(session_id, binding_secret(request))
    href = _result_url(end)
    if data.popup == "1" and end.return_to:
        origin = end.return_origin or _origin(public_url(request, "/"))
        return _page(
            render_page(
                "Returning to the app",
                paragraphs=["Your Amazon account is connected. This window closes by itself."],
                back_href=href,
                back_label="Return to the app",
                finish={
                    "origin": origin,
                    "connection_id": end.connection_id,
                    "type": "sellerlink:connected" if end.error is None else "sellerlink:error",
                    "code": end.error,
                    "href": href,
                },
            )
        )
    if href:
        return browser.redirect(href)
    return _back(session_id)


@get(f"{SESSION}/events", include_in_schema=False)
async def events(
    request: Request[Any, Any, Any], application: App, session_id: PathStr
) -> ServerSentEvent:
    secret = binding_secret(request)
    view = await anyio.to_thread.run_sync(application.hosted.view, session_id, secret)

    async def stream() -> AsyncIterator[str]:
        last = ""
        with anyio.move_on_after(STREAM_SECONDS):
            while True:
                current = await anyio.to_thread.run_sync(
                    application.hosted.view, session_id, secret
                )
                state = live_state(current)
                if state != last:
                    last = state
                    yield state
                await anyio.sleep(POLL_SECONDS)

    del view  # the first read only checks the session before the stream opens
    return ServerSentEvent(stream(), retry_duration=1000, headers={"Cache-Control": "no-store"})


def _result_url(end: FlowEnd) -> str | None:
    """API.md: `return_to?connection_id=...&result=connected`, or `result=error&code=...`."""
    if not end.return_to:
        return None
    params = (
        {"connection_id": end.connection_id or "", "result": "connected"}
        if end.error is None and end.connection_id
        else {"result": "error", "code": str(end.error or "AUTHORIZATION_DENIED")}
    )
    parts = urlsplit(end.return_to)
    query = f"{parts.query}&{urlencode(params)}" if parts.query else urlencode(params)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def hosted_router() -> Router:
    static = create_static_files_router(
        path=STATIC_PATH,
        directories=[Path(__file__).parent / "static"],
        include_in_schema=False,
    )
    return Router(
        path="/",
        route_handlers=[
            static,
            open_link,
            flow_page,
            authorize,
            skip_vendor_central,
            choose_profile,
            choose_marketplaces,
            retry,
            refresh,
            confirm_disconnect,
            disconnect,
            finish,
            events,
        ],
    )


__all__ = ["BINDING_COOKIE", "hosted_router"]
