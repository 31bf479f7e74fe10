"""Steps for token status, revocation, reconnect and disconnect (seeds 001, 002, 003, 004)."""

from __future__ import annotations

from datetime import datetime

from pytest_bdd import given, parsers, then, when

from application.tokens import RefreshSweepResult
from domain.connection import Health
from domain.events import EventKind
from domain.grant import Channel
from features.steps.common import CHANNELS, parse_duration, role, succeeded
from tests.world import World


@when(parsers.parse("the Selling Partner API authorization has {time_left} left"))
def _time_left(world: World, time_left: str) -> None:
    expires_at = world.view().grant(Channel.SP_API).expires_at
    assert expires_at is not None
    world.clock.set(expires_at - parse_duration(time_left))


@when("the background token sweep runs")
def _sweep(world: World) -> None:
    world.notes["sweep"] = world.sweep_tokens()


@then(parsers.parse("the sweep renewed {count:d} access tokens"))
def _renewed(world: World, count: int) -> None:
    sweep = world.note("sweep", RefreshSweepResult)
    assert sweep.refreshed == count
    assert sweep.revoked == 0


@then("nobody was sent back to Amazon to authorize again")
def _no_new_consent(world: World) -> None:
    assert world.amazon.exchange_calls == world.notes["exchange_calls"]


@given("Amazon is not answering")
def _amazon_down(world: World) -> None:
    world.amazon.unavailable = True


@when("Amazon answers again")
def _amazon_back(world: World) -> None:
    world.amazon.unavailable = False


def _revoke(world: World, account: str) -> None:
    world.seller_revokes(account)
    world.notes["access_lost_at"] = world.clock.now()


@when("the seller removes the app in Seller Central")
def _seller_revokes(world: World) -> None:
    account = world.note("account", str)
    _revoke(world, account)


@when(parsers.parse('the seller of "{account}" removes the app in Seller Central'))
def _seller_of_account_revokes(world: World, account: str) -> None:
    _revoke(world, account)


@then(parsers.parse("sellerlink can no longer use the {channel}: {code}"))
def _cannot_use(world: World, channel: str, code: str) -> None:
    world.attempt(world.app.get_access_token, world.connection_id, CHANNELS[channel])
    assert world.error is not None, "the connection was still usable"
    assert world.error.code == code


@when(parsers.parse('a team {who} reconnects advertising as "{account}"'))
def _reconnect_ads(world: World, who: str, account: str) -> None:
    world.attempt(world.reconnect, account, Channel.ADS, world.actor(role(who)))


@when(parsers.parse('a team {who} reconnects the Selling Partner API as "{account}"'))
def _reconnect_sp_api(world: World, who: str, account: str) -> None:
    world.attempt(world.reconnect, account, Channel.SP_API, world.actor(role(who)))


def _backfill_from(world: World) -> datetime:
    succeeded(world)
    scheduled = [e for e in world.events() if e.kind is EventKind.BACKFILL_SCHEDULED]
    assert scheduled, "no backfill was scheduled"
    assert scheduled[-1].data["until"] == world.clock.now().isoformat()
    return datetime.fromisoformat(scheduled[-1].data["from"])


@then("a backfill of the missed data is scheduled from when access was lost")
def _backfill_since_revocation(world: World) -> None:
    lost_at = world.note("access_lost_at", datetime)
    assert _backfill_from(world) == lost_at


@then("a backfill of the missed data is scheduled from when the authorization expired")
def _backfill_since_expiry(world: World) -> None:
    assert _backfill_from(world) == world.notes["sp_api_expires_at"]


@then("the timeline still shows the connection being created")
def _history_kept(world: World) -> None:
    created = [e for e in world.events() if e.kind is EventKind.CONNECTION_CREATED]
    assert len(created) == 1
    assert created[0].connection_id == world.notes["first_connection_id"]


@then(
    parsers.parse(
        'support sees the connection as disconnected with "{text}" for both authorizations'
    )
)
def _support_sees_disconnected(world: World, text: str) -> None:
    view = world.support_view()
    assert view.health is Health.DISCONNECTED
    assert view.disconnected_at is not None
    assert [g.status_text for g in view.grants] == [text, text]
