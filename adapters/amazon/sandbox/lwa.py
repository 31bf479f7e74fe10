"""Login with Amazon in the sandbox: the consent pages' decisions (Seller Central's
`/apps/authorize/consent`, LWA's `/ap/oa`) and the token endpoint `/auth/o2/token`
(AMAZON.md; RFC 6749): codes valid 5 minutes and single use, PKCE for Ads, refresh tokens
revocable, SP-API authorizations ending after 365 days, access tokens lasting an hour."""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from adapters.amazon.sandbox.core import (
    ADS,
    SP_API,
    AccessRecord,
    IssuedCode,
    RefreshRecord,
    SandboxCore,
)
from adapters.amazon.sandbox.replies import Reply, html_page, lwa_error, redirect
from adapters.amazon.sandbox.scenarios import Scenario
from domain.grant import Channel

CODE_LIFETIME = timedelta(minutes=5)  # AMAZON.md: spapi_oauth_code valid 5 minutes
ACCESS_TOKEN_SECONDS = 3600  # AMAZON.md: access tokens last 3600 s
SP_API_AUTHORIZATION_LIFETIME = timedelta(days=365)  # AMAZON.md: public apps, 365 days
ADS_SCOPE = "advertising::campaign_management"


def _pkce_s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class LwaApi(SandboxCore):
    def reset(self) -> None:
        super().reset()
        with self._lock:
            self.rejected_client_secrets: set[str] = set()

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

    def revoke(
        self, *, refresh_token: str | None = None, selling_partner_id: str | None = None
    ) -> int:
        """Revoke one refresh token, or every token of an account (the seller removed the app
        in Seller Central)."""
        with self._lock:
            revoked = 0
            scenario = None
            if selling_partner_id is not None:
                found = self.scenario_of(selling_partner_id)
                scenario = found.name if found is not None else None
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
        state = query["state"]
        scenario = self._approved_by(redirect_uri, state, account, decision)
        if isinstance(scenario, Reply):
            return scenario
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
        state = query.get("state", "")
        scenario = self._approved_by(redirect_uri, state, account, decision)
        if isinstance(scenario, Reply):
            return scenario
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

    def _approved_by(
        self, redirect_uri: str, state: str, account: str, decision: str
    ) -> Scenario | Reply:
        """The person's answer on either consent page: the account that approved, or what
        Amazon answers otherwise (an unknown account; a denial, sent back as access_denied)."""
        scenario = self.scenarios.get(account)
        if scenario is None or decision not in ("approve", "deny"):
            return html_page(400, "Unknown account", "<p>Choose one of the sandbox accounts.</p>")
        if decision == "deny" or scenario.denies:
            return redirect(
                redirect_uri,
                [
                    ("error", "access_denied"),
                    ("error_description", "The user denied the authorization request."),
                    ("state", state),
                ],
            )
        return scenario

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
