"""A marketplace as it stands: its place in the setup state machine (marketplace_states.py),
its retries and history, what it waits for, and what that means to a person (selectable,
its label, why it cannot be selected). `Marketplace` (domain/marketplace.py) is this plus
the moves a person, the worker and support make."""

from __future__ import annotations

from datetime import datetime
from typing import Self

from attrs import define, field

from domain.errors import InvalidTransition
from domain.events import SYSTEM_ACTOR, EventKind, EventScope, EventSource
from domain.marketplace_states import (
    ALLOWED,
    DEFAULT_RETRY_LIMIT,
    LABELS,
    SELECTABLE,
    SETUP_ERROR_CODES,
    MarketplaceState,
    S,
    Transition,
    discovery_state,
)


@define
class MarketplaceStanding(EventSource):
    """The marketplace's data and what it means now; `Marketplace` adds the moves."""

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
    ) -> Self:
        state = discovery_state(participating=participating, covered_by_plan=covered_by_plan)
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
        code = SETUP_ERROR_CODES.get(self.state)
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
