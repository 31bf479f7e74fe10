"""Key rotation: re-seal every stored ciphertext under the keyring's newest key, online.

How to rotate (`sellerlink keys rotate`):
1. Put a new key in front of the keyring setting everywhere (`k2:...,k1:...`) and restart;
   from then on every write seals with k2 and both keys still open old rows.
2. Run `rotate_keys`: it walks each encrypted column in primary-key order, in batches of
   `batch_size`, one short transaction per batch, so the service keeps running.
3. When it reports zero remaining, drop the old key from the setting.

Each row is rewritten with a compare-and-set on its old ciphertext: if the service
rewrote the row meanwhile (a token refresh), the fresh value wins and the batch moves on;
the fresh value is already sealed under the newest key."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from attrs import frozen
from sqlalchemy import Connection, func, select, tuple_, update

from adapters.persistence.connection_rows import AuthorizationRequestRow, ConnectionRow, GrantRow
from adapters.persistence.crypto import (
    Keyring,
    Sealed,
    code_verifier_aad,
    grant_access_token_aad,
    grant_refresh_token_aad,
    webhook_secret_aad,
)
from adapters.persistence.unit_of_work import SQLITE_BEGIN_OPTION
from adapters.persistence.webhook_rows import WebhookEndpointRow

if TYPE_CHECKING:
    from adapters.persistence.database import SqlDatabase


@frozen
class RotationProgress:
    """Reported after every batch: ciphertexts re-sealed so far, of how many were under an
    older key when the rotation started."""

    done: int
    total: int
    column: str


@frozen
class _EncryptedColumn:
    name: str
    table: Any
    key: tuple[Any, ...]
    ciphertext: Any
    key_id: Any
    # Extra columns the associated data needs, and how to build it from a result row.
    context: tuple[Any, ...]
    aad: Callable[[Any], bytes]
    join: Any = None


def _grant_token(
    name: str, ciphertext: Any, key_id: Any, aad: Callable[[str, str, str], bytes]
) -> _EncryptedColumn:
    """A grant's token (refresh or access): sealed for its connection's team, the
    connection and the channel."""
    g = GrantRow
    return _EncryptedColumn(
        name,
        GrantRow.__table__,
        (g.connection_id, g.channel),
        ciphertext,
        key_id,
        (ConnectionRow.team_id,),
        lambda r: aad(r.team_id, r.connection_id, r.channel),
        join=(ConnectionRow, ConnectionRow.id == g.connection_id),
    )


def _webhook_secret(name: str, ciphertext: Any, key_id: Any, which: str) -> _EncryptedColumn:
    """An endpoint's signing secret, the current or the previous one (during a rotation)."""
    w = WebhookEndpointRow
    return _EncryptedColumn(
        name,
        WebhookEndpointRow.__table__,
        (w.id,),
        ciphertext,
        key_id,
        (w.team_id,),
        lambda r: webhook_secret_aad(r.team_id, r.id, which),
    )


def _columns() -> list[_EncryptedColumn]:
    g, a, w = GrantRow, AuthorizationRequestRow, WebhookEndpointRow
    return [
        _grant_token(
            "grants.refresh_token",
            g.refresh_token_ciphertext,
            g.refresh_token_key_id,
            grant_refresh_token_aad,
        ),
        _grant_token(
            "grants.access_token",
            g.access_token_ciphertext,
            g.access_token_key_id,
            grant_access_token_aad,
        ),
        _EncryptedColumn(
            "authorization_requests.code_verifier",
            AuthorizationRequestRow.__table__,
            (a.state,),
            a.code_verifier_ciphertext,
            a.code_verifier_key_id,
            (a.team_id, a.channel),
            lambda r: code_verifier_aad(r.team_id, r.state, r.channel),
        ),
        _webhook_secret(
            "webhook_endpoints.secret", w.secret_ciphertext, w.secret_key_id, "current"
        ),
        _webhook_secret(
            "webhook_endpoints.previous_secret",
            w.previous_secret_ciphertext,
            w.previous_secret_key_id,
            "previous",
        ),
    ]


def missing_key_ids(db: SqlDatabase) -> dict[str, int]:
    """Key ids the stored ciphertexts were sealed with that this process's keyring lacks,
    with how many ciphertexts each: a process started with other SELLERLINK_ENCRYPTION_KEYS
    (or another data dir) than the one that wrote them."""
    have = set(db.keyring.ids)
    missing: dict[str, int] = {}
    with db.engine.connect() as connection:
        for column in _columns():
            rows = connection.execute(
                select(column.key_id, func.count())
                .select_from(column.table)
                .where(column.ciphertext.is_not(None))
                .group_by(column.key_id)
            )
            for key_id, count in rows:
                if key_id not in have:
                    missing[str(key_id)] = missing.get(str(key_id), 0) + int(count)
    return missing


def count_stale(db: SqlDatabase) -> int:
    """How many ciphertexts are sealed under a key other than the newest."""
    newest = db.keyring.newest_id
    with db.engine.connect() as connection:
        return sum(
            connection.scalar(
                select(func.count())
                .select_from(column.table)
                .where(column.ciphertext.is_not(None), column.key_id != newest)
            )
            or 0
            for column in _columns()
        )


def rotate_keys(
    db: SqlDatabase,
    batch_size: int = 500,
    progress: Callable[[RotationProgress], None] | None = None,
) -> int:
    """Re-seal every ciphertext not under the newest key; returns how many were re-sealed."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    total = count_stale(db)
    done = 0
    for column in _columns():
        last: tuple[Any, ...] | None = None
        while True:
            with db.engine.connect() as connection:
                if db.dialect == "sqlite":
                    connection = connection.execution_options(
                        **{SQLITE_BEGIN_OPTION: "BEGIN IMMEDIATE"}
                    )
                with connection.begin():
                    rows, rotated = _rotate_batch(connection, db.keyring, column, last, batch_size)
            done += rotated
            if rows:
                last = tuple(getattr(rows[-1], c.key) for c in column.key)
            if progress is not None:
                progress(RotationProgress(done=done, total=total, column=column.name))
            if len(rows) < batch_size:
                break
    return done


def _rotate_batch(
    connection: Connection,
    keyring: Keyring,
    column: _EncryptedColumn,
    after: tuple[Any, ...] | None,
    batch_size: int,
) -> tuple[list[Any], int]:
    newest = keyring.newest_id
    key_labels = [c.label(c.key) for c in column.key]
    context_labels = [c.label(c.key) for c in column.context if c not in column.key]
    statement = select(
        *key_labels,
        *context_labels,
        column.ciphertext.label("ciphertext"),
        column.key_id.label("key_id"),
    ).select_from(column.table)
    if column.join is not None:
        statement = statement.join(*column.join)
    statement = statement.where(column.ciphertext.is_not(None), column.key_id != newest)
    if after is not None:
        statement = statement.where(tuple_(*column.key) > tuple_(*after))
    statement = statement.order_by(*column.key).limit(batch_size)
    rows = list(connection.execute(statement))
    rotated = 0
    for row in rows:
        aad = column.aad(row)
        plaintext = keyring.open(Sealed(row.key_id, bytes(row.ciphertext)), aad)
        fresh = keyring.seal(plaintext, aad)
        result = connection.execute(
            update(column.table)
            .where(
                *(c == getattr(row, c.key) for c in column.key),
                column.ciphertext == row.ciphertext,
                column.key_id == row.key_id,
            )
            .values({column.ciphertext.key: fresh.ciphertext, column.key_id.key: fresh.key_id})
        )
        rotated += result.rowcount
    return rows, rotated
