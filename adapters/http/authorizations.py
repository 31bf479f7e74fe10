"""Starting an Amazon authorization, polling it, and the Reconnect shortcut (API.md
"Authorizing"; seed 000: the team context is checked and the scopes shown before the person
goes to Amazon)."""

from __future__ import annotations

from litestar import Controller
from litestar.params import JSONBody

from adapters.http.routing import App, CurrentActor, PathStr, api_get, api_post
from adapters.http.schemas import (
    AuthorizationIn,
    AuthorizationOut,
    AuthorizationStatusOut,
    ReconnectIn,
)
from application.connect import StartAuthorizationCommand
from application.views import ConnectionView
from domain.grant import Channel, TokenStatus

# Seed 004: the grant that stopped working is the one to authorize again; an expiring one is
# next, then one that was never authorized (a seller who only did Ads so far).
_NEEDS_PERSON = (
    TokenStatus.REVOKED,
    TokenStatus.EXPIRED,
    TokenStatus.EXPIRING,
    TokenStatus.MISSING,
)


def channel_to_reconnect(connection: ConnectionView) -> Channel:
    required = [g for g in connection.grants if g.required]
    for status in _NEEDS_PERSON:
        for grant in required:
            if grant.status is status:
                return grant.channel
    return Channel.ADS


class AuthorizationsController(Controller):
    path = "/api/v1/connections"
    tags = ["connecting"]

    @api_post("/authorizations", summary="Start an Amazon authorization")
    def start(
        self, data: JSONBody[AuthorizationIn], actor: CurrentActor, application: App
    ) -> AuthorizationOut:
        started = application.start_authorization(
            StartAuthorizationCommand(
                actor=actor,
                channel=data.channel,
                region=data.region,
                account_type=data.account_type,
                marketplace_id=data.marketplace_id,
                connection_id=data.connection_id,
                return_to=data.return_to,
            )
        )
        return AuthorizationOut.of(started)

    @api_get("/authorizations/{authorization_state:str}", summary="The status of an authorization")
    def status(
        self, authorization_state: PathStr, actor: CurrentActor, application: App
    ) -> AuthorizationStatusOut:
        return AuthorizationStatusOut.of(
            application.authorization_status(actor, authorization_state)
        )

    @api_post(
        "/{connection_id:str}/reconnect",
        summary="Reconnect: a new authorization for this connection",
        description="Returns the same body as POST /api/v1/connections/authorizations. The "
        "channel defaults to the one that needs the person (revoked, expired, expiring, then "
        "never authorized). Connection id, settings and history are kept.",
    )
    def reconnect(
        self,
        connection_id: PathStr,
        actor: CurrentActor,
        application: App,
        data: JSONBody[ReconnectIn | None] = None,
    ) -> AuthorizationOut:
        body = data or ReconnectIn()
        connection = application.get_connection(actor, connection_id)
        started = application.start_authorization(
            StartAuthorizationCommand(
                actor=actor,
                channel=body.channel or channel_to_reconnect(connection),
                region=connection.region,
                account_type=connection.account_type,
                connection_id=connection.id,
                return_to=body.return_to,
            )
        )
        return AuthorizationOut.of(started)
