"""No plaintext token in the database, in logs or in exceptions: a whole flow
runs with canary tokens, then the entire database is dumped and searched for them."""

from __future__ import annotations

import base64
import logging
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from adapters.persistence import SqlDatabase, rotate_keys
from domain.grant import Channel
from domain.secret import Secret
from harness.postgres import find_bin_dir
from tests.contract.persistence.builders import NOW, authorization, connection, state, team
from tests.integration.persistence.conftest import same_database

CANARIES = [
    "Atzr|CANARY-refresh-7f3a9c",
    "Atza|CANARY-access-51be02",
    "CANARY-pkce-verifier-d41d8cd98f00b204e9800998ecf8427e",
    "Atza|CANARY-refreshed-0c9e11",
]


def _forms(canary: str) -> list[bytes]:
    """The canary as text, and as it would look had a bug stored it hex- or base64-encoded."""
    raw = canary.encode()
    return [raw, raw.hex().encode(), base64.b64encode(raw), base64.urlsafe_b64encode(raw)]


def _hits(blob: bytes) -> list[str]:
    return [c for c in CANARIES if any(form in blob for form in _forms(c))]


def _run_flow(db: SqlDatabase) -> str:
    """Everything that writes a secret: connect, PKCE, consume, refresh, rotate, a failure."""
    with db.unit_of_work() as uow:
        uow.teams.add(team())
        uow.authorizations.add(authorization(1, verifier=CANARIES[2]))
        uow.connections.add(connection(refresh_token=CANARIES[0], access_token=CANARIES[1]))
        uow.commit()
    with db.unit_of_work() as uow:
        assert uow.authorizations.consume(state(1), NOW)
        request = uow.authorizations.get(state(1))
        assert request.code_verifier == Secret(CANARIES[2])
        request.complete("con_1")
        uow.authorizations.update(request)
        loaded = uow.connections.get("con_1", for_update=True)
        loaded.grant(Channel.SP_API).record_refresh(
            access_token=Secret(CANARIES[3]), expires_at=NOW + timedelta(hours=1), at=NOW
        )
        uow.connections.update(loaded)
        uow.commit()
    rotated = same_database(db, keyring=db.keyring.with_new_key("k2"))
    try:
        assert rotate_keys(rotated) > 0
    finally:
        rotated.dispose()
    with db.unit_of_work() as uow:  # a failure whose message could carry parameters
        duplicate = connection(  # the same id, another account: a primary key clash
            refresh_token=CANARIES[0],
            access_token=CANARIES[1],
            selling_partner_id="A9OTHER",
            ads_account_id="E9OTHER",
        )
        with pytest.raises(IntegrityError) as failure:
            uow.connections.add(duplicate)
    return str(failure.value) + repr(failure.value)


def _dump(db: SqlDatabase) -> bytes:
    if db.dialect == "sqlite":
        path = Path(db.url.database or "")
        db.dispose()
        files = [p for p in path.parent.glob(path.name + "*") if p.is_file()]
        raw = b"".join(p.read_bytes() for p in files)
        import sqlite3

        with sqlite3.connect(path) as connection:
            text = "\n".join(connection.iterdump())
        return raw + text.encode()
    bin_dir = find_bin_dir()
    pg_dump = str(bin_dir / "pg_dump") if bin_dir else "pg_dump"
    url = db.url
    result = subprocess.run(
        [
            pg_dump,
            "-h",
            url.host or "",
            "-p",
            str(url.port),
            "-U",
            url.username or "",
            url.database or "",
        ],
        capture_output=True,
        check=True,
        timeout=120,
    )
    return result.stdout


def test_no_canary_token_reaches_the_database_the_logs_or_an_exception(
    sql_db: SqlDatabase, caplog: pytest.LogCaptureFixture
) -> None:
    echoing = same_database(sql_db, echo=True)
    try:
        with caplog.at_level(logging.DEBUG):
            failure = _run_flow(echoing)
    finally:
        echoing.dispose()
    dump = _dump(sql_db)
    assert b"CREATE TABLE" in dump
    assert b"grants" in dump
    assert b"Acme US" in dump  # plaintext columns are visible, so a plaintext token would be
    assert _hits(dump) == []
    assert _hits(caplog.text.encode()) == []
    assert "INSERT INTO connections" in caplog.text  # the statements were logged
    assert _hits(failure.encode()) == []
