"""How Amazon reads a submitted JSON_LISTINGS_FEED document and writes its processing
report (models/listings-feed-schema-v2.json, listings-feed-processing-report-schema-v2.json).

The sandbox reads the document as Amazon does, not as sellerlink writes it, so any client's
feed is judged the same way: the frame (JSON, header, version, 1 to 25,000 messages, unique
`messageId`s, the submitter's own `sellerId`) decides whether the feed is processed at all
(FATAL, with a report saying why); each message is then checked against the schema and its
patches applied, and whatever is wrong with it becomes an ERROR issue on its own
`messageId`. Nothing in a document makes the sandbox fail: a value Python cannot read is
an issue, never an exception.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from attrs import frozen

from adapters.amazon.feed_schema import document_problems, message_problems
from adapters.amazon.listings_feed import FEED_VERSION

# The issue code the sandbox gives a message that breaks the feed schema (Amazon's own code
# for this is not documented in the models; UNCONFIRMED, kept in one place).
SCHEMA_ISSUE_CODE = "4000001"
FATAL_ISSUE_CODE = "4000000"


@frozen
class Frame:
    """A document Amazon will process: the header's seller and the messages as sent."""

    seller_id: str
    messages: Sequence[dict[str, Any]]


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def read_frame(content: bytes, submitter: str) -> tuple[Frame | None, list[str]]:
    """The document's frame, or why the whole feed is FATAL."""
    try:
        body = json.loads(content.decode("utf-8"), parse_constant=_no_constants)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None, ["The feed document is not valid UTF-8 JSON."]
    try:
        problems = document_problems(body)
    except (ValueError, RecursionError):  # nesting beyond what the validator follows
        return None, ["The feed document is nested too deeply to read."]
    if problems:
        return None, [
            f"The feed document does not follow JSON_LISTINGS_FEED: {p}" for p in problems
        ]
    seller_id = str(body["header"]["sellerId"])
    if seller_id != submitter:
        return None, ["The header's sellerId is not the selling partner who submitted the feed."]
    ids = Counter(m.get("messageId") for m in body["messages"] if isinstance(m, dict))
    repeated = sorted(str(i) for i, n in ids.items() if n > 1 and i is not None)
    if repeated:
        return None, [f"messageId must be unique within a feed: {', '.join(repeated)} repeated."]
    return Frame(seller_id, body["messages"]), []


def schema_issues(message: Any) -> list[dict[str, Any]]:
    """The message's schema violations as processing report issues."""
    try:
        problems = message_problems(message)
    except (ValueError, RecursionError):
        problems = ["the message is nested too deeply to read"]
    return [
        issue(message, SCHEMA_ISSUE_CODE, f"The message does not follow JSON_LISTINGS_FEED: {p}")
        for p in problems
    ]


def issue(message: Any, code: str, text: str, attribute: str | None = None) -> dict[str, Any]:
    """One ERROR issue, keyed by the message's own messageId (and SKU) when it has them."""
    found: dict[str, Any] = {"code": code, "severity": "ERROR", "message": text}
    if isinstance(message, dict):
        message_id = message.get("messageId")
        if isinstance(message_id, int) and not isinstance(message_id, bool) and message_id >= 1:
            found["messageId"] = message_id
        sku = message.get("sku")
        if isinstance(sku, str) and sku:
            found["sku"] = sku
    if attribute:
        found["attributeName"] = attribute
    return found


def listing_issue(message: dict[str, Any], listings_issue: dict[str, Any]) -> dict[str, Any]:
    """A Listings Items API issue (`attributeNames` list) as a processing report issue
    (one `attributeName`)."""
    names = listings_issue.get("attributeNames") or []
    return issue(
        message,
        str(listings_issue.get("code", SCHEMA_ISSUE_CODE)),
        str(listings_issue.get("message", "")),
        str(names[0]) if names else None,
    )


def patches_of(message: dict[str, Any]) -> list[Any]:
    """A message's changes as JSON Patch operations: PARTIAL_UPDATE and UPDATE replace the
    attributes they carry (UPDATE drops the others: feeds.py); DELETE has none."""
    if message["operationType"] == "PATCH":
        return list(message["patches"])
    attributes = message.get("attributes") or {}
    return [
        {"op": "replace", "path": f"/attributes/{name}", "value": value}
        for name, value in attributes.items()
    ]


def report(
    feed_id: str,
    seller_id: str,
    issues: Sequence[dict[str, Any]],
    processed: int,
    accepted: int,
) -> bytes:
    """The processing report (listings-feed-processing-report-schema-v2.json)."""
    errors = sum(1 for i in issues if i["severity"] == "ERROR")
    body = {
        "header": {"sellerId": seller_id, "version": FEED_VERSION, "feedId": feed_id},
        "issues": list(issues),
        "summary": {
            "errors": errors,
            "warnings": sum(1 for i in issues if i["severity"] == "WARNING"),
            "messagesProcessed": processed,
            "messagesAccepted": accepted,
            "messagesInvalid": processed - accepted,
        },
    }
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def fatal_report(feed_id: str, seller_id: str, problems: Sequence[str]) -> bytes:
    """A FATAL feed's report: issues that name no message, nothing processed."""
    issues = [{"code": FATAL_ISSUE_CODE, "severity": "ERROR", "message": p} for p in problems]
    return report(feed_id, seller_id, issues, 0, 0)
