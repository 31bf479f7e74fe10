"""Ads profiles, marketplace participations, marketplace setup and listing updates through
the adapter against the sandbox's scenario accounts (API.md "Sandbox conventions")."""

from __future__ import annotations

import json
from typing import Any

import pytest

from adapters.amazon import AmazonHttpGateway
from adapters.amazon.regions import MARKETPLACES_BY_CODE
from application.ports import DatasetSource, ListingsBatch, ListingUpdate
from domain.connection import AccountType, Region
from domain.errors import (
    AmazonUnavailable,
    PermissionMissing,
    ProfessionalSellingPlanRequired,
    SetupFailed,
    TokenRevoked,
)
from domain.grant import Channel
from domain.profile import AdsAccountType
from domain.records import Dataset
from domain.secret import Secret
from tests.contract.amazon.sandbox_helpers import Amazon

US, DE, IT, UK = (MARKETPLACES_BY_CODE[c].id for c in ("US", "DE", "IT", "UK"))


def _token(amazon: Amazon, gateway: AmazonHttpGateway, channel: Channel, account: str) -> Secret:
    code = amazon.ads_code(account) if channel is Channel.ADS else amazon.sp_code(account)[1]
    return gateway.exchange_code(channel, Region.NA, code).access_token


def _ads(amazon: Amazon, gateway: AmazonHttpGateway, account: str) -> Secret:
    return _token(amazon, gateway, Channel.ADS, account)


def _sp(amazon: Amazon, gateway: AmazonHttpGateway, account: str) -> Secret:
    return _token(amazon, gateway, Channel.SP_API, account)


# ------------------------------------------------------------------------ Ads profiles


def test_us_seller_has_one_us_profile_whose_account_is_the_selling_partner(
    amazon: Amazon, gateway: AmazonHttpGateway
) -> None:
    [profile] = gateway.list_profiles(Region.NA, _ads(amazon, gateway, "us-seller"))
    assert profile.country_code == "US"
    assert profile.marketplace_id == US
    assert profile.account_type is AdsAccountType.SELLER
    assert profile.account_id == "A1SBXUSSELLER01"
    assert profile.profile_id.isdigit()
    assert profile.timezone == "America/Los_Angeles"


def test_multi_profile_seller_has_three_north_american_profiles(
    amazon: Amazon, gateway: AmazonHttpGateway
) -> None:
    profiles = gateway.list_profiles(Region.NA, _ads(amazon, gateway, "multi-profile-seller"))
    assert [p.country_code for p in profiles] == ["US", "CA", "MX"]
    assert len({p.profile_id for p in profiles}) == 3


def test_eu_seller_has_five_profiles_in_europe_and_none_in_north_america(
    amazon: Amazon, gateway: AmazonHttpGateway
) -> None:
    token = _ads(amazon, gateway, "eu-seller")
    assert [p.country_code for p in gateway.list_profiles(Region.EU, token)] == [
        "UK",
        "DE",
        "FR",
        "IT",
        "ES",
    ]
    assert gateway.list_profiles(Region.NA, token) == []


@pytest.mark.parametrize("account", ["no-ads-seller", "view-only-agency"])
def test_accounts_without_manageable_profiles_get_an_empty_list(
    amazon: Amazon, gateway: AmazonHttpGateway, account: str
) -> None:
    assert gateway.list_profiles(Region.NA, _ads(amazon, gateway, account)) == []


def test_vendor_profile_is_a_vendor_account(amazon: Amazon, gateway: AmazonHttpGateway) -> None:
    [profile] = gateway.list_profiles(Region.NA, _ads(amazon, gateway, "vendor"))
    assert profile.account_type is AdsAccountType.VENDOR
    assert profile.account_id == "ENTITY1SBXVENDOR"


def test_mismatch_seller_ads_account_differs_from_its_selling_partner(
    amazon: Amazon, gateway: AmazonHttpGateway
) -> None:
    seller, _ = amazon.sp_code("mismatch-seller")
    [profile] = gateway.list_profiles(Region.NA, _ads(amazon, gateway, "mismatch-seller"))
    assert profile.account_id != seller


def test_profiles_request_carries_amazons_headers(
    amazon: Amazon, gateway: AmazonHttpGateway
) -> None:
    gateway.list_profiles(Region.NA, _ads(amazon, gateway, "us-seller"))
    last = amazon.admin("requests").json()["items"][-1]
    assert last["path"].endswith("/v2/profiles")
    assert last["headers"]["authorization"] == "[redacted]"
    assert last["headers"]["amazon-advertising-api-clientid"] == amazon.settings.ads_client_id


def test_an_sp_api_token_is_refused_by_ads_as_a_revoked_access_token(
    amazon: Amazon, gateway: AmazonHttpGateway
) -> None:
    with pytest.raises(TokenRevoked) as caught:
        gateway.list_profiles(Region.NA, _sp(amazon, gateway, "us-seller"))
    assert caught.value.context["access_token_rejected"] is True


def test_an_expired_access_token_is_refused(amazon: Amazon, gateway: AmazonHttpGateway) -> None:
    token = _ads(amazon, gateway, "us-seller")
    amazon.admin("clock", {"advance_seconds": 3600})
    with pytest.raises(TokenRevoked):
        gateway.list_profiles(Region.NA, token)


def test_ads_server_errors_are_retried(amazon: Amazon, gateway: AmazonHttpGateway) -> None:
    token = _ads(amazon, gateway, "us-seller")
    amazon.faults({"kind": "server_error", "target": "ads", "count": 3})
    assert len(gateway.list_profiles(Region.NA, token)) == 1
    amazon.faults({"kind": "server_error", "target": "ads"})
    with pytest.raises(AmazonUnavailable):
        gateway.list_profiles(Region.NA, token)


# ------------------------------------------------------------------------ participations


def test_us_seller_participates_in_the_us(amazon: Amazon, gateway: AmazonHttpGateway) -> None:
    [participation] = gateway.marketplace_participations(
        Region.NA, _sp(amazon, gateway, "us-seller"), "A1SBXUSSELLER01"
    )
    assert participation.marketplace_id == US
    assert participation.participating
    assert participation.country_code == "US"
    assert participation.currency_code == "USD"
    assert participation.store_name == "Acme Outdoor"


def test_eu_seller_participations_use_iso_country_codes(
    amazon: Amazon, gateway: AmazonHttpGateway
) -> None:
    found = gateway.marketplace_participations(Region.EU, _sp(amazon, gateway, "eu-seller"))
    assert [p.country_code for p in found if p.participating] == ["GB", "DE", "FR", "IT", "ES"]
    assert [p.country_code for p in found if not p.participating] == ["NL"]  # greyed out


@pytest.mark.parametrize("region", [Region.NA, Region.FE])
def test_wrong_region_seller_participates_nowhere_in_the_region_asked(
    amazon: Amazon, gateway: AmazonHttpGateway, region: Region
) -> None:
    token = _sp(amazon, gateway, "wrong-region-seller")
    found = gateway.marketplace_participations(region, token)
    assert not any(p.participating for p in found)
    assert {p.marketplace_id for p in gateway.marketplace_participations(Region.EU, token)} == {
        UK,
        DE,
    }


@pytest.mark.parametrize(
    "call",
    ["participations", "setup", "listings", "feed"],
)
def test_individual_plan_seller_needs_the_professional_plan(
    amazon: Amazon, gateway: AmazonHttpGateway, call: str
) -> None:
    token = _sp(amazon, gateway, "individual-plan-seller")
    seller = "A1SBXINDIVID001"
    batch = ListingsBatch(Region.NA, token, seller, [ListingUpdate("S", US, 1)])
    calls = {
        "participations": lambda: gateway.marketplace_participations(Region.NA, token, seller),
        "setup": lambda: gateway.set_up_marketplace(Region.NA, token, seller, US),
        "listings": lambda: gateway.send_listing_updates(batch),
        "feed": lambda: gateway.submit_listings_feed(batch, US),
    }
    with pytest.raises(ProfessionalSellingPlanRequired) as caught:
        calls[call]()
    assert "Professional selling plan" in caught.value.detail


def test_an_ads_token_is_refused_by_sp_api(amazon: Amazon, gateway: AmazonHttpGateway) -> None:
    with pytest.raises(TokenRevoked):
        gateway.marketplace_participations(Region.NA, _ads(amazon, gateway, "us-seller"))


def test_sp_api_server_errors_are_retried_then_unavailable(
    amazon: Amazon, gateway: AmazonHttpGateway
) -> None:
    token = _sp(amazon, gateway, "us-seller")
    amazon.faults({"kind": "server_error", "target": "sp_api", "count": 2})
    assert gateway.marketplace_participations(Region.NA, token)
    amazon.faults({"kind": "server_error", "target": "sp_api", "status": 500})
    with pytest.raises(AmazonUnavailable) as caught:
        gateway.marketplace_participations(Region.NA, token)
    assert caught.value.context["amazon_status"] == 500


# ------------------------------------------------------------------------ marketplace setup


def test_setup_succeeds_where_the_seller_participates(
    amazon: Amazon, gateway: AmazonHttpGateway
) -> None:
    gateway.set_up_marketplace(Region.NA, _sp(amazon, gateway, "us-seller"), "A1SBXUSSELLER01", US)


def test_failing_marketplace_seller_de_fails_twice_then_succeeds(
    amazon: Amazon, gateway: AmazonHttpGateway
) -> None:
    token = _sp(amazon, gateway, "failing-marketplace-seller")
    seller = "A1SBXFAILMKT001"
    for _attempt in (1, 2):
        with pytest.raises(SetupFailed) as caught:
            gateway.set_up_marketplace(Region.EU, token, seller, DE)
        assert caught.value.detail == "Failed to create geocompany for DE"
        assert caught.value.context["amazon_code"] == "InvalidInput"
    gateway.set_up_marketplace(Region.EU, token, seller, DE)
    gateway.set_up_marketplace(Region.EU, token, seller, UK)


def test_failing_marketplace_seller_it_always_fails_and_reset_restarts_counting(
    amazon: Amazon, gateway: AmazonHttpGateway
) -> None:
    token = _sp(amazon, gateway, "failing-marketplace-seller")
    seller = "A1SBXFAILMKT001"
    for _ in range(4):
        with pytest.raises(SetupFailed):
            gateway.set_up_marketplace(Region.EU, token, seller, IT)
    assert amazon.sandbox.setup_attempts[(seller, IT)] == 4
    assert amazon.sandbox_429s("searchListingsItems") == 0
    amazon.admin("reset")
    assert amazon.sandbox.setup_attempts[(seller, IT)] == 0


def test_setup_in_a_marketplace_the_seller_is_not_registered_in_fails(
    amazon: Amazon, gateway: AmazonHttpGateway
) -> None:
    with pytest.raises(SetupFailed) as caught:
        gateway.set_up_marketplace(
            Region.EU, _sp(amazon, gateway, "us-seller"), "A1SBXUSSELLER01", DE
        )
    assert "not registered" in caught.value.detail


# ------------------------------------------------------------------------ listings


def test_listing_updates_reach_amazon_as_quantity_and_price_patches(
    amazon: Amazon, gateway: AmazonHttpGateway
) -> None:
    token = _sp(amazon, gateway, "eu-seller")
    seller = "A1SBXEUSELLER01"
    results = gateway.send_listing_updates(
        ListingsBatch(
            Region.EU,
            token,
            seller,
            [
                ListingUpdate("SKU-1", DE, 7, "19.99", "EUR"),
                ListingUpdate("SKU 2/B", UK, 0),
                ListingUpdate("SKU-3", DE, None, "5.00", "EUR"),
            ],
        )
    )
    assert [(r.sku, r.accepted) for r in results] == [
        ("SKU-1", True),
        ("SKU 2/B", True),
        ("SKU-3", True),
    ]
    listings = amazon.http.get(
        f"{amazon.base}/_admin/listings", params={"selling_partner_id": seller}
    ).json()["items"]
    state = {(item["marketplace_id"], item["sku"]): item for item in listings}
    assert state[(DE, "SKU-1")]["quantity"] == 7
    assert state[(DE, "SKU-1")]["price"] == {"amount": "19.99", "currency": "EUR"}
    assert state[(UK, "SKU 2/B")]["quantity"] == 0
    assert state[(UK, "SKU 2/B")]["price"] is None
    assert state[(DE, "SKU-3")]["price"] == {"amount": "5.00", "currency": "EUR"}
    assert state[(DE, "SKU-3")]["product_type"] == "PRODUCT"


def test_an_invalid_listing_update_is_reported_per_sku(
    amazon: Amazon, gateway: AmazonHttpGateway
) -> None:
    token = _sp(amazon, gateway, "us-seller")
    results = gateway.send_listing_updates(
        ListingsBatch(
            Region.NA,
            token,
            "A1SBXUSSELLER01",
            [ListingUpdate("BAD", US, -1), ListingUpdate("GOOD", US, 3)],
        )
    )
    assert [(r.sku, r.accepted) for r in results] == [("BAD", False), ("GOOD", True)]
    assert "quantity" in results[0].message


def test_listing_updates_for_another_seller_are_refused(
    amazon: Amazon, gateway: AmazonHttpGateway
) -> None:
    token = _sp(amazon, gateway, "us-seller")
    with pytest.raises(PermissionMissing):  # diagnosed: no refresh would change it
        gateway.send_listing_updates(
            ListingsBatch(Region.NA, token, "A1SBXEUSELLER01", [ListingUpdate("S", US, 1)])
        )


def test_listing_updates_stay_within_the_5_per_second_plan(
    amazon: Amazon, gateway: AmazonHttpGateway
) -> None:
    token = _sp(amazon, gateway, "us-seller")
    updates = [ListingUpdate(f"SKU-{i}", US, i) for i in range(25)]
    results = gateway.send_listing_updates(
        ListingsBatch(Region.NA, token, "A1SBXUSSELLER01", updates)
    )
    assert all(r.accepted for r in results)
    assert amazon.sandbox_429s("patchListingsItem") == 0
    assert len(amazon.sandbox.listing_state("A1SBXUSSELLER01")) == 25


# ------------------------------------------------------------------------ sync windows


def test_a_sync_window_counts_the_orders_updated_in_it(
    amazon: Amazon, gateway: AmazonHttpGateway
) -> None:
    from datetime import UTC, timedelta

    token = _sp(amazon, gateway, "eu-seller")
    # Amazon answers windows that ended at least two minutes ago.
    start = (amazon.sandbox.now() - timedelta(days=6)).replace(minute=0, second=0, microsecond=0)
    assert start.tzinfo is UTC
    window = list(
        gateway.fetch_dataset(_orders(DE, start, start + timedelta(hours=6)), token).records
    )
    assert len(window) == 6
    assert len({r.key for r in window}) == 6  # keyed by AmazonOrderId
    order = json.loads(window[0].payload)
    assert window[0].key == order["AmazonOrderId"]
    assert start <= window[0].as_of < start + timedelta(hours=6)
    assert not {"BuyerInfo", "ShippingAddress"} & set(order)  # no restricted data asked for
    # A long backfill window is read page by page (100 orders a page).
    long = gateway.fetch_dataset(_orders(DE, start, start + timedelta(days=5)), token)
    assert len(list(long.records)) == 120
    pages = [r for r in amazon.admin("requests").json()["items"] if "orders" in r["path"]]
    assert len(pages) == 3
    assert "NextToken" in pages[-1]["query"]


def test_a_sync_window_with_a_refused_token_is_token_revoked(
    amazon: Amazon, gateway: AmazonHttpGateway
) -> None:
    from datetime import UTC, datetime, timedelta

    start = datetime(2026, 1, 5, tzinfo=UTC)
    with pytest.raises(TokenRevoked):
        gateway.fetch_dataset(
            _orders(US, start, start + timedelta(hours=1), Region.NA), Secret("Atza|stale")
        )


def _orders(marketplace_id: str, start: Any, end: Any, region: Region = Region.EU) -> Any:
    return DatasetSource(
        dataset=Dataset.ORDERS,
        region=region,
        account_type=AccountType.SELLER,
        marketplace_id=marketplace_id,
        start=start,
        end=end,
    )


# ------------------------------------------------------------------------ seller identity


def test_the_token_confirms_its_own_seller_and_refuses_another(
    amazon: Amazon, gateway: AmazonHttpGateway
) -> None:
    """The callback's selling_partner_id passes through the browser; getListingsItem scoped
    to that id tells whether the token really is that seller's."""
    token = _sp(amazon, gateway, "us-seller")
    assert gateway.confirm_selling_partner(Region.NA, token, "A1SBXUSSELLER01", US) is True
    assert gateway.confirm_selling_partner(Region.NA, token, "A1SBXFAILMKT001", US) is False
