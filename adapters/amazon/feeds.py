"""The Feeds API (2021-06-30) client for `JSON_LISTINGS_FEED` (AMAZON.md).

submit: createFeedDocument -> PUT the document to the returned URL -> createFeed;
report: getFeed, and once DONE, getFeedDocument -> GET the processing report, read back per
SKU (adapters/amazon/listings_feed.py).

AMAZON.md: this feed type allows 5 submissions per 5 minutes per region. The client keeps
that window itself and raises RATE_LIMITED before a sixth submission rather than spending
the transport's retry budget on 429s that cannot succeed for minutes.

What each feed held (the SKU behind each messageId) is remembered here, because the
processing report keys its issues by messageId; a feed whose SKUs this process does not know
(a restart between submission and report) is read back with the SKUs the report itself
names, and the use case treats an unnamed SKU as accepted (no ERROR issue). A FATAL feed's
report is read for its reasons.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from urllib.parse import quote

import httpx
import msgspec

from adapters.amazon.feed_schema import message_problems
from adapters.amazon.listings_feed import (
    CONTENT_TYPE,
    FEED_TYPE,
    FeedDocumentInvalid,
    build_document,
    message_skus,
    read_report,
    report_problems,
)
from adapters.amazon.settings import AmazonSettings, HostFamily
from adapters.amazon.sp_api import first_error
from adapters.amazon.transport import Call, Transport
from application.ports import (
    FeedReport,
    FeedStatus,
    ListingResult,
    ListingsBatch,
    ListingUpdate,
)
from domain.connection import Region
from domain.errors import DomainError, InternalError, RateLimited
from domain.grant import Channel
from domain.listing_batch import FEED_SUBMISSION_WINDOW, FEED_SUBMISSIONS_PER_WINDOW
from domain.refusals import refused_call
from domain.secret import Secret

FEEDS_PATH = "/feeds/2021-06-30"


class FeedsClient:
    def __init__(
        self,
        settings: AmazonSettings,
        transport: Transport,
        clock: Callable[[], datetime],
    ) -> None:
        self._settings = settings
        self._transport = transport
        self._clock = clock
        self._lock = threading.Lock()
        self._submitted: dict[tuple[str, str], list[datetime]] = {}
        self._skus: dict[str, dict[int, str]] = {}
        # SKUs whose message broke Amazon's schema: never sent, reported with the feed.
        self._refused: dict[str, list[ListingResult]] = {}

    def submit_listings_feed(self, batch: ListingsBatch, marketplace_id: str) -> str:
        region, access_token = batch.region, batch.access_token
        selling_partner_id = batch.selling_partner_id
        updates, refused = _checked(selling_partner_id, batch.updates)
        if not updates:
            raise InternalError(
                "Listings feed not sent: no message passes Amazon's schema ("
                + "; ".join(f"{r.sku}: {r.message}" for r in refused[:3])
                + ")."
            )
        try:
            document = build_document(selling_partner_id, updates)
        except FeedDocumentInvalid as bad:
            raise InternalError(f"Listings feed not built: {bad}") from bad
        self._take_submission(selling_partner_id, region)
        base = self._settings.base_url(HostFamily.SP_API, region)
        created = self._json(
            "POST",
            f"{base}{FEEDS_PATH}/documents",
            access_token,
            "createFeedDocument",
            expected=(200, 201),
            body={"contentType": CONTENT_TYPE},
        )
        upload = self._transport.send(
            Call(
                "PUT",
                str(created["url"]),  # absolute and pre-signed: no SP-API headers
                headers={"Content-Type": CONTENT_TYPE},
                content=document,
                label="Feed document upload",
            )
        )
        if not upload.is_success:
            raise InternalError(f"Feed document upload refused ({upload.status_code}).")
        feed = self._json(
            "POST",
            f"{base}{FEEDS_PATH}/feeds",
            access_token,
            "createFeed",
            expected=(202,),
            body={
                "feedType": FEED_TYPE,
                "marketplaceIds": [marketplace_id],
                "inputFeedDocumentId": created["feedDocumentId"],
            },
        )
        feed_id = str(feed["feedId"])
        with self._lock:
            self._skus[feed_id] = message_skus(updates)
            if refused:
                self._refused[feed_id] = refused
        return feed_id

    def listings_feed_report(
        self, region: Region, access_token: Secret, feed_id: str
    ) -> FeedReport:
        base = self._settings.base_url(HostFamily.SP_API, region)
        feed = self._json(
            "GET", f"{base}{FEEDS_PATH}/feeds/{quote(feed_id, safe='')}", access_token, "getFeed"
        )
        status = FeedStatus.read(str(feed.get("processingStatus", "")))
        result_id = feed.get("resultFeedDocumentId")
        if status not in (FeedStatus.DONE, FeedStatus.FATAL) or not result_id:
            if not status.finished:
                return FeedReport(feed_id, status)
            with self._lock:
                self._skus.pop(feed_id, None)
                refused = self._refused.pop(feed_id, [])
            return FeedReport(feed_id, status, tuple(refused))
        content = self._result_document(base, access_token, str(result_id))
        with self._lock:
            skus = self._skus.pop(feed_id, None)
            refused = self._refused.pop(feed_id, [])
        if status is FeedStatus.FATAL:
            # Amazon's report says why the document as a whole was refused; the messages it
            # names are refused, the rest were never judged (the use case sends them again).
            reasons = report_problems(content)
            named = [r for r in _named(content, skus or {}) if not r.accepted]
            return FeedReport(
                feed_id, status, tuple(named + refused), message="; ".join(reasons)[:500]
            )
        try:
            results = read_report(content, skus or {})
        except FeedDocumentInvalid as bad:
            return FeedReport(feed_id, FeedStatus.FATAL, tuple(refused), message=str(bad))
        return FeedReport(feed_id, FeedStatus.DONE, tuple(results + refused))

    def _result_document(self, base: str, access_token: Secret, document_id: str) -> bytes:
        """getFeedDocument, then the document itself from Amazon's (pre-signed) URL."""
        document = self._json(
            "GET",
            f"{base}{FEEDS_PATH}/documents/{quote(document_id, safe='')}",
            access_token,
            "getFeedDocument",
        )
        report = self._transport.send(
            Call(
                "GET",
                str(document["url"]),
                label="Feed processing report download",
            )
        )
        if not report.is_success:
            raise InternalError(f"Processing report download refused ({report.status_code}).")
        return report.content

    # ------------------------------------------------------------------ internals

    def _take_submission(self, selling_partner_id: str, region: Region) -> None:
        now = self._clock()
        key = (selling_partner_id, str(region))
        with self._lock:
            recent = [t for t in self._submitted.get(key, []) if now - t < FEED_SUBMISSION_WINDOW]
            if len(recent) >= FEED_SUBMISSIONS_PER_WINDOW:
                raise RateLimited(
                    f"{FEED_TYPE}: {FEED_SUBMISSIONS_PER_WINDOW} submissions per 5 minutes "
                    f"in {region} are used up; the rest goes when the window renews.",
                    context={"operation": "createFeed"},
                )
            self._submitted[key] = [*recent, now]

    def _headers(self, access_token: Secret) -> dict[str, str]:
        return {
            "x-amz-access-token": access_token.reveal(),
            "Accept": "application/json",
            "Content-Type": "application/json",
        }

    def _json(
        self,
        method: str,
        url: str,
        access_token: Secret,
        operation: str,
        *,
        expected: tuple[int, ...] = (200,),
        body: dict[str, object] | None = None,
    ) -> dict[str, object]:
        """A Feeds API call with the access token: Amazon's JSON answer, or its refusal."""
        call = Call(
            method,
            url,
            headers=self._headers(access_token),
            content=None if body is None else json.dumps(body),
            label=f"SP-API {operation}",
        )
        response = self._transport.send(call)
        if response.status_code not in expected:
            raise self._refusal(response, call.label)
        try:
            body = response.json()
        except ValueError as bad:
            raise InternalError(f"{call.label}: Amazon answered an unexpected body.") from bad
        if not isinstance(body, dict):
            raise InternalError(f"{call.label}: Amazon answered an unexpected body.")
        return body

    def _refusal(self, response: httpx.Response, label: str) -> DomainError:
        code, message = first_error(response)
        context: dict[str, object] = {"amazon_status": response.status_code, "amazon_code": code}
        refused = refused_call(Channel.SP_API, response.status_code, code, message, label, context)
        if refused is not None:
            return refused
        if response.status_code == 429:
            return RateLimited(f"{label}: Amazon's quota is used up.", context=context)
        return InternalError(
            f"{label}: Amazon refused the request ({code or response.status_code}).",
            context=context,
        )


def _named(report: bytes, skus: dict[int, str]) -> list[ListingResult]:
    """The SKUs a report's ERROR issues name (by messageId, or by sku), refused."""
    try:
        return [r for r in read_report(report, skus) if not r.accepted]
    except FeedDocumentInvalid:
        return []


def _checked(
    seller_id: str, updates: Sequence[ListingUpdate]
) -> tuple[list[ListingUpdate], list[ListingResult]]:
    """Each message checked against Amazon's JSON_LISTINGS_FEED schema before sending:
    one that breaks it is refused on its own SKU, never sent, so it cannot
    spoil the feed for the others."""
    try:
        document = msgspec.json.decode(build_document(seller_id, updates))
    except FeedDocumentInvalid as bad:
        raise InternalError(f"Listings feed not built: {bad}") from bad
    kept: list[ListingUpdate] = []
    refused: list[ListingResult] = []
    for update, message in zip(updates, document["messages"], strict=True):
        problems = message_problems(message)
        if problems:
            text = "not sent: Amazon's feed schema refuses it (" + "; ".join(problems) + ")"
            refused.append(ListingResult(update.sku, False, text[:500]))
        else:
            kept.append(update)
    return kept, refused
