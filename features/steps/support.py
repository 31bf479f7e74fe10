"""Steps for what a support agent sees and does (DESIGN §3.10)."""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from application.marketplace_views import MarketplaceHistory
from domain.connection import Health
from domain.grant import Channel
from domain.marketplace import MarketplaceState
from features.steps.common import CHANNELS, succeeded
from tests.world import World


def history(world: World) -> MarketplaceHistory:
    found = world.note("history", MarketplaceHistory)
    return found


@then(parsers.parse('support\'s list of connections needing a reconnect shows only "{seller_id}"'))
def _needing_reconnect(world: World, seller_id: str) -> None:
    found = world.app.support.connections(health=Health.RECONNECT_REQUIRED)
    assert [c.selling_partner_id for c in found] == [seller_id]
    assert len(world.app.support.connections()) > len(found)


@when(parsers.parse("support opens the history of the {country} marketplace"))
def _open_history(world: World, country: str) -> None:
    marketplace = world.marketplace(country)
    world.notes["history"] = world.app.support.marketplace_history(
        world.connection_id, marketplace.marketplace_id
    )


@then(parsers.parse('it lists every failure with "{reason}"'))
def _failures(world: World, reason: str) -> None:
    failures = [t for t in history(world).items if t.to_state is MarketplaceState.FAILED]
    assert len(failures) == 4
    assert {t.reason for t in failures} == {reason}


@then("it lists every retry by the team admin")
def _retries(world: World) -> None:
    retries = [t for t in history(world).retry_history if t.reason == "retry"]
    assert len(retries) == 3
    assert {t.actor for t in retries} == {world.actor("admin").label}


@then(parsers.parse('its last entry is "{reason}"'))
def _last_entry(world: World, reason: str) -> None:
    last = history(world).items[-1]
    assert last.to_state is MarketplaceState.ESCALATED
    assert last.reason == reason


@when(parsers.parse('support agent "{operator}" retries the {country} marketplace'))
def _support_retries(world: World, operator: str, country: str) -> None:
    marketplace = world.marketplace(country)
    world.attempt(
        world.app.support.retry_marketplace,
        world.connection_id,
        marketplace.marketplace_id,
        operator=operator,
    )


@then(parsers.parse('the {country} marketplace\'s last change was made by "{actor}"'))
def _last_change_by(world: World, country: str, actor: str) -> None:
    succeeded(world)
    marketplace = world.marketplace(country)
    transitions = world.app.support.marketplace_history(
        world.connection_id, marketplace.marketplace_id
    ).items
    assert transitions[-1].actor == actor


@then(parsers.parse('support\'s expiry forecast lists the {channel} of "{seller_id}" as "{text}"'))
def _forecast(world: World, channel: str, seller_id: str, text: str) -> None:
    forecast = world.app.support.token_forecast(days=30)
    items = [i for team in forecast.values() for i in team if i.selling_partner_id == seller_id]
    assert [(i.channel, i.status_text) for i in items] == [(CHANNELS[channel], text)]
    assert CHANNELS[channel] is Channel.SP_API


@then("the timeline shows, in order:")
def _timeline_in_order(world: World, datatable: list[list[str]]) -> None:
    header, *rows = datatable
    assert header == ["kind", "actor"]
    seen = [(str(e.kind), e.actor) for e in world.events()]
    position = 0
    for kind, actor in rows:
        assert (kind, actor) in seen[position:], (kind, actor, seen)
        position = seen.index((kind, actor), position) + 1
