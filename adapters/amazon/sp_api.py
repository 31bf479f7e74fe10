"""Selling Partner API: what every SP-API call shares (headers, the rate budget's bucket,
refusals classified once), the Sellers API's marketplace participations
(`GET /sellers/v1/marketplaceParticipations`, AMAZON.md; sellers.json), and the calls of a
sync's dataset window (`window_call`, `every_page`: orders.py, inventory.py, reports.py).
The Listings Items API is listings_items.py, the Feeds API feeds.py.

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
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
from attrs import frozen

from adapters.amazon import regions
from adapters.amazon.settings import AmazonSettings, HostFamily
from adapters.amazon.transport import Call, Transport
from application.ports import DatasetSource, Participation
from domain.connection import Region
from domain.errors import (
    AmazonUnavailable,
    DomainError,
    InternalError,
)
from domain.grant import Channel
from domain.rate_budget import BudgetKey
from domain.records import IncomingRecord
from domain.refusals import refused_call
from domain.secret import Secret

PARTICIPATIONS_PATH = "/sellers/v1/marketplaceParticipations"


@frozen
class PagedDataset:
    """A dataset Amazon hands out page by page (orders.py, inventory.py): where and how
    its pages are asked for, and how a page's body reads."""

    path: str
    operation: str
    label: str  # names the call in errors
    max_pages: int
    # The query of a page: the first (next_token None) or the one after `next_token`.
    params: Callable[[DatasetSource, str | None], dict[str, str]]
    # A page's records and the token of the next page (None on the last); KeyError,
    # TypeError or AttributeError on a body not shaped as the model says.
    read: Callable[[Any], tuple[list[IncomingRecord], str | None]]


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

    def budget_key(self, region: Region, partner: str, operation: str) -> BudgetKey:
        """The shared rate budget's bucket (DESIGN §11), the same one the proxy spends."""
        return BudgetKey(self._settings.sp_api_client_id, partner, str(region), operation)

    def headers(self, access_token: Secret) -> dict[str, str]:
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
                headers=self.headers(access_token),
                budget=self.budget_key(
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
        headers = self.headers(access_token)
        if content is not None:
            headers["Content-Type"] = "application/json"
        response = self._transport.send(
            Call(
                method,
                self._settings.base_url(HostFamily.SP_API, source.region) + path,
                headers=headers,
                params=params,
                content=content,
                budget=self.budget_key(
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

    def every_page(
        self, dataset: PagedDataset, source: DatasetSource, access_token: Secret
    ) -> list[IncomingRecord]:
        """A dataset window read page by page, each page asked with the token the last one
        gave, until Amazon gives none; a body not shaped as the model says, or more pages
        than `max_pages`, is AmazonUnavailable (the window is asked again later)."""
        found: list[IncomingRecord] = []
        next_token: str | None = None
        for _ in range(dataset.max_pages):
            body = self.window_call(
                source,
                "GET",
                dataset.path,
                access_token,
                dataset.operation,
                params=dataset.params(source, next_token),
                label=dataset.label,
            )
            try:
                records, next_token = dataset.read(body)
            except (KeyError, TypeError, AttributeError):
                raise AmazonUnavailable(
                    f"{dataset.label}: Amazon answered an unexpected body."
                ) from None
            found += records
            if next_token is None:
                return found
        raise AmazonUnavailable(
            f"{dataset.label}: more than {dataset.max_pages} pages in one window."
        )


def amazon_time(moment: datetime) -> str:
    """A moment as SP-API's query parameters and report bodies take it (ISO 8601, UTC)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def record_text(payload: Any) -> str:
    """A record's text as kept: Amazon's JSON, compact."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


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
