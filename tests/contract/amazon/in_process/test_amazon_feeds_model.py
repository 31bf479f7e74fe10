"""The Feeds API for JSON_LISTINGS_FEED as Amazon's models say (feeds_2021-06-30.json,
listings-feed-schema-v2.json, listings-feed-processing-report-schema-v2.json): every answer
valid against its definition, the processing report keyed by each message's own
`messageId`, and no document, however broken, answered with a 5xx — a broken message is an
issue on its messageId, a broken document a FATAL feed with a report saying why."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from adapters.amazon.regions import marketplace_id
from adapters.amazon.sandbox.faults import Fault, validate
from adapters.amazon.sandbox.in_process import IN_PROCESS_BASE_URL, InProcessAmazon, ShownListing
from application.ports import FeedStatus
from bootstrap.system import SettableClock
from domain.connection import Region
from domain.secret import Secret
from tests.contract.amazon.amazon_models import document, modelled_call, problems

US = marketplace_id("US")
SELLER = "A1SBXUSSELLER01"
FEEDS = f"{IN_PROCESS_BASE_URL}/feeds/2021-06-30"
MODEL = "feeds_2021-06-30.json"
REPORT_SCHEMA = "listings-feed-processing-report-schema-v2.json"


def _call(
    amazon: InProcessAmazon, method: str, url: str, token: str, name: str, **kw: Any
) -> httpx.Response:
    return modelled_call(amazon.http, MODEL, method, url, token, name, **kw)


def _message(message_id: int, sku: str, quantity: object = 1, **extra: Any) -> dict[str, Any]:
    return {
        "messageId": message_id,
        "sku": sku,
        "operationType": "PATCH",
        "productType": "PRODUCT",
        "patches": [
            {
                "op": "replace",
                "path": "/attributes/fulfillment_availability",
                "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": quantity}],
            }
        ],
        **extra,
    }


def _feed(*messages: dict[str, Any], seller: str = SELLER) -> bytes:
    return json.dumps(
        {"header": {"sellerId": seller, "version": "2.0"}, "messages": list(messages)}
    ).encode()


def submit(amazon: InProcessAmazon, token: str, content: bytes) -> tuple[dict[str, Any], Any]:
    """createFeedDocument -> upload -> createFeed -> getFeed -> getFeedDocument -> download:
    the feed as getFeed answers it and the processing report, parsed and schema-checked."""
    created = _new_document(amazon, token)
    upload = amazon.http.put(
        created["url"], content=content, headers={"Content-Type": "application/json; charset=UTF-8"}
    )
    assert upload.status_code == 200
    feed_id = _call(
        amazon,
        "POST",
        f"{FEEDS}/feeds",
        token,
        "CreateFeedResponse",
        json={
            "feedType": "JSON_LISTINGS_FEED",
            "marketplaceIds": [US],
            "inputFeedDocumentId": created["feedDocumentId"],
        },
    ).json()["feedId"]
    feed = _call(amazon, "GET", f"{FEEDS}/feeds/{feed_id}", token, "Feed").json()
    assert feed["processingStatus"] in ("DONE", "FATAL")
    located = _call(
        amazon,
        "GET",
        f"{FEEDS}/documents/{feed['resultFeedDocumentId']}",
        token,
        "FeedDocument",
    ).json()
    downloaded = amazon.http.get(located["url"])
    assert downloaded.status_code == 200
    report = downloaded.json()
    assert problems(document(REPORT_SCHEMA), report) == []
    assert report["header"]["feedId"] == feed_id
    return feed, report


def _issues(report: dict[str, Any]) -> dict[object, list[dict[str, Any]]]:
    found: dict[object, list[dict[str, Any]]] = {}
    for issue in report["issues"]:
        found.setdefault(issue.get("messageId"), []).append(issue)
    return found


def test_the_report_names_messages_by_their_message_id_not_their_position(
    amazon: InProcessAmazon,
) -> None:
    token = amazon.sp_api_token("us-seller")
    amazon.refused_skus["NOT-IN-CATALOGUE"] = "The SKU is not in the catalogue."
    feed, report = submit(
        amazon,
        token,
        _feed(
            _message(30, "FIRST"),
            _message(7, "NOT-IN-CATALOGUE"),
            _message(12, "THIRD", quantity=-1),
        ),
    )
    assert feed["processingStatus"] == "DONE"
    issues = _issues(report)
    assert sorted(issues, key=str) == [12, 7]
    assert issues[7][0]["sku"] == "NOT-IN-CATALOGUE"
    assert issues[12][0]["attributeName"] == "fulfillment_availability"
    assert report["summary"] == {
        "errors": 2,
        "warnings": 0,
        "messagesProcessed": 3,
        "messagesAccepted": 1,
        "messagesInvalid": 2,
    }
    assert amazon.listing("us-seller", "US", "FIRST") is not None
    assert amazon.listing("us-seller", "US", "THIRD") is None


@pytest.mark.parametrize(
    ("value", "where"),
    [
        ({"quantity": "abc"}, "quantity"),
        ({"quantity": 10**30}, "quantity"),
        ({"quantity": 2**80}, "quantity"),
        ({"quantity": 1.5}, "quantity"),
        ({"price": "1e999999"}, "our_price"),
        ({"price": "1e-999999"}, "our_price"),
        ({"price": "-0"}, "our_price"),
        ({"price": "10" * 300}, "our_price"),
        ({"price": '"12.00"'}, "our_price"),
        ({"currency": 5}, "currency"),
    ],
)
def test_a_malformed_value_is_an_issue_on_its_message_and_the_rest_is_applied(
    amazon: InProcessAmazon, value: dict[str, Any], where: str
) -> None:
    """Such a value made every getFeed answer a plain 500."""
    token = amazon.sp_api_token("us-seller")
    bad = _message(2, "BAD", quantity=value.get("quantity", 1))
    if "price" in value or "currency" in value:
        bad["patches"] = [
            {
                "op": "replace",
                "path": "/attributes/purchasable_offer",
                "value": [
                    {
                        "marketplace_id": US,
                        "currency": value.get("currency", "USD"),
                        "our_price": [{"schedule": [{"value_with_tax": "PRICE"}]}],
                    }
                ],
            }
        ]
    raw = _feed(_message(1, "GOOD", quantity=3), bad).decode()
    raw = raw.replace('"PRICE"', str(value.get("price", "9.99")))
    feed, report = submit(amazon, token, raw.encode())
    assert feed["processingStatus"] == "DONE"
    issues = _issues(report)
    assert list(issues) == [2]
    assert where in issues[2][0]["message"]
    assert amazon.listing("us-seller", "US", "GOOD") is not None
    assert amazon.listing("us-seller", "US", "BAD") is None


def test_a_message_against_the_feed_schema_is_refused_by_its_message_id(
    amazon: InProcessAmazon,
) -> None:
    token = amazon.sp_api_token("us-seller")
    no_product_type = _message(5, "NO-TYPE")
    del no_product_type["productType"]
    feed, report = submit(
        amazon,
        token,
        _feed(_message(4, "FINE"), no_product_type, _message(6, "", quantity=2)),
    )
    assert feed["processingStatus"] == "DONE"
    issues = _issues(report)
    assert sorted(issues) == [5, 6]
    assert all(i["code"] and i["severity"] == "ERROR" for i in report["issues"])
    assert report["summary"]["messagesAccepted"] == 1


@pytest.mark.parametrize(
    "content",
    [
        b"not json at all",
        b'{"header": {"sellerId": "A1SBXUSSELLER01", "version": "1.0"}, "messages": []}',
        b'{"header": {"sellerId": "A1SBXUSSELLER01", "version": "2.0"}, "messages": []}',
        b'{"header": {"sellerId": "A1SBXUSSELLER01", "version": "2.0"}, "messages": NaN}',
        b'{"messages": [{"messageId": 1}]}',
        b"[" * 5000 + b"]" * 5000,
        b"\xff\xfe not utf-8",
        _feed(_message(1, "A"), _message(1, "B")),
        _feed(_message(1, "A"), seller="SOMEONE-ELSE"),
    ],
    ids=[
        "not-json",
        "version",
        "no-messages",
        "nan",
        "no-header",
        "deep",
        "encoding",
        "duplicate-ids",
        "other-seller",
    ],
)
def test_a_broken_document_is_a_fatal_feed_with_a_report_saying_why(
    amazon: InProcessAmazon, content: bytes
) -> None:
    token = amazon.sp_api_token("us-seller")
    feed, report = submit(amazon, token, content)
    assert feed["processingStatus"] == "FATAL"
    assert report["issues"]
    assert all("messageId" not in i for i in report["issues"])
    assert report["summary"]["messagesProcessed"] == 0
    assert amazon.listing("us-seller", "US", "A") is None


def test_every_message_operation_of_the_schema_is_processed(amazon: InProcessAmazon) -> None:
    token = amazon.sp_api_token("us-seller")
    partial = {
        "messageId": 2,
        "sku": "PARTIAL",
        "operationType": "PARTIAL_UPDATE",
        "productType": "PRODUCT",
        "attributes": {
            "fulfillment_availability": [{"fulfillment_channel_code": "DEFAULT", "quantity": 8}]
        },
    }
    submit(amazon, token, _feed(_message(1, "GONE", quantity=4), partial))
    assert amazon.listing("us-seller", "US", "PARTIAL") is not None
    delete = {"messageId": 1, "sku": "GONE", "operationType": "DELETE"}
    feed, report = submit(amazon, token, _feed(delete))
    assert (feed["processingStatus"], report["issues"]) == ("DONE", [])
    assert amazon.listing("us-seller", "US", "GONE") is None
    shown = amazon.listing("us-seller", "US", "PARTIAL")
    assert shown is not None
    assert shown.quantity == 8
    offer = {
        "purchasable_offer": [
            {
                "marketplace_id": US,
                "currency": "USD",
                "our_price": [{"schedule": [{"value_with_tax": 5}]}],
            }
        ]
    }
    submit(amazon, token, _feed({**partial, "messageId": 3, "attributes": offer}))
    assert amazon.listing("us-seller", "US", "PARTIAL") == ShownListing(8, "5.00", "USD")
    update = {**partial, "messageId": 4, "operationType": "UPDATE"}
    submit(amazon, token, _feed(update))
    # UPDATE carries the full set of attributes: the offer it leaves out is gone.
    assert amazon.listing("us-seller", "US", "PARTIAL") == ShownListing(8, None, None)


def test_the_gateway_reads_a_fatal_feeds_reasons_from_its_report(amazon: InProcessAmazon) -> None:
    token = amazon.sp_api_token("us-seller")
    feed, _ = submit(amazon, token, b"not json at all")
    read = amazon.listings_feed_report(Region.NA, Secret(token), feed["feedId"])
    assert read.status is FeedStatus.FATAL
    assert "not valid UTF-8 JSON" in read.message


def _new_document(amazon: InProcessAmazon, token: str) -> dict[str, Any]:
    created: dict[str, Any] = _call(
        amazon,
        "POST",
        f"{FEEDS}/documents",
        token,
        "CreateFeedDocumentResponse",
        json={"contentType": "application/json; charset=UTF-8"},
    ).json()
    return created


def test_feed_document_urls_are_absolute_pre_signed_and_expire(
    amazon: InProcessAmazon, clock: SettableClock
) -> None:
    """The URLs were relative, and python-amazon-sp-api could
    neither upload nor download."""
    token = amazon.sp_api_token("us-seller")
    created = _new_document(amazon, token)
    url = urlsplit(created["url"])
    assert f"{url.scheme}://{url.netloc}" == "https://amazon.sandbox.invalid"
    assert {"X-Amz-Expires", "X-Amz-Signature"} <= set(parse_qs(url.query))
    json_type = {"Content-Type": "application/json; charset=UTF-8"}
    tampered = created["url"].replace("X-Amz-Signature=", "X-Amz-Signature=0")
    assert amazon.http.put(tampered, content=b"{}", headers=json_type).status_code == 403
    wrong_type = amazon.http.put(
        created["url"], content=b"{}", headers={"Content-Type": "text/xml"}
    )
    assert (wrong_type.status_code, b"SignatureDoesNotMatch" in wrong_type.content) == (403, True)
    clock.advance(timedelta(minutes=6))
    expired = amazon.http.put(created["url"], content=b"{}", headers=json_type)
    assert (expired.status_code, b"expired" in expired.content) == (403, True)
    _, report = submit(amazon, token, _feed(_message(1, "A")))
    assert report["summary"]["messagesAccepted"] == 1


def test_a_report_document_is_no_feed_document(amazon: InProcessAmazon) -> None:
    token = amazon.sp_api_token("us-seller")
    created = _new_document(amazon, token)
    assert amazon.http.get(created["url"]).status_code == 404  # nothing uploaded yet
    reports = f"{IN_PROCESS_BASE_URL}/reports/2021-06-30/documents/{created['feedDocumentId']}"
    assert amazon.http.get(reports, headers={"x-amz-access-token": token}).status_code == 404


def test_a_feed_fatal_fault_refuses_one_feed_as_a_whole_naming_its_first_message(
    amazon: InProcessAmazon,
) -> None:
    """`POST _admin/faults {"kind": "feed_fatal", "account": ...}`: Amazon refuses a whole
    JSON_LISTINGS_FEED over one message; nothing of it is applied, and the next is judged
    as usual once the fault is used up."""
    with pytest.raises(ValueError, match="names an account"):
        validate(Fault("feed_fatal"))
    token = amazon.sp_api_token("us-seller")
    amazon.sandbox.set_faults([Fault("feed_fatal", account="us-seller", count=1)])
    content = _feed(_message(1, "A"), _message(2, "B"))
    feed, report = submit(amazon, token, content)
    assert feed["processingStatus"] == "FATAL"
    assert [i.get("messageId") for i in report["issues"]] == [1]
    assert report["summary"]["messagesAccepted"] == 0
    assert amazon.listing("us-seller", "US", "A") is None
    assert amazon.listing("us-seller", "US", "B") is None
    read = amazon.listings_feed_report(Region.NA, Secret(token), feed["feedId"])
    assert read.status is FeedStatus.FATAL
    assert "refused as a whole" in read.message

    feed, report = submit(amazon, token, content)
    assert (feed["processingStatus"], report["issues"]) == ("DONE", [])
    assert amazon.listing("us-seller", "US", "B") is not None
