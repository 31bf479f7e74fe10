"""The Litestar application for the web API (DESIGN §5, API.md). The composition root
(bootstrap/web.py) hands in the `application` dependency, the authenticator and the
readiness checks; this module never knows which adapters sit behind them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import anyio.to_thread
from litestar import Litestar, Request, Response
from litestar.datastructures import State
from litestar.di import Provide

from adapters.http.amazon_access import AmazonAccessController
from adapters.http.api_keys import ApiKeysController
from adapters.http.auth import Authenticator, identity_dependencies
from adapters.http.authorizations import AuthorizationsController
from adapters.http.binding import bounce_to_amazon
from adapters.http.callbacks import ads_callback, sp_api_callback
from adapters.http.connect_sessions import ConnectSessionsController
from adapters.http.connections import ConnectionsController
from adapters.http.error_docs import explain_error, list_errors
from adapters.http.glossary import describe
from adapters.http.health import ReadinessCheck, health, readiness_route
from adapters.http.hosted import hosted_router
from adapters.http.json_depth import refuse_deep_json
from adapters.http.listing_updates import ListingUpdatesController
from adapters.http.listings import ListingSettingsController
from adapters.http.marketplaces import MarketplacesController, ProfilesController
from adapters.http.observability import (
    metrics_controller,
    prometheus_config,
    request_log_middleware,
)
from adapters.http.openapi import assets_router, openapi_config
from adapters.http.problems import EXCEPTION_HANDLERS
from adapters.http.read_cache import STATE_KEY as PAGE_CACHE
from adapters.http.read_cache import PageCache
from adapters.http.records import RecordsController
from adapters.http.request_ids import add_request_id_header, request_id_of
from adapters.http.teams import TeamsController
from adapters.http.views import DescribedAttrsSchemaPlugin, ViewResponse
from adapters.http.webhooks import WebhooksController
from application.context import REQUEST_ID


async def _before_request(request: Request[Any, Any, Any]) -> Response[Any] | None:
    """Every route: the request id goes with the use case into the events it records (seed
    002's "Please try again": support finds the request in the timeline), and JSON nested
    too deep is refused before any parser meets it."""
    REQUEST_ID.set(request_id_of(request.scope))
    return await refuse_deep_json(request)


# Use cases run in worker threads; a proxied call may wait there for Amazon's quota (up to its
# X-Sellerlink-Max-Wait), so a burst of waiting calls must not take every thread.
WORKER_THREADS = 200


def _room_for_waiting_calls() -> None:
    limiter = anyio.to_thread.current_default_thread_limiter()
    limiter.total_tokens = max(limiter.total_tokens, WORKER_THREADS)


def build_api(
    *,
    dependencies: Mapping[str, Provide],
    authenticator: Authenticator,
    readiness: Mapping[str, ReadinessCheck] | None = None,
    public_base_url: str | None = None,
    debug: bool = False,
    metrics_token: str | None = None,
    before_scrape: Callable[[], None] | None = None,
    **litestar_options: Any,
) -> Litestar:
    """`dependencies` must provide `application` (the Application facade).
    `public_base_url`: this service's address as browsers see it (the links it hands out:
    `authorization_url`, connect session `url`); the request's own base when None.
    `before_scrape` refreshes the database gauges before /metrics answers; `metrics_token`
    guards /metrics (without one, loopback only)."""
    plugins = list(litestar_options.pop("plugins", []))
    if "application" not in dependencies:
        raise ValueError("build_api needs an `application` dependency")
    middleware: list[Any] = [request_log_middleware, prometheus_config().middleware]
    middleware += list(litestar_options.pop("middleware", []))
    app = Litestar(
        route_handlers=[
            TeamsController,
            ApiKeysController,
            AmazonAccessController,
            AuthorizationsController,
            ConnectSessionsController,
            ConnectionsController,
            ProfilesController,
            MarketplacesController,
            ListingSettingsController,
            ListingUpdatesController,
            RecordsController,
            WebhooksController,
            ads_callback,
            sp_api_callback,
            bounce_to_amazon,
            hosted_router(),
            assets_router(),
            explain_error,
            list_errors,
            health,
            readiness_route(dict(readiness or {})),
            metrics_controller(metrics_token, before_scrape),
        ],
        dependencies={
            **dependencies,
            **identity_dependencies(authenticator),
        },
        exception_handlers=dict(EXCEPTION_HANDLERS),
        on_startup=[_room_for_waiting_calls],
        before_send=[add_request_id_header],
        before_request=_before_request,
        middleware=middleware,
        # Logging is the composition root's (structlog, one pipeline for every logger):
        # Litestar's default config would replace the root logger's handlers at start-up.
        logging_config=litestar_options.pop("logging_config", None),
        openapi_config=openapi_config(),
        response_class=ViewResponse,
        state=State({"public_base_url": public_base_url, PAGE_CACHE: PageCache()}),
        debug=debug,
        **{**litestar_options, "plugins": [DescribedAttrsSchemaPlugin(), *plugins]},
    )
    describe(app.openapi_schema)
    return app
