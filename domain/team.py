"""Teams, their plan and who may do what (seeds 000, 002, 003)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from attrs import define, field, frozen

from domain.errors import ConnectionLimit, ForbiddenRole, InvalidTransition, ValidationFailed
from domain.events import EventKind, EventScope, EventSource
from domain.marketplace import DEFAULT_RETRY_LIMIT
from domain.records import DEFAULT_HISTORY_DAYS, validate_history_days


class TeamKind(StrEnum):
    BRAND = "brand"
    AGENCY = "agency"


class Plan(StrEnum):
    FREE = "free"
    PRO = "pro"


class Role(StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    MANAGER = "manager"
    MEMBER = "member"
    # An API key (domain/api_key.py): the team's back end, never a person; its scopes
    # narrow it further at the edge.
    SERVICE = "service"


PERSON_ROLES = (Role.OWNER, Role.ADMIN, Role.MANAGER, Role.MEMBER)


class Permission(StrEnum):
    VIEW = "view"
    MANAGE_CONNECTIONS = "manage_connections"
    MANAGE_MEMBERS = "manage_members"
    MANAGE_BILLING = "manage_billing"
    MANAGE_API_KEYS = "manage_api_keys"
    # Fresh access tokens and the proxy (DESIGN §11): the Amazon account's full power.
    ACCESS_AMAZON = "access_amazon"
    # API.md "Webhooks": owner or admin (an API key needs the `webhooks:manage` scope).
    MANAGE_WEBHOOKS = "manage_webhooks"


# Seed 003: "Only users with permission to change integration settings can complete the
# authorization" (admin or manager); seed 002 and DESIGN §2 add the owner.
_GRANTS: dict[Role, frozenset[Permission]] = {
    Role.OWNER: frozenset(Permission),
    Role.ADMIN: frozenset(
        {
            Permission.VIEW,
            Permission.MANAGE_CONNECTIONS,
            Permission.MANAGE_MEMBERS,
            Permission.MANAGE_API_KEYS,
            Permission.ACCESS_AMAZON,
            Permission.MANAGE_WEBHOOKS,
        }
    ),
    Role.MANAGER: frozenset({Permission.VIEW, Permission.MANAGE_CONNECTIONS}),
    Role.MEMBER: frozenset({Permission.VIEW}),
    # DESIGN §10: a key never manages members, keys or billing, whatever its scopes.
    Role.SERVICE: frozenset(
        {
            Permission.VIEW,
            Permission.MANAGE_CONNECTIONS,
            Permission.ACCESS_AMAZON,
            Permission.MANAGE_WEBHOOKS,
        }
    ),
}

# Seed 000: "some non-US profiles may appear as Coming Soon ... in the current free-tier
# onboarding flow". None means every country.
_PLAN_COUNTRIES: dict[Plan, frozenset[str] | None] = {
    Plan.FREE: frozenset({"US"}),
    Plan.PRO: None,
}


def role_allows(role: Role, permission: Permission) -> bool:
    return permission in _GRANTS[role]


@frozen
class Membership:
    team_id: str
    user_id: str
    role: Role
    joined_at: datetime

    def require(self, permission: Permission) -> None:
        if not role_allows(self.role, permission):
            raise ForbiddenRole(
                f"Your role ({self.role}) does not allow this.",
                context={"role": str(self.role), "permission": str(permission)},
            )


@frozen
class TeamChange:
    """What the owner changes of a team (billing's stand-in); None leaves it as it is."""

    plan: Plan | None = None
    max_connections: int | None = None
    history_days: int | None = None


@define
class Team(EventSource):
    """A team announces its creation, plan changes and who joins, changes role or leaves."""

    id: str
    name: str
    kind: TeamKind
    created_at: datetime
    plan: Plan = Plan.FREE
    # None: no limit. Seed 003's product allows one seller account per team; seed 000's
    # allows many: it is the team's policy, not a global rule.
    max_connections: int | None = None
    marketplace_retry_limit: int = DEFAULT_RETRY_LIMIT
    # How far back records reach and how long they are kept (DESIGN §12).
    history_days: int = DEFAULT_HISTORY_DAYS
    version: int = field(default=0)

    def __attrs_post_init__(self) -> None:
        self.name = validate_team_name(self.name)
        _validate_limit(self.max_connections)
        validate_history_days(self.history_days)

    @classmethod
    def create(
        cls,
        *,
        id: str,
        name: str,
        kind: TeamKind,
        plan: Plan,
        max_connections: int | None,
        at: datetime,
        actor: str,
    ) -> Team:
        team = cls(
            id=id, name=name, kind=kind, plan=plan, max_connections=max_connections, created_at=at
        )
        team.announce_change(
            EventKind.TEAM_CREATED, f"Team {team.name} created", at=at, actor=actor
        )
        return team

    def covers_country(self, country_code: str) -> bool:
        countries = _PLAN_COUNTRIES[self.plan]
        return countries is None or normalize_country(country_code) in countries

    def change(self, change: TeamChange, *, at: datetime, actor: str) -> None:
        before = (self.plan, self.max_connections, self.history_days)
        if change.plan is not None:
            self.plan = change.plan
        if change.max_connections is not None:
            _validate_limit(change.max_connections)
            self.max_connections = change.max_connections
        if change.history_days is not None:
            self.history_days = validate_history_days(change.history_days)
        self.announce_change(
            EventKind.TEAM_CHANGED,
            f"Plan {before[0]} -> {self.plan}, "
            f"max connections {before[1]} -> {self.max_connections}, "
            f"history days {before[2]} -> {self.history_days}",
            at=at,
            actor=actor,
        )

    def set_role(
        self,
        members: list[Membership],
        user_id: str,
        role: Role,
        *,
        at: datetime,
        actor: str,
    ) -> Membership:
        """Adds a member or changes a role; a team always keeps an owner."""
        require_person_role(role)
        current = next((m for m in members if m.user_id == user_id), None)
        if current is not None:
            check_role_change(members, current, role)
        membership = Membership(self.id, user_id, role, current.joined_at if current else at)
        self.announce_change(
            EventKind.MEMBER_ROLE_SET, f"{user_id} is now {role}", at=at, actor=actor
        )
        return membership

    def remove(
        self, members: list[Membership], target: Membership, *, at: datetime, actor: str
    ) -> None:
        check_removal(members, target)
        self.announce_change(
            EventKind.MEMBER_REMOVED, f"{target.user_id} removed from the team", at=at, actor=actor
        )

    def event_scope(self) -> EventScope:
        return EventScope(self.id)

    def check_room_for_connection(self, connected: int) -> None:
        if self.max_connections is not None and connected >= self.max_connections:
            raise ConnectionLimit(
                f"Your team may connect {self.max_connections} Amazon account(s) and already "
                f"has {connected}.",
                context={"max_connections": self.max_connections, "connected": connected},
            )


def normalize_country(country_code: str) -> str:
    """SP-API says GB where Ads and the marketplace table say UK (AMAZON.md)."""
    code = country_code.strip().upper()
    return "UK" if code == "GB" else code


def validate_team_name(name: str) -> str:
    cleaned = name.strip()
    if not 1 <= len(cleaned) <= 120:
        raise ValidationFailed("A team name needs 1 to 120 characters.", context={"field": "name"})
    return cleaned


def _validate_limit(limit: int | None) -> None:
    if limit is not None and not 1 <= limit <= 1000:
        raise ValidationFailed(
            "max_connections must be between 1 and 1000.", context={"field": "max_connections"}
        )


def require_person_role(role: Role) -> None:
    """`service` is the role of API keys, never a person's."""
    if role not in PERSON_ROLES:
        raise ValidationFailed(
            "A member's role is owner, admin, manager or member.", context={"field": "role"}
        )


def check_role_change(members: list[Membership], target: Membership, new_role: Role) -> None:
    """A team always keeps at least one owner; nobody can be demoted below that."""
    owners = [m for m in members if m.role is Role.OWNER]
    if target.role is Role.OWNER and new_role is not Role.OWNER and len(owners) <= 1:
        raise InvalidTransition("A team needs at least one owner.")


def check_removal(members: list[Membership], target: Membership) -> None:
    owners = [m for m in members if m.role is Role.OWNER]
    if target.role is Role.OWNER and len(owners) <= 1:
        raise InvalidTransition("The last owner cannot leave the team.")
