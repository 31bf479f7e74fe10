"""Durable state: SQLAlchemy repositories and unit of work, Alembic migrations, token
encryption, and the in-memory implementation of the same ports (`memory.py`).

Entry points for bootstrap/ (the only place that wires these):

- `SqlDatabase(url, keyring, *, echo=False, lock_timeout=None, ids=None)`
    - `url`: `sqlite:///<path>` (embedded default; `default_sqlite_url(data_dir)` gives
      `<data_dir>/sellerlink.db`) or `postgresql+psycopg://user:pw@host:port/db`
      (SELLERLINK_DATABASE_URL).
    - `.unit_of_work() -> UnitOfWork` (application/unit_of_work.py), one transaction each; its
      `commit()` also logs what the aggregates announced (announcements.py), with event
      ids from `ids` (the application's generator).
    - `.upgrade(revision="head")`, `.downgrade(revision)`: Alembic, programmatically; the
      migrations ship inside this package (`sellerlink db upgrade`; the embedded default
      runs `upgrade()` at start). `.current_revision()`, `.head_revision()`.
    - `.dispose()` at shutdown.
- `Keyring`: key id → 32-byte AES-256-GCM key, newest first.
  `Keyring.parse("k2:<base64url>,k1:<base64url>")` reads the setting (e.g.
  SELLERLINK_ENCRYPTION_KEYS); `Keyring.generate()` makes a fresh one and
  `.with_new_key()` prepends a fresh key; `.to_setting()` writes the setting back.
  `keyring_file(path)` reads `<data_dir>/encryption.keys` or creates it (0600) on first
  start: the embedded default's keyring when no setting is given.
- `rotate_keys(db, batch_size=500, progress=callback) -> int` (`sellerlink keys rotate`):
  re-seals every ciphertext under the newest key, online, in batches; `count_stale(db)`
  says how many are left. `progress` receives `RotationProgress(done, total, column)`.
- Leases around Amazon calls (DESIGN §15; application/leases.py): `uow.leases.claim(name,
  claimer, now=, until=)` is one upsert that succeeds only for a free, run-out or own lease,
  committed before the call; the single-flight token refresh claims `refresh:<connection>:
  <channel>`, re-reads the grant after claiming, and stores the token and drops the lease
  in one commit. `uow.connections.get(connection_id, for_update=True)` still takes a row
  lock (PostgreSQL: SELECT ... FOR UPDATE; SQLite: the database write lock, BEGIN
  IMMEDIATE), for short transactions that never wait on Amazon.

Pointing sellerlink at PostgreSQL (DESIGN §8 scale-out):

    export SELLERLINK_DATABASE_URL=postgresql+psycopg://sellerlink:PW@db.internal:5432/sellerlink
    export SELLERLINK_ENCRYPTION_KEYS="$(python -c 'from adapters.persistence import Keyring;
        print(Keyring.generate("k1").to_setting())')"   # the same value on every replica
    sellerlink db upgrade      # once per release; replicas starting together take turns
    sellerlink serve

Rotating keys: prepend a new key (`k2:...,k1:...`) everywhere, restart, run
`sellerlink keys rotate`, then drop `k1` once it reports nothing left under it.

On SQLite (the embedded default) every writing unit of work holds the database's single
write lock from its first write to its end, so keep units of work short: never call Amazon
inside one (a unit of work that did would keep every other writer waiting that long; the
busy timeout, 30 s by default, bounds it). Take a lease instead. Nested units of work in
one thread must not both write on SQLite: the inner one would wait for the outer one's
lock.

Errors: a lost update raises `domain.errors.ConcurrentUpdate`; a ciphertext that does not
open raises `crypto.DecryptionFailed` (its message names only the key id). Bound values
are never shown in SQL logs or exceptions (`hide_parameters`)."""

from adapters.persistence.crypto import DecryptionFailed, Keyring, KeyringError, keyring_file
from adapters.persistence.database import SqlDatabase, default_sqlite_url
from adapters.persistence.quick_reads import SqlQuickReads
from adapters.persistence.rotation import (
    RotationProgress,
    count_stale,
    missing_key_ids,
    rotate_keys,
)

__all__ = [
    "DecryptionFailed",
    "Keyring",
    "KeyringError",
    "RotationProgress",
    "SqlDatabase",
    "SqlQuickReads",
    "count_stale",
    "default_sqlite_url",
    "keyring_file",
    "missing_key_ids",
    "rotate_keys",
]
