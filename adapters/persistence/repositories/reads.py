"""The read side in SQL (application/queries.py): a page of connections is three statements
(the connections with the caller's membership and selected profile, their grants, their
marketplace counts by state), a connection's marketplaces one, whatever the history behind
them. Columns are selected, not rows mapped to objects: nothing here is written back."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    exists,
    func,
    or_,
    select,
    text,
)

from adapters.persistence import by_name
from adapters.persistence.connection_rows import ConnectionRow, GrantRow, MarketplaceRow, ProfileRow
from adapters.persistence.mappers import channels_of, marketplace_from_rows
from adapters.persistence.repositories.base import SqlRepository, chunks
from adapters.persistence.team_rows import MembershipRow
from application.queries import (
    Access,
    ConnectionFacts,
    ConnectionRows,
    ConnectionRowsQuery,
    GrantFacts,
)
from domain.marketplace import Marketplace, MarketplaceState
from domain.profile import AdsAccountType, Profile
from domain.team import Membership, Role

C, G, M, P, MK = ConnectionRow, GrantRow, MembershipRow, ProfileRow, MarketplaceRow

_CONNECTION = (
    C.id,
    C.team_id,
    C.account_type,
    C.region,
    C.selling_partner_id,
    C.ads_account_id,
    C.display_name,
    C.created_at,
    C.disconnected_at,
    C.required_channels,
    C.profile_auto_selected,
    C.version,
    P.profile_id,
    P.country_code,
    P.currency_code,
    P.marketplace_id,
    P.account_type.label("profile_account_type"),
    P.account_name,
    P.account_id,
    P.timezone,
)
_PROFILE_OF = and_(P.connection_id == C.id, P.profile_id == C.selected_profile_id)

# The team stamp (ReadModels.team_stamp): the team's row of team_stamps, which triggers
# move on every write a page shows (migration 0014); no row yet reads as 0. Plain SQL every
# back end runs as written, built once (no statement to build or cache-key per call);
# quick_reads.py runs the same text through the DBAPI with qmark parameters.
STAMP_SQL = {
    "member": "SELECT m.role, m.joined_at, coalesce((SELECT s.version FROM team_stamps s "
    "WHERE s.team_id = m.team_id), 0) AS version "
    "FROM memberships m WHERE m.team_id = {team_id} AND m.user_id = {viewer}",
    "team": "SELECT NULL AS role, NULL AS joined_at, coalesce((SELECT s.version "
    "FROM team_stamps s WHERE s.team_id = {team_id}), 0) AS version",
}
_MEMBER_STAMP = text(STAMP_SQL["member"].format(team_id=":team_id", viewer=":viewer")).columns(
    role=M.role.type, joined_at=M.joined_at.type
)
_STAMP = text(STAMP_SQL["team"].format(team_id=":team_id"))


def read_team_stamp(
    sql: Connection, team_id: str, viewer: str | None
) -> tuple[Access, tuple[int, ...]]:
    """ReadModels.team_stamp on a Core connection."""
    if viewer is None:
        row = sql.execute(_STAMP, {"team_id": team_id}).one()
        return Access(None), (int(row.version),)
    found = sql.execute(_MEMBER_STAMP, {"team_id": team_id, "viewer": viewer}).first()
    if found is None:
        return Access(None), ()
    membership = Membership(team_id, viewer, Role(found.role), found.joined_at)
    return Access(membership), (int(found.version),)


class SqlReadModels(SqlRepository):
    @property
    def _sql(self) -> Connection:
        """The unit of work's connection: Core statements, no ORM bookkeeping on reads."""
        return self._session.connection()

    def connections(self, query: ConnectionRowsQuery) -> ConnectionRows:
        member, connection_id = query.member, query.connection_id
        conditions = [C.id == connection_id] if connection_id is not None else _conditions(query)
        statement: Select[Any]
        if member is not None:
            # The membership is the statement's first table: one row with empty connection
            # columns is a member with nothing to show; no row at all is a non-member.
            if connection_id is None:
                conditions.append(C.team_id == M.team_id)
            statement = (
                select(M.role, M.joined_at, *_CONNECTION)
                .select_from(M)
                .outerjoin(C, and_(*conditions))
                .outerjoin(P, _PROFILE_OF)
                .where(M.team_id == member[0], M.user_id == member[1])
            )
        else:
            statement = (
                select(*_CONNECTION).select_from(C).outerjoin(P, _PROFILE_OF).where(*conditions)
            )
        statement = statement.order_by(C.created_at, C.id)
        if query.limit is not None:
            statement = statement.limit(query.limit)
        rows = self._sql.execute(statement).all()
        access = Access(None)
        if member is not None:
            if not rows:
                return ConnectionRows(access, ())
            first = rows[0]
            access = Access(Membership(*member, Role(first.role), first.joined_at))
        found = [r for r in rows if r.id is not None]
        ids = [r.id for r in found]
        grants = self._grants(ids)
        states = self._states(ids)
        return ConnectionRows(
            access, tuple(_facts(r, grants.get(r.id, ()), states.get(r.id, {})) for r in found)
        )

    def access(self, *, team_id: str, viewer: str, connection_id: str) -> Access:
        row = self._sql.execute(
            select(M.role, M.joined_at, C.team_id, C.disconnected_at)
            .select_from(M)
            .outerjoin(C, C.id == connection_id)
            .where(M.team_id == team_id, M.user_id == viewer)
        ).first()
        if row is None:
            return Access(None)
        return Access(
            Membership(team_id, viewer, Role(row.role), row.joined_at),
            connection_team_id=row.team_id,
            connection_disconnected=row.disconnected_at is not None,
        )

    def team_stamp(self, *, team_id: str, viewer: str | None) -> tuple[Access, tuple[int, ...]]:
        return read_team_stamp(self._sql, team_id, viewer)

    def marketplaces(self, connection_id: str) -> list[Marketplace]:
        rows = self._session.scalars(
            select(MK)
            .where(MK.connection_id == connection_id)
            .order_by(MK.marketplace_id)
            .execution_options(populate_existing=True)
        ).all()
        return [marketplace_from_rows(r, []) for r in rows]

    def marketplaces_in_states(self, states: Iterable[MarketplaceState]) -> list[Marketplace]:
        wanted = sorted({str(s) for s in states})
        rows = self._session.scalars(
            select(MK)
            .where(MK.state.in_(wanted))
            .order_by(MK.connection_id, MK.marketplace_id)
            .execution_options(populate_existing=True)
        ).all()
        return [marketplace_from_rows(r, []) for r in rows]

    def _grants(self, ids: Sequence[str]) -> dict[str, list[GrantFacts]]:
        found: dict[str, list[GrantFacts]] = defaultdict(list)
        for chunk in chunks(ids):
            for g in self._sql.execute(
                select(
                    G.connection_id,
                    G.channel,
                    G.refresh_token_ciphertext.is_not(None).label("has_refresh_token"),
                    G.authorized_at,
                    G.expires_at,
                    G.revoked_at,
                    G.last_refresh_at,
                    G.last_refresh_error,
                ).where(G.connection_id.in_(chunk))
            ):
                found[g.connection_id].append(by_name.instance(GrantFacts, g))
        return found

    def _states(self, ids: Sequence[str]) -> dict[str, dict[MarketplaceState, int]]:
        found: dict[str, dict[MarketplaceState, int]] = defaultdict(dict)
        for chunk in chunks(ids):
            for connection_id, state, count in self._sql.execute(
                select(MK.connection_id, MK.state, func.count())
                .where(MK.connection_id.in_(chunk))
                .group_by(MK.connection_id, MK.state)
            ):
                found[connection_id][MarketplaceState(state)] = count
        return found


def _conditions(query: ConnectionRowsQuery) -> list[ColumnElement[bool]]:
    where, after = query.where, query.after
    conditions: list[ColumnElement[bool]] = []
    if query.team_id is not None:
        conditions.append(C.team_id == query.team_id)
    if not where.include_disconnected:
        conditions.append(C.disconnected_at.is_(None))
    if after is not None:
        conditions.append(
            or_(
                C.created_at > after.created_at,
                and_(C.created_at == after.created_at, C.id > after.id),
            )
        )
    if where.account_type is not None:
        conditions.append(C.account_type == str(where.account_type))
    if where.region is not None:
        conditions.append(C.region == str(where.region))
    if where.selling_partner_id is not None:
        conditions.append(C.selling_partner_id == where.selling_partner_id)
    if where.marketplace_state is not None:
        conditions.append(
            exists().where(MK.connection_id == C.id, MK.state == str(where.marketplace_state))
        )
    return conditions


def _facts(
    row: Any, grants: Sequence[GrantFacts], states: dict[MarketplaceState, int]
) -> ConnectionFacts:
    profile = None
    if row.profile_id is not None:
        profile = by_name.instance(
            Profile, row, account_type=AdsAccountType(row.profile_account_type)
        )
    return by_name.instance(
        ConnectionFacts,
        row,
        required_channels=channels_of(row.required_channels),
        profile=profile,
        grants=tuple(grants),
        marketplace_states=states,
    )
