"""Marketplaces with their append-only transition history. Optimistic concurrency on the
marketplace's `version`; history rows are only ever inserted (seed 000's retry history is
evidence for support, so nothing rewrites it)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Select, func, select, tuple_

from adapters.persistence.connection_rows import MarketplaceRow, MarketplaceTransitionRow
from adapters.persistence.mappers import (
    marketplace_from_rows,
    marketplace_to_row,
    transition_to_row,
)
from adapters.persistence.repositories.base import SqlRepository, chunks
from domain.marketplace import Marketplace, MarketplaceState

T = MarketplaceTransitionRow


class SqlMarketplaceRepository(SqlRepository):
    def add(self, marketplace: Marketplace) -> None:
        self._add(marketplace, marketplace_to_row(marketplace))
        self._insert(
            [transition_to_row(marketplace, seq, t) for seq, t in enumerate(marketplace.history)]
        )

    def get(
        self, connection_id: str, marketplace_id: str, *, for_update: bool = False
    ) -> Marketplace | None:
        statement = select(MarketplaceRow).where(
            MarketplaceRow.connection_id == connection_id,
            MarketplaceRow.marketplace_id == marketplace_id,
        )
        found = self._load(self._locked(statement, for_update))
        return found[0] if found else None

    def update(self, marketplace: Marketplace) -> None:
        self._write_back(
            marketplace,
            marketplace_to_row(marketplace),
            f"Marketplace {marketplace.marketplace_id} of connection {marketplace.connection_id}",
            {
                "connection_id": marketplace.connection_id,
                "marketplace_id": marketplace.marketplace_id,
                "version": marketplace.version,
            },
        )
        stored = (
            self._session.scalar(
                select(func.count())
                .select_from(T)
                .where(
                    T.connection_id == marketplace.connection_id,
                    T.marketplace_id == marketplace.marketplace_id,
                )
            )
            or 0
        )
        if len(marketplace.history) < stored:
            raise ValueError("a marketplace's history is append-only; entries were removed")
        self._insert(
            [
                transition_to_row(marketplace, seq, marketplace.history[seq])
                for seq in range(stored, len(marketplace.history))
            ]
        )

    def list_for_connection(self, connection_id: str) -> list[Marketplace]:
        return self._load(
            select(MarketplaceRow).where(MarketplaceRow.connection_id == connection_id)
        )

    def list_in_states(self, states: Iterable[MarketplaceState]) -> list[Marketplace]:
        wanted = sorted({str(s) for s in states})
        if not wanted:
            return []
        return self._load(select(MarketplaceRow).where(MarketplaceRow.state.in_(wanted)))

    def _load(self, statement: Select[Any]) -> list[Marketplace]:
        statement = statement.order_by(MarketplaceRow.connection_id, MarketplaceRow.marketplace_id)
        rows: Sequence[MarketplaceRow] = self._current(statement).all()
        history: dict[tuple[str, str], list[MarketplaceTransitionRow]] = defaultdict(list)
        keys = [(r.connection_id, r.marketplace_id) for r in rows]
        for chunk in chunks(keys, 250):
            for t in self._current(
                select(T).where(tuple_(T.connection_id, T.marketplace_id).in_(chunk))
            ):
                history[(t.connection_id, t.marketplace_id)].append(t)
        return [
            self._uow.watch(marketplace_from_rows(r, history[(r.connection_id, r.marketplace_id)]))
            for r in rows
        ]
