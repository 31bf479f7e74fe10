"""Steps for the background worker (features/background.feature): letting time pass with
the worker running, the expiry warnings, token renewals and the retrieved data windows.
Every step drives the application through the `world` driver and the worker's own pass."""

from __future__ import annotations

import itertools
import threading
from datetime import timedelta

from pytest_bdd import parsers, then, when

from adapters.worker import run_pass
from domain.events import AuditEvent, EventKind
from domain.grant import Channel
from domain.marketplace import MarketplaceState
from features.steps.common import parse_duration
from tests.world import World


def _baseline(world: World) -> None:
    world.notes.setdefault("refresh_calls", world.amazon.refresh_calls)


def _warnings(world: World) -> list[AuditEvent]:
    return [e for e in world.events() if e.kind is EventKind.TOKEN_EXPIRING]


@when("sellerlink's background work runs")
def _one_pass(world: World) -> None:
    _baseline(world)
    run_pass(world.app)


@when(parsers.parse("sellerlink looks after the connection for {duration}"))
def _look_after(world: World, duration: str) -> None:
    """Time passes with the worker doing a pass every hour (every 12 hours over weeks)."""
    _baseline(world)
    total = parse_duration(duration)
    step = timedelta(hours=1) if total <= timedelta(days=2) else timedelta(hours=12)
    end = world.clock.now() + total
    while world.clock.now() < end:
        world.clock.advance(min(step, end - world.clock.now()))
        run_pass(world.app)


@when(parsers.parse("{count:d} requests need the Selling Partner API token at the same moment"))
def _concurrent_requests(world: World, count: int) -> None:
    _baseline(world)
    barrier = threading.Barrier(count)
    tokens: list[str] = []
    connection_id = world.connection_id

    def request() -> None:
        barrier.wait()
        token = world.app.get_access_token(connection_id, Channel.SP_API)
        tokens.append(token.token.reveal())

    threads = [threading.Thread(target=request) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    world.notes["tokens"] = tokens


@then(parsers.parse('the seller is warned "{text}"'))
def _warned(world: World, text: str) -> None:
    summaries = [e.summary for e in _warnings(world)]
    assert any(text in s for s in summaries), summaries


@then(parsers.re(r"the seller was warned (?P<count>\d+) times?"))
def _warned_times(world: World, count: str) -> None:
    warnings = _warnings(world)
    assert len(warnings) == int(count), [e.summary for e in warnings]
    stages = [e.data["stage"] for e in warnings]
    assert len(set(stages)) == len(stages), stages


@then(parsers.parse('the {which} warning says "{text}"'))
def _nth_warning(world: World, which: str, text: str) -> None:
    warnings = _warnings(world)
    assert warnings, "no warning was given"
    event = warnings[0] if which == "first" else warnings[-1]
    assert text in event.summary, event.summary


@then(parsers.re(r"Amazon was asked for (?P<count>\d+) new access tokens?"))
def _refreshes(world: World, count: str) -> None:
    baseline = world.note("refresh_calls", int)
    assert world.amazon.refresh_calls - baseline == int(count)


@then(parsers.parse("all {count:d} requests got the same token"))
def _same_token(world: World, count: int) -> None:
    tokens = world.note("tokens", list)
    assert len(tokens) == count
    assert len(set(tokens)) == 1


@then("no data was retrieved after the app was removed")
def _nothing_after_removal(world: World) -> None:
    lost_at = world.notes["access_lost_at"]
    assert all(end <= lost_at for *_, end in world.amazon.sync_windows)  # type: ignore[operator]


@then(
    parsers.parse(
        "every hour of the {country} marketplace's orders up to now was retrieved exactly once"
    )
)
def _retrieved_once(world: World, country: str) -> None:
    """From the history the team keeps, through Ready, to a window's lag behind now."""
    marketplace = world.marketplace(country)
    history = world.app.marketplace_history(
        world.actor(), world.connection_id, marketplace.marketplace_id
    )
    ready_at = next(t.at for t in history.items if t.to_state is MarketplaceState.READY)
    windows = sorted((start, end) for *_, start, end in world.amazon.sync_windows)
    assert windows, "nothing was retrieved"
    assert windows[0][0] < ready_at
    for (_, end), (start, _) in itertools.pairwise(windows):
        assert start == end, f"gap or overlap between {end} and {start}"
    assert world.clock.now() - windows[-1][1] < timedelta(hours=1, minutes=2)
