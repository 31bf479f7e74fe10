"""What an operator's dashboard reads from the database (DESIGN §15): connections by
health, marketplaces by state, background jobs due, and the app credentials' state. The
web adapter turns it into Prometheus gauges just before a scrape, so every replica answers
the same numbers and workers need not be scraped for them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import datetime

from attrs import define, field, frozen

from application.app_credentials import CheckAppCredentials
from application.context import Ports
from application.queries import ConnectionRowsQuery
from application.reconciler import Reconciler
from application.repositories import EventLogQuery
from application.views import ConnectionView
from domain.connection import Health
from domain.marketplace import MarketplaceState


@frozen
class Snapshot:
    connections_by_health: Mapping[str, int]
    marketplaces_by_state: Mapping[str, int]
    jobs_due_by_kind: Mapping[str, int]
    app_credentials_rejected: Mapping[str, int] = field(factory=dict)
    rotate_by_days: Mapping[str, float] = field(factory=dict)


@define
class TakeSnapshot:
    ports: Ports
    reconcile: Reconciler
    app_credentials: CheckAppCredentials

    def __call__(self) -> Snapshot:
        now = self.ports.clock.now()
        # The read side (a few statements), not every aggregate with its history: a scrape
        # of a year-old installation took seconds of the server's CPU.
        with self.ports.uow() as uow:
            rows = uow.reads.connections(ConnectionRowsQuery())
        health = Counter(str(ConnectionView.of_facts(f, now=now).health) for f in rows.rows)
        marketplaces: Counter[str] = Counter()
        for facts in rows.rows:
            for state, count in facts.marketplace_states.items():
                marketplaces[str(state)] += count
        jobs = Counter(str(job.kind) for job in self.reconcile())
        return Snapshot(
            connections_by_health={str(h): health.get(str(h), 0) for h in Health},
            marketplaces_by_state={str(s): marketplaces.get(str(s), 0) for s in MarketplaceState},
            jobs_due_by_kind=dict(jobs),
            app_credentials_rejected=self.app_credentials.rejected(),
            rotate_by_days=self.app_credentials.days_left(),
        )


def latest_recorded_instant(ports: Ports) -> datetime | None:
    """The newest instant the database holds: every change is in the event log, so its
    newest entry. A simulated clock restarted behind it resumes from here (DESIGN §9: time
    never runs backwards: new history was once stamped before older entries)."""
    with ports.uow() as uow:
        newest = uow.events.list(EventLogQuery(limit=1))
    return newest[0].at if newest else None
