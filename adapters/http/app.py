"""The Litestar application for the web API (DESIGN §5, API.md). The composition root
(bootstrap/web.py) hands in the `application` dependency, the authenticator and the
readiness checks; this module never knows which adapters sit behind them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import anyio.to_thread
from litestar import Litestar
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, ScalarRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme, Tag

from adapters.http.amazon_access import AmazonAccessController
from adapters.http.api_keys import ApiKeysController
from adapters.http.auth import Authenticator, provide_actor, provide_caller
from adapters.http.authorizations import AuthorizationsController
from adapters.http.callbacks import ads_callback, sp_api_callback
from adapters.http.connections import ConnectionsController
from adapters.http.error_docs import explain_error, list_errors
from adapters.http.health import ReadinessCheck, health, readiness_route
from adapters.http.listing_updates import ListingUpdatesController
from adapters.http.listings import ListingSettingsController
from adapters.http.marketplaces import MarketplacesController, ProfilesController
from adapters.http.observability import (
    metrics_controller,
    prometheus_config,
    request_log_middleware,
)
from adapters.http.problems import EXCEPTION_HANDLERS
from adapters.http.records import RecordsController
from adapters.http.json_depth import refuse_deep_json
from adapters.http.request_ids import add_request_id_header
from adapters.http.teams import TeamsController
from adapters.http.views import DescribedAttrsSchemaPlugin, ViewResponse
from adapters.http.webhooks import WebhooksController

API_VERSION = "1.0.0"

DESCRIPTION = """\
Connect Amazon Ads and Selling Partner API accounts and keep them healthy.

Every `/api/v1` request carries `Authorization: Bearer <jwt>`; `sub` is the user and the team
context is the `X-Team-Id` header or the token's `team` claim. A product's back end sends an
API key instead (`Authorization: Bearer slk_…`, see "api keys"): its team is fixed and each
route names the scope it needs (403 `SCOPE_MISSING` without it). Errors are RFC 9457
`application/problem+json` whose `type` is `/errors/<CODE>`; `GET /errors/<CODE>` explains
each one. Every response carries `X-Request-Id`.
"""


def openapi_config() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="sellerlink",
        version=API_VERSION,
        description=DESCRIPTION,
        path="/schema",
        render_plugins=[
            ScalarRenderPlugin(path="/"),
            SwaggerRenderPlugin(path="/swagger"),
            JsonRenderPlugin(path="/openapi.json"),
        ],
        components=Components(
            security_schemes={
                "BearerToken": SecurityScheme(
                    type="http",
                    scheme="bearer",
                    bearer_format="JWT",
                    description="A JWT: `sellerlink dev token --user USER [--team TEAM]` in "
                    "development, your identity provider's in production.",
                )
            }
        ),
        tags=[
            Tag(name="teams"),
            Tag(name="api keys", description="Keys for your product's back end (owner, admin)"),
            Tag(name="connecting", description="Authorize Amazon Ads and SP-API"),
            Tag(
                name="amazon access",
                description="Call Amazon through a connection: tokens and the proxy",
            ),
            Tag(name="connections"),
            Tag(name="profiles"),
            Tag(name="marketplaces"),
            Tag(name="listings"),
            Tag(
                name="records",
                description="The seller's data: orders, sales and traffic, inventory, ad campaigns",
            ),
            Tag(name="webhooks", description="Signed notifications of every change"),
            Tag(name="errors"),
            Tag(name="operations"),
        ],
    )


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
    debug: bool = False,
    metrics_token: str | None = None,
    before_scrape: Callable[[], None] | None = None,
    **litestar_options: Any,
) -> Litestar:
    """`dependencies` must provide `application` (the Application facade).
    `before_scrape` refreshes the database gauges before /metrics answers; `metrics_token`
    guards /metrics (without one, loopback only)."""
    plugins = list(litestar_options.pop("plugins", []))
    if "application" not in dependencies:
        raise ValueError("build_api needs an `application` dependency")
    middleware: list[Any] = [request_log_middleware, prometheus_config().middleware]
    middleware += list(litestar_options.pop("middleware", []))
    return Litestar(
        route_handlers=[
            TeamsController,
            ApiKeysController,
            AmazonAccessController,
            AuthorizationsController,
            ConnectionsController,
            ProfilesController,
            MarketplacesController,
            ListingSettingsController,
            ListingUpdatesController,
            RecordsController,
            WebhooksController,
            ads_callback,
            sp_api_callback,
            explain_error,
            list_errors,
            health,
            readiness_route(dict(readiness or {})),
            metrics_controller(metrics_token, before_scrape),
        ],
        dependencies={
            **dependencies,
            "authenticator": Provide(lambda: authenticator, sync_to_thread=False, use_cache=True),
            "actor": Provide(provide_actor),
            "caller": Provide(provide_caller),
        },
        exception_handlers=dict(EXCEPTION_HANDLERS),
        on_startup=[_room_for_waiting_calls],
        before_send=[add_request_id_header],
        before_request=refuse_deep_json,
        middleware=middleware,
        # Logging is the composition root's (structlog, one pipeline for every logger):
        # Litestar's default config would replace the root logger's handlers at start-up.
        logging_config=litestar_options.pop("logging_config", None),
        openapi_config=openapi_config(),
        response_class=ViewResponse,
        debug=debug,
        **{**litestar_options, "plugins": [DescribedAttrsSchemaPlugin(), *plugins]},
    )
