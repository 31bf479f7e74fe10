"""The team stamp a kept page of connections is checked against, in SQL: every
write a page shows moves it (a connection, its grants and profile, a marketplace), another
team's writes do not, and a page is reused only under the stamp it was read with."""

from __future__ import annotations

from application.connections import ConnectionQuery
from domain.grant import Channel
from domain.team import Plan
from tests.world import World


def test_every_write_a_page_shows_moves_the_stamp(world: World) -> None:
    shop = world.create_team("Shop", plan=Plan.PRO)
    other = world.create_team("Other")
    listing = world.app.list_connections
    query = ConnectionQuery(world.actor(team=shop))

    def stamp() -> tuple[int, ...]:
        return listing.stamp(query).value

    seen = [stamp()]
    world.connect("us-seller", Channel.ADS)  # a connection, its grant and profile
    seen.append(stamp())
    world.connect("us-seller", Channel.SP_API, connection_id=world.connection_id)  # a grant
    seen.append(stamp())
    world.select_marketplace("US")  # a marketplace
    seen.append(stamp())
    world.run_setup()
    seen.append(stamp())
    assert len(set(seen)) == len(seen), seen

    page = listing.stamped_page(query)
    assert page.same_as_now(listing.stamp(query))
    world.connect("eu-seller", Channel.ADS, actor=world.actor(team=other))
    assert stamp() == seen[-1], "another team's connection is none of this page's business"
    world.app.disconnect(world.actor(team=shop), page.view.items[0].id)
    assert not page.same_as_now(listing.stamp(query))
