"""Selling Partner API: marketplace participations, marketplace setup, listing updates, and
the one call every dataset window makes (`window_call`: orders.py, inventory.py, reports.py).

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
from domain.refusals import refused_call
from domain.secret import Secret

PARTICIPATIONS_PATH = "/sellers/v1/marketplaceParticipations"
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
        self, region: Region, access_token: Secret, selling_partner_id: str | None = None
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

    def window_call(
        self,
        source: DatasetSource,
        method: str,
        path: str,
        access_token: Secret,
        operation: str,
        *,
        params: dict[str, str] | None = None,
        content: str | None = None,
        label: str = "",
    ) -> Any:
        """One call of a dataset window (orders, inventory, reports) on its seller's rate
        budget (a history window's calls spend only what the latest windows leave); Amazon's
        JSON answer, or the refusal classified once. `label` names the call in errors."""
        label = label or f"SP-API {operation}"
        headers = self._headers(access_token)
        if content is not None:
            headers["Content-Type"] = "application/json"
        response = self._transport.send(
            Call(
                method,
                self._settings.base_url(HostFamily.SP_API, source.region) + path,
                headers=headers,
                params=params,
                content=content,
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


def amazon_time(moment: datetime) -> str:
    """A moment as SP-API's query parameters and report bodies take it (ISO 8601, UTC)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def record_text(payload: Any) -> str:
    """A record's text as kept: Amazon's JSON, compact."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


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
