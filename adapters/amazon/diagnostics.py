"""Checks `sellerlink doctor` asks of Amazon (or the sandbox), without touching any seller:
each configured client secret against Login with Amazon, and the clock skew against
Amazon's `Date` header.

A refresh with a refresh token nobody has tells the two cases apart without side effects:
Login with Amazon authenticates the client first, so a good secret gets `invalid_grant`
(the token is unknown) and a bad one `invalid_client`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx
from attrs import frozen

from adapters.amazon.lwa import TOKEN_PATH
from adapters.amazon.settings import AmazonSettings, HostFamily
from domain.connection import Region
from domain.grant import Channel

PROBE_REFRESH_TOKEN = "Atzr|sellerlink-doctor-probe-not-a-token"


@frozen
class SecretVerdict:
    position: int  # 1 = newest
    verdict: str  # accepted | rejected | unreachable | unexpected
    detail: str


@frozen
class CredentialReport:
    channel: Channel
    host: str
    verdicts: tuple[SecretVerdict, ...]
    skew_seconds: float | None  # Amazon's Date minus our clock; None if not measured


def check_client_secrets(
    settings: AmazonSettings,
    channel: Channel,
    *,
    client: httpx.Client | None = None,
    now: datetime | None = None,
    region: Region = Region.NA,
) -> CredentialReport:
    url = settings.base_url(HostFamily.LWA_TOKEN, region, channel=channel) + TOKEN_PATH
    host = httpx.URL(url).host + (f":{httpx.URL(url).port}" if httpx.URL(url).port else "")
    owned = client is None
    http = client or httpx.Client(timeout=settings.timeout_seconds)
    verdicts: list[SecretVerdict] = []
    skew: float | None = None
    try:
        for position, secret in enumerate(settings.client_secrets(channel), start=1):
            try:
                response = http.post(
                    url,
                    data={
                        "grant_type": "refresh_token",
                        "refresh_token": PROBE_REFRESH_TOKEN,
                        "client_id": settings.client_id(channel),
                        "client_secret": secret.reveal(),
                    },
                )
            except httpx.HTTPError as error:
                verdicts.append(
                    SecretVerdict(position, "unreachable", f"{host}: {type(error).__name__}")
                )
                continue
            skew = _skew(response, now) if skew is None else skew
            verdicts.append(SecretVerdict(position, *_judge(response)))
    finally:
        if owned:
            http.close()
    return CredentialReport(channel, host, tuple(verdicts), skew)


def _judge(response: httpx.Response) -> tuple[str, str]:
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        error = None
    if error == "invalid_grant":
        return "accepted", "Login with Amazon knows this client id and secret"
    if error == "invalid_client":
        return "rejected", "Login with Amazon answered invalid_client"
    return "unexpected", f"HTTP {response.status_code} {str(error or '')[:40]}".strip()


def _skew(response: httpx.Response, now: datetime | None) -> float | None:
    header = response.headers.get("date")
    if not header:
        return None
    try:
        theirs = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    return (theirs - (now or datetime.now(UTC))).total_seconds()
