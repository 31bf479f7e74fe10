"""Amazon access for the product (DESIGN §11): a fresh access token with the exact headers
Amazon expects, or a call passed through sellerlink. Both come from the same single-flight
refresh as the workers (application/tokens.py), so however many products and workers need a
token, Amazon sees one refresh; both spend the connection's one rate budget.

A refused call is classified once (domain/refusals.py): an access token Amazon rejects is
refreshed once and the call retried once; any other refusal is diagnosed with its catalogue
code, never retried.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from attrs import define, field, frozen

from application.context import Actor, Ports, team_connection
from application.ports import PassThroughAnswer, PassThroughCall
from application.tokens import GetAccessToken, UsableToken
from domain.connection import Connection, Region
from domain.grant import Channel
from domain.pass_through import check_path
from domain.refusals import Refusal, classify_refusal, refusal_error
from domain.secret import Secret
from domain.team import Permission

# A token handed to a product has at least this long left, so it can be used at once.
HAND_OUT_AHEAD = timedelta(minutes=5)


@frozen
class AccessTokenView:
    access_token: Secret
    expires_at: datetime | None
    channel: Channel
    region: Region
    endpoint: str
    headers: Mapping[str, str] = field(repr=False)
    token_type: str = "bearer"


def _partner(connection: Connection, channel: Channel) -> str:
    """Whose rate budget: the selling partner for SP-API, the profile for Ads."""
    if channel is Channel.ADS:
        return connection.selected_profile_id or connection.ads_account_id or connection.id
    return connection.selling_partner_id or connection.id


@define
class IssueAccessToken:
    ports: Ports
    get_token: GetAccessToken

    def __call__(self, actor: Actor, connection_id: str, channel: Channel) -> AccessTokenView:
        with self.ports.uow() as uow:
            connection = team_connection(uow, actor, connection_id, Permission.ACCESS_AMAZON)
        usable = self.get_token(connection.id, channel, ahead=HAND_OUT_AHEAD)
        profile = connection.selected_profile_id if channel is Channel.ADS else None
        access = self.ports.amazon.api_access(channel, connection.region, usable.token, profile)
        with self.ports.uow() as uow:
            handed = team_connection(uow, actor, connection_id, Permission.ACCESS_AMAZON)
            handed.hand_out_access_token(channel, to=actor.label, at=self.ports.clock.now())
            uow.commit()
        return AccessTokenView(
            access_token=usable.token,
            expires_at=usable.expires_at,
            channel=channel,
            region=connection.region,
            endpoint=access.endpoint,
            headers=access.headers,
        )


@frozen
class PassThroughCommand:
    actor: Actor
    connection_id: str
    channel: Channel
    method: str
    path: str  # as the product sent it, still percent-encoded
    query: str
    headers: Mapping[str, str]
    body: bytes = field(repr=False)
    max_wait_seconds: float = 30.0


@define
class PassThrough:
    ports: Ports
    get_token: GetAccessToken

    def __call__(self, cmd: PassThroughCommand) -> PassThroughAnswer:
        path = check_path(cmd.path)
        with self.ports.uow() as uow:
            connection = team_connection(
                uow, cmd.actor, cmd.connection_id, Permission.ACCESS_AMAZON
            )
        usable = self.get_token(connection.id, cmd.channel)
        answer = self._send(cmd, connection, path, usable)
        refusal = self._classify(cmd.channel, answer)
        if refusal is Refusal.ACCESS_TOKEN_REJECTED:
            answer.close()
            # invalid_grant here raises TokenRevoked: the seller revoked, reconnect.
            usable = self.get_token(connection.id, cmd.channel, rejected=usable.token)
            answer = self._send(cmd, connection, path, usable)
            refusal = self._classify(cmd.channel, answer)
            if refusal is Refusal.ACCESS_TOKEN_REJECTED:
                return answer  # refused again with a fresh token: Amazon's answer as it is
        if refusal is not None:
            _, message = answer.error_text()
            answer.close()
            raise refusal_error(refusal, f"{cmd.method} {path.split('?')[0]}", message)
        return answer

    def _send(
        self, cmd: PassThroughCommand, connection: Connection, path: str, usable: UsableToken
    ) -> PassThroughAnswer:
        return self.ports.amazon.forward(
            PassThroughCall(
                channel=cmd.channel,
                region=connection.region,
                method=cmd.method,
                path=path,
                query=cmd.query,
                headers=cmd.headers,
                body=cmd.body,
                access_token=usable.token,
                partner=_partner(connection, cmd.channel),
                profile_id=connection.selected_profile_id if cmd.channel is Channel.ADS else None,
                max_wait_seconds=cmd.max_wait_seconds,
            )
        )

    @staticmethod
    def _classify(channel: Channel, answer: PassThroughAnswer) -> Refusal | None:
        if answer.status not in (401, 403):
            return None
        code, message = answer.error_text()
        return classify_refusal(channel, answer.status, code, message)
