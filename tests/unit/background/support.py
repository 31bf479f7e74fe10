"""A seller with a ready marketplace, and a way to let background time pass: what every
background test starts from."""

from __future__ import annotations

from datetime import datetime, timedelta

from attrs import define

from adapters.worker import run_pass
from application.app import Application
from application.context import Actor
from application.marketplaces import UpdateMarketplaceCommand
from application.repositories import EventLogQuery
from application.teams import UpdateTeamCommand
from bootstrap.system import SettableClock
from domain.connection import Health
from domain.events import AuditEvent
from domain.grant import Channel
from domain.marketplace import MarketplaceState
from domain.team import TeamChange
from tests.world import World

US = "ATVPDKIKX0DER"


@define
class Background:
    world: World
    connection_id: str
    marketplace_id: str

    @property
    def app(self) -> Application:
        return self.world.app

    @property
    def clock(self) -> SettableClock:
        return self.world.clock

    def pass_(self) -> None:
        run_pass(self.app)

    def live(self, duration: timedelta, *, step: timedelta) -> None:
        """Let `duration` pass, one reconciler pass every `step`."""
        end = self.clock.now() + duration
        while self.clock.now() < end:
            self.clock.advance(min(step, end - self.clock.now()))
            run_pass(self.app)

    def health(self) -> Health:
        return self.app.get_connection(self.world.actor(), self.connection_id).health

    def events(self, kind: str) -> list[AuditEvent]:
        with self.app.ports.uow() as uow:
            found = uow.events.list(
                EventLogQuery(connection_id=self.connection_id, kinds=[kind], limit=10_000)
            )
        return list(reversed(found))

    def expires_at(self) -> datetime:
        with self.app.ports.uow() as uow:
            connection = uow.connections.get(self.connection_id)
        assert connection is not None
        expires = connection.grants[Channel.SP_API].expires_at
        assert expires is not None
        return expires

    def marketplace_state(self) -> MarketplaceState:
        with self.app.ports.uow() as uow:
            marketplace = uow.marketplaces.get(self.connection_id, self.marketplace_id)
        assert marketplace is not None
        return marketplace.state


def ready_seller(world: World, *, history_days: int = 1) -> Background:
    """A US seller connected on Ads and SP-API whose US marketplace the worker has set up
    and synced (one day of history unless asked: the most recent windows cover it). What
    Amazon was asked for until Ready is forgotten, so tests count from Ready on."""
    team = world.create_team("Acme")
    world.app.update_team(
        UpdateTeamCommand(Actor("owner@acme"), team.id, TeamChange(history_days=history_days))
    )
    result = world.connect_fully("us-seller")
    connection_id = result.connection.id
    world.app.update_marketplace(
        UpdateMarketplaceCommand(world.actor(), connection_id, US, selected=True)
    )
    background = Background(world, connection_id, US)
    for _ in range(3):
        background.pass_()
    assert background.marketplace_state() is MarketplaceState.READY
    exchanges = getattr(world.amazon, "exchanges", None)  # the in-process sandbox's log
    if exchanges is not None:
        exchanges.clear()
    return background
