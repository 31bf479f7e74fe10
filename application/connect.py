"""Starting an authorization: check the team, show the scopes, send the person to Amazon
(DESIGN §3.1, §3.7; seeds 000, 002, 003, 004), and the status a polling UI reads while the
person is on Amazon's page. The callback that completes it is application/callback.py.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime

from attrs import define, evolve, field, frozen

from application.context import (
    Actor,
    Ports,
    connection_to_reconnect,
    require_member,
    team_of,
    team_owned,
)
from application.ports import ConsentRequest, ScopeDescription
from application.views import about
from domain.authorization import AuthorizationRequest, AuthorizationStatus, ConsentAsk
from domain.errors import OAuthStateInvalid
from domain.grant import Channel
from domain.secret import Secret
from domain.team import Permission


def pkce_challenge(verifier: str) -> str:
    """RFC 7636 S256: BASE64URL(SHA256(verifier)) without padding."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


# --------------------------------------------------------------------------- start


@frozen
class StartAuthorizationCommand:
    actor: Actor
    ask: ConsentAsk


@frozen
class AuthorizationStarted:
    """The person's browser goes next to sellerlink's bounce for this state (the web API's
    `authorization_url`, /connect/authorize/{state}), which binds it and sends it on to
    Amazon (OpenConsent)."""

    state: str
    expires_at: datetime
    scopes: tuple[ScopeDescription, ...]
    channel: Channel
    connection_id: str | None


@define
class StartAuthorization:
    """Seed 000: check the team context, show the scopes, send the person to Amazon. With
    `connection_id` it reconnects that connection or adds its other channel."""

    ports: Ports

    def __call__(self, cmd: StartAuthorizationCommand) -> AuthorizationStarted:
        ask = cmd.ask
        now = self.ports.clock.now()
        with self.ports.uow() as uow:
            membership = require_member(uow, cmd.actor, Permission.MANAGE_CONNECTIONS)
            team = team_of(uow.teams.get(membership.team_id), membership.team_id)
            if ask.connection_id is not None:
                connection = connection_to_reconnect(uow, cmd.actor, ask.connection_id)
                # The account is the connection's, whatever the request said.
                ask = evolve(ask, region=connection.region, account_type=connection.account_type)
            if ask.connection_id is None or connection.disconnected_at is not None:
                # A new account, or one being brought back after a disconnect, takes a place.
                connected = uow.connections.list_for_team(team.id)
                team.check_room_for_connection(len(connected))
            verifier = self.ports.secrets.pkce_verifier() if ask.channel is Channel.ADS else None
            request = AuthorizationRequest.start(
                state=self.ports.secrets.oauth_state(),
                team_id=team.id,
                user_id=cmd.actor.user_id,
                ask=ask,
                at=now,
                code_verifier=Secret(verifier) if verifier else None,
            )
            uow.authorizations.add(request)
            uow.commit()
        return AuthorizationStarted(
            state=request.state,
            expires_at=request.expires_at,
            scopes=tuple(self.ports.amazon.scopes(ask.channel, ask.account_type)),
            channel=ask.channel,
            connection_id=ask.connection_id,
        )


@frozen
class OpenConsentCommand:
    """A browser on its way to Amazon. `browser` is the binding secret it already carries
    (its cookie), if any; otherwise a new one is made for it."""

    state: str
    browser: str | None = None


@frozen
class ConsentOpened:
    consent_url: str
    browser: str
    expires_at: datetime


@define
class OpenConsent:
    """RFC 9700 §4.7 (browser binding): before Amazon's consent page, the request is bound to
    the browser that goes there, and only that browser's callback is accepted. This closes
    consent phishing (a victim approving an attacker's state attaches their Amazon account to
    the attacker's team) and code injection (a leaked code replayed from another browser)."""

    ports: Ports

    def __call__(self, cmd: OpenConsentCommand) -> ConsentOpened:
        now = self.ports.clock.now()
        browser = cmd.browser or self.ports.secrets.oauth_state()
        with self.ports.uow() as uow:
            request = uow.authorizations.get(cmd.state)
            if request is None:
                raise OAuthStateInvalid("This authorization was not started here.")
            request.bind_browser(browser, at=now)
            verifier = request.code_verifier.reveal() if request.code_verifier else None
            url = self.ports.amazon.consent_url(
                ConsentRequest(
                    request.ask,
                    request.state,
                    code_challenge=pkce_challenge(verifier) if verifier else None,
                )
            )
            uow.authorizations.update(request)
            uow.commit()
        return ConsentOpened(consent_url=url, browser=browser, expires_at=request.expires_at)


@frozen
class ReconnectCommand:
    actor: Actor
    connection_id: str
    channel: Channel | None = None
    return_to: str | None = None


@define
class StartReconnect:
    """The Reconnect button (seeds 000, 004): a new authorization for this connection, for
    the channel that needs the person unless one is named. Id, settings and history stay."""

    ports: Ports
    start: StartAuthorization

    def __call__(self, cmd: ReconnectCommand) -> AuthorizationStarted:
        with self.ports.uow() as uow:
            connection = connection_to_reconnect(uow, cmd.actor, cmd.connection_id)
        return self.start(
            StartAuthorizationCommand(
                actor=cmd.actor,
                ask=ConsentAsk(
                    channel=cmd.channel or connection.channel_to_reconnect(self.ports.clock.now()),
                    region=connection.region,
                    account_type=connection.account_type,
                    connection_id=connection.id,
                    return_to=cmd.return_to,
                ),
            )
        )


# --------------------------------------------------------------------------- status


@frozen
class AuthorizationStatusView:
    """Where one authorization stands, for a UI that polls while the person is on Amazon."""

    state: str = field(metadata=about("The authorization's OAuth state: its id."))
    status: AuthorizationStatus = field(
        metadata=about("`pending`, `completed`, `failed` or `expired`.")
    )
    channel: Channel = field(metadata=about("`ads` or `sp_api`: the channel being authorized."))
    expires_at: datetime = field(metadata=about("When it stops working (RFC 3339, UTC)."))
    error_code: str | None = field(
        metadata=about("The catalogue code of the failure, when the authorization failed.")
    )
    connection_id: str | None = field(
        metadata=about("The connection it created or authorized again, once completed.")
    )


@define
class GetAuthorizationStatus:
    """For a UI that polls while the person is on Amazon's page."""

    ports: Ports

    def __call__(self, actor: Actor, state: str) -> AuthorizationStatusView:
        with self.ports.uow() as uow:
            membership = require_member(uow, actor, Permission.VIEW)
            request = team_owned(
                uow.authorizations.get(state), membership.team_id, "such authorization"
            )
            return AuthorizationStatusView(
                state=request.state,
                status=request.status_at(self.ports.clock.now()),
                channel=request.ask.channel,
                expires_at=request.expires_at,
                error_code=request.error_code,
                connection_id=request.result_connection_id,
            )
