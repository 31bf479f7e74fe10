"""Choosing the advertising profile (seed 000: auto only when Amazon returns exactly one)."""

from __future__ import annotations

from attrs import define

from application.context import Actor, Ports, record, team_connection
from application.views import ConnectionView, ProfileList, ProfileView
from domain.errors import NotFound
from domain.events import EventKind
from domain.team import Permission


@define
class ListProfiles:
    ports: Ports

    def __call__(self, actor: Actor, connection_id: str) -> ProfileList:
        with self.ports.uow() as uow:
            connection = team_connection(uow, actor, connection_id, Permission.VIEW)
            team = uow.teams.get(connection.team_id)
            if team is None:
                raise NotFound("The team of this connection no longer exists.")
            items = []
            for profile in connection.profiles:
                covered = team.covers_country(profile.country_code)
                items.append(
                    ProfileView(
                        profile=profile,
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

    def __call__(self, actor: Actor, connection_id: str, profile_id: str) -> ConnectionView:
        now = self.ports.clock.now()
        with self.ports.uow() as uow:
            connection = team_connection(
                uow, actor, connection_id, Permission.MANAGE_CONNECTIONS, for_update=True
            )
            team = uow.teams.get(connection.team_id)
            if team is None:
                raise NotFound("The team of this connection no longer exists.")
            selectable = [p for p in connection.profiles if team.covers_country(p.country_code)]
            profile = connection.choose_profile(profile_id, selectable)
            uow.connections.update(connection)
            record(
                uow,
                self.ports,
                team_id=team.id,
                kind=EventKind.PROFILE_SELECTED,
                actor=actor.label,
                summary=f"Profile {profile.profile_id} ({profile.country_code}) selected",
                connection_id=connection.id,
                at=now,
            )
            uow.commit()
            return ConnectionView.of(
                connection, uow.marketplaces.list_for_connection(connection.id), now=now
            )
