"""Tokens are encrypted at rest with AES-256-GCM, bound to their row, and rotatable online
(DESIGN §7)."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from sqlalchemy import select, update

from adapters.persistence import (
    DecryptionFailed,
    Keyring,
    KeyringError,
    RotationProgress,
    SqlDatabase,
    count_stale,
    keyring_file,
    rotate_keys,
)
from adapters.persistence.connection_rows import AuthorizationRequestRow, GrantRow
from domain.grant import Channel
from domain.secret import Secret
from tests.contract.persistence.builders import authorization, connection, state, store
from tests.integration.persistence.conftest import same_database


def _grant_row(db: SqlDatabase, connection_id: str, channel: str) -> GrantRow:
    with db.unit_of_work() as uow:
        row = uow.session.scalars(
            select(GrantRow).where(
                GrantRow.connection_id == connection_id, GrantRow.channel == channel
            )
        ).one()
        uow.session.expunge(row)
        return row


# -- the keyring --------------------------------------------------------------------------


def test_a_keyring_setting_round_trips_newest_first() -> None:
    keyring = Keyring.generate("k1").with_new_key("k2")
    parsed = Keyring.parse(keyring.to_setting())
    assert parsed.ids == ("k2", "k1")
    assert parsed.newest_id == "k2"
    sealed = keyring.seal("Atzr|x", b"aad")
    assert parsed.open(sealed, b"aad") == "Atzr|x"


@pytest.mark.parametrize(
    "setting",
    [
        "",
        "k1",
        "k1:" + base64.urlsafe_b64encode(b"short").decode(),
        "k1:!!!notbase64!!!",
        "k 1:" + base64.urlsafe_b64encode(bytes(32)).decode(),
        "k1:{0},k1:{0}".format(base64.urlsafe_b64encode(bytes(32)).decode()),
    ],
)
def test_a_malformed_keyring_setting_is_refused_without_echoing_keys(setting: str) -> None:
    with pytest.raises(KeyringError) as refused:
        Keyring.parse(setting)
    key_part = setting.partition(":")[2]
    assert not key_part or key_part not in str(refused.value)


def test_the_embedded_keyring_file_is_made_once_private_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "data" / "encryption.keys"
    made = keyring_file(path)
    assert path.stat().st_mode & 0o777 == 0o600
    again = keyring_file(path)
    assert again.ids == made.ids
    assert again.open(made.seal("Atzr|x", b"aad"), b"aad") == "Atzr|x"


def test_a_keyring_never_shows_its_keys() -> None:
    keyring = Keyring.generate("k1")
    secret_part = keyring.to_setting().partition(":")[2]
    assert secret_part not in repr(keyring)
    assert secret_part not in str(keyring)


# -- at rest -------------------------------------------------------------------------------


def test_grant_tokens_are_stored_only_as_ciphertext_with_their_key_id(sql_db: SqlDatabase) -> None:
    store(sql_db, connection(refresh_token="Atzr|plain-refresh", access_token="Atza|plain-sp"))
    row = _grant_row(sql_db, "con_1", "sp_api")
    assert row.refresh_token_key_id == "k1"
    assert row.access_token_key_id == "k1"
    assert b"plain-refresh" not in bytes(row.refresh_token_ciphertext or b"")
    assert b"plain-sp" not in bytes(row.access_token_ciphertext or b"")
    # 12-byte nonce + ciphertext + 16-byte tag.
    assert len(row.refresh_token_ciphertext or b"") == 12 + len("Atzr|plain-refresh") + 16


def test_the_pkce_verifier_is_stored_only_as_ciphertext(sql_db: SqlDatabase) -> None:
    with sql_db.unit_of_work() as uow:
        uow.authorizations.add(authorization(1, verifier="verifier-plaintext-" + "v" * 30))
        uow.commit()
    with sql_db.unit_of_work() as uow:
        row = uow.session.scalars(select(AuthorizationRequestRow)).one()
        assert row.code_verifier_key_id == "k1"
        assert b"verifier-plaintext" not in bytes(row.code_verifier_ciphertext or b"")


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (("con_1", "sp_api"), ("con_2", "sp_api")),  # another connection of the same team
        (("con_1", "sp_api"), ("con_3", "sp_api")),  # another team's connection
        (("con_1", "sp_api"), ("con_1", "ads")),  # another channel of the same connection
    ],
)
def test_a_ciphertext_moved_to_another_row_does_not_decrypt(
    sql_db: SqlDatabase, source: tuple[str, str], target: tuple[str, str]
) -> None:
    store(
        sql_db,
        connection("con_1"),
        connection("con_2", selling_partner_id="A2", ads_account_id="E2"),
        connection("con_3", "team_2", selling_partner_id="A3", ads_account_id="E3"),
        teams=("team_1", "team_2"),
    )
    moved = _grant_row(sql_db, *source)
    with sql_db.unit_of_work() as uow:
        uow.session.execute(
            update(GrantRow)
            .where(GrantRow.connection_id == target[0], GrantRow.channel == target[1])
            .values(
                refresh_token_ciphertext=moved.refresh_token_ciphertext,
                refresh_token_key_id=moved.refresh_token_key_id,
            )
        )
        uow.commit()
    with sql_db.unit_of_work() as uow, pytest.raises(DecryptionFailed) as refused:
        uow.connections.get(target[0])
    assert "Atzr" not in str(refused.value)


def test_a_verifier_moved_to_another_request_does_not_decrypt(sql_db: SqlDatabase) -> None:
    with sql_db.unit_of_work() as uow:
        uow.authorizations.add(authorization(1))
        uow.authorizations.add(authorization(2, verifier="another-verifier-" + "w" * 30))
        uow.commit()
    with sql_db.unit_of_work() as uow:
        first = uow.session.scalars(
            select(AuthorizationRequestRow).where(AuthorizationRequestRow.state == state(1))
        ).one()
        uow.session.execute(
            update(AuthorizationRequestRow)
            .where(AuthorizationRequestRow.state == state(2))
            .values(code_verifier_ciphertext=first.code_verifier_ciphertext)
        )
        uow.commit()
    with sql_db.unit_of_work() as uow, pytest.raises(DecryptionFailed):
        uow.authorizations.get(state(2))


def test_a_database_opened_without_the_key_says_which_key_is_missing(sql_db: SqlDatabase) -> None:
    store(sql_db, connection())
    stranger = same_database(sql_db, keyring=Keyring.generate("k9"))
    try:
        with stranger.unit_of_work() as uow, pytest.raises(DecryptionFailed, match="'k1'"):
            uow.connections.get("con_1")
    finally:
        stranger.dispose()


# -- rotation ------------------------------------------------------------------------------


def test_rotation_reseals_everything_under_the_newest_key_so_the_old_one_can_go(
    sql_db: SqlDatabase,
) -> None:
    connections = [
        connection(f"con_{n}", selling_partner_id=f"A{n}", ads_account_id=f"E{n}") for n in range(7)
    ]
    store(sql_db, *connections)
    with sql_db.unit_of_work() as uow:
        uow.authorizations.add(authorization(1))
        uow.authorizations.add(authorization(2, verifier=None))
        uow.commit()
    both = same_database(sql_db, keyring=sql_db.keyring.with_new_key("k2"))
    reports: list[RotationProgress] = []
    try:
        assert count_stale(both) == 7 * 4 + 1
        assert rotate_keys(both, batch_size=3, progress=reports.append) == 29
        assert count_stale(both) == 0
        assert rotate_keys(both, batch_size=3) == 0
    finally:
        both.dispose()
    assert reports[-1].done == reports[-1].total == 29
    assert {r.column for r in reports} == {
        "grants.refresh_token",
        "grants.access_token",
        "authorization_requests.code_verifier",
        "webhook_endpoints.secret",
        "webhook_endpoints.previous_secret",
    }
    only_new = same_database(sql_db, keyring=Keyring.parse(both.keyring.to_setting().split(",")[0]))
    try:
        with only_new.unit_of_work() as uow:
            assert uow.connections.list_all() == connections
            assert uow.authorizations.get(state(1)) == authorization(1)
    finally:
        only_new.dispose()


def test_rotation_keeps_a_token_written_while_it_runs(sql_db: SqlDatabase) -> None:
    """Rotation runs beside the service: a token refreshed between two batches is kept
    (each row is rewritten only if its ciphertext is still the one rotation read)."""
    store(sql_db, connection())
    both = same_database(sql_db, keyring=sql_db.keyring.with_new_key("k2"))
    refreshed = False

    def refresh_meanwhile(report: RotationProgress) -> None:
        nonlocal refreshed
        if refreshed:
            return
        refreshed = True
        with both.unit_of_work() as uow:
            loaded = uow.connections.get("con_1", for_update=True)
            grant = loaded.grant(Channel.ADS)
            grant.access_token = Secret("Atza|written-during-rotation")
            uow.connections.update(loaded)
            uow.commit()

    try:
        rotate_keys(both, batch_size=1, progress=refresh_meanwhile)
        with both.unit_of_work() as uow:
            token = uow.connections.get("con_1").grant(Channel.ADS).access_token
        assert token is not None
        assert token.reveal() == "Atza|written-during-rotation"
        assert count_stale(both) == 0
    finally:
        both.dispose()


def test_rotation_runs_online_beside_a_busy_refresher(sql_db: SqlDatabase) -> None:
    """A refresher rewrites tokens in its own thread while rotation walks the tables in
    small batches: neither fails, no refreshed token is lost, nothing stays under k1."""
    import threading

    ids = [f"con_{n}" for n in range(12)]
    store(
        sql_db,
        *(connection(i, selling_partner_id=f"A{i}", ads_account_id=f"E{i}") for i in ids),
    )
    both = same_database(sql_db, keyring=sql_db.keyring.with_new_key("k2"))
    last_written: dict[str, str] = {}
    stop = threading.Event()
    failures: list[BaseException] = []

    def refresher() -> None:
        turn = 0
        try:
            while not stop.is_set() or turn < len(ids):
                connection_id = ids[turn % len(ids)]
                token = f"Atza|turn-{turn}"
                with both.unit_of_work() as uow:
                    loaded = uow.connections.get(connection_id, for_update=True)
                    loaded.grant(Channel.ADS).access_token = Secret(token)
                    uow.connections.update(loaded)
                    uow.commit()
                last_written[connection_id] = token
                turn += 1
        except BaseException as failure:  # reported below
            failures.append(failure)

    thread = threading.Thread(target=refresher)
    thread.start()
    try:
        rotate_keys(both, batch_size=2)
    finally:
        stop.set()
        thread.join(timeout=60)
    try:
        assert not failures, failures
        assert count_stale(both) == 0
        with both.unit_of_work() as uow:
            for connection_id, token in last_written.items():
                stored = uow.connections.get(connection_id).grant(Channel.ADS).access_token
                assert stored == Secret(token)
    finally:
        both.dispose()
