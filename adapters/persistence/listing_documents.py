"""cattrs conversion of an SkuListing's nested value objects to and from a JSON document.

A listing carries several small frozen value objects (the product snapshot, the decision,
the submission in flight, the last refusal and answer) that are only ever read back whole;
a column per field would buy nothing. Decimals travel as their exact text and instants as
ISO 8601 with their UTC offset, so a listing comes back equal to what was stored."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import cattrs

from domain.listing_batch import SkuListing

_KEY = ("connection_id", "marketplace_id", "sku")

converter = cattrs.Converter()
converter.register_unstructure_hook(Decimal, str)
converter.register_structure_hook(Decimal, lambda value, _: Decimal(value))
converter.register_unstructure_hook(datetime, lambda value: value.astimezone(UTC).isoformat())
converter.register_structure_hook(
    datetime, lambda value, _: datetime.fromisoformat(value).astimezone(UTC)
)


def listing_document(listing: SkuListing) -> dict[str, Any]:
    document: dict[str, Any] = converter.unstructure(listing)
    for key in _KEY:
        document.pop(key)
    return document


def listing_from_document(
    connection_id: str, marketplace_id: str, sku: str, document: dict[str, Any]
) -> SkuListing:
    return converter.structure(
        {**document, "connection_id": connection_id, "marketplace_id": marketplace_id, "sku": sku},
        SkuListing,
    )
