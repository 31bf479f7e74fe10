"""`JSON_LISTINGS_FEED` documents and their processing reports (AMAZON.md).

A feed document is `{"header": {"sellerId", "version": "2.0", "issueLocale"}, "messages":
[...]}` with one PATCH message per SKU (`messageId`, `sku`, `operationType`, `productType`,
`patches`), at most 25,000 messages. The same patches as a Listings Items PATCH: quantity
to `fulfillment_availability`, price to `purchasable_offer`. Amazon answers with a
processing report: `{"header", "issues": [{"messageId", "sku"?, "code", "severity",
"message"}], "summary": {...}}`, each issue keyed by the message's own `messageId`; a
message without an ERROR issue was accepted; a FATAL feed's report says why in issues that
name no message.

The feed client's side only: the sandbox reads documents as Amazon does
(adapters/amazon/sandbox/feed_processing.py), not with these functions, so a mistake here
cannot hide behind the same mistake there.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation

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


def message_skus(updates: Sequence[ListingUpdate]) -> dict[int, str]:
    """The SKU behind each `messageId` of `build_document(updates)`."""
    return {number: update.sku for number, update in enumerate(updates, start=1)}


def read_report(report: bytes, skus: Mapping[int, str]) -> list[ListingResult]:
    """Per-SKU results from a processing report. Amazon keys each issue by the message's
    own `messageId` (the SKU is optional), so `skus` maps the document's messageIds to its
    SKUs; an issue on a messageId the document did not hold names its SKU, if it gives one.
    A message without an ERROR issue was accepted."""
    try:
        body = _decoder.decode(report)
        issues = body.get("issues") or []
    except (msgspec.DecodeError, AttributeError) as bad:
        raise FeedDocumentInvalid("The processing report is not valid JSON.") from bad
    errors: dict[str, list[str]] = {}
    for issue in issues if isinstance(issues, list) else []:
        if not isinstance(issue, dict) or issue.get("severity") != "ERROR":
            continue
        number = issue.get("messageId")
        sku = skus.get(number) if isinstance(number, int) else None
        sku = sku or (issue.get("sku") if isinstance(issue.get("sku"), str) else None)
        if sku is not None:
            errors.setdefault(sku, []).append(str(issue.get("message", ""))[:200])
    named = dict.fromkeys([*skus.values(), *errors])
    return [ListingResult(sku, sku not in errors, "; ".join(errors.get(sku, []))) for sku in named]


def report_problems(report: bytes) -> list[str]:
    """A FATAL feed's reasons: the report's ERROR issues that name no message."""
    try:
        issues = _decoder.decode(report).get("issues") or []
    except (msgspec.DecodeError, AttributeError):
        return []
    return [
        str(issue.get("message", ""))[:200]
        for issue in issues
        if isinstance(issue, dict) and issue.get("severity") == "ERROR"
    ]
