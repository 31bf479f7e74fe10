"""Read models of a connection's marketplaces: where each one's setup stands, how far its
data is in (per dataset, once it syncs), and (shown only when asked for) every transition it
went through. Described field by field like the other views (`views.py`)."""

from __future__ import annotations

from datetime import datetime

from attrs import field, frozen

from application.views import about
from domain.copies import copied
from domain.marketplace import Marketplace, MarketplaceState, Transition
from domain.records import Dataset


@frozen
class SyncErrorView:
    """Why the dataset's last window failed."""

    code: str = field(metadata=about("The catalogue code, e.g. AMAZON_UNAVAILABLE."))
    detail: str | None = field(metadata=about("What happened, in Amazon's words when it said."))


@frozen
class DatasetSyncView:
    """How far one dataset of a marketplace is in (DESIGN §12)."""

    dataset: Dataset = field(metadata=about("The dataset, as GET /api/v1/datasets names it."))
    covered_from: datetime | None = field(
        metadata=about("Data from this instant on is in (history grows it backwards).")
    )
    covered_until: datetime | None = field(metadata=about("Data up to this instant is in."))
    history_from: datetime = field(
        metadata=about("How far back history goes: now minus the team's history_days.")
    )
    progress_percent: int = field(
        metadata=about("How much of [history_from, covered_until) is in; 100 when complete.")
    )
    last_success_at: datetime | None = field(metadata=about("When a window last arrived."))
    last_error: SyncErrorView | None = field(
        metadata=about("The last window's failure, until a window arrives again.")
    )


@frozen
class SyncCoverage:
    """A marketplace's data, dataset by dataset."""

    datasets: tuple[DatasetSyncView, ...] = field(
        metadata=about("Each dataset the account has in this marketplace.")
    )


@frozen
class MarketplaceSyncView(SyncCoverage):
    """One marketplace's sync coverage, as support reads it: which marketplace it is."""

    connection_id: str = field(metadata=about("The connection it belongs to."))
    marketplace_id: str = field(metadata=about("Amazon's marketplace id."))


@frozen
class MarketplaceView:
    """One marketplace of a connection and where its setup stands."""

    connection_id: str = field(metadata=about("The connection it belongs to."))
    marketplace_id: str = field(metadata=about("Amazon's marketplace id, e.g. ATVPDKIKX0DER."))
    country_code: str = field(metadata=about("The marketplace's country (ISO 3166)."))
    name: str = field(metadata=about("The marketplace's name, e.g. Amazon.com."))
    state: MarketplaceState = field(metadata=about("The setup state machine's state."))
    label: str = field(metadata=about('The state in the help pages\' words, e.g. "Syncing...".'))
    selectable: bool = field(metadata=about("Whether it may be selected now."))
    selected: bool = field(metadata=about("Whether the team selected it."))
    active: bool = field(metadata=about("Whether listings and sync run for it."))
    retries_used: int = field(metadata=about("Retries of a failed setup used so far."))
    retry_limit: int = field(metadata=about("Retries allowed before support is involved."))
    last_error: str | None = field(metadata=about("The last setup failure, in plain words."))
    reason: str | None = field(
        metadata=about(
            "Why it cannot be selected, or what its setup or sync waits for and the next step."
        )
    )
    reason_code: str | None = field(
        default=None,
        metadata=about(
            "The catalogue code of what it waits for (GET /errors/<code> explains the fix), "
            "e.g. AUTHORIZATION_REQUIRED, TOKEN_REVOKED, APP_ROLE_MISSING; null when nothing."
        ),
    )
    retry_at: datetime | None = field(
        default=None,
        metadata=about("After a refusal a person must fix: when sellerlink asks Amazon again."),
    )
    sync: SyncCoverage | None = field(
        default=None,
        metadata=about("Each dataset's coverage and history progress, once it syncs."),
    )

    @classmethod
    def of(cls, m: Marketplace, sync: SyncCoverage | None = None) -> MarketplaceView:
        return copied(cls, m, reason=m.unselectable_reason(), reason_code=m.waiting_code, sync=sync)


@frozen
class MarketplaceList:
    """A connection's marketplaces, in the order the help pages list them."""

    items: tuple[MarketplaceView, ...] = field(metadata=about("The connection's marketplaces."))


@frozen
class TransitionView:
    """One step of a marketplace's setup, with who moved it and why."""

    at: datetime = field(metadata=about("When it happened."))
    from_state: MarketplaceState | None = field(metadata=about("The state before (null first)."))
    to_state: MarketplaceState = field(metadata=about("The state after."))
    reason: str = field(metadata=about("Why, in plain words."))
    actor: str = field(metadata=about('Who: a user, "system" or "support:NAME".'))

    @classmethod
    def of(cls, t: Transition) -> TransitionView:
        return cls(t.at, t.from_state, t.to_state, t.reason, t.actor)


@frozen
class MarketplaceHistory:
    """Every transition of one marketplace, oldest first, and its retries."""

    connection_id: str = field(metadata=about("The connection it belongs to."))
    marketplace: MarketplaceView = field(metadata=about("The marketplace as it is now."))
    items: tuple[TransitionView, ...] = field(metadata=about("Every transition, oldest first."))
    retry_history: tuple[TransitionView, ...] = field(
        metadata=about("The failures and retries only, as support sees them on escalation.")
    )

    @classmethod
    def of(cls, m: Marketplace) -> MarketplaceHistory:
        return cls(
            connection_id=m.connection_id,
            marketplace=MarketplaceView.of(m),
            items=tuple(TransitionView.of(t) for t in m.history),
            retry_history=tuple(TransitionView.of(t) for t in m.retry_history),
        )
