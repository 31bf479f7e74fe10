"""Teams and members through the use cases: who may do what, and a team always keeps an
owner (seeds 000, 002, 003; DESIGN §2 Membership)."""

from __future__ import annotations

import pytest

from application.context import Actor
from application.repositories import EventLogQuery
from application.teams import SetMemberRoleCommand, UpdateTeamCommand
from domain.errors import ErrorCode
from domain.events import EventKind
from domain.grant import Channel
from domain.team import Plan, Role, TeamChange
from tests.world import World, refused


@pytest.fixture
def team_world(world: World) -> World:
    world.create_team("Acme")
    return world


def set_role(world: World, by: Role | Actor, user: str, role: Role) -> object:
    actor = by if isinstance(by, Actor) else world.actor(by)
    team = world.team
    assert team is not None
    return world.app.set_member_role(SetMemberRoleCommand(actor, team.id, user, role))


def remove(world: World, by: Role, user: str) -> None:
    team = world.team
    assert team is not None
    world.app.remove_member(world.actor(by), team.id, user)


def roles(world: World) -> dict[str, Role]:
    team = world.team
    assert team is not None
    return {m.user_id: m.role for m in world.app.list_members(world.actor(), team.id)}


def test_creating_a_team_makes_the_creator_its_owner(team_world: World) -> None:
    assert roles(team_world)["owner@acme"] is Role.OWNER


def test_an_admin_can_add_a_member_and_change_roles_below_owner(team_world: World) -> None:
    set_role(team_world, Role.ADMIN, "new@acme", Role.MEMBER)
    set_role(team_world, Role.ADMIN, "new@acme", Role.MANAGER)
    assert roles(team_world)["new@acme"] is Role.MANAGER


def test_only_an_owner_can_make_an_owner(team_world: World) -> None:
    assert refused(set_role, team_world, Role.ADMIN, "admin@acme", Role.OWNER) is (
        ErrorCode.FORBIDDEN_ROLE
    )
    set_role(team_world, Role.OWNER, "admin@acme", Role.OWNER)
    assert roles(team_world)["admin@acme"] is Role.OWNER


def test_an_admin_cannot_demote_an_owner(team_world: World) -> None:
    set_role(team_world, Role.OWNER, "second@acme", Role.OWNER)
    assert refused(set_role, team_world, Role.ADMIN, "second@acme", Role.MEMBER) is (
        ErrorCode.FORBIDDEN_ROLE
    )


@pytest.mark.parametrize("who", [Role.MANAGER, Role.MEMBER])
def test_managers_and_members_cannot_change_roles(team_world: World, who: Role) -> None:
    assert refused(set_role, team_world, who, "member@acme", Role.ADMIN) is (
        ErrorCode.FORBIDDEN_ROLE
    )
    assert roles(team_world)["member@acme"] is Role.MEMBER


def test_the_last_owner_cannot_step_down(team_world: World) -> None:
    assert refused(set_role, team_world, Role.OWNER, "owner@acme", Role.ADMIN) is (
        ErrorCode.INVALID_TRANSITION
    )
    assert roles(team_world)["owner@acme"] is Role.OWNER


def test_the_last_owner_cannot_leave(team_world: World) -> None:
    assert refused(remove, team_world, Role.OWNER, "owner@acme") is ErrorCode.INVALID_TRANSITION
    assert "owner@acme" in roles(team_world)


def test_an_owner_can_leave_once_someone_else_owns_the_team(team_world: World) -> None:
    set_role(team_world, Role.OWNER, "admin@acme", Role.OWNER)
    remove(team_world, Role.OWNER, "owner@acme")
    team = team_world.team
    assert team is not None
    left = team_world.app.list_members(team_world.actor(Role.ADMIN), team.id)
    assert {m.user_id for m in left} == {"admin@acme", "manager@acme", "member@acme"}
    assert refused(team_world.app.list_members, team_world.actor(Role.OWNER), team.id) is (
        ErrorCode.NOT_A_MEMBER
    )


def test_a_removed_manager_can_no_longer_connect(team_world: World) -> None:
    remove(team_world, Role.ADMIN, "manager@acme")
    manager = team_world.actor(Role.MANAGER)
    assert refused(lambda: team_world.start(Channel.ADS, actor=manager)) is (ErrorCode.NOT_A_MEMBER)


def test_a_team_route_for_another_team_than_the_context_is_refused(team_world: World) -> None:
    rival = team_world.create_team("Rival")
    owner = team_world.actor()  # team context: Acme
    assert refused(team_world.app.get_team, owner, rival.id) is ErrorCode.NOT_A_MEMBER


def test_only_the_owner_changes_the_plan(team_world: World) -> None:
    team = team_world.team
    assert team is not None
    command = UpdateTeamCommand(team_world.actor(Role.ADMIN), team.id, TeamChange(plan=Plan.PRO))
    assert refused(team_world.app.update_team, command) is ErrorCode.FORBIDDEN_ROLE
    upgraded = team_world.upgrade(Plan.PRO)
    assert upgraded.plan is Plan.PRO


def test_role_changes_are_in_the_team_timeline(team_world: World) -> None:
    set_role(team_world, Role.ADMIN, "new@acme", Role.MANAGER)
    team = team_world.team
    assert team is not None
    with team_world.app.ports.uow() as uow:
        events = uow.events.list(EventLogQuery(team_id=team.id, kinds=[EventKind.MEMBER_ROLE_SET]))
    assert events[0].summary == "new@acme is now manager"
    assert events[0].actor == "user:admin@acme"
