"""The commands that are not use cases (run the server, the worker, the sandbox, migrate,
rotate keys, mint a dev token) need things only the composition root has: settings, the
SQL database, uvicorn. The CLI receives them as plain callables, so this package imports
no other adapter and no bootstrap (import-linter)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from attrs import frozen


class RotationStep(Protocol):
    """What a key-rotation progress report carries; adapters.persistence's
    `RotationProgress` has this shape, so `rotate_keys`'s callback plugs in directly."""

    @property
    def done(self) -> int: ...

    @property
    def total(self) -> int: ...

    @property
    def column(self) -> str: ...


ProgressCallback = Callable[[RotationStep], None]


@frozen
class DoctorFinding:
    """One thing `sellerlink doctor` found: which check, ok/warning/problem, what it saw,
    and how to fix it."""

    check: str
    status: str  # "ok" | "warning" | "problem"
    detail: str
    fix: str = ""


@frozen
class Operations:
    """One callable per operator command; a command whose callable is None is not offered
    (`sellerlink --help` lists only what this installation can do).

    - `serve(host, port)`: run the web API (blocks). None means "from settings".
    - `worker(once)`: run the background worker; `once` does one pass and returns.
    - `sandbox(host, port)`: run the Amazon sandbox alone (blocks).
    - `db_upgrade(revision) -> str`: migrate the database; returns a sentence for people,
      such as "Database upgraded to 0001 (head)".
    - `keys_rotate(batch_size, progress) -> int`: re-seal old ciphertexts under the newest
      key, calling `progress` after every batch; returns how many were re-sealed.
    - `dev_token(user, team) -> str`: a signed development JWT (API.md).
    - `doctor() -> [DoctorFinding]`: check the installation (reads only).
    """

    serve: Callable[[str | None, int | None], None] | None = None
    worker: Callable[[bool], None] | None = None
    sandbox: Callable[[str | None, int | None], None] | None = None
    db_upgrade: Callable[[str], str] | None = None
    keys_rotate: Callable[[int, ProgressCallback], int] | None = None
    dev_token: Callable[[str, str | None], str] | None = None
    doctor: Callable[[], list[DoctorFinding]] | None = None
