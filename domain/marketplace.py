"""The marketplace state machine (DESIGN §2, seeds 000 and 001).

coming_soon          (the plan does not cover it; not selectable)
not_participating    (the seller is not registered there; greyed out)
available --select--> setting_up --> syncing --> ready
                          |             |
                          +-------------+--> failed --retry--> setting_up
                                               | retries used up
                                               v
                                           escalated --support reopens--> setting_up
                                               +------support resolves--> available

A marketplace announces what a person or the worker did to it (domain/events.py); the
unit of work adds the team of its connection. Discovery's moves are not announced: the
profiles and participations Amazon returned are, by the connection.
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
from domain.events import SYSTEM_ACTOR, EventKind, EventScope, EventSource


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
    S.ESCALATED: frozenset({S.SETTING_UP, S.AVAILABLE}),
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
class Marketplace(EventSource):
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
    # What setup or sync waits for (a catalogue code; its fix is in `last_error`), and when
    # sellerlink asks Amazon again after a refusal a person must fix (None: when it can).
    waiting_code: str | None = None
    retry_at: datetime | None = None

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
        if self.waiting_code is not None and self.last_error:
            return self.last_error
        if self.state is S.COMING_SOON:
            return "Coming Soon: your plan does not cover this marketplace yet."
        if self.state is S.NOT_PARTICIPATING:
            return "You are not registered to sell in this marketplace."
        if self.state is S.FAILED:
            return f"Setup failed: {self.last_error or 'unknown reason'}. Click Retry."
        if self.state is S.ESCALATED:
            return "Setup failed too many times; escalated to support."
        if self.state in (S.SETTING_UP, S.SYNCING) and self.last_error:
            return f"Waiting for Amazon: {self.last_error} sellerlink tries again by itself."
        return None

    def due(self, now: datetime) -> bool:
        """Whether background work may ask Amazon for this marketplace now."""
        return self.retry_at is None or now >= self.retry_at

    def waits_for(self, code: str) -> bool:
        return self.waiting_code == code

    def wait(
        self, *, code: str, reason: str, at: datetime, retry_at: datetime | None = None
    ) -> bool:
        """Setup or sync cannot progress (DESIGN §9): the marketplace says why and what to do,
        in `reason`, under the catalogue `code`; after a refusal a person must fix it backs
        off until `retry_at` instead of asking Amazon on every pass. Announced once per new
        reason (the timeline and a product hear it; a repeat is not news). Returns whether
        the reason is new."""
        new = (self.waiting_code, self.last_error) != (code, reason)
        self.waiting_code = code
        self.last_error = reason
        self.retry_at = retry_at
        if new:
            self.announce_change(
                EventKind.MARKETPLACE_CHANGED,
                summary=f"{self.name}: waiting ({code}): {reason}",
                at=at,
                actor=SYSTEM_ACTOR,
                data={**self._facts(self.state), "error_code": code, "reason": reason},
            )
        return new

    def stop_waiting(self) -> None:
        if self.waiting_code is not None:
            self.waiting_code = None
            self.last_error = None
        self.retry_at = None

    def waiting_for_amazon(self, reason: str) -> bool:
        """Setup could not reach Amazon this time: the marketplace stays where it is and
        says why (nothing may wait without a reason). True when the reason is new."""
        new = self.last_error != reason
        self.last_error = reason
        self.waiting_code = None
        self.retry_at = None
        return new

    # -- moving ------------------------------------------------------------------------

    def _move(self, to: MarketplaceState, *, at: datetime, reason: str, actor: str) -> None:
        if to is S.SETTING_UP:
            self.last_error = None  # a new attempt: the old failure is in the history
        if to not in ALLOWED[self.state]:
            raise InvalidTransition(
                f"A marketplace that is {self.label} cannot become {LABELS[to]}.",
                context={"from": str(self.state), "to": str(to)},
            )
        self.stop_waiting()
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
        if active and self.state is S.COMING_SOON:
            # One code per situation: Coming Soon is the plan's limit, whether the
            # person clicks Select or ticks Active; greyed out (not participating) is Amazon's.
            raise PlanRequired(
                f"{self.name} is Coming Soon on your plan.",
                context={"marketplace_id": self.marketplace_id},
            )
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

    def choose(
        self, *, selected: bool | None, active: bool | None, at: datetime, actor: str
    ) -> None:
        """The person's Select / deselect and seed 001's Active checkbox, as one change."""
        before = self.state
        if selected is True:
            self.select(at=at, actor=actor)
        elif selected is False:
            self.deselect()
        if active is not None:
            self.set_active(active, at=at, actor=actor)
        changes = [
            f"selected={selected}" if selected is not None else "",
            f"active={active}" if active is not None else "",
            f"{before} -> {self.state}" if before is not self.state else "",
        ]
        self._changed(", ".join(c for c in changes if c), at=at, actor=actor, before=before)

    def setup_succeeded(self, *, at: datetime) -> None:
        before = self.state
        self._move(S.SYNCING, at=at, reason="setup complete", actor="worker")
        self.last_error = None
        self._changed(f"{before} -> {self.state}", at=at, before=before)

    def first_sync_completed(self, *, at: datetime) -> None:
        before = self.state
        self._move(S.READY, at=at, reason="first sync complete", actor="worker")
        self._changed(f"{before} -> {self.state}", at=at, before=before)

    def fail(self, *, at: datetime, reason: str, actor: str = "worker") -> None:
        before = self.state
        self._move(S.FAILED, at=at, reason=reason, actor=actor)
        self.last_error = reason
        self._changed(f"{before} -> {self.state} ({reason})", at=at, before=before)

    def backfilled(
        self,
        *,
        until: datetime,
        at: datetime,
        dataset: str = "orders",
        reason: str = "reconnect",
        since: datetime | None = None,
    ) -> None:
        """Seed 004: the data missed while the connection was broken is retrieved
        (`reason` "reconnect"), or a dataset's history is complete ("history")."""
        what = "missed data" if reason == "reconnect" else "history"
        data = {"until": until.isoformat(), "dataset": dataset, "reason": reason}
        if since is not None:
            data["from"] = since.isoformat()
        self.announce_change(
            EventKind.BACKFILL_COMPLETED,
            summary=f"{self.name}: {dataset} {what} up to {until.isoformat()} retrieved",
            at=at,
            actor=SYSTEM_ACTOR,
            data=data,
        )

    def records_updated(
        self,
        *,
        dataset: str,
        created: int,
        changed: int,
        deleted: int,
        since: datetime,
        until: datetime,
        at: datetime,
    ) -> None:
        """Records of this marketplace were created, changed or deleted (DESIGN §13's
        `records.updated`, counts per dataset)."""
        self.announce_change(
            EventKind.RECORDS_UPDATED,
            summary=f"{self.name}: {dataset} {created} new, {changed} changed, {deleted} deleted",
            at=at,
            actor=SYSTEM_ACTOR,
            data={
                "dataset": dataset,
                "created": str(created),
                "changed": str(changed),
                "deleted": str(deleted),
                "from": since.isoformat(),
                "until": until.isoformat(),
            },
        )

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
            history = "; ".join(
                f"{t.at.isoformat()} {t.from_state}->{t.to_state} ({t.reason})"
                for t in self.retry_history
            )
            self.announce_change(
                EventKind.MARKETPLACE_ESCALATED,
                summary=f"{self.name} escalated to support after {self.retries_used} retries",
                at=at,
                actor=actor,
                data={"retry_history": history, **self._facts(S.FAILED)},
            )
            return RetryOutcome.ESCALATED
        self.retries_used += 1
        self._move(S.SETTING_UP, at=at, reason="retry", actor=actor)
        self._changed(
            f"retry {self.retries_used} of {self.retry_limit}, back to Setting up",
            at=at,
            actor=actor,
            before=S.FAILED,
        )
        return RetryOutcome.RETRYING

    def reopen(self, *, at: datetime, actor: str, reason: str) -> None:
        """Support takes an escalated marketplace back into setup with a fresh retry budget,
        saying why in the history (the team sees who reopened it and for what reason)."""
        reason = self._support_answer(reason, "reopened")
        self.retries_used = 0
        self._move(S.SETTING_UP, at=at, reason=reason, actor=actor)
        self._changed(
            f"reopened by support, back to Setting up ({reason})",
            at=at,
            actor=actor,
            before=S.ESCALATED,
        )

    def resolve(self, *, at: datetime, actor: str, reason: str) -> None:
        """Support closes an escalation that will not be set up again (the seller stopped
        selling there, or chose another account): the marketplace is deselected and shown
        Available, so nothing claims it is still waiting for support; the history keeps the
        failures and why the case was closed. Selecting it later starts a fresh setup."""
        reason = self._support_answer(reason, "resolved")
        self.retries_used = 0
        self.last_error = None
        self.deselect()
        self._move(S.AVAILABLE, at=at, reason=reason, actor=actor)
        self._changed(
            f"escalation resolved by support, deselected ({reason})",
            at=at,
            actor=actor,
            before=S.ESCALATED,
        )

    def _support_answer(self, reason: str, verb: str) -> str:
        reason = " ".join(reason.split())
        if not 1 <= len(reason) <= 200:
            raise ValidationFailed(
                f"Say why the marketplace is {verb} (1 to 200 characters).",
                context={"field": "reason"},
            )
        if self.state is not S.ESCALATED:
            raise InvalidTransition(
                f"Only an escalated marketplace can be {verb} by support.",
                context={"marketplace_id": self.marketplace_id, "state": str(self.state)},
            )
        return reason

    def _changed(
        self,
        what: str,
        *,
        at: datetime,
        actor: str = SYSTEM_ACTOR,
        before: MarketplaceState | None = None,
    ) -> None:
        self.announce_change(
            EventKind.MARKETPLACE_CHANGED,
            summary=f"{self.name}: {what}",
            at=at,
            actor=actor,
            data=self._facts(before or self.state),
        )

    def _facts(self, before: MarketplaceState) -> dict[str, str]:
        """What a product needs about the change without calling back (DESIGN §13's
        marketplace.state_changed): from and to, the reason and the code with its fix."""
        code = _ERROR_CODES.get(self.state)
        facts = {
            "country_code": self.country_code,
            "name": self.name,
            "from_state": str(before),
            "to_state": str(self.state),
            "retries_used": str(self.retries_used),
            "retry_limit": str(self.retry_limit),
        }
        if self.last_error and self.state is S.FAILED:
            facts["reason"] = self.last_error
        if code is not None:
            facts["error_code"] = code
        return facts

    def event_scope(self) -> EventScope:
        # The team is the connection's; the unit of work fills it in (team_id=None).
        return EventScope(None, self.connection_id, {"marketplace_id": self.marketplace_id})


# The catalogue code a product is given with a marketplace in these states.
_ERROR_CODES = {S.FAILED: "SETUP_FAILED", S.ESCALATED: "RETRY_LIMIT_EXCEEDED"}


def _discovery_state(*, participating: bool, covered_by_plan: bool) -> MarketplaceState:
    if not covered_by_plan:
        return S.COMING_SOON
    if not participating:
        return S.NOT_PARTICIPATING
    return S.AVAILABLE
