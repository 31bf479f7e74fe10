"""The read side: what a page of connections, a connection, its marketplaces or its timeline
costs is a handful of set-based queries, never the aggregates with their whole history.

`ReadModels` is the port; the persistence adapter answers it with a few SQL statements (and
the in-memory twin from its dictionaries). The membership check rides in the same statement
as the first read, so checking who asks costs no round trip of its own.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Protocol

from attrs import field, frozen

from domain.api_key import ApiKey
from domain.connection import AccountType, Connection, Health, Region
from domain.copies import copied
from domain.errors import NotAMember, NotFound, ValidationFailed
from domain.grant import Channel, Grant
from domain.marketplace import Marketplace, MarketplaceState
from domain.profile import Profile
from domain.team import Membership, Permission, Role

MAX_PAGE = 200
DEFAULT_PAGE = 50


@frozen
class ConnectionFilter:
    """What a product's list or a support agent narrows connections by."""

    health: Health | None = None
    account_type: AccountType | None = None
    region: Region | None = None
    marketplace_state: MarketplaceState | None = None  # has at least one marketplace in it
    selling_partner_id: str | None = None
    include_disconnected: bool = False


@frozen
class Position:
    """Where a page ends in the stable order (created_at, id)."""

    created_at: datetime
    id: str

    def cursor(self) -> str:
        raw = json.dumps([self.created_at.isoformat(), self.id], separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def of_cursor(cls, cursor: str) -> Position:
        """An `after` the API handed out; anything else is refused as VALIDATION_FAILED."""
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            created_at, connection_id = json.loads(raw)
            moment = datetime.fromisoformat(created_at)
            if moment.tzinfo is None:
                raise ValueError("a cursor's time is UTC")
            return cls(moment, str(connection_id))
        except (ValueError, TypeError, binascii.Error) as bad:
            raise ValidationFailed(
                "`after` is not a cursor this API handed out; use `next_cursor` as given.",
                context={"field": "after"},
            ) from bad


@frozen
class GrantFacts:
    """What a read shows of a grant: no token, only whether there is one."""

    channel: Channel
    has_refresh_token: bool
    authorized_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None
    last_refresh_at: datetime | None
    last_refresh_error: str | None

    @classmethod
    def of(cls, grant: Grant) -> GrantFacts:
        return copied(cls, grant, has_refresh_token=grant.refresh_token is not None)

    @classmethod
    def never_authorized(cls, channel: Channel) -> GrantFacts:
        return cls(channel, False, None, None, None, None, None)


@frozen
class ConnectionFacts:
    id: str
    team_id: str
    account_type: AccountType
    region: Region
    selling_partner_id: str | None
    ads_account_id: str | None
    display_name: str
    created_at: datetime
    disconnected_at: datetime | None
    required_channels: frozenset[Channel]
    profile: Profile | None
    profile_auto_selected: bool
    version: int
    grants: tuple[GrantFacts, ...]
    marketplace_states: Mapping[MarketplaceState, int]

    @classmethod
    def of(cls, connection: Connection, marketplaces: Iterable[Marketplace]) -> ConnectionFacts:
        """What the read side loads, taken from the aggregate itself (the in-memory read
        side, and a use case that holds the connection already)."""
        return copied(
            cls,
            connection,
            profile=connection.selected_profile,
            grants=tuple(GrantFacts.of(g) for g in connection.grants.values()),
            marketplace_states=dict(Counter(m.state for m in marketplaces)),
        )

    @property
    def position(self) -> Position:
        return Position(self.created_at, self.id)


@frozen
class Access:
    """Who asks and what they may see: `membership` is None for a non-member. With a
    connection id, `connection_team_id` is the team owning it (None: no such connection)."""

    membership: Membership | None
    connection_team_id: str | None = None
    connection_disconnected: bool = False


@frozen
class ConnectionRows:
    access: Access
    rows: tuple[ConnectionFacts, ...]


@frozen
class ConnectionRowsQuery:
    """Which connections `ReadModels.connections` reads, and for whom: in (created_at, id)
    order after `after`, at most `limit` (None: all). With a `viewer` and a `team_id`, the
    answer's `access` is the viewer's membership of the team, read in the same statement;
    without a viewer (support, an API key) no membership is read and no team need be given.
    With `connection_id`, only that connection, disconnected or not (`where` and `after`
    narrow a list, not one connection)."""

    team_id: str | None = None
    viewer: str | None = None
    where: ConnectionFilter = field(factory=ConnectionFilter)
    after: Position | None = None
    limit: int | None = None
    connection_id: str | None = None

    @classmethod
    def one(
        cls, connection_id: str, *, team_id: str | None = None, viewer: str | None = None
    ) -> ConnectionRowsQuery:
        return cls(team_id=team_id, viewer=viewer, limit=1, connection_id=connection_id)

    @property
    def member(self) -> tuple[str, str] | None:
        """(team, viewer) whose membership is read with the rows; None when none is."""
        if self.team_id is None or self.viewer is None:
            return None
        return self.team_id, self.viewer


class ReadModels(Protocol):
    def connections(self, query: ConnectionRowsQuery) -> ConnectionRows: ...

    def access(self, *, team_id: str, viewer: str, connection_id: str) -> Access: ...

    def team_stamp(self, *, team_id: str, viewer: str | None) -> tuple[Access, tuple[int, ...]]:
        """The viewer's membership (as `connections` reads it) and numbers that change
        whenever anything a page of the team's connections shows changes (a connection,
        its grants and profiles, a marketplace's state), in the same transaction as the
        change. One statement; `()` for a non-member."""
        ...

    def marketplaces(self, connection_id: str) -> list[Marketplace]:
        """The connection's marketplaces without their transition history."""
        ...

    def marketplaces_in_states(self, states: Iterable[MarketplaceState]) -> list[Marketplace]:
        """Every connection's marketplaces in these states, by (connection, marketplace),
        without their transition history: what the worker's passes look at every second
        (a year of history each made that the server's biggest cost)."""
        ...


class QuickReads(Protocol):
    """What the web API reads on every request of a kept page, without a unit of work: the
    caller's API key and the team stamp, each one indexed single-row read and nothing
    around it."""

    @property
    def quick(self) -> bool:
        """True when an answer never waits on a lock, a pool or the network (microseconds):
        it may then be asked from an event loop rather than a worker thread."""
        ...

    def team_stamp(self, *, team_id: str, viewer: str | None) -> tuple[Access, tuple[int, ...]]:
        """As ReadModels.team_stamp, the same numbers."""
        ...

    def api_key(self, key_id: str) -> ApiKey | None:
        """As the unit of work's `api_keys.get`."""
        ...


def check_access(
    access: Access,
    team_id: str,
    permission: Permission,
    connection_id: str | None = None,
    *,
    include_disconnected: bool = False,
    key: ApiKey | None = None,
) -> None:
    """The rule `application.context.team_connection` applies, on facts read in one go:
    NOT_A_MEMBER, FORBIDDEN_ROLE, NOT_FOUND, another team's connection NOT_A_MEMBER. An API
    key (`key`) is no member: it acts as role `service` for its own team only, and another
    team's connection does not exist for it (NOT_FOUND)."""
    membership = access.membership if key is None else key_membership(key, team_id)
    if membership is None:
        raise NotAMember("You are not a member of this team.", context={"team_id": team_id})
    membership.require(permission)
    if connection_id is None:
        return
    if access.connection_team_id is None or (
        access.connection_disconnected and not include_disconnected
    ):
        raise NotFound(
            f"There is no connection {connection_id} in this team.",
            context={"connection_id": connection_id},
        )
    if access.connection_team_id != team_id:
        if key is not None:
            raise NotFound(
                f"There is no connection {connection_id} in this team.",
                context={"connection_id": connection_id},
            )
        raise NotAMember(
            "This connection belongs to another team.", context={"connection_id": connection_id}
        )


def key_membership(key: ApiKey, team_id: str) -> Membership:
    """What an API key may do in `team_id`: role `service` in its own team, nothing elsewhere
    (its team is fixed, whatever X-Team-Id says)."""
    if key.team_id != team_id:
        raise NotAMember("An API key acts for its own team only.", context={"team_id": team_id})
    return Membership(team_id, key.id, Role.SERVICE, key.created_at)
