"""What the aggregates of one unit of work announced, written to the audit log when it
commits (domain/events.py says why the log is written this way).

Both units of work (SQL and in memory) share this: each repository shows it every aggregate
it hands out or is given, and `commit()` turns their new events into `AuditEvent`s in the
same transaction as the changes. A rollback, or leaving without `commit()`, drops them with
the changes, so the log holds every change and nothing that was undone.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Protocol, TypeVar

from attrs import evolve

from application.context import REQUEST_ID
from domain.connection import Connection
from domain.events import AuditEvent, DomainEvent, EventSource

T = TypeVar("T")


class EventIds(Protocol):
    def new_id(self, prefix: str) -> str: ...


class RandomEventIds:
    """For a database built without the application's id generator (tools, tests)."""

    def new_id(self, prefix: str) -> str:
        return f"{prefix}_{uuid.uuid4().hex}"


class Announcements:
    def __init__(self, ids: EventIds) -> None:
        self._ids = ids
        self._seen: dict[int, EventSource] = {}

    def watch(self, value: T) -> T:
        if isinstance(value, EventSource):
            self._seen[id(value)] = value
        return value

    def watch_all(self, values: list[T]) -> list[T]:
        for value in values:
            self.watch(value)
        return values

    def collect_new_events(self) -> list[DomainEvent]:
        """In the order they were announced, across aggregates."""
        events = [e for source in self._seen.values() for e in source.take_events()]
        return sorted(events, key=lambda e: e.order)

    def drop(self) -> None:
        for source in self._seen.values():
            source.take_events()
        self._seen.clear()

    def log(
        self,
        append: Callable[[AuditEvent], None],
        team_of: Callable[[str], str | None],
    ) -> None:
        """Append the new events; an event announced without its team (a marketplace's)
        takes the team of its connection."""
        teams = {s.id: s.team_id for s in self._seen.values() if isinstance(s, Connection)}
        for event in self.collect_new_events():
            team_id = event.team_id
            if team_id is None and event.connection_id is not None:
                if event.connection_id not in teams:
                    teams[event.connection_id] = team_of(event.connection_id) or ""
                team_id = teams[event.connection_id]
            if not team_id:
                raise RuntimeError(f"event {event.kind} has no team to be logged under")
            logged = event.logged_as(self._ids.new_id("evt"), team_id)
            request_id = REQUEST_ID.get()
            if request_id is not None and "request_id" not in logged.data:
                logged = evolve(logged, data={**logged.data, "request_id": request_id})
            append(logged)
