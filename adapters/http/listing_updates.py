"""Listing updates (seed 003): the product hands in quantities and prices, and asks
why Amazon shows what it shows.

- `PUT /api/v1/connections/{id}/listings` {marketplace_id, items: [{sku, quantity, price,
  currency}]}: each item is checked on its own; bad items come back as per-row errors and the
  good ones are kept (200 either way). Items are typed loosely on purpose (a quantity of
  "2.5" is a row error, not a refused request).
- `POST /api/v1/connections/{id}/marketplaces/{marketplace_id}/listings.csv`: the same, as a
  CSV upload for support (header: sku, quantity, price, currency).
- `GET /api/v1/connections/{id}/listings/{sku}`: the input, the settings, the decision, when it
  was sent and Amazon's answer, per marketplace.
"""

from __future__ import annotations

from typing import Annotated, Any

import anyio
from litestar import Controller, Request, post
from litestar.params import FromQuery, JSONBody
from msgspec import Meta, Struct

from adapters.formats.listing_csv import parse_listing_csv
from adapters.http.problems import problem_responses
from adapters.http.routing import (
    BEARER,
    TEAM_SCOPED,
    App,
    CurrentActor,
    PathStr,
    api_get,
    api_put,
    key_scope,
)
from application.listing_updates import (
    MAX_ROWS_PER_SUBMISSION,
    ListingRow,
    SubmitListingsCommand,
    SubmitListingsResult,
)
from application.sku_explanation import SkuExplained
from domain.api_key import Scope

Loose = int | float | str


class ListingItemIn(Struct, kw_only=True):
    sku: str
    quantity: Loose
    price: Loose
    currency: str


class ListingsIn(Struct, kw_only=True):
    marketplace_id: Annotated[str, Meta(min_length=1, max_length=40)]
    items: Annotated[list[ListingItemIn], Meta(max_length=MAX_ROWS_PER_SUBMISSION)]


class ListingUpdatesController(Controller):
    path = "/api/v1/connections/{connection_id:str}"
    tags = ["listings"]

    @api_put(
        "/listings",
        scope=Scope.CONNECTIONS_WRITE,
        summary="Submit the catalogue's quantities and prices",
    )
    def submit(
        self,
        connection_id: PathStr,
        data: JSONBody[ListingsIn],
        actor: CurrentActor,
        application: App,
    ) -> SubmitListingsResult:
        rows = [ListingRow(i.sku, i.quantity, i.price, i.currency) for i in data.items]
        return application.submit_listings(
            SubmitListingsCommand(actor, connection_id, data.marketplace_id, rows)
        )

    @post(
        "/marketplaces/{marketplace_id:str}/listings.csv",
        summary="Submit quantities and prices as a CSV file (sku, quantity, price, currency)",
        status_code=200,
        responses=problem_responses(*TEAM_SCOPED),
        security=BEARER,
        opt=key_scope(Scope.CONNECTIONS_WRITE),
    )
    async def submit_csv(
        self,
        connection_id: PathStr,
        marketplace_id: PathStr,
        request: Request[Any, Any, Any],
        actor: CurrentActor,
        application: App,
    ) -> SubmitListingsResult:
        """The body is the CSV file itself (any content type), read raw; the use case runs in
        a worker thread like every other route's."""
        text = (await request.body()).decode("utf-8-sig", errors="replace")
        command = SubmitListingsCommand(
            actor, connection_id, marketplace_id, lambda: parse_listing_csv(text)
        )
        return await anyio.to_thread.run_sync(application.submit_listings, command)

    @api_get(
        "/listings/{sku:str}",
        scope=Scope.CONNECTIONS_READ,
        summary="Why Amazon shows what it shows for one SKU",
    )
    def explain(
        self,
        connection_id: PathStr,
        sku: PathStr,
        actor: CurrentActor,
        application: App,
        marketplace_id: FromQuery[str | None] = None,
    ) -> SkuExplained:
        found = application.explain_sku(actor, connection_id, sku, marketplace_id)
        return SkuExplained(connection_id=connection_id, sku=sku, items=tuple(found))
