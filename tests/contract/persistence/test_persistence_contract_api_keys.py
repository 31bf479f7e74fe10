"""Contract: API keys on every back end. Only the hash is stored; a deleted key is gone for
every later unit of work; last_used_at moves at most once a minute (DESIGN §10)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from domain.api_key import LAST_USED_RESOLUTION, ApiKey, hash_secret, issue_key
from tests.contract.persistence.builders import NOW, team

SECRET = "ab" * 32


def key(key_id: str = "key_1", team_id: str = "team_1") -> ApiKey:
    return issue_key(
        key_id=key_id,
        team_id=team_id,
        name="Reports back end",
        scopes=["amazon:access", "records:read"],
        secret=SECRET,
        created_at=NOW,
        created_by="user:owner@acme",
    ).key


def _with_team(database: Any, *keys: ApiKey) -> None:
    with database.unit_of_work() as uow:
        uow.teams.add(team())
        uow.teams.add(team("team_2"))
        for k in keys:
            uow.api_keys.add(k)
        uow.commit()


def test_a_key_is_read_back_with_its_hash_and_scopes(database: Any) -> None:
    _with_team(database, key())
    with database.unit_of_work() as uow:
        loaded = uow.api_keys.get("key_1")
        assert loaded == key()
        assert loaded.secret_hash == hash_secret(SECRET)
        assert loaded.matches(SECRET)
        assert not loaded.matches("cd" * 32)
        assert uow.api_keys.get("key_unknown") is None


def test_a_team_lists_only_its_own_keys(database: Any) -> None:
    _with_team(database, key("key_1"), key("key_2", "team_2"), key("key_3"))
    with database.unit_of_work() as uow:
        assert [k.id for k in uow.api_keys.list_for_team("team_1")] == ["key_1", "key_3"]


def test_a_deleted_key_is_gone_and_another_team_cannot_delete_it(database: Any) -> None:
    _with_team(database, key())
    with database.unit_of_work() as uow:
        assert uow.api_keys.delete("team_2", "key_1") is False
        assert uow.api_keys.delete("team_1", "key_1") is True
        uow.commit()
    with database.unit_of_work() as uow:
        assert uow.api_keys.get("key_1") is None
        assert uow.api_keys.delete("team_1", "key_1") is False


def test_last_used_moves_at_most_once_a_minute(database: Any) -> None:
    _with_team(database, key())
    moments = [NOW, NOW + timedelta(seconds=20), NOW + timedelta(seconds=61)]
    for at in moments:
        with database.unit_of_work() as uow:
            uow.api_keys.mark_used("key_1", at, unless_since=at - LAST_USED_RESOLUTION)
            uow.commit()
        with database.unit_of_work() as uow:
            seen = uow.api_keys.get("key_1").last_used_at
        assert seen == (moments[2] if at == moments[2] else NOW)
