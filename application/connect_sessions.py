"""Connect sessions (DESIGN §14, API.md "Connect sessions"): a product's back end creates one
for a person; the person's browser opens its link and claims it; the hosted flow then acts
for the team with the authority of whoever created the session, re-checked at every step
(a creator who has left the team or lost the role ends the session's power at once).
"""

from __future__ import annotations

from datetime import datetime

from attrs import define, field, frozen

from application.context import (
    Actor,
    Ports,
    connection_to_reconnect,
    require_member,
)
from application.unit_of_work import UnitOfWork
from domain.authorization import AuthorizationStatus, browser_digest
from domain.connect_session import ConnectOffer, ConnectSession
from domain.errors import ErrorCode, NotFound, OAuthStateInvalid
from domain.team import Permission


@frozen
class CreateConnectSessionCommand:
    actor: Actor
    offer: ConnectOffer = field(factory=ConnectOffer)


@frozen
class ConnectSessionCreated:
    session_id: str
    token: str
    expires_at: datetime


@define
class CreateConnectSession:
    ports: Ports

    def __call__(self, cmd: CreateConnectSessionCommand) -> ConnectSessionCreated:
        now = self.ports.clock.now()
        token = self.ports.secrets.oauth_state()
        with self.ports.uow() as uow:
            membership = require_member(uow, cmd.actor, Permission.MANAGE_CONNECTIONS)
            if cmd.offer.connection_id is not None:
                connection_to_reconnect(uow, cmd.actor, cmd.offer.connection_id)
            session = ConnectSession.create(
                session_id=self.ports.ids.new_id("cs"),
                token=token,
                team_id=membership.team_id,
                created_by=cmd.actor.user_id,
                at=now,
                offer=cmd.offer,
            )
            uow.connect_sessions.add(session)
            uow.commit()
        return ConnectSessionCreated(session.id, token, session.expires_at)


@frozen
class SessionOpened:
    session_id: str
    browser: str


@define
class OpenConnectSession:
    """The link's first visit: the browser that opens it owns the session from then on."""

    ports: Ports

    def __call__(self, token: str, browser: str | None) -> SessionOpened:
        now = self.ports.clock.now()
        secret = browser or self.ports.secrets.oauth_state()
        with self.ports.uow() as uow:
            session = uow.connect_sessions.find_by_token(browser_digest(token))
            if session is None:
                raise OAuthStateInvalid(
                    "This connect link is not valid. Ask the app for a new one."
                )
            session.claim(secret, at=now)
            uow.connect_sessions.update(session)
            uow.commit()
        return SessionOpened(session.id, secret)


def session_actor(session: ConnectSession) -> Actor:
    """Who the hosted flow acts as: the session's creator in the session's team; the use
    cases check their membership and role as for any request."""
    return Actor(session.created_by, session.team_id)


def load_session(
    uow: UnitOfWork, session_id: str, browser: str | None, now: datetime
) -> ConnectSession:
    session = uow.connect_sessions.get(session_id)
    if session is None:
        raise NotFound("There is no such connect session.")
    session.check_browser(browser, at=now)
    return session


def settle_pending(uow: UnitOfWork, session: ConnectSession, now: datetime) -> bool:
    """What became of the authorization the person took to Amazon, read from the server
    (never from the query string the browser came back with). True when it changed."""
    if session.pending_state is None:
        return False
    request = uow.authorizations.get(session.pending_state)
    status = request.status_at(now) if request is not None else AuthorizationStatus.EXPIRED
    if status is AuthorizationStatus.PENDING:
        return False
    if status is AuthorizationStatus.COMPLETED and request is not None:
        session.connection_id = request.result_connection_id
        session.last_error = None
    elif status is AuthorizationStatus.FAILED and request is not None:
        session.last_error = request.error_code or str(ErrorCode.INTERNAL_ERROR)
        if request.ask.connection_id:
            session.connection_id = session.connection_id or request.ask.connection_id
    else:
        session.last_error = str(ErrorCode.SESSION_EXPIRED)
    session.pending_state = None
    return True
