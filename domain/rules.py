"""Business rules that span aggregates, as named objects (after pgorecki/python-ddd's
`BusinessRule`): a rule no single aggregate can check by itself, because it is about many
of them, lives here once and is asked by every use case and repository it concerns."""

from __future__ import annotations

from collections.abc import Iterable

from attrs import frozen

from domain.connection import Connection, Region
from domain.errors import AccountInUse


@frozen
class OneLiveConnectionPerAccount:
    """The rule "one live connection per Amazon account and region" (seed 002's
    ACCOUNT_IN_USE: "This account is already in use"). An account is its selling partner id
    or its Ads account id; a disconnected connection holds nothing, so the account can be
    connected again, and reconnecting it within its own team reuses that connection.

    The use cases ask it before they store; the repositories ask it again when they store
    (the SQL schema's unique index is only the backstop for two writers racing)."""

    region: Region
    account_ids: frozenset[str]
    # The connection that may hold the account (its own id is not a conflict).
    connection_id: str | None = None

    @classmethod
    def for_connection(cls, connection: Connection) -> OneLiveConnectionPerAccount:
        return cls(connection.region, connection.account_ids, connection.id)

    def holder(self, connections: Iterable[Connection]) -> Connection | None:
        """The other live connection that already holds the account, if any."""
        for other in connections:
            if (
                other.id != self.connection_id
                and other.disconnected_at is None
                and other.region is self.region
                and other.account_ids & self.account_ids
            ):
                return other
        return None

    def check(self, connections: Iterable[Connection], *, team_id: str) -> None:
        """Raises ACCOUNT_IN_USE when another live connection holds the account."""
        other = self.holder(connections)
        if other is not None:
            raise AccountInUse(
                "This Amazon account is already connected"
                + (" to another team." if other.team_id != team_id else "."),
                context={"region": str(self.region)},
            )
