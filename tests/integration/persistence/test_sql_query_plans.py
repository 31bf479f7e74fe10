"""The sweeps' queries are answered from indexes: connections by team, grants by
authorization expiry and by access-token expiry, marketplaces by state, authorization
requests by expiry. On PostgreSQL sequential scans are switched off for the check, so the
plan shows whether an index *can* serve the query, whatever the table's size."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import delete, or_, select, text

from adapters.persistence import SqlDatabase
from adapters.persistence.connection_rows import (
    AuthorizationRequestRow,
    ConnectionRow,
    MarketplaceRow,
)
from adapters.persistence.diagnostics import explain
from adapters.persistence.repositories.connections import (
    access_tokens_due,
    grants_expiring_before,
)
from tests.contract.persistence.builders import NOW

QUERIES: dict[str, tuple[Callable[[], Any], list[str]]] = {
    "refresh sweep": (lambda: access_tokens_due(NOW), ["ix_grants_access_token_due"]),
    "expiry sweep": (lambda: grants_expiring_before(NOW), ["ix_grants_expires_at"]),
    "connections of a team": (
        lambda: select(ConnectionRow).where(ConnectionRow.team_id == "team_1"),
        ["ix_connections_team_id"],
    ),
    "marketplaces by state": (
        lambda: select(MarketplaceRow).where(MarketplaceRow.state.in_(["failed", "syncing"])),
        ["ix_marketplaces_state"],
    ),
    "account lookup": (
        lambda: select(ConnectionRow).where(
            ConnectionRow.region == "NA",
            or_(
                ConnectionRow.selling_partner_id.in_(["A1"]),
                ConnectionRow.ads_account_id.in_(["A1"]),
            ),
        ),
        ["ix_connections_selling_partner_id", "ix_connections_ads_account_id"],
    ),
    "expired authorizations": (
        lambda: delete(AuthorizationRequestRow).where(AuthorizationRequestRow.expires_at < NOW),
        ["ix_authorization_requests_expires_at"],
    ),
}


@pytest.mark.parametrize("query", sorted(QUERIES))
def test_the_query_is_served_by_its_index(sql_db: SqlDatabase, query: str) -> None:
    build, indexes = QUERIES[query]
    with sql_db.engine.connect() as connection:
        if sql_db.dialect == "postgresql":
            connection.execute(text("SET enable_seqscan = off"))
        plan = explain(connection, build())
        connection.rollback()
    for index in indexes:
        assert index in plan, plan
    assert "SCAN grants\n" not in plan + "\n"
