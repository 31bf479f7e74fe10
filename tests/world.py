"""A small driver over the application for tests and feature steps: the moves a person
makes (create a team, click Connect, approve on Amazon) in one call each, always through
the use cases."""

from __future__ import annotations

from datetime import timedelta

from attrs import define, field

from adapters.amazon.fake import SCENARIOS, FakeAmazon
from application.app import Application
from application.connect import (
    AuthorizationStarted,
    CallbackCommand,
    CallbackResult,
    StartAuthorizationCommand,
)
from application.context import Actor
from application.teams import CreateTeamCommand, SetMemberRoleCommand
from bootstrap.system import SettableClock
from domain.connection import AccountType, Region
from domain.errors import DomainError
from domain.grant import Channel
from domain.team import Plan, Role, Team, TeamKind

ACCOUNT_TYPES = {"vendor": AccountType.VENDOR}


@define
class World:
    app: Application
    clock: SettableClock
    amazon: FakeAmazon
    team: Team | None = None
    teams: dict[str, Team] = field(factory=dict)
    error: DomainError | None = None
    started: AuthorizationStarted | None = None
    result: CallbackResult | None = None

    # ---- teams -------------------------------------------------------------------------

    def create_team(
        self,
        name: str = "Acme",
        *,
        plan: Plan = Plan.FREE,
        kind: TeamKind = TeamKind.BRAND,
        max_connections: int | None = None,
    ) -> Team:
        owner = Actor(f"owner@{name.lower()}")
        team = self.app.create_team(
            CreateTeamCommand(owner, name, kind, plan=plan, max_connections=max_connections)
        )
        for role in (Role.ADMIN, Role.MANAGER, Role.MEMBER):
            self.app.set_member_role(
                SetMemberRoleCommand(
                    Actor(owner.user_id, team.id), team.id, f"{role}@{name.lower()}", role
                )
            )
        self.teams[name] = team
        self.team = self.team or team
        return team

    def actor(self, role: Role | str = Role.OWNER, team: Team | None = None) -> Actor:
        team = team or self.team
        assert team is not None, "create a team first"
        return Actor(f"{role}@{team.name.lower()}", team.id)

    # ---- connecting --------------------------------------------------------------------

    def start(
        self,
        channel: Channel,
        *,
        region: Region = Region.NA,
        account_type: AccountType = AccountType.SELLER,
        actor: Actor | None = None,
        connection_id: str | None = None,
        return_to: str | None = None,
        marketplace_id: str | None = None,
    ) -> AuthorizationStarted:
        self.started = self.app.start_authorization(
            StartAuthorizationCommand(
                actor=actor or self.actor(),
                channel=channel,
                region=region,
                account_type=account_type,
                connection_id=connection_id,
                return_to=return_to,
                marketplace_id=marketplace_id,
            )
        )
        return self.started

    def approve(
        self,
        started: AuthorizationStarted,
        account: str,
        *,
        approve: bool = True,
        wait: timedelta | None = None,
    ) -> CallbackResult:
        query = self.amazon.consent(started.authorization_url, account, approve=approve)
        if wait:
            self.clock.advance(wait)
        return self.callback(started.channel, query)

    def callback(self, channel: Channel, query: dict[str, str]) -> CallbackResult:
        self.result = self.app.complete_callback(
            CallbackCommand(
                channel=channel,
                state=query["state"],
                code=query.get("code") or query.get("spapi_oauth_code"),
                selling_partner_id=query.get("selling_partner_id") or None,
                error=query.get("error"),
            )
        )
        return self.result

    def connect(
        self,
        account: str,
        channel: Channel,
        *,
        region: Region | None = None,
        actor: Actor | None = None,
        connection_id: str | None = None,
    ) -> CallbackResult:
        started = self.start(
            channel,
            region=region or default_region(account),
            account_type=ACCOUNT_TYPES.get(account, AccountType.SELLER),
            actor=actor,
            connection_id=connection_id,
        )
        return self.approve(started, account)

    def connect_fully(self, account: str, *, region: Region | None = None) -> CallbackResult:
        """Ads, then SP-API when the account type requires it, on one connection."""
        result = self.connect(account, Channel.ADS, region=region)
        if result.connection.account_type is AccountType.SELLER:
            result = self.connect(
                account, Channel.SP_API, region=region, connection_id=result.connection.id
            )
        return result

    def attempt(self, action: object, *args: object, **kwargs: object) -> object:
        """Run an action expected to possibly fail; keeps the error for Then steps."""
        self.error = None
        try:
            return action(*args, **kwargs)  # type: ignore[operator]
        except DomainError as error:
            self.error = error
            return None


def default_region(account: str) -> Region:
    scenario = SCENARIOS[account]
    if any(c in {"UK", "DE", "FR", "IT", "ES"} for c in scenario.profile_countries):
        return Region.EU
    return Region.NA
