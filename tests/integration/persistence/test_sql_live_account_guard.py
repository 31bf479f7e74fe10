"""Two teams' callbacks for the same Amazon account can both pass the use case's
ACCOUNT_IN_USE check at the same instant; the database's unique guard on live accounts
lets only one of them through, and the other gets ACCOUNT_IN_USE, not a crash."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.persistence import SqlDatabase
from domain.connection import AccountType
from domain.errors import AccountInUse
from tests.contract.persistence import builders


def _team_with_connection(
    db: SqlDatabase, team_id: str, connection_id: str, **changes: Any
) -> None:
    """A team whose connection is to the account A1SAME (`changes`: to builders.connection)."""
    changes.setdefault("ads_account_id", None)
    connection = builders.connection(
        connection_id, team_id=team_id, selling_partner_id="A1SAME", **changes
    )
    builders.store(db, connection, teams=(team_id,))


def test_a_second_live_connection_of_one_account_is_account_in_use(sql_db: SqlDatabase) -> None:
    _team_with_connection(sql_db, "team_a", "con_a")
    with pytest.raises(AccountInUse):
        _team_with_connection(sql_db, "team_b", "con_b")
    with sql_db.unit_of_work() as uow:
        assert uow.connections.get("con_b") is None


def test_a_disconnected_connection_does_not_hold_its_account(sql_db: SqlDatabase) -> None:
    _team_with_connection(sql_db, "team_a", "con_a")
    with sql_db.unit_of_work() as uow:
        connection = uow.connections.get("con_a")
        assert connection is not None
        connection.disconnect(connection.created_at)
        uow.connections.update(connection)
        uow.commit()
    _team_with_connection(sql_db, "team_b", "con_b")
    with sql_db.unit_of_work() as uow:
        assert uow.connections.get("con_b") is not None


def test_a_vendors_unconfirmed_selling_partner_id_claims_nothing(sql_db: SqlDatabase) -> None:
    """Two vendors whose (unconfirmed) selling partner ids are the same are both stored:
    only a seller's id, confirmed with Amazon, claims the account (migration 0013)."""
    vendor = AccountType.VENDOR
    _team_with_connection(sql_db, "team_a", "con_a", account_type=vendor, ads_account_id="ENTITY-A")
    _team_with_connection(sql_db, "team_b", "con_b", account_type=vendor, ads_account_id="ENTITY-B")
    with sql_db.unit_of_work() as uow:
        assert uow.connections.get("con_b") is not None
