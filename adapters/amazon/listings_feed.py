"""`JSON_LISTINGS_FEED` documents and their processing reports (AMAZON.md).

A feed document is `{"header": {"sellerId", "version": "2.0", "issueLocale"}, "messages":
[...]}` with one PATCH message per SKU (`messageId`, `sku`, `operationType`, `productType`,
`patches`), at most 25,000 messages. The same patches as a Listings Items PATCH: quantity
to `fulfillment_availability`, price to `purchasable_offer`. Amazon answers with a
processing report: `{"header", "issues": [{"messageId", "code", "severity", "message"}],
"summary": {...}}`; a message without an ERROR issue was accepted.

Pure functions over bytes, shared by the HTTP gateway's feed client and the sandbox, so both
sides of the wire read and write the same document.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import msgspec

from application.ports import ListingResult, ListingUpdate

FEED_TYPE = "JSON_LISTINGS_FEED"
FEED_VERSION = "2.0"
MAX_MESSAGES = 25_000
PRODUCT_TYPE = "PRODUCT"  # offer-only patches need no real product type
CONTENT_TYPE = "application/json; charset=UTF-8"

_encoder = msgspec.json.Encoder(decimal_format="number")
_decoder = msgspec.json.Decoder(float_hook=Decimal)  # prices keep their digits


class FeedDocumentInvalid(ValueError):
    """The document is not a JSON_LISTINGS_FEED Amazon would process (a FATAL feed)."""


# The two patches, as JSON templates: a feed of 25,000 messages is written without building
# a dict per message (benchmarks/listing_batch.py: 100,000 SKUs in well under 1.5 s).
_QUANTITY_PATCH = (
    '{"op":"replace","path":"/attributes/fulfillment_availability",'
    '"value":[{"fulfillment_channel_code":"DEFAULT","quantity":%d}]}'
)
_PRICE_PATCH = (
    '{"op":"replace","path":"/attributes/purchasable_offer","value":[{"marketplace_id":%s,'
    '"currency":%s,"our_price":[{"schedule":[{"value_with_tax":%s}]}]}]}'
)
_MESSAGE = '{"messageId":%d,"sku":%s,"operationType":"PATCH","productType":"%s","patches":[%s]}'


def patches_json(update: ListingUpdate) -> str:
    """The update's patches as a JSON array body: quantity to `fulfillment_availability`,
    price to `purchasable_offer` (the same patches as a Listings Items PATCH)."""
    found = []
    if update.quantity is not None:
        found.append(_QUANTITY_PATCH % update.quantity)
    if update.price_amount is not None and update.price_currency is not None:
        found.append(
            _PRICE_PATCH
            % (
                _short_text(update.marketplace_id),
                _short_text(update.price_currency),
                _amount(update.sku, update.price_amount),
            )
        )
    return ",".join(found)


def _text(value: str) -> str:
    if '"' not in value and "\\" not in value and value.isprintable():
        return f'"{value}"'  # nothing to escape: the common SKU
    return _encoder.encode(value).decode()


@functools.lru_cache(maxsize=256)
def _short_text(value: str) -> str:
    """Marketplace ids and currencies: a handful of values, encoded once."""
    return _text(value)


def _amount(sku: str, price: str) -> str:
    number = _number(price)
    if number is None:
        raise FeedDocumentInvalid(f"{sku}: price is not a non-negative number")
    return number


@functools.lru_cache(maxsize=4096)
def _number(price: str) -> str | None:
    """A price as a plain JSON number, or None. Catalogues reuse a few thousand prices."""
    try:
        amount = Decimal(price)
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount < 0:
        return None
    return format(amount, "f")


def build_document(
    seller_id: str, updates: Sequence[ListingUpdate], *, issue_locale: str = "en_US"
) -> bytes:
    """One feed document; `messageId` is the update's position from 1, which is how the
    processing report names the SKU it talks about."""
    if not 1 <= len(updates) <= MAX_MESSAGES:
        raise FeedDocumentInvalid(f"A listings feed holds 1 to {MAX_MESSAGES} messages.")
    header = _encoder.encode(
        {"sellerId": seller_id, "version": FEED_VERSION, "issueLocale": issue_locale}
    ).decode()
    messages = ",".join(
        _MESSAGE % (number, _text(update.sku), PRODUCT_TYPE, patches_json(update))
        for number, update in enumerate(updates, start=1)
    )
    return f'{{"header":{header},"messages":[{messages}]}}'.encode()


def read_document(document: bytes, marketplace_id: str) -> tuple[str, list[ListingUpdate]]:
    """The seller id and the updates of a feed document (the sandbox's side)."""
    try:
        body = _decoder.decode(document)
        header = body["header"]
        messages = body["messages"]
        seller_id = str(header["sellerId"])
        if header.get("version") != FEED_VERSION or not isinstance(messages, list):
            raise FeedDocumentInvalid("Unsupported feed version or no messages.")
        if not 1 <= len(messages) <= MAX_MESSAGES:
            raise FeedDocumentInvalid(f"A listings feed holds 1 to {MAX_MESSAGES} messages.")
        return seller_id, [_read_message(m, marketplace_id) for m in messages]
    except (msgspec.DecodeError, KeyError, TypeError, AttributeError) as bad:
        raise FeedDocumentInvalid("The feed document is not valid JSON_LISTINGS_FEED.") from bad


def _read_message(message: Mapping[str, Any], marketplace_id: str) -> ListingUpdate:
    quantity: int | None = None
    amount: str | None = None
    currency: str | None = None
    for patch in message.get("patches") or []:
        value = patch["value"][0]
        if patch["path"] == "/attributes/fulfillment_availability":
            quantity = int(value["quantity"])
        elif patch["path"] == "/attributes/purchasable_offer":
            currency = str(value["currency"])
            amount = str(value["our_price"][0]["schedule"][0]["value_with_tax"])
    return ListingUpdate(
        sku=str(message["sku"]),
        marketplace_id=marketplace_id,
        quantity=quantity,
        price_amount=amount,
        price_currency=currency,
    )


def build_report(feed_id: str, seller_id: str, results: Sequence[ListingResult]) -> bytes:
    """The processing report for `results`, in document order (the sandbox's side)."""
    issues = [
        {"messageId": n, "code": "90000", "severity": "ERROR", "message": r.message}
        for n, r in enumerate(results, start=1)
        if not r.accepted
    ]
    summary = {
        "errors": len(issues),
        "warnings": 0,
        "messagesProcessed": len(results),
        "messagesAccepted": len(results) - len(issues),
        "messagesInvalid": len(issues),
    }
    header = {"sellerId": seller_id, "version": FEED_VERSION, "feedId": feed_id}
    return _encoder.encode({"header": header, "issues": issues, "summary": summary})


def read_report(report: bytes, skus: Sequence[str]) -> list[ListingResult]:
    """Per-SKU results from a processing report; `skus` are the document's SKUs in order."""
    try:
        body = _decoder.decode(report)
        issues = body.get("issues") or []
    except (msgspec.DecodeError, AttributeError) as bad:
        raise FeedDocumentInvalid("The processing report is not valid JSON.") from bad
    errors: dict[int, list[str]] = {}
    for issue in issues:
        if isinstance(issue, dict) and issue.get("severity") == "ERROR":
            number = int(issue.get("messageId", 0))
            errors.setdefault(number, []).append(str(issue.get("message", ""))[:200])
    return [
        ListingResult(sku, n not in errors, "; ".join(errors.get(n, [])))
        for n, sku in enumerate(skus, start=1)
    ]
