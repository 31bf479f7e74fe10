"""Vendors end to end (seed 002: Ads is required; SP-API through Vendor
Central "is not necessary" but "highly recommended" for Sales & Traffic reporting). A vendor's
grant is never used for a Seller Central call, and one channel's token never goes to the
other channel's API: the sandbox refuses both as Amazon does, so counting its refusals
proves it."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from adapters.amazon.consent import consent_url
from adapters.amazon.settings import AmazonSettings
from adapters.worker import run_pass
from application.ports import ConsentRequest
from domain.connection import AccountType, Health, Region
from domain.grant import Channel, TokenStatus
from domain.marketplace import MarketplaceState
from tests.world import SELLER_CENTRAL_ONLY, World


def _live(world: World, duration: timedelta, step: timedelta) -> None:
    end = world.clock.now() + duration
    while world.clock.now() < end:
        world.clock.advance(step)
        run_pass(world.app)


def _connect_vendor(world: World, account: str) -> None:
    world.create_team()
    world.connect(account, Channel.ADS)
    if account == "vendor-central":
        world.connect(account, Channel.SP_API, connection_id=world.connection_id)


@pytest.mark.parametrize("account", ["vendor", "vendor-central"])
def test_a_vendor_reaches_ready_and_never_hammers_amazon(world: World, account: str) -> None:
    _connect_vendor(world, account)
    view = world.view()
    assert view.account_type is AccountType.VENDOR
    assert view.health is Health.CONNECTED
    world.select_marketplace("US")
    _live(world, timedelta(seconds=10), timedelta(seconds=2))
    assert world.marketplace("US").state is MarketplaceState.READY

    mark = len(world.amazon.exchanges)
    _live(world, timedelta(hours=3), timedelta(minutes=1))
    later = world.amazon.exchanges[mark:]
    assert not [e.operation for e in world.amazon.exchanges if e.operation in SELLER_CENTRAL_ONLY]
    assert not [e for e in later if e.status in (401, 403)]
    # Access tokens are refreshed ahead of their hour, once per channel held, not per pass.
    refreshes = [e for e in later if e.request.form().get("grant_type") == "refresh_token"]
    assert len(refreshes) <= 3 * len(view.grants)
    assert world.view().health is Health.CONNECTED


def test_a_vendor_authorizes_sp_api_through_vendor_central(world: World) -> None:
    world.create_team()
    world.connect("vendor-central", Channel.ADS)
    started = world.start(
        Channel.SP_API, account_type=AccountType.VENDOR, connection_id=world.connection_id
    )
    assert any("vendor" in scope.description for scope in started.scopes)
    result = world.approve(started, "vendor-central")

    grants = {g.channel: g.status for g in result.connection.grants}
    assert grants == {Channel.ADS: TokenStatus.CURRENT, Channel.SP_API: TokenStatus.CURRENT}
    assert result.connection.selling_partner_id is not None
    assert [m.country_code for m in world.marketplaces()] == ["US"]


def test_a_vendors_sp_api_consent_goes_to_vendor_central_of_its_region(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seed 002: a vendor authorizes the Selling Partner API in Vendor Central. The
    connection's account type decides, whatever the product asked for; the host is the one
    Amazon's consent page lives on (AMAZON.md), read with real (not sandbox) hosts."""
    asked: list[ConsentRequest] = []
    gateway = world.app.ports.amazon
    real = gateway.consent_url

    def spy(request: ConsentRequest) -> str:
        asked.append(request)
        return real(request)

    monkeypatch.setattr(gateway, "consent_url", spy)
    world.create_team()
    world.connect("vendor", Channel.ADS)  # a vendor on Ads adds SP-API later
    # A product that never looked at the account type asks as for a seller.
    started = world.start(
        Channel.SP_API, account_type=AccountType.SELLER, connection_id=world.connection_id
    )
    world.open_consent(started)
    # A new vendor in Europe who picked Germany.
    started = world.start(
        Channel.SP_API,
        region=Region.EU,
        account_type=AccountType.VENDOR,
        marketplace_id="A1PA6795UKMFR9",
    )
    world.open_consent(started)

    amazon = AmazonSettings.for_sandbox("http://unused", sandbox_base_url=None)
    urls = [urlsplit(consent_url(amazon, r)) for r in asked if r.ask.channel is Channel.SP_API]
    assert [(u.netloc, u.path) for u in urls] == [
        ("vendorcentral.amazon.com", "/apps/authorize/consent"),
        ("vendorcentral.amazon.de", "/apps/authorize/consent"),
    ]


def test_a_vendors_unconfirmed_selling_partner_id_never_locks_out_the_vendor_it_names(
    world: World,
) -> None:
    """No SP-API call confirms a vendor's `selling_partner_id` (the Sellers API is Seller
    Central's; Listings Items takes a vendor code; reports take no id), and it comes back
    through the person's browser. So it never claims the account: a vendor who edits it to
    another vendor's id does not stop that vendor connecting in its own team."""
    world.create_team("Bravo")
    world.connect("vendor", Channel.ADS)
    started = world.start(
        Channel.SP_API, account_type=AccountType.VENDOR, connection_id=world.connection_id
    )
    query = world.amazon.consent(world.open_consent(started), "vendor")
    victim = world.amazon.sandbox.scenarios["vendor-central"].selling_partner_id
    query["selling_partner_id"] = victim
    world.callback(Channel.SP_API, query)

    world.create_team("Alpha")
    world.connect("vendor-central", Channel.ADS)
    result = world.connect("vendor-central", Channel.SP_API, connection_id=world.connection_id)
    grants = {g.channel: g.status for g in result.connection.grants}
    assert grants == {Channel.ADS: TokenStatus.CURRENT, Channel.SP_API: TokenStatus.CURRENT}
