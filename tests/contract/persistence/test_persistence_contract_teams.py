"""Contract: teams, memberships and the unit of work's transaction boundary, on every back
end (application/unit_of_work.py)."""

from __future__ import annotations

from typing import Any

import pytest

from domain.errors import ConcurrentUpdate
from domain.team import Plan, Role, TeamChange
from tests.contract.persistence.builders import NOW, membership, store, team


def test_a_committed_team_can_be_read_back(database: Any) -> None:
    with database.unit_of_work() as uow:
        uow.teams.add(team(max_connections=2))
        uow.commit()
    with database.unit_of_work() as uow:
        assert uow.teams.get("team_1") == team(max_connections=2)
        assert uow.teams.get("team_unknown") is None


def test_every_team_is_listed_in_one_read(database: Any) -> None:
    with database.unit_of_work() as uow:
        assert uow.teams.list_all() == []
        uow.teams.add(team("team_2", history_days=30))
        uow.teams.add(team("team_1"))
        uow.commit()
    with database.unit_of_work() as uow:
        assert uow.teams.list_all() == [team("team_1"), team("team_2", history_days=30)]


def test_leaving_a_unit_of_work_without_commit_keeps_nothing(database: Any) -> None:
    with database.unit_of_work() as uow:
        uow.teams.add(team())
    with database.unit_of_work() as uow:
        assert uow.teams.get("team_1") is None


def test_a_failed_use_case_leaves_nothing_half_written(database: Any) -> None:
    def failing_use_case() -> None:
        with database.unit_of_work() as uow:
            uow.teams.add(team())
            uow.memberships.put(membership("team_1", "user_1"))
            raise RuntimeError("the use case failed")

    with pytest.raises(RuntimeError):
        failing_use_case()
    with database.unit_of_work() as uow:
        assert uow.teams.get("team_1") is None
        assert uow.memberships.list_for_team("team_1") == []


def test_rollback_discards_what_was_written_so_far(database: Any) -> None:
    with database.unit_of_work() as uow:
        uow.teams.add(team("team_kept"))
        uow.commit()
        uow.teams.add(team("team_dropped"))
        uow.rollback()
        uow.commit()
    with database.unit_of_work() as uow:
        assert uow.teams.get("team_kept") is not None
        assert uow.teams.get("team_dropped") is None


def test_updating_a_team_bumps_the_stored_and_the_in_hand_version(database: Any) -> None:
    store(database)
    with database.unit_of_work() as uow:
        loaded = uow.teams.get("team_1")
        loaded.change(TeamChange(plan=Plan.PRO, max_connections=5), at=NOW, actor="user:owner")
        uow.teams.update(loaded)
        uow.commit()
        assert loaded.version == 1
    with database.unit_of_work() as uow:
        stored = uow.teams.get("team_1")
    assert (stored.plan, stored.max_connections, stored.version) == (Plan.PRO, 5, 1)


def test_updating_a_team_read_before_someone_else_changed_it_is_refused(database: Any) -> None:
    store(database)
    with database.unit_of_work() as uow:
        first = uow.teams.get("team_1")
    with database.unit_of_work() as uow:
        second = uow.teams.get("team_1")
        second.change(TeamChange(plan=Plan.PRO), at=NOW, actor="user:owner")
        uow.teams.update(second)
        uow.commit()
    with database.unit_of_work() as uow:
        first.change(TeamChange(max_connections=9), at=NOW, actor="user:owner")
        with pytest.raises(ConcurrentUpdate):
            uow.teams.update(first)
    with database.unit_of_work() as uow:
        stored = uow.teams.get("team_1")
    assert (stored.plan, stored.max_connections) == (Plan.PRO, None)


def test_memberships_are_found_by_team_and_by_user(database: Any) -> None:
    with database.unit_of_work() as uow:
        uow.teams.add(team("team_1"))
        uow.teams.add(team("team_2"))
        uow.memberships.put(membership("team_1", "ann", Role.OWNER))
        uow.memberships.put(membership("team_1", "bob", Role.MEMBER))
        uow.memberships.put(membership("team_2", "ann", Role.MANAGER))
        uow.commit()
    with database.unit_of_work() as uow:
        assert uow.memberships.get("team_1", "bob") == membership("team_1", "bob", Role.MEMBER)
        assert uow.memberships.get("team_2", "bob") is None
        assert {m.user_id for m in uow.memberships.list_for_team("team_1")} == {"ann", "bob"}
        assert sorted((m.team_id, m.role) for m in uow.memberships.list_for_user("ann")) == [
            ("team_1", Role.OWNER),
            ("team_2", Role.MANAGER),
        ]


def test_putting_a_membership_again_changes_the_role(database: Any) -> None:
    with database.unit_of_work() as uow:
        uow.teams.add(team())
        uow.memberships.put(membership("team_1", "bob", Role.MEMBER))
        uow.commit()
    with database.unit_of_work() as uow:
        uow.memberships.put(membership("team_1", "bob", Role.ADMIN))
        uow.commit()
    with database.unit_of_work() as uow:
        assert [m.role for m in uow.memberships.list_for_team("team_1")] == [Role.ADMIN]


def test_a_removed_membership_is_gone(database: Any) -> None:
    with database.unit_of_work() as uow:
        uow.teams.add(team())
        uow.memberships.put(membership("team_1", "bob"))
        uow.memberships.put(membership("team_1", "ann"))
        uow.commit()
    with database.unit_of_work() as uow:
        uow.memberships.remove("team_1", "bob")
        uow.memberships.remove("team_1", "nobody")
        uow.commit()
    with database.unit_of_work() as uow:
        assert uow.memberships.get("team_1", "bob") is None
        assert [m.user_id for m in uow.memberships.list_for_team("team_1")] == ["ann"]
