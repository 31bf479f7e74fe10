"""Sellers as the use cases leave them, written straight to a database, for the tests and
benchmarks that need many at once (or one in a given state) without walking each through
consent and the worker: the worker processes' connections (`seed`), the persistence
contract's and the benchmarks' marketplaces (`listed_marketplace`, `selected_marketplace`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from adapters.amazon.regions import MARKETPLACES
from adapters.persistence import SqlDatabase
from domain.connection import AccountType, Connection, Region
from domain.grant import Channel, Consent
from domain.marketplace import Marketplace, MarketplaceState
from domain.secret import Secret
from domain.sync import SyncCursor
from domain.team import Team, TeamKind

US = "ATVPDKIKX0DER"
ACCESS_TOKEN_LIFETIME = 3600  # seconds: Amazon's access tokens live an hour


def listed_marketplace(connection_id: str, at: datetime, marketplace_id: str = US) -> Marketplace:
    """A marketplace as discovery records it for a seller who sells there and whose plan
    covers it: Available, named as Amazon's Sellers API names it."""
    listed = MARKETPLACES[marketplace_id]
    return Marketplace.discovered(
        connection_id=connection_id,
        marketplace_id=marketplace_id,
        country_code=listed.country_code,
        name=listed.name,
        participating=True,
        covered_by_plan=True,
        at=at,
    )


def selected_marketplace(
    connection_id: str,
    at: datetime,
    marketplace_id: str = US,
    *,
    until: MarketplaceState = MarketplaceState.READY,
    actor: str = "owner",
) -> Marketplace:
    """A listed marketplace `actor` selected, taken as far as `until` the way the worker
    takes it: Setting up, Syncing (set up), Ready (its first sync done)."""
    marketplace = listed_marketplace(connection_id, at, marketplace_id)
    marketplace.select(at=at, actor=actor)
    if until in (MarketplaceState.SYNCING, MarketplaceState.READY):
        marketplace.setup_succeeded(at=at)
    if until is MarketplaceState.READY:
        marketplace.first_sync_completed(at=at)
    return marketplace


def seed(
    database: SqlDatabase,
    count: int,
    now: datetime,
    *,
    marketplace_state: MarketplaceState = MarketplaceState.READY,
    access_token_expires_at: datetime | None = None,
    channels: Sequence[Channel] = (Channel.ADS, Channel.SP_API),
    refresh_tokens: Sequence[str] | None = None,
) -> list[str]:
    """`count` seller connections authorized at `now` on `channels`, each with one US
    marketplace in `marketplace_state` (READY: synced up to `now`). `refresh_tokens`: real
    ones (e.g. minted by the sandbox), one per connection, for a single channel."""
    expires = access_token_expires_at or now + timedelta(seconds=ACCESS_TOKEN_LIFETIME)
    ids = []
    with database.unit_of_work() as uow:
        for i in range(count):
            team = Team(id=f"team_{i}", name=f"Team {i}", kind=TeamKind.BRAND, created_at=now)
            uow.teams.add(team)
            connection = Connection(
                id=f"con_{i:04d}",
                team_id=team.id,
                account_type=AccountType.SELLER,
                region=Region.NA,
                created_at=now,
            )
            account = f"A{i:013d}"
            for channel in channels:
                token = (
                    refresh_tokens[i]
                    if refresh_tokens is not None
                    else f"Atzr|{connection.id}|{channel}"
                )
                consent = Consent(
                    refresh_token=Secret(token),
                    scopes=(),
                    account_id=account,
                    access_token=Secret(f"Atza|seed-{connection.id}-{channel}"),
                    access_token_expires_at=expires,
                )
                connection.authorize(channel, consent, at=now)
            uow.connections.add(connection)
            uow.marketplaces.add(
                selected_marketplace(connection.id, now, until=marketplace_state, actor="seed")
            )
            if marketplace_state is MarketplaceState.READY:
                uow.sync_cursors.put(SyncCursor(connection.id, US, synced_until=now))
            ids.append(connection.id)
        uow.commit()
    return ids
