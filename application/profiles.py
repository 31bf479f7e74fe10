"""Choosing the advertising profile (seed 000: auto only when Amazon returns exactly one)
and warning when it has no active campaigns (seed 002)."""

from __future__ import annotations

from attrs import define, frozen

from application.campaigns import warn_without_active_campaigns
from application.context import Actor, Ports, team_connection, team_of
from application.tokens import GetAccessToken
from application.views import ConnectionView, ProfileList, ProfileView
from domain.errors import DomainError, ErrorCode
from domain.grant import Channel
from domain.team import Permission


@frozen
class ChosenProfile:
    """The connection with its new profile, and the warnings that go with the choice
    (NO_ACTIVE_CAMPAIGNS); a warning never undoes the choice."""

    connection: ConnectionView
    warnings: tuple[ErrorCode, ...] = ()


@define
class ListProfiles:
    ports: Ports

    def __call__(self, actor: Actor, connection_id: str) -> ProfileList:
        with self.ports.uow() as uow:
            connection = team_connection(uow, actor, connection_id, Permission.VIEW)
            team = team_of(uow.teams.get(connection.team_id), connection.team_id)
            items = []
            for profile in connection.profiles:
                covered = team.covers_country(profile.country_code)
                items.append(
                    ProfileView.of(
                        profile,
                        selectable=covered,
                        selected=profile.profile_id == connection.selected_profile_id,
                        reason=None if covered else "Coming Soon on your plan",
                    )
                )
            return ProfileList(
                items=tuple(items),
                selected_profile_id=connection.selected_profile_id,
                auto_selected=connection.profile_auto_selected,
            )


@define
class ChooseProfile:
    ports: Ports

    def __call__(self, actor: Actor, connection_id: str, profile_id: str) -> ChosenProfile:
        now = self.ports.clock.now()
        with self.ports.uow() as uow:
            connection = team_connection(
                uow, actor, connection_id, Permission.MANAGE_CONNECTIONS, for_update=True
            )
            team = team_of(uow.teams.get(connection.team_id), connection.team_id)
            selectable = [p for p in connection.profiles if team.covers_country(p.country_code)]
            profile = connection.choose_profile(profile_id, selectable, at=now, actor=actor.label)
            uow.connections.update(connection)
            uow.commit()
            view = ConnectionView.of(
                connection, uow.marketplaces.list_for_connection(connection.id), now=now
            )
            ads_usable = connection.usable_at(now, Channel.ADS)
        if not ads_usable:
            return ChosenProfile(view)
        return ChosenProfile(view, self._warnings(view, profile.profile_id))

    def _warnings(self, view: ConnectionView, profile_id: str) -> tuple[ErrorCode, ...]:
        """Outside the choice's transaction: the token (cached, or refreshed under the row
        lock) and Amazon's answer. A token Amazon will not give is no reason to warn."""
        try:
            token = GetAccessToken(self.ports)(view.id, Channel.ADS)
        except DomainError:
            return ()
        return warn_without_active_campaigns(
            self.ports,
            team_id=view.team_id,
            connection_id=view.id,
            region=view.region,
            access_token=token.token,
            profile_id=profile_id,
        )
