"""Connections (API.md "Connections"): list, show, disconnect, Refresh account context and
the timeline."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import UTC, datetime
from functools import partial
from typing import Annotated, Any, TypeVar

from anyio.to_thread import run_sync as to_thread
from litestar import Controller, Request, Response
from litestar.exceptions import ClientException
from litestar.params import FromQuery, QueryParameter

from adapters.http.read_cache import STATE_KEY as PAGE_CACHE
from adapters.http.read_cache import CachedPage, PageCache, RenderedResponse, render
from adapters.http.routing import App, CurrentActor, PathStr, api_delete, api_get, api_post
from adapters.http.schemas import PRINTABLE
from application.app import Application
from application.connections import ConnectionQuery, EventQuery, Stamp, Stamped
from application.queries import DEFAULT_PAGE, MAX_PAGE, ConnectionFilter, Position
from application.views import ConnectionPage, ConnectionView, EventList, EventView
from domain.api_key import Scope
from domain.connection import AccountType, Health, Region
from domain.errors import ValidationFailed
from domain.marketplace import MarketplaceState

Q = TypeVar("Q")
V = TypeVar("V")


async def stamp_now(application: Application, query: ConnectionQuery) -> Stamp:
    """The team's stamp after the caller's access check. On a SQLite file it is one indexed
    row read through a connection of the thread's own that never waits (QuickReads.quick):
    microseconds, less than handing it to a worker thread and back, so the event loop asks
    it; anything that could wait (PostgreSQL's round trip and pool) goes to a worker."""
    if application.list_connections.quick_stamp:
        return application.list_connections.stamp(query)
    return await to_thread(application.list_connections.stamp, query)


def _kept(cache: PageCache, key: Hashable, read: Callable[[Q], Stamped[V]], query: Q) -> CachedPage:
    """Read afresh and rendered in a worker thread, kept for the next request."""
    stamped = read(query)
    return cache.put(key, stamped, render(stamped.view))


async def _served(
    request: Request[Any, Any, Any],
    application: Application,
    key: Hashable,
    checked: ConnectionQuery,
    read: Callable[[Q], Stamped[V]],
    query: Q,
) -> Response[Any]:
    """The kept bytes while the team's stamp (read after `checked`'s access check) and their
    words hold; otherwise read afresh, rendered and kept."""
    cache: PageCache = request.app.state[PAGE_CACHE]
    cached = cache.get(key)
    if cached is None or not cached.page.same_as_now(await stamp_now(application, checked)):
        cached = await to_thread(_kept, cache, key, read, query)
    return RenderedResponse(cached.page.view, cached.body)


class ConnectionsController(Controller):
    path = "/api/v1/connections"
    tags = ["connections"]

    @api_get(
        "/",
        scope=Scope.CONNECTIONS_READ,
        summary="The team's connections, a page at a time, oldest first",
        sync_to_thread=None,
    )
    async def list_connections(
        self,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        application: App,
        health: FromQuery[Health | None] = None,
        account_type: FromQuery[AccountType | None] = None,
        region: FromQuery[Region | None] = None,
        marketplace_state: Annotated[
            MarketplaceState | None,
            QueryParameter(description="Only connections with a marketplace in this state."),
        ] = None,
        selling_partner_id: Annotated[
            str | None,
            QueryParameter(
                description="The seller id (merchant token) to look up.",
                min_length=1,
                max_length=200,
                pattern=PRINTABLE,
            ),
        ] = None,
        after: Annotated[
            str | None,
            QueryParameter(
                description="The `next_cursor` of the previous page.",
                min_length=1,
                max_length=400,
                pattern=r"^[A-Za-z0-9_-]+$",
            ),
        ] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
    ) -> Response[ConnectionPage]:
        where = ConnectionFilter(
            health=health,
            account_type=account_type,
            region=region,
            marketplace_state=marketplace_state,
            selling_partner_id=selling_partner_id,
        )
        try:
            position = Position.of_cursor(after) if after else None
        except ValidationFailed as unreadable:
            # Bad input (400), like a well-formed but unknown OAuth state.
            raise ClientException(detail=unreadable.detail) from unreadable
        query = ConnectionQuery(actor=actor, where=where, after=position, limit=limit)
        key = (actor.team_id, where, position, limit)
        return await _served(
            request, application, key, query, application.list_connections.stamped_page, query
        )

    @api_get(
        "/{connection_id:str}",
        scope=Scope.CONNECTIONS_READ,
        summary="Show a connection",
        sync_to_thread=None,
    )
    async def get_connection(
        self,
        request: Request[Any, Any, Any],
        connection_id: PathStr,
        actor: CurrentActor,
        application: App,
    ) -> Response[ConnectionView]:
        # Kept like a page: served again while the team's stamp (which the connection's
        # disconnection moves too) and its words hold.
        return await _served(
            request,
            application,
            (actor.team_id, "connection", connection_id),
            ConnectionQuery(actor=actor),
            partial(application.get_connection.stamped, actor),
            connection_id,
        )

    @api_delete(
        "/{connection_id:str}",
        scope=Scope.CONNECTIONS_WRITE,
        summary="Disconnect: tokens deleted, settings and history kept",
    )
    def disconnect(self, connection_id: PathStr, actor: CurrentActor, application: App) -> None:
        application.disconnect(actor, connection_id)

    @api_post(
        "/{connection_id:str}/refresh",
        scope=Scope.CONNECTIONS_WRITE,
        status_code=200,
        errors=(400, 401, 403, 404, 409, 422, 429, 500, 503),
        summary="Refresh account context: ask Amazon again for profiles and marketplaces",
    )
    def refresh(
        self, connection_id: PathStr, actor: CurrentActor, application: App
    ) -> ConnectionView:
        return application.refresh_account(actor, connection_id)

    @api_get(
        "/{connection_id:str}/events",
        scope=Scope.CONNECTIONS_READ,
        summary="The connection's timeline",
    )
    def events(
        self,
        connection_id: PathStr,
        actor: CurrentActor,
        application: App,
        since: FromQuery[datetime | None] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=1000)] = 100,
    ) -> EventList:
        if since is not None and since.tzinfo is None:
            since = since.replace(tzinfo=UTC)  # API.md: times are UTC
        events = application.list_events(
            EventQuery(actor=actor, connection_id=connection_id, since=since, limit=limit)
        )
        return EventList(items=tuple(EventView.of(e) for e in events))
