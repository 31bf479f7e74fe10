"""The sandbox's in-memory Amazon: codes, tokens, rate limits, faults, listings, request log.

Everything Amazon decides lives here, independent of the web framework: `app.py` only turns
HTTP requests into calls on `Sandbox` and `Reply`s back into responses. All state is
resettable (`reset()`), except the clock, which never runs backwards.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import random
import secrets
import threading
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

from attrs import define, field, frozen

from adapters.amazon import regions
from adapters.amazon.rate_limit import RATE_PLANS, TokenBucket
from adapters.amazon.sandbox.clock import SandboxClock
from adapters.amazon.sandbox.scenarios import ALWAYS, SCENARIOS, TIMEZONES, Scenario
from adapters.amazon.settings import AmazonSettings
from domain.grant import Channel

CODE_LIFETIME = timedelta(minutes=5)  # AMAZON.md: spapi_oauth_code valid 5 minutes
ACCESS_TOKEN_SECONDS = 3600  # AMAZON.md: access tokens last 3600 s
SP_API_AUTHORIZATION_LIFETIME = timedelta(days=365)  # AMAZON.md: public apps, 365 days
ADS_SCOPE = "advertising::campaign_management"

# Field names whose values never reach the request log in plain text.
SECRET_FIELDS = frozenset(
    {
        "code",
        "spapi_oauth_code",
        "refresh_token",
        "access_token",
        "client_secret",
        "code_verifier",
        "authorization",
        "x-amz-access-token",
    }
)

SP_API, ADS = "sp_api", "ads"


@frozen
class Reply:
    """What the sandbox answers: status, body (JSON-able, HTML text or bytes) and headers."""

    status: int
    body: Any = None
    headers: Mapping[str, str] = field(factory=dict)
    kind: str = "json"  # json | html | raw


def _json(status: int, body: Any, **headers: str) -> Reply:
    return Reply(status, body, dict(headers))


def lwa_error(status: int, error: str, description: str) -> Reply:
    return Reply(
        status,
        {"error": error, "error_description": description},
        {"Cache-Control": "no-store", "Pragma": "no-cache"},
    )


def sp_error(status: int, code: str, message: str, details: str = "", **headers: str) -> Reply:
    return Reply(
        status, {"errors": [{"code": code, "message": message, "details": details}]}, headers
    )


def html_page(status: int, title: str, body: str) -> Reply:
    page = (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<meta name='referrer' content='no-referrer'><title>{title}</title></head>"
        f"<body><h1>{title}</h1>{body}</body></html>"
    )
    return Reply(status, page, {"Referrer-Policy": "no-referrer"}, kind="html")


def redirect(uri: str, params: list[tuple[str, str]]) -> Reply:
    separator = "&" if urlsplit(uri).query else "?"
    return Reply(302, b"", {"Location": uri + separator + urlencode(params)}, kind="raw")


@define
class IssuedCode:
    channel: str
    client_id: str
    redirect_uri: str
    scenario: str
    issued_at: datetime
    code_challenge: str | None = None
    code_challenge_method: str | None = None
    used: bool = False


@define
class RefreshRecord:
    channel: str
    client_id: str
    scenario: str
    authorized_at: datetime
    revoked: bool = False


@frozen
class AccessRecord:
    channel: str
    client_id: str
    scenario: str
    expires_at: datetime


@define
class Fault:
    """An injected failure. `target`: lwa | ads | sp_api | all; `kind`: server_error,
    throttle, latency, lwa_error, no_error_key, non_json. Applied with probability `rate`
    to at most `count` matching requests (None: unlimited)."""

    kind: str
    target: str = "all"
    status: int | None = None
    error: str | None = None
    latency_seconds: float = 0.0
    rate: float = 1.0
    count: int | None = None

    def matches(self, family: str) -> bool:
        return self.target in ("all", family) and (self.count is None or self.count > 0)


FAULT_KINDS = frozenset(
    {"server_error", "throttle", "latency", "lwa_error", "no_error_key", "non_json"}
)
FAULT_TARGETS = frozenset({"all", "lwa", "ads", "sp_api"})


def redact(values: Mapping[str, str]) -> dict[str, str]:
    return {
        key: ("[redacted]" if key.lower() in SECRET_FIELDS else value)
        for key, value in values.items()
    }


def _pkce_s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class Sandbox:
    """One emulated Amazon (LWA, Ads, SP-API) for the apps named in `settings`."""

    def __init__(
        self,
        clock: SandboxClock,
        settings: AmazonSettings,
        *,
        seed: int = 0,
        extra_scenarios: Sequence[Scenario] = (),
    ) -> None:
        self.clock = clock
        self.settings = settings
        # Benchmarks and load tests add accounts of their own beside the documented ones.
        self.scenarios: Mapping[str, Scenario] = {
            **SCENARIOS,
            **{s.name: s for s in extra_scenarios},
        }
        self._seed = seed
        self._lock = threading.RLock()
        self.reset()

    # ------------------------------------------------------------------ admin

    def reset(self) -> None:
        with self._lock:
            self.codes: dict[str, IssuedCode] = {}
            self.refresh_tokens: dict[str, RefreshRecord] = {}
            self.access_tokens: dict[str, AccessRecord] = {}
            self.buckets: dict[tuple[str, str], TokenBucket] = {}
            self.faults: list[Fault] = []
            self.request_log: list[dict[str, Any]] = []
            self.rejected_client_secrets: set[str] = set()
            self.listings: dict[tuple[str, str, str], dict[str, Any]] = {}
            self.setup_attempts: Counter[tuple[str, str]] = Counter()
            self.counters: Counter[str] = Counter()
            self.rng = random.Random(self._seed)

    def revoke(
        self, *, refresh_token: str | None = None, selling_partner_id: str | None = None
    ) -> int:
        """Revoke one refresh token, or every token of an account (the seller removed the app
        in Seller Central)."""
        with self._lock:
            revoked = 0
            scenario = None
            if selling_partner_id is not None:
                scenario = next(
                    (
                        s.name
                        for s in self.scenarios.values()
                        if selling_partner_id in (s.selling_partner_id, s.ads_account_id)
                    ),
                    None,
                )
            for token, record in self.refresh_tokens.items():
                hit = token == refresh_token or (
                    scenario is not None and record.scenario == scenario
                )
                if hit and not record.revoked:
                    record.revoked = True
                    revoked += 1
            if scenario is not None:
                self.access_tokens = {
                    t: a for t, a in self.access_tokens.items() if a.scenario != scenario
                }
            return revoked

    def set_faults(self, faults: list[Fault]) -> None:
        for fault in faults:
            if fault.kind not in FAULT_KINDS or fault.target not in FAULT_TARGETS:
                raise ValueError(f"unknown fault kind or target: {fault.kind}/{fault.target}")
            if not 0.0 <= fault.rate <= 1.0:
                raise ValueError("a fault rate is between 0 and 1")
        with self._lock:
            self.faults = list(faults)

    def pick_fault(self, family: str) -> list[Fault]:
        """The faults that hit this request (latency first, then at most one failure)."""
        hits: list[Fault] = []
        with self._lock:
            for fault in self.faults:
                if not fault.matches(family):
                    continue
                if fault.kind != "latency" and any(h.kind != "latency" for h in hits):
                    continue
                if fault.rate < 1.0 and self.rng.random() >= fault.rate:
                    continue
                if fault.count is not None:
                    fault.count -= 1
                hits.append(fault)
        return sorted(hits, key=lambda f: f.kind != "latency")

    def log_request(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self.request_log.append(entry)
            del self.request_log[:-5000]

    def listing_state(self, selling_partner_id: str | None) -> list[dict[str, Any]]:
        with self._lock:
            return [
                dict(value)
                for (seller, _, _), value in sorted(self.listings.items())
                if selling_partner_id in (None, seller)
            ]

    def now(self) -> datetime:
        return self.clock.now()

    # ------------------------------------------------------------------ apps

    def _client_secret_accepted(self, client_id: str, given: str) -> bool:
        """Any of the app's registered secrets (a rotation keeps two), unless the admin has
        made LWA reject it (`POST _admin/client-secrets`)."""
        channel = {
            self.settings.sp_api_client_id: Channel.SP_API,
            self.settings.ads_client_id: Channel.ADS,
        }.get(client_id)
        if channel is None or not given:
            return False
        accepted = [
            s.reveal()
            for s in self.settings.client_secrets(channel)
            if s.reveal() not in self.rejected_client_secrets
        ]
        return any(secrets.compare_digest(a.encode(), given.encode()) for a in accepted)

    def reject_client_secrets(self, values: list[str] | None) -> int:
        """Makes LWA answer `invalid_client` to these secrets (None: every configured one);
        an empty list accepts them all again."""
        with self._lock:
            if values is None:
                values = [s.reveal() for c in Channel for s in self.settings.client_secrets(c)]
            self.rejected_client_secrets = set(values)
            return len(self.rejected_client_secrets)

    def _new_secret(self, prefix: str, size: int = 48) -> str:
        return prefix + secrets.token_urlsafe(size)

    # ------------------------------------------------------------------ consent: SP-API

    def sp_consent_check(self, query: Mapping[str, str]) -> tuple[str | None, Reply | None]:
        """Validates the consent URL as Seller Central does. Returns the redirect URI to use,
        or an error page (no redirect: the redirect URI is not trusted yet)."""
        if query.get("application_id") != self.settings.sp_api_application_id:
            return None, self._consent_error(
                "MD1000", "This application is not available: the application id is unknown."
            )
        if self.settings.sp_api_draft and query.get("version") != "beta":
            return None, self._consent_error(
                "MD1000", "This application is a draft: the consent URL needs version=beta."
            )
        redirect_uri = query.get("redirect_uri") or self.settings.sp_api_redirect_uris[0]
        if "#" in redirect_uri:
            return None, self._consent_error(
                "MD5110", "The redirect URI contains a fragment, which is not allowed."
            )
        if redirect_uri not in self.settings.sp_api_redirect_uris:
            return None, self._consent_error(
                "MD5101", "The redirect URI is not registered for this application."
            )
        if not query.get("state"):
            return None, self._consent_error("MD9100", "The request has no state parameter.")
        return redirect_uri, None

    def _consent_error(self, code: str, message: str) -> Reply:
        return html_page(
            400,
            "We're sorry!",
            f"<p>An error occurred when we tried to authorize this application.</p>"
            f"<p>{message}</p><p>Error code: <strong>{code}</strong></p>",
        )

    def sp_consent_decide(self, query: Mapping[str, str], account: str, decision: str) -> Reply:
        redirect_uri, error = self.sp_consent_check(query)
        if error is not None or redirect_uri is None:
            return error or self._consent_error("MD1000", "Invalid request.")
        scenario = self.scenarios.get(account)
        if scenario is None or decision not in ("approve", "deny"):
            return html_page(400, "Unknown account", "<p>Choose one of the sandbox accounts.</p>")
        state = query["state"]
        if decision == "deny" or scenario.denies:
            return redirect(
                redirect_uri,
                [
                    ("error", "access_denied"),
                    ("error_description", "The user denied the authorization request."),
                    ("state", state),
                ],
            )
        code = self._issue_code(SP_API, self.settings.sp_api_client_id, redirect_uri, scenario)
        return redirect(
            redirect_uri,
            [
                ("state", state),
                ("selling_partner_id", scenario.selling_partner_id),
                ("spapi_oauth_code", code),
            ],
        )

    # ------------------------------------------------------------------ consent: Ads

    def ads_consent_check(self, query: Mapping[str, str]) -> tuple[str | None, Reply | None]:
        """LWA's /ap/oa: a bad client or redirect URI is an error page; anything else wrong is
        reported to the (trusted) redirect URI as an OAuth error."""
        if query.get("client_id") != self.settings.ads_client_id:
            return None, html_page(
                400, "400 Bad Request", "<p>An unknown client_id was provided.</p>"
            )
        redirect_uri = query.get("redirect_uri", "")
        if redirect_uri != self.settings.ads_redirect_uri:
            return None, html_page(
                400,
                "400 Bad Request",
                "<p>The redirect URI provided does not match the registered Allowed Return "
                "URLs.</p>",
            )
        state = query.get("state", "")
        if query.get("response_type") != "code":
            return None, redirect(
                redirect_uri, [("error", "unsupported_response_type"), ("state", state)]
            )
        requested = set((query.get("scope") or "").split())
        if not requested or requested - {ADS_SCOPE, "profile"}:
            return None, redirect(
                redirect_uri,
                [
                    ("error", "invalid_scope"),
                    ("error_description", "An unknown scope was requested"),
                    ("state", state),
                ],
            )
        method = query.get("code_challenge_method")
        if query.get("code_challenge") and method not in (None, "", "S256", "plain"):
            return None, redirect(
                redirect_uri,
                [
                    ("error", "invalid_request"),
                    ("error_description", "Unsupported code_challenge_method"),
                    ("state", state),
                ],
            )
        return redirect_uri, None

    def ads_consent_decide(self, query: Mapping[str, str], account: str, decision: str) -> Reply:
        redirect_uri, error = self.ads_consent_check(query)
        if error is not None or redirect_uri is None:
            return error or html_page(400, "400 Bad Request", "")
        scenario = self.scenarios.get(account)
        if scenario is None or decision not in ("approve", "deny"):
            return html_page(400, "Unknown account", "<p>Choose one of the sandbox accounts.</p>")
        state = query.get("state", "")
        if decision == "deny" or scenario.denies:
            return redirect(
                redirect_uri,
                [
                    ("error", "access_denied"),
                    ("error_description", "The user denied the authorization request."),
                    ("state", state),
                ],
            )
        challenge = query.get("code_challenge") or None
        code = self._issue_code(
            ADS,
            self.settings.ads_client_id,
            redirect_uri,
            scenario,
            challenge,
            (query.get("code_challenge_method") or "plain") if challenge else None,
        )
        return redirect(redirect_uri, [("code", code), ("scope", ADS_SCOPE), ("state", state)])

    def _issue_code(
        self,
        channel: str,
        client_id: str,
        redirect_uri: str,
        scenario: Scenario,
        challenge: str | None = None,
        method: str | None = None,
    ) -> str:
        code = ("RH" if channel == SP_API else "AN") + secrets.token_urlsafe(18)
        with self._lock:
            self.codes[code] = IssuedCode(
                channel, client_id, redirect_uri, scenario.name, self.now(), challenge, method
            )
        return code

    # ------------------------------------------------------------------ LWA token endpoint

    def token(self, form: Mapping[str, str], basic: tuple[str, str] | None) -> Reply:
        """`POST /auth/o2/token` (AMAZON.md; RFC 6749 §4.1.3, §6). Client credentials in the
        body or in HTTP Basic, as RFC 6749 §2.3.1 requires servers to accept."""
        client_id = form.get("client_id")
        client_secret = form.get("client_secret")
        if basic is not None:
            client_id, client_secret = basic
        grant_type = form.get("grant_type")
        if not grant_type:
            return lwa_error(
                400, "invalid_request", "The request is missing a required parameter : grant_type"
            )
        if not client_id:
            return lwa_error(
                400, "invalid_request", "The request is missing a required parameter : client_id"
            )
        if not self._client_secret_accepted(client_id, client_secret or ""):
            return lwa_error(401, "invalid_client", "Client authentication failed")
        if grant_type == "authorization_code":
            return self._exchange_code(form, client_id)
        if grant_type == "refresh_token":
            return self._refresh(form, client_id)
        return lwa_error(
            400, "unsupported_grant_type", "The authorization grant type is not supported"
        )

    def _exchange_code(self, form: Mapping[str, str], client_id: str) -> Reply:
        code = form.get("code")
        if not code:
            return lwa_error(
                400, "invalid_request", "The request is missing a required parameter : code"
            )
        invalid = lwa_error(
            400, "invalid_grant", "The request has an invalid grant parameter : code"
        )
        with self._lock:
            issued = self.codes.get(code)
            now = self.now()
            if issued is None or issued.used or issued.client_id != client_id:
                return invalid
            if now - issued.issued_at > CODE_LIFETIME:
                return lwa_error(400, "invalid_grant", "The authorization code has expired")
            if form.get("redirect_uri", issued.redirect_uri) != issued.redirect_uri:
                return lwa_error(
                    400,
                    "invalid_grant",
                    "The redirect URI does not match the authorization request",
                )
            if issued.code_challenge is not None:
                verifier = form.get("code_verifier") or ""
                computed = (
                    _pkce_s256(verifier) if issued.code_challenge_method == "S256" else verifier
                )
                if not verifier or not secrets.compare_digest(computed, issued.code_challenge):
                    return lwa_error(
                        400, "invalid_grant", "The code verifier does not match the code challenge"
                    )
            issued.used = True
            refresh_token = self._new_secret("Atzr|IwEB")
            self.refresh_tokens[refresh_token] = RefreshRecord(
                issued.channel, client_id, issued.scenario, now
            )
            access_token = self._issue_access(issued.channel, client_id, issued.scenario, now)
        body: dict[str, Any] = {
            "access_token": access_token,
            "refresh_token": refresh_token,
            "token_type": "bearer",
            "expires_in": ACCESS_TOKEN_SECONDS,
        }
        if issued.channel == ADS:
            body["scope"] = ADS_SCOPE
        return Reply(200, body, {"Cache-Control": "no-store", "Pragma": "no-cache"})

    def _refresh(self, form: Mapping[str, str], client_id: str) -> Reply:
        token = form.get("refresh_token")
        if not token:
            return lwa_error(
                400,
                "invalid_request",
                "The request is missing a required parameter : refresh_token",
            )
        with self._lock:
            record = self.refresh_tokens.get(token)
            now = self.now()
            if record is None or record.revoked or record.client_id != client_id:
                return lwa_error(
                    400,
                    "invalid_grant",
                    "The request has an invalid grant parameter : refresh_token",
                )
            if (
                record.channel == SP_API
                and now - record.authorized_at >= SP_API_AUTHORIZATION_LIFETIME
            ):
                return lwa_error(
                    400,
                    "invalid_grant",
                    "The authorization has expired; the selling partner must authorize the "
                    "application again",
                )
            access_token = self._issue_access(record.channel, client_id, record.scenario, now)
        return Reply(
            200,
            {
                "access_token": access_token,
                "refresh_token": token,
                "token_type": "bearer",
                "expires_in": ACCESS_TOKEN_SECONDS,
            },
            {"Cache-Control": "no-store", "Pragma": "no-cache"},
        )

    def _issue_access(self, channel: str, client_id: str, scenario: str, now: datetime) -> str:
        token = self._new_secret("Atza|IwEB")
        self.access_tokens[token] = AccessRecord(
            channel, client_id, scenario, now + timedelta(seconds=ACCESS_TOKEN_SECONDS)
        )
        return token

    def _access(self, token: str | None, channel: str) -> AccessRecord | None:
        if not token:
            return None
        with self._lock:
            record = self.access_tokens.get(token)
        if record is None or record.channel != channel or record.expires_at <= self.now():
            return None
        return record

    # ------------------------------------------------------------------ Ads

    def profiles(self, authorization: str | None, client_id_header: str | None) -> Reply:
        """`GET /v2/profiles` (AMAZON.md)."""
        token = (authorization or "").removeprefix("Bearer ").strip()
        record = self._access(token, ADS)
        if record is None:
            return _json(
                401, {"code": "UNAUTHORIZED", "details": "Not authorized to access this advertiser"}
            )
        if client_id_header != record.client_id:
            return _json(
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
        return _json(200, body)

    def sp_campaigns(
        self,
        authorization: str | None,
        client_id_header: str | None,
        scope_header: str | None,
        body: Any,
    ) -> Reply:
        """`POST /sp/campaigns/list` (Sponsored Products v3), scoped to one profile by
        `Amazon-Advertising-API-Scope`. The sandbox's campaigns are all ENABLED, one per
        profile, except a scenario without active campaigns; `stateFilter` is honoured."""
        token = (authorization or "").removeprefix("Bearer ").strip()
        record = self._access(token, ADS)
        if record is None or client_id_header != record.client_id:
            return _json(
                401, {"code": "UNAUTHORIZED", "details": "Not authorized to access this advertiser"}
            )
        scenario = self.scenarios[record.scenario]
        codes = {str(scenario.profile_id(code)): code for code in scenario.profiles}
        if scope_header not in codes:
            return _json(
                403, {"code": "UNAUTHORIZED", "details": "Not authorized to access this profile"}
            )
        if not isinstance(body, dict):
            return _json(400, {"code": "INVALID_ARGUMENT", "details": "Malformed request"})
        state_filter = body.get("stateFilter")
        states = state_filter.get("include") if isinstance(state_filter, dict) else None
        states = states if isinstance(states, list) else ["ENABLED", "PAUSED", "ARCHIVED"]
        limit = body.get("maxResults", 1000)
        if not isinstance(limit, int) or not 1 <= limit <= 1000:
            return _json(400, {"code": "INVALID_ARGUMENT", "details": "maxResults 1..1000"})
        campaigns: list[dict[str, Any]] = []
        if scenario.active_campaigns and "ENABLED" in states:
            campaigns.append(
                {
                    "campaignId": f"{scope_header}01",
                    "name": f"{scenario.account_name} {codes[scope_header]}",
                    "state": "ENABLED",
                    "targetingType": "AUTO",
                }
            )
        page = campaigns[:limit]
        return _json(200, {"campaigns": page, "totalResults": len(campaigns)})

    # ------------------------------------------------------------------ SP-API

    def sp_call(
        self, access_token: str | None, operation: str
    ) -> tuple[Scenario | None, Reply | None]:
        """Authorization, selling plan and the usage plan, in that order (AMAZON.md:
        429 `QuotaExceeded`, never with `x-amzn-RateLimit-Limit`)."""
        record = self._access(access_token, SP_API)
        if record is None:
            return None, sp_error(
                403,
                "Unauthorized",
                "Access to requested resource is denied.",
                "The access token you provided is revoked, malformed or invalid.",
            )
        scenario = self.scenarios[record.scenario]
        if scenario.individual_plan:
            # Amazon serves SP-API apps to Professional sellers only; the sandbox answers the
            # Individual-plan seller's calls with a 403 whose details name the plan, which the
            # adapter maps to PROFESSIONAL_SELLING_PLAN_REQUIRED.
            return None, sp_error(
                403,
                "Unauthorized",
                "Access to requested resource is denied.",
                "The selling partner is on the Individual selling plan; the Selling Partner API "
                "requires the Professional selling plan.",
            )
        if not self.take_token(scenario.selling_partner_id, operation):
            return None, sp_error(
                429, "QuotaExceeded", "You exceeded your quota for the requested resource."
            )
        return scenario, None

    def take_token(self, partner: str, operation: str) -> bool:
        plan = RATE_PLANS[operation]
        with self._lock:
            now = self.clock.seconds()
            key = (partner, operation)
            bucket = self.buckets.get(key)
            if bucket is None:
                bucket = self.buckets[key] = TokenBucket.full(plan, now)
            taken = bucket.try_take(now)
            self.counters[f"{operation}:{'ok' if taken else 'throttled'}"] += 1
            return taken

    def rate_header(self, operation: str) -> dict[str, str]:
        return {"x-amzn-RateLimit-Limit": f"{RATE_PLANS[operation].rate:g}"}

    def participations(self, access_token: str | None) -> Reply:
        operation = "getMarketplaceParticipations"
        scenario, error = self.sp_call(access_token, operation)
        if error is not None or scenario is None:
            return error or sp_error(500, "InternalFailure", "")
        payload = []
        listed = [(c, True) for c in scenario.participations] + [
            (c, False) for c in scenario.not_participating
        ]
        for code, participating in listed:
            info = regions.MARKETPLACES_BY_CODE[code]
            payload.append(
                {
                    "marketplace": {
                        "id": info.id,
                        "name": info.name,
                        "countryCode": info.country_code,
                        "defaultCurrencyCode": info.currency,
                        "defaultLanguageCode": info.language,
                        "domainName": info.domain,
                    },
                    "participation": {
                        "isParticipating": participating,
                        "hasSuspendedListings": False,
                    },
                    "storeName": scenario.account_name,
                }
            )
        return _json(200, {"payload": payload}, **self.rate_header(operation))

    def _seller_marketplace(
        self, scenario: Scenario, seller_id: str, marketplace_ids: str | None, operation: str
    ) -> tuple[str | None, Reply | None]:
        headers = self.rate_header(operation)
        if seller_id != scenario.selling_partner_id:
            return None, sp_error(
                403,
                "Unauthorized",
                "Access to requested resource is denied.",
                "The sellerId does not match the selling partner who authorized this token.",
            )
        ids = [m for m in (marketplace_ids or "").split(",") if m]
        if len(ids) != 1 or ids[0] not in regions.MARKETPLACES:
            return None, sp_error(
                400,
                "InvalidInput",
                "Invalid input: marketplaceIds must name one marketplace.",
                **headers,
            )
        code = regions.MARKETPLACES[ids[0]].code
        if code not in scenario.participations:
            return None, sp_error(
                400,
                "InvalidInput",
                f"The seller is not registered in marketplace {ids[0]}.",
                **headers,
            )
        return ids[0], None

    def search_listings(
        self, access_token: str | None, seller_id: str, marketplace_ids: str | None
    ) -> Reply:
        """`GET /listings/2021-08-01/items/{sellerId}` (searchListingsItems): sellerlink's
        marketplace setup reads it. failing-marketplace-seller's setup failures are counted
        per (seller, marketplace) and answered as Amazon answers an unusable marketplace."""
        operation = "searchListingsItems"
        scenario, error = self.sp_call(access_token, operation)
        if error is not None or scenario is None:
            return error or sp_error(500, "InternalFailure", "")
        marketplace_id, error = self._seller_marketplace(
            scenario, seller_id, marketplace_ids, operation
        )
        if error is not None or marketplace_id is None:
            return error or sp_error(500, "InternalFailure", "")
        code = regions.MARKETPLACES[marketplace_id].code
        with self._lock:
            self.setup_attempts[(seller_id, marketplace_id)] += 1
            attempt = self.setup_attempts[(seller_id, marketplace_id)]
        failures = scenario.setup_failures.get(code, 0)
        if failures == ALWAYS or attempt <= failures:
            return sp_error(
                400,
                "InvalidInput",
                f"The seller's account in marketplace {marketplace_id} is not ready: its "
                "marketplace configuration could not be created.",
                f"Attempt {attempt}.",
                **self.rate_header(operation),
            )
        with self._lock:
            items = [
                {
                    "sku": sku,
                    "summaries": [{"marketplaceId": marketplace_id, "status": ["BUYABLE"]}],
                }
                for (seller, mid, sku) in sorted(self.listings)
                if seller == seller_id and mid == marketplace_id
            ]
        return _json(
            200, {"numberOfResults": len(items), "items": items}, **self.rate_header(operation)
        )

    def get_listing(
        self, access_token: str | None, seller_id: str, sku: str, marketplace_ids: str | None
    ) -> Reply:
        """`GET /listings/2021-08-01/items/{sellerId}/{sku}` (getListingsItem): 403 for a
        seller id the token was not authorized by, 404 for an unknown SKU."""
        operation = "getListingsItem"
        scenario, error = self.sp_call(access_token, operation)
        if error is not None or scenario is None:
            return error or sp_error(500, "InternalFailure", "")
        marketplace_id, error = self._seller_marketplace(
            scenario, seller_id, marketplace_ids, operation
        )
        if error is not None or marketplace_id is None:
            return error or sp_error(500, "InternalFailure", "")
        headers = self.rate_header(operation)
        with self._lock:
            listing = self.listings.get((seller_id, marketplace_id, sku))
        if listing is None:
            return sp_error(404, "NOT_FOUND", f"SKU '{sku}' not found in marketplace.", **headers)
        return _json(200, {"sku": sku, "summaries": [dict(listing)]}, **headers)

    def patch_listing(
        self,
        access_token: str | None,
        seller_id: str,
        sku: str,
        marketplace_ids: str | None,
        raw_body: bytes,
    ) -> Reply:
        """`PATCH /listings/2021-08-01/items/{sellerId}/{sku}`: records what it received and
        keeps the resulting quantity and price per (seller, marketplace, sku)."""
        operation = "patchListingsItem"
        scenario, error = self.sp_call(access_token, operation)
        if error is not None or scenario is None:
            return error or sp_error(500, "InternalFailure", "")
        marketplace_id, error = self._seller_marketplace(
            scenario, seller_id, marketplace_ids, operation
        )
        if error is not None or marketplace_id is None:
            return error or sp_error(500, "InternalFailure", "")
        headers = self.rate_header(operation)
        try:
            body = json.loads(raw_body or b"null")
        except ValueError:
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
        if issues:
            return _json(
                200,
                {"sku": sku, "status": "INVALID", "submissionId": submission_id, "issues": issues},
                **headers,
            )
        with self._lock:
            key = (seller_id, marketplace_id, sku)
            listing = self.listings.setdefault(
                key,
                {
                    "selling_partner_id": seller_id,
                    "marketplace_id": marketplace_id,
                    "sku": sku,
                    "quantity": None,
                    "price": None,
                    "patches_received": 0,
                },
            )
            listing.update(changes)
            listing["product_type"] = body["productType"]
            listing["patches_received"] += len(body["patches"])
            listing["updated_at"] = self.now().isoformat()
        return _json(
            200,
            {"sku": sku, "status": "ACCEPTED", "submissionId": submission_id, "issues": []},
            **headers,
        )

    def _apply_patch(self, patch: Any, changes: dict[str, Any]) -> dict[str, Any] | None:
        def issue(message: str, attribute: str) -> dict[str, Any]:
            return {
                "code": "90220",
                "message": message,
                "severity": "ERROR",
                "attributeNames": [attribute],
            }

        if not isinstance(patch, dict) or patch.get("op") not in (
            "add",
            "replace",
            "delete",
            "merge",
        ):
            return issue("Each patch needs an op of add, replace, merge or delete.", "patches")
        path = str(patch.get("path", ""))
        attribute = path.removeprefix("/attributes/")
        value: Any = patch.get("value")
        if attribute == "fulfillment_availability":
            try:
                quantity = value[0]["quantity"]
            except (TypeError, KeyError, IndexError):
                return issue("fulfillment_availability needs a quantity.", attribute)
            if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 0:
                return issue("'quantity' must be a whole number of zero or more.", attribute)
            changes["quantity"] = quantity
            return None
        if attribute == "purchasable_offer":
            try:
                offer = value[0]
                amount = offer["our_price"][0]["schedule"][0]["value_with_tax"]
                currency = offer["currency"]
            except (TypeError, KeyError, IndexError):
                return issue("purchasable_offer needs currency and our_price.", attribute)
            if not isinstance(amount, int | float) or isinstance(amount, bool) or amount <= 0:
                return issue("'our_price' must be greater than zero.", attribute)
            changes["price"] = {"amount": f"{amount:.2f}", "currency": currency}
            return None
        return None

    # ------------------------------------------------------------------ orders (sync)

    def orders(
        self,
        access_token: str | None,
        marketplace_ids: str | None,
        updated_after: str | None,
        updated_before: str | None,
        next_token: str | None,
    ) -> Reply:
        """`GET /orders/v0/orders` (getOrders) by LastUpdatedAfter/Before: sellerlink's sync
        windows read it. Every participating marketplace has one order updated on each whole
        hour, so a window of N hours holds N orders; 100 orders a page, then NextToken."""
        operation = "getOrders"
        scenario, error = self.sp_call(access_token, operation)
        if error is not None or scenario is None:
            return error or sp_error(500, "InternalFailure", "")
        headers = self.rate_header(operation)
        ids = [m for m in (marketplace_ids or "").split(",") if m]
        if len(ids) != 1 or ids[0] not in regions.MARKETPLACES:
            return sp_error(
                400, "InvalidInput", "MarketplaceIds must name one marketplace.", **headers
            )
        if regions.MARKETPLACES[ids[0]].code not in scenario.participations:
            return sp_error(
                400,
                "InvalidInput",
                f"The seller is not registered in marketplace {ids[0]}.",
                **headers,
            )
        try:
            if next_token:
                # Amazon's NextToken stands for the whole query; the other filters are not
                # sent again.
                saved = json.loads(base64.urlsafe_b64decode(next_token))
                updated_after, updated_before = saved["after"], saved["before"]
                offset = int(saved["offset"])
            else:
                offset = 0
            after = datetime.fromisoformat((updated_after or "").replace("Z", "+00:00"))
            before = datetime.fromisoformat((updated_before or "").replace("Z", "+00:00"))
        except (ValueError, KeyError, TypeError):
            return sp_error(
                400,
                "InvalidInput",
                "LastUpdatedAfter and LastUpdatedBefore are ISO 8601 dates.",
                **headers,
            )
        first = after.replace(minute=0, second=0, microsecond=0)
        if first < after:
            first += timedelta(hours=1)
        hours = max(0, math.ceil((before - first).total_seconds() / 3600))
        page = []
        for index in range(offset, min(hours, offset + 100)):
            at = first + timedelta(hours=index)
            page.append(
                {
                    "AmazonOrderId": f"{scenario.selling_partner_id[-6:]}-{int(at.timestamp())}",
                    "PurchaseDate": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "LastUpdateDate": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "OrderStatus": "Shipped",
                    "MarketplaceId": ids[0],
                }
            )
        payload: dict[str, Any] = {"Orders": page, "LastUpdatedBefore": updated_before}
        if offset + 100 < hours:
            saved = {"after": updated_after, "before": updated_before, "offset": offset + 100}
            payload["NextToken"] = base64.urlsafe_b64encode(json.dumps(saved).encode()).decode()
        return _json(200, {"payload": payload}, **headers)
