"""Selling Partner API: marketplace participations, marketplace setup, listing updates, and
the `orders` and `inventory` datasets (docs/amazon-datasets.md).

- `GET /sellers/v1/marketplaceParticipations` (AMAZON.md; sellers.json).
- Marketplace setup (seed 002's "Failed to create geocompany") reads the seller's listings in
  that one marketplace (searchListingsItems, `GET /listings/2021-08-01/items/{sellerId}`): if
  Amazon will not serve the seller's data there, setup fails with Amazon's reason.
- Quantity and price go out as Listings Items PATCHes (`productType` PRODUCT, patches to
  `fulfillment_availability` and `purchasable_offer`). JSON_LISTINGS_FEED bulk feeds are a
  later issue: they would be a second implementation of `send_listing_updates`.

Errors: `{"errors": [{"code", "message", "details"}]}`. A 401/403 is classified once
(domain/refusals.py, DESIGN §9): a 403 that names the Individual selling plan becomes
PROFESSIONAL_SELLING_PLAN_REQUIRED (Amazon serves SP-API apps only to Professional sellers;
its documentation gives no dedicated code, so the sandbox and this mapping agree on the
wording), a missing app role, restricted data or a missing permission its own code, and
a refused access token AccessTokenRejected (the caller refreshes and tries once more; a
revoked authorization then shows as invalid_grant).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

import httpx

from adapters.amazon import regions
from adapters.amazon.settings import AmazonSettings, HostFamily
from adapters.amazon.transport import Call, Transport
from application.ports import DatasetSource, ListingResult, ListingUpdate, Participation
from domain.connection import Region
from domain.errors import (
    AmazonUnavailable,
    DomainError,
    InternalError,
    ProfessionalSellingPlanRequired,
    SetupFailed,
)
from domain.grant import Channel
from domain.rate_budget import BudgetKey
from domain.records import IncomingRecord
from domain.refusals import refused_call
from domain.secret import Secret

PARTICIPATIONS_PATH = "/sellers/v1/marketplaceParticipations"
ORDERS_PATH = "/orders/v0/orders"
MAX_SYNC_PAGES = 50
INVENTORY_PATH = "/fba/inventory/v1/summaries"
MAX_INVENTORY_PAGES = 200
LISTINGS_PATH = "/listings/2021-08-01/items"
# A SKU no seller has: getListingsItem on it proves whose token it is without reading data.
IDENTITY_PROBE_SKU = "sellerlink-identity-check"
LISTING_PRODUCT_TYPE = "PRODUCT"  # Amazon's product type for offer-only patches
_PLAN_WORDS = ("individual selling plan", "professional selling plan")


def rate_key(selling_partner_id: str | None, access_token: Secret) -> str:
    """Whose bucket: the selling partner, or (unknown partner) a hash of the token."""
    if selling_partner_id:
        return selling_partner_id
    return "token:" + hashlib.sha256(access_token.reveal().encode()).hexdigest()[:16]


def first_error(response: httpx.Response) -> tuple[str, str]:
    """Amazon's error code and message (message + details), shortened; never our input."""
    try:
        errors = response.json().get("errors") or []
        error = errors[0]
        message = " ".join(str(error.get(k) or "") for k in ("message", "details")).strip()
        return str(error.get("code") or "")[:64], message[:400]
    except (ValueError, AttributeError, IndexError, TypeError, KeyError):
        return "", ""


class SpApiClient:
    def __init__(self, settings: AmazonSettings, transport: Transport) -> None:
        self._settings = settings
        self._transport = transport

    def _key(self, region: Region, partner: str, operation: str) -> BudgetKey:
        """The shared rate budget's bucket (DESIGN §11), the same one the proxy spends."""
        return BudgetKey(self._settings.sp_api_client_id, partner, str(region), operation)

    def _listings_url(self, region: Region, selling_partner_id: str, sku: str = "") -> str:
        """Listings Items 2021-08-01: the seller's items, or one SKU's (both ids quoted)."""
        url = self._settings.base_url(HostFamily.SP_API, region)
        url += f"{LISTINGS_PATH}/{quote(selling_partner_id, safe='')}"
        return f"{url}/{quote(sku, safe='')}" if sku else url

    def _headers(self, access_token: Secret) -> dict[str, str]:
        return {
            "x-amz-access-token": access_token.reveal(),
            "Accept": "application/json",
        }

    def refusal(self, response: httpx.Response, label: str) -> DomainError:
        """A refused call, classified once (domain/refusals.py): a refused access token is
        AccessTokenRejected (the caller refreshes once and retries once); a 403 Amazon
        explains (app role, restricted data, permission, selling plan) is its diagnosis."""
        code, message = first_error(response)
        context: dict[str, object] = {"amazon_status": response.status_code, "amazon_code": code}
        refused = refused_call(Channel.SP_API, response.status_code, code, message, label, context)
        if refused is not None:
            return refused
        return InternalError(
            f"{label}: Amazon refused the request ({code or response.status_code}).",
            context=context,
        )

    def marketplace_participations(
        self, region: Region, access_token: Secret, selling_partner_id: str | None
    ) -> list[Participation]:
        label = "SP-API marketplace participations"
        response = self._transport.send(
            Call(
                "GET",
                self._settings.base_url(HostFamily.SP_API, region) + PARTICIPATIONS_PATH,
                headers=self._headers(access_token),
                budget=self._key(
                    region,
                    rate_key(selling_partner_id, access_token),
                    "getMarketplaceParticipations",
                ),
                label=label,
            )
        )
        if not response.is_success:
            raise self.refusal(response, label)
        try:
            payload = response.json()["payload"]
            if not isinstance(payload, list):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            raise AmazonUnavailable(
                f"{label}: Amazon answered an unexpected body.",
                context={"amazon_status": response.status_code},
            ) from None
        in_region = regions.marketplace_ids(region)
        found = [p for p in (_participation(item) for item in payload) if p is not None]
        return [p for p in found if p.marketplace_id in in_region]

    def confirm_selling_partner(
        self, region: Region, access_token: Secret, selling_partner_id: str, marketplace_id: str
    ) -> bool:
        """getListingsItem for a SKU nobody uses: the right seller gets 404 (no such SKU) or
        200, another seller's id gets 403. Nothing is read or changed."""
        response = self._transport.send(
            Call(
                "GET",
                self._listings_url(region, selling_partner_id, IDENTITY_PROBE_SKU),
                headers=self._headers(access_token),
                params={"marketplaceIds": marketplace_id, "includedData": "summaries"},
                budget=self._key(region, selling_partner_id, "getListingsItem"),
                label="SP-API seller identity check",
            )
        )
        if response.status_code in (200, 404):
            return True
        if response.status_code == 403:
            _, message = first_error(response)
            if any(word in message.lower() for word in _PLAN_WORDS):
                raise ProfessionalSellingPlanRequired(message or None)
            return False
        raise self.refusal(response, "SP-API seller identity check")

    def set_up_marketplace(
        self, region: Region, access_token: Secret, selling_partner_id: str, marketplace_id: str
    ) -> None:
        label = "SP-API marketplace setup"
        response = self._transport.send(
            Call(
                "GET",
                self._listings_url(region, selling_partner_id),
                headers=self._headers(access_token),
                params={"marketplaceIds": marketplace_id, "pageSize": "1"},
                budget=self._key(region, selling_partner_id, "searchListingsItems"),
                label=label,
            )
        )
        if response.is_success:
            return
        if response.status_code in (400, 404):
            code, message = first_error(response)
            raise SetupFailed(
                message or None,
                context={
                    "amazon_status": response.status_code,
                    "amazon_code": code,
                    "marketplace_id": marketplace_id,
                },
            )
        raise self.refusal(response, label)

    def orders(self, source: DatasetSource, access_token: Secret) -> list[IncomingRecord]:
        """The marketplace's orders updated in [start, end): getOrders by LastUpdatedAfter/
        Before (0.0167 req/s, burst 20), page by page with NextToken. One record per order,
        keyed by AmazonOrderId, as Amazon sent it (no restricted data token is asked for, so
        Amazon sends no buyer PII)."""
        label = "SP-API orders"
        found: list[IncomingRecord] = []
        next_token: str | None = None
        for _ in range(MAX_SYNC_PAGES):
            params = {"MarketplaceIds": source.marketplace_id}
            if next_token is None:
                params |= {
                    "LastUpdatedAfter": _iso(source.start),
                    "LastUpdatedBefore": _iso(source.end),
                }
            else:
                params["NextToken"] = next_token
            payload = self._get_payload(
                ORDERS_PATH, access_token, params, "getOrders", source, label
            )
            try:
                for order in payload.get("Orders") or []:
                    found.append(
                        IncomingRecord(
                            str(order["AmazonOrderId"]),
                            _text(order),
                            _instant(order.get("LastUpdateDate")),
                        )
                    )
                next_token = payload.get("NextToken") or None
            except (KeyError, TypeError, AttributeError):
                raise AmazonUnavailable(f"{label}: Amazon answered an unexpected body.") from None
            if next_token is None:
                return found
        raise AmazonUnavailable(f"{label}: more than {MAX_SYNC_PAGES} pages in one window.")

    def inventory(self, source: DatasetSource, access_token: Secret) -> list[IncomingRecord]:
        """The FBA inventory snapshot: getInventorySummaries (2 req/s, burst 2) with
        granularityType Marketplace and details, every page; keyed by sellerSku."""
        label = "SP-API FBA inventory"
        found: list[IncomingRecord] = []
        next_token: str | None = None
        for _ in range(MAX_INVENTORY_PAGES):
            params = {
                "granularityType": "Marketplace",
                "granularityId": source.marketplace_id,
                "marketplaceIds": source.marketplace_id,
                "details": "true",
            }
            if next_token is not None:
                params["nextToken"] = next_token
            body = self._get_body(
                INVENTORY_PATH, access_token, params, "getInventorySummaries", source, label
            )
            try:
                summaries = body["payload"]["inventorySummaries"]
                for summary in summaries:
                    if summary.get("sellerSku"):
                        found.append(IncomingRecord(str(summary["sellerSku"]), _text(summary)))
                next_token = (body.get("pagination") or {}).get("nextToken") or None
            except (KeyError, TypeError, AttributeError):
                raise AmazonUnavailable(f"{label}: Amazon answered an unexpected body.") from None
            if next_token is None:
                return found
        raise AmazonUnavailable(f"{label}: more than {MAX_INVENTORY_PAGES} pages.")

    def _get_body(
        self,
        path: str,
        access_token: Secret,
        params: dict[str, str],
        operation: str,
        source: DatasetSource,
        label: str,
    ) -> Any:
        response = self._transport.send(
            Call(
                "GET",
                self._settings.base_url(HostFamily.SP_API, source.region) + path,
                headers=self._headers(access_token),
                params=params,
                budget=self._key(
                    source.region, rate_key(source.selling_partner_id, access_token), operation
                ),
                background=source.background,
                label=label,
            )
        )
        if not response.is_success:
            raise self.refusal(response, label)
        try:
            return response.json()
        except ValueError:
            raise AmazonUnavailable(f"{label}: Amazon answered an unexpected body.") from None

    def _get_payload(
        self,
        path: str,
        access_token: Secret,
        params: dict[str, str],
        operation: str,
        source: DatasetSource,
        label: str,
    ) -> Any:
        body = self._get_body(path, access_token, params, operation, source, label)
        if not isinstance(body, dict) or not isinstance(body.get("payload"), dict):
            raise AmazonUnavailable(f"{label}: Amazon answered an unexpected body.")
        return body["payload"]

    def send_listing_updates(
        self,
        region: Region,
        access_token: Secret,
        selling_partner_id: str,
        updates: Sequence[ListingUpdate],
    ) -> list[ListingResult]:
        results = []
        for update in updates:
            patches = listing_patches(update)
            if not patches:
                results.append(ListingResult(update.sku, True, "nothing to send"))
                continue
            label = "SP-API listings update"
            response = self._transport.send(
                Call(
                    "PATCH",
                    self._listings_url(region, selling_partner_id, update.sku),
                    headers={**self._headers(access_token), "Content-Type": "application/json"},
                    params={"marketplaceIds": update.marketplace_id},
                    content=json.dumps({"productType": LISTING_PRODUCT_TYPE, "patches": patches}),
                    budget=self._key(region, selling_partner_id, "patchListingsItem"),
                    label=label,
                )
            )
            if response.status_code in (400, 404):
                _, message = first_error(response)
                results.append(ListingResult(update.sku, False, message))
                continue
            if not response.is_success:
                raise self.refusal(response, label)
            results.append(_listing_result(update.sku, response))
        return results


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(payload: Any) -> str:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


def _instant(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return None


def listing_patches(update: ListingUpdate) -> list[dict[str, Any]]:
    patches: list[dict[str, Any]] = []
    if update.quantity is not None:
        patches.append(
            {
                "op": "replace",
                "path": "/attributes/fulfillment_availability",
                "value": [{"fulfillment_channel_code": "DEFAULT", "quantity": update.quantity}],
            }
        )
    if update.price_amount is not None and update.price_currency is not None:
        try:
            amount = float(Decimal(update.price_amount))
        except InvalidOperation:
            amount = -1.0
        patches.append(
            {
                "op": "replace",
                "path": "/attributes/purchasable_offer",
                "value": [
                    {
                        "marketplace_id": update.marketplace_id,
                        "currency": update.price_currency,
                        "our_price": [{"schedule": [{"value_with_tax": amount}]}],
                    }
                ],
            }
        )
    return patches


def _listing_result(sku: str, response: httpx.Response) -> ListingResult:
    try:
        body = response.json()
        status = str(body.get("status", ""))
        issues = body.get("issues") or []
    except (ValueError, AttributeError):
        return ListingResult(sku, False, "Amazon answered an unexpected body.")
    errors = [i for i in issues if isinstance(i, dict) and i.get("severity") == "ERROR"]
    message = "; ".join(str(i.get("message", ""))[:200] for i in errors)
    return ListingResult(sku, status == "ACCEPTED" and not errors, message)


def _participation(item: Any) -> Participation | None:
    try:
        marketplace = item["marketplace"]
        participation = item["participation"]
        return Participation(
            marketplace_id=str(marketplace["id"]),
            name=str(marketplace["name"]),
            country_code=str(marketplace["countryCode"]),
            currency_code=str(marketplace["defaultCurrencyCode"]),
            participating=bool(participation["isParticipating"]),
            has_suspended_listings=bool(participation["hasSuspendedListings"]),
            store_name=str(item.get("storeName") or ""),
        )
    except (KeyError, TypeError):
        return None
