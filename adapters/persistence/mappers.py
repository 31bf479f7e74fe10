"""Mappers between the attrs domain classes and the SQLAlchemy row classes.

Fields named alike on both sides are copied by `by_name` (which fails loudly on a domain
field with no column, so a new field is never silently not stored); each mapper spells out
only what differs. Token fields pass through the keyring, so a row never holds a plaintext
token and a domain object never holds a ciphertext."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from adapters.persistence import by_name
from adapters.persistence.connection_rows import (
    AuthorizationRequestRow,
    ConnectionRow,
    ConnectSessionRow,
    GrantRow,
    MarketplaceRow,
    MarketplaceTransitionRow,
    ProfileRow,
)
from adapters.persistence.crypto import (
    Keyring,
    code_verifier_aad,
    grant_access_token_aad,
    grant_refresh_token_aad,
)
from adapters.persistence.event_rows import AuditEventRow
from adapters.persistence.listing_documents import listing_document, listing_from_document
from adapters.persistence.seller_data_rows import ListingRow, ListingSettingsRow, SyncCursorRow
from adapters.persistence.team_rows import MembershipRow, TeamRow
from domain.authorization import AuthorizationRequest, ConsentAsk
from domain.connect_session import ConnectSession
from domain.connection import AccountType, Connection, Region
from domain.events import AuditEvent
from domain.grant import Channel, Grant
from domain.listing import ListingSettings, Money
from domain.listing_batch import SkuListing
from domain.marketplace import Marketplace, Transition
from domain.profile import Profile
from domain.sync import SyncCursor
from domain.team import Membership, Team

# -- teams ---------------------------------------------------------------------------------


def team_to_row(team: Team) -> TeamRow:
    return by_name.row(TeamRow, team)


def team_from_row(row: TeamRow) -> Team:
    return by_name.instance(Team, row)


def membership_to_row(membership: Membership) -> MembershipRow:
    return by_name.row(MembershipRow, membership)


def membership_from_row(row: MembershipRow) -> Membership:
    return by_name.instance(Membership, row)


# -- connections ---------------------------------------------------------------------------


def channels_text(channels: frozenset[Channel]) -> str:
    return ",".join(sorted(str(c) for c in channels))


def channels_of(text: str) -> frozenset[Channel]:
    return frozenset(Channel(c) for c in text.split(",") if c)


def connection_to_row(connection: Connection) -> ConnectionRow:
    return by_name.row(
        ConnectionRow, connection, required_channels=channels_text(connection.required_channels)
    )


def grant_to_row(connection: Connection, grant: Grant, keyring: Keyring) -> GrantRow:
    channel = str(grant.channel)
    refresh = keyring.seal_secret(
        grant.refresh_token,
        grant_refresh_token_aad(connection.team_id, connection.id, channel),
    )
    access = keyring.seal_secret(
        grant.access_token,
        grant_access_token_aad(connection.team_id, connection.id, channel),
    )
    return by_name.row(
        GrantRow,
        grant,
        connection_id=connection.id,
        refresh_token_ciphertext=refresh.ciphertext if refresh else None,
        refresh_token_key_id=refresh.key_id if refresh else None,
        access_token_ciphertext=access.ciphertext if access else None,
        access_token_key_id=access.key_id if access else None,
    )


def grant_from_row(row: GrantRow, team_id: str, keyring: Keyring) -> Grant:
    return by_name.instance(
        Grant,
        row,
        refresh_token=keyring.open_secret(
            row.refresh_token_key_id,
            row.refresh_token_ciphertext,
            grant_refresh_token_aad(team_id, row.connection_id, row.channel),
        ),
        scopes=tuple(row.scopes or ()),
        access_token=keyring.open_secret(
            row.access_token_key_id,
            row.access_token_ciphertext,
            grant_access_token_aad(team_id, row.connection_id, row.channel),
        ),
    )


def profile_to_row(connection_id: str, position: int, profile: Profile) -> ProfileRow:
    return by_name.row(ProfileRow, profile, connection_id=connection_id, position=position)


def profile_from_row(row: ProfileRow) -> Profile:
    return by_name.instance(Profile, row)


def connection_child_rows(
    connection: Connection, keyring: Keyring
) -> tuple[list[GrantRow], list[ProfileRow]]:
    grants = [
        grant_to_row(connection, connection.grants[channel], keyring)
        for channel in sorted(connection.grants)
    ]
    profiles = [
        profile_to_row(connection.id, position, profile)
        for position, profile in enumerate(connection.profiles)
    ]
    return grants, profiles


def connection_from_rows(
    row: ConnectionRow,
    grants: list[GrantRow],
    profiles: list[ProfileRow],
    keyring: Keyring,
) -> Connection:
    return by_name.instance(
        Connection,
        row,
        grants={Channel(g.channel): grant_from_row(g, row.team_id, keyring) for g in grants},
        required_channels=channels_of(row.required_channels),
        profiles=[profile_from_row(p) for p in sorted(profiles, key=lambda p: p.position)],
    )


# -- marketplaces --------------------------------------------------------------------------


def marketplace_to_row(marketplace: Marketplace) -> MarketplaceRow:
    return by_name.row(MarketplaceRow, marketplace)


def transition_to_row(
    marketplace: Marketplace, seq: int, transition: Transition
) -> MarketplaceTransitionRow:
    return by_name.row(
        MarketplaceTransitionRow,
        transition,
        connection_id=marketplace.connection_id,
        marketplace_id=marketplace.marketplace_id,
        seq=seq,
    )


def marketplace_from_rows(
    row: MarketplaceRow, history: list[MarketplaceTransitionRow]
) -> Marketplace:
    return by_name.instance(
        Marketplace,
        row,
        history=[by_name.instance(Transition, t) for t in sorted(history, key=lambda t: t.seq)],
    )


# -- authorization requests ----------------------------------------------------------------


def authorization_to_row(
    request: AuthorizationRequest, keyring: Keyring
) -> AuthorizationRequestRow:
    verifier = keyring.seal_secret(
        request.code_verifier,
        code_verifier_aad(request.team_id, request.state, str(request.ask.channel)),
    )
    return by_name.row(
        AuthorizationRequestRow,
        request,
        request.ask,
        code_verifier_ciphertext=verifier.ciphertext if verifier else None,
        code_verifier_key_id=verifier.key_id if verifier else None,
    )


def authorization_from_row(row: AuthorizationRequestRow, keyring: Keyring) -> AuthorizationRequest:
    return by_name.instance(
        AuthorizationRequest,
        row,
        ask=by_name.instance(ConsentAsk, row),
        code_verifier=keyring.open_secret(
            row.code_verifier_key_id,
            row.code_verifier_ciphertext,
            code_verifier_aad(row.team_id, row.state, row.channel),
        ),
    )


# -- connect sessions ----------------------------------------------------------------------


def connect_session_to_row(session: ConnectSession) -> ConnectSessionRow:
    return by_name.row(
        ConnectSessionRow,
        session,
        account_types=",".join(session.account_types),
        regions=",".join(session.regions),
    )


def connect_session_from_row(row: ConnectSessionRow) -> ConnectSession:
    return by_name.instance(
        ConnectSession,
        row,
        account_types=tuple(AccountType(v) for v in row.account_types.split(",") if v),
        regions=tuple(Region(v) for v in row.regions.split(",") if v),
    )


# -- listing settings, events, sync cursors ------------------------------------------------


def listing_settings_to_row(settings: ListingSettings) -> ListingSettingsRow:
    price = settings.minimum_price
    return by_name.row(
        ListingSettingsRow,
        settings,
        minimum_price_amount=str(price.amount) if price is not None else None,
        minimum_price_currency=price.currency if price is not None else None,
        batch_window_microseconds=settings.batch_window // timedelta(microseconds=1),
    )


def listing_settings_from_row(row: ListingSettingsRow) -> ListingSettings:
    price = None
    if row.minimum_price_amount is not None and row.minimum_price_currency is not None:
        price = Money(Decimal(row.minimum_price_amount), row.minimum_price_currency)
    return by_name.instance(
        ListingSettings,
        row,
        minimum_price=price,
        batch_window=timedelta(microseconds=row.batch_window_microseconds),
    )


def event_to_row(event: AuditEvent) -> AuditEventRow:
    # `seq` is numbered by the database; `published_at` is set by the publisher, later.
    return by_name.row(AuditEventRow, event, seq=None, data=dict(event.data), published_at=None)


def event_from_row(row: AuditEventRow) -> AuditEvent:
    return by_name.instance(AuditEvent, row, data=dict(row.data or {}))


def sync_cursor_to_row(cursor: SyncCursor) -> SyncCursorRow:
    return by_name.row(SyncCursorRow, cursor)


def sync_cursor_from_row(row: SyncCursorRow) -> SyncCursor:
    return by_name.instance(SyncCursor, row)


# -- listings ------------------------------------------------------------------------------


def listing_to_row(listing: SkuListing) -> ListingRow:
    return by_name.row(
        ListingRow,
        listing,
        in_flight_at=listing.in_flight.at if listing.in_flight is not None else None,
        document=listing_document(listing),
    )


def listing_from_row(row: ListingRow) -> SkuListing:
    return listing_from_document(row.connection_id, row.marketplace_id, row.sku, row.document)
