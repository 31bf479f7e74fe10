"""The Reconnect button asks Amazon again for the channel that stopped working (seed 004)."""

from __future__ import annotations

from datetime import timedelta

from application.connect import ReconnectCommand
from domain.grant import Channel
from domain.team import Plan
from tests.world import World


def test_reconnect_after_a_revoked_sp_api_grant_goes_to_seller_central(world: World) -> None:
    world.create_team("Acme", plan=Plan.PRO)
    connection = world.connect_fully("us-seller").connection
    world.amazon.revoke("us-seller")
    world.app.refresh_due_tokens()  # nothing due yet: the cached tokens are still fresh
    world.clock.advance(timedelta(hours=2))
    world.app.refresh_due_tokens()  # Amazon answers invalid_grant for both channels
    assert world.app.get_connection(world.actor(), connection.id).health == "reconnect_required"

    started = world.app.start_reconnect(ReconnectCommand(world.actor(), connection.id))

    assert started.connection_id == connection.id
    assert started.channel is Channel.ADS  # both revoked: Ads, the first required channel


def test_reconnect_of_a_seller_who_only_did_ads_asks_for_the_selling_partner_api(
    world: World,
) -> None:
    world.create_team("Acme", plan=Plan.PRO)
    connection = world.connect("us-seller", Channel.ADS).connection

    started = world.app.start_reconnect(ReconnectCommand(world.actor(), connection.id))

    assert started.channel is Channel.SP_API
    assert "/apps/authorize/consent" in world.open_consent(started)
