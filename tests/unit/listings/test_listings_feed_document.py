"""JSON_LISTINGS_FEED documents and processing reports (adapters/amazon/listings_feed.py):
what the gateway writes is what the sandbox reads, and per-SKU errors come back by
messageId (AMAZON.md)."""

from __future__ import annotations

import json

import pytest

from adapters.amazon.listings_feed import (
    FeedDocumentInvalid,
    build_document,
    build_report,
    read_document,
    read_report,
)
from application.ports import ListingResult, ListingUpdate

US = "ATVPDKIKX0DER"
UPDATES = [
    ListingUpdate("A-1", US, 4, "19.99", "USD"),
    ListingUpdate("B-2", US, 0, None, None),
    ListingUpdate("C-3", US, None, "5.00", "USD"),
]


def test_a_document_has_the_header_and_one_patch_message_per_sku() -> None:
    body = json.loads(build_document("A1SBXUSSELLER01", UPDATES))
    assert body["header"] == {
        "sellerId": "A1SBXUSSELLER01",
        "version": "2.0",
        "issueLocale": "en_US",
    }
    first = body["messages"][0]
    assert (first["messageId"], first["sku"], first["operationType"]) == (1, "A-1", "PATCH")
    assert [p["path"] for p in first["patches"]] == [
        "/attributes/fulfillment_availability",
        "/attributes/purchasable_offer",
    ]
    offer = first["patches"][1]["value"][0]
    assert offer["our_price"][0]["schedule"][0]["value_with_tax"] == 19.99
    assert [p["path"] for p in body["messages"][2]["patches"]] == ["/attributes/purchasable_offer"]


def test_what_is_written_is_read_back_the_same() -> None:
    seller, updates = read_document(build_document("S1", UPDATES), US)
    assert seller == "S1"
    assert updates == UPDATES


def test_a_document_beyond_25000_messages_is_refused() -> None:
    with pytest.raises(FeedDocumentInvalid):
        build_document("S1", [UPDATES[1]] * 25_001)


def test_a_broken_document_is_invalid() -> None:
    with pytest.raises(FeedDocumentInvalid):
        read_document(b'{"header": {}}', US)


def test_the_processing_report_names_each_refused_sku() -> None:
    results = [ListingResult("A-1", True), ListingResult("B-2", False, "unknown SKU")]
    report = build_report("feed-1", "S1", results)
    assert json.loads(report)["summary"]["messagesAccepted"] == 1
    assert read_report(report, ["A-1", "B-2"]) == [
        ListingResult("A-1", True, ""),
        ListingResult("B-2", False, "unknown SKU"),
    ]


def test_skus_with_quotes_backslashes_and_accents_survive_the_document() -> None:
    odd = [ListingUpdate(sku, US, 1, None, None) for sku in ('A"1', "B\\2", "Café-3", "tab\tx")]
    _, updates = read_document(build_document("S1", odd), US)
    assert [u.sku for u in updates] == ['A"1', "B\\2", "Café-3", "tab\tx"]
