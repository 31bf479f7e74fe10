"""Starting an Amazon authorization, polling it, and the Reconnect shortcut (API.md
"Authorizing"; seed 000: the team context is checked and the scopes shown before the person
goes to Amazon)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request
from litestar.params import JSONBody

from adapters.http.binding import authorization_url
from adapters.http.routing import App, CurrentActor, PathStr, api_get, api_post
from adapters.http.schemas import (
    AuthorizationIn,
    AuthorizationOut,
    ReconnectIn,
)
from application.connect import (
    AuthorizationStatusView,
    ReconnectCommand,
    StartAuthorizationCommand,
)
from domain.api_key import Scope
from domain.authorization import ConsentAsk
from domain.copies import copied


class AuthorizationsController(Controller):
    path = "/api/v1/connections"
    tags = ["connecting"]

    @api_post(
        "/authorizations", scope=Scope.CONNECTIONS_WRITE, summary="Start an Amazon authorization"
    )
    def start(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[AuthorizationIn],
        actor: CurrentActor,
        application: App,
    ) -> AuthorizationOut:
        started = application.start_authorization(
            StartAuthorizationCommand(
                actor=actor,
                # The body is the ask as the API receives it, field for field.
                ask=copied(ConsentAsk, data),
            )
        )
        return AuthorizationOut.of(started, authorization_url(request, started.state))

    @api_get(
        "/authorizations/{authorization_state:str}",
        scope=Scope.CONNECTIONS_READ,
        summary="The status of an authorization",
    )
    def status(
        self, authorization_state: PathStr, actor: CurrentActor, application: App
    ) -> AuthorizationStatusView:
        return application.authorization_status(actor, authorization_state)

    @api_post(
        "/{connection_id:str}/reconnect",
        scope=Scope.CONNECTIONS_WRITE,
        summary="Reconnect: a new authorization for this connection",
        description="Returns the same body as POST /api/v1/connections/authorizations. The "
        "channel defaults to the one that needs the person (revoked, expired, expiring, then "
        "never authorized). Connection id, settings and history are kept.",
    )
    def reconnect(
        self,
        request: Request[Any, Any, Any],
        connection_id: PathStr,
        actor: CurrentActor,
        application: App,
        data: JSONBody[ReconnectIn | None] = None,
    ) -> AuthorizationOut:
        body = data or ReconnectIn()
        started = application.start_reconnect(
            ReconnectCommand(actor, connection_id, body.channel, body.return_to)
        )
        return AuthorizationOut.of(started, authorization_url(request, started.state))
