"""The SP-API callback names the seller in its query string, which the person's browser can
change. sellerlink asks Amazon to confirm it before the account is connected to anyone."""

from __future__ import annotations

import pytest

from domain.errors import CallbackAccountMissing
from domain.grant import Channel
from domain.team import Plan
from tests.world import World


def test_a_callback_naming_another_seller_is_refused_and_connects_nothing(world: World) -> None:
    world.create_team("Acme", plan=Plan.PRO)
    started = world.start(Channel.SP_API)
    query = world.amazon.consent(world.open_consent(started), "us-seller")
    query["selling_partner_id"] = "A1SBXMULTIPROF1"  # edited on the way back

    with pytest.raises(CallbackAccountMissing):
        world.callback(Channel.SP_API, query)

    assert world.app.list_connections(world.actor()) == []


def test_the_seller_amazon_confirms_is_connected(world: World) -> None:
    world.create_team("Acme", plan=Plan.PRO)
    result = world.connect("us-seller", Channel.SP_API)
    assert result.connection.selling_partner_id == "A1SBXUSSELLER01"
