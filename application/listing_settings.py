"""Listing settings (seed 003) and what they decide for the products a team sends."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal

from attrs import define, frozen

from application.context import Actor, Ports, team_connection
from application.listing_updates import reevaluate_listings
from domain.listing import (
    DEFAULT_BATCH_WINDOW,
    ListingDecision,
    ListingSettings,
    Money,
    ProductSnapshot,
    settings_changed,
)
from domain.team import Permission


@define
class GetListingSettings:
    ports: Ports

    def __call__(self, actor: Actor, connection_id: str) -> ListingSettings:
        with self.ports.uow() as uow:
            connection = team_connection(uow, actor, connection_id, Permission.VIEW)
            return uow.listing_settings.get(connection.id) or ListingSettings(connection.id)


@frozen
class UpdateListingSettingsCommand:
    actor: Actor
    connection_id: str
    inventory_buffer: int
    inventory_ceiling: int | None
    minimum_price_amount: Decimal | None
    minimum_price_currency: str | None
    pricing_enabled: bool
    batch_window: timedelta = DEFAULT_BATCH_WINDOW


@define
class UpdateListingSettings:
    """Seed 003: admins and managers change the settings; they survive reconnects."""

    ports: Ports

    def __call__(self, cmd: UpdateListingSettingsCommand) -> ListingSettings:
        minimum = None
        if cmd.minimum_price_amount is not None:
            minimum = Money(cmd.minimum_price_amount, cmd.minimum_price_currency or "")
        with self.ports.uow() as uow:
            connection = team_connection(
                uow, cmd.actor, cmd.connection_id, Permission.MANAGE_CONNECTIONS, for_update=True
            )
            before = uow.listing_settings.get(connection.id)
            settings = ListingSettings(
                connection_id=connection.id,
                inventory_buffer=cmd.inventory_buffer,
                inventory_ceiling=cmd.inventory_ceiling,
                minimum_price=minimum,
                pricing_enabled=cmd.pricing_enabled,
                batch_window=cmd.batch_window,
            )
            uow.listing_settings.put(settings)
            # Seed 003's FAQ: a new buffer can take listings out of stock; every SKU of the
            # connection is decided again and the differences go in the next batch.
            reevaluate_listings(uow, connection.id, settings, self.ports.clock.now())
            settings_changed(
                connection, before, settings, at=self.ports.clock.now(), actor=cmd.actor.label
            )
            uow.commit()
            return settings


@define
class PreviewListingDecisions:
    """What sellerlink would send to Amazon for these products under the current settings."""

    ports: Ports

    def __call__(
        self, actor: Actor, connection_id: str, products: Sequence[ProductSnapshot]
    ) -> list[ListingDecision]:
        with self.ports.uow() as uow:
            connection = team_connection(uow, actor, connection_id, Permission.VIEW)
            settings = uow.listing_settings.get(connection.id) or ListingSettings(connection.id)
        return [settings.decide(p) for p in products]
