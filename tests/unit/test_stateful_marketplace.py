"""The marketplace state machine under random sequences of actions (DESIGN §2; seed 000's
Retry and escalation; seed 001's Active checkbox).

Whatever a person, the worker, Amazon and support do, in any order: the marketplace is
always in one of the listed states, its history explains how it got there, retries never
pass the limit, and the selection flags agree with the state."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from domain.errors import DomainError, ErrorCode
from domain.marketplace import (
    ALLOWED,
    DISCOVERY_STATES,
    SELECTABLE,
    Marketplace,
    MarketplaceState,
    RetryOutcome,
)
from tests.state_machines import machine_settings

S = MarketplaceState
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
# Which codes each action may refuse with; anything else is a bug.
REFUSALS = {
    "select": {ErrorCode.PLAN_REQUIRED, ErrorCode.MARKETPLACE_NOT_SELECTABLE},
    "active": {ErrorCode.MARKETPLACE_NOT_SELECTABLE, ErrorCode.PLAN_REQUIRED},
    "worker": {ErrorCode.INVALID_TRANSITION},
    "retry": {ErrorCode.INVALID_TRANSITION},
    "reopen": {ErrorCode.INVALID_TRANSITION},
    "resolve": {ErrorCode.INVALID_TRANSITION},
}
# Where support's answer to an escalation leaves the marketplace.
SUPPORT_LEAVES = {"reopen": S.SETTING_UP, "resolve": S.AVAILABLE}


class MarketplaceMachine(RuleBasedStateMachine):
    """Drives domain.marketplace.Marketplace directly."""

    def __init__(self) -> None:
        super().__init__()
        self.now = START
        self.marketplace: Marketplace
        self.escalations = 0

    def tick(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now

    def attempt(self, action: str, call: object) -> bool:
        before = (self.marketplace.state, len(self.marketplace.history))
        refused: DomainError | None = None
        try:
            call()  # type: ignore[operator]
        except DomainError as error:
            refused = error
        if refused is None:
            return True
        assert refused.code in REFUSALS[action], (action, refused.code)
        # A refusal changes nothing.
        assert (self.marketplace.state, len(self.marketplace.history)) == before
        return False

    @initialize(
        participating=st.booleans(),
        covered=st.booleans(),
        limit=st.integers(min_value=0, max_value=4),
    )
    def discover(self, participating: bool, covered: bool, limit: int) -> None:
        self.marketplace = Marketplace.discovered(
            connection_id="con_1",
            marketplace_id="A1PA6795UKMFR9",
            country_code="DE",
            name="Amazon.de",
            participating=participating,
            covered_by_plan=covered,
            at=self.now,
            retry_limit=limit,
        )

    @rule()
    def select(self) -> None:
        was = self.marketplace.state
        if self.attempt("select", lambda: self.marketplace.select(at=self.tick(), actor="user:a")):
            assert was in SELECTABLE
            assert self.marketplace.selected
            if was is S.AVAILABLE:
                assert self.marketplace.state is S.SETTING_UP
            else:
                assert self.marketplace.state is was

    @rule()
    def deselect(self) -> None:
        self.marketplace.deselect()
        assert not self.marketplace.selected
        assert not self.marketplace.active

    @rule(active=st.booleans())
    def set_active(self, active: bool) -> None:
        self.attempt(
            "active",
            lambda: self.marketplace.set_active(active, at=self.tick(), actor="user:a"),
        )

    @rule()
    def setup_succeeds(self) -> None:
        self.attempt("worker", lambda: self.marketplace.setup_succeeded(at=self.tick()))

    @rule()
    def first_sync_completes(self) -> None:
        self.attempt("worker", lambda: self.marketplace.first_sync_completed(at=self.tick()))

    @rule()
    def setup_fails(self) -> None:
        was = self.marketplace.state
        done = self.attempt(
            "worker", lambda: self.marketplace.fail(at=self.tick(), reason="geocompany")
        )
        assert done == (was in (S.SETTING_UP, S.SYNCING))

    @rule()
    def retry(self) -> None:
        was, used = self.marketplace.state, self.marketplace.retries_used
        outcome: list[RetryOutcome] = []
        if self.attempt(
            "retry", lambda: outcome.append(self.marketplace.retry(at=self.tick(), actor="user:a"))
        ):
            assert was is S.FAILED
            if outcome[0] is RetryOutcome.ESCALATED:
                assert used == self.marketplace.retry_limit
                assert self.marketplace.state is S.ESCALATED
                self.escalations += 1
            else:
                assert self.marketplace.retries_used == used + 1
                assert self.marketplace.state is S.SETTING_UP
        else:
            assert was is not S.FAILED

    @rule(action=st.sampled_from(sorted(SUPPORT_LEAVES)))
    def support_answers(self, action: str) -> None:
        """Support reopens an escalation (back into setup) or resolves it (deselected):
        either way with a fresh retry budget."""
        answer = getattr(self.marketplace, action)
        if self.attempt(action, lambda: answer(at=self.tick(), actor="support:a", reason="fixed")):
            assert self.marketplace.retries_used == 0
            assert self.marketplace.state is SUPPORT_LEAVES[action]
            # A resolved case is closed: nothing is left selected to be set up again.
            assert action == "reopen" or not self.marketplace.selected

    @rule(participating=st.booleans(), covered=st.booleans())
    def amazon_or_plan_changes(self, participating: bool, covered: bool) -> None:
        was = self.marketplace.state
        moved = self.marketplace.rediscover(
            participating=participating, covered_by_plan=covered, at=self.tick()
        )
        if was not in DISCOVERY_STATES:
            assert not moved
            assert self.marketplace.state is was

    @precondition(lambda self: self.marketplace.state is S.FAILED)
    @rule()
    def retry_until_escalated(self) -> None:
        """The shortest way to the limit, so escalation is reached often."""
        while self.marketplace.state is S.FAILED:
            self.marketplace.retry(at=self.tick(), actor="user:a")
            if self.marketplace.state is S.SETTING_UP:
                self.marketplace.fail(at=self.tick(), reason="geocompany")
        assert self.marketplace.state is S.ESCALATED

    # ---- invariants ------------------------------------------------------------------

    @invariant()
    def state_is_listed(self) -> None:
        assert self.marketplace.state in set(MarketplaceState)
        assert self.marketplace.label

    @invariant()
    def history_explains_the_state(self) -> None:
        history = self.marketplace.history
        assert history[0].from_state is None
        assert history[-1].to_state is self.marketplace.state
        for before, after in itertools.pairwise(history):
            assert after.from_state is before.to_state
            assert after.to_state in ALLOWED[before.to_state]
            assert after.at >= before.at

    @invariant()
    def retries_never_exceed_the_limit(self) -> None:
        m = self.marketplace
        assert 0 <= m.retries_used <= m.retry_limit
        since_reopen = []
        for t in m.history:
            since_reopen = [] if t.reason == "fixed" else [*since_reopen, t]
        assert sum(t.reason == "retry" for t in since_reopen) == m.retries_used

    @invariant()
    def escalated_only_after_the_limit(self) -> None:
        if self.marketplace.state is S.ESCALATED:
            assert self.marketplace.retries_used == self.marketplace.retry_limit
            assert self.marketplace.retry_history[-1].to_state is S.ESCALATED

    @invariant()
    def flags_agree_with_the_state(self) -> None:
        m = self.marketplace
        if m.active:
            assert m.selected
        if m.selected:
            # A selected marketplace is being set up, or has been: never left Available.
            assert m.state not in DISCOVERY_STATES, m.state
        assert m.selectable == (m.state in SELECTABLE)
        assert (m.unselectable_reason() is None) == m.selectable
        if m.state is S.FAILED:
            assert m.last_error


MarketplaceMachine.TestCase.settings = machine_settings(300)
TestMarketplaceStateMachine = MarketplaceMachine.TestCase


def test_retry_of_a_marketplace_that_never_failed_is_refused() -> None:
    machine = MarketplaceMachine()
    machine.discover(participating=True, covered=True, limit=3)
    with pytest.raises(DomainError) as refused:
        machine.marketplace.retry(at=START, actor="user:a")
    assert refused.value.code is ErrorCode.INVALID_TRANSITION
