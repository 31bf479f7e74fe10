"""Named leases (application/unit_of_work.py LeaseRepository): one upsert claims a lease
that is free, ran out or is the claimer's own, on SQLite and PostgreSQL alike, so two
processes racing for it cannot both win."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Table, delete, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from adapters.persistence.repositories.base import SqlRepository
from adapters.persistence.shared_state_rows import LeaseRow

_T: Table = LeaseRow.__table__  # type: ignore[assignment]


class SqlLeaseRepository(SqlRepository):
    def claim(self, name: str, claimer: str, *, now: datetime, until: datetime) -> bool:
        self._uow.prepare_write()
        dialect = postgresql if self._uow.dialect == "postgresql" else sqlite
        statement = dialect.insert(_T).values(name=name, claimed_by=claimer, claimed_until=until)
        statement = statement.on_conflict_do_update(
            index_elements=["name"],
            set_={"claimed_by": claimer, "claimed_until": until},
            where=or_(_T.c.claimed_until <= now, _T.c.claimed_by == claimer),
        ).returning(_T.c.name)
        return self._session.execute(statement).first() is not None

    def release(self, name: str, claimer: str) -> None:
        self._uow.prepare_write()
        self._session.execute(delete(_T).where(_T.c.name == name, _T.c.claimed_by == claimer))

    def holder(self, name: str) -> tuple[str, datetime] | None:
        row = self._session.execute(
            select(_T.c.claimed_by, _T.c.claimed_until).where(_T.c.name == name)
        ).first()
        return None if row is None else (row.claimed_by, row.claimed_until)
