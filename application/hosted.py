"""The hosted connect flow (DESIGN §14): which step the person is on, and the actions the page
offers, each one existing use case run with the connect session's authority.

The step is computed from the server's state every time (never kept in the browser): the
connection's `next` step (views.next_step), the vendor's optional Vendor Central step, the
marketplaces' setup progress, and a connection that needs the person again (Reconnect
Required). An action that fails leaves its error on the session, shown inline on the page
with its fix; the flow never ends on a bare error page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import TypeVar

from attrs import define, field, frozen

from application.account_context import RefreshAccountContext
from application.connect import AuthorizationStarted, StartAuthorization, StartAuthorizationCommand
from application.connect_sessions import load_session, session_actor, settle_pending
from application.connections import Disconnect
from application.context import Actor, Ports, require_member
from application.marketplace_views import MarketplaceView
from application.marketplaces import (
    ListMarketplaces,
    RetryMarketplace,
    UpdateMarketplace,
    UpdateMarketplaceCommand,
)
from application.ports import ScopeDescription
from application.profiles import ChooseProfile, ListProfiles
from application.tokens import GetAccessToken
from application.views import ConnectionView, NextStep, ProfileList, next_step
from domain.authorization import ConsentAsk
from domain.connect_session import ConnectSession
from domain.connection import AccountType, Health, Region
from domain.errors import DomainError, ErrorCode, ValidationFailed
from domain.grant import Channel
from domain.marketplace import MarketplaceState
from domain.team import Permission

T = TypeVar("T")

_IN_PROGRESS = {MarketplaceState.SETTING_UP, MarketplaceState.SYNCING, MarketplaceState.FAILED}


class HostedStep(StrEnum):
    CHOOSE_ACCOUNT = "choose_account"
    AUTHORIZE_ADS = "authorize_ads"
    AUTHORIZE_SP_API = "authorize_sp_api"
    VENDOR_CENTRAL = "vendor_central"
    CHOOSE_PROFILE = "choose_profile"
    CHOOSE_MARKETPLACES = "choose_marketplaces"
    PROGRESS = "progress"
    RECONNECT = "reconnect"
    DONE = "done"


@frozen
class HostedView:
    session: ConnectSession
    team_name: str
    step: HostedStep
    connection: ConnectionView | None
    profiles: ProfileList | None
    marketplaces: tuple[MarketplaceView, ...]
    error: ErrorCode | None
    channel_to_authorize: Channel | None
    # What Amazon will ask the person to allow at the next trip there (seed 000).
    scopes: tuple[ScopeDescription, ...] = ()
    # Profile id -> has active campaigns (seed 002), where Amazon could say.
    campaigns: dict[str, bool] = field(factory=dict)

    @property
    def finished(self) -> bool:
        return self.session.finished_at is not None


@frozen
class FlowEnd:
    return_to: str | None
    return_origin: str | None
    connection_id: str | None
    error: ErrorCode | None


def hosted_step(
    session: ConnectSession,
    connection: ConnectionView | None,
    next_: NextStep | None,
    marketplaces: Sequence[MarketplaceView],
) -> HostedStep:
    if connection is None:
        return HostedStep.CHOOSE_ACCOUNT
    if connection.health in (Health.RECONNECT_REQUIRED, Health.DISCONNECTED):
        return HostedStep.RECONNECT
    if next_ is NextStep.AUTHORIZE_ADS:
        return HostedStep.AUTHORIZE_ADS
    if next_ is NextStep.AUTHORIZE_SP_API:
        return HostedStep.AUTHORIZE_SP_API
    sp_api = connection.grant(Channel.SP_API)
    if (
        connection.account_type is AccountType.VENDOR
        and sp_api.authorized_at is None
        and not session.vendor_central_skipped
    ):
        return HostedStep.VENDOR_CENTRAL
    if next_ is NextStep.CHOOSE_PROFILE:
        return HostedStep.CHOOSE_PROFILE
    if next_ is NextStep.CHOOSE_MARKETPLACES:
        return HostedStep.CHOOSE_MARKETPLACES
    if any(m.selected and m.state in _IN_PROGRESS for m in marketplaces):
        return HostedStep.PROGRESS
    return HostedStep.DONE


_CHANNEL_OF_STEP = {
    HostedStep.CHOOSE_ACCOUNT: Channel.ADS,
    HostedStep.AUTHORIZE_ADS: Channel.ADS,
    HostedStep.AUTHORIZE_SP_API: Channel.SP_API,
    HostedStep.VENDOR_CENTRAL: Channel.SP_API,
}


@define
class HostedFlow:
    """Every read and action of the hosted page. `browser` is the session cookie's secret."""

    ports: Ports
    start_authorization: StartAuthorization
    list_profiles: ListProfiles
    choose_profile_: ChooseProfile
    list_marketplaces: ListMarketplaces
    update_marketplace: UpdateMarketplace
    retry_marketplace: RetryMarketplace
    refresh_account: RefreshAccountContext
    disconnect_: Disconnect
    get_access_token: GetAccessToken

    # ---- reading ------------------------------------------------------------------------

    def view(self, session_id: str, browser: str | None) -> HostedView:
        now = self.ports.clock.now()
        with self.ports.uow() as uow:
            session = load_session(uow, session_id, browser, now)
            require_member(uow, session_actor(session), Permission.MANAGE_CONNECTIONS)
            if settle_pending(uow, session, now):
                uow.connect_sessions.update(session)
                uow.commit()
            team = uow.teams.get(session.team_id)
            connection = (
                uow.connections.get(session.connection_id) if session.connection_id else None
            )
            if connection is not None and connection.team_id != session.team_id:
                connection = None
            marketplaces = uow.marketplaces.list_for_connection(connection.id) if connection else []
            view = ConnectionView.of(connection, marketplaces, now=now) if connection else None
            next_ = next_step(connection, marketplaces) if connection else None
            reconnect = connection.channel_to_reconnect(now) if connection else None
        actor = session_actor(session)
        live = view is not None and view.health is not Health.DISCONNECTED
        mviews = tuple(self.list_marketplaces(actor, view.id)) if view and live else ()
        step = hosted_step(session, view, next_, mviews)
        profiles = None
        if (
            view is not None
            and live
            and (step is HostedStep.CHOOSE_PROFILE or view.profile is not None)
        ):
            profiles = self.list_profiles(actor, view.id)
        campaigns = self._campaigns(view, profiles) if step is HostedStep.CHOOSE_PROFILE else {}
        channel = _CHANNEL_OF_STEP.get(step, reconnect)
        account_type = view.account_type if view else session.account_types[0]
        scopes = tuple(self.ports.amazon.scopes(channel, account_type)) if channel else ()
        return HostedView(
            session=session,
            team_name=team.name if team else "",
            step=step,
            connection=view,
            profiles=profiles,
            marketplaces=mviews,
            error=ErrorCode(session.last_error) if session.last_error else None,
            channel_to_authorize=channel,
            scopes=scopes,
            campaigns=campaigns,
        )

    def _campaigns(
        self, connection: ConnectionView | None, profiles: ProfileList | None
    ) -> dict[str, bool]:
        """Seed 002 tells people to pick "the advertising profile with the active campaigns
        you want to manage": say which have them, where Amazon can tell (never blocking)."""
        if connection is None or profiles is None:
            return {}
        try:
            token = self.get_access_token(connection.id, Channel.ADS).token
        except DomainError:
            return {}
        found: dict[str, bool] = {}
        for item in profiles.items:
            answer = self.ports.amazon.has_active_campaigns(
                connection.region, token, item.profile_id
            )
            if answer is not None:
                found[item.profile_id] = answer
        return found

    # ---- actions ------------------------------------------------------------------------

    def authorize(
        self,
        session_id: str,
        browser: str | None,
        *,
        channel: Channel,
        return_to: str,
        account_type: AccountType | None = None,
        region: Region | None = None,
    ) -> AuthorizationStarted | None:
        """Send the person to Amazon for one channel (Connect, Reconnect, Connect Different
        Account, Try again). None when it was refused (the error is on the session)."""

        def act(session: ConnectSession, actor: Actor) -> AuthorizationStarted:
            if session.connection_id is None:
                if account_type is None or region is None:
                    raise ValidationFailed(
                        "Choose the account type and the region first.",
                        context={"field": "account_type" if account_type is None else "region"},
                    )
                session.allows(account_type, region)
            started = self.start_authorization(
                StartAuthorizationCommand(
                    actor=actor,
                    ask=ConsentAsk(
                        channel=channel,
                        region=region or Region.NA,
                        account_type=account_type or AccountType.SELLER,
                        connection_id=session.connection_id,
                        return_to=return_to,
                    ),
                )
            )
            session.pending_state = started.state
            return started

        return self._act(session_id, browser, act)

    def skip_vendor_central(self, session_id: str, browser: str | None) -> None:
        def act(session: ConnectSession, actor: Actor) -> None:
            session.vendor_central_skipped = True

        self._act(session_id, browser, act)

    def choose_profile(self, session_id: str, browser: str | None, profile_id: str) -> None:
        self._on_connection(
            session_id, browser, lambda actor, c: self.choose_profile_(actor, c, profile_id)
        )

    def select_marketplaces(
        self, session_id: str, browser: str | None, marketplace_ids: Sequence[str]
    ) -> None:
        def act(session: ConnectSession, actor: Actor) -> None:
            if not marketplace_ids:
                raise ValidationFailed(
                    "Choose at least one marketplace.", context={"field": "marketplace"}
                )
            for marketplace_id in marketplace_ids:
                self.update_marketplace(
                    UpdateMarketplaceCommand(
                        actor, _connection(session), marketplace_id, selected=True
                    )
                )

        self._act(session_id, browser, act)

    def retry(self, session_id: str, browser: str | None, marketplace_id: str) -> None:
        self._on_connection(
            session_id, browser, lambda actor, c: self.retry_marketplace(actor, c, marketplace_id)
        )

    def refresh(self, session_id: str, browser: str | None) -> None:
        self._on_connection(session_id, browser, self.refresh_account)

    def disconnect(self, session_id: str, browser: str | None) -> None:
        self._on_connection(session_id, browser, self.disconnect_)

    def finish(self, session_id: str, browser: str | None) -> FlowEnd:
        """Where the person goes now: back to the product with the connection, or with the
        error that stopped them."""
        now = self.ports.clock.now()
        with self.ports.uow() as uow:
            session = load_session(uow, session_id, browser, now)
            if session.finished_at is None:
                session.finished_at = now
                uow.connect_sessions.update(session)
                uow.commit()
        error = ErrorCode(session.last_error) if session.last_error else None
        return FlowEnd(
            return_to=session.return_to,
            return_origin=session.return_origin,
            connection_id=session.connection_id,
            error=error if session.connection_id is None else None,
        )

    def _act(
        self,
        session_id: str,
        browser: str | None,
        act: Callable[[ConnectSession, Actor], T],
    ) -> T | None:
        now = self.ports.clock.now()
        with self.ports.uow() as uow:
            session = load_session(uow, session_id, browser, now)
            settle_pending(uow, session, now)
        session.last_error = None
        result: T | None
        try:
            result = act(session, session_actor(session))
        except DomainError as error:
            session.last_error = str(error.code)
            result = None
        with self.ports.uow() as uow:
            uow.connect_sessions.update(session)
            uow.commit()
        return result

    def _on_connection(
        self, session_id: str, browser: str | None, act: Callable[[Actor, str], object]
    ) -> None:
        """An action on the connection the session produced, as the use case behind the
        product's own button does it; refused before an account is connected."""
        self._act(session_id, browser, lambda session, actor: act(actor, _connection(session)))


def _connection(session: ConnectSession) -> str:
    if session.connection_id is None:
        raise ValidationFailed("Connect an Amazon account first.", context={"field": "step"})
    return session.connection_id
