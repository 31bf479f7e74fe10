"""Consent URLs and region tables (AMAZON.md: consent hosts, /ap/oa, version=beta)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from adapters.amazon import regions
from adapters.amazon.consent import ADS_SCOPE, consent_url, scopes
from adapters.amazon.settings import AmazonSettings
from application.ports import ConsentRequest
from domain.authorization import ConsentAsk
from domain.connection import AccountType, Region
from domain.grant import Channel
from domain.secret import Secret

REAL = AmazonSettings.for_sandbox("http://unused", sandbox_base_url=None)


def _split(url: str) -> tuple[str, str, dict[str, list[str]]]:
    parts = urlsplit(url)
    return parts.netloc, parts.path, parse_qs(parts.query)


@pytest.mark.parametrize(
    ("account_type", "region", "marketplace_id", "host"),
    [
        (AccountType.SELLER, Region.NA, None, "sellercentral.amazon.com"),
        (AccountType.SELLER, Region.NA, "A2EUQ1WTGCTBG2", "sellercentral.amazon.ca"),
        (AccountType.SELLER, Region.EU, "A1PA6795UKMFR9", "sellercentral-europe.amazon.com"),
        (AccountType.SELLER, Region.EU, "A1805IZSGTT6HS", "sellercentral.amazon.nl"),
        (AccountType.SELLER, Region.FE, "A39IBJ37TRP1C6", "sellercentral.amazon.com.au"),
        (AccountType.VENDOR, Region.EU, "A1PA6795UKMFR9", "vendorcentral.amazon.de"),
        (AccountType.VENDOR, Region.EU, "A2VIGQ35RCS4UG", "vendorcentral.amazon.me"),
        (AccountType.VENDOR, Region.NA, None, "vendorcentral.amazon.com"),
        # A marketplace of another region does not move the consent out of the region.
        (AccountType.SELLER, Region.FE, "ATVPDKIKX0DER", "sellercentral.amazon.co.jp"),
    ],
)
def test_sp_api_consent_goes_to_the_central_host_of_the_marketplace(
    account_type: AccountType, region: Region, marketplace_id: str | None, host: str
) -> None:
    url = consent_url(
        REAL,
        ConsentRequest(
            ConsentAsk(Channel.SP_API, region, account_type, marketplace_id), "the-state"
        ),
    )
    netloc, path, query = _split(url)
    assert (netloc, path) == (host, "/apps/authorize/consent")
    assert query == {
        "application_id": [REAL.sp_api_application_id],
        "state": ["the-state"],
        "redirect_uri": [REAL.sp_api_redirect_uri],
    }


def test_draft_app_consent_asks_for_the_beta_version() -> None:
    settings = AmazonSettings.for_sandbox("http://unused", sandbox_base_url=None, sp_api_draft=True)
    url = consent_url(
        settings, ConsentRequest(ConsentAsk(Channel.SP_API, Region.NA, AccountType.SELLER), "s")
    )
    assert _split(url)[2]["version"] == ["beta"]


@pytest.mark.parametrize(
    ("region", "host"),
    [
        (Region.NA, "www.amazon.com"),
        (Region.EU, "eu.account.amazon.com"),
        (Region.FE, "apac.account.amazon.com"),
    ],
)
def test_ads_consent_asks_for_campaign_management_with_pkce(region: Region, host: str) -> None:
    url = consent_url(
        REAL,
        ConsentRequest(
            ConsentAsk(Channel.ADS, region, AccountType.SELLER), "st", code_challenge="chal"
        ),
    )
    netloc, path, query = _split(url)
    assert (netloc, path) == (host, "/ap/oa")
    assert query == {
        "client_id": [REAL.ads_client_id],
        "scope": [ADS_SCOPE],
        "response_type": ["code"],
        "redirect_uri": [REAL.ads_redirect_uri],
        "state": ["st"],
        "code_challenge": ["chal"],
        "code_challenge_method": ["S256"],
    }


def test_sandbox_base_url_keeps_amazon_paths_under_the_sandbox_prefix() -> None:
    settings = AmazonSettings.for_sandbox("http://127.0.0.1:9999/sandbox/")
    sp = consent_url(
        settings, ConsentRequest(ConsentAsk(Channel.SP_API, Region.EU, AccountType.SELLER), "s")
    )
    ads = consent_url(
        settings, ConsentRequest(ConsentAsk(Channel.ADS, Region.FE, AccountType.SELLER), "s")
    )
    assert sp.startswith("http://127.0.0.1:9999/sandbox/apps/authorize/consent?")
    assert ads.startswith("http://127.0.0.1:9999/sandbox/ap/oa?")


def test_every_marketplace_of_amazon_md_is_in_exactly_one_region() -> None:
    assert len(regions.MARKETPLACES) == 23
    counts = {r: len(regions.marketplace_ids(r)) for r in Region}
    assert counts == {Region.NA: 4, Region.EU: 16, Region.FE: 3}
    assert regions.MARKETPLACES_BY_CODE["UK"].country_code == "GB"


def test_every_channel_and_account_type_has_scopes_to_review() -> None:
    for channel in Channel:
        for account_type in AccountType:
            assert scopes(channel, account_type)
    assert scopes(Channel.ADS, AccountType.SELLER)[0].name == ADS_SCOPE


def test_settings_repr_shows_no_client_secret() -> None:
    settings = AmazonSettings.for_sandbox(
        "http://x", sp_api_client_secret=Secret("CANARY-SP"), ads_client_secret=Secret("CANARY-ADS")
    )
    assert "CANARY" not in repr(settings)
