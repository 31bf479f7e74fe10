"""The rotate-by date of the app's newest client secret: warnings at 90, 30 and
7 days, each once, as an `app.credentials_expiring` event for every team with connections
(which the event log carries on to webhooks), and in /ready's warnings; a new secret with a
new date starts over. Backoff steps grow and cap."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from dependency_injector import providers
from litestar.testing import TestClient

from application.reconciler import JobKind
from application.repositories import EventLogQuery
from bootstrap.container import Container
from bootstrap.system import SettableClock
from bootstrap.web import create_app
from domain.app_credentials import AppCredential, AppCredentialState, backoff_step
from domain.grant import Channel
from tests.world import World


def _credential(rotate_by: date) -> AppCredential:
    return AppCredential(Channel.SP_API, "amzn1.application-oa2-client.x", 2, "f1", rotate_by)


def _expiring(world: World) -> list[str]:
    with world.app.ports.uow() as uow:
        events = sorted(uow.events.list(EventLogQuery()), key=lambda e: e.at)
    return [e.data["threshold_days"] for e in events if e.kind == "app.credentials_expiring"]


def _pass(world: World) -> None:
    for job in world.app.reconcile():
        world.app.run_job(job)


def test_each_threshold_is_warned_once(container: Container, clock: SettableClock) -> None:
    rotate_by = (clock.now() + timedelta(days=100)).date()
    container.app_credentials.override(providers.Object((_credential(rotate_by),)))
    world = World(app=container.application(), clock=clock, amazon=container.amazon())
    world.create_team("Acme")
    world.connect_fully("us-seller")
    _pass(world)
    assert _expiring(world) == [], "100 days left: nothing yet"
    clock.advance(timedelta(days=11))
    jobs = world.app.reconcile()
    assert [j.kind for j in jobs if j.kind is JobKind.APP_CREDENTIALS_WARNING]
    _pass(world)
    _pass(world)
    assert _expiring(world) == ["90"]
    clock.advance(timedelta(days=60))
    _pass(world)
    clock.advance(timedelta(days=1))
    _pass(world)
    assert _expiring(world) == ["90", "30"]
    clock.advance(timedelta(days=25))
    _pass(world)
    assert _expiring(world) == ["90", "30", "7"]
    with TestClient(create_app(container)) as client:
        ready = client.get("/ready")
    assert ready.status_code == 200
    assert ready.json()["warnings"] == [
        f"APP_CREDENTIALS_EXPIRING: Rotate the SP-API client secret by {rotate_by} (3 days left)."
    ]


def test_a_new_rotate_by_date_starts_the_warnings_over() -> None:
    state = AppCredentialState(Channel.SP_API)
    old = _credential(date(2027, 1, 10))
    now = datetime(2027, 1, 5, tzinfo=UTC)
    assert state.needs_warning(old, now) == 7
    state.warned_about(old, 7, now)
    assert state.needs_warning(old, now) is None
    assert state.needs_warning(_credential(date(2027, 3, 1)), now) == 90


def test_backoff_steps_double_up_to_half_an_hour() -> None:
    assert [backoff_step(n).total_seconds() / 60 for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]
