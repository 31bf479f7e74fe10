"""The marketplace setup state machine's vocabulary (DESIGN §2, seeds 000 and 001): the
states, the moves allowed between them, the words the help pages show for each, and the
state Amazon's answers and the team's plan put a marketplace in. `Marketplace`
(domain/marketplace.py) moves along them; its module re-exports these names.

coming_soon          (the plan does not cover it; not selectable)
not_participating    (the seller is not registered there; greyed out)
available --select--> setting_up --> syncing --> ready
                          |             |
                          +-------------+--> failed --retry--> setting_up
                                               | retries used up
                                               v
                                           escalated --support reopens--> setting_up
                                               +------support resolves--> available
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from attrs import frozen


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


# The catalogue code a product is given with a marketplace in these states.
SETUP_ERROR_CODES = {S.FAILED: "SETUP_FAILED", S.ESCALATED: "RETRY_LIMIT_EXCEEDED"}


def discovery_state(*, participating: bool, covered_by_plan: bool) -> MarketplaceState:
    if not covered_by_plan:
        return S.COMING_SOON
    if not participating:
        return S.NOT_PARTICIPATING
    return S.AVAILABLE
