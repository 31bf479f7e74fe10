"""The Listings Items API 2021-08-01 (listingsItems_2021-08-01.json) as sellerlink uses it.

- Marketplace setup (seed 002's "Failed to create geocompany") reads the seller's listings in
  that one marketplace (searchListingsItems, `GET /listings/2021-08-01/items/{sellerId}`): if
  Amazon will not serve the seller's data there, setup fails with Amazon's reason.
- The seller identity check asks getListingsItem for a SKU nobody has.
- Quantity and price go out as Listings Items PATCHes (`productType` PRODUCT, patches to
  `fulfillment_availability` and `purchasable_offer`); JSON_LISTINGS_FEED bulk feeds are
  feeds.py.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

import httpx

from adapters.amazon.settings import AmazonSettings, HostFamily
from adapters.amazon.sp_api import SpApiClient, first_error
from adapters.amazon.transport import Call, Transport
from application.ports import ListingResult, ListingsBatch, ListingUpdate
from domain.connection import Region
from domain.errors import ProfessionalSellingPlanRequired, SetupFailed
from domain.secret import Secret

LISTINGS_PATH = "/listings/2021-08-01/items"
# A SKU no seller has: getListingsItem on it proves whose token it is without reading data.
IDENTITY_PROBE_SKU = "sellerlink-identity-check"
LISTING_PRODUCT_TYPE = "PRODUCT"  # Amazon's product type for offer-only patches
_PLAN_WORDS = ("individual selling plan", "professional selling plan")


class ListingsItemsClient:
    def __init__(self, settings: AmazonSettings, transport: Transport, sp_api: SpApiClient) -> None:
        self._settings = settings
        self._transport = transport
        self._sp_api = sp_api

    def _listings_url(self, region: Region, selling_partner_id: str, sku: str = "") -> str:
        """Listings Items 2021-08-01: the seller's items, or one SKU's (both ids quoted)."""
        url = self._settings.base_url(HostFamily.SP_API, region)
        url += f"{LISTINGS_PATH}/{quote(selling_partner_id, safe='')}"
        return f"{url}/{quote(sku, safe='')}" if sku else url

    def confirm_selling_partner(
        self, region: Region, access_token: Secret, selling_partner_id: str, marketplace_id: str
    ) -> bool:
        """getListingsItem for a SKU nobody uses: the right seller gets 404 (no such SKU) or
        200, another seller's id gets 403. Nothing is read or changed."""
        response = self._transport.send(
            Call(
                "GET",
                self._listings_url(region, selling_partner_id, IDENTITY_PROBE_SKU),
                headers=self._sp_api.headers(access_token),
                params={"marketplaceIds": marketplace_id, "includedData": "summaries"},
                budget=self._sp_api.budget_key(region, selling_partner_id, "getListingsItem"),
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
        raise self._sp_api.refusal(response, "SP-API seller identity check")

    def set_up_marketplace(
        self, region: Region, access_token: Secret, selling_partner_id: str, marketplace_id: str
    ) -> None:
        label = "SP-API marketplace setup"
        response = self._transport.send(
            Call(
                "GET",
                self._listings_url(region, selling_partner_id),
                headers=self._sp_api.headers(access_token),
                params={"marketplaceIds": marketplace_id, "pageSize": "1"},
                budget=self._sp_api.budget_key(region, selling_partner_id, "searchListingsItems"),
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
        raise self._sp_api.refusal(response, label)

    def send_listing_updates(self, batch: ListingsBatch) -> list[ListingResult]:
        region, access_token = batch.region, batch.access_token
        selling_partner_id = batch.selling_partner_id
        results = []
        for update in batch.updates:
            patches = listing_patches(update)
            if not patches:
                results.append(ListingResult(update.sku, True, "nothing to send"))
                continue
            label = "SP-API listings update"
            response = self._transport.send(
                Call(
                    "PATCH",
                    self._listings_url(region, selling_partner_id, update.sku),
                    headers={
                        **self._sp_api.headers(access_token),
                        "Content-Type": "application/json",
                    },
                    params={"marketplaceIds": update.marketplace_id},
                    content=json.dumps({"productType": LISTING_PRODUCT_TYPE, "patches": patches}),
                    budget=self._sp_api.budget_key(region, selling_partner_id, "patchListingsItem"),
                    label=label,
                )
            )
            if response.status_code in (400, 404):
                _, message = first_error(response)
                results.append(ListingResult(update.sku, False, message))
                continue
            if not response.is_success:
                raise self._sp_api.refusal(response, label)
            results.append(_listing_result(update.sku, response))
        return results


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
