"""Listing settings (seed 003: Marketplace Inventory Buffer, Inventory Ceiling, Minimum
Price Threshold, Disable Pricing); they survive reconnects."""

from __future__ import annotations

from datetime import timedelta

from litestar import Controller
from litestar.params import JSONBody

from adapters.http.routing import App, CurrentActor, PathStr, api_get, api_put
from adapters.http.schemas import ListingSettingsIn
from application.listing_settings import UpdateListingSettingsCommand
from application.sku_explanation import ListingSettingsView
from domain.api_key import Scope


class ListingSettingsController(Controller):
    path = "/api/v1/connections/{connection_id:str}/listing-settings"
    tags = ["listings"]

    @api_get("/", scope=Scope.CONNECTIONS_READ, summary="The connection's listing settings")
    def get_settings(
        self, connection_id: PathStr, actor: CurrentActor, application: App
    ) -> ListingSettingsView:
        return ListingSettingsView.of(application.get_listing_settings(actor, connection_id))

    @api_put(
        "/", scope=Scope.CONNECTIONS_WRITE, summary="Replace the connection's listing settings"
    )
    def put_settings(
        self,
        connection_id: PathStr,
        data: JSONBody[ListingSettingsIn],
        actor: CurrentActor,
        application: App,
    ) -> ListingSettingsView:
        settings = application.update_listing_settings(
            UpdateListingSettingsCommand(
                actor=actor,
                connection_id=connection_id,
                inventory_buffer=data.inventory_buffer,
                inventory_ceiling=data.inventory_ceiling,
                minimum_price_amount=data.minimum_amount(),
                minimum_price_currency=data.minimum_price.currency if data.minimum_price else None,
                pricing_enabled=data.pricing_enabled,
                batch_window=timedelta(seconds=data.batch_window_seconds),
            )
        )
        return ListingSettingsView.of(settings)
