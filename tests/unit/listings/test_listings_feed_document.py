"""JSON_LISTINGS_FEED documents and processing reports (adapters/amazon/listings_feed.py):
what the gateway writes is what the sandbox reads, and per-SKU errors come back by
messageId (AMAZON.md)."""

from __future__ import annotations

import json

import pytest

from adapters.amazon.feed_schema import document_problems, message_problems
from adapters.amazon.listings_feed import (
    FeedDocumentInvalid,
    build_document,
    message_skus,
    read_report,
    report_problems,
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


def test_what_is_written_follows_amazons_feed_schema() -> None:
    body = json.loads(build_document("S1", UPDATES))
    assert document_problems(body) == []
    assert [message_problems(m) for m in body["messages"]] == [[], [], []]


def test_a_document_beyond_25000_messages_is_refused() -> None:
    with pytest.raises(FeedDocumentInvalid):
        build_document("S1", [UPDATES[1]] * 25_001)


def _report(*issues: dict[str, object]) -> bytes:
    return json.dumps({"header": {}, "issues": list(issues), "summary": {}}).encode()


def test_the_processing_report_is_read_by_message_id() -> None:
    report = _report(
        {"messageId": 2, "code": "90220", "severity": "ERROR", "message": "unknown SKU"},
        {"messageId": 3, "code": "1", "severity": "WARNING", "message": "only a warning"},
    )
    assert read_report(report, message_skus(UPDATES)) == [
        ListingResult("A-1", True, ""),
        ListingResult("B-2", False, "unknown SKU"),
        ListingResult("C-3", True, ""),
    ]
    # Amazon's messageId, not the issue's place in the report nor the SKU's in a list.
    assert read_report(report, {7: "X", 2: "Y"}) == [
        ListingResult("X", True, ""),
        ListingResult("Y", False, "unknown SKU"),
    ]


def test_a_report_for_a_feed_this_process_forgot_names_skus_from_the_issues() -> None:
    report = _report({"messageId": 9, "sku": "Z-9", "severity": "ERROR", "message": "no"})
    assert read_report(report, {}) == [ListingResult("Z-9", False, "no")]


def test_a_fatal_feeds_report_gives_its_reasons() -> None:
    report = _report({"code": "4000000", "severity": "ERROR", "message": "not JSON"})
    assert report_problems(report) == ["not JSON"]
    assert report_problems(b"garbage") == []


def test_a_report_that_is_not_json_is_refused() -> None:
    with pytest.raises(FeedDocumentInvalid):
        read_report(b"<html>", {1: "A"})


def test_skus_with_quotes_backslashes_and_accents_survive_the_document() -> None:
    odd = [ListingUpdate(sku, US, 1, None, None) for sku in ('A"1', "B\\2", "Café-3", "tab\tx")]
    body = json.loads(build_document("S1", odd))
    assert [m["sku"] for m in body["messages"]] == ['A"1', "B\\2", "Café-3", "tab\tx"]
