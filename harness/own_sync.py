"""sellerlink's own sync, reduced to the one call it makes for a window of a seller's
orders: what the proxy's rate budget must leave room for. The pass-through feature and the
proxy budget benchmark both run it beside a product's burst of calls."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from application.app import Application
from application.ports import AmazonGateway, DatasetSource
from domain.connection import AccountType, Region
from domain.errors import DomainError
from domain.grant import Channel
from domain.records import Dataset

US = "ATVPDKIKX0DER"


def read_an_hour_of_orders(
    application: Application, amazon: AmazonGateway, connection: Mapping[str, str]
) -> str:
    """The call RunSyncCycle makes for one hour of a US seller's orders, on the same
    gateway and rate budget as the proxy: "ok", or the catalogue code it ran into."""
    try:
        token = application.get_access_token(connection["id"], Channel.SP_API).token
        amazon.fetch_dataset(
            DatasetSource(
                Dataset.ORDERS,
                Region.NA,
                AccountType.SELLER,
                US,
                datetime(2025, 1, 1, tzinfo=UTC),
                datetime(2025, 1, 1, 1, tzinfo=UTC),
                selling_partner_id=connection["selling_partner_id"],
            ),
            token,
        ).close()
    except DomainError as error:
        return str(error.code)
    return "ok"
