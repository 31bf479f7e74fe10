"""The Feeds API (2021-06-30) in the sandbox, for `JSON_LISTINGS_FEED` (AMAZON.md).

Amazon's flow, kept step for step so the HTTP gateway's feed client is exercised honestly:
1. `POST /feeds/2021-06-30/documents` {contentType} -> {feedDocumentId, url};
2. `PUT url` with the document, `Content-Type` as given to createFeedDocument: an absolute,
   pre-signed URL that expires after 5 minutes (documents.py, shared with the Reports API;
   built from the configured base URL, never from the Host header);
3. `POST /feeds/2021-06-30/feeds` {feedType, marketplaceIds, inputFeedDocumentId} ->
   202 {feedId}; `JSON_LISTINGS_FEED` allows 5 submissions per 5 minutes per region
   (AMAZON.md), a sixth is 429 QuotaExceeded;
4. `GET /feeds/2021-06-30/feeds/{feedId}` -> processingStatus IN_QUEUE ... DONE, and then
   resultFeedDocumentId; `GET /feeds/2021-06-30/documents/{id}` -> {url}: a pre-signed URL
   of the processing report, read with a plain GET.

Processing (feed_processing.py) judges the document by Amazon's JSON_LISTINGS_FEED schema: a
broken frame makes the feed FATAL with a report saying why, and so does a `feed_fatal` fault
(faults.py) for the seller: Amazon refuses the whole feed, naming its first message.
Otherwise each message's patches are applied exactly as the Listings Items PATCH handler
applies them (`_apply_patch`) to the same listing state per (seller, marketplace, SKU), so a
value sent either way reads back the same from `GET _admin/listings`, and the report keys
each refusal by its `messageId`.
Processing takes `processing_time` on the sandbox clock (0 by default: done at the first getFeed).

State is dropped with the sandbox's own (`POST _admin/reset` builds a new `SandboxFeeds`).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Concatenate, ParamSpec

from attrs import define, field

from adapters.amazon import regions
from adapters.amazon.listings_feed import FEED_TYPE
from adapters.amazon.sandbox.documents import Document, DocumentStore
from adapters.amazon.sandbox.faults import FaultsApi
from adapters.amazon.sandbox.feed_processing import (
    FATAL_ISSUE_CODE,
    fatal_report,
    issue,
    listing_issue,
    patches_of,
    read_frame,
    report,
    schema_issues,
)
from adapters.amazon.sandbox.listings import ListingsApi
from adapters.amazon.sandbox.replies import Reply, sp_error

FEEDS_PATH = "/feeds/2021-06-30"
# AMAZON.md: JSON_LISTINGS_FEED, 5 submissions per 5 minutes per region (the operations'
# own usage plans are in adapters.amazon.rate_limit.RATE_PLANS).
LISTINGS_FEED_SUBMISSIONS = 5
LISTINGS_FEED_WINDOW = timedelta(minutes=5)
P = ParamSpec("P")


@define
class _Feed:
    feed_id: str
    seller_id: str
    region: str
    marketplace_id: str
    document_id: str
    created_at: datetime
    status: str = "IN_QUEUE"
    result_document_id: str | None = None
    processed_at: datetime | None = None


def _as_seller(
    operation: str,
) -> Callable[
    [Callable[Concatenate[SandboxFeeds, str, P], Reply]],
    Callable[Concatenate[SandboxFeeds, str | None, P], Reply],
]:
    """What every Feeds operation does first, under the feeds' lock: the access token is
    refused as every SP-API call is (sp_call: the token, the selling plan, an injected 403,
    the usage plan); otherwise the operation is answered for the selling partner behind it."""

    def decorate(
        answer: Callable[Concatenate[SandboxFeeds, str, P], Reply],
    ) -> Callable[Concatenate[SandboxFeeds, str | None, P], Reply]:
        def checked(
            feeds: SandboxFeeds, access_token: str | None, /, *args: P.args, **kwargs: P.kwargs
        ) -> Reply:
            with feeds._lock:
                scenario, refusal = feeds.sandbox.sp_call(access_token, operation)
                if scenario is None:
                    return refusal or sp_error(500, "InternalFailure", "")
                return answer(feeds, scenario.selling_partner_id, *args, **kwargs)

        return checked

    return decorate


@define
class SandboxFeeds:
    sandbox: ListingsApi
    documents: DocumentStore
    processing_time: timedelta = timedelta(0)
    _lock: threading.RLock = field(factory=threading.RLock)
    # The feed documents (input and processing reports) among the store's, by id.
    _feed_documents: set[str] = field(factory=set)
    _feeds: dict[str, _Feed] = field(factory=dict)
    _submissions: dict[tuple[str, str], list[datetime]] = field(factory=dict)
    _seq: int = 0

    # ------------------------------------------------------------------ plumbing

    def feed_ids(self) -> list[str]:
        with self._lock:
            return list(self._feeds)

    def _next(self, prefix: str) -> str:
        self._seq += 1
        return f"{prefix}{self._seq:08d}"

    # ------------------------------------------------------------------ documents

    def _feed_document(self, document_id: str, seller: str) -> Document | None:
        """One of `seller`'s feed documents; None for an unknown id, a report's document or
        another seller's, which Amazon answers alike."""
        document = self.documents.get(document_id)
        if document is None or document_id not in self._feed_documents:
            return None
        return document if document.owner == seller else None

    @_as_seller("createFeedDocument")
    def create_document(self, seller: str, raw: bytes) -> Reply:
        body = _object(raw)
        if body is None or not isinstance(body.get("contentType"), str):
            return sp_error(400, "InvalidInput", "The body needs a contentType.")
        document_id = self._next("amzn1.tortuga.4.na.doc.")
        self.documents.put(document_id, Document(seller, body["contentType"], writable=True))
        self._feed_documents.add(document_id)
        url = self.documents.url(document_id, self.sandbox.now())
        return Reply(201, {"feedDocumentId": document_id, "url": url})

    @_as_seller("getFeedDocument")
    def get_document(self, seller: str, document_id: str) -> Reply:
        if self._feed_document(document_id, seller) is None:
            return sp_error(404, "NotFound", "The feed document was not found.")
        url = self.documents.url(document_id, self.sandbox.now())
        return Reply(200, {"feedDocumentId": document_id, "url": url})

    # ------------------------------------------------------------------ feeds

    @_as_seller("createFeed")
    def create_feed(self, seller: str, raw: bytes) -> Reply:
        body = _object(raw)
        if (
            body is None
            or body.get("feedType") != FEED_TYPE
            or not isinstance(body.get("marketplaceIds"), list)
            or len(body["marketplaceIds"]) != 1
            or body["marketplaceIds"][0] not in regions.MARKETPLACES
            or not isinstance(body.get("inputFeedDocumentId"), str)
        ):
            return sp_error(
                400,
                "InvalidInput",
                f"The body needs feedType {FEED_TYPE}, one marketplaceId and inputFeedDocumentId.",
            )
        document = self._feed_document(body["inputFeedDocumentId"], seller)
        if document is None or document.content is None:
            return sp_error(400, "InvalidInput", "The input feed document was not uploaded.")
        marketplace_id = body["marketplaceIds"][0]
        region = str(regions.MARKETPLACES[marketplace_id].region)
        now = self.sandbox.now()
        key = (seller, region)
        recent = [t for t in self._submissions.get(key, []) if now - t < LISTINGS_FEED_WINDOW]
        if len(recent) >= LISTINGS_FEED_SUBMISSIONS:
            return sp_error(
                429,
                "QuotaExceeded",
                "You exceeded your quota for the requested resource.",
                f"{FEED_TYPE}: {LISTINGS_FEED_SUBMISSIONS} submissions per 5 minutes.",
            )
        self._submissions[key] = [*recent, now]
        feed_id = self._next("")
        self._feeds[feed_id] = _Feed(
            feed_id, seller, region, marketplace_id, body["inputFeedDocumentId"], now
        )
        return Reply(202, {"feedId": feed_id})

    @_as_seller("getFeed")
    def get_feed(self, seller: str, feed_id: str) -> Reply:
        feed = self._feeds.get(feed_id)
        if feed is None or feed.seller_id != seller:
            return sp_error(404, "NotFound", "The feed was not found.")
        now = self.sandbox.now()
        waiting = feed.status in ("IN_QUEUE", "IN_PROGRESS")
        if waiting and now >= feed.created_at + self.processing_time:
            self._process(feed, now)
        elif waiting and now > feed.created_at:
            feed.status = "IN_PROGRESS"
        body: dict[str, Any] = {
            "feedId": feed.feed_id,
            "feedType": FEED_TYPE,
            "marketplaceIds": [feed.marketplace_id],
            "createdTime": feed.created_at.isoformat(),
            "processingStatus": feed.status,
        }
        if feed.processed_at is not None:
            body["processingEndTime"] = feed.processed_at.isoformat()
        if feed.result_document_id is not None:
            body["resultFeedDocumentId"] = feed.result_document_id
        return Reply(200, body)

    def _process(self, feed: _Feed, now: datetime) -> None:
        """Amazon's processing: a document whose frame is wrong is FATAL, with a report
        saying why; otherwise every message is judged on its own and the report keys its
        issues by the message's `messageId`."""
        document = self.documents.get(feed.document_id)
        content = document.content if document is not None else None
        frame, fatal = read_frame(content or b"", feed.seller_id)
        if frame is None:
            self._finish(feed, now, "FATAL", fatal_report(feed.feed_id, feed.seller_id, fatal))
            return
        refused = self._refused_as_a_whole(feed)
        if refused is not None and frame.messages:
            blamed = issue(frame.messages[0], FATAL_ISSUE_CODE, refused)
            content = report(feed.feed_id, feed.seller_id, [blamed], len(frame.messages), 0)
            self._finish(feed, now, "FATAL", content)
            return
        issues: list[dict[str, Any]] = []
        accepted = 0
        for message in frame.messages:
            found = self._message(feed, message)
            issues.extend(found)
            accepted += not found
        content = report(feed.feed_id, feed.seller_id, issues, len(frame.messages), accepted)
        self._finish(feed, now, "DONE", content)

    def _refused_as_a_whole(self, feed: _Feed) -> str | None:
        scenario = self.sandbox.scenario_of(feed.seller_id)
        if scenario is None or not isinstance(self.sandbox, FaultsApi):
            return None
        return self.sandbox.feed_fault(scenario)

    def _finish(self, feed: _Feed, now: datetime, status: str, content: bytes) -> None:
        report_id = self._next("amzn1.tortuga.4.na.report.")
        self.documents.put(report_id, Document(feed.seller_id, "application/json", content))
        self._feed_documents.add(report_id)
        feed.status, feed.processed_at, feed.result_document_id = status, now, report_id

    def _message(self, feed: _Feed, message: Any) -> list[dict[str, Any]]:
        """One message applied as the Listings Items PATCH handler applies a request, or
        the issues that refuse it (nothing of a refused message is applied)."""
        refused = schema_issues(message)
        if refused:
            return refused
        patches = patches_of(message)
        changes: dict[str, Any] = {}
        found = [
            listing_issue(message, problem)
            for problem in (self.sandbox._apply_patch(p, changes) for p in patches)
            if problem is not None
        ]
        sku = message["sku"]
        refusal = self.sandbox.receive(feed.seller_id, feed.marketplace_id, sku, changes)
        if refusal is not None:
            found.append(listing_issue(message, refusal))
        if found:
            return found
        if message["operationType"] == "DELETE":
            with self.sandbox._lock:
                self.sandbox.listings.pop((feed.seller_id, feed.marketplace_id, sku), None)
            return []
        self.sandbox.keep_listing(
            feed.seller_id,
            feed.marketplace_id,
            sku,
            changes,
            str(message["productType"]),
            len(patches),
            replace=message["operationType"] == "UPDATE",
            feed_id=feed.feed_id,
        )
        return []


def _object(raw: bytes) -> dict[str, Any] | None:
    try:
        body = json.loads(raw or b"null")
    except ValueError:
        return None
    return body if isinstance(body, dict) else None
