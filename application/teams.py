"""Teams and members: who may connect Amazon accounts for whom (seeds 000, 002, 003)."""

from __future__ import annotations

from attrs import define, evolve, frozen

from application.context import Actor, Ports, require_member
from domain.errors import NotAMember, NotFound, ValidationFailed
from domain.team import (
    Membership,
    Permission,
    Plan,
    Role,
    Team,
    TeamChange,
    TeamKind,
)


@frozen
class CreateTeamCommand:
    actor: Actor
    name: str
    kind: TeamKind
    plan: Plan = Plan.FREE
    max_connections: int | None = None


@define
class CreateTeam:
    """Anyone signed in can create a team; they become its owner."""

    ports: Ports

    def __call__(self, cmd: CreateTeamCommand) -> Team:
        now = self.ports.clock.now()
        team = Team.create(
            id=self.ports.ids.new_id("team"),
            name=cmd.name,
            kind=cmd.kind,
            plan=cmd.plan,
            max_connections=cmd.max_connections,
            at=now,
            actor=cmd.actor.label,
        )
        with self.ports.uow() as uow:
            uow.teams.add(team)
            uow.memberships.put(Membership(team.id, cmd.actor.user_id, Role.OWNER, now))
            uow.commit()
        return team


def _existing(team: Team | None, team_id: str) -> Team:
    if team is None:
        raise NotFound(f"There is no team {team_id}.")
    return team


def _team_in_context(actor: Actor, team_id: str) -> Actor:
    """Team routes name their team in the path; a different header or claim is a mistake."""
    if actor.team_id not in (None, team_id):
        raise NotAMember("The team in the path is not your current team.")
    return evolve(actor, team_id=team_id)


@define
class GetTeam:
    ports: Ports

    def __call__(self, actor: Actor, team_id: str) -> Team:
        actor = _team_in_context(actor, team_id)
        with self.ports.uow() as uow:
            require_member(uow, actor, Permission.VIEW)
            team = uow.teams.get(team_id)
            if team is None:
                raise NotFound(f"There is no team {team_id}.")
            return team


@frozen
class UpdateTeamCommand:
    actor: Actor
    team_id: str
    change: TeamChange


@define
class UpdateTeam:
    """Stands in for billing: the owner changes the plan or the connection limit. A plan
    change re-classifies Coming Soon profiles and marketplaces at the next refresh."""

    ports: Ports

    def __call__(self, cmd: UpdateTeamCommand) -> Team:
        actor = _team_in_context(cmd.actor, cmd.team_id)
        with self.ports.uow() as uow:
            require_member(uow, actor, Permission.MANAGE_BILLING)
            team = _existing(uow.teams.get(cmd.team_id), cmd.team_id)
            team.change(cmd.change, at=self.ports.clock.now(), actor=actor.label)
            uow.teams.update(team)
            uow.commit()
            return team


@define
class ListMembers:
    ports: Ports

    def __call__(self, actor: Actor, team_id: str) -> list[Membership]:
        actor = _team_in_context(actor, team_id)
        with self.ports.uow() as uow:
            require_member(uow, actor, Permission.VIEW)
            return sorted(uow.memberships.list_for_team(team_id), key=lambda m: m.joined_at)


@define
class ListMyTeams:
    ports: Ports

    def __call__(self, actor: Actor) -> list[Membership]:
        with self.ports.uow() as uow:
            return uow.memberships.list_for_user(actor.user_id)


@frozen
class SetMemberRoleCommand:
    actor: Actor
    team_id: str
    user_id: str
    role: Role


@define
class SetMemberRole:
    """Adds a member or changes a role. Only an owner makes owners; a team keeps one."""

    ports: Ports

    def __call__(self, cmd: SetMemberRoleCommand) -> Membership:
        actor = _team_in_context(cmd.actor, cmd.team_id)
        if not cmd.user_id.strip() or len(cmd.user_id) > 200:
            raise ValidationFailed("A user id has 1 to 200 characters.")
        with self.ports.uow() as uow:
            mine = require_member(uow, actor, Permission.MANAGE_MEMBERS)
            team = _existing(uow.teams.get(cmd.team_id), cmd.team_id)
            members = uow.memberships.list_for_team(cmd.team_id)
            current = next((m for m in members if m.user_id == cmd.user_id), None)
            if Role.OWNER in (cmd.role, current.role if current else None):
                mine.require(Permission.MANAGE_BILLING)  # owners only
            membership = team.set_role(
                members, cmd.user_id, cmd.role, at=self.ports.clock.now(), actor=actor.label
            )
            uow.memberships.put(membership)
            uow.commit()
            return membership


@define
class RemoveMember:
    ports: Ports

    def __call__(self, actor: Actor, team_id: str, user_id: str) -> None:
        actor = _team_in_context(actor, team_id)
        with self.ports.uow() as uow:
            mine = require_member(uow, actor, Permission.MANAGE_MEMBERS)
            members = uow.memberships.list_for_team(team_id)
            target = next((m for m in members if m.user_id == user_id), None)
            if target is None:
                raise NotFound(f"{user_id} is not a member of this team.")
            if target.role is Role.OWNER:
                mine.require(Permission.MANAGE_BILLING)
            team = _existing(uow.teams.get(team_id), team_id)
            team.remove(members, target, at=self.ports.clock.now(), actor=actor.label)
            uow.memberships.remove(team_id, user_id)
            uow.commit()
