"""Explicit mappers between the attrs domain classes and the SQLAlchemy row classes.

Written out field by field on purpose: a new domain field fails loudly here (a missing
keyword) instead of silently not being stored. Token fields pass through the keyring, so a
row never holds a plaintext token and a domain object never holds a ciphertext."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from adapters.persistence.crypto import (
    Keyring,
    code_verifier_aad,
    grant_access_token_aad,
    grant_refresh_token_aad,
)
from adapters.persistence.listing_documents import listing_document, listing_from_document
from adapters.persistence.rows import (
    AuditEventRow,
    AuthorizationRequestRow,
    ConnectionRow,
    ConnectSessionRow,
    GrantRow,
    ListingRow,
    ListingSettingsRow,
    MarketplaceRow,
    MarketplaceTransitionRow,
    MembershipRow,
    ProfileRow,
    SyncCursorRow,
    TeamRow,
)
from domain.authorization import AuthorizationRequest, AuthorizationStatus
from domain.connect_session import ConnectSession
from domain.connection import AccountType, Connection, Region
from domain.events import AuditEvent, EventKind
from domain.grant import Channel, Grant
from domain.listing import ListingSettings, Money
from domain.listing_batch import SkuListing
from domain.marketplace import Marketplace, MarketplaceState, Transition
from domain.profile import AdsAccountType, Profile
from domain.records import Dataset
from domain.sync import SyncCursor, WindowKind
from domain.team import Membership, Plan, Role, Team, TeamKind

# -- teams ---------------------------------------------------------------------------------


def team_to_row(team: Team) -> TeamRow:
    return TeamRow(
        id=team.id,
        name=team.name,
        kind=str(team.kind),
        plan=str(team.plan),
        max_connections=team.max_connections,
        marketplace_retry_limit=team.marketplace_retry_limit,
        history_days=team.history_days,
        created_at=team.created_at,
        version=team.version,
    )


def team_from_row(row: TeamRow) -> Team:
    return Team(
        id=row.id,
        name=row.name,
        kind=TeamKind(row.kind),
        created_at=row.created_at,
        plan=Plan(row.plan),
        max_connections=row.max_connections,
        marketplace_retry_limit=row.marketplace_retry_limit,
        history_days=row.history_days,
        version=row.version,
    )


def membership_to_row(membership: Membership) -> MembershipRow:
    return MembershipRow(
        team_id=membership.team_id,
        user_id=membership.user_id,
        role=str(membership.role),
        joined_at=membership.joined_at,
    )


def membership_from_row(row: MembershipRow) -> Membership:
    return Membership(
        team_id=row.team_id, user_id=row.user_id, role=Role(row.role), joined_at=row.joined_at
    )


# -- connections ---------------------------------------------------------------------------


def connection_to_row(connection: Connection) -> ConnectionRow:
    return ConnectionRow(
        id=connection.id,
        team_id=connection.team_id,
        account_type=str(connection.account_type),
        region=str(connection.region),
        created_at=connection.created_at,
        display_name=connection.display_name,
        selling_partner_id=connection.selling_partner_id,
        ads_account_id=connection.ads_account_id,
        required_channels=",".join(sorted(str(c) for c in connection.required_channels)),
        selected_profile_id=connection.selected_profile_id,
        profile_auto_selected=connection.profile_auto_selected,
        disconnected_at=connection.disconnected_at,
        unusable_since=connection.unusable_since,
        version=connection.version,
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
    return GrantRow(
        connection_id=connection.id,
        channel=channel,
        refresh_token_ciphertext=refresh.ciphertext if refresh else None,
        refresh_token_key_id=refresh.key_id if refresh else None,
        scopes=list(grant.scopes),
        authorized_at=grant.authorized_at,
        expires_at=grant.expires_at,
        revoked_at=grant.revoked_at,
        account_id=grant.account_id,
        access_token_ciphertext=access.ciphertext if access else None,
        access_token_key_id=access.key_id if access else None,
        access_token_expires_at=grant.access_token_expires_at,
        last_refresh_at=grant.last_refresh_at,
        last_refresh_error=grant.last_refresh_error,
    )


def grant_from_row(row: GrantRow, team_id: str, keyring: Keyring) -> Grant:
    return Grant(
        channel=Channel(row.channel),
        refresh_token=keyring.open_secret(
            row.refresh_token_key_id,
            row.refresh_token_ciphertext,
            grant_refresh_token_aad(team_id, row.connection_id, row.channel),
        ),
        scopes=tuple(row.scopes or ()),
        authorized_at=row.authorized_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
        account_id=row.account_id,
        access_token=keyring.open_secret(
            row.access_token_key_id,
            row.access_token_ciphertext,
            grant_access_token_aad(team_id, row.connection_id, row.channel),
        ),
        access_token_expires_at=row.access_token_expires_at,
        last_refresh_at=row.last_refresh_at,
        last_refresh_error=row.last_refresh_error,
    )


def profile_to_row(connection_id: str, position: int, profile: Profile) -> ProfileRow:
    return ProfileRow(
        connection_id=connection_id,
        profile_id=profile.profile_id,
        position=position,
        country_code=profile.country_code,
        currency_code=profile.currency_code,
        marketplace_id=profile.marketplace_id,
        account_type=str(profile.account_type),
        account_name=profile.account_name,
        account_id=profile.account_id,
        timezone=profile.timezone,
    )


def profile_from_row(row: ProfileRow) -> Profile:
    return Profile(
        profile_id=row.profile_id,
        country_code=row.country_code,
        currency_code=row.currency_code,
        marketplace_id=row.marketplace_id,
        account_type=AdsAccountType(row.account_type),
        account_name=row.account_name,
        account_id=row.account_id,
        timezone=row.timezone,
    )


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
    return Connection(
        id=row.id,
        team_id=row.team_id,
        account_type=AccountType(row.account_type),
        region=Region(row.region),
        created_at=row.created_at,
        display_name=row.display_name,
        selling_partner_id=row.selling_partner_id,
        ads_account_id=row.ads_account_id,
        grants={Channel(g.channel): grant_from_row(g, row.team_id, keyring) for g in grants},
        required_channels=frozenset(Channel(c) for c in row.required_channels.split(",") if c),
        profiles=[profile_from_row(p) for p in sorted(profiles, key=lambda p: p.position)],
        selected_profile_id=row.selected_profile_id,
        profile_auto_selected=row.profile_auto_selected,
        disconnected_at=row.disconnected_at,
        unusable_since=row.unusable_since,
        version=row.version,
    )


# -- marketplaces --------------------------------------------------------------------------


def marketplace_to_row(marketplace: Marketplace) -> MarketplaceRow:
    return MarketplaceRow(
        connection_id=marketplace.connection_id,
        marketplace_id=marketplace.marketplace_id,
        country_code=marketplace.country_code,
        name=marketplace.name,
        state=str(marketplace.state),
        retry_limit=marketplace.retry_limit,
        selected=marketplace.selected,
        active=marketplace.active,
        retries_used=marketplace.retries_used,
        last_error=marketplace.last_error,
        version=marketplace.version,
        waiting_code=marketplace.waiting_code,
        retry_at=marketplace.retry_at,
    )


def transition_to_row(
    marketplace: Marketplace, seq: int, transition: Transition
) -> MarketplaceTransitionRow:
    return MarketplaceTransitionRow(
        connection_id=marketplace.connection_id,
        marketplace_id=marketplace.marketplace_id,
        seq=seq,
        at=transition.at,
        from_state=str(transition.from_state) if transition.from_state is not None else None,
        to_state=str(transition.to_state),
        reason=transition.reason,
        actor=transition.actor,
    )


def transition_from_row(row: MarketplaceTransitionRow) -> Transition:
    return Transition(
        at=row.at,
        from_state=MarketplaceState(row.from_state) if row.from_state is not None else None,
        to_state=MarketplaceState(row.to_state),
        reason=row.reason,
        actor=row.actor,
    )


def marketplace_from_rows(
    row: MarketplaceRow, history: list[MarketplaceTransitionRow]
) -> Marketplace:
    return Marketplace(
        connection_id=row.connection_id,
        marketplace_id=row.marketplace_id,
        country_code=row.country_code,
        name=row.name,
        state=MarketplaceState(row.state),
        retry_limit=row.retry_limit,
        selected=row.selected,
        active=row.active,
        retries_used=row.retries_used,
        last_error=row.last_error,
        history=[transition_from_row(t) for t in sorted(history, key=lambda t: t.seq)],
        version=row.version,
        waiting_code=row.waiting_code,
        retry_at=row.retry_at,
    )


# -- authorization requests ----------------------------------------------------------------


def authorization_to_row(
    request: AuthorizationRequest, keyring: Keyring
) -> AuthorizationRequestRow:
    verifier = keyring.seal_secret(
        request.code_verifier,
        code_verifier_aad(request.team_id, request.state, str(request.channel)),
    )
    return AuthorizationRequestRow(
        state=request.state,
        team_id=request.team_id,
        user_id=request.user_id,
        channel=str(request.channel),
        region=str(request.region),
        account_type=str(request.account_type),
        created_at=request.created_at,
        expires_at=request.expires_at,
        marketplace_id=request.marketplace_id,
        return_to=request.return_to,
        connection_id=request.connection_id,
        code_verifier_ciphertext=verifier.ciphertext if verifier else None,
        code_verifier_key_id=verifier.key_id if verifier else None,
        consumed_at=request.consumed_at,
        status=str(request.status),
        error_code=request.error_code,
        result_connection_id=request.result_connection_id,
        browser_binding=request.browser_binding,
    )


def authorization_from_row(row: AuthorizationRequestRow, keyring: Keyring) -> AuthorizationRequest:
    return AuthorizationRequest(
        state=row.state,
        team_id=row.team_id,
        user_id=row.user_id,
        channel=Channel(row.channel),
        region=Region(row.region),
        account_type=AccountType(row.account_type),
        created_at=row.created_at,
        expires_at=row.expires_at,
        marketplace_id=row.marketplace_id,
        return_to=row.return_to,
        connection_id=row.connection_id,
        code_verifier=keyring.open_secret(
            row.code_verifier_key_id,
            row.code_verifier_ciphertext,
            code_verifier_aad(row.team_id, row.state, row.channel),
        ),
        consumed_at=row.consumed_at,
        status=AuthorizationStatus(row.status),
        error_code=row.error_code,
        result_connection_id=row.result_connection_id,
        browser_binding=row.browser_binding,
    )


# -- connect sessions ----------------------------------------------------------------------


def connect_session_to_row(session: ConnectSession) -> ConnectSessionRow:
    return ConnectSessionRow(
        id=session.id,
        team_id=session.team_id,
        created_by=session.created_by,
        token_digest=session.token_digest,
        created_at=session.created_at,
        expires_at=session.expires_at,
        account_types=",".join(session.account_types),
        regions=",".join(session.regions),
        end_user_id=session.end_user_id,
        end_user_email=session.end_user_email,
        connection_id=session.connection_id,
        return_to=session.return_to,
        browser_binding=session.browser_binding,
        pending_state=session.pending_state,
        last_error=session.last_error,
        vendor_central_skipped=session.vendor_central_skipped,
        finished_at=session.finished_at,
    )


def connect_session_from_row(row: ConnectSessionRow) -> ConnectSession:
    return ConnectSession(
        id=row.id,
        team_id=row.team_id,
        created_by=row.created_by,
        token_digest=row.token_digest,
        created_at=row.created_at,
        expires_at=row.expires_at,
        account_types=tuple(AccountType(v) for v in row.account_types.split(",") if v),
        regions=tuple(Region(v) for v in row.regions.split(",") if v),
        end_user_id=row.end_user_id,
        end_user_email=row.end_user_email,
        connection_id=row.connection_id,
        return_to=row.return_to,
        browser_binding=row.browser_binding,
        pending_state=row.pending_state,
        last_error=row.last_error,
        vendor_central_skipped=row.vendor_central_skipped,
        finished_at=row.finished_at,
    )


# -- listing settings, events, sync cursors ------------------------------------------------


def listing_settings_to_row(settings: ListingSettings) -> ListingSettingsRow:
    price = settings.minimum_price
    return ListingSettingsRow(
        connection_id=settings.connection_id,
        inventory_buffer=settings.inventory_buffer,
        inventory_ceiling=settings.inventory_ceiling,
        minimum_price_amount=str(price.amount) if price is not None else None,
        minimum_price_currency=price.currency if price is not None else None,
        pricing_enabled=settings.pricing_enabled,
        batch_window_microseconds=settings.batch_window // timedelta(microseconds=1),
    )


def listing_settings_from_row(row: ListingSettingsRow) -> ListingSettings:
    price = None
    if row.minimum_price_amount is not None and row.minimum_price_currency is not None:
        price = Money(Decimal(row.minimum_price_amount), row.minimum_price_currency)
    return ListingSettings(
        connection_id=row.connection_id,
        inventory_buffer=row.inventory_buffer,
        inventory_ceiling=row.inventory_ceiling,
        minimum_price=price,
        pricing_enabled=row.pricing_enabled,
        batch_window=timedelta(microseconds=row.batch_window_microseconds),
    )


def event_to_row(event: AuditEvent) -> AuditEventRow:
    return AuditEventRow(
        id=event.id,
        at=event.at,
        team_id=event.team_id,
        connection_id=event.connection_id,
        kind=str(event.kind),
        actor=event.actor,
        summary=event.summary,
        data=dict(event.data),
    )


def event_from_row(row: AuditEventRow) -> AuditEvent:
    return AuditEvent(
        id=row.id,
        at=row.at,
        team_id=row.team_id,
        kind=EventKind(row.kind),
        actor=row.actor,
        summary=row.summary,
        connection_id=row.connection_id,
        data=dict(row.data or {}),
    )


def sync_cursor_to_row(cursor: SyncCursor) -> SyncCursorRow:
    return SyncCursorRow(
        connection_id=cursor.connection_id,
        marketplace_id=cursor.marketplace_id,
        dataset=str(cursor.dataset),
        synced_until=cursor.synced_until,
        covered_from=cursor.covered_from,
        backfill_from=cursor.backfill_from,
        backfill_until=cursor.backfill_until,
        last_success_at=cursor.last_success_at,
        last_error_code=cursor.last_error_code,
        last_error_detail=cursor.last_error_detail,
        pending_report=cursor.pending_report,
        pending_kind=str(cursor.pending_kind) if cursor.pending_kind is not None else None,
        pending_start=cursor.pending_start,
        pending_end=cursor.pending_end,
        version=cursor.version,
    )


def sync_cursor_from_row(row: SyncCursorRow) -> SyncCursor:
    return SyncCursor(
        connection_id=row.connection_id,
        marketplace_id=row.marketplace_id,
        dataset=Dataset(row.dataset),
        synced_until=row.synced_until,
        covered_from=row.covered_from,
        backfill_from=row.backfill_from,
        backfill_until=row.backfill_until,
        last_success_at=row.last_success_at,
        last_error_code=row.last_error_code,
        last_error_detail=row.last_error_detail,
        pending_report=row.pending_report,
        pending_kind=WindowKind(row.pending_kind) if row.pending_kind is not None else None,
        pending_start=row.pending_start,
        pending_end=row.pending_end,
        version=row.version,
    )


# -- listings ------------------------------------------------------------------------------


def listing_to_row(listing: SkuListing) -> ListingRow:
    return ListingRow(
        connection_id=listing.connection_id,
        marketplace_id=listing.marketplace_id,
        sku=listing.sku,
        received_at=listing.received_at,
        pending_since=listing.pending_since,
        in_flight_at=listing.in_flight.at if listing.in_flight is not None else None,
        document=listing_document(listing),
    )


def listing_from_row(row: ListingRow) -> SkuListing:
    return listing_from_document(row.connection_id, row.marketplace_id, row.sku, row.document)
