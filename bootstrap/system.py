"""The simplest ports: clocks, ids and secrets. They live in the composition root because
every runtime picks its own (the wall clock, or the sandbox's simulated clock)."""

from __future__ import annotations

import base64
import os
import secrets
import threading
import time
from datetime import UTC, datetime, timedelta


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class SettableClock:
    """A clock that only moves when told to: features and tests travel in time with it."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, delta: timedelta) -> None:
        with self._lock:
            self._now += delta

    def set(self, moment: datetime) -> None:
        with self._lock:
            self._now = moment


_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class UlidIds:
    """Time-ordered, collision-free ids (ULID layout: 48-bit ms time + 80 random bits), so
    ids sort by creation in listings and logs."""

    def new_id(self, prefix: str) -> str:
        value = (int(time.time() * 1000) << 80) | int.from_bytes(os.urandom(10), "big")
        chars = []
        for _ in range(26):
            value, rest = divmod(value, 32)
            chars.append(_CROCKFORD[rest])
        return f"{prefix}_{''.join(reversed(chars))}"


class SequentialIds:
    """Readable ids for features and tests: team_1, con_2, ..."""

    def __init__(self) -> None:
        self._n = 0
        self._lock = threading.Lock()

    def new_id(self, prefix: str) -> str:
        with self._lock:
            self._n += 1
            return f"{prefix}_{self._n}"


class TokenSecrets:
    def oauth_state(self) -> str:
        return secrets.token_urlsafe(32)  # 256 bits

    def pkce_verifier(self) -> str:
        return secrets.token_urlsafe(48)  # 64 characters, within RFC 7636's 43-128

    def api_key_secret(self) -> str:
        return secrets.token_hex(32)  # 256 bits

    def webhook_secret(self) -> str:
        return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
