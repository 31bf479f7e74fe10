"""The Listings Items API (2021-08-01) in the sandbox: search, get and patch
(models/listingsItems_2021-08-01.json). Marketplace setup reads searchListingsItems, so
failing-marketplace-seller's setup failures are counted and answered here."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from adapters.amazon import regions
from adapters.amazon.sandbox import listing_items
from adapters.amazon.sandbox.core import SandboxCore
from adapters.amazon.sandbox.replies import Reply, json_reply, sp_error
from adapters.amazon.sandbox.scenarios import ALWAYS, Scenario

# The largest quantity a listing takes: Amazon documents none in the models; a 32-bit count
# (UNCONFIRMED), so that absurd values are refused per message as Amazon refuses them.
MAX_QUANTITY = 2**31 - 1
PATCH_INCLUDED = ("identifiers", "issues")
# The record fields an attribute sets, cleared when the attribute is deleted.
_READ_FROM = {"fulfillment_availability": ("quantity",), "purchasable_offer": ("price",)}
Query = Mapping[str, str | None]


def _price(amount: Any) -> str | None:
    """A JSON number as a price of two decimals, or None unless finite and above zero."""
    if isinstance(amount, bool) or not isinstance(amount, int | float):
        return None
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return None
    return str(value) if value.is_finite() and value > 0 else None


class ListingsApi(SandboxCore):
    def reset(self) -> None:
        super().reset()
        with self._lock:
            self.listings: dict[tuple[str, str, str], dict[str, Any]] = {}
            self.setup_attempts: Counter[tuple[str, str]] = Counter()
            # Every SKU message received, PATCH or feed: (seller, marketplace, sku, changes).
            self.received: list[tuple[str, str, str, dict[str, Any]]] = []
            # SKU -> the message Amazon refuses it with (e.g. not in the catalogue).
            self.refused_skus: dict[str, str] = {}

    def listing_state(self, selling_partner_id: str | None) -> list[dict[str, Any]]:
        with self._lock:
            return [
                dict(value)
                for (seller, _, _), value in sorted(self.listings.items())
                if selling_partner_id in (None, seller)
            ]

    def _listings_call(
        self, access_token: str | None, seller_id: str, query: Query, operation: str
    ) -> tuple[Scenario, str, dict[str, str]] | Reply:
        """What every Listings Items operation checks first: the token (`sp_call`), that
        `sellerId` is the partner who authorized it, and one marketplace the seller is
        registered in. The scenario, marketplace id and rate header, or the refusal."""
        scenario, error = self.sp_call(access_token, operation)
        if error is not None or scenario is None:
            return error or sp_error(500, "InternalFailure", "")
        headers = self.rate_header(operation)
        if seller_id != scenario.selling_partner_id:
            return sp_error(
                403,
                "Unauthorized",
                "Access to requested resource is denied.",
                "The sellerId does not match the selling partner who authorized this token.",
            )
        ids = [m for m in (query.get("marketplaceIds") or "").split(",") if m]
        if len(ids) != 1 or ids[0] not in regions.MARKETPLACES:
            return sp_error(
                400,
                "InvalidInput",
                "Invalid input: marketplaceIds must name one marketplace.",
                **headers,
            )
        code = regions.MARKETPLACES[ids[0]].code
        if code not in scenario.participations:
            return sp_error(
                400,
                "InvalidInput",
                f"The seller is not registered in marketplace {ids[0]}.",
                **headers,
            )
        return scenario, ids[0], headers

    def search_listings(self, access_token: str | None, seller_id: str, query: Query) -> Reply:
        """`GET /listings/2021-08-01/items/{sellerId}` (searchListingsItems): sellerlink's
        marketplace setup reads it. failing-marketplace-seller's setup failures are counted
        per (seller, marketplace) and answered as Amazon answers an unusable marketplace."""
        checked = self._listings_call(access_token, seller_id, query, "searchListingsItems")
        if isinstance(checked, Reply):
            return checked
        scenario, marketplace_id, headers = checked
        code = regions.MARKETPLACES[marketplace_id].code
        with self._lock:
            self.setup_attempts[(seller_id, marketplace_id)] += 1
            attempt = self.setup_attempts[(seller_id, marketplace_id)]
        failures = scenario.setup_failures.get(code, 0)
        if failures == ALWAYS or attempt <= failures:
            # Seed 002's words for a marketplace whose setup failed.
            return sp_error(
                400, "InvalidInput", f"Failed to create geocompany for {code}", **headers
            )
        try:
            sections = listing_items.included(query.get("includedData"))
            size = listing_items.page_size(query.get("pageSize"))
            field, descending = listing_items.sort_key(query.get("sortBy"), query.get("sortOrder"))
            asked = (seller_id, marketplace_id, field, str(descending), str(size))
            offset = listing_items.read_page_token(query.get("pageToken"), asked)
        except listing_items.BadQuery as bad:
            return sp_error(400, "InvalidInput", str(bad), **headers)
        with self._lock:
            records = [
                dict(record)
                for (seller, mid, _), record in self.listings.items()
                if seller == seller_id and mid == marketplace_id
            ]
        # Ties (same time) in SKU order, whichever way the sort goes.
        records.sort(key=lambda r: r["sku"])
        records.sort(key=lambda r: r[field], reverse=descending)
        vendor = scenario.account_type == "vendor"
        body: dict[str, Any] = {
            "numberOfResults": len(records),
            "items": [
                listing_items.item(r, sections, vendor) for r in records[offset : offset + size]
            ],
        }
        pagination = {}
        if offset + size < len(records):
            pagination["nextToken"] = listing_items.page_token(offset + size, asked)
        if offset > 0:
            pagination["previousToken"] = listing_items.page_token(max(offset - size, 0), asked)
        if pagination:
            body["pagination"] = pagination
        return json_reply(200, body, **headers)

    def get_listing(
        self, access_token: str | None, seller_id: str, sku: str, query: Query
    ) -> Reply:
        """`GET /listings/2021-08-01/items/{sellerId}/{sku}` (getListingsItem): Amazon's
        `Item` with the sections `includedData` asks for; 403 for a seller id the token was
        not authorized by, 404 for an unknown SKU."""
        checked = self._listings_call(access_token, seller_id, query, "getListingsItem")
        if isinstance(checked, Reply):
            return checked
        scenario, marketplace_id, headers = checked
        try:
            sections = listing_items.included(query.get("includedData"))
        except listing_items.BadQuery as bad:
            return sp_error(400, "InvalidInput", str(bad), **headers)
        with self._lock:
            record = self.listings.get((seller_id, marketplace_id, sku))
            shown = None if record is None else dict(record)
        if shown is None:
            return sp_error(404, "NOT_FOUND", f"SKU '{sku}' not found in marketplace.", **headers)
        vendor = scenario.account_type == "vendor"
        return json_reply(200, listing_items.item(shown, sections, vendor), **headers)

    def listing_item(
        self, seller_id: str, marketplace_id: str, sku: str, sections: tuple[str, ...]
    ) -> dict[str, Any] | None:
        """What getListingsItem shows, without a call (for the in-process test helpers)."""
        with self._lock:
            record = self.listings.get((seller_id, marketplace_id, sku))
            return None if record is None else listing_items.item(dict(record), sections)

    def patch_listing(
        self, access_token: str | None, seller_id: str, sku: str, query: Query, raw_body: bytes
    ) -> Reply:
        """`PATCH /listings/2021-08-01/items/{sellerId}/{sku}`: records what it received and
        keeps the resulting listing per (seller, marketplace, sku); `mode=VALIDATION_PREVIEW`
        checks without changing anything (status VALID)."""
        checked = self._listings_call(access_token, seller_id, query, "patchListingsItem")
        if isinstance(checked, Reply):
            return checked
        _, marketplace_id, headers = checked
        mode = query.get("mode")
        try:
            listing_items.included(query.get("includedData") or "issues", PATCH_INCLUDED)
            if mode not in (None, "VALIDATION_PREVIEW"):
                raise listing_items.BadQuery("mode is VALIDATION_PREVIEW or absent.")
        except listing_items.BadQuery as bad:
            return sp_error(400, "InvalidInput", str(bad), **headers)
        try:
            body = json.loads(raw_body or b"null")
        except (ValueError, RecursionError):
            return sp_error(400, "InvalidInput", "The request body is not valid JSON.", **headers)
        if (
            not isinstance(body, dict)
            or not isinstance(body.get("productType"), str)
            or not isinstance(body.get("patches"), list)
            or not body["patches"]
        ):
            return sp_error(
                400, "InvalidInput", "The body needs productType and patches.", **headers
            )
        issues: list[dict[str, Any]] = []
        changes: dict[str, Any] = {}
        for patch in body["patches"]:
            issue = self._apply_patch(patch, changes)
            if issue is not None:
                issues.append(issue)
        submission_id = uuid.uuid4().hex
        if mode == "VALIDATION_PREVIEW":
            status = "INVALID" if issues else "VALID"
            answer = {"sku": sku, "status": status, "submissionId": submission_id}
            return json_reply(200, {**answer, "issues": issues}, **headers)
        refusal = self.receive(seller_id, marketplace_id, sku, changes)
        if refusal is not None:
            issues.append(refusal)
        if issues:
            return json_reply(
                200,
                {"sku": sku, "status": "INVALID", "submissionId": submission_id, "issues": issues},
                **headers,
            )
        self.keep_listing(
            seller_id, marketplace_id, sku, changes, body["productType"], len(body["patches"])
        )
        return json_reply(
            200,
            {"sku": sku, "status": "ACCEPTED", "submissionId": submission_id, "issues": []},
            **headers,
        )

    def keep_listing(
        self,
        seller_id: str,
        marketplace_id: str,
        sku: str,
        changes: dict[str, Any],
        product_type: str,
        patches: int,
        *,
        replace: bool = False,
        **extra: Any,
    ) -> None:
        """An accepted submission (PATCH or feed message) applied to the listing; `replace`
        (a feed's UPDATE) first drops every attribute the submission does not carry."""
        now = self.now()
        with self._lock:
            record = self.listings.setdefault(
                (seller_id, marketplace_id, sku),
                listing_items.new_record(seller_id, marketplace_id, sku, now),
            )
            if replace:
                record.update(attributes={}, quantity=None, price=None)
            listing_items.apply_changes(record, changes, product_type, patches, now)
            record.update(extra)

    def receive(
        self, seller_id: str, marketplace_id: str, sku: str, changes: dict[str, Any]
    ) -> dict[str, Any] | None:
        """Records one SKU message; the issue Amazon raises for a refused SKU, if any."""
        with self._lock:
            self.received.append((seller_id, marketplace_id, sku, dict(changes)))
            refusal = self.refused_skus.get(sku)
        if refusal is None:
            return None
        return {
            "code": "8541",
            "message": refusal,
            "severity": "ERROR",
            "attributeNames": [],
            "categories": [],
        }

    def _apply_patch(self, patch: Any, changes: dict[str, Any]) -> dict[str, Any] | None:
        def issue(
            message: str, attribute: str, category: str = "INVALID_ATTRIBUTE"
        ) -> dict[str, Any]:
            return {
                "code": "90220",
                "message": message,
                "severity": "ERROR",
                "attributeNames": [attribute],
                "categories": [category],
            }

        if not isinstance(patch, dict) or patch.get("op") not in (
            "add",
            "replace",
            "delete",
            "merge",
        ):
            return issue("Each patch needs an op of add, replace, merge or delete.", "patches")
        path = patch.get("path")
        if not isinstance(path, str) or not path.startswith("/attributes/"):
            return issue("Each patch needs a path /attributes/<name>.", "patches")
        attribute = path.removeprefix("/attributes/").split("/", 1)[0]
        value: Any = patch.get("value")
        if patch["op"] != "delete" and not isinstance(value, list):
            return issue(f"'{attribute}' needs a list of values.", attribute)
        changes.setdefault("attributes", {})[attribute] = None if patch["op"] == "delete" else value
        if patch["op"] == "delete":
            changes.update(dict.fromkeys(_READ_FROM.get(attribute, ())))
            return None
        if attribute == "fulfillment_availability":
            try:
                quantity = value[0]["quantity"]
            except (TypeError, KeyError, IndexError):
                return issue("fulfillment_availability needs a quantity.", attribute)
            if (
                not isinstance(quantity, int)
                or isinstance(quantity, bool)
                or not 0 <= quantity <= MAX_QUANTITY
            ):
                return issue(
                    f"'quantity' must be a whole number from 0 to {MAX_QUANTITY}.", attribute
                )
            changes["quantity"] = quantity
            return None
        if attribute == "purchasable_offer":
            try:
                offer = value[0]
                amount = offer["our_price"][0]["schedule"][0]["value_with_tax"]
                currency = offer["currency"]
            except (TypeError, KeyError, IndexError):
                return issue(
                    "purchasable_offer needs currency and our_price.", attribute, "MISSING_PRICE"
                )
            price = _price(amount)
            if price is None:
                return issue(
                    "'our_price' must be a number greater than zero.", attribute, "INVALID_PRICE"
                )
            if not isinstance(currency, str) or len(currency) != 3:
                return issue(
                    "'currency' must be an ISO 4217 currency code.", attribute, "INVALID_PRICE"
                )
            changes["price"] = {"amount": price, "currency": currency}
            return None
        return None
