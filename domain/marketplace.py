"""The marketplace state machine (DESIGN §2, seeds 000 and 001).

coming_soon          (the plan does not cover it; not selectable)
not_participating    (the seller is not registered there; greyed out)
available --select--> setting_up --> syncing --> ready
                          |             |
                          +-------------+--> failed --retry--> setting_up
                                               | retries used up
                                               v
                                           escalated
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from attrs import define, field, frozen

from domain.errors import (
    InvalidTransition,
    MarketplaceNotSelectable,
    PlanRequired,
    ValidationFailed,
)


class MarketplaceState(StrEnum):
    COMING_SOON = "coming_soon"
    NOT_PARTICIPATING = "not_participating"
    AVAILABLE = "available"
    SETTING_UP = "setting_up"
    SYNCING = "syncing"
    READY = "ready"
    FAILED = "failed"
    ESCALATED = "escalated"


S = MarketplaceState

# Seed 000: "Pick any marketplace already marked Ready, Syncing..., or Setting up...".
SELECTABLE = frozenset({S.AVAILABLE, S.SETTING_UP, S.SYNCING, S.READY})
# States decided by Amazon's participation and the team's plan, not by setup.
DISCOVERY_STATES = frozenset({S.COMING_SOON, S.NOT_PARTICIPATING, S.AVAILABLE})
IN_SETUP = frozenset({S.SETTING_UP, S.SYNCING})

ALLOWED: dict[MarketplaceState, frozenset[MarketplaceState]] = {
    S.COMING_SOON: frozenset({S.AVAILABLE, S.NOT_PARTICIPATING}),
    S.NOT_PARTICIPATING: frozenset({S.AVAILABLE, S.COMING_SOON}),
    S.AVAILABLE: frozenset({S.SETTING_UP, S.COMING_SOON, S.NOT_PARTICIPATING}),
    S.SETTING_UP: frozenset({S.SYNCING, S.FAILED}),
    S.SYNCING: frozenset({S.READY, S.FAILED}),
    S.READY: frozenset(),
    S.FAILED: frozenset({S.SETTING_UP, S.ESCALATED}),
    S.ESCALATED: frozenset({S.SETTING_UP}),
}

# The words the help pages show beside each state.
LABELS: dict[MarketplaceState, str] = {
    S.COMING_SOON: "Coming Soon",
    S.NOT_PARTICIPATING: "Not participating",
    S.AVAILABLE: "Available",
    S.SETTING_UP: "Setting up...",
    S.SYNCING: "Syncing...",
    S.READY: "Ready",
    S.FAILED: "Failed",
    S.ESCALATED: "Escalated to support",
}

DEFAULT_RETRY_LIMIT = 3


@frozen
class Transition:
    at: datetime
    from_state: MarketplaceState | None
    to_state: MarketplaceState
    reason: str
    actor: str


class RetryOutcome(StrEnum):
    RETRYING = "retrying"
    ESCALATED = "escalated"


@define
class Marketplace:
    connection_id: str
    marketplace_id: str
    country_code: str
    name: str
    state: MarketplaceState
    retry_limit: int = DEFAULT_RETRY_LIMIT
    selected: bool = False
    active: bool = False
    retries_used: int = 0
    last_error: str | None = None
    history: list[Transition] = field(factory=list)
    version: int = 0

    @classmethod
    def discovered(
        cls,
        *,
        connection_id: str,
        marketplace_id: str,
        country_code: str,
        name: str,
        participating: bool,
        covered_by_plan: bool,
        at: datetime,
        retry_limit: int = DEFAULT_RETRY_LIMIT,
    ) -> Marketplace:
        state = _discovery_state(participating=participating, covered_by_plan=covered_by_plan)
        marketplace = cls(
            connection_id=connection_id,
            marketplace_id=marketplace_id,
            country_code=country_code,
            name=name,
            state=state,
            retry_limit=retry_limit,
        )
        marketplace.history.append(Transition(at, None, state, "discovered", "amazon"))
        return marketplace

    # -- reading -----------------------------------------------------------------------

    @property
    def selectable(self) -> bool:
        return self.state in SELECTABLE

    @property
    def label(self) -> str:
        return LABELS[self.state]

    @property
    def retry_history(self) -> list[Transition]:
        """Every failure, retry and escalation: what support needs (seed 000)."""
        return [
            t for t in self.history if t.to_state in (S.FAILED, S.ESCALATED) or t.reason == "retry"
        ]

    def unselectable_reason(self) -> str | None:
        if self.state is S.COMING_SOON:
            return "Coming Soon: your plan does not cover this marketplace yet."
        if self.state is S.NOT_PARTICIPATING:
            return "You are not registered to sell in this marketplace."
        if self.state is S.FAILED:
            return f"Setup failed: {self.last_error or 'unknown reason'}. Click Retry."
        if self.state is S.ESCALATED:
            return "Setup failed too many times; escalated to support."
        return None

    # -- moving ------------------------------------------------------------------------

    def _move(self, to: MarketplaceState, *, at: datetime, reason: str, actor: str) -> None:
        if to not in ALLOWED[self.state]:
            raise InvalidTransition(
                f"A marketplace that is {self.label} cannot become {LABELS[to]}.",
                context={"from": str(self.state), "to": str(to)},
            )
        self.history.append(Transition(at, self.state, to, reason, actor))
        self.state = to

    def rediscover(self, *, participating: bool, covered_by_plan: bool, at: datetime) -> bool:
        """Amazon's participation or the team's plan changed. Only the discovery states move;
        a marketplace already being set up keeps its progress. Returns whether it moved."""
        if self.state not in DISCOVERY_STATES:
            return False
        target = _discovery_state(participating=participating, covered_by_plan=covered_by_plan)
        if target is self.state:
            return False
        reason = "plan or participation changed"
        self._move(target, at=at, reason=reason, actor="amazon")
        return True

    def select(self, *, at: datetime, actor: str) -> None:
        if self.state is S.COMING_SOON:
            raise PlanRequired(
                f"{self.name} is Coming Soon on your plan.",
                context={"marketplace_id": self.marketplace_id},
            )
        if not self.selectable:
            raise MarketplaceNotSelectable(
                self.unselectable_reason() or f"{self.name} cannot be selected.",
                context={"marketplace_id": self.marketplace_id, "state": str(self.state)},
            )
        self.selected = True
        if self.state is S.AVAILABLE:
            self._move(S.SETTING_UP, at=at, reason="selected", actor=actor)

    def deselect(self) -> None:
        self.selected = False
        self.active = False

    def set_active(
        self, active: bool, *, at: datetime | None = None, actor: str = "sellerlink"
    ) -> None:
        """Seed 001: only a marketplace the seller sells in (not greyed out) can be made
        active; it need not be active while it is still being set up. Ticking Active on an
        Available marketplace selects it, which starts its setup as Select does (given `at`;
        otherwise it would stay Available, selected, with no setup ever starting)."""
        if active and not self.selectable:
            raise MarketplaceNotSelectable(
                self.unselectable_reason() or f"{self.name} cannot be made active.",
                context={"marketplace_id": self.marketplace_id, "state": str(self.state)},
            )
        if active and at is not None and self.state is S.AVAILABLE:
            self.select(at=at, actor=actor)
        self.active = active
        if active:
            self.selected = True

    def setup_succeeded(self, *, at: datetime) -> None:
        self._move(S.SYNCING, at=at, reason="setup complete", actor="worker")
        self.last_error = None

    def first_sync_completed(self, *, at: datetime) -> None:
        self._move(S.READY, at=at, reason="first sync complete", actor="worker")

    def fail(self, *, at: datetime, reason: str, actor: str = "worker") -> None:
        self._move(S.FAILED, at=at, reason=reason, actor=actor)
        self.last_error = reason

    def retry(self, *, at: datetime, actor: str) -> RetryOutcome:
        """Seed 000: Retry moves a failed marketplace back to Setting up; once the retry limit
        is used up it is escalated with its history instead."""
        if self.state is not S.FAILED:
            raise InvalidTransition(
                f"Only a failed marketplace can be retried; {self.name} is {self.label}.",
                context={"marketplace_id": self.marketplace_id, "state": str(self.state)},
            )
        if self.retries_used >= self.retry_limit:
            self._move(
                S.ESCALATED,
                at=at,
                reason=f"retry limit of {self.retry_limit} reached",
                actor=actor,
            )
            return RetryOutcome.ESCALATED
        self.retries_used += 1
        self._move(S.SETTING_UP, at=at, reason="retry", actor=actor)
        return RetryOutcome.RETRYING

    def reopen(self, *, at: datetime, actor: str, reason: str) -> None:
        """Support takes an escalated marketplace back into setup with a fresh retry budget,
        saying why in the history (the team sees who reopened it and for what reason)."""
        reason = " ".join(reason.split())
        if not 1 <= len(reason) <= 200:
            raise ValidationFailed(
                "Say why the marketplace is reopened (1 to 200 characters).",
                context={"field": "reason"},
            )
        if self.state is not S.ESCALATED:
            raise InvalidTransition(
                "Only an escalated marketplace can be reopened by support.",
                context={"marketplace_id": self.marketplace_id, "state": str(self.state)},
            )
        self.retries_used = 0
        self._move(S.SETTING_UP, at=at, reason=reason, actor=actor)


def _discovery_state(*, participating: bool, covered_by_plan: bool) -> MarketplaceState:
    if not covered_by_plan:
        return S.COMING_SOON
    if not participating:
        return S.NOT_PARTICIPATING
    return S.AVAILABLE
