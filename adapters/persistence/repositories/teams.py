"""Teams (optimistic concurrency on `version`) and memberships."""

from __future__ import annotations

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.orm import InstrumentedAttribute

from adapters.persistence.mappers import (
    membership_from_row,
    membership_to_row,
    team_from_row,
    team_to_row,
)
from adapters.persistence.repositories.base import SqlRepository
from adapters.persistence.team_rows import MembershipRow, TeamRow
from domain.team import Membership, Team


class SqlTeamRepository(SqlRepository):
    def add(self, team: Team) -> None:
        self._add(team, team_to_row(team))

    def get(self, team_id: str) -> Team | None:
        return self._one(select(TeamRow).where(TeamRow.id == team_id), team_from_row)

    def list_all(self) -> list[Team]:
        rows = self._current(select(TeamRow).order_by(TeamRow.id))
        return [self._uow.watch(team_from_row(row)) for row in rows]

    def update(self, team: Team) -> None:
        self._write_back(
            team,
            team_to_row(team),
            f"Team {team.id}",
            {"team_id": team.id, "version": team.version},
        )


class SqlMembershipRepository(SqlRepository):
    def get(self, team_id: str, user_id: str) -> Membership | None:
        return self._one(
            select(MembershipRow).where(
                MembershipRow.team_id == team_id, MembershipRow.user_id == user_id
            ),
            membership_from_row,
        )

    def list_for_team(self, team_id: str) -> list[Membership]:
        return self._by_joining(MembershipRow.team_id == team_id, MembershipRow.user_id)

    def list_for_user(self, user_id: str) -> list[Membership]:
        return self._by_joining(MembershipRow.user_id == user_id, MembershipRow.team_id)

    def put(self, membership: Membership) -> None:
        self._upsert(membership_to_row(membership), key=("team_id", "user_id"))

    def remove(self, team_id: str, user_id: str) -> None:
        self._uow.prepare_write()
        self._session.execute(
            delete(MembershipRow).where(
                MembershipRow.team_id == team_id, MembershipRow.user_id == user_id
            )
        )

    def _by_joining(
        self, where: ColumnElement[bool], then: InstrumentedAttribute[str]
    ) -> list[Membership]:
        """The memberships `where` holds, in the order their members joined (`then` breaks
        ties)."""
        rows = self._current(
            select(MembershipRow).where(where).order_by(MembershipRow.joined_at, then)
        )
        return [membership_from_row(r) for r in rows]
