"""The seller's data reaches records (DESIGN §12): Ready after the most recent window of every
dataset, history filled backwards with progress, snapshots, vendors, fairness, a reconnect
gap filled with no day missing and no key twice. In memory, against the in-process sandbox
(the same Amazon as over HTTP)."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from datetime import date, timedelta

from adapters.worker import run_pass
from application.context import Actor
from application.marketplaces import UpdateMarketplaceCommand
from application.teams import UpdateTeamCommand
from domain.grant import Channel
from domain.marketplace import MarketplaceState
from domain.records import Dataset
from domain.team import TeamChange
from tests.unit.background.support import US, Background
from tests.world import World

DE, FR = "A1PA6795UKMFR9", "A13V1IB3VIYZZH"
DAY = timedelta(days=1)


def connected(world: World, account: str, *countries: str, history_days: int = 7) -> str:
    team = world.create_team("Acme", plan=_pro())
    world.app.update_team(
        UpdateTeamCommand(Actor("owner@acme"), team.id, TeamChange(history_days=history_days))
    )
    connection_id = world.connect_fully(account).connection.id
    if account == "vendor-central":
        world.connect(account, Channel.SP_API, connection_id=connection_id)
    for country in countries:
        marketplace = _marketplace_id(world, connection_id, country)
        world.app.update_marketplace(
            UpdateMarketplaceCommand(world.actor(), connection_id, marketplace, selected=True)
        )
    return connection_id


def _pro():  # type: ignore[no-untyped-def]
    from domain.team import Plan

    return Plan.PRO


def _marketplace_id(world: World, connection_id: str, country: str) -> str:
    views = world.app.list_marketplaces(world.actor(), connection_id)
    return next(v.marketplace_id for v in views if v.country_code == country)


_SP_API_ROOTS = {"orders", "reports", "fba", "sellers", "listings", "feeds", "tokens"}


def data_calls(world: World) -> list[str]:
    """The data operations Amazon answered (not Login with Amazon), in order."""
    return [
        e.request.path
        for e in world.amazon.exchanges
        if e.request.path.split("/")[1] in _SP_API_ROOTS | {"reporting", "sp", "v2"}
    ]


def sp_api_calls(world: World) -> list[str]:
    return [p for p in data_calls(world) if p.split("/")[1] in _SP_API_ROOTS]


def state(world: World, connection_id: str, marketplace_id: str) -> MarketplaceState:
    views = world.app.list_marketplaces(world.actor(), connection_id)
    return next(v.state for v in views if v.marketplace_id == marketplace_id)


def test_ready_comes_after_the_latest_window_of_every_dataset_then_history_fills(
    world: World,
) -> None:
    connection_id = connected(world, "eu-seller", "DE", "FR")
    run_pass(world.app)  # setup: Setting up -> Syncing
    assert world.all_records() == []
    assert state(world, connection_id, DE) is MarketplaceState.SYNCING
    run_pass(world.app)  # the most recent windows, then history
    run_pass(world.app)
    assert state(world, connection_id, DE) is MarketplaceState.READY
    for marketplace in (DE, FR):
        found = Counter(r.dataset for r in world.all_records(marketplace_id=marketplace))
        # Five advertising profiles: none chosen yet, so no ad campaigns.
        assert set(found) == set(Dataset) - {Dataset.ADS_CAMPAIGNS}, found
    for _ in range(6):
        run_pass(world.app)
    sync = world.app.marketplace_sync(world.actor(), connection_id, DE).datasets
    assert {d.dataset for d in sync} == set(Dataset) - {Dataset.ADS_CAMPAIGNS}
    assert all(d.progress_percent == 100 for d in sync), sync
    earliest = min(r.as_of for r in world.all_records(marketplace_id=DE, dataset=Dataset.ORDERS))
    assert earliest <= world.clock.now() - 7 * DAY + timedelta(hours=1)
    history = [e for e in world.events() if e.kind == "sync.backfill_completed"]
    assert {e.data["reason"] for e in history} == {"history"}


def test_retention_keeps_only_the_teams_history_days(world: World) -> None:
    connected(world, "us-seller", "US", history_days=2)
    Background(world, "con_7", US).live(5 * DAY, step=timedelta(hours=6))
    oldest = min(r.as_of for r in world.all_records() if r.as_of is not None)
    assert oldest >= world.clock.now() - 3 * DAY


def test_fetching_the_same_data_again_changes_nothing(world: World) -> None:
    connection_id = connected(world, "us-seller", "US", history_days=1)
    for _ in range(3):
        run_pass(world.app)
    before = {(r.dataset, r.key): r for r in world.all_records()}
    # An hour on, the inventory snapshot is asked for again and Amazon's answer is the same
    # as before for every SKU whose quantity has not moved since midnight.
    world.clock.advance(timedelta(hours=1))
    run_pass(world.app)
    after = world.all_records(connection_id=connection_id)
    same = [
        r for r in after if (k := (r.dataset, r.key)) in before and r.payload == before[k].payload
    ]
    assert any(r.dataset is Dataset.INVENTORY for r in same)
    assert all(r.sequence == before[(r.dataset, r.key)].sequence for r in same)
    moved = [
        r for r in after if (k := (r.dataset, r.key)) in before and r.payload != before[k].payload
    ]
    assert all(r.sequence > before[(r.dataset, r.key)].sequence for r in moved)
    assert len({(r.dataset, r.key) for r in after}) == len(after)


def test_an_fba_sku_amazon_no_longer_lists_is_marked_deleted(world: World) -> None:
    connected(world, "us-seller", "US", history_days=1)
    for _ in range(3):
        run_pass(world.app)
    listed = {r.key for r in world.all_records(dataset=Dataset.INVENTORY) if not r.deleted}
    # The sandbox takes every seventh SKU out of the catalogue on odd weeks (as a seller's
    # FBA catalogue changes): a week on, the snapshot has lost or regained them.
    world.clock.advance(7 * DAY)
    run_pass(world.app)
    inventory = {r.key: r for r in world.all_records(dataset=Dataset.INVENTORY)}
    gone = {k for k, r in inventory.items() if r.deleted}
    assert gone or set(inventory) - listed
    if gone:
        assert gone < listed
    assert any(not r.deleted for r in inventory.values())
    updated = [e for e in world.events() if e.kind == "records.updated"]
    assert any(e.data["dataset"] == "inventory" for e in updated)


def test_a_vendor_on_ads_alone_gets_ad_campaigns_and_sp_api_is_never_asked(
    world: World,
) -> None:
    connected(world, "vendor", "US", history_days=3)
    for _ in range(4):
        run_pass(world.app)
    assert {r.dataset for r in world.all_records()} == {Dataset.ADS_CAMPAIGNS}
    assert data_calls(world)
    assert sp_api_calls(world) == []  # Ads only: nothing is asked of SP-API
    row = json.loads(world.all_records()[0].payload)
    assert {"date", "campaignId", "impressions", "clicks", "cost"} <= set(row)


def test_a_vendor_with_vendor_central_gets_its_sales_and_traffic(world: World) -> None:
    connection_id = connected(world, "vendor-central", "US", history_days=2)
    for _ in range(4):
        run_pass(world.app)
    assert state(world, connection_id, US) is MarketplaceState.READY
    sales = world.all_records(dataset=Dataset.SALES_TRAFFIC)
    assert sales
    first = json.loads(sales[0].payload)
    assert first["sales"]["shippedUnits"] >= 1
    assert first["traffic"]["glanceViews"] >= 1
    assert {r.dataset for r in world.all_records()} == {
        Dataset.SALES_TRAFFIC,
        Dataset.ADS_CAMPAIGNS,
    }


def test_one_marketplaces_backlog_never_starves_another(world: World) -> None:
    connection_id = connected(world, "eu-seller", "DE", "FR", history_days=90)
    for _ in range(4):
        run_pass(world.app)
        world.clock.advance(timedelta(minutes=10))  # the seller's rate budget refills
    sync = {
        m: world.app.marketplace_sync(world.actor(), connection_id, m).datasets for m in (DE, FR)
    }
    # Both are Ready and both got history in the same passes, neither waited for the other.
    assert state(world, connection_id, DE) is state(world, connection_id, FR)
    assert state(world, connection_id, FR) is MarketplaceState.READY
    progress = {m: sum(d.progress_percent for d in sync[m]) for m in sync}
    assert progress[DE] > 0
    assert progress[FR] > 0
    assert abs(progress[DE] - progress[FR]) <= 10


def test_a_reconnect_after_ten_days_fills_the_gap_no_day_missing_no_key_twice(
    world: World,
) -> None:
    connection_id = connected(world, "us-seller", "US", history_days=30)
    background = Background(world, connection_id, US)
    background.live(timedelta(hours=6), step=timedelta(hours=1))
    world.amazon.revoke("us-seller")
    background.live(10 * DAY, step=timedelta(hours=12))
    assert world.app.get_connection(world.actor(), connection_id).health == "reconnect_required"
    paused = len(data_calls(world))
    background.live(timedelta(hours=12), step=timedelta(hours=6))
    assert len(data_calls(world)) == paused  # revoked: the sync pauses
    world.connect("us-seller", Channel.ADS, connection_id=connection_id)
    world.connect("us-seller", Channel.SP_API, connection_id=connection_id)
    background.live(timedelta(days=2), step=timedelta(hours=2))

    orders = world.all_records(dataset=Dataset.ORDERS)
    hours = sorted(r.as_of for r in orders)
    assert all(b - a == timedelta(hours=1) for a, b in itertools.pairwise(hours))
    assert len({r.key for r in orders}) == len(orders)
    days = sorted(
        {json.loads(r.payload)["date"] for r in world.all_records(dataset=Dataset.SALES_TRAFFIC)}
    )
    assert len(days) >= 28  # about the 30 days kept, gap included: every day
    first = date.fromisoformat(days[0])
    assert days == [(first + timedelta(days=n)).isoformat() for n in range(len(days))]
    done = [e for e in world.events() if e.kind == "sync.backfill_completed"]
    assert {e.data["dataset"] for e in done if e.data["reason"] == "reconnect"} >= {
        "orders",
        "sales_traffic",
    }


def test_the_first_day_history_fetched_is_kept_by_retention(world: World) -> None:
    """A daily report's history reaches back to the midnight before `history_from`: the
    next regular cycle's retention must not delete that day again (Amazon asked for
    nothing, the records' sequence numbers handed out for nothing, and "100 %" history
    missing its first day)."""
    connection_id = connected(world, "us-seller", "US", history_days=2)
    for _ in range(4):
        run_pass(world.app)
    first_day = (world.clock.now() - 2 * DAY).date().isoformat()
    days = {json.loads(r.payload)["date"] for r in world.all_records(dataset=Dataset.SALES_TRAFFIC)}
    assert first_day in days
    world.clock.advance(timedelta(hours=1))  # the next regular cycle (and its retention)
    run_pass(world.app)
    days = {json.loads(r.payload)["date"] for r in world.all_records(dataset=Dataset.SALES_TRAFFIC)}
    assert first_day in days
    sync = world.app.marketplace_sync(world.actor(), connection_id, US).datasets
    assert all(d.progress_percent == 100 for d in sync), sync
