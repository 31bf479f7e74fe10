"""Login with Amazon: authorization-code exchange and refresh (AMAZON.md "LWA tokens").

The form bodies are built with authlib's RFC 6749 helpers; the response is judged here,
status first (STACK.md: authlib's fetch_token does not raise on a 4xx without `error`), and
every LWA answer maps to the error catalogue:

| LWA answer                                   | exchange_code        | refresh              |
|----------------------------------------------|----------------------|----------------------|
| `invalid_grant`                              | SESSION_EXPIRED      | TOKEN_REVOKED        |
| `invalid_client` on every configured secret  | APP_CREDENTIALS_     | APP_CREDENTIALS_     |
| (each secret is tried, newest first)         | REJECTED             | REJECTED             |
| `unauthorized_client`,                       | REFRESH_TOKEN_FAILED | REFRESH_TOKEN_FAILED |
| `invalid_request`, `unsupported_grant_type`, |                      |                      |
| an unknown code, a 4xx without `error`       |                      |                      |
| `server_error`, `temporarily_unavailable`,   | AMAZON_UNAVAILABLE   | AMAZON_UNAVAILABLE   |
| 5xx, a timeout, a non-JSON body              | (after retries)      | (after retries)      |

`invalid_grant` on refresh means the seller revoked sellerlink or the 365-day authorization
ran out; the domain's Grant.revoke tells the two apart by the grant's expiry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from authlib.oauth2.rfc6749.parameters import prepare_token_request

from adapters.amazon.settings import AmazonSettings, HostFamily
from adapters.amazon.transport import Call, Transport
from application.ports import AccessToken, TokenGrant
from domain.connection import Region
from domain.errors import (
    AmazonUnavailable,
    AppCredentialsRejected,
    DomainError,
    RefreshTokenFailed,
    SessionExpired,
    TokenRevoked,
)
from domain.grant import Channel
from domain.secret import Secret

TOKEN_PATH = "/auth/o2/token"
TRANSIENT_ERRORS = frozenset({"server_error", "temporarily_unavailable"})
_FORM = {"Content-Type": "application/x-www-form-urlencoded;charset=UTF-8"}


class LwaClient:
    def __init__(self, settings: AmazonSettings, transport: Transport) -> None:
        self._settings = settings
        self._transport = transport

    def exchange_code(
        self, channel: Channel, region: Region, code: str, code_verifier: Secret | None = None
    ) -> TokenGrant:
        def body(secret: Secret) -> str:
            extra: dict[str, str] = {
                "client_id": self._settings.client_id(channel),
                "client_secret": secret.reveal(),
            }
            if code_verifier is not None:
                extra["code_verifier"] = code_verifier.reveal()
            return str(
                prepare_token_request(
                    "authorization_code",
                    code=code,
                    redirect_uri=self._settings.redirect_uri(channel),
                    **extra,
                )
            )

        data = self._with_each_secret(channel, region, body, exchange=True)
        refresh_token = data.get("refresh_token")
        if not isinstance(refresh_token, str) or not refresh_token:
            raise RefreshTokenFailed(
                "Login with Amazon answered without a refresh token.",
                context={"channel": str(channel)},
            )
        scope = data.get("scope")
        return TokenGrant(
            refresh_token=Secret(refresh_token),
            access_token=Secret(data["access_token"]),
            expires_in=_expires_in(data),
            scopes=tuple(scope.split()) if isinstance(scope, str) else (),
        )

    def refresh(self, channel: Channel, region: Region, refresh_token: Secret) -> AccessToken:
        def body(secret: Secret) -> str:
            return str(
                prepare_token_request(
                    "refresh_token",
                    refresh_token=refresh_token.reveal(),
                    client_id=self._settings.client_id(channel),
                    client_secret=secret.reveal(),
                )
            )

        data = self._with_each_secret(channel, region, body, exchange=False)
        return AccessToken(token=Secret(data["access_token"]), expires_in=_expires_in(data))

    def _with_each_secret(
        self, channel: Channel, region: Region, body: Callable[[Secret], str], *, exchange: bool
    ) -> Any:
        """Newest secret first; `invalid_client` moves on to the next (a rotation under way).
        All refused: the app's credentials are rejected, which no seller can fix."""
        secrets = self._settings.client_secrets(channel)
        for secret in secrets:
            try:
                return self._post(channel, region, body(secret), exchange=exchange)
            except _ClientRejected:
                continue
        raise AppCredentialsRejected(
            f"Login with Amazon rejected every client secret of the {channel} app "
            f"({len(secrets)} tried).",
            context={"channel": str(channel), "secrets_tried": len(secrets)},
        )

    def _post(self, channel: Channel, region: Region, body: str, *, exchange: bool) -> Any:
        base = self._settings.base_url(HostFamily.LWA_TOKEN, region, channel=channel)
        label = "Login with Amazon"
        response = self._transport.send(
            Call(
                "POST",
                base + TOKEN_PATH,
                headers=_FORM,
                content=body,
                retry_after_timeout=not exchange,
                label=label,
            )
        )
        context: dict[str, object] = {
            "channel": str(channel),
            "amazon_status": response.status_code,
        }
        try:
            data = response.json()
        except ValueError:
            raise AmazonUnavailable(
                f"{label} answered HTTP {response.status_code} without a JSON body.",
                context=context,
            ) from None
        if not isinstance(data, dict):
            raise AmazonUnavailable(f"{label} answered an unexpected body.", context=context)
        error = data.get("error")
        if response.is_success and not error:
            if not isinstance(data.get("access_token"), str):
                raise AmazonUnavailable(
                    f"{label} answered without an access token.", context=context
                )
            return data
        raise _lwa_error(error, response, context, exchange=exchange)


class _ClientRejected(RefreshTokenFailed):
    """One client secret refused (`invalid_client`): the next one is tried."""


def _lwa_error(
    error: object, response: httpx.Response, context: dict[str, object], *, exchange: bool
) -> DomainError:
    if not isinstance(error, str) or not error:
        return RefreshTokenFailed(
            f"Login with Amazon refused the request (HTTP {response.status_code}) without "
            "saying why.",
            context=context,
        )
    context["amazon_error"] = error[:64]
    if error == "invalid_grant":
        if exchange:
            return SessionExpired(
                "The authorization code expired or was already used.", context=context
            )
        return TokenRevoked(
            "Amazon no longer accepts this refresh token (revoked, or the authorization expired).",
            context=context,
        )
    if error == "invalid_client":
        return _ClientRejected(f"Login with Amazon answered {error}.", context=context)
    if error in TRANSIENT_ERRORS:
        return AmazonUnavailable(f"Login with Amazon answered {error}.", context=context)
    return RefreshTokenFailed(f"Login with Amazon answered {error[:64]}.", context=context)


def _expires_in(data: dict[str, Any]) -> int:
    try:
        return int(data.get("expires_in", 3600))
    except (TypeError, ValueError):
        return 3600
