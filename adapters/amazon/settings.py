"""What the Amazon adapter needs to know: the two apps' credentials and where Amazon is.

The same code talks to Amazon or to the sandbox; only the base URLs differ, so that
everything runs without Amazon credentials. With `sandbox_base_url` set, every host family
maps to that base and keeps Amazon's paths under it, as API.md's sandbox conventions say
(`<base>/auth/o2/token`, `<base>/v2/profiles`, `<base>/apps/authorize/consent`, ...).
"""

from __future__ import annotations

import hashlib
from datetime import date
from enum import StrEnum

from attrs import field, frozen

from adapters.amazon import regions
from domain.connection import AccountType, Region
from domain.grant import Channel
from domain.secret import Secret


class HostFamily(StrEnum):
    CONSENT = "consent"  # Seller Central / Vendor Central
    ADS_AUTHORIZATION = "ads_authorization"  # /ap/oa
    LWA_TOKEN = "lwa_token"  # /auth/o2/token
    ADS_API = "ads_api"
    SP_API = "sp_api"


@frozen
class RetryPolicy:
    """Exponential backoff with full jitter (sleep uniformly in [0, min(cap, base * 2^n)]),
    bounded both in attempts and in total time, after which the caller gets
    AMAZON_UNAVAILABLE or RATE_LIMITED."""

    max_attempts: int = 4
    base_seconds: float = 0.5
    cap_seconds: float = 8.0
    max_total_seconds: float = 20.0


@frozen
class AmazonSettings:
    """Credentials of sellerlink's SP-API app and Ads app, and where to reach Amazon."""

    # SP-API app (Seller Central / Vendor Central "Develop Apps").
    sp_api_application_id: str
    sp_api_client_id: str
    sp_api_client_secret: Secret = field(repr=False)
    sp_api_redirect_uri: str
    # Ads app (an LWA security profile allow-listed for Amazon Ads).
    ads_client_id: str
    ads_client_secret: Secret = field(repr=False)
    ads_redirect_uri: str
    # A draft SP-API app needs version=beta on the consent URL (AMAZON.md: else MD1000).
    sp_api_draft: bool = False
    # Further redirect URIs registered for the SP-API app (the sandbox accepts them too).
    sp_api_extra_redirect_uris: tuple[str, ...] = ()
    # Set to e.g. "http://127.0.0.1:8000/sandbox" to target the sandbox.
    sandbox_base_url: str | None = None
    timeout_seconds: float = 10.0
    retry: RetryPolicy = RetryPolicy()
    # Longest the adapter waits for its own rate-limit bucket before raising RATE_LIMITED.
    max_rate_wait_seconds: float = 10.0
    # Older LWA client secrets still accepted while a rotation is under way (newest first;
    # the newest is `*_client_secret`), and the date the newest must be rotated by.
    sp_api_previous_client_secrets: tuple[Secret, ...] = field(default=(), repr=False)
    ads_previous_client_secrets: tuple[Secret, ...] = field(default=(), repr=False)
    sp_api_rotate_by: date | None = None
    ads_rotate_by: date | None = None

    @classmethod
    def for_sandbox(cls, base_url: str, **overrides: object) -> AmazonSettings:
        """Settings whose credentials are the sandbox's demo apps, all hosts at `base_url`."""
        base = base_url.rstrip("/")
        values: dict[str, object] = {
            "sp_api_application_id": "amzn1.sp.solution.sandbox-sellerlink",
            "sp_api_client_id": "amzn1.application-oa2-client.sandbox-sp-api",
            "sp_api_client_secret": Secret("sandbox-sp-api-client-secret"),
            "sp_api_redirect_uri": "http://127.0.0.1:8000/oauth/sp-api/callback",
            "ads_client_id": "amzn1.application-oa2-client.sandbox-ads",
            "ads_client_secret": Secret("sandbox-ads-client-secret"),
            "ads_redirect_uri": "http://127.0.0.1:8000/oauth/amazon-ads/callback",
            "sandbox_base_url": base,
        }
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]

    @property
    def sp_api_redirect_uris(self) -> tuple[str, ...]:
        """Registered for the SP-API app; the first is Amazon's default (AMAZON.md)."""
        return (self.sp_api_redirect_uri, *self.sp_api_extra_redirect_uris)

    def client_id(self, channel: Channel) -> str:
        return self.ads_client_id if channel is Channel.ADS else self.sp_api_client_id

    def client_secret(self, channel: Channel) -> Secret:
        return self.ads_client_secret if channel is Channel.ADS else self.sp_api_client_secret

    def client_secrets(self, channel: Channel) -> tuple[Secret, ...]:
        """Every configured secret of the app, newest first (a rotation keeps the old one
        until Amazon stops accepting it)."""
        older = (
            self.ads_previous_client_secrets
            if channel is Channel.ADS
            else self.sp_api_previous_client_secrets
        )
        return (self.client_secret(channel), *older)

    def rotate_by(self, channel: Channel) -> date | None:
        return self.ads_rotate_by if channel is Channel.ADS else self.sp_api_rotate_by

    def secrets_fingerprint(self, channel: Channel) -> str:
        """Changes whenever the secrets change; reveals nothing about them."""
        digest = hashlib.sha256(self.client_id(channel).encode())
        for secret in self.client_secrets(channel):
            digest.update(b"\0" + hashlib.sha256(secret.reveal().encode()).digest())
        return digest.hexdigest()[:16]

    def redirect_uri(self, channel: Channel) -> str:
        return self.ads_redirect_uri if channel is Channel.ADS else self.sp_api_redirect_uri

    # -- where Amazon is ---------------------------------------------------------------

    def base_url(
        self,
        family: HostFamily,
        region: Region,
        *,
        channel: Channel = Channel.SP_API,
        account_type: AccountType = AccountType.SELLER,
        marketplace_id: str | None = None,
    ) -> str:
        """Scheme and host (and, for the sandbox, its path prefix); callers append Amazon's
        path."""
        if self.sandbox_base_url is not None:
            return self.sandbox_base_url
        if family is HostFamily.CONSENT:
            host = regions.consent_host(account_type, region, marketplace_id)
        elif family is HostFamily.ADS_AUTHORIZATION:
            host = regions.ADS_AUTHORIZATION_HOSTS[region]
        elif family is HostFamily.LWA_TOKEN:
            table = (
                regions.ADS_TOKEN_HOSTS if channel is Channel.ADS else regions.SP_API_TOKEN_HOSTS
            )
            host = table[region]
        elif family is HostFamily.ADS_API:
            host = regions.ADS_API_HOSTS[region]
        else:
            host = regions.SP_API_HOSTS[region]
        return f"https://{host}"
