"""The sandbox's simulated clock.

API.md: "In the embedded mode sellerlink's own clock follows the sandbox clock, so advancing
it moves the whole product in time". It runs at `scale` times wall-clock speed from `start`
(scale 1: a wall clock that `advance` can push forward; scale 0: frozen, moved only by
`advance` and `sleep`; scale 600: ten simulated minutes a second, for benchmarks), so
365-day authorizations and 5-minute codes can be exercised without waiting.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta


class SandboxClock:
    def __init__(
        self,
        start: datetime | None = None,
        *,
        scale: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if scale < 0:
            raise ValueError("a clock cannot run backwards")
        if start is not None and start.tzinfo is None:
            raise ValueError("start must be an aware datetime")
        self._start = (start or datetime.now(UTC)).astimezone(UTC)
        self._scale = scale
        self._monotonic = monotonic
        self._t0 = monotonic()
        self._offset = 0.0
        self._lock = threading.Lock()

    @property
    def scale(self) -> float:
        return self._scale

    def seconds(self) -> float:
        """Simulated seconds since `start`: a monotonic scale for rate limiting."""
        with self._lock:
            return (self._monotonic() - self._t0) * self._scale + self._offset

    def now(self) -> datetime:
        """An aware UTC datetime (the application's Clock port)."""
        return self._start + timedelta(seconds=self.seconds())

    def advance(self, seconds: float) -> datetime:
        if seconds < 0:
            raise ValueError("the sandbox clock only moves forward")
        with self._lock:
            self._offset += seconds
        return self.now()

    def sleep(self, seconds: float) -> None:
        """Let `seconds` of simulated time pass: a frozen clock jumps, a running one waits
        the matching wall-clock time."""
        if seconds <= 0:
            return
        if self._scale == 0:
            self.advance(seconds)
        else:
            time.sleep(seconds / self._scale)

    def __repr__(self) -> str:
        return f"SandboxClock(now={self.now().isoformat()}, scale={self._scale})"
