"""Steps for the seller's data (features/records.feature): what the product's dashboard would
read through GET /api/v1/records, asked of the same use case."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from datetime import date, datetime, timedelta

from pytest_bdd import given, parsers, then, when

from adapters.worker import run_pass
from application.teams import UpdateTeamCommand
from domain.grant import Channel
from domain.records import Dataset
from domain.team import TeamChange
from features.steps.common import connect_as_admin, parse_duration
from tests.world import World


@given(parsers.parse("the team keeps {days:d} days of history"))
def _history_days(world: World, days: int) -> None:
    team = world.team
    assert team is not None
    world.app.update_team(UpdateTeamCommand(world.actor(), team.id, TeamChange(history_days=days)))


@given(parsers.parse('the team has connected the "{account}" vendor account with Vendor Central'))
def _vendor_central(world: World, account: str) -> None:
    connection = connect_as_admin(world, account)
    world.connect(account, Channel.SP_API, connection_id=connection.id)


@then("the dashboard shows orders, sales and traffic and inventory for DE and FR")
def _data_loaded(world: World) -> None:
    for country in ("DE", "FR"):
        marketplace_id = world.marketplace(country).marketplace_id
        found = Counter(r.dataset for r in world.all_records(marketplace_id=marketplace_id))
        for dataset in (Dataset.ORDERS, Dataset.SALES_TRAFFIC, Dataset.INVENTORY):
            assert found[dataset] > 0, (country, found)


@then(parsers.parse("the history of every dataset in {country} is loaded"))
def _history_loaded(world: World, country: str) -> None:
    marketplace_id = world.marketplace(country).marketplace_id
    sync = world.app.marketplace_sync(world.actor(), world.connection_id, marketplace_id).datasets
    assert sync
    assert all(d.progress_percent == 100 for d in sync), sync


@then("every day of orders and of sales and traffic is there, none twice")
def _every_day(world: World) -> None:
    orders = world.all_records(dataset=Dataset.ORDERS)
    assert len({r.key for r in orders}) == len(orders)
    hours = sorted(r.as_of for r in orders if r.as_of is not None)
    assert all(b - a == timedelta(hours=1) for a, b in itertools.pairwise(hours))
    days = sorted(
        {json.loads(r.payload)["date"] for r in world.all_records(dataset=Dataset.SALES_TRAFFIC)}
    )
    first = date.fromisoformat(days[0])
    assert days == [(first + timedelta(days=n)).isoformat() for n in range(len(days))]
    assert len(days) >= 28, days


@then("the dashboard shows the vendor's shipped units and glance views")
def _vendor_sales(world: World) -> None:
    found = [json.loads(r.payload) for r in world.all_records(dataset=Dataset.SALES_TRAFFIC)]
    assert found
    assert all(f["sales"]["shippedUnits"] >= 0 for f in found)
    assert all(f["traffic"]["glanceViews"] >= 0 for f in found)


@then("the dashboard shows ad campaigns")
def _campaigns(world: World) -> None:
    assert world.all_records(dataset=Dataset.ADS_CAMPAIGNS)


@then("nothing was asked of the Selling Partner API")
def _no_sp_api(world: World) -> None:
    sp_api = {"orders", "reports", "fba", "sellers", "listings", "feeds", "tokens"}
    paths = [e.request.path for e in world.amazon.exchanges]
    assert any(p.startswith("/reporting/") for p in paths)
    assert not [p for p in paths if p.split("/")[1] in sp_api]
    assert {r.dataset for r in world.all_records()} == {Dataset.ADS_CAMPAIGNS}


def _orders_until(world: World, country: str) -> datetime:
    marketplace_id = world.marketplace(country).marketplace_id
    sync = world.app.marketplace_sync(world.actor(), world.connection_id, marketplace_id)
    until = next(d.covered_until for d in sync.datasets if d.dataset is Dataset.ORDERS)
    assert until is not None
    return until


@when(parsers.parse("sellerlink's background work was stopped for {days:d} days"))
def _stopped(world: World, days: int) -> None:
    world.app.advance_all_setups()  # whatever was already due before the stop
    run_pass(world.app)
    world.notes["orders_until"] = {c: _orders_until(world, c) for c in ("DE", "FR")}
    world.clock.advance(timedelta(days=days))


@when(parsers.parse("sellerlink's background work runs every {seconds:d} seconds for {duration}"))
def _every(world: World, seconds: int, duration: str) -> None:
    end = world.clock.now() + parse_duration(duration)
    while world.clock.now() < end:
        run_pass(world.app)
        world.clock.advance(timedelta(seconds=seconds))


@then("the orders of DE and of FR have both moved on, neither more than a few days ahead")
def _both_moved(world: World) -> None:
    before = world.note("orders_until", dict)
    moved = {c: _orders_until(world, c) - before[c] for c in ("DE", "FR")}
    assert all(m >= timedelta(days=5) for m in moved.values()), moved
    assert abs(moved["DE"] - moved["FR"]) <= timedelta(days=4), moved
