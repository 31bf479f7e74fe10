"""A marketplace of a connection and its setup (DESIGN §2, seeds 000 and 001): selected,
set up, synced, failed and retried, escalated to support and answered there. The states
and the moves allowed between them are `marketplace_states.py`; its names are importable
from here too.

A marketplace announces what a person or the worker did to it (domain/events.py); the
unit of work adds the team of its connection. Discovery's moves are not announced: the
profiles and participations Amazon returned are, by the connection.
"""

from __future__ import annotations

from datetime import datetime

from attrs import define

from domain.errors import (
    InvalidTransition,
    MarketplaceNotSelectable,
    PlanRequired,
    ValidationFailed,
)
from domain.events import SYSTEM_ACTOR, EventKind
from domain.marketplace_standing import MarketplaceStanding
from domain.marketplace_states import (
    ALLOWED,
    DEFAULT_RETRY_LIMIT,
    DISCOVERY_STATES,
    IN_SETUP,
    LABELS,
    SELECTABLE,
    MarketplaceState,
    RetryOutcome,
    S,
    Transition,
    discovery_state,
)

__all__ = [
    "ALLOWED",
    "DEFAULT_RETRY_LIMIT",
    "DISCOVERY_STATES",
    "IN_SETUP",
    "LABELS",
    "SELECTABLE",
    "Marketplace",
    "MarketplaceStanding",
    "MarketplaceState",
    "RetryOutcome",
    "Transition",
]


@define
class Marketplace(MarketplaceStanding):
    """A marketplace of a connection and what is done to it: selected, set up, synced,
    failed and retried, escalated and answered by support, each move kept in its history
    and announced."""

    # -- moving ------------------------------------------------------------------------

    def rediscover(self, *, participating: bool, covered_by_plan: bool, at: datetime) -> bool:
        """Amazon's participation or the team's plan changed. Only the discovery states move;
        a marketplace already being set up keeps its progress. Returns whether it moved."""
        if self.state not in DISCOVERY_STATES:
            return False
        target = discovery_state(participating=participating, covered_by_plan=covered_by_plan)
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
        self._leave_escalation(
            S.SETTING_UP, f"reopened by support, back to Setting up ({reason})", reason, at, actor
        )

    def resolve(self, *, at: datetime, actor: str, reason: str) -> None:
        """Support closes an escalation that will not be set up again (the seller stopped
        selling there, or chose another account): the marketplace is deselected and shown
        Available, so nothing claims it is still waiting for support; the history keeps the
        failures and why the case was closed. Selecting it later starts a fresh setup."""
        reason = self._support_answer(reason, "resolved")
        self.last_error = None
        self.deselect()
        self._leave_escalation(
            S.AVAILABLE, f"escalation resolved by support, deselected ({reason})", reason, at, actor
        )

    def _leave_escalation(self, to: S, summary: str, reason: str, at: datetime, actor: str) -> None:
        """Support's answer ends the escalation: whatever comes next starts with a fresh
        retry budget, and the team is told who answered and why."""
        self.retries_used = 0
        self._move(to, at=at, reason=reason, actor=actor)
        self._changed(summary, at=at, actor=actor, before=S.ESCALATED)

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
