"""What every use case shares: who is acting, the ports, and the team checks that guard every
team-scoped action (seed 000's NO_TEAM; seeds 002 and 003's roles)."""

from __future__ import annotations

from collections.abc import Sequence
from contextvars import ContextVar
from datetime import timedelta
from typing import Protocol, TypeVar

from attrs import define, field, frozen

from application.leases import LEASE_FOR, Leases
from application.ports import (
    AmazonGateway,
    Clock,
    IdGenerator,
    Metrics,
    SecretGenerator,
    SendResult,
    Tracer,
    WebhookSender,
)
from application.queries import QuickReads, key_membership
from application.telemetry import NullMetrics, NullTracer
from application.unit_of_work import UnitOfWork, UnitOfWorkFactory
from domain.api_key import ApiKey
from domain.app_credentials import AppCredential
from domain.connection import Connection
from domain.errors import NotAMember, NoTeam, NotFound, WebhookTargetForbidden
from domain.events import SYSTEM_ACTOR
from domain.marketplace import Marketplace
from domain.records import Dataset
from domain.secret import Secret
from domain.team import Membership, Permission, Team

# The request a use case is serving, set by the web adapter for the request's context (it
# follows the use case into its worker thread). Every event recorded meanwhile carries it,
# so support finds a "Please try again" (seed 002) by the request id the person was shown.
REQUEST_ID: ContextVar[str | None] = ContextVar("sellerlink_request_id", default=None)

__all__ = [
    "SYSTEM_ACTOR",
    "Actor",
    "NoWebhookSender",
    "Ports",
    "connection_marketplace",
    "require_member",
    "require_team",
    "team_connection",
    "team_of",
    "team_owned",
]


@frozen
class Actor:
    """The person (or process) asking. `team_id` is the team context of the request: the
    JWT's team claim or the X-Team-Id header for the web API, `--team` for the CLI."""

    user_id: str
    team_id: str | None = None
    # Set when an API key is asking (verified by the web API's authentication): the team's
    # back end, acting as role `service`; `user_id` is then the key's id.
    key: ApiKey | None = None

    @property
    def label(self) -> str:
        if self.key is not None:
            return f"key:{self.key.id}"
        return f"user:{self.user_id}"


class NoWebhookSender:
    """Where no webhook sender is wired: every target is refused, nothing leaves."""

    def check_target(self, url: str) -> None:
        raise WebhookTargetForbidden("This installation sends no webhooks.")

    def send(self, url: str, message_id: str, body: bytes, secrets: Sequence[Secret]) -> SendResult:
        return SendResult(None, error="this installation sends no webhooks")


@frozen
class Ports:
    uow: UnitOfWorkFactory
    clock: Clock
    ids: IdGenerator
    secrets: SecretGenerator
    amazon: AmazonGateway
    metrics: Metrics = field(factory=NullMetrics)
    tracer: Tracer = field(factory=NullTracer)
    # The apps' configured LWA credentials, described (never the secrets themselves).
    app_credentials: tuple[AppCredential, ...] = ()
    webhooks: WebhookSender = field(factory=NoWebhookSender)
    # How long a lease around an Amazon call outlives a holder that stopped renewing it.
    lease_for: timedelta = LEASE_FOR
    # The datasets this deployment syncs (DESIGN §12); an account has those of them its
    # type and channels allow (domain/datasets.py).
    datasets: frozenset[Dataset] = frozenset(Dataset)
    # Single-row reads without a unit of work (None: read in one).
    quick_reads: QuickReads | None = None


def require_team(actor: Actor) -> str:
    if not actor.team_id:
        raise NoTeam("This request has no team context: choose a team first.")
    return actor.team_id


def require_member(uow: UnitOfWork, actor: Actor, permission: Permission) -> Membership:
    team_id = require_team(actor)
    if actor.key is not None:
        service = key_membership(actor.key, team_id)
        service.require(permission)
        return service
    membership = uow.memberships.get(team_id, actor.user_id)
    if membership is None:
        raise NotAMember("You are not a member of this team.", context={"team_id": team_id})
    membership.require(permission)
    return membership


def team_connection(
    uow: UnitOfWork,
    actor: Actor,
    connection_id: str,
    permission: Permission,
    *,
    for_update: bool = False,
    include_disconnected: bool = False,
) -> Connection:
    """Load a connection of the actor's team. Another team's connection is refused as
    NOT_A_MEMBER (API.md: 403 for another team's resource) to a person, who may switch
    teams; to an API key, whose team is fixed, it is NOT_FOUND like an unknown id."""
    membership = require_member(uow, actor, permission)
    connection = uow.connections.get(connection_id, for_update=for_update)
    if connection is None or (connection.disconnected_at is not None and not include_disconnected):
        raise NotFound(
            f"There is no connection {connection_id} in this team.",
            context={"connection_id": connection_id},
        )
    if connection.team_id != membership.team_id:
        if actor.key is not None:
            # A key's team is fixed: other teams' connections do not exist for it.
            raise NotFound(
                f"There is no connection {connection_id} in this team.",
                context={"connection_id": connection_id},
            )
        raise NotAMember(
            "This connection belongs to another team.",
            context={"connection_id": connection_id},
        )
    return connection


def connection_to_reconnect(uow: UnitOfWork, actor: Actor, connection_id: str) -> Connection:
    """The team's connection a manager reconnects or completes: a disconnected one too, as
    reconnecting is how it comes back."""
    return team_connection(
        uow, actor, connection_id, Permission.MANAGE_CONNECTIONS, include_disconnected=True
    )


class _OfATeam(Protocol):
    @property
    def team_id(self) -> str: ...


Owned = TypeVar("Owned", bound=_OfATeam)


def team_owned(found: Owned | None, team_id: str | None, what: str, **context: str) -> Owned:
    """`found` if it is the team's (`team_id` None: support, who sees every team). Another
    team's is as unknown as a missing one, so ids cannot be probed across teams."""
    if found is None or (team_id is not None and found.team_id != team_id):
        raise NotFound(f"There is no {what} in this team.", context=context)
    return found


def team_of(team: Team | None, team_id: str) -> Team:
    if team is None:
        raise NotFound(f"There is no team {team_id}.")
    return team


def connection_marketplace(
    uow: UnitOfWork, connection: Connection, marketplace_id: str, *, for_update: bool = False
) -> Marketplace:
    marketplace = uow.marketplaces.get(connection.id, marketplace_id, for_update=for_update)
    if marketplace is None:
        raise NotFound(
            f"Marketplace {marketplace_id} is not part of this connection.",
            context={"marketplace_id": marketplace_id},
        )
    return marketplace


@define
class UsesLeases:
    """A job that calls Amazon under leases. Its Leases are made from its ports on first
    use (a test may hand it its own with `leases=`)."""

    ports: Ports
    _leases: Leases | None = field(default=None, alias="leases", kw_only=True)

    @property
    def leases(self) -> Leases:
        if self._leases is None:
            self._leases = Leases(self.ports.uow, lease_for=self.ports.lease_for)
        return self._leases
