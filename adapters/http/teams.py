"""Teams and members (API.md "Teams"): who may connect Amazon accounts for whom."""

from __future__ import annotations

from litestar import Controller
from litestar.params import JSONBody

from adapters.http.routing import (
    App,
    CurrentActor,
    PathStr,
    UserIdPath,
    api_delete,
    api_get,
    api_patch,
    api_post,
    api_put,
)
from adapters.http.schemas import MemberIn, MemberList, MemberOut, TeamIn, TeamOut, TeamPatch
from application.teams import CreateTeamCommand, SetMemberRoleCommand, UpdateTeamCommand
from domain.team import Role, TeamChange


class TeamsController(Controller):
    path = "/api/v1/teams"
    tags = ["teams"]

    @api_post("/", scope=None, summary="Create a team; the caller becomes its owner")
    def create_team(self, data: JSONBody[TeamIn], actor: CurrentActor, application: App) -> TeamOut:
        team = application.create_team(CreateTeamCommand(actor, data.name, data.kind))
        return TeamOut.shown(team)

    @api_get("/", scope=None, summary="The caller's teams and roles (no team context needed)")
    def my_teams(self, actor: CurrentActor, application: App) -> MemberList:
        return MemberList(items=[MemberOut.shown(m) for m in application.list_my_teams(actor)])

    @api_get("/{team_id:str}", scope=None, summary="Show a team")
    def get_team(self, team_id: PathStr, actor: CurrentActor, application: App) -> TeamOut:
        return TeamOut.shown(application.get_team(actor, team_id))

    @api_patch(
        "/{team_id:str}",
        scope=None,
        summary="Change the plan, the connection limit or how many days of records to keep (owner)",
    )
    def update_team(
        self, team_id: PathStr, data: JSONBody[TeamPatch], actor: CurrentActor, application: App
    ) -> TeamOut:
        team = application.update_team(
            UpdateTeamCommand(
                actor,
                team_id,
                TeamChange(
                    plan=data.plan,
                    max_connections=data.max_connections,
                    history_days=data.history_days,
                ),
            )
        )
        return TeamOut.shown(team)

    @api_get("/{team_id:str}/members", scope=None, summary="List the team's members")
    def list_members(self, team_id: PathStr, actor: CurrentActor, application: App) -> MemberList:
        members = application.list_members(actor, team_id)
        return MemberList(items=[MemberOut.shown(m) for m in members])

    @api_put(
        "/{team_id:str}/members/{user_id:str}", scope=None, summary="Add a member or change a role"
    )
    def set_member_role(
        self,
        team_id: PathStr,
        user_id: UserIdPath,
        data: JSONBody[MemberIn],
        actor: CurrentActor,
        application: App,
    ) -> MemberOut:
        membership = application.set_member_role(
            SetMemberRoleCommand(actor, team_id, user_id, Role(data.role))
        )
        return MemberOut.shown(membership)

    @api_delete("/{team_id:str}/members/{user_id:str}", scope=None, summary="Remove a member")
    def remove_member(
        self, team_id: PathStr, user_id: UserIdPath, actor: CurrentActor, application: App
    ) -> None:
        application.remove_member(actor, team_id, user_id)
