"""Amazon Ads in the sandbox: `GET /v2/profiles` and Sponsored Products
`POST /sp/campaigns/list` (AMAZON.md; adapters/amazon/ADS_FACTS.md)."""

from __future__ import annotations

import json
from typing import Any

from adapters.amazon import regions
from adapters.amazon.sandbox.core import ADS, SandboxCore
from adapters.amazon.sandbox.replies import Reply, ads_error, json_reply
from adapters.amazon.sandbox.scenarios import TIMEZONES, Scenario

SP_CAMPAIGN_MEDIA_TYPE = "application/vnd.spCampaign.v3+json"
CAMPAIGN_START = "2025-06-01"


class AdsApi(SandboxCore):
    def reset(self) -> None:
        super().reset()
        with self._lock:
            # Profile ids whose campaigns were all paused (seed 002's warning), on top of
            # the scenarios that have no active campaign at all.
            self.paused_profiles: set[str] = set()

    def profiles(self, authorization: str | None, client_id_header: str | None) -> Reply:
        """`GET /v2/profiles` (AMAZON.md)."""
        token = (authorization or "").removeprefix("Bearer ").strip()
        record = self._access(token, ADS)
        if record is None:
            return json_reply(
                401, {"code": "UNAUTHORIZED", "details": "Not authorized to access this advertiser"}
            )
        if client_id_header != record.client_id:
            return json_reply(
                401, {"code": "UNAUTHORIZED", "details": "Invalid Amazon-Advertising-API-ClientId"}
            )
        scenario = self.scenarios[record.scenario]
        body = []
        for code in scenario.profiles:
            info = regions.MARKETPLACES_BY_CODE[code]
            account: dict[str, Any] = {
                "marketplaceStringId": info.id,
                "id": scenario.ads_account_id,
                "type": scenario.account_type,
                "name": scenario.account_name,
            }
            if scenario.account_type == "vendor":
                account["validPaymentMethod"] = True
            body.append(
                {
                    "profileId": scenario.profile_id(code),
                    "countryCode": code,
                    "currencyCode": info.currency,
                    "dailyBudget": 0,
                    "timezone": TIMEZONES.get(code, "UTC"),
                    "accountInfo": account,
                }
            )
        return json_reply(200, body)

    def sp_campaigns(
        self,
        authorization: str | None,
        client_id_header: str | None,
        scope_header: str | None,
        raw_body: bytes,
        content_type: str | None = None,
        accept: str | None = None,
    ) -> Reply:
        """`POST /sp/campaigns/list` (Sponsored Products v3), scoped to one profile by
        `Amazon-Advertising-API-Scope`. The body is optional (every filter is); the media
        type is `application/vnd.spCampaign.v3+json`. The sandbox's campaigns are all
        ENABLED, one per profile, except a scenario without active campaigns or a profile
        whose campaigns were paused; `stateFilter` and `maxResults` are honoured."""
        token = (authorization or "").removeprefix("Bearer ").strip()
        record = self._access(token, ADS)
        if record is None or client_id_header != record.client_id:
            return ads_error(401, "UNAUTHORIZED", "Not authorized to access this advertiser")
        scenario = self.scenarios[record.scenario]
        codes = {str(scenario.profile_id(code)): code for code in scenario.profiles}
        if not scope_header:
            # AMAZON.md: a missing Scope header is 401.
            return ads_error(401, "UNAUTHORIZED", "Amazon-Advertising-API-Scope is required")
        if scope_header not in codes:
            # AMAZON.md: a scope the user may not access is 401 as well.
            return ads_error(401, "UNAUTHORIZED", "Not authorized to access this profile")
        media = (content_type or SP_CAMPAIGN_MEDIA_TYPE).split(";")[0].strip()
        if raw_body and media not in (SP_CAMPAIGN_MEDIA_TYPE, "application/json"):
            return ads_error(415, "UNSUPPORTED_MEDIA_TYPE", f"Use {SP_CAMPAIGN_MEDIA_TYPE}")
        try:
            body: Any = json.loads(raw_body) if raw_body.strip() else {}
        except ValueError:
            return ads_error(400, "INVALID_ARGUMENT", "Malformed request")
        if not isinstance(body, dict):
            return ads_error(400, "INVALID_ARGUMENT", "Malformed request")
        state_filter = body.get("stateFilter")
        states = state_filter.get("include") if isinstance(state_filter, dict) else None
        states = states if isinstance(states, list) else ["ENABLED", "PAUSED", "ARCHIVED"]
        limit = body.get("maxResults", 1000)
        if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 1000:
            return ads_error(400, "INVALID_ARGUMENT", "maxResults must be 1..1000")
        campaigns = [
            c
            for c in self.campaigns_of(scenario, scope_header, codes[scope_header])
            if c["state"] in states
        ]
        answer_type = SP_CAMPAIGN_MEDIA_TYPE if accept != "application/json" else accept
        return Reply(
            200,
            {"campaigns": campaigns[:limit], "totalResults": len(campaigns)},
            {"Content-Type": answer_type},
        )

    def campaigns_of(self, scenario: Scenario, profile_id: str, code: str) -> list[dict[str, Any]]:
        """The profile's Sponsored Products campaigns (v3 shape: budget and startDate)."""
        if not scenario.profiles:
            return []
        paused = not scenario.active_campaigns or profile_id in self.paused_profiles
        return [
            {
                "campaignId": f"{profile_id}01",
                "name": f"{scenario.account_name} {code}",
                "state": "PAUSED" if paused else "ENABLED",
                "targetingType": "AUTO",
                "budget": {"budget": 25.0, "budgetType": "DAILY"},
                "startDate": CAMPAIGN_START,
                "dynamicBidding": {"strategy": "LEGACY_FOR_SALES"},
            }
        ]
