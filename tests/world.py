"""A small driver over the application for tests and feature steps: the moves a person
makes (create a team, click Connect, approve on Amazon) in one call each, always through
the use cases."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from decimal import Decimal
from typing import TypeVar

import attrs
import pytest
from attrs import define, field

from adapters.amazon.sandbox.in_process import InProcessAmazon
from adapters.amazon.sandbox.scenarios import SCENARIOS
from application.app import Application
from application.callback import CallbackCommand, CallbackResult
from application.connect import AuthorizationStarted, OpenConsentCommand, StartAuthorizationCommand
from application.context import Actor
from application.listing_settings import UpdateListingSettingsCommand
from application.marketplace_setup import SetupStep
from application.marketplace_views import MarketplaceView
from application.marketplaces import UpdateMarketplaceCommand
from application.records import RecordsQuery
from application.teams import CreateTeamCommand, SetMemberRoleCommand, UpdateTeamCommand
from application.tokens import RefreshSweepResult
from application.views import ConnectionView
from bootstrap.system import SettableClock
from domain.authorization import ConsentAsk
from domain.connection import AccountType, Region
from domain.errors import DomainError, ErrorCode
from domain.events import AuditEvent
from domain.grant import Channel
from domain.listing import ListingDecision, ListingSettings, Money, ProductSnapshot
from domain.records import Dataset, Record
from domain.team import Plan, Role, Team, TeamChange, TeamKind, normalize_country

ACCOUNT_TYPES = {"vendor": AccountType.VENDOR, "vendor-central": AccountType.VENDOR}
# Seller Central operations (written out here, not taken from the product): a vendor's grant
# is never sent to them (DESIGN §9).
SELLER_CENTRAL_ONLY = frozenset(
    {
        "getOrders",
        "searchListingsItems",
        "getListingsItem",
        "patchListingsItem",
        "getMarketplaceParticipations",
        "getInventorySummaries",
    }
)
# The browser binding secret of the person's browser (its cookie, RFC 9700 §4.7).
BROWSER = "the-persons-browser-0123456789"

T = TypeVar("T")


@define
class World:
    app: Application
    clock: SettableClock
    amazon: InProcessAmazon
    team: Team | None = None
    teams: dict[str, Team] = field(factory=dict)
    error: DomainError | None = None
    started: AuthorizationStarted | None = None
    result: CallbackResult | None = None
    # The connection the scenario is about: the last one a callback created or updated.
    connection: ConnectionView | None = None
    # The last redirect back from Amazon, so a test can replay it.
    last_callback: tuple[Channel, dict[str, str]] | None = None
    # Whatever else a scenario needs to remember between its steps.
    notes: dict[str, object] = field(factory=dict)
    browser: str = BROWSER

    def note(self, key: str, kind: type[T]) -> T:
        """What an earlier step noted under `key`, checked to be a `kind`."""
        value = self.notes[key]
        assert isinstance(value, kind), (key, value)
        return value

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

    def all_records(
        self,
        *,
        dataset: Dataset | None = None,
        connection_id: str | None = None,
        marketplace_id: str | None = None,
    ) -> list[Record]:
        """Every record the team may read that matches, page after page, as a product
        reading the records API would collect them."""
        query = RecordsQuery(
            self.actor(),
            dataset=dataset,
            connection_id=connection_id,
            marketplace_id=marketplace_id,
            limit=1000,
        )
        found: list[Record] = []
        while True:
            page = self.app.list_records(query)
            found += page.items
            if not page.has_more:
                return found
            query = attrs.evolve(query, after=page.next_cursor)

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
                ask=ConsentAsk(
                    channel=channel,
                    region=region,
                    account_type=account_type,
                    connection_id=connection_id,
                    return_to=return_to,
                    marketplace_id=marketplace_id,
                ),
            )
        )
        return self.started

    def open_consent(self, started: AuthorizationStarted, browser: str | None = None) -> str:
        """Follow `authorization_url` through sellerlink's bounce: the browser is bound to
        the state and sent on to Amazon's consent page (its URL)."""
        opened = self.app.open_consent(OpenConsentCommand(started.state, browser or self.browser))
        return opened.consent_url

    def approve(
        self,
        started: AuthorizationStarted,
        account: str,
        *,
        approve: bool = True,
        wait: timedelta | None = None,
    ) -> CallbackResult:
        query = self.amazon.consent(self.open_consent(started), account, approve=approve)
        if wait:
            self.clock.advance(wait)
        return self.callback(started.channel, query)

    def callback(self, channel: Channel, query: dict[str, str]) -> CallbackResult:
        self.last_callback = (channel, dict(query))
        self.result = self.app.complete_callback(
            CallbackCommand(
                channel=channel,
                state=query["state"],
                code=query.get("code") or query.get("spapi_oauth_code"),
                selling_partner_id=query.get("selling_partner_id") or None,
                error=query.get("error"),
                browser=self.browser,
            )
        )
        self.connection = self.result.connection
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

    def connect_fully(
        self, account: str, *, region: Region | None = None, actor: Actor | None = None
    ) -> CallbackResult:
        """Ads, then SP-API when the account type requires it, on one connection."""
        result = self.connect(account, Channel.ADS, region=region, actor=actor)
        if result.connection.account_type is AccountType.SELLER:
            result = self.connect(
                account,
                Channel.SP_API,
                region=region,
                actor=actor,
                connection_id=result.connection.id,
            )
        return result

    def reconnect(
        self, account: str, channel: Channel, actor: Actor | None = None
    ) -> CallbackResult:
        """Click Reconnect on the connection's status card and sign in as `account`."""
        return self.connect(account, channel, actor=actor, connection_id=self.connection_id)

    # ---- the connection the scenario is about ------------------------------------------

    @property
    def connection_id(self) -> str:
        assert self.connection is not None, "connect an account first"
        return self.connection.id

    def view(self, actor: Actor | None = None) -> ConnectionView:
        """The connection as the team sees it now (re-read, not the callback's copy)."""
        self.connection = self.app.get_connection(actor or self.actor(), self.connection_id)
        return self.connection

    def support_view(self) -> ConnectionView:
        """The connection as support sees it: disconnected ones included."""
        view, _ = self.app.support.connection(self.connection_id)
        return view

    def events(self) -> list[AuditEvent]:
        """The connection's timeline, oldest first."""
        return list(reversed(self.app.support.timeline(self.connection_id, limit=10_000)))

    def upgrade(self, plan: Plan = Plan.PRO) -> Team:
        team = self.app.update_team(
            UpdateTeamCommand(self.actor(), self._team().id, TeamChange(plan=plan))
        )
        self.teams[team.name] = self.team = team
        return team

    # ---- marketplaces ------------------------------------------------------------------

    def marketplaces(self, actor: Actor | None = None) -> list[MarketplaceView]:
        return self.app.list_marketplaces(actor or self.actor(), self.connection_id)

    def marketplace(self, country: str) -> MarketplaceView:
        wanted = normalize_country(country)
        found = [m for m in self.marketplaces() if normalize_country(m.country_code) == wanted]
        assert found, f"no {country} marketplace on {self.connection_id}"
        return found[0]

    def update_marketplace(
        self,
        country: str,
        *,
        selected: bool | None = None,
        active: bool | None = None,
        actor: Actor | None = None,
    ) -> MarketplaceView:
        return self.app.update_marketplace(
            UpdateMarketplaceCommand(
                actor or self.actor(),
                self.connection_id,
                self.marketplace(country).marketplace_id,
                selected=selected,
                active=active,
            )
        )

    def select_marketplace(self, country: str, actor: Actor | None = None) -> MarketplaceView:
        return self.update_marketplace(country, selected=True, actor=actor)

    def retry_marketplace(self, country: str, actor: Actor | None = None) -> MarketplaceView:
        return self.app.retry_marketplace(
            actor or self.actor(), self.connection_id, self.marketplace(country).marketplace_id
        )

    def run_setup(self, passes: int = 1) -> list[SetupStep]:
        """The background worker's setup passes (one step per marketplace per pass)."""
        steps: list[SetupStep] = []
        for _ in range(passes):
            steps.extend(self.app.advance_all_setups())
        return steps

    # ---- tokens ------------------------------------------------------------------------

    def sweep_tokens(self) -> RefreshSweepResult:
        """The background token sweep: what notices a revoked or expired authorization."""
        return self.app.refresh_due_tokens()

    def seller_revokes(self, account: str) -> RefreshSweepResult:
        """The seller removes the app in Seller Central; the next sweep finds out."""
        self.amazon.revoke(account)
        self.clock.advance(timedelta(hours=1, minutes=1))
        return self.sweep_tokens()

    # ---- listing settings --------------------------------------------------------------

    def set_listing_settings(
        self,
        *,
        buffer: int = 0,
        ceiling: int | None = None,
        minimum_price: Decimal | None = None,
        currency: str = "USD",
        pricing_enabled: bool = True,
        actor: Actor | None = None,
    ) -> ListingSettings:
        return self.app.update_listing_settings(
            UpdateListingSettingsCommand(
                actor=actor or self.actor(),
                connection_id=self.connection_id,
                inventory_buffer=buffer,
                inventory_ceiling=ceiling,
                minimum_price_amount=minimum_price,
                minimum_price_currency=currency if minimum_price is not None else None,
                pricing_enabled=pricing_enabled,
            )
        )

    def listing_settings(self) -> ListingSettings:
        return self.app.get_listing_settings(self.actor(), self.connection_id)

    def preview(self, products: Sequence[tuple[str, int, str]]) -> list[ListingDecision]:
        """(sku, units available, price in USD) -> what would be sent to Amazon."""
        snapshots = [
            ProductSnapshot(sku, available, Money(Decimal(price), "USD"))
            for sku, available, price in products
        ]
        return self.app.preview_listings(self.actor(), self.connection_id, snapshots)

    def _team(self) -> Team:
        assert self.team is not None, "create a team first"
        return self.team

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
    if any(
        c in {"UK", "DE", "FR", "IT", "ES"} for c in scenario.profiles + scenario.participations
    ):
        return Region.EU
    return Region.NA


class BrokenProfiles:
    """Amazon's gateway with a bug in sellerlink's own reading of one answer: listing the
    advertising profiles raises something outside the error catalogue."""

    def __init__(self, inner: object) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)

    def list_profiles(self, *args: object, **kwargs: object) -> object:
        raise RuntimeError("unexpected")


def refused(action: Callable[..., object], *args: object, **kwargs: object) -> ErrorCode:
    """The catalogue code a use case refuses with (the test fails if it does not refuse)."""
    with pytest.raises(DomainError) as error:
        action(*args, **kwargs)
    return error.value.code


def support_sees(app: Application) -> dict[str, object]:
    """Everything support can read (each connection, its marketplaces' histories and its
    timeline), compared before and after a refused command to prove it changed nothing."""
    state: dict[str, object] = {}
    for view in app.support.connections():
        _, marketplaces = app.support.connection(view.id)
        state[view.id] = (
            view,
            [app.support.marketplace_history(view.id, m.marketplace_id) for m in marketplaces],
            app.support.timeline(view.id, limit=10_000),
        )
    return state
