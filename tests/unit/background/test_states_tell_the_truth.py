"""A marketplace never passes setup (DESIGN §9) without the
grants its data comes through, never waits without a reason and a next step, and a refused
Amazon call is classified once: a stale access token is refreshed once and the call retried
once; a refused refresh is Revoked at once; a 403 Amazon explains is diagnosed, with its
fix, and left alone for a while instead of refreshed in a loop."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.worker import run_pass
from application.marketplace_views import MarketplaceView
from domain.connection import Health
from domain.errors import ErrorCode
from domain.grant import Channel, TokenStatus
from domain.marketplace import MarketplaceState
from domain.refusals import REFUSAL_BACKOFF
from tests.fixtures import amazon_refuses
from tests.unit.background.support import Background
from tests.world import World

S = MarketplaceState


def _passes(world: World, count: int = 4, step: timedelta = timedelta(seconds=2)) -> None:
    for _ in range(count):
        world.clock.advance(step)
        run_pass(world.app)


def _calls(world: World, operation: str) -> int:
    return sum(1 for e in world.amazon.exchanges if e.operation == operation)


def _trail(world: World, since: int) -> list[tuple[str, int]]:
    """getOrders answers and LWA refreshes, in order, from exchange number `since` on."""
    found = []
    for e in world.amazon.exchanges[since:]:
        if e.request.form().get("grant_type") == "refresh_token":
            found.append(("refresh", e.status))
        elif e.operation == "getOrders":
            found.append(("getOrders", e.status))
    return found


def _shows(
    world: World, country: str, state: S, code: ErrorCode | str, words: str
) -> MarketplaceView:
    """The marketplace's state and the reason shown beside it: its code, and words that
    name the fix."""
    marketplace = world.marketplace(country)
    assert (marketplace.state, marketplace.reason_code) == (state, code)
    assert words in (marketplace.reason or ""), marketplace.reason
    return marketplace


# -- item 1: a seller's marketplace needs SP-API -------------------------------------------


def test_a_seller_marketplace_on_ads_alone_waits_for_sp_api_and_continues_once_it_is_added(
    world: World,
) -> None:
    world.create_team()
    world.connect("us-seller", Channel.ADS)
    assert world.view().health is Health.INCOMPLETE
    world.select_marketplace("US")
    _passes(world, 6)

    us = _shows(
        world,
        "US",
        S.SETTING_UP,
        ErrorCode.AUTHORIZATION_REQUIRED,
        "Authorize the Selling Partner API",
    )
    waiting = [e for e in world.events() if e.data.get("error_code") == "AUTHORIZATION_REQUIRED"]
    assert len(waiting) == 1  # said once, not on every pass

    world.connect("us-seller", Channel.SP_API, connection_id=world.connection_id)
    _passes(world, 4)
    us = world.marketplace("US")
    assert us.state is S.READY
    assert us.reason is None
    assert us.reason_code is None


# -- item 2: after Disconnect, a reconnect with Ads only ------------------------------------


def test_after_disconnect_and_an_ads_only_reconnect_a_new_marketplace_says_why_it_waits(
    world: World,
) -> None:
    world.create_team()
    world.upgrade()
    world.connect_fully("multi-profile-seller")
    world.app.disconnect(world.actor(), world.connection_id)
    world.connect("multi-profile-seller", Channel.ADS)
    world.select_marketplace("CA")
    _passes(world, 4)

    ca = world.marketplace("CA")
    assert ca.state is S.SETTING_UP
    assert ca.reason  # never "Setting up..." with an empty reason
    assert "Reconnect the Selling Partner API" in ca.reason
    assert ca.reason_code == ErrorCode.AUTHORIZATION_REQUIRED


# -- item 4: revocation is noticed at once -------------------------------------------------


def test_a_marketplace_selected_after_a_revocation_says_reconnect_and_stops_asking_amazon(
    world: World,
) -> None:
    world.create_team()
    world.upgrade()
    world.connect_fully("eu-seller")
    world.amazon.revoke("eu-seller")
    world.select_marketplace("DE")
    _passes(world, 3)
    searches = _calls(world, "searchListingsItems")
    _passes(world, 20)

    view = world.view()
    assert view.health is Health.RECONNECT_REQUIRED  # not "connected" with a Current grant
    sp_api = next(g for g in view.grants if g.channel is Channel.SP_API)
    assert sp_api.status is TokenStatus.REVOKED
    assert len([e for e in world.events() if e.kind == "token.revoked"]) == 1
    _shows(world, "DE", S.SETTING_UP, ErrorCode.TOKEN_REVOKED, "Reconnect the Selling Partner API")
    assert _calls(world, "searchListingsItems") == searches  # nothing repeats every 2 s


def test_an_access_token_amazon_says_expired_is_refreshed_once_and_the_call_retried_once(
    seller: Background,
) -> None:
    world = seller.world
    amazon_refuses(world.amazon, "access_token_expired", count=1)
    mark = len(world.amazon.exchanges)
    world.clock.advance(timedelta(hours=1, minutes=5))
    seller.pass_()

    trail = _trail(world, mark)
    refused = trail.index(("getOrders", 403))
    assert trail[refused + 1 :] == [("refresh", 200), ("getOrders", 200)]
    assert world.marketplace("US").reason_code is None
    assert seller.health() is Health.CONNECTED


# -- item 4: a 403 with a fresh token is diagnosed, with its fix, and backed off -----------


@pytest.mark.parametrize(
    ("error", "code"),
    [
        ("missing_role", ErrorCode.APP_ROLE_MISSING),
        ("restricted_data", ErrorCode.RESTRICTED_DATA),
        ("permission_missing", ErrorCode.PERMISSION_MISSING),
    ],
)
def test_a_sync_refused_with_a_good_token_is_diagnosed_and_backs_off(
    seller: Background, error: str, code: ErrorCode
) -> None:
    world = seller.world
    amazon_refuses(world.amazon, error)
    mark = len(world.amazon.exchanges)
    world.clock.advance(timedelta(hours=1, minutes=5))
    seller.live(timedelta(minutes=20), step=timedelta(seconds=2))

    trail = _trail(world, mark)
    assert [t for t in trail if t[0] == "getOrders"] == [("getOrders", 403)]  # once, then left
    assert trail[-1] == ("getOrders", 403)  # no refresh for a 403 with a good token
    _shows(world, "US", S.READY, code, "To fix:")
    assert seller.health() is Health.CONNECTED  # the seller's grant is fine
    diagnosed = [e for e in world.events() if e.data.get("error_code") == str(code)]
    assert len(diagnosed) == 1

    world.amazon.sandbox.set_faults([])  # type: ignore[attr-defined]  # the fix is made
    seller.live(REFUSAL_BACKOFF, step=timedelta(minutes=1))
    us = world.marketplace("US")
    assert us.reason_code is None
    assert us.reason is None
    assert ("getOrders", 200) in _trail(world, mark)


def test_setup_refused_with_a_good_token_is_diagnosed_with_its_fix(world: World) -> None:
    world.create_team()
    world.connect_fully("us-seller")
    amazon_refuses(world.amazon, "missing_role", operation="searchListingsItems")
    world.select_marketplace("US")
    _passes(world, 10)

    us = _shows(world, "US", S.SETTING_UP, ErrorCode.APP_ROLE_MISSING, "Solution Provider Portal")
    assert us.retry_at is not None
    assert _calls(world, "searchListingsItems") == 1


def test_a_call_refused_again_with_a_fresh_token_is_diagnosed_never_a_refresh_loop(
    seller: Background,
) -> None:
    world = seller.world
    amazon_refuses(world.amazon, "access_token_expired")  # every token, however fresh
    mark = len(world.amazon.exchanges)
    world.clock.advance(timedelta(hours=1, minutes=5))
    seller.live(timedelta(minutes=10), step=timedelta(seconds=2))

    trail = _trail(world, mark)
    refused = trail.index(("getOrders", 403))
    assert trail[refused:] == [("getOrders", 403), ("refresh", 200), ("getOrders", 403)]
    assert world.marketplace("US").reason_code == ErrorCode.PERMISSION_MISSING
