"""The marketplace state machine and connection health driven through the use cases, with
the in-memory adapters and the in-process Amazon sandbox (failing-marketplace-seller: DE fails setup
twice then recovers, IT always fails, UK works).

A team admin, support, the background worker, the token sweep, the seller on Amazon and the
passing of time act in random order. Whatever they do: every marketplace's history explains
its state, retries never pass the limit, escalation happens only at the limit, setup and
the first sync only move forward while Amazon can be reached, the connection keeps its id
through reconnects, and its health always agrees with what its grants say."""

from __future__ import annotations

import itertools
from datetime import timedelta

from hypothesis import HealthCheck, event
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from application.callback import CallbackResult
from application.views import ConnectionView, GrantView
from bootstrap.container import in_memory_container
from bootstrap.system import SettableClock
from domain.connection import Health
from domain.errors import ErrorCode
from domain.grant import Channel, TokenStatus
from domain.marketplace import ALLOWED, DISCOVERY_STATES, Marketplace, MarketplaceState
from domain.team import Plan, Role
from tests.state_machines import machine_settings
from tests.world import World

S = MarketplaceState
ACCOUNT = "failing-marketplace-seller"
COUNTRIES = st.sampled_from(["UK", "DE", "IT"])
MOVED_BY_AMAZON = {S.SYNCING, S.READY}
NOT_FOUND_ONCE_DISCONNECTED = {ErrorCode.NOT_FOUND}


def expected_health(view: ConnectionView) -> Health:
    """DESIGN §2, from the grants as the API shows them."""
    if view.disconnected_at is not None:
        return Health.DISCONNECTED
    required = [g for g in view.grants if g.required]

    def lapsed(g: GrantView) -> bool:
        return g.status in (TokenStatus.REVOKED, TokenStatus.EXPIRED) or (
            g.status is TokenStatus.MISSING and g.authorized_at is not None
        )

    if any(lapsed(g) for g in required):
        return Health.RECONNECT_REQUIRED
    if any(g.status is TokenStatus.MISSING for g in required):
        return Health.INCOMPLETE
    if any(g.status is TokenStatus.EXPIRING for g in required):
        return Health.EXPIRING
    return Health.CONNECTED


class UseCaseMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        container = in_memory_container()
        clock = container.clock()
        assert isinstance(clock, SettableClock)
        self.world = World(app=container.application(), clock=clock, amazon=container.amazon())
        self.world.create_team(plan=Plan.PRO)
        self.admin = self.world.actor(Role.ADMIN)
        self.connection_id = self.world.connect_fully(ACCOUNT, actor=self.admin).connection.id

    def attempt(self, allowed: set[ErrorCode], action: object, *args: object, **kw: object) -> bool:
        self.world.attempt(action, *args, **kw)
        error = self.world.error
        if error is not None:
            event(f"refused {error.code}")
            assert error.code in allowed, repr(error)
        return error is None

    def marketplace_id(self, country: str) -> str:
        _, marketplaces = self.world.app.support.connection(self.connection_id)
        wanted = "GB" if country == "UK" else country
        return next(m.marketplace_id for m in marketplaces if m.country_code in (country, wanted))

    def sp_api_reachable(self) -> bool:
        """Setup and the seller's first sync go through the Selling Partner API."""
        view = self.world.support_view()
        usable = view.grant(Channel.SP_API).status in (TokenStatus.CURRENT, TokenStatus.EXPIRING)
        return view.disconnected_at is None and usable

    # ---- the team admin --------------------------------------------------------------

    @rule(country=COUNTRIES, then_worker=st.booleans())
    def select(self, country: str, then_worker: bool) -> None:
        self.attempt(
            {ErrorCode.MARKETPLACE_NOT_SELECTABLE, ErrorCode.NOT_FOUND},
            self.world.select_marketplace,
            country,
            self.admin,
        )
        if then_worker:
            self.worker_runs()

    @rule(country=COUNTRIES, active=st.booleans())
    def set_active(self, country: str, active: bool) -> None:
        self.attempt(
            {ErrorCode.MARKETPLACE_NOT_SELECTABLE, ErrorCode.NOT_FOUND},
            self.world.update_marketplace,
            country,
            active=active,
            actor=self.admin,
        )

    @rule(country=COUNTRIES)
    def deselect(self, country: str) -> None:
        self.attempt(
            NOT_FOUND_ONCE_DISCONNECTED,
            self.world.update_marketplace,
            country,
            selected=False,
            actor=self.admin,
        )

    @rule(country=COUNTRIES, by_support=st.booleans(), then_worker=st.booleans())
    def retry(self, country: str, by_support: bool, then_worker: bool) -> None:
        if by_support:
            self.attempt(
                {ErrorCode.INVALID_TRANSITION, ErrorCode.RETRY_LIMIT_EXCEEDED},
                self.world.app.support.retry_marketplace,
                self.connection_id,
                self.marketplace_id(country),
                operator="alice",
            )
        else:
            self.attempt(
                {ErrorCode.INVALID_TRANSITION, ErrorCode.RETRY_LIMIT_EXCEEDED, ErrorCode.NOT_FOUND},
                self.world.retry_marketplace,
                country,
                self.admin,
            )
        if then_worker:
            self.worker_runs()

    @rule(country=COUNTRIES)
    def keep_retrying(self, country: str) -> None:
        """Retry and let the worker run, five times: the way to the retry limit."""
        for _ in range(5):
            self.retry(country, by_support=False, then_worker=True)

    @rule()
    def refresh_account_context(self) -> None:
        self.attempt(
            # Amazon allows getMarketplaceParticipations 0.016 req/s (burst 15).
            {
                ErrorCode.TOKEN_REVOKED,
                ErrorCode.TOKEN_EXPIRED,
                ErrorCode.NOT_FOUND,
                ErrorCode.RATE_LIMITED,
            },
            self.world.app.refresh_account,
            self.admin,
            self.connection_id,
        )

    @rule(channel=st.sampled_from(Channel))
    def reconnect(self, channel: Channel) -> None:
        # Amazon throttles getMarketplaceParticipations (0.016 req/s, burst 15) while time
        # stands still; anything else must succeed.
        result = self.world.attempt(self.world.reconnect, ACCOUNT, channel, self.admin)
        if self.world.error is not None:
            assert self.world.error.code is ErrorCode.RATE_LIMITED, repr(self.world.error)
            return
        assert isinstance(result, CallbackResult)
        assert result.connection.id == self.connection_id
        assert result.connection.grant(channel).status_text == "Current"

    @rule(really=st.integers(min_value=0, max_value=4))
    def disconnect(self, really: int) -> None:
        if really:
            return  # a disconnect ends most stories: keep it to one draw in five
        if self.attempt(
            NOT_FOUND_ONCE_DISCONNECTED, self.world.app.disconnect, self.admin, self.connection_id
        ):
            view = self.world.support_view()
            assert view.health is Health.DISCONNECTED
            # The tokens are deleted, whatever Amazon had said about them before.
            assert [g.status_text for g in view.grants] == ["No token present"] * 2
            assert not self.world.app.list_connections(self.admin)

    # ---- the worker, the sweep, Amazon and time ----------------------------------------

    @rule()
    def worker_runs(self) -> None:
        reachable = self.sp_api_reachable()
        for step in self.world.run_setup():
            if step.after is not step.before:
                event(f"setup {step.before} -> {step.after}")
            if step.after in MOVED_BY_AMAZON and step.after is not step.before:
                assert reachable, f"{step} moved while Amazon could not be reached"

    @rule()
    def token_sweep_runs(self) -> None:
        self.world.sweep_tokens()

    @rule(noticed=st.booleans())
    def seller_revokes_on_amazon(self, noticed: bool) -> None:
        """The seller removes the app; with `noticed`, the next hourly sweep finds out."""
        if noticed:
            self.world.seller_revokes(ACCOUNT)
        else:
            self.world.amazon.revoke(ACCOUNT)

    @rule(hours=st.sampled_from([1, 2, 25, 24 * 200, 24 * 366]))
    def time_passes(self, hours: int) -> None:
        self.world.clock.advance(timedelta(hours=hours))

    # ---- invariants ------------------------------------------------------------------

    @invariant()
    def stored_state_is_consistent(self) -> None:
        """One read of what is stored (one unit of work keeps the checks fast)."""
        now = self.world.clock.now()
        with self.world.app.ports.uow() as uow:
            connection = uow.connections.get(self.connection_id)
            assert connection is not None
            marketplaces = uow.marketplaces.list_for_connection(self.connection_id)
        view = ConnectionView.of(connection, marketplaces, now=now)
        self.health_matches_the_grants(view)
        for m in marketplaces:
            self.history_explains_the_state(m)

    def health_matches_the_grants(self, view: ConnectionView) -> None:
        event(f"health {view.health}")
        assert view.id == self.connection_id
        assert view.health is expected_health(view)

    def history_explains_the_state(self, m: Marketplace) -> None:
        history = m.history
        assert history[0].from_state is None
        assert history[-1].to_state is m.state
        for before, after in itertools.pairwise(history):
            assert after.from_state is before.to_state
            assert after.to_state in ALLOWED[before.to_state]
            assert after.at >= before.at
        assert 0 <= m.retries_used <= m.retry_limit
        assert m.retries_used == sum(t.reason == "retry" for t in history)
        if m.state is S.ESCALATED:
            assert m.retries_used == m.retry_limit
            event("escalated")
        if m.active:
            assert m.selected
        if m.selected:
            assert m.state not in DISCOVERY_STATES
        if m.country_code in ("UK", "GB"):
            assert m.state not in (S.FAILED, S.ESCALATED)  # UK's setup never fails on Amazon


UseCaseMachine.TestCase.settings = machine_settings(50, HealthCheck.filter_too_much)
TestUseCaseStateMachine = UseCaseMachine.TestCase
