"""Refresh account context: ask Amazon again for profiles and participations, and apply the
team's current plan (a plan upgrade turns Coming Soon into Available)."""

from __future__ import annotations

from attrs import define

from application.context import Actor, Ports, team_connection, team_of
from application.discovery import discover_marketplaces, offer_profiles
from application.ports import Participation
from application.tokens import GetAccessToken
from application.views import ConnectionView
from domain.errors import AdvertisingNotEnabled
from domain.grant import Channel
from domain.profile import Profile
from domain.team import Permission


@define
class RefreshAccountContext:
    ports: Ports
    get_token: GetAccessToken

    def __call__(self, actor: Actor, connection_id: str) -> ConnectionView:
        """Amazon is asked with no transaction open (DESIGN §15); what it said is applied
        to the connection as it is then, in one short transaction."""
        now = self.ports.clock.now()
        with self.ports.uow() as uow:
            connection = team_connection(uow, actor, connection_id, Permission.MANAGE_CONNECTIONS)
        profiles: list[Profile] = []
        participations: list[Participation] = []
        ads = connection.usable_at(now, Channel.ADS)
        if ads:
            token = self.get_token(connection_id, Channel.ADS)
            profiles = self.ports.amazon.list_profiles(connection.region, token.token)
            if not profiles:
                raise AdvertisingNotEnabled(
                    f"Amazon returned no advertising profile with View and Edit "
                    f"permission in the {connection.region} region."
                )
        # getMarketplaceParticipations is a Seller Central call: never with a vendor's grant
        # (a vendor's marketplaces are its advertising profiles).
        if connection.usable_at(now, Channel.SP_API) and connection.is_seller:
            token = self.get_token(connection_id, Channel.SP_API)
            participations = self.ports.amazon.marketplace_participations(
                connection.region, token.token, connection.selling_partner_id
            )
        with self.ports.uow() as uow:
            connection = team_connection(
                uow, actor, connection_id, Permission.MANAGE_CONNECTIONS, for_update=True
            )
            team = team_of(uow.teams.get(connection.team_id), connection.team_id)
            if ads:
                offer_profiles(connection, team, profiles, now)
            marketplaces = discover_marketplaces(
                uow, connection, team, participations, profiles, now
            )
            uow.connections.update(connection)
            uow.commit()
            return ConnectionView.of(connection, marketplaces, now=now)
